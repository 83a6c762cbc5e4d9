//! The watcher's decisions: poll what is due, sleep until the earliest next poll,
//! stop once nothing is in progress.

use super::*;

fn with_id(id: &str, job: TrackedJob) -> TrackedJob {
    TrackedJob {
        job_id: id.into(),
        ..job
    }
}

#[test]
fn nothing_in_progress_means_done() {
    let finished = job_in(JobStatus::Succeeded, Some(START + HOUR));
    let failed = job_in(JobStatus::Failed, Some(START + HOUR));
    assert_eq!(watch_step(&[finished, failed], START), WatchStep::Done);
    assert_eq!(watch_step(&[], START), WatchStep::Done);
}

#[test]
fn before_any_job_is_due_it_sleeps_until_the_earliest_next_poll() {
    let standard = with_id("standard", archive_job(Some(Tier::Standard)));
    let expedited = with_id("expedited", archive_job(Some(Tier::Expedited)));
    let jobs = [standard.clone(), expedited.clone()];
    let expedited_first = next_poll_at(&expedited).unwrap();
    assert!(expedited_first < next_poll_at(&standard).unwrap());
    assert_eq!(
        watch_step(&jobs, START),
        WatchStep::SleepUntil(expedited_first)
    );
}

#[test]
fn due_jobs_are_polled_most_overdue_first_and_the_rest_wait() {
    let standard = with_id("standard", archive_job(Some(Tier::Standard)));
    let expedited = with_id("expedited", archive_job(Some(Tier::Expedited)));
    let bulk = with_id("bulk", archive_job(Some(Tier::Bulk)));
    let jobs = [bulk.clone(), standard.clone(), expedited];
    let standard_due = next_poll_at(&standard).unwrap();
    assert!(standard_due < next_poll_at(&bulk).unwrap());
    assert_eq!(
        watch_step(&jobs, standard_due),
        WatchStep::Poll(vec!["expedited".into(), "standard".into()])
    );
}

#[test]
fn after_a_poll_the_job_waits_for_its_back_off() {
    let expedited = archive_job(Some(Tier::Expedited));
    let first = next_poll_at(&expedited).unwrap();
    let polled = observe(expedited, answer(ObservedStatus::InProgress, None), first);
    let step = watch_step(std::slice::from_ref(&polled), first);
    assert_eq!(step, WatchStep::SleepUntil(next_poll_at(&polled).unwrap()));
    let WatchStep::SleepUntil(at) = step else {
        unreachable!()
    };
    assert!(at >= first + POLL_FLOOR, "{at} is sooner than the floor");
}

#[test]
fn a_sped_up_service_is_watched_at_its_pace() {
    let glacier = archive_job(None);
    let sandbox = TrackedJob {
        speed: ServiceSpeed::new(10_000).unwrap(),
        ..glacier.clone()
    };
    let (WatchStep::SleepUntil(slow), WatchStep::SleepUntil(fast)) = (
        watch_step(std::slice::from_ref(&glacier), START),
        watch_step(std::slice::from_ref(&sandbox), START),
    ) else {
        panic!("both jobs wait for their first poll")
    };
    assert!(fast - START < SECOND * 2, "{}", fast - START);
    assert!(slow - START > HOUR, "{}", slow - START);
}
