//! The words of a seeded zip's text members: dated lines of plausible office
//! words and amounts, so they compress as real documents do (about 3 to 1).

use super::super::generate::SplitMix;

const WORDS: &[&str] = &[
    "the",
    "and",
    "of",
    "to",
    "for",
    "with",
    "invoice",
    "total",
    "meeting",
    "project",
    "report",
    "budget",
    "client",
    "review",
    "draft",
    "final",
    "summary",
    "notes",
    "call",
    "agreed",
    "deadline",
    "payment",
    "received",
    "account",
    "balance",
    "quarter",
    "plan",
    "team",
    "update",
    "schedule",
    "travel",
    "hotel",
    "flight",
    "booking",
    "receipt",
    "tax",
    "return",
    "insurance",
    "policy",
    "renewal",
    "contract",
    "signed",
    "copy",
    "scan",
    "photo",
    "album",
    "family",
    "holiday",
    "garden",
    "kitchen",
    "school",
    "letter",
    "please",
    "see",
    "attached",
    "thanks",
    "regards",
    "next",
    "week",
    "monday",
    "friday",
    "office",
    "server",
    "backup",
    "restore",
];

/// `size` bytes of text, the same for the same seed.
pub fn generate(seed: u64, size: u64) -> Vec<u8> {
    let size = usize::try_from(size).unwrap_or(usize::MAX);
    let mut rng = SplitMix(seed);
    let mut text = Vec::with_capacity(size.saturating_add(64));
    while text.len() < size {
        let day = rng.below(28) + 1;
        let month = rng.below(12) + 1;
        let year = 2010 + rng.below(14);
        text.extend_from_slice(format!("{year}-{month:02}-{day:02} ").as_bytes());
        let words = 4 + rng.below(12);
        for _ in 0..words {
            text.extend_from_slice(rng.pick(WORDS).as_bytes());
            text.push(b' ');
        }
        if rng.chance(40) {
            text.extend_from_slice(
                format!("{}.{:02}", rng.below(10_000), rng.below(100)).as_bytes(),
            );
        }
        text.push(b'\n');
    }
    text.truncate(size);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_exactly_as_long_as_asked_and_repeatable() {
        for size in [0, 1, 100, 10_000] {
            assert_eq!(generate(3, size).len() as u64, size);
        }
        assert_eq!(generate(3, 5000), generate(3, 5000));
        assert_ne!(generate(3, 5000), generate(4, 5000));
        assert!(
            generate(3, 5000)
                .iter()
                .all(|b| b.is_ascii_graphic() || b" \n".contains(b))
        );
    }
}
