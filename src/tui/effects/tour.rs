//! What the demo's tour asks of the world: its place saved in the demo's
//! folder, and, through [`DemoControls`], the demo's sandbox changed (capacity
//! for Expedited, a flipped byte to catch). The screen knows the sandbox only
//! through this trait, which the demo implements where it starts the sandbox.

use std::io::Write as _;
use std::path::Path;

use crate::tui::tour::{Progress, TourCmd};

/// The demo's sandbox, as far as the tour may change it.
pub trait DemoControls: Send + Sync {
    /// Gives the account capacity for Expedited jobs, as buying a provisioned
    /// capacity unit does; nothing when it has some.
    fn provide_expedited_capacity(&self) -> Result<(), String>;
    /// From now on, one byte of every output of these jobs comes flipped, as
    /// a faulty disk or network would deliver it, until taken back.
    fn corrupt_output(&self, job_ids: &[String]) -> Result<(), String>;
    /// Takes back the corruption asked for; other faults stay.
    fn uncorrupt(&self) -> Result<(), String>;
}

/// Runs `cmd`; a failure is a sentence for the status bar.
pub fn run(cmd: TourCmd, demo: Option<&dyn DemoControls>) -> Result<(), String> {
    let demo = || demo.ok_or_else(|| "the tour needs the demo's sandbox".to_owned());
    match cmd {
        TourCmd::Save { path, progress } => save_progress(&path, &progress),
        TourCmd::ProvideCapacity => demo()?.provide_expedited_capacity(),
        TourCmd::Corrupt { job_ids } => demo()?.corrupt_output(&job_ids),
        TourCmd::Uncorrupt => demo()?.uncorrupt(),
    }
}

/// Writes the tour's place beside it and renames it over the old one, so a
/// crash leaves the old place or the new one, never half of either.
pub fn save_progress(path: &Path, progress: &Progress) -> Result<(), String> {
    let cannot = |err: &dyn std::fmt::Display| {
        format!(
            "cannot save the tour's place in {}: {err}",
            crate::text::printable(&path.display().to_string())
        )
    };
    let text = serde_json::to_string_pretty(progress).map_err(|err| cannot(&err))?;
    let folder = path.parent().unwrap_or(Path::new("."));
    let mut file = tempfile::NamedTempFile::new_in(folder).map_err(|err| cannot(&err))?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.as_file().sync_all())
        .map_err(|err| cannot(&err))?;
    file.persist(path).map_err(|err| cannot(&err.error))?;
    Ok(())
}

/// The tour's place saved in `path`: a missing or unreadable file is a tour
/// not yet begun, so a damaged file never stops the demo.
pub fn load_progress(path: &Path) -> Progress {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_place_is_saved_whole_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tour.json");
        assert_eq!(load_progress(&path), Progress::default());
        let progress = Progress {
            step: Some("bulk".into()),
            seen_plans: vec!["mib".into(), "tree".into()],
            ..Progress::default()
        };
        save_progress(&path, &progress).unwrap();
        assert_eq!(load_progress(&path), progress);
        std::fs::write(&path, "{ not json").unwrap();
        assert_eq!(load_progress(&path), Progress::default());
        // Nothing but the file itself is left in the folder.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
