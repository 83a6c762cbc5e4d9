//! Checks of single text fields: Description, ArchiveId, Marker, Limit, and the vault
//! name the aws CLI line needs.

use std::num::NonZeroU64;

use super::{Field, ParamsError};

/// Glacier's limit on Description, in bytes.
pub const MAX_DESCRIPTION_BYTES: usize = 1024;

/// Glacier's limit on a vault name, in characters.
const MAX_VAULT_NAME_CHARS: usize = 255;

/// Description: printable ASCII (0x20–0x7E) and at most 1,024 bytes.
pub(super) fn check_description(text: &str) -> Result<(), ParamsError> {
    if let Some((position, found)) = first_char_where(text, |c| !matches!(c, ' '..='~')) {
        return Err(ParamsError::BadCharacter {
            field: Field::Description,
            found,
            position,
            fix: "use printable ASCII only: letters, digits, spaces and the punctuation from 0x20 to 0x7E",
        });
    }
    if text.len() > MAX_DESCRIPTION_BYTES {
        return Err(ParamsError::DescriptionTooLong { length: text.len() });
    }
    Ok(())
}

/// Why text is not a token Glacier hands out (an ArchiveId or a Marker).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenFault {
    Empty,
    /// The first character that is not printable ASCII, or is a space, with its
    /// 1-based position in characters.
    BadCharacter {
        found: char,
        position: usize,
    },
}

/// Glacier's rule for ArchiveId and Marker: opaque tokens in printable ASCII
/// without spaces. The inventory reader holds archive ids to it too, so an id
/// the cache keeps is always one a job can be started for.
pub fn token_fault(text: &str) -> Option<TokenFault> {
    // Nearly every token is plain: one pass over the bytes settles it. It runs
    // for every archive of an inventory, so it is written without a branch per
    // byte, which lets the compiler check many bytes at once.
    let all_graphic = text.as_bytes().chunks(32).all(|chunk| {
        chunk.iter().fold(true, |graphic, &b| {
            graphic & (b.wrapping_sub(b'!') <= b'~' - b'!')
        })
    });
    if !text.is_empty() && all_graphic {
        return None;
    }
    if text.is_empty() {
        return Some(TokenFault::Empty);
    }
    first_char_where(text, |c| !c.is_ascii_graphic())
        .map(|(position, found)| TokenFault::BadCharacter { found, position })
}

/// ArchiveId and Marker by [`token_fault`]; anything else is a copy-and-paste
/// accident.
pub(super) fn check_token(field: Field, text: &str) -> Result<(), ParamsError> {
    match token_fault(text) {
        None => Ok(()),
        Some(TokenFault::Empty) => {
            let fix = match field {
                Field::Marker => {
                    "leave Marker out to start at the beginning, or give the marker the previous inventory job returned"
                }
                _ => "give the archive's id as the vault inventory lists it",
            };
            Err(ParamsError::Empty { field, fix })
        }
        Some(TokenFault::BadCharacter { found, position }) => Err(ParamsError::BadCharacter {
            field,
            found,
            position,
            fix: "copy it exactly as Glacier gave it, without spaces, line breaks or other characters around it",
        }),
    }
}

/// Limit: a whole number of archives, 1 or more, written in decimal digits.
pub(super) fn parse_limit(text: &str) -> Result<NonZeroU64, ParamsError> {
    let not_whole = || ParamsError::LimitNotWholeNumber {
        input: text.to_owned(),
    };
    // `u64::from_str` would also take a leading `+`, which Glacier need not accept.
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(not_whole());
    }
    let count: u64 = text.parse().map_err(|_| not_whole())?;
    NonZeroU64::new(count).ok_or(ParamsError::LimitZero)
}

