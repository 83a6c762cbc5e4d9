//! Provisioned capacity: units that guarantee Expedited retrievals, each lasting one
//! calendar month of real time from its purchase, as on AWS.

use serde_json::{Value, json};
use time::{Date, OffsetDateTime};

use crate::sandbox::clock::glacier_date;
use crate::sandbox::error::{GlacierError, GlacierResult};
use crate::sandbox::model::{CapacityUnit, SandboxState};

/// Glacier sells at most two units per account at a time.
pub const MAX_ACTIVE_UNITS: usize = 2;

/// Glacier's capacity ids are 24 characters long.
const CAPACITY_ID_LEN: usize = 24;

/// PurchaseProvisionedCapacity: a unit from `now` to a month later, or
/// `LimitExceededException` when the account already has the most it may hold.
pub fn purchase_capacity(state: &mut SandboxState, now: OffsetDateTime) -> GlacierResult<String> {
    let active = state
        .provisioned_capacity
        .iter()
        .filter(|unit| unit.expiration > now)
        .count();
    if active >= MAX_ACTIVE_UNITS {
        return Err(GlacierError::limit_exceeded(format!(
            "The account already has {active} provisioned capacity units, the most it can hold; wait until one expires"
        )));
    }
    let id = state.next_id(CAPACITY_ID_LEN, b"capacity", b"");
    state.provisioned_capacity.push(CapacityUnit {
        id: id.clone(),
        start: now,
        expiration: one_month_later(now),
    });
    Ok(id)
}

/// ListProvisionedCapacity's body.
pub fn list_capacity(state: &SandboxState) -> Value {
    let units: Vec<Value> = state
        .provisioned_capacity
        .iter()
        .map(|unit| {
            json!({
                "CapacityId": unit.id,
                "StartDate": glacier_date(unit.start),
                "ExpirationDate": glacier_date(unit.expiration),
            })
        })
        .collect();
    json!({ "ProvisionedCapacityList": units })
}

/// Expedited retrievals go ahead when the account has capacity: a unit in force at
/// `now`, or on-demand capacity the sandbox was told is available.
pub fn check_expedited_capacity(state: &SandboxState, now: OffsetDateTime) -> GlacierResult<()> {
    let provisioned = state
        .provisioned_capacity
        .iter()
        .any(|unit| unit.start <= now && now < unit.expiration);
    if state.expedited_capacity_available || provisioned {
        return Ok(());
    }
    Err(GlacierError::insufficient_capacity(
        "There is not enough capacity to process this Expedited request; try again later, use the Standard or Bulk tier, or purchase provisioned capacity",
    ))
}

/// The same time on the same day of the next month, to the second; the last day of
/// the next month when it is shorter (January 31 → February 28).
pub fn one_month_later(at: OffsetDateTime) -> OffsetDateTime {
    let at = at.replace_nanosecond(0).unwrap_or(at);
    let (year, month) = match at.month() {
        time::Month::December => (at.year() + 1, time::Month::January),
        month => (at.year(), month.next()),
    };
    let day = at.day().min(month.length(year));
    Date::from_calendar_date(year, month, day)
        .map(|date| at.replace_date(date))
        .unwrap_or(at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn a_unit_lasts_one_calendar_month_to_the_second() {
        assert_eq!(
            one_month_later(datetime!(2017-01-31 14:26:33.031 UTC)),
            datetime!(2017-02-28 14:26:33 UTC)
        );
        assert_eq!(
            one_month_later(datetime!(2016-12-13 20:11:51.095 UTC)),
            datetime!(2017-01-13 20:11:51 UTC)
        );
        assert_eq!(
            one_month_later(datetime!(2024-01-30 00:00 UTC)),
            datetime!(2024-02-29 00:00 UTC)
        );
    }

    #[test]
    fn at_most_two_units_are_in_force_at_once() {
        let t0 = datetime!(2026-01-10 00:00 UTC);
        let mut state = SandboxState::default();
        let first = purchase_capacity(&mut state, t0).unwrap();
        let second = purchase_capacity(&mut state, t0).unwrap();
        assert_ne!(first, second);
        assert_eq!(first.len(), 24);
        let err = purchase_capacity(&mut state, t0).unwrap_err();
        assert_eq!(err.code, "LimitExceededException");
        assert!(purchase_capacity(&mut state, datetime!(2026-02-10 00:00 UTC)).is_ok());
        let list = list_capacity(&state);
        assert_eq!(list["ProvisionedCapacityList"].as_array().unwrap().len(), 3);
        assert_eq!(
            list["ProvisionedCapacityList"][0]["ExpirationDate"],
            "2026-02-10T00:00:00.000Z"
        );
    }

    #[test]
    fn expedited_needs_on_demand_capacity_or_a_unit_in_force() {
        let t0 = datetime!(2026-01-10 00:00 UTC);
        let mut state = SandboxState {
            expedited_capacity_available: false,
            ..Default::default()
        };
        let err = check_expedited_capacity(&state, t0).unwrap_err();
        assert_eq!(err.code, "InsufficientCapacityException");
        purchase_capacity(&mut state, t0).unwrap();
        assert!(check_expedited_capacity(&state, t0).is_ok());
        assert!(check_expedited_capacity(&state, datetime!(2026-02-10 00:00 UTC)).is_err());
        state.expedited_capacity_available = true;
        assert!(check_expedited_capacity(&state, datetime!(2026-03-10 00:00 UTC)).is_ok());
    }
}
