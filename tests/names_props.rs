//! Properties of description decoding: any input decodes without panicking, every
//! display form is free of controls, every safe path stays inside its folder, names
//! written by each tool come back exactly, and duplicates are told apart.

use std::collections::HashSet;
use std::path::Component;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use defrost::domain::names::{
    DecodedDescription, MAX_COMPONENT_BYTES, MAX_PATH_BYTES, SafeRelativePath, decode,
    disambiguate, display_form,
};
use proptest::prelude::*;
use serde_json::json;

const FALLBACK: &str = "ARCHIVE-ID";

fn assert_displayable(text: &str) {
    let unsafe_char = |c: char| {
        c.is_control()
            || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    assert!(!text.chars().any(unsafe_char), "{text:?}");
}

fn is_device_name(component: &str) -> bool {
    let stem = component
        .split('.')
        .next()
        .unwrap_or_default()
        .trim_end()
        .to_uppercase();
    let numbered = |prefix: &str| {
        stem.strip_prefix(prefix).is_some_and(|rest| {
            rest.chars().count() == 1
                && rest
                    .chars()
                    .all(|c| c.is_ascii_digit() || "¹²³".contains(c))
        })
    };
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"].contains(&stem.as_str())
        || numbered("COM")
        || numbered("LPT")
}

fn assert_safe(path: &SafeRelativePath) {
    let text = path.as_str();
    assert!(!text.is_empty() && text.len() <= MAX_PATH_BYTES, "{text:?}");
    for component in path.components() {
        assert!(
            !component.is_empty() && component != "." && component != "..",
            "{text:?}"
        );
        assert!(component.len() <= MAX_COMPONENT_BYTES, "{text:?}");
        assert!(!component.ends_with(['.', ' ']), "{text:?}");
        assert!(
            !component
                .chars()
                .any(|c| c.is_control() || "<>:\"|?*\\/".contains(c)),
            "{text:?}"
        );
        assert!(!is_device_name(component), "{text:?}");
    }
    assert_displayable(text);
    let on_this_platform = path.to_path_buf();
    assert!(on_this_platform.is_relative(), "{text:?}");
    assert!(
        on_this_platform
            .components()
            .all(|c| matches!(c, Component::Normal(_))),
        "{text:?}"
    );
}

fn assert_well_behaved(description: &str) -> DecodedDescription {
    let decoded = decode(description);
    assert_eq!(decoded.clone().into_shown_name(), decoded.shown_name());
    let shown = decoded.display_name(FALLBACK);
    assert_displayable(&shown);
    assert!(!shown.trim().is_empty());
    assert_safe(&decoded.safe_path(FALLBACK));
    decoded
}

/// RFC 2152 as simply as possible: letters and digits direct, everything else in
/// base64 runs of UTF-16, each closed with `-`.
fn utf7(text: &str) -> String {
    let mut encoded = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            encoded.push(c);
        } else {
            let mut units = [0u16; 2];
            let bytes: Vec<u8> = c
                .encode_utf16(&mut units)
                .iter()
                .flat_map(|u| u.to_be_bytes())
                .collect();
            encoded.push('+');
            encoded.push_str(STANDARD.encode(bytes).trim_end_matches('='));
            encoded.push('-');
        }
    }
    encoded
}

/// Any characters, controls included, with pieces of terminal escape sequences
/// mixed in (`any::<String>()` alone leaves out control characters).
fn any_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => any::<char>().prop_map(String::from),
        1 => prop::sample::select(vec!["\u{1b}[", "\u{1b}]0;", "\u{7}", "\u{1b}\\", "\u{9b}", "\u{202e}", "/", "..", "\\"])
            .prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
}

/// Text built around each format's opening, to reach the decoders' inner paths.
fn format_like() -> impl Strategy<Value = String> {
    prop_oneof![
        ("mt2 |mt1 |mtijob1 |mt2\t", "[A-Za-z0-9_=+/-]{0,80}").prop_map(|(m, b)| format!("{m}{b}")),
        ("mt[12] ", any_text()).prop_map(|(m, t)| format!("{m}{}", URL_SAFE_NO_PAD.encode(t))),
        any_text().prop_map(|t| format!("<m><v>4</v><p>{t}</p><lm>{t}</lm></m>")),
        any_text().prop_map(|t| format!("<m><v>4</v><p>{}</p>{t}</m>", STANDARD.encode(&t))),
        any_text().prop_map(|t| format!("<ArchiveMetadata><Path>{t}</Path></ArchiveMetadata>")),
        any_text().prop_map(|t| format!("{{\"Path\":{}}}", json!(t))),
        any_text().prop_map(|t| format!("{{\"path\":{},\"type\":\"folder\"}}", json!(t))),
        "[<>/{}\\[\\]\":a-z0-9+=-]{0,60}",
    ]
}

