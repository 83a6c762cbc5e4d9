//! The fast path against the general one: whatever it accepts, serde_json reads
//! the same way to the same end; and it does accept the common forms.

use proptest::prelude::*;
use serde::de::DeserializeSeed;

use super::*;
use crate::domain::inventory::Problem;
use crate::domain::inventory::json::archive::ArchiveSeed;
use crate::domain::inventory::json::source::Source;

/// The archive at the start of `bytes` as the general reader reads it.
fn general(bytes: &[u8]) -> Result<(InventoryArchive, usize), Option<Problem>> {
    let mut source = Source::new(bytes);
    let len = source.value_len().map_err(|_| None)?;
    let mut problem = None;
    let mut json = serde_json::Deserializer::from_slice(source.unread(len));
    ArchiveSeed {
        problem: &mut problem,
    }
    .deserialize(&mut json)
    .and_then(|archive| json.end().map(|()| archive))
    .map(|archive| (archive, len))
    .map_err(|_| problem)
}

/// Takes the fast path's answer if it gives one, and checks it against serde's.
fn agrees(bytes: &[u8]) -> Result<bool, TestCaseError> {
    let Some(fast) = archive(bytes) else {
        return Ok(false);
    };
    let text = String::from_utf8_lossy(bytes);
    prop_assert_eq!(Ok(fast), general(bytes), "{}", text);
    Ok(true)
}

const HASH: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// Text that needs every kind of escape, and some that needs none.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9/._ -]{0,40}",
        any::<String>(),
        "[\"\\\\/\u{0}-\u{1f}\u{7f}é€😀\u{2028}a]{0,12}",
    ]
}

/// JSON text of `text`, with each character either written as itself (where
/// JSON allows) or escaped, by the bits of `style`.
fn json_string(text: &str, style: u64) -> String {
    let mut json = String::from("\"");
    for (at, c) in text.chars().enumerate() {
        let escape = style >> (at % 64) & 1 == 1;
        match c {
            '"' => json.push_str("\\\""),
            '\\' => json.push_str("\\\\"),
            '/' if escape => json.push_str("\\/"),
            '\u{8}' if escape => json.push_str("\\b"),
            '\u{c}' if escape => json.push_str("\\f"),
            '\n' if escape => json.push_str("\\n"),
            '\r' if escape => json.push_str("\\r"),
            '\t' if escape => json.push_str("\\t"),
            c if c < ' ' || escape => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    json.push_str(&format!("\\u{unit:04X}"));
                }
            }
            c => json.push(c),
        }
    }
    json.push('"');
    json
}

/// A well-formed archive object in any key order and layout.
fn common_archive() -> impl Strategy<Value = String> {
    (
        "[A-Za-z0-9_-]{1,138}",
        text(),
        any::<u64>(),
        any::<u64>(),
        any::<bool>(),
        Just((0..5).collect::<Vec<usize>>()).prop_shuffle(),
        prop::sample::select(vec!["", " ", "\n  ", "\r\n\t"]),
    )
        .prop_map(|(id, description, size, style, upper, order, gap)| {
            let hash = if upper {
                HASH.to_uppercase()
            } else {
                HASH.into()
            };
            let members = [
                format!("\"ArchiveId\"{gap}:{gap}\"{id}\""),
                format!(
                    "\"ArchiveDescription\":{}",
                    json_string(&description, style)
                ),
                "\"CreationDate\": \"2012-03-20T17:03:43.221Z\"".to_owned(),
                format!("\"Size\":{gap}{size}{gap}"),
                format!("\"SHA256TreeHash\":\"{hash}\""),
            ];
            let members: Vec<_> = order.iter().map(|&at| members[at].clone()).collect();
            format!("{{{gap}{}{gap}}}", members.join(&format!(",{gap}")))
        })
}

/// Small changes that make the object uncommon or wrong: the general path must
/// then give the same archive, or the fast path must step aside.
fn damage() -> impl Strategy<Value = (usize, &'static str)> {
    let inserts = vec![
        "",
        "\\",
        "\\u",
        "\\ud800",
        "\\udc00\"",
        "\u{1}",
        "\"",
        "0",
        "-",
        ".5",
        "e3",
        ",",
        "}",
        "{",
        "null",
        "\"x\":1,",
        "\u{ff}",
        " ",
        "\\u00e9",
    ];
    (any::<usize>(), prop::sample::select(inserts))
}

proptest! {
    #[test]
    fn common_archives_take_the_fast_path(json in common_archive()) {
        prop_assert!(agrees(json.as_bytes())?, "{}", json);
    }

    #[test]
    fn whatever_the_fast_path_reads_serde_reads_alike(
        json in common_archive(),
        (at, insert) in damage(),
        cut in any::<usize>(),
    ) {
        let mut bytes = json.into_bytes();
        // Half the time next to a quote, colon, comma, brace or digit, where the
        // fast path makes its decisions.
        let edges: Vec<usize> = (0..=bytes.len())
            .filter(|&i| bytes[i.saturating_sub(1)..(i + 1).min(bytes.len())]
                .iter()
                .any(|b| b"\":,{}0123456789".contains(b)))
            .collect();
        let at = if at % 2 == 0 { edges[at / 2 % edges.len()] } else { at % (bytes.len() + 1) };
        bytes.splice(at..at, insert.bytes());
        // Sometimes the buffer ends inside the object.
        if cut % 4 == 0 {
            bytes.truncate(cut % (bytes.len() + 1));
        }
        agrees(&bytes)?;
    }
}

#[test]
fn uncommon_forms_are_left_to_serde() {
    let common = format!(
        r#"{{"ArchiveId":"a","ArchiveDescription":"d","CreationDate":"2012-03-20T17:03:43Z","Size":5,"SHA256TreeHash":"{HASH}"}}"#
    );
    assert!(archive(common.as_bytes()).is_some());
    for (from, to) in [
        ("\"d\"", "null"),
        ("\"Size\"", "\"Other\":1,\"Size\""),
        (":5", ":05"),
        (":5", ":-0"),
        (":5", ":5.0"),
        (":5", ":18446744073709551616"),
        ("\"a\"", "\"\""),
        ("Size", "Si\\u007ae"),
        ("Size", "Sizes"),
        ("\"ArchiveId", "\"ArchiveIdentity"),
        ("\"ArchiveId", "\"Archive"),
        ("\"d\"", "\"d\\u0\""),
    ] {
        let changed = common.replacen(from, to, 1);
        assert!(archive(changed.as_bytes()).is_none(), "{changed}");
    }
    assert!(archive(&common.as_bytes()[..common.len() - 1]).is_none());
}

/// The length returned counts from the first byte, so the object must start there;
/// whitespace before it is the caller's to skip, as the general reader skips it.
#[test]
fn an_object_after_whitespace_is_left_to_the_general_reader() {
    let common = format!(
        r#"{{"ArchiveId":"a","ArchiveDescription":"d","CreationDate":"2012-03-20T17:03:43Z","Size":5,"SHA256TreeHash":"{HASH}"}}"#
    );
    assert_eq!(
        archive(common.as_bytes()).map(|(_, len)| len),
        Some(common.len())
    );
    for gap in [" ", "\n", "\r\n\t"] {
        let padded = format!("{gap}{common}");
        assert_eq!(archive(padded.as_bytes()), None, "{padded:?}");
    }
}
