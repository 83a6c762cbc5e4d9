//! Where defrost's log goes. The screen writes it to a file, `defrost.log` in
//! the data directory (the demo's beside the demo's data) or `--log-file`,
//! never to the terminal it draws on, at `defrost=info` unless `-v` or
//! `RUST_LOG` says otherwise. Every other command logs only when asked: to
//! standard error with `-v` (info), `-vv` (debug), `-vvv` (trace) or
//! `RUST_LOG`, or to `--log-file`.

use std::fs::File;
use std::io::IsTerminal;
use std::path::Path;
use std::sync::Mutex;

use tracing_subscriber::EnvFilter;

use crate::cli::{Cli, Command, GlobalOpts};
use crate::commands::BadInput;
use crate::confined::{Access, ConfinedDir, ConfinedError};
use crate::text::printable;
use crate::tui::config::colors_allowed;

/// The screen's log, in the data directory.
pub const LOG_FILE: &str = "defrost.log";

/// A log bigger than this when defrost starts is moved aside to `NAME.1`
/// (replacing the one before), so the two never take much more than twice it.
pub const ROTATE_OVER: u64 = 4 * 1024 * 1024;

/// Where log lines are written.
#[derive(Debug)]
pub enum Sink {
    /// Standard error, coloured when `ansi`.
    Stderr {
        ansi: bool,
    },
    File(File),
}

/// Sets up the log of the command `cli` runs, before it runs. Nothing is set
/// up for a command that was not asked to log; `defrost sandbox` then sets up
/// its own.
pub fn start(cli: &Cli) -> Result<(), BadInput> {
    let global = &cli.global;
    let rust_log = std::env::var("RUST_LOG")
        .ok()
        .filter(|text| !text.trim().is_empty());
    let screen = match &cli.command {
        None => Some(None),
        Some(Command::Demo(_)) => Some(Some("demo")),
        Some(_) => None,
    };
    let asked = global.verbose > 0 || rust_log.is_some() || global.log_file.is_some();
    if screen.is_none() && !asked {
        return Ok(());
    }
    // Checked before any file is made, so a mistake in it leaves nothing behind.
    let filter = filter(global.verbose, rust_log.as_deref())?;
    let sink = match (&global.log_file, screen) {
        (Some(path), _) => Sink::File(open_chosen(path)?),
        (None, Some(subfolder)) => match screen_log(global, subfolder)? {
            Some(file) => Sink::File(file),
            None => return Ok(()),
        },
        (None, None) => Sink::Stderr {
            ansi: std::io::stderr().is_terminal()
                && colors_allowed(std::env::var_os("NO_COLOR").as_deref()),
        },
    };
    // The binary sets no other subscriber first; if one were set, it would keep
    // the log, which is no reason to stop.
    let _ = tracing::subscriber::set_global_default(subscriber(filter, sink));
    let args: Vec<String> = std::env::args().skip(1).collect();
    tracing::info!(?args, "defrost {} started", env!("CARGO_PKG_VERSION"));
    Ok(())
}

/// What is logged: `RUST_LOG`'s directives when it is set; otherwise defrost's
/// own lines at the level `-v` gives (info when none is given).
pub fn filter(verbosity: u8, rust_log: Option<&str>) -> Result<EnvFilter, BadInput> {
    if let Some(directives) = rust_log {
        return EnvFilter::builder().parse(directives).map_err(|err| {
            BadInput(format!(
                "RUST_LOG={}: {err}; write a level such as debug, or directives such as defrost=debug,aws_config=warn",
                printable(directives)
            ))
        });
    }
    let level = match verbosity {
        0 | 1 => "info",
        2 => "debug",
        _ => "trace",
    };
    Ok(EnvFilter::new(format!("defrost={level}")))
}

/// A subscriber writing what `filter` lets through to `sink`. Made apart from
/// installing it, so that tests can use it for a scope.
pub fn subscriber(filter: EnvFilter, sink: Sink) -> Box<dyn tracing::Subscriber + Send + Sync> {
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    match sink {
        Sink::Stderr { ansi } => Box::new(
            builder
                .with_writer(std::io::stderr)
                .with_ansi(ansi)
                .finish(),
        ),
        // One line per write, appended, so processes sharing the file do not
        // cut into each other's lines.
        Sink::File(file) => Box::new(
            builder
                .with_writer(Mutex::new(file))
                .with_ansi(false)
                .finish(),
        ),
    }
}

/// Opens the log `name` in `folder` to append to, never through a link. A log
/// over [`ROTATE_OVER`] is first moved aside to `NAME.1`.
pub fn open_log(folder: &ConfinedDir, name: &str) -> Result<File, ConfinedError> {
    // Made if missing, never emptied; opened only to see its size.
    let existing = folder.open_file(name, Access::ReadWrite)?;
    let size = existing
        .metadata()
        .map_err(|source| ConfinedError::Io {
            action: "look at",
            path: folder.shown_child(name),
            source,
        })?
        .len();
    drop(existing);
    if size > ROTATE_OVER {
        folder.rename(name, &format!("{name}.1"), true)?;
        folder.open_file(name, Access::ReadWrite)?;
    }
    folder.open_file(name, Access::Append)
}

/// The file `--log-file` names: its folder as the user wrote it, the file
/// itself never through a link. Anything that keeps it from being a log is the
/// option's mistake.
fn open_chosen(path: &Path) -> Result<File, BadInput> {
    let shown = printable(&path.display().to_string());
    let refused = |problem: String| BadInput(format!("--log-file {shown}: {problem}"));
    let name = path
        .file_name()
        .and_then(|name| name.to_str())
        .ok_or_else(|| {
            refused("not a file name; give the path of a file to write the log to".into())
        })?;
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let opened = ConfinedDir::open(folder).and_then(|folder| open_log(&folder, name));
    opened.map_err(|err| match err {
        // These say the fix themselves.
        ConfinedError::Link { .. } | ConfinedError::NotAFile { .. } => refused(err.to_string()),
        other => refused(format!(
            "{other}; give a file in a folder that exists and that you may write to"
        )),
    })
}

/// The screen's own log in the data directory (or its `subfolder`), when it
/// can be written there. A data directory defrost may not write still opens
/// the screen, without a log; a link or a folder in the log's place is refused.
fn screen_log(global: &GlobalOpts, subfolder: Option<&str>) -> Result<Option<File>, BadInput> {
    // Without a terminal the screen refuses to start, and leaves nothing behind.
    if !(std::io::stdin().is_terminal() && std::io::stdout().is_terminal()) {
        return Ok(None);
    }
    // A data directory that cannot be used is said by the command itself.
    let Ok(data_dir) = global.resolved_data_dir() else {
        return Ok(None);
    };
    if std::fs::create_dir_all(&data_dir).is_err() {
        return Ok(None);
    }
    let opened = ConfinedDir::open(&data_dir)
        .and_then(|dir| dir.subfolder(subfolder, true))
        .and_then(|dir| open_log(&dir, LOG_FILE));
    match opened {
        Ok(file) => Ok(Some(file)),
        Err(ConfinedError::Io { .. }) => Ok(None),
        Err(err) => Err(BadInput(format!(
            "the screen's log, {LOG_FILE} in the data directory: {err}"
        ))),
    }
}

#[cfg(test)]
#[path = "logging_tests.rs"]
mod tests;
