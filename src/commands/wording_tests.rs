//! Each lower layer's refusal that has a remedy in defrost's options is worded
//! with them, keeping the message's numbers and names; the rest keep their text.

use std::path::PathBuf;

use super::*;
use crate::domain::inventory::Timestamp;
use crate::domain::job_params::{GlacierDate, JobKind};
use crate::domain::range::ByteRange;
use crate::store::VaultKey;

/// The neutral text and the command line's, which must differ and name `flag`.
fn assert_worded(err: &(dyn Error + 'static), mentions: &[&str]) -> String {
    let neutral = err.to_string();
    assert!(
        !neutral.contains("--"),
        "a lower layer named a flag: {neutral}"
    );
    let Some(ours) = worded(err) else {
        panic!("no command-line wording for {err:?}: {neutral}")
    };
    for mention in mentions {
        assert!(ours.contains(mention), "{mention:?} missing from: {ours}");
    }
    ours
}

#[test]
fn glacier_remedies_name_the_options() {
    let cases: Vec<(GlacierError, &[&str])> = vec![
        (
            GlacierError::NoRegion,
            &["give --region", "--region us-east-1"],
        ),
        (
            GlacierError::NoCredentials { detail: "d".into() },
            &["(d)", "--profile NAME", "AWS_ACCESS_KEY_ID"],
        ),
        (
            GlacierError::AccessDenied {
                message: "m".into(),
            },
            &["(m)", "another --profile"],
        ),
        (
            GlacierError::UnknownVault { vault: "v".into() },
            &["no vault 'v'", "'defrost vaults', and --region"],
        ),
        (
            GlacierError::NoLongerSupported {
                message: "m".into(),
            },
            &["(--profile) and --region"],
        ),
        (
            GlacierError::Network {
                endpoint: "http://e".into(),
                detail: "d".into(),
            },
            &["http://e", "--endpoint-url if you gave one"],
        ),
    ];
    for (err, mentions) in cases {
        assert_worded(&err, mentions);
    }
    let outage = GlacierError::Throttled {
        message: "m".into(),
    };
    assert_eq!(worded(&outage), None);
}

#[test]
fn store_remedies_name_the_options() {
    let path = PathBuf::from("cache/catalog.sqlite");
    let newer = StoreError::NewerSchema {
        path: path.clone(),
        found: 9,
        supported: 3,
    };
    assert_worded(&newer, &["schema 9", "another --data-dir"]);
    assert_worded(
        &StoreError::NotOurs { path: path.clone() },
        &["another --data-dir"],
    );
    let damaged = StoreError::DamagedSnapshot {
        id: 4,
        catalog: path,
        what: "format",
    };
    assert_worded(
        &damaged,
        &["snapshot 4", "damaged format", "another --data-dir"],
    );
}

/// Each refusal, inside a `StoreError` as the store returns it, names `mentions`.
fn assert_refusals_worded(cases: Vec<(VaultRefusal, &[&str])>) {
    for (refusal, mentions) in cases {
        assert_worded(&StoreError::Vault(refusal), mentions);
    }
}

#[test]
fn a_vault_not_found_in_the_cache_names_the_options_and_commands() {
    let key = |region: &str, account: &str| VaultKey {
        account: account.into(),
        region: region.into(),
        name: "photos".into(),
    };
    assert_refusals_worded(vec![
        (
            VaultRefusal::NotCached {
                name: "nope".into(),
                region: Some("eu-west-1".into()),
                account: None,
            },
            &[
                "vault 'nope' is cached for region eu-west-1;",
                "'defrost inventory import FILE --vault nope'",
                "'defrost inventory list'",
            ],
        ),
        (
            VaultRefusal::Ambiguous {
                name: "photos".into(),
                candidates: vec![key("us-east-1", "-"), key("us-east-1", "111122223333")],
            },
            &[
                "2 cached vaults named 'photos' (us-east-1 -, us-east-1 111122223333)",
                "add --region or --account to pick one",
            ],
        ),
        (
            VaultRefusal::NoInventory { name: "v".into() },
            &["'defrost inventory import FILE --vault v'"],
        ),
        (
            VaultRefusal::NoSuchSnapshot {
                name: "v".into(),
                id: 9,
            },
            &["no snapshot 9", "'defrost inventory list' shows"],
        ),
    ]);
}

#[test]
fn an_inventory_that_contradicts_what_was_given_names_the_options() {
    let date = |text| Timestamp::parse(text).unwrap();
    assert_refusals_worded(vec![
        (
            VaultRefusal::OfAnotherVault {
                in_arn: "photos".into(),
                given: "videos".into(),
            },
            &["vault 'photos'", "not 'videos'", "give --vault photos"],
        ),
        (
            VaultRefusal::NoRegion,
            &["give --region, for example --region us-east-1"],
        ),
        (
            VaultRefusal::Disagrees {
                detail: VaultDetail::Account,
                given: "999999999999".into(),
                in_arn: "111122223333".into(),
            },
            &[
                "--account says '999999999999'",
                "'111122223333'",
                "leave out --account",
            ],
        ),
        (
            VaultRefusal::DateDisagrees {
                in_file: date("2026-11-01T04:10:22Z"),
                given: date("2026-01-01T00:00:00Z"),
            },
            &[
                "2026-11-01T04:10:22Z, but --inventory-date says 2026-01-01T00:00:00Z",
                "leave out --inventory-date",
            ],
        ),
    ]);
}

#[test]
fn range_and_plan_remedies_name_size_and_snap() {
    let open = RangeError::NeedsSize { input: "5-".into() };
    assert_worded(&open, &["`5-`", "give --size BYTES"]);
    let unaligned = RangeError::NotMibAligned {
        range: ByteRange::new(5, 9).unwrap(),
        size: 100,
    };
    assert_worded(&unaligned, &["5-9", "(--snap mib)"]);
    let unplanned = PlanError::NeedsSize {
        archive_id: "A".into(),
    };
    assert_worded(
        &unplanned,
        &["archive A", "give --size BYTES as the inventory"],
    );
    let past = PlanError::Range(RangeError::StartBeyondEnd {
        start: 200,
        size: 100,
    });
    let ours = assert_worded(&past, &["--range: the range starts at byte 200"]);
    assert!(ours.ends_with("give a start below 100"), "{ours}");
}

/// Each refusal names `mentions`, and each field it names once with its option.
fn assert_params_worded(cases: Vec<(ParamsError, &[&str])>) {
    for (err, mentions) in cases {
        let ours = assert_worded(&err, mentions);
        for field in err.fields() {
            let named = format!("{} ({})", field.glacier_name(), flag(field).unwrap());
            assert_eq!(ours.matches(&named).count(), 1, "{ours}");
        }
    }
}

#[test]
fn job_parameters_name_each_field_by_its_option() {
    assert_params_worded(vec![
        (
            ParamsError::MissingArchiveId,
            &["ArchiveId (--archive-id) is required"],
        ),
        (
            ParamsError::DescriptionTooLong { length: 1025 },
            &["Description (--description) is 1025 bytes"],
        ),
        (
            ParamsError::DatesOutOfOrder {
                start: GlacierDate::parse("2024-03-01").unwrap(),
                end: GlacierDate::parse("2024-02-01").unwrap(),
            },
            &[
                "StartDate (--start-date) 2024-03-01",
                "EndDate (--end-date) 2024-02-01",
            ],
        ),
        (
            ParamsError::LimitZero,
            &["Limit (--limit) is 0", "or leave Limit out"],
        ),
        (
            ParamsError::NotForThisJob {
                field: Field::Tier,
                kind: JobKind::InventoryRetrieval,
            },
            &["Tier (--tier) belongs only in"],
        ),
    ]);
    // Type is chosen by the subcommand, and a vault name has no field: as they are.
    assert_eq!(worded(&ParamsError::MissingType), None);
    assert_eq!(worded(&ParamsError::VaultNameLength { length: 0 }), None);
}

#[test]
fn a_range_refusal_names_range_size_and_snap_and_keeps_the_bytes() {
    assert_params_worded(vec![
        (
            ParamsError::RangeNotMibAligned {
                range: ByteRange::new(1_500_000, 2_500_000).unwrap(),
                size: 10 << 20,
            },
            &[
                "RetrievalByteRange (--range) 1500000-2500000",
                "--snap mib for the fewest bytes or --snap tree for",
            ],
        ),
        (
            ParamsError::RangeStartNotMibAligned { start: 5 },
            &[
                "(--range) starts at byte 5",
                "start at byte 0",
                "(--size)",
                "(--snap mib)",
            ],
        ),
        (
            ParamsError::RangeEndNotMibAligned { end: 5 },
            &[
                "(--range) ends at byte 5",
                "end at byte 1048575",
                "(--size) so",
            ],
        ),
        (
            ParamsError::RangeUnusable(RangeError::NeedsSize { input: "5-".into() }),
            &[
                "RetrievalByteRange (--range) cannot be used",
                "give --size BYTES",
            ],
        ),
    ]);
}

#[test]
fn download_remedies_name_overwrite_and_the_commands() {
    let exists = DownloadError::DestinationExists {
        path: "out/a.bin".into(),
    };
    assert_worded(
        &exists,
        &["out/a.bin exists; give --overwrite to replace it"],
    );
    let in_job = DownloadJobError::Download(exists);
    assert_worded(&in_job, &["give --overwrite"]);
    let running = DownloadJobError::InProgress { job_id: "J".into() };
    assert_worded(&running, &["job J", "once 'defrost jobs' shows it ready"]);
    let unknown = DownloadJobError::NoLength { inventory: false };
    assert_worded(&unknown, &["'defrost inventory import FILE --vault NAME'"]);
    let nested = DownloadJobError::Tracking(TrackingError::Glacier(GlacierError::NoRegion));
    assert_worded(&nested, &["give --region"]);
}

#[test]
fn a_member_restore_names_overwrite_and_to_and_a_peek_its_causes_options() {
    use crate::tracking::peek::PeekError;
    let exists = PeekError::Exists {
        path: "restored/docs/a.txt".into(),
    };
    let ours = assert_worded(
        &exists,
        &["add --overwrite to replace it, or give another folder with --to"],
    );
    assert!(
        ours.starts_with("restored/docs/a.txt is there already; "),
        "{ours}"
    );
    let nested = PeekError::Tracking(TrackingError::Glacier(GlacierError::NoRegion));
    assert_worded(&nested, &["give --region"]);
    let running = PeekError::from(DownloadJobError::InProgress { job_id: "J".into() });
    assert_worded(&running, &["once 'defrost jobs' shows it ready"]);
    // A zip that is not one has no option to fix it: its words stay.
    let not_zip = PeekError::NotZip {
        archive_id: "A".into(),
        reason: "no end record".into(),
    };
    assert_eq!(worded(&not_zip), None);
}

#[test]
fn a_launch_refusal_keeps_its_notes_around_the_worded_cause() {
    let refused = LaunchError::Refused {
        range: None,
        cause: GlacierError::UnknownVault { vault: "v".into() },
        policy: None,
        started: Vec::new(),
    };
    let ours = assert_worded(&refused, &["'defrost vaults', and --region"]);
    assert!(ours.starts_with("there is no vault 'v'"), "{ours}");
}

#[test]
fn the_chain_is_one_text_with_each_cause_worded() {
    let err = anyhow::Error::new(RangeError::NeedsSize { input: "5-".into() })
        .context("RetrievalByteRange (--range)");
    assert_eq!(
        chain_text(&err),
        "RetrievalByteRange (--range): the range `5-` is open-ended, so it needs the archive size; give --size BYTES"
    );
    let plain = anyhow::anyhow!("no such file").context("cannot read x");
    assert_eq!(chain_text(&plain), format!("{plain:#}"));
}

#[test]
fn a_failed_or_expired_inventory_job_names_the_fetch_command() {
    let failed = FetchError::JobFailed {
        job_id: "INV".into(),
        message: "boom".into(),
    };
    let ours = assert_worded(&failed, &["(boom)", "run 'defrost inventory fetch' again"]);
    assert!(ours.ends_with("to start a new one"), "{ours}");
    let expired = FetchError::OutputExpired {
        job_id: "INV".into(),
    };
    assert_worded(
        &expired,
        &["window has closed", "'defrost inventory fetch'"],
    );
}
