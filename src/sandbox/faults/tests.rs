mod output_stream;
mod rules;
mod spec_text;

use super::*;

/// A fault from its JSON text, as the admin endpoint reads it.
fn fault(json: &str) -> FaultSpec {
    serde_json::from_str(json).unwrap_or_else(|err| panic!("{json}: {err}"))
}

/// The reason a JSON fault is refused.
fn refusal(json: &str) -> String {
    serde_json::from_str::<FaultSpec>(json)
        .map(|spec| panic!("{json} was accepted as {spec:?}"))
        .unwrap_err()
        .to_string()
}

fn request(operation: &'static str, vault: Option<&str>, job_id: Option<&str>) -> RequestInfo {
    RequestInfo {
        operation: Some(operation),
        vault: vault.map(str::to_owned),
        job_id: job_id.map(str::to_owned),
    }
}
