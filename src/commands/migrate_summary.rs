//! What `defrost migrate` shows before it pays: the batch's summary as a
//! restore shows it, with the bucket as its destination, then what the bucket
//! holds already, the storage's monthly cost, and whether every job will
//! notify the vault's topic.

use crate::commands::cached::count;
use crate::commands::restore::view::summary_into;
use crate::domain::cost::{PriceTable, format_cost};
use crate::domain::migrate::StoragePriceTable;
use crate::text::printable;
use crate::tracking::migrate::{InBucket, Notices, PreparedMigration};

/// Everything the user should know before paying, one fact a line.
pub fn summary(
    prepared: &PreparedMigration,
    prices: &PriceTable,
    storage_prices: &StoragePriceTable,
) -> String {
    let target = &prepared.target;
    let into = format!(
        "Into      s3://{}/{} ({}, bucket in {})\n",
        printable(&target.bucket),
        printable(&target.prefix),
        printable(&target.storage_class),
        printable(&target.region)
    );
    let held = |wanted: fn(&InBucket) -> bool| {
        prepared
            .in_bucket
            .iter()
            .filter(|held| wanted(held))
            .count() as u64
    };
    let same = held(|held| matches!(held, InBucket::Same { .. }));
    let other = held(|held| *held == InBucket::Other);
    let mut already = String::new();
    if same > 0 {
        already.push_str(&format!(
            "In bucket {} archives are already copied (the same tree hash): not paid again\n",
            count(same)
        ));
    }
    if other > 0 {
        already.push_str(&format!(
            "In bucket {} keys hold another archive: {}\n",
            count(other),
            if prepared.overwrite {
                "replaced, as --overwrite asks"
            } else {
                "nothing starts unless --overwrite replaces them or --prefix puts the copies elsewhere"
            }
        ));
    }
    let mut out = summary_into(&prepared.batch, prices, &into, &already);
    out.push_str(&format!(
        "Storage   about {} a month at {}, {} at the least (S3 prices of {})\n",
        format_cost(prepared.cost.monthly, &storage_prices.currency),
        printable(&target.storage_class),
        format_cost(prepared.cost.minimum, &storage_prices.currency),
        storage_prices.as_of,
    ));
    out.push_str(&notices_line(
        &prepared.notices,
        prepared.batch.summary.to_start.archives,
    ));
    out
}

/// A warning when each job will notify the vault's topic, or when that could
/// not be checked.
fn notices_line(notices: &Notices, jobs: u64) -> String {
    if let Some(topic) = notices.per_archive_topic() {
        return format!(
            "Notices   the vault notifies {} of every finished retrieval: about {} messages; remove the vault's notification configuration first if its readers should not get them\n",
            printable(topic),
            count(jobs)
        );
    }
    match notices {
        Notices::Unknown { reason } => format!(
            "Notices   could not read the vault's notification configuration ({}); each job may notify its topic\n",
            printable(reason)
        ),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::glacier::VaultNotifications;

    fn on(events: &[&str]) -> Notices {
        Notices::On(VaultNotifications {
            topic: "arn:aws:sns:us-east-1:1:restores\u{1b}[2J".into(),
            events: events.iter().map(|event| (*event).to_owned()).collect(),
        })
    }

    #[test]
    fn a_topic_told_of_archive_retrievals_is_warned_of_with_the_message_count() {
        let line = notices_line(&on(&["ArchiveRetrievalCompleted"]), 1500);
        assert!(line.starts_with("Notices   the vault notifies arn:aws:sns:us-east-1:1:restores"));
        assert!(line.contains("about 1,500 messages"), "{line}");
        assert!(!line.contains('\u{1b}'), "{line:?}");
    }

    #[test]
    fn no_topic_or_one_told_only_of_inventories_says_nothing() {
        assert_eq!(notices_line(&Notices::Off, 10), "");
        assert_eq!(notices_line(&on(&["InventoryRetrievalCompleted"]), 10), "");
    }

    #[test]
    fn a_configuration_that_could_not_be_read_is_said() {
        let line = notices_line(
            &Notices::Unknown {
                reason: "access denied".into(),
            },
            3,
        );
        assert!(line.contains("could not read") && line.contains("access denied"));
    }
}
