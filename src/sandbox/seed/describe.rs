//! Writing archive descriptions the way other Glacier tools write them, so seeded
//! vaults look like real ones: mt-aws-glacier, FastGlacier, CloudBerry, QNAP, raw.

use base64::{
    Engine,
    engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE_NO_PAD},
};
use serde::Deserialize;
use serde_json::json;
use time::{OffsetDateTime, format_description::FormatItem, macros::format_description};

/// The description formats a seed can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DescriptionFormat {
    /// mt-aws-glacier: `mt2 ` + base64url JSON.
    Mt2,
    /// mt-aws-glacier's older form: the JSON's UTF-8 encoded twice.
    Mt1,
    /// FastGlacier v4 XML-ish metadata with a base64 path.
    Fastglacier,
    /// FastGlacier v1: `<ArchiveMetadata><Path>…</Path></ArchiveMetadata>`.
    FastglacierV1,
    /// CloudBerry JSON with a UTF-7 path.
    Cloudberry,
    /// Older QNAP JSON with `path` and `type`.
    Qnap,
    /// The name itself (glacier-cli, the aws CLI, scripts); printable ASCII only.
    Raw,
    /// No description at all.
    Empty,
}

impl DescriptionFormat {
    pub const MIX: [DescriptionFormat; 8] = [
        Self::Mt2,
        Self::Mt1,
        Self::Fastglacier,
        Self::FastglacierV1,
        Self::Cloudberry,
        Self::Qnap,
        Self::Raw,
        Self::Empty,
    ];
}

const COMPACT_TIME: &[FormatItem<'static>] =
    format_description!("[year][month][day]T[hour][minute][second]Z");

fn compact_time(at: OffsetDateTime) -> String {
    at.format(COMPACT_TIME).unwrap_or_default()
}

/// The description `format` gives a file at relative `path` last modified at `mtime`.
/// Raw names that are not printable ASCII are written as mt2 instead, since Glacier
/// only stores printable ASCII descriptions.
pub fn describe(format: DescriptionFormat, path: &str, mtime: OffsetDateTime) -> String {
    let printable_ascii = path.bytes().all(|b| (0x20..=0x7e).contains(&b));
    match format {
        DescriptionFormat::Mt2 => mt2(path, mtime),
        DescriptionFormat::Mt1 => {
            let json = json!({ "filename": path, "mtime": compact_time(mtime) }).to_string();
            // Each byte of the UTF-8 text taken as a character and encoded again.
            let twice: String = json.bytes().map(char::from).collect();
            format!("mt1 {}", URL_SAFE_NO_PAD.encode(twice))
        }
        DescriptionFormat::Fastglacier => format!(
            "<m><v>4</v><p>{}</p><lm>{}</lm></m>",
            STANDARD.encode(path),
            compact_time(mtime)
        ),
        DescriptionFormat::FastglacierV1 => {
            format!(
                "<ArchiveMetadata><Path>{}</Path></ArchiveMetadata>",
                STANDARD.encode(path)
            )
        }
        DescriptionFormat::Cloudberry => {
            let modified = mtime
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default();
            json!({ "Path": utf7(path), "UTCDateModified": modified, "Flags": 0 }).to_string()
        }
        DescriptionFormat::Qnap if printable_ascii => {
            json!({ "path": path, "type": "file" }).to_string()
        }
        DescriptionFormat::Raw if printable_ascii => path.to_owned(),
        DescriptionFormat::Qnap | DescriptionFormat::Raw => mt2(path, mtime),
        DescriptionFormat::Empty => String::new(),
    }
}

fn mt2(path: &str, mtime: OffsetDateTime) -> String {
    let json = json!({ "filename": path, "mtime": compact_time(mtime) }).to_string();
    format!("mt2 {}", URL_SAFE_NO_PAD.encode(json))
}

/// UTF-7 (RFC 2152): printable ASCII stays as is (`+` becomes `+-`), anything else
/// becomes `+` and the base64 of its UTF-16 code units, ended by `-`.
pub fn utf7(text: &str) -> String {
    let mut out = String::new();
    let mut pending: Vec<u16> = Vec::new();
    let flush = |pending: &mut Vec<u16>, out: &mut String| {
        if pending.is_empty() {
            return;
        }
        let bytes: Vec<u8> = pending.iter().flat_map(|unit| unit.to_be_bytes()).collect();
        out.push('+');
        out.push_str(&STANDARD_NO_PAD.encode(bytes));
        out.push('-');
        pending.clear();
    };
    for c in text.chars() {
        if (' '..='~').contains(&c) && c != '\\' && c != '~' {
            flush(&mut pending, &mut out);
            if c == '+' {
                out.push_str("+-");
            } else {
                out.push(c);
            }
        } else {
            let mut units = [0u16; 2];
            pending.extend_from_slice(c.encode_utf16(&mut units));
        }
    }
    flush(&mut pending, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn utf7_matches_rfc_2152_examples() {
        assert_eq!(utf7("Hi Mom -\u{263A}-!"), "Hi Mom -+Jjo--!");
        assert_eq!(utf7("A+B"), "A+-B");
        assert_eq!(utf7("日本語"), "+ZeVnLIqe-");
    }

    #[test]
    fn every_description_is_printable_ascii() {
        let at = datetime!(2020-05-06 07:08:09 UTC);
        for format in DescriptionFormat::MIX {
            for path in ["photos/a b.jpg", "données/été.txt", "tab\there"] {
                let text = describe(format, path, at);
                assert!(
                    text.bytes().all(|b| (0x20..=0x7e).contains(&b)),
                    "{format:?} {path}: {text}"
                );
                assert!(text.len() <= 1024);
            }
        }
    }

    #[test]
    fn mt2_and_fastglacier_carry_the_path_and_time() {
        let at = datetime!(2020-05-06 07:08:09 UTC);
        let mt2 = describe(DescriptionFormat::Mt2, "a/b.txt", at);
        let decoded = URL_SAFE_NO_PAD
            .decode(mt2.strip_prefix("mt2 ").unwrap())
            .unwrap();
        let value: serde_json::Value = serde_json::from_slice(&decoded).unwrap();
        assert_eq!(value["filename"], "a/b.txt");
        assert_eq!(value["mtime"], "20200506T070809Z");
        assert_eq!(
            describe(DescriptionFormat::Fastglacier, "a/b.txt", at),
            "<m><v>4</v><p>YS9iLnR4dA==</p><lm>20200506T070809Z</lm></m>"
        );
    }
}
