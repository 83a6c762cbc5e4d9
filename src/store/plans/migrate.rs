//! Plans for the jobs of a journal written before plans were records (schema 3
//! and older), inside the catalog's upgrade transaction. The launcher wrote the
//! same plan JSON on every job of one launch, all requested at the same moment,
//! so jobs sharing a vault, that JSON and that moment are one plan; every other
//! job (adopted, an inventory page, anything else) becomes a plan of one. Jobs,
//! their events and the JSON stay exactly as they were.

use std::collections::{BTreeMap, HashMap, HashSet};

use rusqlite::Connection;

use super::{JobFacts, NewPlan, OneJobPlan, PlanArchive, add_member, insert_plan, parse_range};
use crate::domain::job::PlanShape;
use crate::domain::range::ByteRange;

/// A journaled job that no plan owns yet.
struct OldJob {
    id: i64,
    vault_id: i64,
    has_job_id: bool,
    facts: JobFacts,
    plan_json: Option<String>,
    started_by: String,
    requested_at: String,
}

/// What the launcher's plan JSON says: `{"archive_id", "archive_size", "want",
/// "plan": {"plan", "jobs", ...} or null}`.
struct LaunchJson {
    archive: PlanArchive,
    want: Option<ByteRange>,
    shape: PlanShape,
    /// The planned jobs' ranges in order; empty for a whole archive.
    ranges: Vec<ByteRange>,
}

impl LaunchJson {
    fn parse(text: &str) -> Option<Self> {
        let value: serde_json::Value = serde_json::from_str(text).ok()?;
        let archive_id = value.get("archive_id")?.as_str()?.to_owned();
        let plan = value.get("plan")?;
        let (shape, ranges) = if plan.is_null() {
            (PlanShape::Whole, Vec::new())
        } else {
            let kind = plan.get("plan")?.as_str()?;
            let shape = match kind.parse::<PlanShape>().ok()? {
                shape @ (PlanShape::Mib | PlanShape::Tree | PlanShape::Split) => shape,
                PlanShape::Whole | PlanShape::Inventory => return None,
            };
            let ranges = serde_json::from_value(plan.get("jobs")?.clone()).ok()?;
            (shape, ranges)
        };
        Some(Self {
            archive: PlanArchive {
                archive_id,
                size: value
                    .get("archive_size")
                    .and_then(serde_json::Value::as_u64),
                tree_hash: None,
                name: None,
            },
            want: value
                .get("want")
                .and_then(serde_json::Value::as_str)
                .and_then(parse_range),
            shape,
            ranges,
        })
    }

    /// The place of a job retrieving `range` in the plan, when the plan names it.
    fn position_of(&self, range: Option<ByteRange>) -> Option<u32> {
        let index = match range {
            None if self.ranges.is_empty() => 0,
            None => return None,
            Some(range) => self.ranges.iter().position(|planned| *planned == range)?,
        };
        u32::try_from(index).ok()
    }

    /// How many places the plan has.
    fn places(&self) -> usize {
        self.ranges.len().max(1)
    }
}

/// A plan made from a launch's jobs, while more of them may join it.
struct Launched {
    plan: i64,
    vault_id: i64,
    first_job: i64,
    taken: HashSet<u32>,
    jobs: HashSet<i64>,
}

/// Gives every job no plan owns a plan, as described above.
pub(in crate::store) fn plan_v3_jobs(conn: &Connection) -> rusqlite::Result<()> {
    let jobs = unplanned_jobs(conn)?;
    // Per launch (vault, JSON, moment): its plans, the newest last.
    let mut launches: BTreeMap<(i64, String, String), Vec<Launched>> = BTreeMap::new();
    let mut parsed: HashMap<String, Option<LaunchJson>> = HashMap::new();
    for job in &jobs {
        let launch = job.plan_json.as_ref().and_then(|text| {
            parsed
                .entry(text.clone())
                .or_insert_with(|| LaunchJson::parse(text))
                .as_ref()
                .map(|launch| (text, launch))
        });
        match launch {
            Some((text, launch)) => {
                let key = (job.vault_id, text.clone(), job.requested_at.clone());
                let plans = launches.entry(key).or_default();
                join_launch(conn, plans, launch, job)?;
            }
            None => one_job_plan(job)
                .write(conn, job.vault_id, job.id)
                .map(|_| ())?,
        }
    }
    for ((_, text, _), plans) in &launches {
        if let Some(Some(launch)) = parsed.get(text) {
            for plan in plans {
                fill_reused(conn, plan, launch, &jobs)?;
            }
        }
    }
    Ok(())
}

