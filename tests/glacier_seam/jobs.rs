//! Jobs through the seam: start, describe until done, list, and download whole
//! and by a tree-hash-aligned range with the service's checksum.

use defrost::domain::job::ObservedStatus;
use defrost::domain::job_params::{JobKind, Tier};
use defrost::domain::treehash::TreeHash;
use defrost::glacier::{GlacierApi, GlacierError};

use crate::common::{client_for, sample, tree_hash};
use crate::jobs_support::{MIB, add_stored_archive, seed_vault};
use crate::{body_of, params, seam, start_sandbox, wait_for};

fn hash_of(bytes: &[u8]) -> TreeHash {
    tree_hash(bytes).parse().unwrap()
}

#[tokio::test]
async fn an_archive_job_runs_and_its_output_downloads_whole_and_by_range() {
    let sandbox = start_sandbox().await;
    seed_vault(&sandbox, "v", &[]);
    // Three chunks and five bytes, so the last chunk is short.
    let data = sample(3 * MIB as usize + 5);
    let archive = add_stored_archive(&sandbox, "v", &data);
    let api = seam(&sandbox);

    let job = params(&format!(
        r#"{{"Type":"archive-retrieval","ArchiveId":"{}","Tier":"Expedited","Description":"seam test"}}"#,
        archive.id
    ));
    let started = api.initiate_job("v", &job).await.unwrap();
    assert!(!started.job_id.is_empty());
    assert!(
        started
            .location
            .as_deref()
            .unwrap()
            .ends_with(&started.job_id),
        "{started:?}"
    );

    let done = wait_for(&api, "v", &started.job_id).await;
    assert_eq!(done.status, ObservedStatus::Succeeded, "{done:?}");
    assert_eq!(done.kind, JobKind::ArchiveRetrieval);
    assert_eq!(done.archive_id.as_deref(), Some(archive.id.as_str()));
    assert_eq!(done.tier, Some(Tier::Expedited));
    assert_eq!(done.description.as_deref(), Some("seam test"));
    assert_eq!(done.archive_size, Some(data.len() as u64));
    assert_eq!(done.retrieval_byte_range, Some((0, data.len() as u64 - 1)));
    assert_eq!(done.sha256_tree_hash, Some(hash_of(&data)));
    assert_eq!(done.archive_sha256_tree_hash, Some(hash_of(&data)));
    assert!(done.completed.unwrap() >= done.created);

    let whole = api
        .get_job_output("v", &started.job_id, None)
        .await
        .unwrap();
    assert_eq!(whole.content_length, data.len() as u64);
    assert_eq!(whole.checksum, Some(hash_of(&data)));
    assert_eq!(body_of(whole).await, data);

    // The second MiB is a node of the tree, so the service sends its hash.
    let (first, last) = (MIB, 2 * MIB - 1);
    let part = api
        .get_job_output("v", &started.job_id, Some((first, last)))
        .await
        .unwrap();
    let expected = &data[first as usize..=last as usize];
    assert_eq!(part.content_length, MIB);
    assert_eq!(part.checksum, Some(hash_of(expected)));
    assert_eq!(body_of(part).await, expected);

    // The tail from the third MiB is the clipped last node: aligned as well.
    let tail = api
        .get_job_output("v", &started.job_id, Some((2 * MIB, data.len() as u64 - 1)))
        .await
        .unwrap();
    assert_eq!(tail.checksum, Some(hash_of(&data[2 * MIB as usize..])));
    assert_eq!(body_of(tail).await, &data[2 * MIB as usize..]);
}

#[tokio::test]
async fn an_inventory_job_runs_and_both_jobs_are_listed() {
    let sandbox = start_sandbox().await;
    let archive = crate::jobs_support::vault_with_one_archive(&sandbox, 2 * MIB);
    let api = seam(&sandbox);

    let inventory = params(r#"{"Type":"inventory-retrieval","Format":"CSV"}"#);
    let inventory_job = api.initiate_job("v", &inventory).await.unwrap().job_id;
    let retrieval = params(&format!(
        r#"{{"Type":"archive-retrieval","ArchiveId":"{archive}","Tier":"Bulk","RetrievalByteRange":"0-1048575"}}"#
    ));
    let archive_job = api.initiate_job("v", &retrieval).await.unwrap().job_id;

    let listed = api.list_jobs("v").await.unwrap();
    let mut ids: Vec<&str> = listed.iter().map(|job| job.job_id.as_str()).collect();
    ids.sort_unstable();
    let mut expected = vec![inventory_job.as_str(), archive_job.as_str()];
    expected.sort_unstable();
    assert_eq!(ids, expected);

    let done = wait_for(&api, "v", &inventory_job).await;
    assert_eq!(done.status, ObservedStatus::Succeeded, "{done:?}");
    assert_eq!(done.kind, JobKind::InventoryRetrieval);
    assert_eq!(done.tier, None);
    assert_eq!(
        done.sha256_tree_hash, None,
        "inventories carry no tree hash"
    );
    let output = api.get_job_output("v", &inventory_job, None).await.unwrap();
    assert_eq!(output.checksum, None);
    let size = output.content_length;
    let text = String::from_utf8(crate::body_of(output).await).unwrap();
    assert_eq!(Some(size), done.inventory_size);
    assert!(text.starts_with("ArchiveId,"), "{text}");
    assert!(text.contains(&archive), "{text}");

    let ranged = api.describe_job("v", &archive_job).await.unwrap();
    assert_eq!(ranged.retrieval_byte_range, Some((0, MIB - 1)));
    assert_eq!(ranged.tier, Some(Tier::Bulk));
    // The SDK client and the seam agree on how many jobs there are.
    let raw = client_for(&sandbox)
        .list_jobs()
        .account_id("-")
        .vault_name("v");
    assert_eq!(raw.send().await.unwrap().job_list().len(), listed.len());
}

#[tokio::test]
async fn an_unknown_job_says_its_window_may_have_closed() {
    let sandbox = start_sandbox().await;
    seed_vault(&sandbox, "v", &[]);
    let err = seam(&sandbox)
        .describe_job("v", "NOSUCHJOB")
        .await
        .unwrap_err();
    assert_eq!(
        err,
        GlacierError::UnknownJob {
            vault: "v".into(),
            job_id: "NOSUCHJOB".into()
        }
    );
    assert!(err.is_bad_input());
    assert!(
        err.to_string().contains("output window has closed"),
        "{err}"
    );
    let output = seam(&sandbox).get_job_output("v", "NOSUCHJOB", None).await;
    assert!(
        matches!(output, Err(GlacierError::UnknownJob { .. })),
        "{output:?}"
    );
}

#[tokio::test]
async fn list_jobs_follows_every_page() {
    let sandbox = start_sandbox().await;
    let archive = crate::jobs_support::vault_with_one_archive(&sandbox, MIB);
    let api = seam(&sandbox);
    // The sandbox pages ListJobs by 50, as Glacier does: 53 jobs take two pages.
    let bulk = params(&format!(
        r#"{{"Type":"archive-retrieval","ArchiveId":"{archive}","Tier":"Bulk"}}"#
    ));
    let mut started = Vec::new();
    for _ in 0..53 {
        started.push(api.initiate_job("v", &bulk).await.unwrap().job_id);
    }
    let mut listed: Vec<String> = api
        .list_jobs("v")
        .await
        .unwrap()
        .into_iter()
        .map(|job| job.job_id)
        .collect();
    listed.sort_unstable();
    started.sort_unstable();
    assert_eq!(listed, started);
}
