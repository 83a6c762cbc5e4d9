//! One file per name when restoring: later archives with a name already taken
//! get ` (2)`, ` (3)`… before the extension; and the names one archive may be
//! restored under when its own is taken by another archive.

use std::collections::HashSet;

use super::SafeRelativePath;
use super::safe_path::{numbered_name, suffixed_name};
use crate::domain::range::ByteRange;

/// The longest file name a restore gives: room is left beside it for
/// `NAME.part.progress-at-OFFSET.lock`, whose name must fit the same 255 bytes.
pub const MAX_RESTORED_NAME_BYTES: usize = 200;

/// The paths one archive may be restored under, best first: its own safe path,
/// then the same with ` (archive ID)` before the extension, where ID is the first
/// 8, then 16, then all of the archive id's characters. The caller takes the first
/// that no other archive holds; an archive always gets the same candidates, so the
/// choice is stable, and two archives never share the last one.
pub fn restore_candidates(path: &SafeRelativePath, archive_id: &str) -> Vec<SafeRelativePath> {
    let id: String = archive_id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .collect();
    let own = path.with_file_name(&suffixed_name(
        path.file_name(),
        "",
        MAX_RESTORED_NAME_BYTES,
    ));
    let mut candidates = vec![own];
    for length in [8, 16, usize::MAX] {
        let part: String = id.chars().take(length).collect();
        if part.is_empty() {
            break;
        }
        let suffix = format!(" (archive {part})");
        let name = suffixed_name(path.file_name(), &suffix, MAX_RESTORED_NAME_BYTES);
        let candidate = path.with_file_name(&name);
        if !candidates.contains(&candidate) {
            candidates.push(candidate);
        }
    }
    candidates
}

/// The paths a byte range of one archive may be finished under: the archive's
/// [`restore_candidates`], each with `.bytes-START-END` (the wanted range, both
/// ends included, as offsets of the archive) after its name. The name stays
/// under 255 bytes with `.part` after it: the restored name is at most
/// [`MAX_RESTORED_NAME_BYTES`], and the suffix at most 48.
pub fn range_candidates(
    path: &SafeRelativePath,
    archive_id: &str,
    want: ByteRange,
) -> Vec<SafeRelativePath> {
    restore_candidates(path, archive_id)
        .into_iter()
        .map(|candidate| {
            let name = format!(
                "{}.bytes-{}-{}",
                candidate.file_name(),
                want.start,
                want.end
            );
            candidate.with_file_name(&name)
        })
        .collect()
}

/// Gives each path (in inventory order) a name no other path has: the first of a
/// name keeps it, later ones become `photo (2).jpg`, `photo (3).jpg`, skipping any
/// name that another path already has. Names are compared ignoring case, as
/// Windows and macOS do, and a file never takes the name of a folder that another
/// path needs. The same input always gives the same output.
pub fn disambiguate(paths: &[SafeRelativePath]) -> Vec<SafeRelativePath> {
    let folders: HashSet<String> = paths.iter().flat_map(folder_keys).collect();
    let mut taken: HashSet<String> = paths.iter().map(key).collect();
    taken.extend(folders.iter().cloned());
    let mut given = HashSet::new();
    paths
        .iter()
        .map(|path| {
            let own = key(path);
            if !folders.contains(&own) && given.insert(own) {
                return path.clone();
            }
            let renamed = (2u64..)
                .map(|number| numbered(path, number))
                .find(|candidate| !taken.contains(&key(candidate)))
                .unwrap_or_else(|| path.clone());
            taken.insert(key(&renamed));
            given.insert(key(&renamed));
            renamed
        })
        .collect()
}

/// The comparison key: file systems that ignore case see these as one name.
fn key(path: &SafeRelativePath) -> String {
    path.as_str().to_lowercase()
}

/// The keys of the folders a path needs: `a`, `a/b` for `a/b/c.txt`.
fn folder_keys(path: &SafeRelativePath) -> Vec<String> {
    let text = path.as_str();
    text.match_indices('/')
        .map(|(at, _)| text[..at].to_lowercase())
        .collect()
}

