//! Files a killed process left behind, told apart from files a live one is still
//! writing. A writer holds an exclusive OS lock (`flock` on Unix) on its file for
//! as long as the file is unfinished; the operating system drops the lock with the
//! process however it ends, so a file whose lock can be taken has no writer left
//! and can go, whatever its age.

use std::fs::{self, File, TryLockError};
use std::io;
use std::path::Path;
use std::time::Duration;

use tempfile::NamedTempFile;

/// Where the file system cannot lock files, a leftover is only recognised by its
/// age: far longer than any import takes.
const UNLOCKABLE_LEFTOVER_AGE: Duration = Duration::from_secs(24 * 3600);

/// How many fresh names to try when a sweep takes a new file for a leftover.
const ATTEMPTS: usize = 8;

/// Creates a file under a new name in `dir` and locks it for as long as the
/// returned handle (or the `File` it is persisted into) is open.
pub(crate) fn create_locked(dir: &Path, prefix: &str, suffix: &str) -> io::Result<NamedTempFile> {
    for _ in 0..ATTEMPTS {
        let temp = tempfile::Builder::new()
            .prefix(prefix)
            .suffix(suffix)
            .tempfile_in(dir)?;
        match temp.as_file().try_lock() {
            // Between creating and locking, a sweep in another process may have
            // taken the file for a leftover and removed it: then try another name.
            Ok(()) if same_file(temp.as_file(), temp.path()) => return Ok(temp),
            Ok(()) | Err(TryLockError::WouldBlock) => {
                // The name is the sweep's now: leave removing it to the sweep.
                let _ = temp.into_temp_path().keep();
            }
            // No locks on this file system: the age rule protects the file.
            Err(TryLockError::Error(err)) => {
                tracing::debug!(%err, path = %temp.path().display(), "cannot lock");
                return Ok(temp);
            }
        }
    }
    Err(io::Error::other(format!(
        "every new file in {} was removed as soon as it was made",
        dir.display()
    )))
}

/// Removes `path` if no process holds its lock. `still_wanted` is asked once the
/// lock is held, when no writer can change the answer any more. Best effort: a
/// file that cannot be removed now is tried again next time.
pub(crate) fn remove_if_abandoned(path: &Path, still_wanted: impl FnOnce() -> bool) {
    let Ok(file) = File::open(path) else {
        return;
    };
    let abandoned = match file.try_lock() {
        // The file may have been replaced since it was opened.
        Ok(()) => same_file(&file, path),
        Err(TryLockError::WouldBlock) => false,
        Err(TryLockError::Error(_)) => older_than(&file, UNLOCKABLE_LEFTOVER_AGE),
    };
    if abandoned && !still_wanted() {
        // Removed while the lock is held, so no writer can take the file back.
        let _ = fs::remove_file(path);
    }
}

fn older_than(file: &File, age: Duration) -> bool {
    file.metadata()
        .and_then(|meta| meta.modified())
        .ok()
        .and_then(|modified| modified.elapsed().ok())
        .is_some_and(|elapsed| elapsed >= age)
}

/// Whether `file` is still the file at `path`.
#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::symlink_metadata(path)) {
        (Ok(open), Ok(named)) => open.dev() == named.dev() && open.ino() == named.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &File, path: &Path) -> bool {
    path.exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_locked_file_stays_and_an_unlocked_one_goes() {
        let dir = tempfile::tempdir().unwrap();
        let live = create_locked(dir.path(), "snapshot-", ".partial").unwrap();
        remove_if_abandoned(live.path(), || false);
        assert!(live.path().exists());

        let left = dir.path().join("snapshot-left.partial");
        File::create(&left).unwrap();
        remove_if_abandoned(&left, || false);
        assert!(!left.exists());

        // Once its writer is gone, the file it held goes too.
        let (file, path) = live.into_parts();
        let kept = path.keep().unwrap();
        drop(file);
        remove_if_abandoned(&kept, || true);
        assert!(kept.exists(), "a file still wanted stays");
        remove_if_abandoned(&kept, || false);
        assert!(!kept.exists());
    }
}
