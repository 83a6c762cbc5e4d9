//! What a user asks for, before it is checked: from command-line flags or from a
//! hand-written job-parameters JSON file in Glacier's own shape.

use super::JobKind;
use crate::domain::range::ByteRange;

/// Job parameters as given, every field optional and unchecked; [`super::validate`]
/// decides whether Glacier would take them. Text fields hold what was typed, so
/// that a refusal can quote it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobRequest {
    pub kind: Option<JobKind>,
    pub archive_id: Option<String>,
    pub range: Option<ByteRange>,
    pub tier: Option<String>,
    pub description: Option<String>,
    pub sns_topic: Option<String>,
    pub format: Option<String>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub limit: Option<String>,
    pub marker: Option<String>,
}