/// `folder/photo (2).jpg` for `folder/photo.jpg`.
fn numbered(path: &SafeRelativePath, number: u64) -> SafeRelativePath {
    path.with_file_name(&numbered_name(path.file_name(), number))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::names::MAX_COMPONENT_BYTES;

    fn names(paths: &[&str]) -> Vec<String> {
        let paths: Vec<_> = paths
            .iter()
            .map(|p| SafeRelativePath::new(p, "x"))
            .collect();
        disambiguate(&paths)
            .iter()
            .map(|p| p.as_str().to_owned())
            .collect()
    }

    #[test]
    fn a_ranges_candidates_name_the_wanted_bytes_after_the_name_and_fit() {
        let path = SafeRelativePath::new("photos/2019/x.bin", "x");
        let want = ByteRange {
            start: 7_340_042,
            end: 9_437_174,
        };
        let got: Vec<String> = range_candidates(&path, "AbCdEfGh12345678", want)
            .iter()
            .map(|p| p.as_str().to_owned())
            .collect();
        assert_eq!(
            got,
            [
                "photos/2019/x.bin.bytes-7340042-9437174",
                "photos/2019/x (archive AbCdEfGh).bin.bytes-7340042-9437174",
                "photos/2019/x (archive AbCdEfGh12345678).bin.bytes-7340042-9437174",
            ]
        );
        let long = SafeRelativePath::new(&"n".repeat(400), "x");
        let widest = ByteRange {
            start: u64::MAX - 1,
            end: u64::MAX,
        };
        for candidate in range_candidates(&long, &"i".repeat(60), widest) {
            let with_part = format!("{}.part", candidate.file_name());
            assert!(
                with_part.len() <= MAX_COMPONENT_BYTES,
                "{}",
                with_part.len()
            );
        }
    }

    #[test]
    fn restore_candidates_add_more_of_the_archive_id_and_fit_beside_their_staging_files() {
        let path = SafeRelativePath::new("same/name.txt", "x");
        let id = "AbCdEfGh12345678-rest_of/the id";
        let got: Vec<String> = restore_candidates(&path, id)
            .iter()
            .map(|p| p.as_str().to_owned())
            .collect();
        assert_eq!(
            got,
            [
                "same/name.txt",
                "same/name (archive AbCdEfGh).txt",
                "same/name (archive AbCdEfGh12345678).txt",
                "same/name (archive AbCdEfGh12345678-rest_oftheid).txt",
            ]
        );
        let long = SafeRelativePath::new(&format!("{}.tar.gz", "n".repeat(300)), "x");
        for candidate in restore_candidates(&long, &"I".repeat(138)) {
            assert!(
                candidate.file_name().len() <= MAX_RESTORED_NAME_BYTES,
                "{candidate}"
            );
            assert!(candidate.file_name().ends_with(".tar.gz"), "{candidate}");
        }
    }

    #[test]
    fn later_duplicates_are_numbered_before_the_extension() {
        assert_eq!(
            names(&[
                "a/photo.jpg",
                "b.txt",
                "a/photo.jpg",
                "a/photo.jpg",
                "backup.tar.gz",
                "backup.tar.gz",
                ".bashrc",
                ".bashrc"
            ]),
            [
                "a/photo.jpg",
                "b.txt",
                "a/photo (2).jpg",
                "a/photo (3).jpg",
                "backup.tar.gz",
                "backup (2).tar.gz",
                ".bashrc",
                ".bashrc (2)"
            ]
        );
    }

    #[test]
    fn numbers_skip_names_already_in_use() {
        assert_eq!(
            names(&["a.txt", "a.txt", "a (2).txt"]),
            ["a.txt", "a (3).txt", "a (2).txt"]
        );
    }

    #[test]
    fn case_is_ignored() {
        assert_eq!(
            names(&["Photo.JPG", "photo.jpg"]),
            ["Photo.JPG", "photo (2).jpg"]
        );
    }

    #[test]
    fn a_file_gives_way_to_a_folder() {
        assert_eq!(names(&["a", "a/b.txt"]), ["a (2)", "a/b.txt"]);
        assert_eq!(names(&["a/b.txt", "A"]), ["a/b.txt", "A (2)"]);
    }

    #[test]
    fn long_names_stay_within_the_bound() {
        let long = "n".repeat(MAX_COMPONENT_BYTES);
        let long_extension = format!("a.{}", "e".repeat(MAX_COMPONENT_BYTES - 2));
        let renamed = names(&[&long_extension, &long_extension]);
        assert!(renamed[1].len() <= MAX_COMPONENT_BYTES);
        let renamed = names(&[&long, &long]);
        assert!(renamed[1].len() <= MAX_COMPONENT_BYTES);
        assert!(renamed[1].ends_with(" (2)"));
    }
}
