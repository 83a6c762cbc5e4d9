//! Descriptions written the way each backup tool writes them, from any name, and
//! the round trip: whatever name a tool encodes, `decode` gives it back.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};
use defrost::domain::names::{Format, decode};
use defrost::sandbox::seed::describe::utf7;
use serde_json::json;

use crate::corpus::{NAMES, long_names};
use crate::engine::{Pool, Rng, Target, Verdict, fields, join, text};
use crate::mutate::field_mutant;

/// How many encodings [`encode`] knows.
pub const ENCODINGS: usize = 9;

/// The description encoding `which` gives `name` modified at `mtime` (compact UTC).
pub fn encode(which: usize, name: &str, mtime: &str) -> String {
    let file_json = json!({"filename": name, "mtime": mtime}).to_string();
    match which % ENCODINGS {
        0 => format!("mt2 {}", URL_SAFE_NO_PAD.encode(&file_json)),
        1 => format!(
            "mt2 {}",
            URL_SAFE.encode(json!({"mtime": mtime, "filename": name, "x": [1]}).to_string())
        ),
        2 => {
            let twice: String = file_json.bytes().map(char::from).collect();
            format!("mt1 {}", URL_SAFE_NO_PAD.encode(twice))
        }
        3 => format!(
            "<m>\n  <v>4</v>\n  <p>{}</p>\n  <lm>{mtime}</lm>\n  <ce>1:1:ab:5</ce>\n</m>",
            STANDARD.encode(name)
        ),
        4 => format!("<m><v>2</v><p>{}</p></m>", STANDARD.encode(name)),
        5 => format!(
            "<ArchiveMetadata><Path>{}</Path></ArchiveMetadata>",
            STANDARD.encode(name)
        ),
        6 => json!({"Path": utf7(name), "UTCDateModified": mtime, "Flags": 0}).to_string(),
        7 => json!({"path": name, "type": "file"}).to_string(),
        _ => name.to_owned(),
    }
}

/// The format each encoding decodes as; `None` for raw text, which may look like
/// any format.
fn format_of(which: usize) -> Option<Format> {
    match which % ENCODINGS {
        0 | 1 => Some(Format::Mt2),
        2 => Some(Format::Mt1),
        3 => Some(Format::FastGlacier(4)),
        4 => Some(Format::FastGlacier(2)),
        5 => Some(Format::FastGlacier(1)),
        6 => Some(Format::CloudBerry),
        7 => Some(Format::Qnap),
        _ => None,
    }
}

/// Input: the encoding's number, the name and the modification time, as fields.
pub struct DescriptionFormats;

impl Target for DescriptionFormats {
    fn name(&self) -> &'static str {
        "description_formats"
    }

    fn corpus(&self) -> Vec<Vec<u8>> {
        let names = NAMES
            .iter()
            .map(|name| (*name).to_owned())
            .chain(long_names());
        names
            .enumerate()
            .map(|(at, name)| {
                let which = (at % ENCODINGS).to_string();
                join(&[which.as_bytes(), name.as_bytes(), b"20121217T214008Z"])
            })
            .collect()
    }

    fn generate(&self, rng: &mut Rng, pool: &Pool) -> Vec<u8> {
        field_mutant(rng, pool, &[], 4096)
    }

    fn check(&self, input: &[u8]) -> Verdict {
        let parts = fields(input);
        let which = parts[0].iter().map(|&b| usize::from(b)).sum::<usize>();
        let name = text(parts.get(1).copied().unwrap_or_default());
        let mtime = text(parts.get(2).copied().unwrap_or_default());
        let description = encode(which, &name, &mtime);
        let decoded = decode(&description);
        // A `<` in FastGlacier's time breaks its markup, so the description is
        // rightly something else.
        let broken = which % ENCODINGS == 3 && mtime.contains('<');
        let Some(format) = format_of(which).filter(|_| !broken) else {
            if decoded.format == Format::Raw && !broken {
                assert_eq!(decoded.name.as_deref(), Some(&*name));
            }
            return Verdict::rejected(decoded.format.to_string());
        };
        assert_eq!(
            decoded.format, format,
            "{description:?} decoded as another format"
        );
        let expected = (!name.is_empty()).then(|| name.to_string());
        assert_eq!(decoded.name, expected, "{description:?} gave another name");
        if name.ends_with(['/', '\\']) {
            assert!(decoded.is_folder, "{description:?} names a folder");
        }
        if matches!(which % ENCODINGS, 0..=3 | 6) && is_compact_time(&mtime) {
            assert!(decoded.modified.is_some(), "{description:?} lost its time");
        }
        Verdict::accepted((format.to_string(), decoded.modified.is_some()))
    }
}

/// `YYYYMMDDTHHMMSSZ` with a real date (a 60th second allowed), the one form the
/// decoders read a time in.
fn is_compact_time(text: &str) -> bool {
    let bytes = text.trim().as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        bytes[range].iter().try_fold(0u32, |value, &b| {
            b.is_ascii_digit().then(|| value * 10 + u32::from(b - b'0'))
        })
    };
    if bytes.len() != 16 || bytes[8] != b'T' || bytes[15] != b'Z' {
        return false;
    }
    let parts = [0..4, 4..6, 6..8, 9..11, 11..13, 13..15].map(digits);
    let [
        Some(year),
        Some(month),
        Some(day),
        Some(hour),
        Some(minute),
        Some(second),
    ] = parts
    else {
        return false;
    };
    let date = time::Month::try_from(month as u8)
        .ok()
        .and_then(|month| time::Date::from_calendar_date(year as i32, month, day as u8).ok());
    date.is_some() && hour < 24 && minute < 60 && second <= 60
}
