//! Which archives an inventory job returns: the date filter, `Limit` and `Marker`.
//!
//! Archives are taken in order of creation (then id). A marker names the first
//! archive of the next page by that order, so paging goes on correctly even when a
//! newer inventory replaced the one the previous page came from.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use time::OffsetDateTime;

use crate::domain::job_params::InventoryRetrieval;
use crate::sandbox::error::{GlacierError, GlacierResult};
use crate::sandbox::model::{Inventory, InventoryEntry};

/// One page of an inventory and where the next one starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InventoryPage {
    pub entries: Vec<InventoryEntry>,
    /// `None` on the last page.
    pub next_marker: Option<String>,
}

/// The archives `filters` select from `inventory`: created at or after StartDate and
/// before EndDate, from the marker on, at most Limit of them.
pub fn inventory_page(
    inventory: &Inventory,
    filters: &InventoryRetrieval,
) -> GlacierResult<InventoryPage> {
    let from = filters.marker().map(decode_marker).transpose()?;
    let start = filters.start_date().map(|date| date.to_offset_date_time());
    let end = filters.end_date().map(|date| date.to_offset_date_time());
    let mut selected: Vec<&InventoryEntry> = inventory
        .entries
        .iter()
        .filter(|entry| start.is_none_or(|start| entry.created >= start))
        .filter(|entry| end.is_none_or(|end| entry.created < end))
        .filter(|entry| {
            from.as_ref()
                .is_none_or(|(at, id)| (entry.created, entry.archive_id.as_str()) >= (*at, id))
        })
        .collect();
    selected.sort_by(|a, b| (a.created, &a.archive_id).cmp(&(b.created, &b.archive_id)));
    let limit = filters.limit().map_or(usize::MAX, |limit| {
        usize::try_from(limit.get()).unwrap_or(usize::MAX)
    });
    let next_marker = selected.get(limit).map(|entry| encode_marker(entry));
    selected.truncate(limit);
    Ok(InventoryPage {
        entries: selected.into_iter().cloned().collect(),
        next_marker,
    })
}

/// An opaque marker for the page that starts at `entry`.
pub fn encode_marker(entry: &InventoryEntry) -> String {
    let key = format!(
        "{}:{}",
        entry.created.unix_timestamp_nanos(),
        entry.archive_id
    );
    URL_SAFE_NO_PAD.encode(key)
}

/// The creation time and archive id a marker starts at.
pub fn decode_marker(marker: &str) -> GlacierResult<(OffsetDateTime, String)> {
    let invalid = || {
        GlacierError::invalid_parameter(format!(
            "Invalid Marker: {marker}; use the Marker a completed inventory job's DescribeJob returned"
        ))
    };
    let bytes = URL_SAFE_NO_PAD.decode(marker).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let (nanos, archive_id) = text.split_once(':').ok_or_else(invalid)?;
    let nanos: i128 = nanos.parse().map_err(|_| invalid())?;
    let at = OffsetDateTime::from_unix_timestamp_nanos(nanos).map_err(|_| invalid())?;
    Ok((at, archive_id.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::job_params::{JobParams, JobRequest, validate};
    use time::macros::datetime;

    fn inventory(count: u32) -> Inventory {
        let entries = (0..count)
            .map(|i| InventoryEntry {
                archive_id: format!("archive-{i:03}"),
                description: String::new(),
                created: datetime!(2024-01-01 00:00 UTC) + time::Duration::days(i.into()),
                size: u64::from(i),
                tree_hash: String::new(),
            })
            .collect();
        Inventory {
            date: datetime!(2025-01-01 00:00 UTC),
            entries,
        }
    }

    fn filters(body: &str) -> InventoryRetrieval {
        let request = JobRequest::from_json(body).unwrap();
        match validate(&request, None).unwrap() {
            JobParams::Inventory(filters) => filters,
            other => panic!("not an inventory job: {other:?}"),
        }
    }

    fn ids(page: &InventoryPage) -> Vec<&str> {
        page.entries.iter().map(|e| e.archive_id.as_str()).collect()
    }

    #[test]
    fn no_filters_return_everything_without_a_marker() {
        let page =
            inventory_page(&inventory(5), &filters(r#"{"Type":"inventory-retrieval"}"#)).unwrap();
        assert_eq!(page.entries.len(), 5);
        assert_eq!(page.next_marker, None);
    }

    #[test]
    fn start_date_is_inclusive_and_end_date_exclusive() {
        let page = inventory_page(
            &inventory(10),
            &filters(
                r#"{"Type":"inventory-retrieval","InventoryRetrievalParameters":
                {"StartDate":"2024-01-03T00:00:00Z","EndDate":"2024-01-06T00:00:00Z"}}"#,
            ),
        )
        .unwrap();
        assert_eq!(ids(&page), ["archive-002", "archive-003", "archive-004"]);
    }

    #[test]
    fn limit_and_marker_page_through_to_the_end() {
        let inventory = inventory(7);
        let mut marker: Option<String> = None;
        let mut seen = Vec::new();
        let mut pages = 0;
        loop {
            let marker_field = marker
                .as_ref()
                .map(|m| format!(r#","Marker":"{m}""#))
                .unwrap_or_default();
            let body = format!(
                r#"{{"Type":"inventory-retrieval","InventoryRetrievalParameters":{{"Limit":"3"{marker_field}}}}}"#
            );
            let page = inventory_page(&inventory, &filters(&body)).unwrap();
            seen.extend(ids(&page).into_iter().map(str::to_owned));
            pages += 1;
            marker = page.next_marker;
            if marker.is_none() {
                break;
            }
        }
        assert_eq!(pages, 3);
        let all: Vec<String> = (0..7).map(|i| format!("archive-{i:03}")).collect();
        assert_eq!(seen, all);
    }

    #[test]
    fn a_marker_survives_a_newer_inventory_without_its_archive() {
        let old = inventory(6);
        let marker = encode_marker(&old.entries[3]);
        let mut newer = old.clone();
        newer.entries.remove(3);
        let body = format!(
            r#"{{"Type":"inventory-retrieval","InventoryRetrievalParameters":{{"Marker":"{marker}"}}}}"#
        );
        let page = inventory_page(&newer, &filters(&body)).unwrap();
        assert_eq!(ids(&page), ["archive-004", "archive-005"]);
    }

    #[test]
    fn markers_round_trip_and_garbage_is_refused() {
        let entry = &inventory(1).entries[0];
        let (at, id) = decode_marker(&encode_marker(entry)).unwrap();
        assert_eq!((at, id.as_str()), (entry.created, "archive-000"));
        for bad in ["not-a-marker", "", "bm9jb2xvbg", "eDp5"] {
            let err = decode_marker(bad).unwrap_err();
            assert_eq!(err.code, "InvalidParameterValueException", "{bad}");
        }
    }
}
