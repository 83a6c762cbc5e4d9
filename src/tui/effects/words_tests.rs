//! Each screen remedy is swapped into the message it belongs to (a message whose
//! words drifted would fall back to the lower layer's, and fail here), and names
//! the key the user's keymap binds, not the default.

use std::path::PathBuf;

use super::ScreenWords;
use crate::glacier::GlacierError;
use crate::glacier::download::DownloadError;
use crate::store::{StoreError, VaultRefusal};
use crate::tracking::download::DownloadJobError;
use crate::tracking::inventory::FetchError;
use crate::tracking::launch::LaunchError;
use crate::tui::keymap::Keymap;

/// The default keys, with downloading on `D` and fetching on `I`.
fn words() -> ScreenWords {
    let keys = "[keys]\ndownload = [\"D\"]\nfetch_inventory = [\"I\"]\n";
    let keymap = Keymap::from_toml(keys, Some(&Keymap::defaults()), "keymap.toml").unwrap();
    ScreenWords::new(keymap)
}

/// The screen's words for `err`, checked to differ from the lower layer's.
fn swapped(err: &(dyn std::error::Error + 'static)) -> String {
    let text = words().error(err);
    assert_ne!(text, err.to_string(), "no screen remedy was swapped in");
    text
}

#[test]
fn a_download_that_broke_off_is_resumed_by_the_users_download_key() {
    let disk_full = DownloadError::DiskFull {
        path: PathBuf::from("out/a.bin.part"),
        source: std::io::Error::from(std::io::ErrorKind::StorageFull),
    };
    let text = swapped(&disk_full);
    assert!(text.contains("press D again: it resumes"), "{text}");
    let stalled = DownloadError::Stalled {
        job_id: "J".into(),
        first: 0,
        last: 1_048_575,
        after: std::time::Duration::from_secs(60),
        times: 3,
        part: PathBuf::from("out/a.bin.part"),
    };
    let text = swapped(&stalled);
    assert!(text.contains("press D again later"), "{text}");
    assert!(text.contains("no bytes for 60 s, 3 times"), "{text}");
}

#[test]
fn a_file_in_the_way_asks_for_another_folder_not_an_option() {
    let exists = DownloadJobError::Download(DownloadError::DestinationExists {
        path: PathBuf::from("out/a.bin"),
    });
    let text = swapped(&exists);
    assert_eq!(
        text,
        "out/a.bin exists; choose another folder, or move the file away"
    );
}

#[test]
fn an_unknown_length_or_a_stale_inventory_points_at_the_fetch_key() {
    let text = swapped(&DownloadJobError::NoLength { inventory: false });
    assert!(
        text.ends_with(
            "press I in the vaults pane for an inventory that lists it, and D again once it is imported"
        ),
        "{text}"
    );
    let text = swapped(&DownloadJobError::InProgress {
        job_id: "JOB".into(),
    });
    assert!(text.contains("once the jobs pane shows it ready"), "{text}");
    let text = swapped(&StoreError::Vault(VaultRefusal::NoInventory {
        name: "photos".into(),
    }));
    assert!(
        text.ends_with("press I in the vaults pane to ask Glacier for one"),
        "{text}"
    );
}

#[test]
fn a_failed_inventory_job_is_started_again_by_its_key() {
    let text = swapped(&FetchError::OutputExpired {
        job_id: "INV".into(),
    });
    assert!(text.ends_with("press I again to start a new one"), "{text}");
    assert!(!text.contains("defrost inventory fetch"), "{text}");
}

#[test]
fn what_only_a_restart_changes_keeps_neutral_words_and_names_no_option() {
    let refused = LaunchError::Refused {
        range: None,
        cause: GlacierError::NoCredentials {
            detail: "none in the environment".into(),
        },
        policy: None,
        started: Vec::new(),
    };
    for err in [
        words().error(&GlacierError::NoRegion),
        words().error(&refused),
    ] {
        assert!(!err.contains("--"), "{err}");
    }
    let text = swapped(&GlacierError::UnknownVault {
        vault: "photos".into(),
    });
    assert!(
        text.ends_with("against the vaults pane, and the region"),
        "{text}"
    );
}

#[test]
fn an_error_without_a_screen_remedy_keeps_its_words_and_is_printable() {
    let err = GlacierError::UnknownJob {
        vault: "v\u{1b}[2J".into(),
        job_id: "J".into(),
    };
    let text = words().error(&err);
    assert!(
        text.starts_with("vault 'v\u{FFFD}[2J' knows no job 'J'"),
        "{text}"
    );
}

#[test]
fn a_migrations_refusals_name_what_to_change_in_its_dialog() {
    use crate::s3::S3Error;
    use crate::tracking::migrate::MigrateError;
    let missing = MigrateError::S3(S3Error::NoSuchBucket {
        bucket: "photos-copy".into(),
    });
    assert_eq!(
        swapped(&missing),
        "there is no bucket 'photos-copy'; type the name of a bucket that exists, then press Enter"
    );
    let denied = S3Error::AccessDenied {
        message: "Access Denied".into(),
    };
    let text = swapped(&denied);
    assert!(
        text.ends_with("type a bucket these credentials may write to, then press Enter"),
        "{text}"
    );
    let elsewhere = MigrateError::CrossRegion {
        bucket: "photos-copy".into(),
        bucket_region: "eu-west-1".into(),
        vault_region: "us-east-1".into(),
    };
    let text = swapped(&elsewhere);
    assert!(
        text.contains("in eu-west-1 and the vault in us-east-1"),
        "{text}"
    );
    assert!(
        text.ends_with("only with 'across regions' at yes (↓/j there changes it), or type a bucket in us-east-1; then press Enter"),
        "{text}"
    );
    let taken = MigrateError::WouldOverwrite {
        key: "photos/a.jpg".into(),
    };
    assert!(swapped(&taken).ends_with("type another prefix for the objects, then press Enter"));
}
