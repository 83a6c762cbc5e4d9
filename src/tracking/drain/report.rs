//! The report of a vault's deletions: every archive a drain asked Glacier to
//! delete, when, on what proof, and what Glacier answered, as a CSV file in the
//! data directory. The journal is what counts; the report is written again from
//! it after every run (to a new file, then renamed over the old one), so a run
//! that was killed leaves the last whole report, and the next one adds to it.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::DrainError;
use crate::store::{DeletionProof, Store, VaultKey};

/// Where the report of `vault`'s deletions goes inside `data_dir`.
pub fn report_path(data_dir: &Path, vault: &VaultKey) -> PathBuf {
    let file = format!(
        "{}-{}-{}.csv",
        safe(&vault.account),
        safe(&vault.region),
        safe(&vault.name)
    );
    data_dir.join("deletions").join(file)
}

/// Vault names hold `[A-Za-z0-9_.-]` only; anything else becomes `_`, so a
/// name never leaves the folder.
fn safe(part: &str) -> String {
    let cleaned: String = part
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if cleaned.trim_matches('.').is_empty() {
        "_".to_owned()
    } else {
        cleaned
    }
}

/// Writes the report of `vault`'s deletions; its path.
pub fn write_report(store: &Store, vault: &VaultKey) -> Result<PathBuf, DrainError> {
    let path = report_path(store.data_dir(), vault);
    let failed = |source: std::io::Error| DrainError::Report {
        path: path.clone(),
        source,
    };
    let folder = path.parent().unwrap_or(store.data_dir());
    std::fs::create_dir_all(folder).map_err(failed)?;
    let mut file = tempfile::NamedTempFile::new_in(folder).map_err(failed)?;
    {
        let mut out = csv::Writer::from_writer(file.as_file_mut());
        let header = [
            "archive_id",
            "size",
            "created",
            "proof",
            "proof_detail",
            "asked_at",
            "done_at",
            "outcome",
        ];
        out.write_record(header).map_err(|err| failed(err.into()))?;
        for deletion in store.deletions(vault)? {
            let (kind, detail) = match &deletion.proof {
                DeletionProof::Downloaded { path } => ("downloaded", path.as_str()),
                DeletionProof::Copied { object } => ("copied", object.as_str()),
                DeletionProof::None => ("none", ""),
            };
            let (done_at, outcome) = deletion
                .done
                .as_ref()
                .map_or(("", ""), |(at, outcome)| (at.as_str(), outcome.as_str()));
            let size = deletion.size.to_string();
            let row = [
                deletion.archive_id.as_str(),
                size.as_str(),
                deletion.created.as_deref().unwrap_or(""),
                kind,
                detail,
                deletion.asked_at.as_str(),
                done_at,
                outcome,
            ];
            out.write_record(row).map_err(|err| failed(err.into()))?;
        }
        out.flush().map_err(failed)?;
    }
    file.as_file_mut().flush().map_err(failed)?;
    file.as_file().sync_all().map_err(failed)?;
    file.persist(&path).map_err(|err| failed(err.error))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vault_name_never_leaves_the_deletions_folder() {
        let vault = VaultKey {
            account: "-".into(),
            region: "us-east-1".into(),
            name: "../../etc/passwd".into(),
        };
        let path = report_path(Path::new("/data"), &vault);
        assert_eq!(
            path,
            Path::new("/data/deletions/--us-east-1-.._.._etc_passwd.csv")
        );
        assert_eq!(safe(".."), "_");
    }
}