/// A vault name: 1 to 255 of letters, digits, `_`, `-` and `.`.
pub fn check_vault_name(name: &str) -> Result<(), ParamsError> {
    let length = name.chars().count();
    if length == 0 || length > MAX_VAULT_NAME_CHARS {
        return Err(ParamsError::VaultNameLength { length });
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
    if let Some((position, found)) = first_char_where(name, |c| !allowed(c)) {
        return Err(ParamsError::VaultNameCharacter { found, position });
    }
    Ok(())
}

/// The first character matching `bad`, with its 1-based position in characters.
fn first_char_where(text: &str, bad: impl Fn(char) -> bool) -> Option<(usize, char)> {
    text.chars()
        .enumerate()
        .find(|&(_, c)| bad(c))
        .map(|(index, c)| (index + 1, c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn description_takes_every_printable_ascii_character() {
        let all: String = (' '..='~').collect();
        assert_eq!(check_description(&all), Ok(()));
        assert_eq!(check_description(""), Ok(()));
    }

    #[test]
    fn description_names_the_first_bad_character_and_where() {
        let err = check_description("photos été").unwrap_err();
        assert!(matches!(
            err,
            ParamsError::BadCharacter {
                field: Field::Description,
                found: 'é',
                position: 8,
                ..
            }
        ));
        let message = err.to_string();
        assert!(
            message
                .starts_with("Description has the non-ASCII character `é` (U+00E9) at character 8"),
            "{message}"
        );
        assert!(message.contains("printable ASCII"), "{message}");
    }

    #[test]
    fn description_refuses_control_characters() {
        for (text, found) in [("a\tb", '\t'), ("a\nb", '\n'), ("a\u{7f}b", '\u{7f}')] {
            let err = check_description(text).unwrap_err();
            assert!(
                matches!(err, ParamsError::BadCharacter { found: f, position: 2, .. } if f == found),
                "{text:?}"
            );
        }
        let message = check_description("a\u{1b}[31m").unwrap_err().to_string();
        assert!(
            message.contains("a control character (U+001B)"),
            "{message}"
        );
    }

    #[test]
    fn description_length_limit_is_1024_bytes() {
        assert_eq!(check_description(&"x".repeat(1024)), Ok(()));
        let err = check_description(&"x".repeat(1030)).unwrap_err();
        assert_eq!(err, ParamsError::DescriptionTooLong { length: 1030 });
        let message = err.to_string();
        assert!(message.contains("1030 bytes"), "{message}");
        assert!(message.contains("shorten it by 6 bytes"), "{message}");
    }

    #[test]
    fn tokens_refuse_emptiness_whitespace_and_control_characters() {
        assert_eq!(check_token(Field::ArchiveId, "abc-DEF_123"), Ok(()));
        assert!(matches!(
            check_token(Field::ArchiveId, ""),
            Err(ParamsError::Empty {
                field: Field::ArchiveId,
                ..
            })
        ));
        for (text, position) in [
            (" abc", 1),
            ("ab c", 3),
            ("abc\n", 4),
            ("a\u{0}", 2),
            ("aé", 2),
        ] {
            assert!(
                matches!(
                    check_token(Field::Marker, text),
                    Err(ParamsError::BadCharacter { field: Field::Marker, position: p, .. }) if p == position
                ),
                "{text:?}"
            );
        }
        let message = check_token(Field::ArchiveId, "ab c")
            .unwrap_err()
            .to_string();
        assert!(
            message.starts_with("ArchiveId has a space (U+0020) at character 3"),
            "{message}"
        );
    }

    #[test]
    fn the_quick_check_agrees_with_printable_ascii_at_every_byte_and_place() {
        for byte in 0..=0x7fu8 {
            for at in [0, 31, 32, 100] {
                let mut id = vec![b'a'; 138];
                id[at] = byte;
                let id = String::from_utf8(id).unwrap();
                let fault = token_fault(&id);
                if byte.is_ascii_graphic() {
                    assert_eq!(fault, None, "{byte:#x} at {at}");
                } else {
                    let found = char::from(byte);
                    let position = at + 1;
                    assert_eq!(
                        fault,
                        Some(TokenFault::BadCharacter { found, position }),
                        "{byte:#x} at {at}"
                    );
                }
            }
        }
    }

    #[test]
    fn limit_is_a_whole_number_of_at_least_one() {
        assert_eq!(parse_limit("1").map(NonZeroU64::get), Ok(1));
        assert_eq!(parse_limit("1000").map(NonZeroU64::get), Ok(1000));
        assert_eq!(parse_limit("0"), Err(ParamsError::LimitZero));
        assert_eq!(parse_limit("000"), Err(ParamsError::LimitZero));
        for text in [
            "",
            "ten",
            "-1",
            "+5",
            "1.5",
            " 5",
            "1e3",
            "99999999999999999999",
        ] {
            assert_eq!(
                parse_limit(text),
                Err(ParamsError::LimitNotWholeNumber { input: text.into() }),
                "{text:?}"
            );
        }
        assert!(ParamsError::LimitZero.to_string().starts_with("Limit is 0"));
    }

    #[test]
    fn vault_names_follow_glacier_rules() {
        assert_eq!(check_vault_name("photos_2024-backup.v1"), Ok(()));
        assert_eq!(check_vault_name(&"v".repeat(255)), Ok(()));
        assert_eq!(
            check_vault_name(""),
            Err(ParamsError::VaultNameLength { length: 0 })
        );
        assert_eq!(
            check_vault_name(&"v".repeat(256)),
            Err(ParamsError::VaultNameLength { length: 256 })
        );
        assert_eq!(
            check_vault_name("my vault"),
            Err(ParamsError::VaultNameCharacter {
                found: ' ',
                position: 3
            })
        );
        assert_eq!(
            check_vault_name("it's"),
            Err(ParamsError::VaultNameCharacter {
                found: '\'',
                position: 3
            })
        );
    }
}
