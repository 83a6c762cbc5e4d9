//! Clearing what the release before plans left for a plan, once the plan is
//! finished: the progress files of its jobs, with their locks and rewrites, and
//! `NAME.part` once no other download points into it. Anything that is not
//! clearly that release's file for this plan stays: a file of another job, one
//! another unfinished plan may still reuse, one in use, a link.

use std::collections::HashSet;

use super::{Lock, OldLayout, is_partial, take_lock};
use crate::confined::EntryKind;
use crate::domain::legacy_part::{Companion, PartProgress, companion, progress_name};
use crate::store::{PlanEntry, Store};
use crate::tracking::download::DownloadJobError;

/// A companion of `NAME.part`: its name, what it is, and its progress file.
struct Found {
    name: String,
    kind: Companion,
    progress: String,
}

impl OldLayout {
    /// Clears the plan's old files; what cannot be cleared is only logged, as
    /// the plan's own file is finished by then.
    pub(in crate::tracking::download) fn clear(&self, store: &Store, plan: &PlanEntry) {
        if let Err(err) = self.try_clear(store, plan) {
            tracing::warn!("an earlier release's partial download is left: {err}");
        }
    }

    fn try_clear(&self, store: &Store, plan: &PlanEntry) -> Result<(), DownloadJobError> {
        let found: Vec<Found> = self
            .dir
            .names()?
            .into_iter()
            .filter_map(|name| name.into_string().ok())
            .filter_map(|name| {
                let companion = companion(&name, &self.part_name)?;
                let (kind, progress) = (companion.kind, companion.progress);
                Some(Found {
                    name,
                    kind,
                    progress,
                })
            })
            .collect();
        if found.is_empty() {
            return Ok(());
        }
        let needed = jobs_of_unfinished_plans(store, plan)?;
        let mut ours: HashSet<&str> = HashSet::new();
        for file in &found {
            if file.kind == Companion::Progress && self.is_consumed(&file.name, plan, &needed)? {
                ours.insert(&file.name);
            }
        }
        // A process holding a job's lock is using its files; the locks taken
        // are held until their files are gone.
        let mut held = Vec::new();
        for file in found.iter().filter(|file| file.kind == Companion::Lock) {
            if ours.contains(file.progress.as_str()) {
                match take_lock(&self.dir, &file.name, false)? {
                    Lock::Held(lock) => held.push(lock),
                    Lock::Absent => {}
                    Lock::Busy => {
                        ours.remove(file.progress.as_str());
                    }
                }
            }
        }
        let mut kept = false;
        for file in &found {
            if ours.contains(file.progress.as_str()) {
                self.dir.remove(&file.name)?;
            } else {
                kept = true;
            }
        }
        drop(held);
        if !kept && !ours.is_empty() && self.dir.kind(&self.part_name)? == EntryKind::File {
            self.dir.remove(&self.part_name)?;
        }
        self.dir.sync();
        Ok(())
    }

    /// Whether the progress file `name` is of a job of this plan (staged by
    /// now) that no unfinished plan lists.
    fn is_consumed(
        &self,
        name: &str,
        plan: &PlanEntry,
        needed: &HashSet<String>,
    ) -> Result<bool, DownloadJobError> {
        let Some(progress) = self.dir.read(name)?.and_then(|b| PartProgress::parse(&b)) else {
            return Ok(false);
        };
        let job_id = progress.header.job_id.as_str();
        let in_place = progress_name(&self.part_name, progress.header.archive_offset) == name;
        let of_plan = plan.jobs.iter().any(|job| {
            job.entry.job_id.as_deref() == Some(job_id)
                && job
                    .range
                    .is_some_and(|range| is_partial(plan, range) && progress.is_for(job_id, range))
        });
        Ok(in_place && of_plan && !needed.contains(job_id))
    }
}

/// The job ids a plan other than `plan` lists and has not finished yet.
fn jobs_of_unfinished_plans(
    store: &Store,
    plan: &PlanEntry,
) -> Result<HashSet<String>, DownloadJobError> {
    Ok(store
        .plans(Some(&plan.vault))?
        .into_iter()
        .filter(|other| other.id != plan.id && other.finished.is_none())
        .flat_map(|other| other.jobs.into_iter())
        .filter_map(|job| job.entry.job_id)
        .collect())
}
