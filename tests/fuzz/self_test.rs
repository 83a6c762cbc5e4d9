//! The fuzzer must find what it is for: a parser with a planted overflow, fuzzed
//! from a corpus that never overflows, is caught, shrunk and reported with its seed.

use crate::engine::{Settings, Target, Verdict, text};
use crate::run::{escape, run};

/// Reads every run of digits as a `u64`, panicking on one past `u64::MAX`.
struct Planted;

impl Target for Planted {
    fn name(&self) -> &'static str {
        "planted"
    }

    fn corpus(&self) -> Vec<Vec<u8>> {
        vec![b"12345".to_vec(), b"size: 42, offset 7".to_vec()]
    }

    fn check(&self, input: &[u8]) -> Verdict {
        let text = text(input);
        let numbers = text.split(|c: char| !c.is_ascii_digit());
        for digits in numbers.filter(|digits| !digits.is_empty()) {
            let _: u64 = digits.parse().expect("a number within u64");
        }
        Verdict::accepted(())
    }
}

#[test]
fn a_planted_crash_is_found_shrunk_and_reported() {
    let settings = Settings {
        cases: 20_000,
        seed: 1,
    };
    let report = run(&Planted, settings).expect_err("the planted overflow was not found");
    assert!(report.contains("seed 1"), "{report}");
    assert!(report.contains("a number within u64"), "{report}");
    assert!(report.contains("self_test.rs"), "{report}");
    assert!(report.contains("DEFROST_FUZZ_SEED=1 "), "{report}");
    let smallest = report
        .lines()
        .find_map(|line| line.trim().strip_prefix("smallest input ("))
        .and_then(|rest| rest.split_once(" bytes): b\""))
        .and_then(|(_, literal)| literal.strip_suffix('"'))
        .unwrap_or_else(|| panic!("no smallest input in {report}"));
    // Nothing but the overflowing digits is left, and no digit can go.
    assert!(smallest.bytes().all(|b| b.is_ascii_digit()), "{smallest}");
    assert!((20..=21).contains(&smallest.len()), "{smallest}");
    assert!(smallest.parse::<u64>().is_err());
}

#[test]
fn inputs_are_reported_as_byte_strings() {
    assert_eq!(
        escape(b"a\"\\\n\r\t\x00\xff~", 100),
        r#"b"a\"\\\n\r\t\x00\xff~""#
    );
    assert_eq!(escape(b"abcdef", 3), r#"b"abc" (cut; 6 bytes in all)"#);
}
