//! Job status and the output window as functions of time.

use super::*;

#[test]
fn each_tier_takes_its_glacier_time() {
    let mut state = state();
    for (tier, seconds) in [
        ("Expedited", 180),
        ("Standard", 4 * 3600),
        ("Bulk", 8 * 3600),
    ] {
        let id = start(
            &mut state,
            &archive_body(SMALL, &format!(r#","Tier":"{tier}""#)),
            T0,
        )
        .unwrap();
        let waited = job(&state, &id).completes_at - T0;
        assert_eq!(waited.whole_seconds(), seconds, "{tier}");
    }
    let id = start(&mut state, r#"{"Type":"inventory-retrieval"}"#, T0).unwrap();
    assert_eq!(job(&state, &id).completes_at - T0, HOUR * 4);
}

#[test]
fn status_turns_at_completion() {
    let mut state = state();
    let id = start(&mut state, &archive_body(SMALL, ""), T0).unwrap();
    let done = job(&state, &id).completes_at;
    let just_before = done - time::Duration::milliseconds(1);
    assert_eq!(status(job(&state, &id), just_before), JobStatus::InProgress);
    assert_eq!(status(job(&state, &id), done), JobStatus::Succeeded);
}

#[test]
fn a_job_with_a_fault_ends_failed() {
    let mut state = state();
    let id = start(&mut state, &archive_body(SMALL, ""), T0).unwrap();
    let job = state
        .vaults
        .get_mut("v")
        .unwrap()
        .jobs
        .get_mut(&id)
        .unwrap();
    job.failure = Some("The archive could not be read".into());
    assert_eq!(status(job, T0), JobStatus::InProgress);
    assert_eq!(status(job, T0 + HOUR * 5), JobStatus::Failed);
}

#[test]
fn jobs_are_forgotten_when_the_output_window_closes() {
    let mut state = state();
    let id = start(&mut state, &archive_body(SMALL, ""), T0).unwrap();
    let closes = T0 + HOUR * (4 + 24);
    let vault = &state.vaults["v"];
    assert_eq!(output_expires_at(&vault.jobs[&id], speedup()), closes);
    let just_before = closes - time::Duration::milliseconds(1);
    assert!(find_job(vault, &id, just_before, speedup()).is_ok());
    let err = find_job(vault, &id, closes, speedup()).unwrap_err();
    assert_eq!(err.code, "ResourceNotFoundException");
    assert_eq!(err.message, format!("The job ID was not found: {id}"));
}

#[test]
fn starting_a_job_drops_jobs_whose_window_has_closed() {
    let mut state = state();
    let old = start(&mut state, &archive_body(SMALL, ""), T0).unwrap();
    start(&mut state, &archive_body(SMALL, ""), T0 + HOUR * 29).unwrap();
    assert!(!state.vaults["v"].jobs.contains_key(&old));
    assert_eq!(state.vaults["v"].jobs.len(), 1);
}

#[test]
fn job_ids_are_glacier_shaped_and_unique() {
    let mut state = state();
    let a = start(&mut state, &archive_body(SMALL, ""), T0).unwrap();
    let b = start(&mut state, &archive_body(SMALL, ""), T0).unwrap();
    assert_ne!(a, b);
    assert_eq!(a.len(), 92);
}

#[test]
fn the_sped_up_clock_shortens_waits_and_window_alike() {
    let fast = Speedup::new(100_000.0).unwrap();
    let mut state = state();
    let id = initiate_job(
        &mut state,
        &ctx(),
        "v",
        archive_body(SMALL, "").as_bytes(),
        T0,
        fast,
    )
    .unwrap();
    let job = job(&state, &id);
    assert_eq!(job.completes_at - T0, time::Duration::milliseconds(144));
    assert_eq!(
        output_expires_at(job, fast) - job.completes_at,
        time::Duration::milliseconds(864)
    );
}

#[test]
fn later_saturates_instead_of_overflowing() {
    let far = later(T0, std::time::Duration::MAX);
    assert!(far > T0 + time::Duration::days(365 * 1000));
}
