//! The data retrieval policy: Glacier's JSON for it, and the budget it puts on
//! Standard archive retrievals.
//!
//! Budgets are counted in real time, not sped up: a `BytesPerHour` limit refuses a
//! second large retrieval for an hour of wall-clock time, as it would on AWS.

use serde_json::{Value, json};
use time::OffsetDateTime;

use super::error::{GlacierError, GlacierResult};
use super::model::{RetrievalPolicy, RetrievalRecord, SandboxState};

/// The sandbox's free allowance under a `FreeTier` policy: 10 GiB a month, prorated
/// to a day, as Glacier's free tier was. Counted over the last 24 hours.
pub const FREE_TIER_BYTES_PER_DAY: u64 = (10 << 30) / 30;

const HOUR: time::Duration = time::Duration::HOUR;
const DAY: time::Duration = time::Duration::DAY;

/// GetDataRetrievalPolicy's body.
pub fn policy_json(policy: &RetrievalPolicy) -> Value {
    let rule = match policy {
        RetrievalPolicy::None => json!({ "Strategy": "None" }),
        RetrievalPolicy::FreeTier => json!({ "Strategy": "FreeTier" }),
        RetrievalPolicy::BytesPerHour(limit) => {
            json!({ "BytesPerHour": limit, "Strategy": "BytesPerHour" })
        }
    };
    json!({ "Policy": { "Rules": [rule] } })
}

/// SetDataRetrievalPolicy's body: one rule, with `BytesPerHour` exactly when the
/// strategy is `BytesPerHour`.
pub fn parse_policy(body: &[u8]) -> GlacierResult<RetrievalPolicy> {
    let document: Value = serde_json::from_slice(body).map_err(|err| {
        GlacierError::invalid_parameter(format!("The policy document is not valid JSON: {err}"))
    })?;
    let policy = document
        .get("Policy")
        .filter(|policy| !policy.is_null())
        .ok_or_else(|| GlacierError::missing_parameter("Required parameter Policy is missing"))?;
    let rules = policy.get("Rules").and_then(Value::as_array);
    let [rule] = rules.map(Vec::as_slice).unwrap_or_default() else {
        return Err(GlacierError::invalid_parameter(
            "The policy must have exactly one rule in Rules",
        ));
    };
    let strategy = rule
        .get("Strategy")
        .and_then(Value::as_str)
        .ok_or_else(|| GlacierError::missing_parameter("Required parameter Strategy is missing"))?;
    let bytes_per_hour = rule.get("BytesPerHour").filter(|value| !value.is_null());
    match (strategy, bytes_per_hour) {
        ("BytesPerHour", Some(value)) => parse_bytes_per_hour(value),
        ("BytesPerHour", None) => Err(GlacierError::missing_parameter(
            "BytesPerHour is required when the Strategy is BytesPerHour",
        )),
        ("None" | "FreeTier", Some(_)) => Err(GlacierError::invalid_parameter(format!(
            "BytesPerHour can only be set when the Strategy is BytesPerHour, not {strategy}"
        ))),
        ("None", None) => Ok(RetrievalPolicy::None),
        ("FreeTier", None) => Ok(RetrievalPolicy::FreeTier),
        (other, _) => Err(GlacierError::invalid_parameter(format!(
            "Invalid Strategy: {other}; use BytesPerHour, FreeTier or None"
        ))),
    }
}

fn parse_bytes_per_hour(value: &Value) -> GlacierResult<RetrievalPolicy> {
    match value.as_u64() {
        Some(limit) if (1..=i64::MAX as u64).contains(&limit) => {
            Ok(RetrievalPolicy::BytesPerHour(limit))
        }
        _ => Err(GlacierError::invalid_parameter(format!(
            "Invalid BytesPerHour: {value}; give a whole number from 1 to {}",
            i64::MAX
        ))),
    }
}

/// Refuses a Standard retrieval of `bytes` at `now` that the policy does not allow.
pub fn check_budget(state: &SandboxState, bytes: u64, now: OffsetDateTime) -> GlacierResult<()> {
    let (limit, window, rule) = match state.retrieval_policy {
        RetrievalPolicy::None => return Ok(()),
        RetrievalPolicy::BytesPerHour(limit) => (limit, HOUR, "the BytesPerHour limit of"),
        RetrievalPolicy::FreeTier => (
            FREE_TIER_BYTES_PER_DAY,
            DAY,
            "the free tier's daily allowance of",
        ),
    };
    let used = retrieved_since(state, now - window);
    if used.saturating_add(bytes) <= limit {
        return Ok(());
    }
    let period = if window == HOUR { "hour" } else { "24 hours" };
    Err(GlacierError::policy_enforced(format!(
        "InitiateJob request denied by current data retrieval policy: this Standard retrieval of {bytes} bytes, after {used} bytes in the last {period}, exceeds {rule} {limit} bytes"
    )))
}

