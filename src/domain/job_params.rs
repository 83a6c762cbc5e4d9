//! Job parameters for InitiateJob: build, validate, print as JSON or an aws CLI line.

/// Why job parameters would be refused. Each message names the field and the fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParamsError {
    #[error("{field}: {problem}")]
    Invalid {
        field: &'static str,
        problem: String,
    },
}
