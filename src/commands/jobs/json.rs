//! `defrost jobs --json`: a line per plan (`"record":"plan"`), each followed by
//! a line per job it owns (`"record":"job"`), so every job is one line however
//! many plans reuse it. Jobs whose plan could not be read come last, on their own.

use std::io::Write;

use serde::Serialize;
use time::OffsetDateTime;

use super::{Listing, jobs_ready, owned_jobs, status_of};
use crate::domain::job::{PlanState, output_window_end};
use crate::store::{JournalEntry, PlanEntry, snapshot_time};

#[derive(Serialize)]
struct JobJson<'a> {
    record: &'static str,
    journal_id: i64,
    /// The plan the job belongs to (`P12`); `defrost download P12` finishes it.
    plan: Option<String>,
    vault: &'a str,
    region: &'a str,
    job_id: Option<&'a str>,
    kind: Option<&'a str>,
    tier: Option<&'a str>,
    status: &'static str,
    started: Option<String>,
    completed: Option<String>,
    output_available_until: Option<String>,
    archive_id: Option<&'a str>,
    range: Option<String>,
    adopted: bool,
    started_by: &'a str,
}

#[derive(Serialize)]
struct PlanJson<'a> {
    record: &'static str,
    plan: String,
    vault: &'a str,
    region: &'a str,
    archive_id: Option<&'a str>,
    /// The decoded name, as the inventory had it.
    name: Option<&'a str>,
    archive_size: Option<u64>,
    /// `START-END`; null for the whole archive or an inventory.
    wanted: Option<String>,
    kind: &'static str,
    state: PlanState,
    /// Its current jobs: a renewed job counts, the one it replaced does not.
    jobs: usize,
    jobs_ready: usize,
    retrieved_bytes: Option<u64>,
    finished: Option<&'a str>,
    verified: Option<bool>,
    made_at: &'a str,
    /// The current jobs' ids in the plan's order, reused ones included; null for
    /// a job whose InitiateJob never answered.
    job_ids: Vec<Option<&'a str>>,
}

/// Every plan's line followed by its jobs' lines, then the jobs of no plan.
pub(super) fn write_lines(
    out: &mut impl Write,
    listing: &Listing,
    now: OffsetDateTime,
) -> anyhow::Result<()> {
    for plan in &listing.plans {
        writeln!(
            out,
            "{}",
            crate::text::terminal_json(&plan_json(plan, now))?
        )?;
        for job in owned_jobs(plan) {
            writeln!(out, "{}", job_line(&job.entry, now)?)?;
        }
    }
    for entry in listing.loose_entries() {
        writeln!(out, "{}", job_line(entry, now)?)?;
    }
    Ok(())
}

/// One job as a line of JSON, safe for a terminal.
pub(super) fn job_line(entry: &JournalEntry, now: OffsetDateTime) -> anyhow::Result<String> {
    Ok(crate::text::terminal_json(&job_json(entry, now))?)
}

fn plan_json(plan: &PlanEntry, now: OffsetDateTime) -> PlanJson<'_> {
    let archive = plan.archive.as_ref();
    let current = plan.current_jobs();
    PlanJson {
        record: "plan",
        plan: plan.id.to_string(),
        vault: &plan.vault.name,
        region: &plan.vault.region,
        archive_id: archive.map(|archive| archive.archive_id.as_str()),
        name: archive.and_then(|archive| archive.name.as_deref()),
        archive_size: archive.and_then(|archive| archive.size),
        wanted: plan.want.map(|want| format!("{}-{}", want.start, want.end)),
        kind: plan.shape.as_str(),
        state: plan.state(now),
        jobs: current.len(),
        jobs_ready: jobs_ready(plan, now),
        retrieved_bytes: plan.retrieved_bytes(),
        finished: plan.finished.as_ref().map(|file| file.path.as_str()),
        verified: plan.finished.as_ref().map(|file| file.verified),
        made_at: &plan.made_at,
        job_ids: current
            .into_iter()
            .map(|job| job.entry.job_id.as_deref())
            .collect(),
    }
}

