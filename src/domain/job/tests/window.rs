//! The output window and expiry, at and around its end.

use std::time::Duration;

use time::macros::datetime;

use super::*;
use crate::domain::job::*;

#[test]
fn window_ends_exactly_24_hours_after_completion() {
    let completed = START + 4 * HOUR;
    let job = job_in(JobStatus::Succeeded, Some(completed));
    assert_eq!(output_window_end(&job), Some(completed + 24 * HOUR));
}

#[test]
fn time_left_and_expiry_around_the_window_end() {
    let completed = START + 4 * HOUR;
    let end = completed + 24 * HOUR;
    let job = job_in(JobStatus::Succeeded, Some(completed));

    assert_eq!(time_left(&job, completed), Some(OUTPUT_WINDOW));
    assert_eq!(time_left(&job, end - SECOND), Some(Duration::from_secs(1)));
    assert_eq!(effective_status(&job, end - SECOND), JobStatus::Succeeded);

    assert_eq!(time_left(&job, end), Some(Duration::ZERO));
    assert_eq!(effective_status(&job, end), JobStatus::Expired);

    assert_eq!(time_left(&job, end + SECOND), Some(Duration::ZERO));
    assert_eq!(effective_status(&job, end + SECOND), JobStatus::Expired);
}

#[test]
fn jobs_without_output_have_no_window_and_keep_their_status() {
    let late = START + 100 * HOUR;
    for status in [JobStatus::InProgress, JobStatus::Failed] {
        let job = job_in(status, Some(START + HOUR));
        assert_eq!(output_window_end(&job), None, "{status:?}");
        assert_eq!(time_left(&job, late), None, "{status:?}");
        assert_eq!(effective_status(&job, late), status);
    }
}

#[test]
fn succeeded_without_completion_time_is_not_taken_as_expired() {
    let job = job_in(JobStatus::Succeeded, None);
    assert_eq!(output_window_end(&job), None);
    assert_eq!(
        effective_status(&job, START + 1000 * HOUR),
        JobStatus::Succeeded
    );
}

#[test]
fn stored_expired_job_still_reports_when_its_window_closed() {
    let job = job_in(JobStatus::Expired, Some(START));
    assert_eq!(output_window_end(&job), Some(START + 24 * HOUR));
    assert_eq!(time_left(&job, START + 25 * HOUR), Some(Duration::ZERO));
    // The stored state is final even if asked about an earlier moment.
    assert_eq!(effective_status(&job, START), JobStatus::Expired);
}

#[test]
fn window_end_near_the_end_of_time_saturates_instead_of_overflowing() {
    let completed = datetime!(9999-12-31 23:00 UTC);
    let job = job_in(JobStatus::Succeeded, Some(completed));
    let end = output_window_end(&job);
    assert!(end.is_some_and(|end| end > completed));
    assert_eq!(effective_status(&job, completed), JobStatus::Succeeded);
}