/// Names that play with separators, dots, drives, devices and escapes.
fn path_like() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just(".."),
        Just("."),
        Just(""),
        Just("C:"),
        Just("CON"),
        Just("com1.txt"),
        Just(" "),
        Just("a."),
        Just("é"),
        Just("\u{1b}[31m"),
        Just("\u{202e}"),
        Just("\\"),
        Just("?"),
        Just("name"),
        Just("x.tar.gz"),
        Just("\u{0}")
    ];
    prop::collection::vec((piece, prop_oneof![Just("/"), Just("\\"), Just("")]), 0..12)
        .prop_map(|pieces| pieces.into_iter().map(|(p, s)| format!("{p}{s}")).collect())
}

proptest! {
    #[test]
    fn any_text_decodes_safely(description in any_text()) {
        assert_well_behaved(&description);
    }

    #[test]
    fn text_shaped_like_a_format_decodes_safely(description in format_like()) {
        assert_well_behaved(&description);
    }

    #[test]
    fn path_like_names_stay_inside(name in path_like(), long in 0usize..400) {
        let padded = format!("{name}{}", "ü".repeat(long));
        assert_safe(&SafeRelativePath::new(&name, FALLBACK));
        assert_safe(&SafeRelativePath::new(&padded, ""));
        assert_displayable(&display_form(&name));
    }

    #[test]
    fn names_come_back_as_each_tool_wrote_them(name in any_text().prop_filter("a name", |n| !n.is_empty()), mtime in "(19|20)[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|1[0-9]|2[0-8])T([01][0-9]|2[0-3])[0-5][0-9][0-5][0-9]Z") {
        let meta = json!({"filename": name, "mtime": mtime}).to_string();
        let twice: String = meta.bytes().map(char::from).collect();
        let descriptions = [
            format!("mt2 {}", URL_SAFE_NO_PAD.encode(&meta)),
            format!("mt1 {}", URL_SAFE_NO_PAD.encode(twice)),
            format!("<m><v>4</v><p>{}</p><lm>{mtime}</lm></m>", STANDARD.encode(&name)),
            json!({"Path": utf7(&name), "UTCDateModified": mtime, "Flags": 0}).to_string(),
        ];
        for description in descriptions {
            let decoded = assert_well_behaved(&description);
            prop_assert_eq!(decoded.name.as_deref(), Some(name.as_str()), "{}", description);
            prop_assert!(decoded.modified.is_some(), "{}", description);
        }
    }

    #[test]
    fn duplicates_are_told_apart(names in prop::collection::vec("(a|A|b)(/(a|b|c)){0,2}(\\.txt)?", 0..30)) {
        let paths: Vec<_> = names.iter().map(|n| SafeRelativePath::new(n, FALLBACK)).collect();
        let distinct = disambiguate(&paths);
        prop_assert_eq!(distinct.len(), paths.len());
        prop_assert_eq!(&disambiguate(&paths), &distinct);
        let keys: Vec<String> = distinct.iter().map(|p| p.as_str().to_lowercase()).collect();
        let unique: HashSet<&String> = keys.iter().collect();
        prop_assert_eq!(unique.len(), keys.len());
        let folders: HashSet<&str> = keys
            .iter()
            .flat_map(|k| k.match_indices('/').map(move |(at, _)| &k[..at]))
            .collect();
        prop_assert!(keys.iter().all(|k| !folders.contains(k.as_str())));
        let mut seen = HashSet::new();
        for (path, given) in paths.iter().zip(&distinct) {
            assert_safe(given);
            // The first of a name keeps it unless a folder needs it.
            let key = path.as_str().to_lowercase();
            if seen.insert(key.clone()) && !folders.contains(key.as_str()) {
                prop_assert_eq!(path, given);
            }
        }
    }
}
