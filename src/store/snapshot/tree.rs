//! The folder tree, read off the name order: the archives under a folder are a
//! run of consecutive names, so listing a folder reads only that run and groups
//! it by the next path segment.

use super::Snapshot;
use super::layout::shown_name;
use crate::store::error::StoreError;

/// One line of a folder listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderEntry {
    /// The path segment under the listed folder (no `/`).
    pub name: String,
    pub kind: FolderEntryKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FolderEntryKind {
    /// A subfolder, with what it holds at any depth.
    Folder { archives: u64, total_size: u128 },
    /// An archive directly in the folder.
    Archive { position: u32, size: u64 },
}

impl Snapshot {
    /// What the folder `path` holds: subfolders first appear where their names
    /// sort, each with its archive count and total size, then archives. `""` is the
    /// top; a trailing `/` is optional. Folder markers (names ending in `/`) are
    /// counted in their folder but not listed.
    pub fn folder(&self, path: &str) -> Result<Vec<FolderEntry>, StoreError> {
        let mut prefix = path.trim_start_matches('/').to_owned();
        if !prefix.is_empty() && !prefix.ends_with('/') {
            prefix.push('/');
        }
        let mut listing: Vec<FolderEntry> = Vec::new();
        self.scan_names_with_prefix(prefix.as_bytes(), |entry| {
            let rest = &entry.name[prefix.len()..];
            let (segment, deeper) = match rest.iter().position(|&b| b == b'/') {
                Some(slash) => (&rest[..slash], true),
                None => (rest, false),
            };
            if !deeper {
                if !segment.is_empty() {
                    listing.push(FolderEntry {
                        name: String::from_utf8_lossy(shown_name(segment)).into_owned(),
                        kind: FolderEntryKind::Archive {
                            position: entry.position,
                            size: entry.size,
                        },
                    });
                }
                return;
            }
            // Names under one folder are consecutive, so a folder is either the
            // last entry listed or new.
            if let Some(FolderEntry {
                name,
                kind:
                    FolderEntryKind::Folder {
                        archives,
                        total_size,
                    },
            }) = listing.last_mut()
                && name.as_bytes() == segment
            {
                *archives += 1;
                *total_size += u128::from(entry.size);
                return;
            }
            listing.push(FolderEntry {
                name: String::from_utf8_lossy(segment).into_owned(),
                kind: FolderEntryKind::Folder {
                    archives: 1,
                    total_size: u128::from(entry.size),
                },
            });
        })?;
        Ok(listing)
    }
}
