//! Archive descriptions: every decoder (mt1, mt2, mt inventory jobs, FastGlacier
//! v1 to v4, CloudBerry, QNAP, raw) through `decode`, and whatever it decodes made
//! safe to show and to restore to.

use std::collections::HashSet;
use std::path::Component;

use defrost::domain::names::{
    Format, MAX_COMPONENT_BYTES, MAX_PATH_BYTES, SafeRelativePath, decode, disambiguate,
    display_form,
};

use crate::corpus::{NAMES, fixture_descriptions, long_names};
use crate::engine::{Pool, Rng, Target, Verdict, text};
use crate::mutate::{mutant, mutate};
use crate::names_encode::{ENCODINGS, encode};

pub struct Descriptions;

pub const FALLBACK: &str = "ARCHIVE-ID";

const TOKENS: &[&[u8]] = &[
    b"mt2 ",
    b"mt1 ",
    b"mtijob1 ",
    b"<m>",
    b"</m>",
    b"<v>4</v>",
    b"<p>",
    b"</p>",
    b"<lm>20120821T170824Z</lm>",
    b"<ArchiveMetadata>",
    b"</ArchiveMetadata>",
    b"<Path>",
    b"</Path>",
    b"{\"Path\":",
    b"{\"path\":",
    b"\"UTCDateModified\":\"20140814T014204Z\"",
    b"\"type\":\"folder\"",
    b"\"filename\":",
    b"\"mtime\":\"20121217T214008Z\"",
    b"+AH4-",
    b"+-",
    b"+2D3eAA",
    b"==",
    b"_-",
];

impl Target for Descriptions {
    fn name(&self) -> &'static str {
        "descriptions"
    }

    fn corpus(&self) -> Vec<Vec<u8>> {
        let mut corpus: Vec<Vec<u8>> = fixture_descriptions()
            .iter()
            .map(|description| description.clone().into_bytes())
            .collect();
        let names = NAMES
            .iter()
            .map(|name| (*name).to_owned())
            .chain(long_names());
        for (at, name) in names.enumerate() {
            for encoding in 0..ENCODINGS {
                if (at + encoding) % 3 == 0 {
                    corpus.push(encode(encoding, &name, "20121217T214008Z").into_bytes());
                }
            }
        }
        for odd in [
            "mt2 ",
            "mt2 !!!",
            "mt2 e30",
            "mtijob1 eyJ0eXBlIjoxfQ",
            "<m></m>",
            "<m><v>4</v></m>",
            "<m><v>x</v><p>YQ==</p></m>",
            "<ArchiveMetadata><Path>",
            "{\"Path\":\"+-\"}",
            "{\"Path\":\"+2D0-\"}",
            "{\"path\":1}",
            "{\"Path\":\"a\",\"Path\":\"b\"}",
            "   \t ",
        ] {
            corpus.push(odd.as_bytes().to_vec());
        }
        corpus
    }

    fn tokens(&self) -> &[&[u8]] {
        TOKENS
    }

    /// Glacier keeps 1,024 bytes; an inventory file may hold longer ones.
    fn max_len(&self) -> usize {
        8 << 10
    }

    /// Half the time a description built the way a tool builds it from a mutated
    /// name or a mutated inner document, since bytes mutated after encoding seldom
    /// decode at all.
    fn generate(&self, rng: &mut Rng, pool: &Pool) -> Vec<u8> {
        if rng.one_in(2) {
            return mutant(rng, pool, TOKENS, self.max_len());
        }
        let mut name = pool.pick(rng).to_vec();
        for _ in 0..1 << rng.below(3) {
            mutate(rng, &mut name, pool, TOKENS, 2048);
        }
        let mut mtime = b"20121217T214008Z".to_vec();
        if rng.one_in(4) {
            mutate(rng, &mut mtime, pool, &[], 64);
        }
        let encoding = rng.below(ENCODINGS);
        let mut description = encode(encoding, &text(&name), &text(&mtime)).into_bytes();
        if rng.one_in(4) {
            mutate(rng, &mut description, pool, TOKENS, self.max_len());
        }
        description
    }

    fn check(&self, input: &[u8]) -> Verdict {
        let description = text(input);
        let decoded = decode(&description);
        match decoded.format {
            Format::Empty => assert!(description.trim().is_empty() && decoded.name.is_none()),
            Format::Raw => assert_eq!(decoded.name.as_deref(), Some(&*description)),
            _ => assert!(!description.trim().is_empty()),
        }
        if let Some(name) = &decoded.name {
            assert!(!name.is_empty(), "a name that is empty rather than absent");
        }
        assert_eq!(decoded.clone().into_shown_name(), decoded.shown_name());
        let shown = decoded.display_name(FALLBACK);
        assert_displayable(&shown);
        assert!(!shown.trim().is_empty(), "nothing to show: {shown:?}");
        assert_eq!(
            display_form(&shown),
            shown,
            "the display form is not stable"
        );
        let path = decoded.safe_path(FALLBACK);
        assert_safe(&path);
        assert_eq!(
            SafeRelativePath::new(path.as_str(), FALLBACK),
            path,
            "a safe path made safe again changed"
        );
        let raw = SafeRelativePath::new(&description, FALLBACK);
        assert_safe(&raw);
        let upper = SafeRelativePath::new(&description.to_uppercase(), FALLBACK);
        check_disambiguated(&[path.clone(), raw, path, upper]);
        let signature = (
            decoded.format.to_string(),
            decoded.name.is_some(),
            decoded.modified.is_some(),
            decoded.is_folder,
        );
        match decoded.format {
            Format::Raw | Format::Empty => Verdict::rejected(signature),
            _ => Verdict::accepted(signature),
        }
    }
}

