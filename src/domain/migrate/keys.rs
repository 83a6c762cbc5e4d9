//! The S3 key of each archive of a migration: its safe decoded path under a
//! prefix, `no-name/ID` when it has no usable name, a key from the user's names
//! file when one is given, and a stable suffix when two archives would share one.
//!
//! The suffix rule is the restore's (see `names::restore_candidates`): the first
//! archive of the batch to want a key keeps it, and each later one takes the
//! first of ` (archive ID8)`, ` (archive ID16)`, ` (archive FULL-ID)` before its
//! extension that no archive of the batch owns. Keys depend only on the batch's
//! archives and their order, so an interrupted migration finds the same keys
//! when it resumes, and a migrated object has the name its restore would have.

use std::collections::HashSet;

use super::names_file::NameOverrides;
use crate::domain::names::{SafeRelativePath, decode, restore_candidates};

/// S3's longest key, in bytes of UTF-8.
pub const MAX_KEY_BYTES: usize = 1024;

/// The longest prefix: with it, a no-name key (`no-name/` and an id of up to 255
/// bytes) and any restored file name (at most 255 bytes) still fit in a key.
pub const MAX_PREFIX_BYTES: usize = 512;

/// The folder under which archives without a usable name are put, by their id.
pub const NO_NAME_FOLDER: &str = "no-name";

/// Why a key cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyProblem {
    #[error("the key is empty")]
    Empty,
    #[error("the key is {bytes} bytes long, more than S3's {MAX_KEY_BYTES}")]
    TooLong { bytes: usize },
    #[error("the key holds a control character (U+{code:04X}), which S3 keys should not")]
    ControlCharacter { code: u32 },
}

/// Whether S3 takes `key` and it stays one visible line: not empty, at most
/// [`MAX_KEY_BYTES`] bytes, and no control character (S3 accepts some, but they
/// break listings, manifests and the XML of its own answers).
pub fn check_key(key: &str) -> Result<(), KeyProblem> {
    if key.is_empty() {
        return Err(KeyProblem::Empty);
    }
    if key.len() > MAX_KEY_BYTES {
        return Err(KeyProblem::TooLong { bytes: key.len() });
    }
    match key.chars().find(|c| c.is_control()) {
        Some(c) => Err(KeyProblem::ControlCharacter { code: u32::from(c) }),
        None => Ok(()),
    }
}

/// A prefix that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrefixError {
    #[error(
        "the prefix is {bytes} bytes long; give a prefix of at most {MAX_PREFIX_BYTES} bytes, so that every key fits in S3's {MAX_KEY_BYTES}"
    )]
    TooLong { bytes: usize },
    #[error(
        "the prefix holds a control character (U+{code:04X}); give a prefix of visible characters"
    )]
    ControlCharacter { code: u32 },
}

/// The "folder" objects go under: empty, or text ending in one `/`. `backup`
/// and `/backup/` both mean `backup/`, as a folder would.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct KeyPrefix(String);

impl KeyPrefix {
    pub fn new(text: &str) -> Result<Self, PrefixError> {
        if let Some(c) = text.chars().find(|c| c.is_control()) {
            return Err(PrefixError::ControlCharacter { code: u32::from(c) });
        }
        let trimmed = text.trim_matches('/');
        let prefix = if trimmed.is_empty() {
            String::new()
        } else {
            format!("{trimmed}/")
        };
        if prefix.len() > MAX_PREFIX_BYTES {
            return Err(PrefixError::TooLong {
                bytes: prefix.len(),
            });
        }
        Ok(Self(prefix))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One archive of a migration, in the batch's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeySource<'a> {
    pub archive_id: &'a str,
    /// The archive's description as the inventory holds it.
    pub description: &'a str,
}

/// How an archive's key was chosen, for the summary and the manifest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyOrigin {
    /// The archive's safe decoded path under the prefix.
    Named,
    /// `no-name/ID` under the prefix: the description names no usable file.
    NoName,
    /// The archive's own key belonged to an earlier archive of the batch, so it
    /// carries ` (archive ID…)` before its extension.
    Suffixed,
    /// Given in the names file, used as it is (not under the prefix).
    Given,
}

/// The key of one archive, in the order of the batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedKey {
    pub key: String,
    pub origin: KeyOrigin,
}

