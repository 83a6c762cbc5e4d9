//! What the cache should answer, computed the slow, obvious way.

use defrost::domain::inventory::Timestamp;
use defrost::store::{ArchiveQuery, SortKey};

use super::{TestArchive, fold};

/// An inventory date for Unix milliseconds.
pub fn timestamp(ms: i64) -> Timestamp {
    let archive = TestArchive {
        id: String::new(),
        description: String::new(),
        size: 0,
        created_ms: ms,
    };
    Timestamp::parse(&archive.created_text()).unwrap()
}

/// The query answered by hand: positions (1-based) of the page, and the total.
pub fn model(archives: &[TestArchive], query: &ArchiveQuery) -> (Vec<u32>, u64) {
    let names: Vec<String> = archives.iter().map(TestArchive::name).collect();
    let keys: Vec<Vec<u8>> = archives.iter().map(TestArchive::name_order_key).collect();
    let keep = |(a, name, key): (&TestArchive, &String, &Vec<u8>)| {
        let text_ok = query.filter.as_deref().is_none_or(|term| {
            let term = fold(term);
            [name.as_str(), a.description.as_str(), a.id.as_str()]
                .iter()
                .any(|field| fold(field).contains(&term))
        });
        let created = timestamp(a.created_ms);
        text_ok
            && query.min_size.is_none_or(|min| a.size >= min)
            && query.max_size.is_none_or(|max| a.size <= max)
            && query.created_from.is_none_or(|from| created >= from)
            && query.created_before.is_none_or(|before| created < before)
            && query
                .under
                .as_deref()
                // A folder holds only named archives.
                .is_none_or(|prefix| prefix.is_empty() || key.starts_with(prefix.as_bytes()))
    };
    let mut kept: Vec<(usize, &TestArchive)> = archives
        .iter()
        .enumerate()
        .filter(|(i, a)| keep((a, &names[*i], &keys[*i])))
        .collect();
    kept.sort_by(|(i, a), (j, b)| {
        let by_key = match query.sort {
            SortKey::Name => keys[*i].cmp(&keys[*j]),
            SortKey::Size => a.size.cmp(&b.size),
            SortKey::Created => a.created_ms.cmp(&b.created_ms),
        };
        by_key.then(i.cmp(j))
    });
    if query.descending {
        kept.reverse();
    }
    let total = kept.len() as u64;
    let page = kept
        .into_iter()
        .skip(query.offset as usize)
        .take(query.limit)
        .map(|(i, _)| i as u32 + 1)
        .collect();
    (page, total)
}
