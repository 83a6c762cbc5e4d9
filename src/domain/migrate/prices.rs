//! What keeping a migrated vault in S3 costs each month, from a dated price
//! table (`assets/s3-prices.toml`) in the shape of the retrieval table of
//! `cost.rs`.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::StorageClass;

/// One GB as S3 bills it.
const GB: f64 = (1u64 << 30) as f64;

/// Days in the billing month that minimum storage durations are measured in.
const DAYS_PER_MONTH: f64 = 30.0;

/// The prices and billing rules of one storage class.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassPrice {
    pub per_gb_month: f64,
    pub minimum_days: u32,
    pub minimum_object_bytes: u64,
    pub overhead_bytes: u64,
    pub standard_overhead_bytes: u64,
    pub per_thousand_puts: f64,
}

/// S3 storage prices as published on a given date.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoragePriceTable {
    /// When the prices were read off the price list, shown beside every estimate.
    pub as_of: String,
    pub region: String,
    pub currency: String,
    pub classes: BTreeMap<String, ClassPrice>,
}

/// Why a storage price table cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StoragePriceError {
    #[error("{0}")]
    Syntax(String),
    #[error(
        "the storage price table has no [classes.{0}] section; add it with the fields the shipped table has"
    )]
    MissingClass(&'static str),
    #[error(
        "a price of storage class {class} is negative or not a number; give a price of 0 or more"
    )]
    BadPrice { class: &'static str },
}

/// The table defrost ships, dated.
const PUBLISHED_STORAGE_PRICES: &str = include_str!("../../../assets/s3-prices.toml");

impl StoragePriceTable {
    /// Parses and checks a table in the form of `assets/s3-prices.toml`.
    pub fn from_toml(text: &str) -> Result<Self, StoragePriceError> {
        let table: StoragePriceTable =
            toml::from_str(text).map_err(|err| StoragePriceError::Syntax(err.to_string()))?;
        for class in StorageClass::ALL {
            let price = table
                .classes
                .get(class.as_str())
                .ok_or(StoragePriceError::MissingClass(class.as_str()))?;
            let valid = |value: f64| value.is_finite() && value >= 0.0;
            if !valid(price.per_gb_month) || !valid(price.per_thousand_puts) {
                return Err(StoragePriceError::BadPrice {
                    class: class.as_str(),
                });
            }
        }
        Ok(table)
    }

    /// The shipped table. A test reads it, so a build that passed them cannot
    /// fail here; one that did gets the error back.
    pub fn published() -> Result<Self, StoragePriceError> {
        Self::from_toml(PUBLISHED_STORAGE_PRICES)
    }

    /// The prices of `class`; every class is present once the table is checked.
    pub fn price(&self, class: StorageClass) -> ClassPrice {
        self.classes
            .get(class.as_str())
            .copied()
            .unwrap_or(ClassPrice {
                per_gb_month: 0.0,
                minimum_days: 0,
                minimum_object_bytes: 0,
                overhead_bytes: 0,
                standard_overhead_bytes: 0,
                per_thousand_puts: 0.0,
            })
    }
}

/// What keeping `bytes` in `class` costs a month, by the per-GB price alone.
pub fn monthly_cost(table: &StoragePriceTable, class: StorageClass, bytes: u64) -> f64 {
    bytes as f64 / GB * table.price(class).per_gb_month
}

/// What a migration into one class costs, in the table's currency.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MigrationCost {
    /// Each month the objects are kept, with minimum sizes and the archival
    /// classes' per-object overhead.
    pub monthly: f64,
    /// What is billed even if the objects are deleted at once: the minimum
    /// storage duration at the monthly price.
    pub minimum: f64,
    /// The uploads' requests, paid once.
    pub requests: f64,
}

