//! Saving the preview to a file the user named.

use std::path::PathBuf;

/// Writes the preview to a new file; an existing file is left alone. A name
/// that cannot be a new file says why and what to type instead.
pub fn save(path: PathBuf, text: &str) -> Result<PathBuf, String> {
    use std::io::{ErrorKind, Write as _};
    let shown = crate::text::printable(&path.display().to_string());
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|err| match err.kind() {
            ErrorKind::AlreadyExists if path.is_dir() => {
                format!("{shown} is a folder; type a file name inside it")
            }
            ErrorKind::AlreadyExists => format!("{shown} already exists; choose another name"),
            ErrorKind::NotFound | ErrorKind::NotADirectory => format!(
                "cannot create {shown}: its folder does not exist; type a name in an existing folder"
            ),
            ErrorKind::PermissionDenied => format!(
                "cannot create {shown}: permission denied; choose a folder you may write to"
            ),
            _ => format!("cannot create {shown}: {err}"),
        })?;
    file.write_all(text.as_bytes())
        .map_err(|err| format!("cannot write {shown}: {err}"))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::save;

    #[test]
    fn a_folder_or_a_missing_folder_says_what_to_type_instead() {
        let dir = tempfile::tempdir().unwrap();
        let folder = save(dir.path().to_path_buf(), "{}").unwrap_err();
        assert!(
            folder.ends_with("is a folder; type a file name inside it"),
            "{folder}"
        );
        let missing = save(dir.path().join("no/such/params.json"), "{}").unwrap_err();
        assert!(missing.contains("its folder does not exist"), "{missing}");
        let existing = dir.path().join("params.json");
        assert_eq!(save(existing.clone(), "{}"), Ok(existing.clone()));
        let again = save(existing, "{}").unwrap_err();
        assert!(
            again.ends_with("already exists; choose another name"),
            "{again}"
        );
    }
}
