use time::macros::datetime;

use super::*;
use crate::sandbox::seed::parse;

const NOW: OffsetDateTime = datetime!(2026-11-29 00:00 UTC);

/// A store in a temporary folder, for the files of seeded zips.
fn store() -> StateStore {
    StateStore::open(None).unwrap()
}

const SEED: &str = r#"
[account]
expedited_capacity = false
bytes_per_hour = "1GiB"

[[vaults]]
name = "photos"
created = "2019-03-01T10:00:00Z"

[[vaults.archives]]
name = "album.tar"
format = "mt2"
size = "12GiB"

[[vaults.generated]]
count = 20
seed = 3

[[vaults]]
name = "fresh"
"#;

#[test]
fn vaults_archives_and_settings_are_applied() {
    let seed = parse(SEED).unwrap();
    let mut state = SandboxState::default();
    apply_seed(&mut state, &seed, NOW, &store()).unwrap();
    assert!(!state.expedited_capacity_available);
    assert_eq!(
        state.retrieval_policy,
        RetrievalPolicy::BytesPerHour(1 << 30)
    );
    let photos = &state.vaults["photos"];
    assert_eq!(photos.created, datetime!(2019-03-01 10:00 UTC));
    assert_eq!(photos.archives.len(), 21);
    let album = photos
        .archives
        .values()
        .find(|archive| archive.size == 12 << 30)
        .unwrap();
    let ArchiveContent::Virtual { seed: content_seed } = album.content else {
        panic!("seeded archives are virtual");
    };
    assert_eq!(
        album.tree_hash,
        virtual_tree_hash(content_seed, 12 << 30).to_string()
    );
    assert!(
        photos
            .archives
            .values()
            .all(|a| a.id.len() == ARCHIVE_ID_LEN)
    );
    let fresh = &state.vaults["fresh"];
    assert_eq!(fresh.created, NOW - DEFAULT_VAULT_AGE);
    assert!(fresh.archives.is_empty() && fresh.inventory.is_none());
}

#[test]
fn the_same_seed_gives_the_same_ids_and_existing_vaults_are_kept() {
    let seed = parse(SEED).unwrap();
    let mut first = SandboxState::default();
    apply_seed(&mut first, &seed, NOW, &store()).unwrap();
    let mut second = SandboxState::default();
    apply_seed(&mut second, &seed, NOW, &store()).unwrap();
    let ids = |state: &SandboxState| -> Vec<String> {
        state.vaults["photos"].archives.keys().cloned().collect()
    };
    assert_eq!(ids(&first), ids(&second));

    // A second start over the saved state changes no vault, even a changed one.
    first.vaults.get_mut("photos").unwrap().archives.clear();
    apply_seed(&mut first, &seed, NOW + time::Duration::days(1), &store()).unwrap();
    assert!(first.vaults["photos"].archives.is_empty());
}

#[test]
fn free_tier_and_no_policy_can_be_seeded() {
    let mut state = SandboxState::default();
    apply_seed(
        &mut state,
        &parse("[account]\nfree_tier_policy = true\n").unwrap(),
        NOW,
        &store(),
    )
    .unwrap();
    assert_eq!(state.retrieval_policy, RetrievalPolicy::FreeTier);
    apply_seed(
        &mut state,
        &parse("[account]\nfree_tier_policy = false\n").unwrap(),
        NOW,
        &store(),
    )
    .unwrap();
    assert_eq!(state.retrieval_policy, RetrievalPolicy::None);
    apply_seed(&mut state, &parse("").unwrap(), NOW, &store()).unwrap();
    assert_eq!(state.retrieval_policy, RetrievalPolicy::None);
}

#[test]
fn problems_say_where_they_are() {
    let text = "[account]\nbytes_per_hour = 5\nfree_tier_policy = true\n";
    let problem = check_seed(&parse(text).unwrap()).unwrap_err();
    assert_eq!(problem.place, SeedPlace::Account);
    assert_eq!(line_of(text, problem.place), Some(1));

    let text = "[[vaults]]\nname = \"ok\"\n\n[[vaults]]\nname = \"not ok\"\n";
    let problem = check_seed(&parse(text).unwrap()).unwrap_err();
    assert_eq!(problem.place, SeedPlace::Vault(1));
    assert_eq!(line_of(text, problem.place), Some(4));
    assert!(
        problem.message.contains("not a valid vault name"),
        "{problem}"
    );

    let text = "[[vaults]]\nname = \"twice\"\n[[vaults]]\nname = \"twice\"\n";
    let problem = check_seed(&parse(text).unwrap()).unwrap_err();
    assert!(problem.message.contains("seeded twice"));
    assert_eq!(line_of(text, problem.place), Some(3));

    let mut state = SandboxState::default();
    assert!(apply_seed(&mut state, &parse(text).unwrap(), NOW, &store()).is_err());
    assert!(
        state.vaults.is_empty(),
        "nothing is applied from a bad seed"
    );
}