/// The keys of a batch's archives, one for each, all different. Keys from the
/// names file win; every other archive's key is under `prefix`.
pub fn plan_keys(
    prefix: &KeyPrefix,
    archives: &[KeySource<'_>],
    given: &NameOverrides,
) -> Vec<PlannedKey> {
    let wanted: Vec<Wanted> = archives
        .iter()
        .map(|archive| wanted_key(prefix, archive, given))
        .collect();
    // Every key some archive asks for first is held back from the others'
    // suffixed candidates, so that no archive's own name is taken from it.
    let mut taken: HashSet<String> = wanted
        .iter()
        .map(|wanted| wanted.candidates[0].clone())
        .collect();
    // Keys from the names file are the user's word: they are handed out first,
    // whatever comes before them in the batch.
    let mut given_out: HashSet<String> = wanted
        .iter()
        .filter(|wanted| wanted.origin == KeyOrigin::Given)
        .map(|wanted| wanted.candidates[0].clone())
        .collect();
    wanted
        .into_iter()
        .map(|wanted| {
            let own = &wanted.candidates[0];
            if wanted.origin == KeyOrigin::Given || given_out.insert(own.clone()) {
                return PlannedKey {
                    key: own.clone(),
                    origin: wanted.origin,
                };
            }
            let key = wanted.candidates[1..]
                .iter()
                .find(|candidate| !taken.contains(*candidate))
                .cloned()
                .unwrap_or_else(|| last_resort(&wanted.candidates, &taken));
            taken.insert(key.clone());
            given_out.insert(key.clone());
            PlannedKey {
                key,
                origin: KeyOrigin::Suffixed,
            }
        })
        .collect()
}

/// The keys one archive may have, best first, and how the first was chosen.
struct Wanted {
    /// Never empty.
    candidates: Vec<String>,
    origin: KeyOrigin,
}

fn wanted_key(prefix: &KeyPrefix, archive: &KeySource<'_>, given: &NameOverrides) -> Wanted {
    if let Some(key) = given.key_for(archive.archive_id) {
        // Keys of the names file are unique there (it is checked when read), and
        // an archive is in a batch once.
        return Wanted {
            candidates: vec![key.to_owned()],
            origin: KeyOrigin::Given,
        };
    }
    let (path, origin) = match usable_path(archive.description) {
        Some(path) => (path, KeyOrigin::Named),
        None => {
            let id = SafeRelativePath::new(archive.archive_id, "unnamed");
            let path = SafeRelativePath::new(&format!("{NO_NAME_FOLDER}/{id}"), "unnamed");
            (path, KeyOrigin::NoName)
        }
    };
    let candidates = restore_candidates(&path, archive.archive_id)
        .iter()
        .map(|candidate| key_under(prefix, candidate))
        .collect();
    Wanted { candidates, origin }
}

/// The archive's safe decoded path, or `None` when its description names no file
/// or nothing of the name is left once made safe. `SafeRelativePath` falls back
/// to a name given for that case, so two different fallbacks tell it apart.
fn usable_path(description: &str) -> Option<SafeRelativePath> {
    let name = decode(description).name?;
    let path = SafeRelativePath::new(&name, "a");
    (path == SafeRelativePath::new(&name, "b")).then_some(path)
}

/// `prefix` + `path`; leading folders of the path give way while the key is too
/// long, as they do in a safe path. The file name alone always fits, since the
/// prefix is at most [`MAX_PREFIX_BYTES`] and a restored name at most 255 bytes.
fn key_under(prefix: &KeyPrefix, path: &SafeRelativePath) -> String {
    let mut rest = path.as_str();
    while prefix.as_str().len() + rest.len() > MAX_KEY_BYTES {
        match rest.split_once('/') {
            Some((_, shorter)) => rest = shorter,
            None => break,
        }
    }
    format!("{}{rest}", prefix.as_str())
}

/// When every candidate is owned (only when archives are named after each
/// other's suffixed keys): the last candidate with ` (2)`, ` (3)`… after it.
fn last_resort(candidates: &[String], taken: &HashSet<String>) -> String {
    let last = candidates.last().map(String::as_str).unwrap_or_default();
    (2u64..)
        .map(|number| format!("{last} ({number})"))
        .find(|key| !taken.contains(key))
        .unwrap_or_else(|| last.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(prefix: &str, archives: &[(&str, &str)]) -> Vec<String> {
        let sources: Vec<KeySource<'_>> = archives
            .iter()
            .map(|(archive_id, description)| KeySource {
                archive_id,
                description,
            })
            .collect();
        plan_keys(
            &KeyPrefix::new(prefix).unwrap(),
            &sources,
            &NameOverrides::default(),
        )
        .into_iter()
        .map(|planned| planned.key)
        .collect()
    }

    #[test]
    fn a_named_archive_goes_under_the_prefix_by_its_safe_path() {
        assert_eq!(
            keys("vault-copy", &[("ID1", "photos/2019/IMG 1.jpg")]),
            ["vault-copy/photos/2019/IMG 1.jpg"]
        );
        assert_eq!(keys("", &[("ID1", "../../etc/passwd")]), ["etc/passwd"]);
        assert_eq!(keys("/a/b/", &[("ID1", "x.txt")]), ["a/b/x.txt"]);
    }

    #[test]
    fn an_archive_without_a_name_goes_under_no_name_by_its_id() {
        assert_eq!(
            keys("p", &[("AbC-d_e", ""), ("XyZ", "   "), ("Q", "..")]),
            ["p/no-name/AbC-d_e", "p/no-name/XyZ", "p/no-name/Q"]
        );
    }

    #[test]
    fn later_duplicates_get_the_archive_id_before_the_extension() {
        let got = keys(
            "",
            &[
                ("AAAAAAAAone", "a/photo.jpg"),
                ("BBBBBBBBtwo", "a/photo.jpg"),
                ("CCCCCCCCthree", "a/photo.jpg"),
            ],
        );
        assert_eq!(
            got,
            [
                "a/photo.jpg",
                "a/photo (archive BBBBBBBB).jpg",
                "a/photo (archive CCCCCCCC).jpg",
            ]
        );
    }

    #[test]
    fn a_suffixed_key_never_takes_another_archives_own_name() {
        let got = keys(
            "",
            &[
                ("AAAAAAAA1", "x.txt"),
                ("BBBBBBBB2", "x.txt"),
                ("CCCCCCCC3", "x (archive BBBBBBBB).txt"),
            ],
        );
        assert_eq!(
            got,
            [
                "x.txt",
                "x (archive BBBBBBBB2).txt",
                "x (archive BBBBBBBB).txt"
            ]
        );
    }

    #[test]
    fn keys_are_checked_for_length_and_controls() {
        assert_eq!(check_key(""), Err(KeyProblem::Empty));
        assert_eq!(check_key(&"k".repeat(1024)), Ok(()));
        assert_eq!(
            check_key(&"é".repeat(513)),
            Err(KeyProblem::TooLong { bytes: 1026 })
        );
        assert_eq!(
            check_key("a\u{7f}b"),
            Err(KeyProblem::ControlCharacter { code: 0x7f })
        );
        assert_eq!(check_key("日本/ファイル (1).txt"), Ok(()));
    }

    #[test]
    fn a_prefix_is_a_folder_of_bounded_length() {
        assert_eq!(KeyPrefix::new("").unwrap().as_str(), "");
        assert_eq!(KeyPrefix::new("//").unwrap().as_str(), "");
        assert_eq!(KeyPrefix::new("a/b").unwrap().as_str(), "a/b/");
        assert!(matches!(
            KeyPrefix::new(&"p".repeat(600)),
            Err(PrefixError::TooLong { .. })
        ));
        assert!(matches!(
            KeyPrefix::new("a\nb"),
            Err(PrefixError::ControlCharacter { code: 10 })
        ));
    }

    #[test]
    fn a_long_path_keeps_its_file_name_within_the_key_limit() {
        let deep = format!("{}/name.bin", ["folder"; 140].join("/"));
        let prefix = "p".repeat(MAX_PREFIX_BYTES - 1);
        let got = keys(&prefix, &[("ID", &deep)]);
        assert!(got[0].len() <= MAX_KEY_BYTES, "{}", got[0].len());
        assert!(got[0].ends_with("/folder/name.bin"));
        assert!(got[0].starts_with(&prefix));
    }
}