fn job_json(entry: &JournalEntry, now: OffsetDateTime) -> JobJson<'_> {
    let job = entry.state.as_ref();
    JobJson {
        record: "job",
        journal_id: entry.id.0,
        plan: entry.plan.map(|plan| plan.to_string()),
        vault: &entry.vault.name,
        region: &entry.vault.region,
        job_id: entry.job_id.as_deref(),
        kind: job.map(|job| job.kind.as_str()),
        tier: job.and_then(|job| job.tier).map(|tier| tier.as_str()),
        status: status_of(entry, now),
        started: job.map(|job| snapshot_time(job.started_at)),
        completed: job.and_then(|job| job.completed_at).map(snapshot_time),
        output_available_until: job.and_then(output_window_end).map(snapshot_time),
        archive_id: job.and_then(|job| job.archive_id.as_deref()),
        range: job
            .and_then(|job| job.range)
            .map(|r| format!("{}-{}", r.start, r.end)),
        adopted: entry.adopted,
        started_by: &entry.started_by,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::commands::jobs::fixtures::{entry, finished, member, plan, range, ready, running};

    fn lines_of(listing: &Listing, now: OffsetDateTime) -> Vec<Value> {
        let mut out = Vec::new();
        write_lines(&mut out, listing, now).unwrap();
        String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect()
    }

    /// P1, a split plan of two jobs (the first ready), and P2, which reuses
    /// P1's first job and owns one of its own; then a job of no readable plan.
    fn listing(now: OffsetDateTime) -> Listing {
        let first = ready(&running("A", Some(range(0, (1 << 20) - 1)), now), now);
        let second = running("B", Some(range(1 << 20, (2 << 20) - 1)), now);
        let third = running("C", Some(range(2 << 20, (3 << 20) - 1)), now);
        let loose = running("D", None, now);
        let entries = vec![
            entry(1, 1, &first),
            entry(2, 1, &second),
            entry(3, 2, &third),
            entry(4, 9, &loose),
        ];
        let member_of = |position, index: usize| member(position, entries[index].clone());
        let p1 = plan(
            1,
            "a.jpg",
            Some(range(5, (2 << 20) - 5)),
            vec![member_of(0, 0), member_of(1, 1)],
        );
        let p2 = plan(
            2,
            "a.jpg",
            Some(range(5, (3 << 20) - 5)),
            vec![member_of(0, 0), member_of(1, 2)],
        );
        Listing {
            plans: vec![p1, finished(p2, "/restore/a.jpg.bytes-5-3145723", true)],
            entries,
        }
    }

    #[test]
    fn each_plan_line_is_followed_by_the_lines_of_the_jobs_it_owns() {
        let now = OffsetDateTime::now_utc();
        let lines = lines_of(&listing(now), now);
        let records: Vec<(&str, &str)> = lines
            .iter()
            .map(|line| {
                let id = line["job_id"].as_str().or(line["plan"].as_str());
                (line["record"].as_str().unwrap(), id.unwrap())
            })
            .collect();
        assert_eq!(
            records,
            [
                ("plan", "P1"),
                ("job", "A"),
                ("job", "B"),
                ("plan", "P2"),
                ("job", "C"),
                ("job", "D"),
            ]
        );
        assert_eq!(lines[1]["plan"], "P1");
        assert_eq!(lines[5]["plan"], "P9", "its plan named though not shown");
    }

    #[test]
    fn a_plan_line_says_where_the_plan_stands() {
        let now = OffsetDateTime::now_utc();
        let lines = lines_of(&listing(now), now);
        assert_eq!(
            lines[0],
            json!({
                "record": "plan",
                "plan": "P1",
                "vault": "photos",
                "region": "us-east-1",
                "archive_id": "ARCHIVE1",
                "name": "a.jpg",
                "archive_size": 4 << 20,
                "wanted": "5-2097147",
                "kind": "split",
                "state": "partly ready",
                "jobs": 2,
                "jobs_ready": 1,
                "retrieved_bytes": 2 << 20,
                "finished": null,
                "verified": null,
                "made_at": "2026-03-01T12:00:00Z",
                "job_ids": ["A", "B"],
            })
        );
        let p2 = &lines[3];
        assert_eq!(p2["state"], "finished");
        assert_eq!(p2["finished"], "/restore/a.jpg.bytes-5-3145723");
        assert_eq!(p2["verified"], true);
        assert_eq!(p2["job_ids"], json!(["A", "C"]), "the reused job too");
    }

    #[test]
    fn job_lines_keep_their_fields_and_say_they_are_jobs() {
        let now = OffsetDateTime::now_utc();
        let lines = lines_of(&listing(now), now);
        let job = lines[1].as_object().unwrap();
        let keys: Vec<&str> = job.keys().map(String::as_str).collect();
        let mut expected = vec![
            "record",
            "journal_id",
            "plan",
            "vault",
            "region",
            "job_id",
            "kind",
            "tier",
            "status",
            "started",
            "completed",
            "output_available_until",
            "archive_id",
            "range",
            "adopted",
            "started_by",
        ];
        expected.sort_unstable();
        let mut keys = keys;
        keys.sort_unstable();
        assert_eq!(keys, expected);
        assert_eq!(job["status"], "ready");
        assert_eq!(job["range"], "0-1048575");
        assert_eq!(job["tier"], "Expedited");
    }
}
