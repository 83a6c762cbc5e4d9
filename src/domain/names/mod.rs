//! Archive descriptions: finding the file name that a backup tool encoded in one,
//! and making any name safe to show on a terminal and to restore a file to.

mod compact_time;
mod display;
mod duplicates;
mod fast_glacier;
mod flat_json;
mod json_path;
mod mt;
mod safe_path;
#[cfg(test)]
mod tests;
mod utf7;

use std::fmt;

use time::OffsetDateTime;

pub use display::display_form;
pub use duplicates::{MAX_RESTORED_NAME_BYTES, disambiguate, range_candidates, restore_candidates};
pub use safe_path::{MAX_COMPONENT_BYTES, MAX_PATH_BYTES, SafeRelativePath};

/// Which tool wrote a description, as a badge for listings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// mt-aws-glacier's current format.
    Mt2,
    /// mt-aws-glacier 0.80 to 0.84, with the JSON UTF-8 encoded twice.
    Mt1,
    /// The description mt-aws-glacier gives its inventory jobs; names no file.
    MtInventoryJob,
    /// FastGlacier (and QNAP Hybrid Backup Sync, CrushFTP), with the metadata
    /// version: 1 for `<ArchiveMetadata>`, 2 to 4 for `<m>`.
    FastGlacier(u8),
    CloudBerry,
    /// Older QNAP JSON with `path`.
    Qnap,
    /// Plain text: the description is the name (glacier-cli, the aws CLI, scripts).
    Raw,
    /// No description, so no name; show the archive id instead.
    Empty,
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Format::Mt2 => f.write_str("mt2"),
            Format::Mt1 => f.write_str("mt1"),
            Format::MtInventoryJob => f.write_str("mt job"),
            Format::FastGlacier(version) => write!(f, "FastGlacier v{version}"),
            Format::CloudBerry => f.write_str("CloudBerry"),
            Format::Qnap => f.write_str("QNAP"),
            Format::Raw => f.write_str("raw"),
            Format::Empty => f.write_str("empty"),
        }
    }
}

/// What a description says about its archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedDescription {
    pub format: Format,
    /// The name as the tool wrote it, usually a relative path. Untrusted: it may
    /// hold `..`, absolute paths, control characters and escape sequences, so show
    /// it with [`DecodedDescription::display_name`] and restore to
    /// [`DecodedDescription::safe_path`]. `None` when the description names no file.
    pub name: Option<String>,
    /// The file's modification time, in UTC, when the format records one.
    pub modified: Option<OffsetDateTime>,
    /// A folder marker (a tiny archive standing for a folder): the name ends in `/`
    /// or `\`, or the format says so.
    pub is_folder: bool,
}

impl DecodedDescription {
    /// The name made safe to print, or `fallback` (the archive id) made safe when
    /// no visible name is left.
    pub fn display_name(&self, fallback: &str) -> String {
        self.shown_name().unwrap_or_else(|| display_form(fallback))
    }

    /// The name made safe to print, when any visible name is left of it.
    pub fn shown_name(&self) -> Option<String> {
        self.name
            .as_deref()
            .map(display_form)
            .filter(|shown| !shown.trim().is_empty())
    }

    /// [`DecodedDescription::shown_name`], taking the name rather than copying it
    /// when it is already safe to print (nearly always): an import calls this for
    /// every archive.
    pub fn into_shown_name(self) -> Option<String> {
        self.name
            .map(display::into_display_form)
            .filter(|shown| !shown.trim().is_empty())
    }

    /// Whether [`DecodedDescription::display_name`] shows a name of the
    /// description's own, rather than the fallback.
    pub fn has_display_name(&self) -> bool {
        self.shown_name().is_some()
    }

    /// Where to restore the archive, relative to a destination folder; `fallback`
    /// (the archive id) when nothing usable is left of the name.
    pub fn safe_path(&self, fallback: &str) -> SafeRelativePath {
        SafeRelativePath::new(self.name.as_deref().unwrap_or_default(), fallback)
    }
}

/// What a decoder found.
struct Found {
    format: Format,
    name: Option<String>,
    modified: Option<OffsetDateTime>,
    folder: bool,
}

impl Found {
    fn nameless(format: Format) -> Self {
        Self {
            format,
            name: None,
            modified: None,
            folder: false,
        }
    }
}

/// Decodes a description; never fails.
///
/// Decoders are tried in this order, and the first that succeeds wins:
/// mt-aws-glacier (`mt2`, `mt1`, `mtijob1`), FastGlacier (`<m>…</m>`,
/// `<ArchiveMetadata>`), JSON with `Path` (CloudBerry) or `path` (QNAP). Anything
/// else is the name itself (raw), and an empty or blank description has no name. A
/// description that looks like a format but does not decode is raw: one odd row
/// never fails a listing.
pub fn decode(description: &str) -> DecodedDescription {
    let found = if description.trim().is_empty() {
        Found::nameless(Format::Empty)
    } else {
        mt::decode(description)
            .or_else(|| fast_glacier::decode(description))
            .or_else(|| json_path::decode(description))
            .unwrap_or_else(|| Found {
                format: Format::Raw,
                name: Some(description.to_owned()),
                modified: None,
                folder: false,
            })
    };
    let ends_in_separator = found.format != Format::Raw
        && found
            .name
            .as_deref()
            .is_some_and(|name| name.ends_with(['/', '\\']));
    DecodedDescription {
        is_folder: found.folder || ends_in_separator,
        name: found.name.filter(|name| !name.is_empty()),
        format: found.format,
        modified: found.modified,
    }
}