/// Nothing left that a terminal would act on instead of showing.
pub fn assert_displayable(text: &str) {
    let acts = |c: char| {
        c.is_control()
            || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
    };
    assert!(!text.chars().any(acts), "not safe to print: {text:?}");
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
            let mut chars = rest.chars();
            matches!(
                (chars.next(), chars.next()),
                (Some('0'..='9' | '¹' | '²' | '³'), None)
            )
        })
    };
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"].contains(&stem.as_str())
        || numbered("COM")
        || numbered("LPT")
}

/// A relative path inside its folder on any common file system: no `..`, no
/// absolute or drive component, no control or reserved character, no device name.
pub fn assert_safe(path: &SafeRelativePath) {
    let text = path.as_str();
    assert!(!text.is_empty() && text.len() <= MAX_PATH_BYTES, "{text:?}");
    for component in path.components() {
        assert!(!matches!(component, "" | "." | ".."), "{text:?}");
        assert!(component.len() <= MAX_COMPONENT_BYTES, "{text:?}");
        assert!(!component.ends_with(['.', ' ']), "{text:?}");
        let reserved = |c: char| c.is_control() || "<>:\"|?*\\/".contains(c);
        assert!(!component.chars().any(reserved), "{text:?}");
        assert!(!is_device_name(component), "{text:?}");
    }
    assert_displayable(text);
    let native = path.to_path_buf();
    assert!(native.is_relative(), "{text:?}");
    assert!(
        native
            .components()
            .all(|c| matches!(c, Component::Normal(_))),
        "{text:?}"
    );
}

/// Restored together, the paths get names that no two share, ignoring case, and no
/// file takes the name of a folder another path needs.
fn check_disambiguated(paths: &[SafeRelativePath]) {
    let given = disambiguate(paths);
    assert_eq!(given.len(), paths.len());
    let mut files = HashSet::new();
    let mut folders = HashSet::new();
    for path in &given {
        assert_safe(path);
        let text = path.as_str().to_lowercase();
        assert!(files.insert(text.clone()), "two files named {text:?}");
        for (at, _) in text.match_indices('/') {
            folders.insert(text[..at].to_owned());
        }
    }
    assert!(
        files.is_disjoint(&folders),
        "a file named like a folder: {given:?}"
    );
}
