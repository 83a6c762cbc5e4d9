//! Journal keys users read and type as a letter and a number (`P12`, `B3`):
//! shown, parsed (either case of the letter) and written to JSON alike.

/// Implements `Display`, `FromStr` (refusing with `$error { input }`) and serde
/// as text for `$id(pub i64)` shown with `$letter`.
macro_rules! lettered_id {
    ($id:ident, $letter:literal, $error:ident) => {
        impl std::fmt::Display for $id {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}{}", $letter, self.0)
            }
        }

        impl std::str::FromStr for $id {
            type Err = $error;

            fn from_str(input: &str) -> Result<Self, Self::Err> {
                $crate::store::lettered_id::number_after($letter, input)
                    .map($id)
                    .ok_or_else(|| $error {
                        input: input.to_owned(),
                    })
            }
        }

        impl serde::Serialize for $id {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> serde::Deserialize<'de> for $id {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <String as serde::Deserialize>::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

pub(crate) use lettered_id;

/// The number after `letter` (either case) in `input`, when that is all of it.
pub(crate) fn number_after(letter: char, input: &str) -> Option<i64> {
    let digits = input
        .strip_prefix([letter.to_ascii_uppercase(), letter.to_ascii_lowercase()])
        .filter(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))?;
    digits.parse().ok()
}
