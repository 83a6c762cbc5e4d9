//! What a batch does next for one of its archives, from where its plan stands:
//! start a job, wait, download, or nothing more. A failed job is tried once
//! more; a job whose output window closed before it was downloaded is started
//! again at the same tier (a renewal, not a failure).

use crate::domain::job::JobStatus;

/// Failed jobs after which an archive is given up: the first job and one retry,
/// however many renewals came between.
pub const MOST_FAILURES: u32 = 2;

/// The archive's plan, as far as the next step depends on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemFacts {
    /// Its file is finished.
    pub finished: bool,
    /// Jobs its plan lists that Glacier started, renewals and retries included.
    pub jobs: u32,
    /// How many of those failed.
    pub failures: u32,
    pub current: Option<CurrentJob>,
}

/// The plan's newest job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CurrentJob {
    /// Glacier answered InitiateJob with an id.
    pub started: bool,
    /// Glacier answered InitiateJob with a refusal.
    pub refused: bool,
    /// Its status at the moment asked about.
    pub status: JobStatus,
    /// Glacier still lists it (only asked of a started job).
    pub listed: bool,
}

/// Why a job is started for the archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartWhy {
    First,
    /// The output window closed before the output was downloaded.
    Renewal,
    /// The job before failed.
    Retry,
    /// InitiateJob was sent and never answered: look for the job Glacier may
    /// have started before starting one.
    Unanswered,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemStep {
    /// The file is finished.
    Done,
    Start(StartWhy),
    /// Its job runs.
    Wait,
    /// Its job's output is ready.
    Download,
    /// Its job failed after a retry.
    GaveUp,
}

/// The next step for an archive.
pub fn next_step(facts: ItemFacts) -> ItemStep {
    if facts.finished {
        return ItemStep::Done;
    }
    let Some(current) = facts.current else {
        return ItemStep::Start(StartWhy::First);
    };
    if current.refused {
        // Nothing started; whether to ask again is the pace's business.
        let why = if facts.jobs == 0 {
            StartWhy::First
        } else {
            StartWhy::Retry
        };
        return ItemStep::Start(why);
    }
    if !current.started {
        return ItemStep::Start(StartWhy::Unanswered);
    }
    match current.status {
        JobStatus::Failed if facts.failures >= MOST_FAILURES => ItemStep::GaveUp,
        JobStatus::Failed => ItemStep::Start(StartWhy::Retry),
        JobStatus::Expired => ItemStep::Start(StartWhy::Renewal),
        // Glacier lists every job whose output can still be fetched.
        JobStatus::InProgress | JobStatus::Succeeded if !current.listed => {
            ItemStep::Start(StartWhy::Renewal)
        }
        JobStatus::InProgress => ItemStep::Wait,
        JobStatus::Succeeded => ItemStep::Download,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(status: JobStatus) -> Option<CurrentJob> {
        Some(CurrentJob {
            started: true,
            refused: false,
            status,
            listed: true,
        })
    }

    fn facts(jobs: u32, current: Option<CurrentJob>) -> ItemFacts {
        let failed = current.is_some_and(|job| job.status == JobStatus::Failed);
        ItemFacts {
            finished: false,
            jobs,
            failures: u32::from(failed),
            current,
        }
    }

    #[test]
    fn an_archive_goes_from_start_to_download_to_done() {
        assert_eq!(next_step(facts(0, None)), ItemStep::Start(StartWhy::First));
        assert_eq!(
            next_step(facts(1, job(JobStatus::InProgress))),
            ItemStep::Wait
        );
        assert_eq!(
            next_step(facts(1, job(JobStatus::Succeeded))),
            ItemStep::Download
        );
        let finished = ItemFacts {
            finished: true,
            ..facts(1, job(JobStatus::Expired))
        };
        assert_eq!(next_step(finished), ItemStep::Done);
    }

    #[test]
    fn a_failure_is_retried_once_and_an_expiry_renewed() {
        assert_eq!(
            next_step(facts(1, job(JobStatus::Failed))),
            ItemStep::Start(StartWhy::Retry)
        );
        // Renewals between the two failures do not count.
        assert_eq!(
            next_step(facts(4, job(JobStatus::Failed))),
            ItemStep::Start(StartWhy::Retry)
        );
        let twice = ItemFacts {
            failures: 2,
            ..facts(2, job(JobStatus::Failed))
        };
        assert_eq!(next_step(twice), ItemStep::GaveUp);
        assert_eq!(
            next_step(facts(5, job(JobStatus::Expired))),
            ItemStep::Start(StartWhy::Renewal)
        );
    }

    #[test]
    fn a_job_glacier_forgot_is_renewed_and_an_unanswered_one_looked_for() {
        let forgotten = Some(CurrentJob {
            started: true,
            refused: false,
            status: JobStatus::Succeeded,
            listed: false,
        });
        assert_eq!(
            next_step(facts(1, forgotten)),
            ItemStep::Start(StartWhy::Renewal)
        );
        let unanswered = CurrentJob {
            started: false,
            refused: false,
            status: JobStatus::InProgress,
            listed: false,
        };
        assert_eq!(
            next_step(facts(1, Some(unanswered))),
            ItemStep::Start(StartWhy::Unanswered)
        );
        let refused = Some(CurrentJob {
            refused: true,
            ..unanswered
        });
        assert_eq!(
            next_step(facts(0, refused)),
            ItemStep::Start(StartWhy::First)
        );
        assert_eq!(
            next_step(facts(1, refused)),
            ItemStep::Start(StartWhy::Retry)
        );
    }
}
