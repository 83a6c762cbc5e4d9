//! `defrost jobs --watch`: after the listing, follows the jobs still in progress
//! (each polled on its own schedule, see `tracking::watch`) until none is left,
//! announcing each job that finishes. On a terminal the table is redrawn in
//! place; otherwise each change is one line, so a log or a script can follow it.

use std::io::{IsTerminal, Write};

use crossterm::{cursor::MoveUp, queue, terminal::Clear, terminal::ClearType};
use time::OffsetDateTime;

use super::json::job_line;
use super::table::write_table;
use super::{Listing, minute};
use crate::domain::job::{JobStatus, TrackedJob, effective_status};
use crate::domain::job_params::JobKind;
use crate::glacier::SdkGlacier;
use crate::store::{JournalEntry, Store};
use crate::text::printable;
use crate::tracking::inventory::FetchPlan;
use crate::tracking::watch::{SystemClock, WatchEvent, watch_until_finished};

/// How changes are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// The table redrawn in place, the announcements under it.
    Redraw,
    /// One line per announcement.
    Lines,
    /// One JSON line per job whose status changed.
    Json,
}

impl Style {
    pub fn choose(json: bool) -> Self {
        if json {
            Style::Json
        } else if std::io::stdout().is_terminal() {
            Style::Redraw
        } else {
            Style::Lines
        }
    }
}

/// Watches the jobs of `listing` that are in progress until none is, or Ctrl-C.
pub async fn run(
    glacier: &SdkGlacier,
    store: &mut Store,
    listing: Listing,
    style: Style,
) -> anyhow::Result<()> {
    let now = OffsetDateTime::now_utc();
    let watched: Vec<TrackedJob> = listing
        .entries
        .iter()
        .filter_map(|entry| entry.state.clone())
        .filter(|job| effective_status(job, now) == JobStatus::InProgress)
        .collect();
    if watched.is_empty() {
        eprintln!("no job is in progress, so there is nothing to watch");
        return Ok(());
    }
    let count = watched.len();
    if style == Style::Lines {
        let jobs = if count == 1 { "job" } else { "jobs" };
        println!("watching {count} {jobs} in progress");
    }
    let columns = terminal_columns();
    let mut screen = Screen {
        out: std::io::stdout(),
        style,
        columns,
        // The table `jobs` has just printed.
        drawn: printed_rows(&listing, columns),
        listing,
        notes: Vec::new(),
        failure: None,
    };
    let watching = watch_until_finished(glacier, store, watched, &SystemClock, |event| {
        screen.show(&event)
    });
    tokio::select! {
        result = watching => {
            result?;
        }
        _ = tokio::signal::ctrl_c() => {
            eprintln!("stopped watching; the jobs go on, and 'defrost jobs --watch' follows them again");
            return Ok(());
        }
    }
    if let Some(err) = screen.failure {
        return Err(err.into());
    }
    if style != Style::Json {
        println!("no job is in progress any more");
    }
    Ok(())
}

/// The rows the table `jobs` printed before watching takes on the terminal.
fn printed_rows(listing: &Listing, columns: Option<usize>) -> usize {
    let mut table = Vec::new();
    match write_table(&mut table, listing, OffsetDateTime::now_utc()) {
        Ok(_) => rows_on_screen(&table, columns),
        // Writing to memory does not fail; at least the header's two lines.
        Err(_) => 2,
    }
}

/// What has been shown, so the next change can be drawn over it.
struct Screen<W: Write> {
    out: W,
    style: Style,
    /// The terminal's width, for lines that wrap (Redraw only).
    columns: Option<usize>,
    /// The plans and jobs shown, each job's state as last seen.
    listing: Listing,
    notes: Vec<String>,
    /// Lines of the block last drawn (Redraw only).
    drawn: usize,
    failure: Option<std::io::Error>,
}

