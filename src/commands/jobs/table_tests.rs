use super::*;
use crate::commands::jobs::fixtures::{self, entry, finished, member, plan, range, ready, running};

fn table_of(listing: &Listing, now: OffsetDateTime) -> String {
    let mut out = Vec::new();
    let lines = write_table(&mut out, listing, now).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert_eq!(text.lines().count(), lines, "{text}");
    text
}

/// A split plan P1 of `photos/2019/a.jpg`, wanting 1-3 MiB: its first job
/// ready, its second still running.
fn split_plan(now: OffsetDateTime) -> Listing {
    let first = ready(
        &running(
            "JOB-FIRST-0123456789",
            Some(range(1 << 20, (2 << 20) - 1)),
            now,
        ),
        now,
    );
    let second = running(
        "JOB-SECOND-0123456789",
        Some(range(2 << 20, (3 << 20) - 1)),
        now,
    );
    let entries = vec![entry(1, 1, &first), entry(2, 1, &second)];
    let jobs = entries
        .iter()
        .enumerate()
        .map(|(position, entry)| member(position as u32, entry.clone()))
        .collect();
    let want = Some(range((1 << 20) + 10, (3 << 20) - 10));
    Listing {
        plans: vec![plan(1, "photos/2019/a.jpg", want, jobs)],
        entries,
    }
}

#[test]
fn a_plan_is_one_row_with_its_jobs_beneath() {
    let now = OffsetDateTime::now_utc();
    let table = table_of(&split_plan(now), now);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 5, "{table}");
    let header: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(header, PLAN_HEADER, "{table}");
    assert!(lines[1].starts_with("  └ JOB "), "{table}");
    let plan: Vec<&str> = lines[2].split("  ").filter(|c| !c.is_empty()).collect();
    let plan: Vec<&str> = plan.iter().map(|cell| cell.trim()).collect();
    assert_eq!(
        plan,
        [
            "P1",
            "photos",
            "photos/2019/a.jpg",
            "bytes 1048586-3145718",
            "split",
            "partly ready",
            "1/2",
            "2 MiB"
        ],
        "{table}"
    );
    assert!(
        lines[3].starts_with("  └ JOB-FIRST-…  1048576-2097151"),
        "{table}"
    );
    assert!(lines[3].contains("  Expedited  ready  "), "{table}");
    assert!(lines[3].contains(" left  "), "{table}");
    assert!(lines[3].ends_with("defrost"), "{table}");
    assert!(
        lines[4].starts_with("  └ JOB-SECOND…  2097152-3145727"),
        "{table}"
    );
    assert!(lines[4].contains("in progress"), "{table}");
    // The jobs' columns line up with their header's.
    let status = lines[1].split("STATUS").next().unwrap().chars().count();
    let below: String = lines[3].chars().skip(status).collect();
    assert!(below.starts_with("ready  "), "{table}");
}

#[test]
fn a_reused_job_is_listed_under_both_plans_and_a_replaced_one_is_marked() {
    let now = OffsetDateTime::now_utc();
    let mut listing = split_plan(now);
    // Ready two days ago, so its output window has closed.
    let long_ago = now - time::Duration::days(2);
    let expired = running("JOB-EXPIRED", Some(range(0, (1 << 20) - 1)), long_ago);
    let expired = ready(&expired, long_ago);
    let renewal = running("JOB-RENEWAL", Some(range(0, (1 << 20) - 1)), now);
    let reused = listing.entries[0].clone();
    let (old, new) = (entry(3, 2, &expired), entry(4, 2, &renewal));
    let jobs = vec![
        member(0, old.clone()),
        member(0, new.clone()),
        member(1, reused),
    ];
    listing.plans.push(plan(
        2,
        "photos/2019/a.jpg",
        Some(range(0, (2 << 20) - 1)),
        jobs,
    ));
    listing.entries.extend([old, new]);
    let table = table_of(&listing, now);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 2 + 3 + 4, "{table}");
    assert!(lines[5].starts_with("P2 "), "{table}");
    // Its current jobs: the renewal, running, and the reused job, ready.
    assert!(lines[5].contains(" partly ready  1/2 "), "{table}");
    assert!(lines[6].starts_with("  └ JOB-EXPIRE"), "{table}");
    assert!(lines[6].contains(" expired "), "{table}");
    assert!(lines[6].contains(" closed "), "{table}");
    assert!(lines[6].ends_with(" defrost  (replaced)"), "{table}");
    assert!(lines[7].starts_with("  └ JOB-RENEWA") && lines[7].ends_with("defrost"));
    assert!(lines[8].starts_with("  └ JOB-FIRST-"), "{table}");
    assert!(lines[8].ends_with("defrost  (from P1)"), "{table}");
}

