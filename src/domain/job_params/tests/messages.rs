//! Every refusal reads as one sentence that names the field and the fix.

use crate::domain::job_params::{
    ArnProblem, DateProblem, Field, GlacierDate, JobKind, ParamsError,
};
use crate::domain::range::{ByteRange, RangeError};

fn one_of_each() -> Vec<ParamsError> {
    [presence_and_shape_errors(), value_errors()].concat()
}

/// Refusals of missing or misplaced fields, bad characters, lengths and ranges.
fn presence_and_shape_errors() -> Vec<ParamsError> {
    vec![
        ParamsError::MissingType,
        ParamsError::MissingArchiveId,
        ParamsError::Empty {
            field: Field::Marker,
            fix: "leave it out",
        },
        ParamsError::NotForThisJob {
            field: Field::Tier,
            kind: JobKind::InventoryRetrieval,
        },
        ParamsError::BadCharacter {
            field: Field::Description,
            found: '\u{202e}',
            position: 3,
            fix: "use ASCII",
        },
        ParamsError::DescriptionTooLong { length: 2000 },
        ParamsError::RangeUnusable(RangeError::EmptyArchive),
        ParamsError::RangeNotMibAligned {
            range: ByteRange { start: 1, end: 2 },
            size: 10,
        },
        ParamsError::RangeStartNotMibAligned { start: 1 },
        ParamsError::RangeEndNotMibAligned { end: 1 },
    ]
}

/// Refusals of values that must parse: tiers, formats, dates, limits, topics, vault
/// names and whole JSON files.
fn value_errors() -> Vec<ParamsError> {
    let date = |text| GlacierDate::parse(text).unwrap();
    vec![
        ParamsError::UnknownTier {
            input: "fast".into(),
        },
        ParamsError::UnknownFormat {
            input: "XML".into(),
        },
        ParamsError::Date {
            field: Field::StartDate,
            input: "x".into(),
            problem: DateProblem::Shape,
        },
        ParamsError::Date {
            field: Field::EndDate,
            input: "x".into(),
            problem: DateProblem::Fraction,
        },
        ParamsError::Date {
            field: Field::EndDate,
            input: "x".into(),
            problem: DateProblem::NotUtc,
        },
        ParamsError::Date {
            field: Field::EndDate,
            input: "x".into(),
            problem: DateProblem::NotOnCalendar { component: "day" },
        },
        ParamsError::DatesOutOfOrder {
            start: date("2024-02-01"),
            end: date("2024-01-01"),
        },
        ParamsError::LimitNotWholeNumber { input: "x".into() },
        ParamsError::LimitZero,
        ParamsError::SnsTopic {
            input: "x".into(),
            problem: ArnProblem::PartCount,
        },
        ParamsError::VaultNameLength { length: 0 },
        ParamsError::VaultNameCharacter {
            found: ' ',
            position: 1,
        },
        ParamsError::Unquotable {
            what: "profile name",
        },
        ParamsError::Json {
            message: "expected value at line 1 column 1".into(),
        },
    ]
}

#[test]
fn each_message_is_one_sentence_with_a_fix() {
    for err in one_of_each() {
        let message = err.to_string();
        assert!(!message.contains('\n'), "{message}");
        assert!(!message.contains(". "), "{message}");
        assert!(!message.ends_with('.'), "{message}");
        // The fix follows the problem after a semicolon.
        assert!(message.contains("; "), "{message}");
    }
}

#[test]
fn field_messages_start_with_the_glacier_name_of_their_first_field() {
    for err in one_of_each() {
        let message = err.to_string();
        match err.fields().first() {
            Some(field) => assert!(message.starts_with(field.glacier_name()), "{message}"),
            None => assert!(message.starts_with("the "), "{message}"),
        }
        for field in err.fields() {
            assert!(
                message.contains(field.glacier_name()),
                "{field:?}: {message}"
            );
        }
    }
}

/// The words are for any front end: a flag is the command line's to add.
#[test]
fn no_message_names_a_command_line_flag() {
    for err in one_of_each() {
        let message = err.to_string();
        assert!(!message.contains("--"), "{message}");
    }
}

#[test]
fn invisible_characters_are_named_by_code_point_only() {
    let message = one_of_each()[4].to_string();
    assert!(
        message.contains("the non-ASCII character U+202E at character 3"),
        "{message}"
    );
    assert!(!message.contains('\u{202e}'));
}
