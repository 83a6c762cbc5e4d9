//! The archives marked for a batch: a set of inventory positions with running
//! totals. A bit per archive (125 KB for a million) makes marking, unmarking and
//! asking whether a row is marked constant time, and the totals mean the pane's
//! title never counts; only marking a whole filter or folder walks its archives.

use std::fmt;

use super::msg::RequestId;

/// Archive positions (1-based places in one snapshot's inventory), with how many
/// are marked and their bytes.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Marks {
    /// Bit `p - 1` is set when position `p` is marked; grown on demand.
    words: Vec<u64>,
    count: u64,
    /// Sizes are summed wide: a million archives of up to 40 TiB overflow a u64.
    bytes: u128,
}

impl Marks {
    pub fn contains(&self, position: u32) -> bool {
        let Some((word, bit)) = place(position) else {
            return false;
        };
        self.words.get(word).is_some_and(|w| w & bit != 0)
    }

    /// Marks `position`, an archive of `size` bytes; false when it already was.
    pub fn mark(&mut self, position: u32, size: u64) -> bool {
        let Some((word, bit)) = place(position) else {
            return false;
        };
        if word >= self.words.len() {
            self.words.resize(word + 1, 0);
        }
        let slot = &mut self.words[word];
        if *slot & bit != 0 {
            return false;
        }
        *slot |= bit;
        self.count += 1;
        self.bytes += u128::from(size);
        true
    }

    /// Unmarks `position`, which was marked with `size`; false when it was not.
    pub fn unmark(&mut self, position: u32, size: u64) -> bool {
        let Some((word, bit)) = place(position) else {
            return false;
        };
        let Some(slot) = self.words.get_mut(word).filter(|w| **w & bit != 0) else {
            return false;
        };
        *slot &= !bit;
        self.count -= 1;
        self.bytes = self.bytes.saturating_sub(u128::from(size));
        true
    }

    /// Marks `position` if it was not, else unmarks it; true when it is now marked.
    pub fn toggle(&mut self, position: u32, size: u64) -> bool {
        if self.unmark(position, size) {
            return false;
        }
        self.mark(position, size)
    }

    /// Whether every one of `archives` is marked (true of none).
    pub fn all_marked(&self, archives: &[(u32, u64)]) -> bool {
        archives
            .iter()
            .all(|&(position, _)| self.contains(position))
    }

    /// Marks all of `archives` when some are not marked, else unmarks them all;
    /// true when they are now marked.
    pub fn toggle_all(&mut self, archives: &[(u32, u64)]) -> bool {
        if self.all_marked(archives) && !archives.is_empty() {
            for &(position, size) in archives {
                self.unmark(position, size);
            }
            return false;
        }
        for &(position, size) in archives {
            self.mark(position, size);
        }
        true
    }

    pub fn count(&self) -> u64 {
        self.count
    }

    pub fn bytes(&self) -> u128 {
        self.bytes
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    pub fn clear(&mut self) {
        *self = Marks::default();
    }

    /// The marked positions, lowest first: what a batch on the marks retrieves.
    pub fn positions(&self) -> impl Iterator<Item = u32> + '_ {
        self.words.iter().enumerate().flat_map(|(index, &word)| {
            let base = index as u64 * 64 + 1;
            SetBits(word).map(move |bit| (base + u64::from(bit)) as u32)
        })
    }
}

/// A 125 KB bit set printed in full would bury a failing test's message.
impl fmt::Debug for Marks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown: Vec<u32> = self.positions().take(20).collect();
        f.debug_struct("Marks")
            .field("count", &self.count)
            .field("bytes", &self.bytes)
            .field("first", &shown)
            .finish()
    }
}

/// The word and bit of a position; `None` for 0, which no archive has.
fn place(position: u32) -> Option<(usize, u64)> {
    let index = (position as usize).checked_sub(1)?;
    Some((index / 64, 1 << (index % 64)))
}

/// The set bits of a word, lowest first.
struct SetBits(u64);

impl Iterator for SetBits {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        if self.0 == 0 {
            return None;
        }
        let bit = self.0.trailing_zeros();
        self.0 &= self.0 - 1;
        Some(bit)
    }
}

/// What a mark request covers, to say what it did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MarkScope {
    /// Every archive the table's filter keeps (`""`: every archive).
    Filter(String),
    /// Every archive under a folder of the tree (`""`: the top, `a/b/`).
    Folder(String),
}

impl MarkScope {
    /// "matching /img", "under photos/2019/", "of the vault".
    pub fn describe(&self) -> String {
        match self {
            MarkScope::Filter(filter) if !filter.is_empty() => format!("matching /{filter}"),
            MarkScope::Folder(path) if !path.is_empty() => format!("under {path}"),
            _ => "of the vault".to_owned(),
        }
    }
}

/// A request for the archives of a scope, to mark or unmark them once known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingMark {
    pub request: RequestId,
    pub scope: MarkScope,
}

/// A count with thousands separators: `1,204`.
pub fn grouped(count: u64) -> String {
    let digits = count.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marking_keeps_the_count_and_bytes_without_counting_twice() {
        let mut marks = Marks::default();
        assert!(marks.mark(1, 10));
        assert!(marks.mark(64, 20));
        assert!(marks.mark(65, 30));
        assert!(marks.mark(1_000_000, 40));
        assert!(!marks.mark(64, 20), "already marked");
        assert_eq!((marks.count(), marks.bytes()), (4, 100));
        assert!(marks.contains(64) && marks.contains(65) && !marks.contains(66));
        assert!(marks.unmark(64, 20));
        assert!(!marks.unmark(64, 20), "no longer marked");
        assert!(!marks.unmark(2_000_000, 5), "beyond the set");
        assert_eq!((marks.count(), marks.bytes()), (3, 80));
        assert_eq!(marks.positions().collect::<Vec<_>>(), [1, 65, 1_000_000]);
    }

    #[test]
    fn position_zero_is_no_archive() {
        let mut marks = Marks::default();
        assert!(!marks.mark(0, 10));
        assert!(!marks.contains(0));
        assert!(marks.is_empty());
    }

    #[test]
    fn toggling_flips_one_and_all_flips_a_group() {
        let mut marks = Marks::default();
        assert!(marks.toggle(7, 1));
        assert!(!marks.toggle(7, 1));
        assert!(marks.is_empty());
        let group = [(3, 100), (4, 200), (u32::MAX, 300)];
        marks.mark(4, 200);
        // Partly marked: the rest are marked, the one already marked counted once.
        assert!(marks.toggle_all(&group));
        assert_eq!((marks.count(), marks.bytes()), (3, 600));
        assert!(marks.contains(u32::MAX));
        // All marked: all are unmarked.
        assert!(!marks.toggle_all(&group));
        assert!(marks.is_empty() && marks.bytes() == 0);
        assert!(marks.toggle_all(&[]), "nothing to unmark");
    }

    #[test]
    fn a_million_positions_fit_in_125_kilobytes() {
        let mut marks = Marks::default();
        for position in (1..=1_000_000).step_by(10) {
            marks.mark(position, 1);
        }
        assert_eq!(marks.count(), 100_000);
        assert!(marks.words.len() * 8 <= 125_000);
        assert_eq!(marks.positions().count(), 100_000);
        marks.clear();
        assert!(marks.is_empty() && marks.positions().next().is_none());
    }

    #[test]
    fn counts_read_with_separators() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1_204), "1,204");
        assert_eq!(grouped(1_000_000), "1,000,000");
    }
}