impl<W: Write> Screen<W> {
    fn show(&mut self, event: &WatchEvent<'_>) {
        let shown = match (event, event.transition()) {
            (_, Some((job, _))) => self.transition(job),
            (WatchEvent::Sleeping { until }, None) if self.style == Style::Redraw => {
                self.redraw(Some(*until))
            }
            _ => Ok(()),
        };
        if let Err(err) = shown {
            self.failure.get_or_insert(err);
        }
    }

    fn transition(&mut self, job: &TrackedJob) -> std::io::Result<()> {
        let Some(entry) = self.listing.record(job) else {
            return Ok(());
        };
        let note = announcement(entry, job);
        match self.style {
            Style::Lines => writeln!(self.out, "{note}"),
            Style::Json => {
                let line = job_line(entry, OffsetDateTime::now_utc())
                    .map_err(|err| std::io::Error::other(err.to_string()))?;
                writeln!(self.out, "{line}")
            }
            Style::Redraw => {
                self.notes.push(note);
                self.redraw(None)
            }
        }
    }

    /// Draws the table and the announcements over what was drawn before.
    fn redraw(&mut self, next_look: Option<OffsetDateTime>) -> std::io::Result<()> {
        let mut block = Vec::new();
        write_table(&mut block, &self.listing, OffsetDateTime::now_utc())?;
        for note in &self.notes {
            writeln!(block, "{note}")?;
        }
        if let Some(at) = next_look {
            writeln!(
                block,
                "watching; next look at {} (Ctrl-C to stop)",
                minute(at)
            )?;
        }
        if let Ok(up) = u16::try_from(self.drawn)
            && up > 0
        {
            queue!(self.out, MoveUp(up), Clear(ClearType::FromCursorDown))?;
        }
        self.out.write_all(&block)?;
        self.drawn = rows_on_screen(&block, self.columns);
        self.out.flush()
    }
}

/// The width of the terminal, when standard output is one.
fn terminal_columns() -> Option<usize> {
    crossterm::terminal::size()
        .ok()
        .map(|(columns, _)| usize::from(columns))
        .filter(|columns| *columns > 0)
}

/// How many rows of a terminal `columns` wide the text takes: a line longer
/// than the terminal wraps onto more than one, and the redraw must go up over all.
fn rows_on_screen(text: &[u8], columns: Option<usize>) -> usize {
    String::from_utf8_lossy(text)
        .lines()
        .map(|line| match columns {
            Some(columns) => line.chars().count().div_ceil(columns).max(1),
            None => 1,
        })
        .sum()
}