#[test]
fn a_finished_plan_names_its_file_and_whether_it_was_checked() {
    let now = OffsetDateTime::now_utc();
    let mut listing = split_plan(now);
    let plan = listing.plans.remove(0);
    listing
        .plans
        .push(finished(plan.clone(), "/restore/photos/2019/a.jpg", true));
    let table = table_of(&listing, now);
    let row = table.lines().nth(2).unwrap();
    assert!(row.contains(" finished "), "{table}");
    assert!(row.ends_with("  /restore/photos/2019/a.jpg"), "{table}");

    listing.plans[0] = finished(plan, "/restore/a.bin", false);
    let table = table_of(&listing, now);
    let row = table.lines().nth(2).unwrap();
    assert!(row.ends_with("  /restore/a.bin (not verified)"), "{table}");
}

#[test]
fn untrusted_text_is_shown_printable_and_long_text_shortened() {
    let now = OffsetDateTime::now_utc();
    let mut listing = split_plan(now);
    let long_name = format!("{}cat\u{202e}gpj.exe", "deep/".repeat(20));
    listing.plans[0].archive.as_mut().unwrap().name = Some(long_name);
    listing.plans[0].vault.name = "v\u{200b}ault".into();
    let hostile = running("j\u{2066}b\u{1b}[31m-0123456789-0123456789", None, now);
    listing.plans[0].jobs[1].entry = entry(2, 1, &hostile);
    let table = table_of(&listing, now);
    assert!(
        !table.chars().any(|c| c.is_control() && c != '\n'),
        "{table:?}"
    );
    assert!(
        !table.contains('\u{202e}') && !table.contains('\u{2066}'),
        "{table}"
    );
    let plan = table.lines().nth(2).unwrap();
    assert!(plan.contains(" v<U+200B>ault "), "{table}");
    // The name's end is kept: the file's name says the most.
    assert!(
        plan.contains(" …deep/deep/deep/deep/cat<U+202E>gpj.exe "),
        "{table}"
    );
    // Ten characters of the job id, then made printable.
    let job = table.lines().nth(4).unwrap();
    assert!(
        job.starts_with("  └ j<U+2066>b\u{fffd}[31m-0…  "),
        "{table}"
    );
}

#[test]
fn a_table_of_real_length_ids_fits_in_120_columns() {
    let now = OffsetDateTime::now_utc();
    let mut listing = split_plan(now);
    for job in &mut listing.plans[0].jobs {
        let state = job.entry.state.as_mut().unwrap();
        state.job_id = "X".repeat(92);
        job.entry.job_id = Some(state.job_id.clone());
    }
    let table = table_of(&listing, now);
    for line in table.lines() {
        assert!(
            line.chars().count() <= 120,
            "{} columns: {line}",
            line.chars().count()
        );
    }
}

#[test]
fn a_job_whose_plan_could_not_be_read_is_shown_on_its_own() {
    let now = OffsetDateTime::now_utc();
    let job = fixtures::running("LOOSE", None, now);
    let listing = Listing {
        plans: Vec::new(),
        entries: vec![entry(7, 9, &job)],
    };
    let table = table_of(&listing, now);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 4, "{table}");
    let plan: Vec<&str> = lines[2].split_whitespace().collect();
    assert_eq!(
        plan,
        ["P9", "photos", "-", "-", "-", "-", "-", "-"],
        "{table}"
    );
    assert!(
        lines[3].starts_with("  └ LOOSE  whole archive  Expedited  in progress"),
        "{table}"
    );
}
