//! One element of `ArchiveList`: its fields in any order, unknown ones skipped,
//! each checked as soon as it is read so that errors point at the value.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::domain::inventory::{Field, InventoryArchive, Problem, Timestamp, fields};
use crate::domain::treehash::TreeHash;

/// Records why reading fails and returns the error that unwinds serde; its message
/// is never shown, as the recorded problem replaces it.
fn fail<Er: de::Error>(slot: &mut Option<Problem>, problem: Problem) -> Er {
    *slot = Some(problem);
    Er::custom("inventory problem")
}

/// Reads one archive object; a problem with it is left in `problem`.
pub(super) struct ArchiveSeed<'p> {
    pub(super) problem: &'p mut Option<Problem>,
}

impl<'de> DeserializeSeed<'de> for ArchiveSeed<'_> {
    type Value = InventoryArchive;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ArchiveSeed<'_> {
    type Value = InventoryArchive;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("each archive to be an object with ArchiveId, ArchiveDescription, CreationDate, Size and SHA256TreeHash")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut parts = ArchiveParts::default();
        while let Some(ArchiveKey(field)) = map.next_key()? {
            let Some(field) = field else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            let value: Scalar = map.next_value()?;
            parts
                .set(field, value)
                .map_err(|problem| fail(self.problem, problem))?;
        }
        parts
            .finish()
            .map_err(|problem| fail(self.problem, problem))
    }
}

/// The fields read so far.
#[derive(Default)]
struct ArchiveParts {
    id: Option<String>,
    description: Option<String>,
    creation_date: Option<Timestamp>,
    size: Option<u64>,
    tree_hash: Option<TreeHash>,
}

impl ArchiveParts {
    fn set(&mut self, field: Field, value: Scalar) -> Result<(), Problem> {
        let duplicate = || Problem::DuplicateField { field };
        match field {
            Field::ArchiveId if self.id.is_none() => {
                self.id = Some(fields::archive_id(value.text(field)?)?);
            }
            Field::ArchiveDescription if self.description.is_none() => {
                self.description = Some(match value {
                    Scalar::Null => String::new(),
                    other => other.text(field)?,
                });
            }
            Field::CreationDate if self.creation_date.is_none() => {
                self.creation_date = Some(fields::timestamp(field, &value.text(field)?)?);
            }
            Field::Size if self.size.is_none() => self.size = Some(value.size()?),
            Field::Sha256TreeHash if self.tree_hash.is_none() => {
                self.tree_hash = Some(fields::tree_hash(&value.text(field)?)?);
            }
            _ => return Err(duplicate()),
        }
        Ok(())
    }

    fn finish(self) -> Result<InventoryArchive, Problem> {
        let missing = |field| Problem::MissingField { field };
        Ok(InventoryArchive {
            archive_id: self.id.ok_or(missing(Field::ArchiveId))?,
            description: self.description.ok_or(missing(Field::ArchiveDescription))?,
            creation_date: self.creation_date.ok_or(missing(Field::CreationDate))?,
            size: self.size.ok_or(missing(Field::Size))?,
            sha256_tree_hash: self.tree_hash.ok_or(missing(Field::Sha256TreeHash))?,
        })
    }
}

/// A key of an archive object: one of the five fields, or `None` for any other.
struct ArchiveKey(Option<Field>);

impl<'de> de::Deserialize<'de> for ArchiveKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_identifier(ArchiveKeyVisitor)
    }
}

struct ArchiveKeyVisitor;

impl Visitor<'_> for ArchiveKeyVisitor {
    type Value = ArchiveKey;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        let field = Field::ARCHIVE_FIELDS
            .into_iter()
            .find(|field| field.glacier_name() == key);
        Ok(ArchiveKey(field))
    }
}

