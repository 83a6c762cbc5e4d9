//! FastGlacier's metadata (also written by QNAP Hybrid Backup Sync and CrushFTP):
//! `<m><v>4</v><p>BASE64</p><lm>…</lm></m>` for v2 to v4, `<ArchiveMetadata>` for v1.

use std::collections::HashSet;

use base64::Engine;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use super::compact_time::parse_compact_utc;
use super::{Format, Found};

/// Standard base64, with or without padding.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

pub(super) fn decode(description: &str) -> Option<Found> {
    let text = description.trim();
    if let Some(inner) = element_content(text, "m") {
        let elements = children(inner)?;
        let version = child(&elements, "v")?.trim().parse().ok()?;
        Some(Found {
            format: Format::FastGlacier(version),
            name: Some(base64_text(child(&elements, "p")?)?),
            modified: child(&elements, "lm").and_then(parse_compact_utc),
            folder: false,
        })
    } else {
        let inner = element_content(text, "ArchiveMetadata")?;
        let elements = children(inner)?;
        Some(Found {
            format: Format::FastGlacier(1),
            name: Some(base64_text(child(&elements, "Path")?)?),
            modified: None,
            folder: false,
        })
    }
}

/// The text between `<name>` and `</name>` when they enclose the whole of `text`.
fn element_content<'t>(text: &'t str, name: &str) -> Option<&'t str> {
    text.strip_prefix('<')?
        .strip_prefix(name)?
        .strip_prefix('>')?
        .strip_suffix('>')?
        .strip_suffix(name)?
        .strip_suffix("</")
}

/// The `<name>text</name>` elements in `inner`, with whitespace between them;
/// `None` if anything else is there or a name repeats.
fn children(inner: &str) -> Option<Vec<(&str, &str)>> {
    let mut elements: Vec<(&str, &str)> = Vec::new();
    // A set, not a search of `elements`: searching took 12 s for a description
    // of 100,000 elements, and many minutes for the megabytes an inventory allows.
    let mut names = HashSet::new();
    let mut rest = inner.trim_start();
    while !rest.is_empty() {
        let (name, after_open) = rest.strip_prefix('<')?.split_once('>')?;
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return None;
        }
        // The text holds no `<`, so it ends at the first one, which must close.
        let (text, close) = after_open.split_at(after_open.find('<')?);
        let after = close
            .strip_prefix("</")?
            .strip_prefix(name)?
            .strip_prefix('>')?;
        if !names.insert(name) {
            return None;
        }
        elements.push((name, text));
        rest = after.trim_start();
    }
    Some(elements)
}

fn child<'t>(elements: &[(&str, &'t str)], name: &str) -> Option<&'t str> {
    elements
        .iter()
        .find(|(found, _)| *found == name)
        .map(|(_, text)| *text)
}

/// base64 of UTF-8 text.
fn base64_text(encoded: &str) -> Option<String> {
    String::from_utf8(BASE64.decode(encoded.trim()).ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_are_read_with_whitespace_between() {
        let inner = "\n  <v>4</v>\r\n\t<p>cA==</p> <ce>1:1:ab:5</ce>\n";
        assert_eq!(
            children(inner),
            Some(vec![("v", "4"), ("p", "cA=="), ("ce", "1:1:ab:5")])
        );
    }

    #[test]
    fn other_markup_is_refused() {
        for inner in [
            "<v>4</v>text",
            "<v>4</w>",
            "<v><x>4</x></v>",
            "<v a=\"1\">4</v>",
            "<v>4</v><v>3</v>",
            "<v>4",
            "<>4</>",
        ] {
            assert_eq!(children(inner), None, "{inner}");
        }
    }
}
