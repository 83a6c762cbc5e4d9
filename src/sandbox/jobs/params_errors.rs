//! InitiateJob's refusals in Glacier's words: the domain's checks decide, this file
//! picks the error code and phrases the message for the wire, without command-line
//! flags.

use crate::domain::job_params::ParamsError;
use crate::domain::range::RangeError;
use crate::sandbox::error::GlacierError;

/// The error Glacier answers a refused job-parameters object with.
pub fn glacier_error(err: ParamsError) -> GlacierError {
    use ParamsError as P;
    match err {
        P::MissingType => GlacierError::missing_parameter(
            "Required parameter Type is missing; use archive-retrieval or inventory-retrieval",
        ),
        P::MissingArchiveId => GlacierError::missing_parameter(
            "Required parameter ArchiveId is missing; an archive-retrieval job needs the id of the archive to retrieve",
        ),
        P::Empty { field, .. } => GlacierError::invalid_parameter(format!(
            "Invalid {}: it is empty",
            field.glacier_name()
        )),
        P::NotForThisJob { field, kind } => GlacierError::invalid_parameter(format!(
            "{} is not a parameter of {} jobs; remove it",
            field.glacier_name(),
            kind.as_str()
        )),
        P::BadCharacter {
            field,
            found,
            position,
            ..
        } => GlacierError::invalid_parameter(format!(
            "Invalid {}: character {position} ({:?}) is not allowed there",
            field.glacier_name(),
            found
        )),
        P::DescriptionTooLong { length } => GlacierError::invalid_parameter(format!(
            "Invalid Description: it is {length} bytes long, but at most 1024 are allowed"
        )),
        P::RangeUnusable(problem) => range_unusable(&problem),
        P::RangeNotMibAligned { range, size } => GlacierError::invalid_parameter(format!(
            "The RetrievalByteRange {range} is not megabyte aligned for this {size}-byte archive: the start must be a multiple of 1048576 and the end one byte before a multiple of 1048576 or the archive's last byte ({})",
            size.saturating_sub(1)
        )),
        P::Json { message } => {
            GlacierError::invalid_parameter(format!("The job parameters cannot be read: {message}"))
        }
        other => value_error(other),
    }
}

/// Refusals of a field's value.
fn value_error(err: ParamsError) -> GlacierError {
    use ParamsError as P;
    match err {
        P::UnknownTier { input } => GlacierError::invalid_parameter(format!(
            "Invalid Tier: {input}; use Standard, Expedited or Bulk"
        )),
        P::UnknownFormat { input } => {
            GlacierError::invalid_parameter(format!("Invalid Format: {input}; use JSON or CSV"))
        }
        P::Date {
            field,
            input,
            problem,
        } => GlacierError::invalid_parameter(format!(
            "Invalid {} `{input}`: it {problem}",
            field.glacier_name()
        )),
        P::DatesOutOfOrder { start, end } => GlacierError::invalid_parameter(format!(
            "The StartDate {start} is not before the EndDate {end}"
        )),
        P::LimitNotWholeNumber { input } => GlacierError::invalid_parameter(format!(
            "Invalid Limit: {input}; give a whole number of 1 or more, as a string"
        )),
        P::LimitZero => {
            GlacierError::invalid_parameter("Invalid Limit: 0; give a whole number of 1 or more")
        }
        P::SnsTopic { input, problem } => {
            GlacierError::invalid_parameter(format!("Invalid SNSTopic {input}: {problem}"))
        }
        // Only checks that need no archive size, or that concern the command line,
        // produce the rest; they cannot reach the wire, but still map to a refusal.
        other => GlacierError::invalid_parameter(other.to_string()),
    }
}

fn range_unusable(problem: &RangeError) -> GlacierError {
    let message = match problem {
        RangeError::EmptyArchive => {
            "The archive is empty, so it has no RetrievalByteRange to retrieve; retrieve it whole"
                .to_owned()
        }
        RangeError::StartBeyondEnd { start, size } => format!(
            "The RetrievalByteRange starts at byte {start}, beyond the end of this {size}-byte archive"
        ),
        RangeError::EndBeyondArchive { end, size } => format!(
            "The RetrievalByteRange ends at byte {end}, beyond the end of this {size}-byte archive"
        ),
        RangeError::EndBeforeStart { start, end } => {
            format!("The RetrievalByteRange {start}-{end} ends before it starts")
        }
        other => format!("Invalid RetrievalByteRange: {other}"),
    };
    GlacierError::invalid_parameter(message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::job_params::{Field, JobRequest, validate};
    use crate::domain::range::ByteRange;

    fn refusal(body: &str, size: Option<u64>) -> GlacierError {
        let request = JobRequest::from_json(body).map_err(glacier_error);
        match request.and_then(|request| validate(&request, size).map_err(glacier_error)) {
            Err(err) => err,
            Ok(params) => panic!("{body} was accepted as {params:?}"),
        }
    }

    #[test]
    fn missing_fields_are_missing_parameter_values() {
        let err = refusal(r#"{"ArchiveId":"a"}"#, None);
        assert_eq!(err.code, "MissingParameterValueException");
        let err = refusal(r#"{"Type":"archive-retrieval"}"#, None);
        assert_eq!(err.code, "MissingParameterValueException");
        assert!(err.message.contains("ArchiveId"), "{}", err.message);
    }

    #[test]
    fn a_misaligned_range_names_the_range_and_the_rule() {
        let err = refusal(
            r#"{"Type":"archive-retrieval","ArchiveId":"a","RetrievalByteRange":"0-100"}"#,
            Some(10 << 20),
        );
        assert_eq!(err.code, "InvalidParameterValueException");
        assert!(
            err.message.contains("0-100 is not megabyte aligned"),
            "{}",
            err.message
        );
        assert!(!err.message.contains("--"), "{}", err.message);
    }

    #[test]
    fn tier_on_an_inventory_job_is_refused() {
        let err = refusal(r#"{"Type":"inventory-retrieval","Tier":"Bulk"}"#, None);
        assert_eq!(err.code, "InvalidParameterValueException");
        assert_eq!(
            err.message,
            "Tier is not a parameter of inventory-retrieval jobs; remove it"
        );
    }

    #[test]
    fn messages_carry_no_command_line_flags() {
        let errors = [
            glacier_error(ParamsError::UnknownTier {
                input: "Fast".into(),
            }),
            glacier_error(ParamsError::LimitZero),
            glacier_error(ParamsError::Empty {
                field: Field::Marker,
                fix: "x",
            }),
            glacier_error(ParamsError::RangeUnusable(RangeError::EndBeyondArchive {
                end: 9,
                size: 5,
            })),
            glacier_error(ParamsError::RangeUnusable(RangeError::EndBeforeStart {
                start: 5,
                end: 1,
            })),
            glacier_error(ParamsError::RangeNotMibAligned {
                range: ByteRange { start: 1, end: 2 },
                size: 3,
            }),
        ];
        for err in errors {
            assert_eq!(err.code, "InvalidParameterValueException");
            assert!(!err.message.contains("(--"), "{}", err.message);
        }
    }
}