fn unplanned_jobs(conn: &Connection) -> rusqlite::Result<Vec<OldJob>> {
    let mut statement = conn.prepare(
        "SELECT j.id, j.vault_id, j.job_id IS NOT NULL, j.params, j.plan, j.started_by,
                j.requested_at
         FROM job j
         WHERE NOT EXISTS (SELECT 1 FROM plan_job o WHERE o.job = j.id AND o.owner = 1)
         ORDER BY j.id",
    )?;
    statement
        .query_map([], |r| {
            Ok(OldJob {
                id: r.get(0)?,
                vault_id: r.get(1)?,
                has_job_id: r.get(2)?,
                facts: JobFacts::of_params(&r.get::<_, String>(3)?),
                plan_json: r.get(4)?,
                started_by: r.get(5)?,
                requested_at: r.get(6)?,
            })
        })?
        .collect()
}

/// Puts a launch's job in its place in the launch's newest plan, or in a new
/// plan when that place is taken: two launches alike to the second.
fn join_launch(
    conn: &Connection,
    plans: &mut Vec<Launched>,
    launch: &LaunchJson,
    job: &OldJob,
) -> rusqlite::Result<()> {
    let planned = launch.position_of(job.facts.range);
    let fits = |plan: &Launched| {
        let position = planned.unwrap_or_else(|| fallback_position(plan, launch));
        (!plan.taken.contains(&position)).then_some(position)
    };
    let position = match plans.last().and_then(fits) {
        Some(position) => position,
        None => {
            let plan = insert_plan(
                conn,
                &NewPlan {
                    vault_id: job.vault_id,
                    archive: Some(&launch.archive),
                    want: launch.want,
                    shape: launch.shape,
                    made_by: &job.started_by,
                    made_at: &job.requested_at,
                },
            )?;
            let launched = Launched {
                plan,
                vault_id: job.vault_id,
                first_job: job.id,
                taken: HashSet::new(),
                jobs: HashSet::new(),
            };
            let position = planned.unwrap_or_else(|| fallback_position(&launched, launch));
            plans.push(launched);
            position
        }
    };
    let Some(plan) = plans.last_mut() else {
        return Ok(());
    };
    add_member(conn, plan.plan, position, job.id, true)?;
    plan.taken.insert(position);
    plan.jobs.insert(job.id);
    Ok(())
}

/// A place for a job whose range the plan does not name: after the plan's own
/// places, in journal order.
fn fallback_position(plan: &Launched, launch: &LaunchJson) -> u32 {
    let beyond = plan
        .taken
        .iter()
        .filter(|p| **p as usize >= launch.places());
    let next = launch.places() + beyond.count();
    u32::try_from(next).unwrap_or(u32::MAX)
}

/// A launch that reused running jobs journaled only the jobs it started. Each
/// place it left empty is given the newest earlier job of the vault that
/// retrieves the same bytes of the same archive, as the reuse chose it, listed
/// without taking it from its own plan.
fn fill_reused(
    conn: &Connection,
    plan: &Launched,
    launch: &LaunchJson,
    jobs: &[OldJob],
) -> rusqlite::Result<()> {
    let places = if launch.ranges.is_empty() {
        vec![None]
    } else {
        launch.ranges.iter().copied().map(Some).collect()
    };
    for (position, range) in places.into_iter().enumerate() {
        let Ok(position) = u32::try_from(position) else {
            break;
        };
        if plan.taken.contains(&position) {
            continue;
        }
        let reused = jobs.iter().rev().find(|job| {
            job.id < plan.first_job
                && job.vault_id == plan.vault_id
                && job.has_job_id
                && !plan.jobs.contains(&job.id)
                && !job.facts.inventory
                && job.facts.archive_id.as_deref() == Some(&launch.archive.archive_id)
                && job.facts.range == range
        });
        if let Some(job) = reused {
            add_member(conn, plan.plan, position, job.id, false)?;
        }
    }
    Ok(())
}

/// A job on its own: an inventory page, an adopted job, or anything else.
fn one_job_plan(job: &OldJob) -> OneJobPlan {
    job.facts
        .plan_of_one(&job.started_by, job.requested_at.clone())
}