#[test]
fn buckets_are_checked_made_once_and_kept_across_starts() {
    let text = "[[buckets]]\nname = \"copies\"\n\n[[buckets]]\nname = \"eu-copies\"\nregion = \"eu-west-1\"\n";
    let seed = parse(text).unwrap();
    check_seed(&seed).unwrap();
    let mut state = SandboxState::default();
    apply_bucket_seeds(&mut state, &seed, "ap-south-1", NOW);
    let regions: Vec<(&str, &str)> = state
        .buckets
        .values()
        .map(|bucket| (bucket.name.as_str(), bucket.region.as_str()))
        .collect();
    assert_eq!(
        regions,
        [("copies", "ap-south-1"), ("eu-copies", "eu-west-1")]
    );
    // A bucket already there keeps its region and what it holds.
    let moved = parse("[[buckets]]\nname = \"copies\"\nregion = \"us-west-2\"\n").unwrap();
    apply_bucket_seeds(&mut state, &moved, "us-east-1", NOW);
    assert_eq!(state.buckets["copies"].region, "ap-south-1");

    for (text, line, words) in [
        ("[[buckets]]\nname = \"B\"\n", 1, "not a valid bucket name"),
        (
            "[[buckets]]\nname = \"ok-1\"\n[[buckets]]\nname = \"ok-1\"\n",
            3,
            "seeded twice",
        ),
        (
            "[[buckets]]\nname = \"ok-1\"\nregion = \"Mars 1\"\n",
            1,
            "not a region name",
        ),
    ] {
        let problem = check_seed(&parse(text).unwrap()).unwrap_err();
        assert!(problem.message.contains(words), "{problem}");
        assert_eq!(line_of(text, problem.place), Some(line), "{text}");
    }
    assert!(parse("[[buckets]]\nname = \"b\"\nsize = 1\n").is_err());
}

#[tokio::test]
async fn a_seeded_zip_is_patched_and_served_as_its_tree_hash_says() {
    use futures_util::TryStreamExt;

    use crate::domain::range::ByteRange;
    use crate::domain::treehash::TreeHasher;
    use crate::sandbox::archives::stored_ids_in_use;
    use crate::sandbox::content::{open_range, range_tree_hash};

    let seed = parse(
        "[[vaults]]\nname = \"office\"\n[[vaults.archives]]\nname = \"docs.zip\"\nformat = \"raw\"\nzip = { members = 20, max_member_size = \"2MiB\" }\n",
    )
    .unwrap();
    let store = store();
    let mut state = SandboxState::default();
    apply_seed(&mut state, &seed, NOW, &store).unwrap();
    let archive = state.vaults["office"].archives.values().next().unwrap();
    assert_eq!(archive.description, "docs.zip");
    assert!(matches!(archive.content, ArchiveContent::Patched { .. }));
    assert!(store.archive_path(&archive.id).exists());
    assert!(stored_ids_in_use(&state).contains(archive.id.as_str()));
    let whole = ByteRange::whole(archive.size).unwrap();
    let bytes: Vec<u8> = open_range(&store, &archive.id, archive.content, archive.size, whole)
        .map_ok(|bytes| bytes.to_vec())
        .try_concat()
        .await
        .unwrap();
    assert_eq!(bytes.len() as u64, archive.size);
    assert_eq!(&bytes[..4], b"PK\x03\x04");
    let mut hasher = TreeHasher::new();
    hasher.update(&bytes);
    let hash = hasher.finish();
    assert_eq!(archive.tree_hash, hash.to_string());
    let served = range_tree_hash(&store, &archive.id, archive.content, archive.size, whole);
    assert_eq!(served.unwrap(), hash);
}

#[test]
fn a_zip_that_cannot_be_written_names_its_vault() {
    let seed = parse(
        "[[vaults]]\nname = \"office\"\n[[vaults.archives]]\nname = \"docs.zip\"\nzip = { members = 2 }\n",
    )
    .unwrap();
    let store = store();
    std::fs::remove_dir_all(store.dir().join("archives")).unwrap();
    let err = apply_seed(&mut SandboxState::default(), &seed, NOW, &store).unwrap_err();
    assert_eq!(err.place, SeedPlace::Vault(0));
    assert!(
        err.message.contains("office") && err.message.contains("writable"),
        "{err}"
    );
}
