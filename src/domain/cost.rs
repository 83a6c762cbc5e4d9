//! What a retrieval will cost and how long it will take, from a dated price table
//! (defaults in `assets/prices.toml`, editable by the user) and Glacier's
//! completion times per tier.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Deserialize;

use super::job::{Pace, ServiceSpeed};
use super::job_params::Tier;

/// One GB as Glacier bills it.
const GB: f64 = (1u64 << 30) as f64;

/// The price of one tier.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierPrice {
    pub per_gb: f64,
    pub per_thousand_requests: f64,
}

/// Retrieval prices as published on a given date.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceTable {
    /// When the prices were read off the price list, shown beside every estimate.
    pub as_of: String,
    pub region: String,
    pub currency: String,
    pub tiers: BTreeMap<String, TierPrice>,
    /// What keeping an archive costs, for the fee of deleting one early. A
    /// table written before this was priced has none: the fee is then said
    /// without an amount.
    #[serde(default)]
    pub storage: Option<StoragePrice>,
}

/// What a vault charges to keep an archive.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoragePrice {
    pub per_gb_month: f64,
    /// An archive deleted sooner is charged for the rest of these days.
    pub minimum_days: u32,
}

/// Why a price table cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PriceTableError {
    #[error("{0}")]
    Syntax(String),
    #[error(
        "the price table has no [tiers.{0}] section; add it with per_gb and per_thousand_requests"
    )]
    MissingTier(&'static str),
    #[error("the price of tier {tier} is negative or not a number; give a price of 0 or more")]
    BadPrice { tier: &'static str },
}

impl PriceTable {
    /// Parses and checks a table in the form of `assets/prices.toml`.
    pub fn from_toml(text: &str) -> Result<Self, PriceTableError> {
        let table: PriceTable =
            toml::from_str(text).map_err(|err| PriceTableError::Syntax(err.to_string()))?;
        for tier in Tier::ALL {
            let price = table
                .tiers
                .get(tier.as_str())
                .ok_or(PriceTableError::MissingTier(tier.as_str()))?;
            let valid = |value: f64| value.is_finite() && value >= 0.0;
            if !valid(price.per_gb) || !valid(price.per_thousand_requests) {
                return Err(PriceTableError::BadPrice {
                    tier: tier.as_str(),
                });
            }
        }
        Ok(table)
    }

    /// The price of `tier`; every tier is present once the table is checked.
    fn price(&self, tier: Tier) -> TierPrice {
        self.tiers.get(tier.as_str()).copied().unwrap_or(TierPrice {
            per_gb: 0.0,
            per_thousand_requests: 0.0,
        })
    }
}

/// The estimate for one choice of tier.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    pub tier: Tier,
    /// In the table's currency.
    pub cost: f64,
    /// Typical completion after the start, at the service's speed.
    pub earliest: Duration,
    pub latest: Duration,
}

/// What retrieving `bytes` in `jobs` jobs costs at `tier`, and when it is typically
/// ready on a service running at `speed`.
pub fn estimate(
    table: &PriceTable,
    tier: Tier,
    bytes: u64,
    jobs: usize,
    speed: ServiceSpeed,
) -> Estimate {
    let price = table.price(tier);
    let cost =
        bytes as f64 / GB * price.per_gb + jobs as f64 / 1000.0 * price.per_thousand_requests;
    let pace = match tier {
        Tier::Expedited => Pace::Expedited,
        Tier::Standard => Pace::Standard,
        Tier::Bulk => Pace::Bulk,
    };
    let policy = pace.policy().at(speed);
    Estimate {
        tier,
        cost,
        earliest: policy.earliest,
        latest: policy.latest,
    }
}

/// The price table defrost ships (`assets/prices.toml`), dated; a user's own
/// table in the config directory replaces it on the screen.
const PUBLISHED_PRICES: &str = include_str!("../../assets/prices.toml");

impl PriceTable {
    /// The shipped table. It is checked by a test, so reading it cannot fail
    /// in a build that passed them; a build that did gets the error back.
    pub fn published() -> Result<PriceTable, PriceTableError> {
        PriceTable::from_toml(PUBLISHED_PRICES)
    }
}

/// A cost as people read one: four decimals below ten cents (`$0.0123`), so small
/// retrievals do not all read `$0.00`, else two.
pub fn format_cost(cost: f64, currency: &str) -> String {
    let symbol = if currency == "USD" { "$" } else { "" };
    let amount = if cost > 0.0 && cost < 0.1 {
        format!("{cost:.4}")
    } else {
        format!("{cost:.2}")
    };
    if symbol.is_empty() {
        format!("{amount} {currency}")
    } else {
        format!("{symbol}{amount}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_table_is_valid_and_dated() {
        let table = PriceTable::published().unwrap();
        assert!(!table.as_of.is_empty());
        assert_eq!(table.currency, "USD");
    }

    #[test]
    fn cost_counts_bytes_and_requests() {
        let table = PriceTable::published().unwrap();
        let ten_gb = 10 * (1u64 << 30);
        let standard = estimate(&table, Tier::Standard, ten_gb, 1, ServiceSpeed::GLACIER);
        assert!(
            (standard.cost - (0.10 + 0.00005)).abs() < 1e-9,
            "{}",
            standard.cost
        );
        let expedited = estimate(&table, Tier::Expedited, ten_gb, 2, ServiceSpeed::GLACIER);
        assert!((expedited.cost - (0.30 + 0.02)).abs() < 1e-9);
        let bulk = estimate(&table, Tier::Bulk, ten_gb, 1, ServiceSpeed::GLACIER);
        assert!(bulk.cost < standard.cost && standard.cost < expedited.cost);
        assert_eq!(standard.latest, Duration::from_secs(5 * 3600));
        assert_eq!(expedited.earliest, Duration::from_secs(60));
    }

    #[test]
    fn a_sandbox_finishes_sooner_at_the_same_price() {
        let table = PriceTable::published().unwrap();
        let fast = estimate(
            &table,
            Tier::Standard,
            1 << 30,
            1,
            ServiceSpeed::new(360).unwrap(),
        );
        assert_eq!(fast.latest, Duration::from_secs(50));
        assert!((fast.cost - 0.01005).abs() < 1e-9);
    }

    #[test]
    fn bad_tables_say_what_to_fix() {
        let missing = PUBLISHED_PRICES.replace("[tiers.Bulk]", "[tiers.Cheap]");
        assert_eq!(
            PriceTable::from_toml(&missing),
            Err(PriceTableError::MissingTier("Bulk"))
        );
        let negative = PUBLISHED_PRICES.replace("per_gb = 0.01", "per_gb = -1.0");
        assert_eq!(
            PriceTable::from_toml(&negative),
            Err(PriceTableError::BadPrice { tier: "Standard" })
        );
        let unknown = format!("{PUBLISHED_PRICES}\ncolour = 1\n");
        let err = PriceTable::from_toml(&unknown).unwrap_err().to_string();
        assert!(err.contains("colour"), "{err}");
    }

    #[test]
    fn costs_read_naturally() {
        assert_eq!(format_cost(0.0123, "USD"), "$0.0123");
        assert_eq!(format_cost(0.001, "USD"), "$0.0010");
        assert_eq!(format_cost(12.5, "USD"), "$12.50");
        assert_eq!(format_cost(0.0, "EUR"), "0.00 EUR");
    }
}
