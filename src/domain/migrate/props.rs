//! Properties of the key plan and the metadata, on generated batches and texts.

use std::collections::HashSet;

use proptest::prelude::*;
use time::OffsetDateTime;

use super::*;
use crate::domain::treehash::TreeHash;

/// Descriptions that collide often: a few names, folders and hazards, blank
/// and nameless ones, and anything at all.
fn description() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "a.jpg",
            "A.jpg",
            "x/a.jpg",
            "a (archive AAAAAAAA).jpg",
            "no-name/AAAAAAAA0",
            "",
            "  ",
            "..",
            "../etc/passwd",
            "backup.tar.gz",
        ])
        .prop_map(str::to_owned),
        any::<String>(),
    ]
}

/// Batches of distinct archive ids, some sharing a long start.
fn batch() -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::vec(("[A-C]{8}[0-9a-z_-]{0,6}", description()), 0..40).prop_map(|rows| {
        let mut seen = HashSet::new();
        rows.into_iter()
            .filter(|(id, _)| seen.insert(id.clone()))
            .collect()
    })
}

fn plan(prefix: &str, batch: &[(String, String)], given: &NameOverrides) -> Vec<PlannedKey> {
    let sources: Vec<KeySource<'_>> = batch
        .iter()
        .map(|(archive_id, description)| KeySource {
            archive_id,
            description,
        })
        .collect();
    plan_keys(&KeyPrefix::new(prefix).unwrap(), &sources, given)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn keys_are_distinct_valid_under_the_prefix_and_stable(
        batch in batch(),
        prefix in "[a-z/]{0,12}",
        given_every in 0usize..5,
    ) {
        let names_csv: String = batch
            .iter()
            .enumerate()
            .filter(|(index, _)| given_every > 0 && index % given_every == 0)
            .map(|(index, (id, _))| format!("{id},given/{index}\n"))
            .collect();
        let given = NameOverrides::parse(&names_csv).unwrap();
        let keys = plan(&prefix, &batch, &given);
        prop_assert_eq!(keys.len(), batch.len());
        let distinct: HashSet<&str> = keys.iter().map(|planned| planned.key.as_str()).collect();
        prop_assert_eq!(distinct.len(), keys.len(), "{:?}", keys);
        let prefix = KeyPrefix::new(&prefix).unwrap();
        for ((id, _), planned) in batch.iter().zip(&keys) {
            prop_assert_eq!(check_key(&planned.key), Ok(()));
            match given.key_for(id) {
                Some(key) => prop_assert_eq!(planned.key.as_str(), key),
                None => prop_assert!(planned.key.starts_with(prefix.as_str())),
            }
        }
        // The same batch always gives the same keys.
        prop_assert_eq!(plan(prefix.as_str(), &batch, &given), keys);
    }

    #[test]
    fn an_archive_keeps_its_key_when_later_archives_join_the_batch(
        batch in batch(),
        split in 0usize..40,
    ) {
        let split = split.min(batch.len());
        let none = NameOverrides::default();
        let whole = plan("p", &batch, &none);
        let start = plan("p", &batch[..split], &none);
        // Only an archive whose own name a later one claims may move: a later
        // archive's own key is held back from every suffixed key.
        for (index, planned) in start.iter().enumerate() {
            if planned.origin != KeyOrigin::Suffixed {
                prop_assert_eq!(&whole[index], planned);
            }
        }
    }

    #[test]
    fn metadata_round_trips_and_fits(
        archive_id in "[A-Za-z0-9_-]{1,138}",
        digest in any::<[u8; 32]>(),
        description in any::<String>(),
        seconds in -2_000_000_000i64..4_000_000_000,
    ) {
        let archive = ArchiveMetadata {
            archive_id,
            tree_hash: TreeHash(digest),
            description,
            created: OffsetDateTime::from_unix_timestamp(seconds).unwrap(),
        };
        let entries = user_metadata(&archive).unwrap();
        prop_assert!(metadata_bytes(&entries) <= MAX_USER_METADATA_BYTES);
        for value in entries.values() {
            prop_assert!(value.bytes().all(|byte| (b'!'..=b'~').contains(&byte)), "{}", value);
        }
        let back = read_user_metadata(&entries).unwrap();
        prop_assert_eq!(&back.archive.archive_id, &archive.archive_id);
        prop_assert_eq!(back.archive.tree_hash, archive.tree_hash);
        prop_assert_eq!(back.archive.created, archive.created);
        prop_assert_eq!(recorded_tree_hash(&entries), Some(archive.tree_hash));
        match back.description_cut_from {
            None => prop_assert_eq!(&back.archive.description, &archive.description),
            Some(length) => {
                prop_assert_eq!(length, archive.description.len() as u64);
                prop_assert!(archive.description.starts_with(&back.archive.description));
                prop_assert!(back.archive.description.len() < archive.description.len());
            }
        }
    }

    #[test]
    fn percent_encoding_is_lossless(text in any::<String>()) {
        prop_assert_eq!(percent_decode(&percent_encode(&text)).unwrap(), text);
    }
}