/// The cost of keeping objects of `sizes` bytes in `class`, each sent as a
/// multipart upload of `parts_of(size)` parts.
pub fn migration_cost(
    table: &StoragePriceTable,
    class: StorageClass,
    sizes: impl IntoIterator<Item = u64>,
    parts_of: impl Fn(u64) -> u64,
) -> MigrationCost {
    let price = table.price(class);
    let standard = table.price(StorageClass::Standard);
    let (mut billed, mut standard_billed, mut requests) = (0u64, 0u64, 0u64);
    for size in sizes {
        billed = billed
            .saturating_add(size.max(price.minimum_object_bytes))
            .saturating_add(price.overhead_bytes);
        standard_billed = standard_billed.saturating_add(price.standard_overhead_bytes);
        requests = requests.saturating_add(parts_of(size).saturating_add(2));
    }
    let monthly = billed as f64 / GB * price.per_gb_month
        + standard_billed as f64 / GB * standard.per_gb_month;
    MigrationCost {
        monthly,
        minimum: monthly * f64::from(price.minimum_days) / DAYS_PER_MONTH,
        requests: requests as f64 / 1000.0 * price.per_thousand_puts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_table_is_valid_dated_and_ordered_by_price() {
        let table = StoragePriceTable::published().unwrap();
        assert_eq!(table.currency, "USD");
        assert_eq!(table.region, "us-east-1");
        assert!(
            time::Date::parse(
                &table.as_of,
                time::macros::format_description!("[year]-[month]-[day]")
            )
            .is_ok()
        );
        let prices: Vec<f64> = StorageClass::ALL
            .iter()
            .map(|class| table.price(*class).per_gb_month)
            .collect();
        assert!(
            prices.windows(2).all(|pair| pair[0] < pair[1]),
            "{prices:?}"
        );
        assert_eq!(table.price(StorageClass::DeepArchive).minimum_days, 180);
    }

    #[test]
    fn a_tebibyte_a_month_at_each_class() {
        let table = StoragePriceTable::published().unwrap();
        let tib = 1u64 << 40;
        let cost = |class| monthly_cost(&table, class, tib);
        assert!((cost(StorageClass::DeepArchive) - 1.01376).abs() < 1e-9);
        assert!((cost(StorageClass::Standard) - 23.552).abs() < 1e-9);
        assert_eq!(monthly_cost(&table, StorageClass::Glacier, 0), 0.0);
    }

    #[test]
    fn small_objects_pay_minimums_and_overheads() {
        let table = StoragePriceTable::published().unwrap();
        let one_part = |_| 1;
        let tiny = migration_cost(&table, StorageClass::StandardIa, [1, 1], one_part);
        let at_minimum = migration_cost(
            &table,
            StorageClass::StandardIa,
            [131_072, 131_072],
            one_part,
        );
        assert_eq!(tiny, at_minimum);
        let deep = migration_cost(&table, StorageClass::DeepArchive, [0], one_part);
        let expected = 32768.0 / GB * 0.00099 + 8192.0 / GB * 0.023;
        assert!((deep.monthly - expected).abs() < 1e-15);
        assert!((deep.minimum - deep.monthly * 6.0).abs() < 1e-15);
        assert!((deep.requests - 3.0 / 1000.0 * 0.05).abs() < 1e-15);
    }

    #[test]
    fn a_table_that_lacks_a_class_or_a_field_is_refused() {
        let text = include_str!("../../../assets/s3-prices.toml");
        let without = text.replace("[classes.GLACIER_IR]", "[classes.OTHER]");
        assert_eq!(
            StoragePriceTable::from_toml(&without),
            Err(StoragePriceError::MissingClass("GLACIER_IR"))
        );
        let unknown = text.replace("per_gb_month = 0.023", "per_gb_month = 0.023\nper_tb = 1");
        assert!(matches!(
            StoragePriceTable::from_toml(&unknown),
            Err(StoragePriceError::Syntax(_))
        ));
        let negative = text.replace("per_gb_month = 0.023", "per_gb_month = -1.0");
        assert_eq!(
            StoragePriceTable::from_toml(&negative),
            Err(StoragePriceError::BadPrice { class: "STANDARD" })
        );
    }
}
