//! Fuzzing every parser that reads outside input, on the stable toolchain: the
//! inventory readers, the description decoders and safe paths, the range grammar,
//! job-parameter validation, and the sandbox's request rules, fault specs and seeds.
//!
//! Each test fuzzes one target. It runs the target's seed corpus (the fixtures in
//! `tests/data` and realistic inputs of each format), then mutants of it made as a
//! mutation fuzzer makes them, keeping each input that reaches a new outcome to
//! mutate further. Every input runs with its panic caught; besides panics, each
//! target checks invariants (a resolved range lies in its archive, accepted job
//! parameters render to JSON that validates again, a safe path has no `..`, reading
//! in pieces gives what reading whole gives, and so on). A failure is shrunk and
//! reported as a byte string with the seed that replays it. Each test ends with a
//! line `fuzz TARGET: N inputs, M accepted, K rejected, C crashes, seed S`.
//!
//! `DEFROST_FUZZ_CASES` sets the inputs per target (by default 3,000, and 1,000 for
//! the JSON inventory, a few seconds in all), `DEFROST_FUZZ_SEED` the seed (random
//! by default). A long run of one target, in release mode:
//!
//! ```sh
//! DEFROST_FUZZ_CASES=10000000 cargo test --release --test fuzz -- --nocapture ranges
//! ```
//!
//! Release builds do not check arithmetic overflow, so a run in the default test
//! profile (without `--release`, slower) is the one that catches an overflow as a
//! panic; release runs still catch it where an invariant sees the wrapped value.

#[path = "fuzz/corpus.rs"]
mod corpus;
#[path = "fuzz/engine.rs"]
mod engine;
#[path = "fuzz/inventory.rs"]
mod inventory;
#[path = "fuzz/inventory_csv.rs"]
mod inventory_csv;
#[path = "fuzz/inventory_gen.rs"]
mod inventory_gen;
#[path = "fuzz/inventory_json.rs"]
mod inventory_json;
#[path = "fuzz/job_params.rs"]
mod job_params;
#[path = "fuzz/job_params_fields.rs"]
mod job_params_fields;
#[path = "fuzz/mutate.rs"]
mod mutate;
#[path = "fuzz/mutate_json.rs"]
mod mutate_json;
#[path = "fuzz/names.rs"]
mod names;
#[path = "fuzz/names_encode.rs"]
mod names_encode;
#[path = "fuzz/ranges.rs"]
mod ranges;
#[path = "fuzz/regressions.rs"]
mod regressions;
#[path = "fuzz/run.rs"]
mod run;
#[path = "fuzz/sandbox_faults.rs"]
mod sandbox_faults;
#[path = "fuzz/sandbox_headers.rs"]
mod sandbox_headers;
#[path = "fuzz/sandbox_jobs.rs"]
mod sandbox_jobs;
#[path = "fuzz/sandbox_state.rs"]
mod sandbox_state;
#[path = "fuzz/self_test.rs"]
mod self_test;

use run::fuzz;

#[test]
fn inventory_json() {
    fuzz(&inventory_json::InventoryJson);
}

#[test]
fn inventory_csv() {
    fuzz(&inventory_csv::InventoryCsv);
}

#[test]
fn descriptions() {
    fuzz(&names::Descriptions);
}

#[test]
fn description_formats() {
    fuzz(&names_encode::DescriptionFormats);
}

#[test]
fn ranges() {
    fuzz(&ranges::Ranges);
}

#[test]
fn job_params_json() {
    fuzz(&job_params::JobParamsJson);
}

#[test]
fn job_params_fields() {
    fuzz(&job_params_fields::JobParamsFields);
}

#[test]
fn sandbox_headers() {
    fuzz(&sandbox_headers::SandboxHeaders);
}

#[test]
fn sandbox_jobs() {
    fuzz(&sandbox_jobs::SandboxJobs);
}

#[test]
fn sandbox_faults() {
    fuzz(&sandbox_faults::SandboxFaults);
}

#[test]
fn sandbox_seed() {
    fuzz(&sandbox_faults::SandboxSeed);
}
