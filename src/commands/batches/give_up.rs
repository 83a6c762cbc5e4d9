//! `defrost batches --give-up B3`: says what is left of the batch (archives
//! not restored or copied, jobs Glacier still runs or holds, uploads S3 holds
//! unfinished), asks, marks it given up, and for a migration aborts each
//! unfinished upload with its journaled id, journaling each abort. Run again,
//! it asks nothing twice and only finishes what a failure interrupted.

use std::io::IsTerminal as _;
use std::io::Write as _;

use serde_json::json;
use time::OffsetDateTime;

use super::BatchesArgs;
use crate::cli::GlobalOpts;
use crate::commands::BadInput;
use crate::commands::cached::{count, open_store, size};
use crate::s3::SdkS3;
use crate::store::{BatchId, Store};
use crate::text::{printable, terminal_json};
use crate::tracking::batch::{BatchError, BatchLeft, batch_left, give_up_batch};
use crate::tracking::migrate::{Aborted, abort_unfinished_uploads};

pub fn run(global: &GlobalOpts, text: &str, args: &BatchesArgs) -> anyhow::Result<()> {
    let id: BatchId = text
        .parse()
        .map_err(|err| BadInput(format!("--give-up: {err}")))?;
    let mut store = open_store(global)?;
    let now = OffsetDateTime::now_utc();
    let left = batch_left(&store, id, now).map_err(|err| match err {
        BatchError::UnknownBatch { .. } => BadInput(format!(
            "--give-up: the journal has no batch {id}; 'defrost batches' lists them"
        ))
        .into(),
        other => anyhow::Error::from(other),
    })?;
    let json = args.output.json;
    if !(json && args.yes) {
        eprint!("{}", summary(&left));
    }
    if left.batch.given_up_at.is_none() {
        if !agreed(args, id)? {
            eprintln!("batch {id} goes on as it was");
            return Ok(());
        }
        give_up_batch(&mut store, id, now)?;
    }
    let aborted = match &left.target {
        Some(target) if !left.uploads.is_empty() => {
            let options = args.s3.connect_options(global, &target.region);
            crate::commands::block_on(async {
                let s3 = SdkS3::connect(&options, &target.bucket).await?;
                let aborted =
                    abort_unfinished_uploads(&s3, &mut store, id, now, |done| say(id, done, json))
                        .await?;
                anyhow::Ok(aborted)
            })?
        }
        _ => Vec::new(),
    };
    outcome(&store, id, &left, &aborted, json)
}

/// What is left, one fact a line.
fn summary(left: &BatchLeft) -> String {
    let batch = &left.batch;
    let into = match &left.target {
        Some(target) => format!("s3://{}/{}", target.bucket, target.prefix),
        None => batch.to.clone(),
    };
    let mut out = format!(
        "Batch     {}: {} archives of vault {} ({}), into {}\n",
        batch.id,
        count(batch.archives),
        printable(&batch.vault.name),
        printable(&batch.selection.to_string()),
        printable(&into)
    );
    if let Some(at) = &batch.given_up_at {
        out.push_str(&format!("Given up  at {at}\n"));
    }
    let done = if left.target.is_some() {
        "copied"
    } else {
        "restored"
    };
    out.push_str(&format!(
        "Left      {} archives not {done} ({} of {}); {} {done} stay as they are\n",
        count(left.archives_left()),
        size(u128::from(
            left.counts.bytes.saturating_sub(left.counts.restored_bytes)
        )),
        size(u128::from(left.counts.bytes)),
        count(left.counts.restored),
    ));
    out.push_str(&format!(
        "Jobs      {} started and still running or ready on Glacier: a job cannot be cancelled, and what it retrieves is not {done}\n",
        count(left.jobs_left())
    ));
    if left.target.is_some() {
        let parts: u64 = left.uploads.iter().map(|upload| upload.parts).sum();
        let bytes: u64 = left.uploads.iter().map(|upload| upload.bytes).sum();
        out.push_str(&format!(
            "Uploads   {} unfinished in the bucket ({} parts, {} billed until aborted): each is aborted\n",
            count(left.uploads.len() as u64),
            count(parts),
            size(u128::from(bytes))
        ));
    }
    out
}

/// Whether the user agreed to give the batch up.
fn agreed(args: &BatchesArgs, id: BatchId) -> anyhow::Result<bool> {
    if args.yes {
        return Ok(true);
    }
    if !std::io::stdin().is_terminal() {
        return Err(BadInput(
            "standard input is not a terminal, so defrost cannot ask before giving a batch up; add --yes to give it up without asking".into(),
        )
        .into());
    }
    crate::commands::retrieve::confirm(&format!("Give up batch {id}? [y/N] "))
}

/// A line for each upload as it is aborted.
fn say(id: BatchId, done: &Aborted, json: bool) {
    let upload = &done.upload;
    if json {
        let value = json!({
            "event": "aborted", "batch": id,
            "key": upload.key, "upload_id": upload.upload_id,
            "parts": upload.parts, "gone_already": done.gone_already,
        });
        println!("{}", terminal_json(&value).unwrap_or_default());
    } else if done.gone_already {
        eprintln!(
            "{}: S3 no longer had its upload; counted as aborted",
            printable(&upload.key)
        );
    } else {
        eprintln!(
            "{}: upload aborted ({} parts dropped)",
            printable(&upload.key),
            count(upload.parts)
        );
    }
}

/// The batch as it is left, and what this run aborted.
fn outcome(
    store: &Store,
    id: BatchId,
    left: &BatchLeft,
    aborted: &[Aborted],
    json: bool,
) -> anyhow::Result<()> {
    let given_up_at = store.batch_given_up_at(id)?.unwrap_or_default();
    let gone = aborted.iter().filter(|done| done.gone_already).count();
    let mut out = std::io::stdout().lock();
    if json {
        let value = json!({
            "batch": id, "given_up_at": given_up_at,
            "archives_left": left.archives_left(), "jobs_left": left.jobs_left(),
            "uploads_aborted": aborted.len(), "uploads_gone_already": gone,
        });
        writeln!(out, "{}", terminal_json(&value)?)?;
    } else {
        writeln!(
            out,
            "batch {id} given up at {given_up_at}; {} unfinished uploads aborted{}",
            count(aborted.len() as u64),
            if gone > 0 {
                format!(" ({} of them S3 no longer had)", count(gone as u64))
            } else {
                String::new()
            }
        )?;
    }
    Ok(out.flush()?)
}
