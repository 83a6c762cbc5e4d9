//! What `defrost restore` shows: the summary before anything is spent, then one
//! progress line while the batch runs (a bar on a terminal), each event worth
//! knowing on its own line, and the outcome. `--json` prints events and the
//! outcome as JSON Lines instead.

use std::io::{IsTerminal as _, Write as _};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;

use crate::commands::cached::{count, size, wait};
use crate::domain::batch::StartWhy;
use crate::domain::cost::{PriceTable, format_cost};
use crate::glacier::{RetrievalPolicy, SdkGlacier};
use crate::store::{BatchEntry, Store};
use crate::text::{printable, terminal_json};
use crate::tracking::batch::{BatchCounts, BatchEvent, PreparedBatch, RunOptions, run_batch};

fn bytes(value: u64) -> String {
    size(u128::from(value))
}

/// Everything the user should know before paying, one fact a line.
pub fn summary(prepared: &PreparedBatch, prices: &PriceTable) -> String {
    let s = &prepared.summary;
    let into = format!(
        "Into      {}\n",
        printable(&prepared.folder.display().to_string())
    );
    let restored = if s.restored.archives > 0 {
        format!(
            "Restored  {} archives ({}) are already in the folder: not retrieved again\n",
            count(s.restored.archives),
            bytes(s.restored.bytes)
        )
    } else {
        String::new()
    };
    summary_into(prepared, prices, &into, &restored)
}

/// The summary of a batch whose destination says itself in `into` (lines
/// ending in a newline) and whose archives already there in `already`.
pub(crate) fn summary_into(
    prepared: &PreparedBatch,
    prices: &PriceTable,
    into: &str,
    already: &str,
) -> String {
    let s = &prepared.summary;
    let request = &prepared.request;
    let mut out = format!(
        "Selected  {} {}, {} ({}) of vault {}\n",
        count(s.selected.archives),
        if s.selected.archives == 1 {
            "archive"
        } else {
            "archives"
        },
        bytes(s.selected.bytes),
        printable(&request.selection.to_string()),
        printable(&request.vault.name)
    );
    out.push_str(into);
    out.push_str(already);
    if s.reusable.archives > 0 {
        out.push_str(&format!(
            "Reused    {} archives ({}) have a job running or ready: not paid again\n",
            count(s.reusable.archives),
            bytes(s.reusable.bytes)
        ));
    }
    out.push_str(&format!(
        "To start  {} jobs, {}\n",
        count(s.to_start.archives),
        bytes(s.to_start.bytes)
    ));
    out.push_str(&format!(
        "Cost      (prices of {}, as of {})\n",
        prices.region, prices.as_of
    ));
    for tier in &s.tiers {
        let chosen = if tier.tier == request.tier {
            "  <- chosen"
        } else {
            ""
        };
        out.push_str(&format!(
            "          {:<10} {:>12}  last job ready in about {}{chosen}\n",
            tier.tier.as_str(),
            format_cost(tier.cost, &prices.currency),
            wait(tier.last_ready_after)
        ));
    }
    out.push_str(&policy_line(prepared));
    if s.too_large.archives > 0 {
        out.push_str(&format!(
            "Too large {} archives ({}) exceed the bytes-per-hour cap on their own and are not started\n",
            count(s.too_large.archives),
            bytes(s.too_large.bytes)
        ));
    }
    if let Some((name, shared)) = &s.shared_names.example {
        out.push_str(&format!(
            "Names     {} names are shared by more than one archive (for example {} by {}); the first keeps the name, the others get ' (archive ID)' before the extension\n",
            count(s.shared_names.names),
            printable(name),
            shared
        ));
    }
    out
}