/// Counts a Standard retrieval started at `now` against later budgets.
pub fn record_retrieval(state: &mut SandboxState, bytes: u64, now: OffsetDateTime) {
    state
        .recent_retrievals
        .retain(|record| record.at > now - DAY);
    state
        .recent_retrievals
        .push(RetrievalRecord { at: now, bytes });
}

fn retrieved_since(state: &SandboxState, since: OffsetDateTime) -> u64 {
    state
        .recent_retrievals
        .iter()
        .filter(|record| record.at > since)
        .fold(0u64, |sum, record| sum.saturating_add(record.bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn parsed(body: &str) -> GlacierResult<RetrievalPolicy> {
        parse_policy(body.as_bytes())
    }

    #[test]
    fn policies_round_trip_through_glacier_json() {
        for policy in [
            RetrievalPolicy::None,
            RetrievalPolicy::FreeTier,
            RetrievalPolicy::BytesPerHour(10_737_418_240),
        ] {
            let body = policy_json(&policy).to_string();
            assert_eq!(parsed(&body), Ok(policy));
        }
        assert_eq!(
            policy_json(&RetrievalPolicy::FreeTier),
            json!({"Policy":{"Rules":[{"Strategy":"FreeTier"}]}})
        );
    }

    #[test]
    fn malformed_policies_are_refused_with_glacier_codes() {
        let code = |body: &str| parsed(body).unwrap_err().code;
        assert_eq!(code("{}"), "MissingParameterValueException");
        assert_eq!(code("not json"), "InvalidParameterValueException");
        assert_eq!(
            code(r#"{"Policy":{"Rules":[]}}"#),
            "InvalidParameterValueException"
        );
        assert_eq!(
            code(r#"{"Policy":{"Rules":[{"Strategy":"None"},{"Strategy":"None"}]}}"#),
            "InvalidParameterValueException"
        );
        assert_eq!(
            code(r#"{"Policy":{"Rules":[{"Strategy":"BytesPerHour"}]}}"#),
            "MissingParameterValueException"
        );
        assert_eq!(
            code(r#"{"Policy":{"Rules":[{"Strategy":"FreeTier","BytesPerHour":5}]}}"#),
            "InvalidParameterValueException"
        );
        assert_eq!(
            code(r#"{"Policy":{"Rules":[{"Strategy":"BytesPerHour","BytesPerHour":0}]}}"#),
            "InvalidParameterValueException"
        );
        assert_eq!(
            code(r#"{"Policy":{"Rules":[{"Strategy":"Unlimited"}]}}"#),
            "InvalidParameterValueException"
        );
    }

    #[test]
    fn bytes_per_hour_counts_the_last_hour_only() {
        let t0 = datetime!(2026-01-01 12:00 UTC);
        let mut state = SandboxState {
            retrieval_policy: RetrievalPolicy::BytesPerHour(100),
            ..Default::default()
        };
        assert!(check_budget(&state, 100, t0).is_ok());
        assert!(check_budget(&state, 101, t0).is_err());
        record_retrieval(&mut state, 60, t0);
        let err = check_budget(&state, 41, t0 + time::Duration::minutes(59)).unwrap_err();
        assert_eq!(err.code, "PolicyEnforcedException");
        assert!(check_budget(&state, 40, t0 + time::Duration::minutes(59)).is_ok());
        assert!(check_budget(&state, 100, t0 + time::Duration::minutes(61)).is_ok());
    }

    #[test]
    fn free_tier_counts_a_day_and_none_counts_nothing() {
        let t0 = datetime!(2026-01-01 12:00 UTC);
        let mut state = SandboxState {
            retrieval_policy: RetrievalPolicy::FreeTier,
            ..Default::default()
        };
        record_retrieval(&mut state, FREE_TIER_BYTES_PER_DAY, t0);
        assert!(check_budget(&state, 1, t0 + time::Duration::hours(23)).is_err());
        assert!(check_budget(&state, 1, t0 + time::Duration::hours(25)).is_ok());
        state.retrieval_policy = RetrievalPolicy::None;
        assert!(check_budget(&state, u64::MAX, t0).is_ok());
    }

    #[test]
    fn records_older_than_a_day_are_dropped() {
        let t0 = datetime!(2026-01-01 12:00 UTC);
        let mut state = SandboxState::default();
        record_retrieval(&mut state, 1, t0);
        record_retrieval(&mut state, 2, t0 + time::Duration::hours(25));
        assert_eq!(state.recent_retrievals.len(), 1);
    }
}