/// What a job's new status means for the user, in one line.
fn announcement(entry: &JournalEntry, job: &TrackedJob) -> String {
    let vault = printable(&entry.vault.name);
    let what = match job.kind {
        JobKind::InventoryRetrieval => format!("inventory of vault {vault}"),
        JobKind::ArchiveRetrieval => format!("archive retrieval in vault {vault}"),
    };
    let id = printable(&job.job_id);
    match job.status {
        JobStatus::Succeeded if FetchPlan::of(entry).is_some() => format!(
            "job {id} ({what}) is ready: import it with 'defrost inventory fetch --vault {vault}'"
        ),
        JobStatus::Succeeded => format!(
            "job {id} ({what}) is ready: download it with 'defrost download {id} --vault {vault} --to DIR'"
        ),
        JobStatus::Failed => format!(
            "job {id} ({what}) failed: {}",
            printable(job.status_message.as_deref().unwrap_or("no reason given"))
        ),
        JobStatus::Expired => format!("job {id} ({what}) has expired: its output window closed"),
        JobStatus::InProgress => format!("job {id} ({what}) is in progress"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::jobs::fixtures;

    fn running() -> TrackedJob {
        let mut job = fixtures::running("JOB1", None, OffsetDateTime::now_utc());
        job.tier = None;
        job
    }

    fn finished(job: &TrackedJob) -> TrackedJob {
        fixtures::ready(job, OffsetDateTime::now_utc())
    }

    /// The job as the one job of plan P1, the table of it already drawn.
    fn screen(style: Style, job: &TrackedJob) -> Screen<Vec<u8>> {
        let entry = fixtures::entry(1, 1, job);
        let plan = fixtures::plan(1, "a.jpg", None, vec![fixtures::member(0, entry.clone())]);
        Screen {
            out: Vec::new(),
            style,
            columns: None,
            drawn: 4,
            listing: Listing {
                plans: vec![plan],
                entries: vec![entry],
            },
            notes: Vec::new(),
            failure: None,
        }
    }

    #[test]
    fn on_a_terminal_the_table_is_redrawn_over_itself_with_the_news_below() {
        let job = running();
        let mut screen = screen(Style::Redraw, &job);
        let until = OffsetDateTime::now_utc();
        screen.show(&WatchEvent::Sleeping { until });
        let waiting = String::from_utf8(std::mem::take(&mut screen.out)).unwrap();
        // Up over the four lines `jobs` printed (two headers, the plan, its
        // job), cleared, drawn again.
        assert!(waiting.starts_with("\u{1b}[4A\u{1b}[J"), "{waiting:?}");
        assert!(waiting.contains(" started "), "{waiting}");
        assert!(waiting.contains("in progress"), "{waiting}");
        assert!(waiting.ends_with("(Ctrl-C to stop)\n"), "{waiting}");
        assert_eq!(screen.drawn, 5);

        let done = finished(&job);
        screen.show(&WatchEvent::Polled {
            job: &done,
            before: JobStatus::InProgress,
        });
        let redrawn = String::from_utf8(std::mem::take(&mut screen.out)).unwrap();
        assert!(redrawn.starts_with("\u{1b}[5A\u{1b}[J"), "{redrawn:?}");
        // The job is ready, and so its plan, whose only job it is.
        let ready: Vec<&str> = redrawn.lines().filter(|l| l.contains(" ready ")).collect();
        assert_eq!(ready.len(), 2, "{redrawn}");
        assert!(
            ready[0].starts_with("P1 ") && ready[0].contains(" 1/1 "),
            "{redrawn}"
        );
        assert!(ready[1].starts_with("  └ JOB1 "), "{redrawn}");
        assert!(
            redrawn.ends_with(
                "job JOB1 (archive retrieval in vault photos) is ready: download it with 'defrost download JOB1 --vault photos --to DIR'\n"
            ),
            "{redrawn}"
        );
        assert_eq!(screen.drawn, 5);
        assert!(screen.failure.is_none());
    }

    #[test]
    fn long_lines_count_the_rows_they_wrap_onto() {
        let text = format!("{}\nshort\n\n", "x".repeat(25));
        assert_eq!(rows_on_screen(text.as_bytes(), Some(10)), 3 + 1 + 1);
        assert_eq!(rows_on_screen(text.as_bytes(), Some(25)), 1 + 1 + 1);
        assert_eq!(rows_on_screen(text.as_bytes(), None), 3);
    }

    #[test]
    fn off_a_terminal_only_changes_are_written_one_line_each() {
        let job = running();
        let mut screen = screen(Style::Lines, &job);
        screen.show(&WatchEvent::Sleeping {
            until: OffsetDateTime::now_utc(),
        });
        screen.show(&WatchEvent::Polled {
            job: &job,
            before: JobStatus::InProgress,
        });
        assert!(screen.out.is_empty(), "no change, nothing written");
        let mut failed = job.clone();
        failed.status = JobStatus::Failed;
        failed.status_message = Some("tape\u{1b}[31m eaten".into());
        screen.show(&WatchEvent::Polled {
            job: &failed,
            before: JobStatus::InProgress,
        });
        let text = String::from_utf8(screen.out).unwrap();
        assert!(
            text.starts_with("job JOB1 (archive retrieval in vault photos) failed: tape"),
            "{text}"
        );
        assert!(text.ends_with(" eaten\n"), "{text}");
        assert_eq!(text.lines().count(), 1, "{text}");
        assert!(
            !text.contains('\u{1b}'),
            "the server's escape is not passed on"
        );
    }
}