fn policy_line(prepared: &PreparedBatch) -> String {
    let pace = match prepared.summary.hours_of_starting {
        Some(hours) if hours > 0 => format!(", so starting takes at least {hours} hours"),
        _ => String::new(),
    };
    let cap = prepared
        .pace
        .bytes_per_hour
        .map_or_else(String::new, |cap| {
            format!("; at most {} started per hour{pace}", bytes(cap))
        });
    let policy = match &prepared.policy {
        Some(RetrievalPolicy::FreeTier) => {
            "free tier only: Glacier refuses retrievals beyond the free allowance, which the batch retries later".to_owned()
        }
        Some(policy) => policy.to_string(),
        None => "not readable with these credentials".to_owned(),
    };
    format!("Policy    {}{cap}\n", printable(&policy))
}

/// Runs the batch, showing its progress, and then its outcome.
pub async fn follow(
    glacier: &SdkGlacier,
    store: &mut Store,
    batch: &BatchEntry,
    options: &RunOptions,
    json: bool,
) -> anyhow::Result<()> {
    let bar = (!json && std::io::stderr().is_terminal()).then(progress_bar);
    let began = Instant::now();
    let mut first_restored: Option<u64> = None;
    let say = |line: String| match &bar {
        Some(bar) => bar.println(line),
        None => eprintln!("{line}"),
    };
    let outcome = run_batch(
        glacier,
        store,
        batch.id,
        options,
        |event, _| {
            if json {
                println!("{}", event_json(batch, event));
            } else if let Some(line) = event_line(event, &RESTORE_WORDS) {
                say(line);
            }
        },
        |counts| {
            let restored = *first_restored.get_or_insert(counts.restored_bytes);
            if let Some(bar) = &bar {
                bar.set_length(counts.bytes.max(1));
                bar.set_position(counts.restored_bytes);
                bar.set_message(progress_words(counts, restored, began.elapsed()));
            }
        },
    )
    .await;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let counts = outcome?;
    let mut out = std::io::stdout().lock();
    if json {
        writeln!(out, "{}", outcome_json(batch, &counts, options.no_wait))?;
    } else {
        writeln!(out, "{}", outcome_line(batch, &counts, options.no_wait))?;
    }
    out.flush()?;
    not_restored(batch, &counts)
}

/// A batch that ends with archives it will not restore did not do what was
/// asked: said once more on stderr, for exit code 1 (the outcome above still
/// counts what was restored).
fn not_restored(batch: &BatchEntry, counts: &BatchCounts) -> anyhow::Result<()> {
    let left_out = counts.given_up + counts.too_large;
    if left_out == 0 {
        return Ok(());
    }
    Err(anyhow::anyhow!(
        "{} of the {} archives of batch {} were not restored (the lines above say why); 'defrost retrieve --archive-id ID' retrieves one on its own",
        count(left_out),
        count(counts.archives),
        batch.id
    ))
}

fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::new(1).with_style(
        ProgressStyle::with_template("{spinner} [{bar:30}] {bytes}/{total_bytes} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// Archives by state, and the throughput of this run.
fn progress_words(counts: &BatchCounts, restored_before: u64, elapsed: Duration) -> String {
    let done_now = counts.restored_bytes.saturating_sub(restored_before);
    let rate = done_now as f64 / elapsed.as_secs_f64().max(1.0);
    format!(
        "{}/{} restored, {} ready, {} running, {} to start, {}/s",
        count(counts.restored),
        count(counts.archives),
        count(counts.ready),
        count(counts.running),
        count(counts.waiting_to_start),
        bytes(rate as u64)
    )
}

/// How a batch's events are worded: a restore's archives are restored into a
/// folder, a migration's are copied into a bucket.
pub(crate) struct Words {
    done: &'static str,
    failed: &'static str,
}

pub(crate) const RESTORE_WORDS: Words = Words {
    done: "restored",
    failed: "download failed",
};

pub(crate) const COPY_WORDS: Words = Words {
    done: "copied",
    failed: "copy failed",
};

pub(crate) fn event_line(event: &BatchEvent, words: &Words) -> Option<String> {
    Some(match event {
        BatchEvent::Started {
            why: StartWhy::First,
            ..
        } => return None,
        BatchEvent::Started {
            plan, name, why, ..
        } => {
            let what = match why {
                StartWhy::Renewal => {
                    "renewed: its output window closed before its download, started again at the same tier"
                }
                StartWhy::Retry => "its job failed; started once more",
                _ => "started",
            };
            format!("{name} ({plan}): {what}")
        }
        BatchEvent::Found { plan, name, job_id } => {
            format!(
                "{name} ({plan}): Glacier had started job {} before the answer was lost; it is used",
                printable(job_id)
            )
        }
        BatchEvent::Throttled { message, .. } => {
            format!(
                "Glacier asks to slow down ({}); starts wait and go on",
                printable(message)
            )
        }
        BatchEvent::Downloaded {
            name,
            path,
            bytes: size,
            ..
        } => {
            format!(
                "{} {name} into {} ({})",
                words.done,
                printable(&path.display().to_string()),
                bytes(*size)
            )
        }
        BatchEvent::DownloadFailed { name, reason, .. } => {
            format!(
                "{name}: {} ({}); it is tried again",
                words.failed,
                printable(reason)
            )
        }
        BatchEvent::GaveUp { name, reason, .. } => {
            format!("{name}: not {}: {reason}", words.done)
        }
        BatchEvent::TooLarge {
            name, bytes: size, ..
        } => format!(
            "{name}: not {}: at {} it is more than the bytes-per-hour cap allows in one job",
            words.done,
            bytes(*size)
        ),
    })
}

pub(crate) fn event_json(batch: &BatchEntry, event: &BatchEvent) -> String {
    let value = match event {
        BatchEvent::Started {
            plan,
            name,
            job_id,
            why,
        } => json!({
            "event": "started", "plan": plan, "name": name, "job_id": job_id,
            "why": format!("{why:?}").to_lowercase(),
        }),
        BatchEvent::Found { plan, name, job_id } => {
            json!({"event": "found", "plan": plan, "name": name, "job_id": job_id})
        }
        BatchEvent::Throttled { message, .. } => json!({"event": "throttled", "message": message}),
        BatchEvent::Downloaded {
            plan,
            name,
            path,
            bytes,
        } => json!({
            "event": "restored", "plan": plan, "name": name,
            "path": path.display().to_string(), "bytes": bytes,
        }),
        BatchEvent::DownloadFailed { plan, name, reason } => {
            json!({"event": "download failed", "plan": plan, "name": name, "reason": reason})
        }
        BatchEvent::GaveUp { plan, name, reason } => {
            json!({"event": "given up", "plan": plan, "name": name, "reason": reason})
        }
        BatchEvent::TooLarge { plan, name, bytes } => {
            json!({"event": "too large", "plan": plan, "name": name, "bytes": bytes})
        }
    };
    let mut value = value;
    value["batch"] = json!(batch.id);
    terminal_json(&value).unwrap_or_default()
}

pub(crate) fn outcome_line(batch: &BatchEntry, counts: &BatchCounts, no_wait: bool) -> String {
    let left = counts.archives - counts.restored - counts.given_up - counts.too_large;
    let mut line = format!(
        "batch {}: {} of {} archives restored ({})",
        batch.id,
        count(counts.restored),
        count(counts.archives),
        bytes(counts.restored_bytes)
    );
    if counts.given_up + counts.too_large > 0 {
        line.push_str(&format!(
            ", {} not restored (see above)",
            count(counts.given_up + counts.too_large)
        ));
    }
    if no_wait && left > 0 {
        line.push_str(&format!(
            "; {} have their jobs; run 'defrost restore --resume {}' to download them as they become ready",
            count(left),
            batch.id
        ));
    }
    line
}

pub(crate) fn outcome_json(batch: &BatchEntry, counts: &BatchCounts, no_wait: bool) -> String {
    let value = json!({
        "batch": batch.id,
        "archives": counts.archives,
        "bytes": counts.bytes,
        "restored": counts.restored,
        "restored_bytes": counts.restored_bytes,
        "ready": counts.ready,
        "running": counts.running,
        "to_start": counts.waiting_to_start,
        "given_up": counts.given_up,
        "too_large": counts.too_large,
        "waited": !no_wait,
    });
    terminal_json(&value).unwrap_or_default()
}
