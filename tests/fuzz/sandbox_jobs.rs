//! InitiateJob's body as the sandbox reads it, then what the started job gives:
//! DescribeJob, ListJobs with any query, and GetJobOutput with any `Range`, whose
//! inventory output defrost's own readers must read back exactly.

use defrost::domain::inventory::{InventoryFormat, ReadOptions, read_inventory};
use defrost::domain::range::{ByteRange, is_mib_aligned, is_tree_aligned};
use defrost::sandbox::jobs::{
    InventoryOutput, ListJobsQuery, OutputBody, TreeHashHeader, describe_job, initiate_job,
    list_jobs, parse_range_header, plan_output, retrieved_range,
};
use defrost::sandbox::model::{InventoryJob, Job, JobKind};
use time::Duration;

use crate::engine::{Pool, Rng, Target, Verdict, fields, join, text};
use crate::mutate::field_mutant;
use crate::sandbox_state::{ARCHIVES, NOW, VAULT, context, markers, speedup, state, vault_arn};

/// Input: the InitiateJob body, a `Range` header for the output, and ListJobs'
/// `statuscode`, `completed`, `limit` and `marker`, as fields.
pub struct SandboxJobs;

impl Target for SandboxJobs {
    fn name(&self) -> &'static str {
        "sandbox_jobs"
    }

    fn corpus(&self) -> Vec<Vec<u8>> {
        let mut bodies: Vec<String> = ARCHIVES
            .iter()
            .map(|(id, _)| format!(r#"{{"Type":"archive-retrieval","ArchiveId":"{id}"}}"#))
            .collect();
        bodies.extend([
            r#"{"Type":"archive-retrieval","ArchiveId":"big","RetrievalByteRange":"1048576-10485760","Tier":"Bulk"}"#.to_owned(),
            r#"{"Type":"archive-retrieval","ArchiveId":"huge","RetrievalByteRange":"0-1048575","Tier":"Expedited","SNSTopic":"arn:aws:sns:us-east-1:123456789012:t"}"#.to_owned(),
            r#"{"Type":"archive-retrieval","ArchiveId":"missing"}"#.to_owned(),
            r#"{"Type":"select"}"#.to_owned(),
            r#"{"Type":"inventory-retrieval"}"#.to_owned(),
            r#"{"Type":"inventory-retrieval","Format":"CSV","Description":"weekly"}"#.to_owned(),
            r#"{"Type":"inventory-retrieval","InventoryRetrievalParameters":{"StartDate":"2026-01-30T13:00:00Z","EndDate":"2026-02-01","Limit":"2"}}"#.to_owned(),
            "  \n".to_owned(),
        ]);
        for marker in markers() {
            bodies.push(format!(
                r#"{{"Type":"inventory-retrieval","Format":"CSV","InventoryRetrievalParameters":{{"Limit":"3","Marker":"{marker}"}}}}"#
            ));
        }
        let ranges = [
            "",
            "bytes=0-1048575",
            "bytes=5-",
            "bytes=0-",
            "bytes=100-99",
        ];
        let queries: [&[&str]; 4] = [
            &[],
            &["Succeeded", "true", "1"],
            &["InProgress", "false", "50"],
            &["", "", "0", "nope"],
        ];
        bodies
            .iter()
            .enumerate()
            .map(|(at, body)| {
                let mut parts = vec![body.as_bytes(), ranges[at % ranges.len()].as_bytes()];
                parts.extend(queries[at % queries.len()].iter().map(|q| q.as_bytes()));
                join(&parts)
            })
            .collect()
    }

    fn tokens(&self) -> &[&[u8]] {
        &[
            b"\"ArchiveId\"",
            b"\"RetrievalByteRange\"",
            b"\"Marker\"",
            b"\"Limit\"",
            b"\"big\"",
            b"\"huge\"",
            b"\"largest\"",
            b"\"empty\"",
            b"bytes=",
            b"-",
        ]
    }

    fn generate(&self, rng: &mut Rng, pool: &Pool) -> Vec<u8> {
        field_mutant(rng, pool, self.tokens(), 4096)
    }

    fn check(&self, input: &[u8]) -> Verdict {
        let parts = fields(input);
        let field = |at: usize| parts.get(at).filter(|f| !f.is_empty()).map(|f| text(f));
        let mut changed = state().clone();
        let id = match initiate_job(&mut changed, &context(), VAULT, parts[0], NOW, speedup()) {
            Ok(id) => id,
            Err(error) => {
                assert!(!error.message.is_empty());
                return Verdict::rejected(error.code);
            }
        };
        let vault = &changed.vaults[VAULT];
        let job = &vault.jobs[&id];
        let arn = vault_arn();
        let described = describe_job(job, &arn, NOW);
        assert_eq!(described["JobId"], id.as_str());
        assert_eq!(described["Completed"], false);
        let done = job.completes_at + Duration::seconds(1);
        assert_eq!(describe_job(job, &arn, done)["StatusCode"], "Succeeded");
        let (statuscode, completed, limit, marker) = (field(2), field(3), field(4), field(5));
        let query = ListJobsQuery {
            statuscode: statuscode.as_deref(),
            completed: completed.as_deref(),
            limit: limit.as_deref(),
            marker: marker.as_deref(),
        };
        if let Ok(listing) = list_jobs(vault, &arn, query, done, speedup()) {
            let listed = listing["JobList"].as_array().map_or(0, Vec::len);
            assert!(listed <= 50);
        }
        let range = field(1);
        match &job.kind {
            JobKind::Archive(archive) => {
                let size = archive.archive_size;
                if let Some(retrieved) = retrieved_range(archive) {
                    assert!(retrieved.end < size);
                    assert!(retrieved == whole(size) || is_mib_aligned(size, retrieved));
                }
            }
            JobKind::Inventory(inventory) => check_inventory_output(inventory),
        }
        check_output(job, range.as_deref());
        let shape = match &job.kind {
            JobKind::Archive(archive) => (
                archive.archive_id.clone(),
                archive.tier.clone(),
                archive.range_start > 0,
            ),
            JobKind::Inventory(inventory) => (
                inventory.format.clone(),
                String::new(),
                inventory.next_marker.is_some(),
            ),
        };
        Verdict::accepted((shape, range.is_some()))
    }
}

fn whole(size: u64) -> ByteRange {
    ByteRange {
        start: 0,
        end: size.saturating_sub(1),
    }
}

/// GetJobOutput with `range`: the bytes it plans to send lie in the output and
/// are as many as it announces; a checksum only for tree-aligned bytes.
fn check_output(job: &Job, range: Option<&str>) {
    let done = job.completes_at + Duration::seconds(1);
    let Ok(plan) = plan_output(job, &vault_arn(), range, done) else {
        assert!(range.is_some(), "a whole output refused");
        return;
    };
    assert_eq!(plan.partial, range.is_some());
    match plan.body {
        OutputBody::Empty => assert_eq!(plan.content_length, 0),
        OutputBody::Archive {
            archive_size,
            range: sent,
            ..
        } => {
            let JobKind::Archive(archive) = &job.kind else {
                panic!("an inventory job sends archive bytes");
            };
            let retrieved = retrieved_range(archive).expect("bytes of an empty archive");
            assert!(retrieved.start <= sent.start && sent.end <= retrieved.end);
            assert_eq!(plan.content_length, sent.len());
            if let TreeHashHeader::Compute(hashed) = plan.tree_hash {
                assert_eq!(hashed, sent);
                assert!(is_tree_aligned(archive_size, sent));
            }
        }
        OutputBody::Inventory { output, start, end } => {
            let whole: Vec<u8> = output.clone().into_chunks(0, u64::MAX).flatten().collect();
            assert_eq!(whole.len() as u64, output.size());
            let sent: Vec<u8> = output.into_chunks(start, end).flatten().collect();
            assert_eq!(sent.len() as u64, plan.content_length);
            let expected = usize::try_from(start)
                .ok()
                .and_then(|start| whole.get(start..=usize::try_from(end).ok()?));
            assert_eq!(Some(sent.as_slice()), expected, "bytes {start}-{end}");
            if let Some(range) = range {
                let relative = parse_range_header(range, whole.len() as u64);
                assert_eq!(relative.map(|r| (r.start, r.end)), Ok((start, end)));
            }
        }
    }
}

/// The sandbox's inventory output reads back, with defrost's readers, as the
/// entries the job lists.
fn check_inventory_output(job: &InventoryJob) {
    let output = InventoryOutput::of_job(job, &vault_arn());
    let bytes: Vec<u8> = output.into_chunks(0, u64::MAX).flatten().collect();
    let format = if job.format == "CSV" {
        InventoryFormat::Csv
    } else {
        InventoryFormat::Json
    };
    let mut read = Vec::new();
    read_inventory(
        format,
        bytes.as_slice(),
        ReadOptions::default(),
        |archive| {
            read.push(archive);
            Ok::<(), ()>(())
        },
    )
    .unwrap_or_else(|err| panic!("the sandbox's {format:?} inventory does not read: {err:?}"));
    assert_eq!(read.len(), job.entries.len());
    for (archive, entry) in read.iter().zip(&job.entries) {
        assert_eq!(archive.archive_id, entry.archive_id);
        assert_eq!(archive.description, entry.description);
        assert_eq!(archive.size, entry.size);
        assert_eq!(archive.sha256_tree_hash.to_string(), entry.tree_hash);
        let created = archive.creation_date.to_offset_date_time();
        assert_eq!(created, entry.created, "the creation date moved");
    }
}
