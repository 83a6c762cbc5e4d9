//! Inputs the fuzzer found a crash or a broken invariant with, kept as named tests
//! after the fix: each runs through its target's whole check, and the rule it
//! broke is checked directly too.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use defrost::domain::names::{Format, MAX_PATH_BYTES, SafeRelativePath, decode, disambiguate};
use defrost::sandbox::multipart::{parse_content_range, part_index};
use defrost::sandbox::seed::{parse, plan_archives};
use time::macros::datetime;

use crate::engine::Target;
use crate::names::{Descriptions, FALLBACK};
use crate::sandbox_faults::SandboxSeed;
use crate::sandbox_headers::SandboxHeaders;
use crate::sandbox_state::upload;

/// A name whose safe path is 1,021 bytes, restored twice: the second copy
/// became ` (2)` longer than any path may be.
#[test]
fn a_numbered_duplicate_stays_within_the_path_bound() {
    let input = [b"</m>".repeat(255), b"</".to_vec()].concat();
    Descriptions.check(&input);
    let path = SafeRelativePath::new(&String::from_utf8_lossy(&input), FALLBACK);
    assert!(path.as_str().len() + " (2)".len() > MAX_PATH_BYTES);
    let given = disambiguate(&[path.clone(), path]);
    assert!(given[1].as_str().ends_with(" (2)"), "{}", given[1]);
    assert!(given.iter().all(|p| p.as_str().len() <= MAX_PATH_BYTES));
}

/// A seeded vault created in the last hour of the calendar: its archives' default
/// dates, an hour apart after it, overflowed and the sandbox panicked at start.
#[test]
fn a_vault_seeded_at_the_end_of_time_plans_its_archives() {
    let input = b"[[vaults]]\nname=\"v\"\ncreated=\"9999-12-31T23:59:59Z\"\n[[vaults.archives]]\ndescription=\"\"\nsize=\"1\"";
    SandboxSeed.check(input);
    let seed = parse(&String::from_utf8_lossy(input)).expect("the seed parses");
    let vault = &seed.vaults[0];
    let created = vault.created.expect("the seed dates its vault");
    let planned = plan_archives(vault, created, datetime!(2026-03-01 12:00 UTC));
    assert_eq!(planned.len(), 1);
    assert!(planned[0].created >= created);
}

/// `Content-Range: bytes 0-18446744073709551615/*` holds one byte more than a u64
/// counts: the count wrapped to zero (a panic, unoptimised), so with
/// `Content-Length: 0` the sandbox took it for part 0 of any upload.
#[test]
fn a_part_range_of_every_byte_is_refused() {
    let input = b"crange\xffbytes 0-18446744073709551615/*";
    SandboxHeaders.check(input);
    let range = parse_content_range(Some(b"bytes 0-18446744073709551615/*"))
        .expect("the header is well formed");
    assert_eq!(range.byte_count(), u64::MAX);
    assert!(part_index(&upload(), range, 0).is_err());
}

/// A FastGlacier-like description of 50,000 distinct elements: each name was
/// compared with every one before it, so one archive of an inventory could hold an
/// import for minutes. The check is now a set; this takes milliseconds.
#[test]
fn many_fastglacier_elements_decode_in_linear_time() {
    let mut description = String::from("<m>");
    for at in 0..50_000 {
        let _ = write!(description, "<a{at}>x</a{at}>");
    }
    description.push_str("</m>");
    let started = Instant::now();
    assert_eq!(decode(&description).format, Format::Raw);
    let took = started.elapsed();
    assert!(took < Duration::from_secs(5), "{took:?}");
}