/// Any JSON value, reduced to what the fields need; a value of the wrong type is
/// kept as a description of its type, so that the problem names the field.
#[derive(Debug, PartialEq)]
pub(super) enum Scalar {
    Text(String),
    Unsigned(u64),
    Negative(i64),
    Float(f64),
    Null,
    Other(&'static str),
}

impl Scalar {
    pub(super) fn text(self, field: Field) -> Result<String, Problem> {
        match self {
            Scalar::Text(text) => Ok(text),
            other => Err(Problem::WrongType {
                field,
                found: other.kind(),
            }),
        }
    }

    fn size(self) -> Result<u64, Problem> {
        match self {
            Scalar::Unsigned(size) => Ok(size),
            Scalar::Negative(value) => Err(Problem::NegativeSize {
                text: value.to_string(),
            }),
            Scalar::Float(value) => Err(float_size_problem(value)),
            other => Err(Problem::WrongType {
                field: Field::Size,
                found: other.kind(),
            }),
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            Scalar::Text(_) => "a string",
            Scalar::Unsigned(_) | Scalar::Negative(_) | Scalar::Float(_) => "a number",
            Scalar::Null => "null",
            Scalar::Other(kind) => kind,
        }
    }
}

/// The JSON reader turns integers beyond i64 and u64 into floats, so a float is
/// either written with a point or exponent, or an integer out of range.
fn float_size_problem(value: f64) -> Problem {
    // 2^64 exactly: every float at or above it is beyond u64.
    const BEYOND_U64: f64 = 18_446_744_073_709_551_616.0;
    if value.fract() == 0.0 && value >= BEYOND_U64 {
        Problem::SizeTooLarge
    } else if value.fract() == 0.0 && value < i64::MIN as f64 {
        Problem::NegativeSize {
            text: format!("{value:.0}"),
        }
    } else {
        Problem::SizeNotWhole {
            text: format!("{value:?}"),
        }
    }
}

impl<'de> de::Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ScalarVisitor)
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Scalar, E> {
        Ok(Scalar::Text(text.to_owned()))
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<Scalar, E> {
        Ok(Scalar::Text(text))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Scalar, E> {
        Ok(Scalar::Unsigned(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Scalar, E> {
        Ok(u64::try_from(value).map_or(Scalar::Negative(value), Scalar::Unsigned))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Scalar, E> {
        Ok(Scalar::Float(value))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Scalar, E> {
        Ok(Scalar::Other("true or false"))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Scalar, E> {
        Ok(Scalar::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other("a list"))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other("an object"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn size_of(json: &str) -> Result<u64, Problem> {
        serde_json::from_str::<Scalar>(json).unwrap().size()
    }

    #[test]
    fn sizes_are_whole_numbers_within_u64() {
        assert_eq!(size_of("0"), Ok(0));
        assert_eq!(size_of("18446744073709551615"), Ok(u64::MAX));
        assert_eq!(size_of("18446744073709551616"), Err(Problem::SizeTooLarge));
        assert_eq!(size_of("1e30"), Err(Problem::SizeTooLarge));
        assert_eq!(
            size_of("-7"),
            Err(Problem::NegativeSize { text: "-7".into() })
        );
        assert_eq!(
            size_of("-99999999999999999999"),
            Err(Problem::NegativeSize {
                text: "-100000000000000000000".into()
            })
        );
        assert_eq!(
            size_of("1.5"),
            Err(Problem::SizeNotWhole { text: "1.5".into() })
        );
        assert_eq!(
            size_of("5.0"),
            Err(Problem::SizeNotWhole { text: "5.0".into() })
        );
    }

    #[test]
    fn other_types_are_named() {
        for (json, found) in [
            ("\"5\"", "a string"),
            ("null", "null"),
            ("true", "true or false"),
            ("[1, 2]", "a list"),
            ("{\"a\": [1]}", "an object"),
        ] {
            assert_eq!(
                size_of(json),
                Err(Problem::WrongType {
                    field: Field::Size,
                    found
                }),
                "{json}"
            );
        }
    }
}
