//! SNSTopic: the ARN of the topic Glacier notifies when a job completes. Only its
//! shape is checked here; whether the topic exists only AWS can say.

use super::aws_ids::{is_account_id, looks_like_region};
use super::{ArnProblem, ParamsError};

/// Glacier's limit on a topic name, `.fifo` included.
const MAX_TOPIC_NAME_CHARS: usize = 256;

/// `arn:PARTITION:sns:REGION:ACCOUNT_ID:TOPIC`.
pub(super) fn check_sns_topic(arn: &str) -> Result<(), ParamsError> {
    arn_problem(arn).map_or(Ok(()), |problem| {
        Err(ParamsError::SnsTopic {
            input: arn.to_owned(),
            problem,
        })
    })
}

fn arn_problem(arn: &str) -> Option<ArnProblem> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [prefix, partition, service, region, account, topic] = parts[..] else {
        return Some(ArnProblem::PartCount);
    };
    if prefix != "arn" {
        return Some(ArnProblem::Prefix);
    }
    if !matches!(partition, "aws" | "aws-cn" | "aws-us-gov") {
        return Some(ArnProblem::Partition(partition.to_owned()));
    }
    if service != "sns" {
        return Some(ArnProblem::Service(service.to_owned()));
    }
    if !looks_like_region(region) {
        return Some(ArnProblem::Region(region.to_owned()));
    }
    if region_partition(region) != partition {
        return Some(ArnProblem::RegionOutsidePartition {
            region: region.to_owned(),
            partition: partition.to_owned(),
        });
    }
    if !is_account_id(account) {
        return Some(ArnProblem::Account(account.to_owned()));
    }
    if !is_topic_name(topic) {
        return Some(ArnProblem::Topic(topic.to_owned()));
    }
    None
}

/// The partition a region belongs to, so that a China or GovCloud topic is not
/// paired with the wrong partition by a slip of the keyboard.
fn region_partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

/// 1 to 256 of letters, digits, `-` and `_`, with `.fifo` at the end of a FIFO topic
/// (counted in the 256).
fn is_topic_name(topic: &str) -> bool {
    let base = topic.strip_suffix(".fifo").unwrap_or(topic);
    !base.is_empty()
        && topic.len() <= MAX_TOPIC_NAME_CHARS
        && base
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(arn: &str) -> Option<ArnProblem> {
        arn_problem(arn)
    }

    #[test]
    fn well_formed_topics_pass() {
        for arn in [
            "arn:aws:sns:us-east-1:123456789012:glacier-jobs",
            "arn:aws:sns:eu-central-1:000000000000:Jobs_2024",
            "arn:aws:sns:ap-southeast-2:123456789012:orders.fifo",
            "arn:aws-cn:sns:cn-north-1:123456789012:t",
            "arn:aws-us-gov:sns:us-gov-west-1:123456789012:t",
        ] {
            assert_eq!(check_sns_topic(arn), Ok(()), "{arn}");
        }
    }

    #[test]
    fn each_part_is_checked() {
        let cases = [
            ("glacier-jobs", ArnProblem::PartCount),
            ("arn:aws:sns:us-east-1:123456789012", ArnProblem::PartCount),
            ("urn:aws:sns:us-east-1:123456789012:t", ArnProblem::Prefix),
            (
                "arn:aws-iso:sns:us-east-1:123456789012:t",
                ArnProblem::Partition("aws-iso".into()),
            ),
            (
                "arn:aws:sqs:us-east-1:123456789012:t",
                ArnProblem::Service("sqs".into()),
            ),
            (
                "arn:aws:sns:useast1:123456789012:t",
                ArnProblem::Region("useast1".into()),
            ),
            (
                "arn:aws:sns:US-EAST-1:123456789012:t",
                ArnProblem::Region("US-EAST-1".into()),
            ),
            (
                "arn:aws:sns:us-east:123456789012:t",
                ArnProblem::Region("us-east".into()),
            ),
            (
                "arn:aws:sns:cn-north-1:123456789012:t",
                ArnProblem::RegionOutsidePartition {
                    region: "cn-north-1".into(),
                    partition: "aws".into(),
                },
            ),
            (
                "arn:aws:sns:us-east-1:12345678901:t",
                ArnProblem::Account("12345678901".into()),
            ),
            (
                "arn:aws:sns:us-east-1:12345678901x:t",
                ArnProblem::Account("12345678901x".into()),
            ),
            (
                "arn:aws:sns:us-east-1:123456789012:",
                ArnProblem::Topic(String::new()),
            ),
            (
                "arn:aws:sns:us-east-1:123456789012:.fifo",
                ArnProblem::Topic(".fifo".into()),
            ),
            (
                "arn:aws:sns:us-east-1:123456789012:my topic",
                ArnProblem::Topic("my topic".into()),
            ),
            (
                "arn:aws:sns:us-east-1:123456789012:a:b",
                ArnProblem::Topic("a:b".into()),
            ),
        ];
        for (arn, expected) in cases {
            assert_eq!(problem(arn), Some(expected), "{arn}");
        }
    }

    #[test]
    fn topic_names_are_at_most_256_characters_with_fifo_suffix() {
        let arn = |topic: &str| format!("arn:aws:sns:us-east-1:123456789012:{topic}");
        assert_eq!(problem(&arn(&"t".repeat(256))), None);
        assert!(problem(&arn(&"t".repeat(257))).is_some());
        assert_eq!(problem(&arn(&format!("{}.fifo", "t".repeat(251)))), None);
        assert!(problem(&arn(&format!("{}.fifo", "t".repeat(252)))).is_some());
    }

    #[test]
    fn message_names_the_field_and_shows_the_form() {
        let message = check_sns_topic("arn:aws:sns:us-east-1:42:t")
            .unwrap_err()
            .to_string();
        assert_eq!(
            message,
            "SNSTopic `arn:aws:sns:us-east-1:42:t` is not an SNS topic ARN because the account id `42` is not 12 digits; write it as arn:aws:sns:us-east-1:123456789012:topic-name"
        );
    }
}
