//! Why starting a plan's jobs stopped, always saying which jobs did start, since
//! those are paid for whatever happened after them.

use crate::domain::range::ByteRange;
use crate::glacier::{GlacierError, RetrievalPolicy};
use crate::store::StoreError;

use super::LaunchedJob;

/// A plan stopped partway. Jobs in `started` are running (or reused) and journaled.
#[derive(Debug, thiserror::Error)]
pub enum LaunchError {
    /// Glacier refused a job; nothing was started for it.
    #[error(
        "{cause}{}{}",
        policy_note(cause, policy.as_ref()),
        started_note(started)
    )]
    Refused {
        range: Option<ByteRange>,
        cause: GlacierError,
        /// The account's policy, fetched to explain a policy refusal.
        policy: Option<RetrievalPolicy>,
        started: Vec<LaunchedJob>,
    },
    /// The journal could not be written. When it failed after InitiateJob answered,
    /// that job is in `started`: Glacier runs it, and 'defrost jobs' adopts it.
    #[error("{cause}{}", started_note(started))]
    Journal {
        cause: StoreError,
        started: Vec<LaunchedJob>,
    },
}

impl LaunchError {
    /// Whether the user can fix it by changing the command (exit code 2).
    pub fn is_bad_input(&self) -> bool {
        match self {
            LaunchError::Refused { cause, .. } => cause.is_bad_input(),
            LaunchError::Journal { cause, .. } => cause.is_bad_input(),
        }
    }

    /// The jobs that were started or reused before the plan stopped.
    pub fn started(&self) -> &[LaunchedJob] {
        match self {
            LaunchError::Refused { started, .. } | LaunchError::Journal { started, .. } => started,
        }
    }
}

/// The policy in force, unless Glacier's message already names its limit.
fn policy_note(cause: &GlacierError, policy: Option<&RetrievalPolicy>) -> String {
    let (GlacierError::PolicyEnforced { message }, Some(policy)) = (cause, policy) else {
        return String::new();
    };
    let named = match policy {
        RetrievalPolicy::BytesPerHour(limit) => message.contains(&limit.to_string()),
        _ => false,
    };
    if named {
        String::new()
    } else {
        format!("; the account's retrieval policy is: {policy}")
    }
}

fn started_note(started: &[LaunchedJob]) -> String {
    if started.is_empty() {
        return "; no job was started".into();
    }
    let jobs: Vec<String> = started
        .iter()
        .map(|job| {
            let what = match job.range {
                Some(range) => format!("bytes {range}"),
                None => "the whole archive".into(),
            };
            let how = if job.reused { "reused" } else { "started" };
            format!("{} ({what}, {how})", crate::text::printable(&job.job_id))
        })
        .collect();
    format!(
        "; before that, {} job(s) of the plan went ahead and are journaled: {}",
        started.len(),
        jobs.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(message: &str, policy: RetrievalPolicy, started: Vec<LaunchedJob>) -> String {
        LaunchError::Refused {
            range: None,
            cause: GlacierError::PolicyEnforced {
                message: message.into(),
            },
            policy: Some(policy),
            started,
        }
        .to_string()
    }

    #[test]
    fn a_policy_refusal_names_the_policy_unless_glacier_did() {
        let bare = refused("denied", RetrievalPolicy::BytesPerHour(1000), Vec::new());
        assert!(
            bare.contains("retrieval policy is: at most 1000 bytes per hour"),
            "{bare}"
        );
        assert!(bare.ends_with("; no job was started"), "{bare}");
        let named = refused(
            "over the limit of 1000 bytes",
            RetrievalPolicy::BytesPerHour(1000),
            Vec::new(),
        );
        assert!(!named.contains("retrieval policy is"), "{named}");
    }

    #[test]
    fn a_refusal_midway_lists_the_jobs_that_went_ahead() {
        let started = vec![LaunchedJob {
            job_id: "JOB\u{1b}1".into(),
            range: Some(ByteRange::new(0, 1023).unwrap()),
            tier: None,
            reused: false,
        }];
        let text = refused("denied", RetrievalPolicy::FreeTier, started);
        assert!(text.contains("1 job(s) of the plan went ahead"), "{text}");
        assert!(text.contains("(bytes 0-1023, started)"), "{text}");
        assert!(
            !text.contains('\u{1b}'),
            "server text is made printable: {text}"
        );
    }
}
