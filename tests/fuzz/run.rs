//! The fuzzing loop: every input run with its panic caught, inputs that reach
//! something new kept for mutation, and each crash shrunk to a small input and
//! reported with the seed that replays it.

use std::cell::{Cell, RefCell};
use std::fmt::Write as _;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;
use std::time::{Duration, Instant};

use crate::engine::{CASES_VARIABLE, Pool, Rng, SEED_VARIABLE, Settings, Target, Verdict, hash_of};

/// Crashes at distinct places reported per run; the run goes on after each.
const MAX_CRASHES: usize = 5;
/// Shrinking stops after this many runs of the target or this long.
const SHRINK_RUNS: u32 = 20_000;
const SHRINK_TIME: Duration = Duration::from_secs(30);

/// A panic caught while running one input.
#[derive(Debug, Clone)]
pub struct Caught {
    pub location: String,
    pub message: String,
}

thread_local! {
    /// Set while an input runs: its panic is recorded instead of printed.
    static QUIET: Cell<bool> = const { Cell::new(false) };
    static CAUGHT: RefCell<Option<Caught>> = const { RefCell::new(None) };
}

/// One hook for the whole process, since tests run on several threads: a panic on
/// a thread running an input is recorded for it, any other is printed as usual.
fn install_panic_hook() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let usual = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !QUIET.get() {
                return usual(info);
            }
            let location = info
                .location()
                .map_or_else(|| "an unknown place".to_owned(), ToString::to_string);
            let message = info.payload_as_str().unwrap_or("(no message)").to_owned();
            CAUGHT.set(Some(Caught { location, message }));
        }));
    });
}

/// Runs `target` on `input`; a panic comes back as an error.
pub fn run_one(target: &dyn Target, input: &[u8]) -> Result<Verdict, Caught> {
    install_panic_hook();
    QUIET.set(true);
    let result = panic::catch_unwind(AssertUnwindSafe(|| target.check(input)));
    QUIET.set(false);
    result.map_err(|_| {
        CAUGHT.take().unwrap_or_else(|| Caught {
            location: "an unknown place".into(),
            message: "(no message)".into(),
        })
    })
}

struct Crash {
    case: u64,
    caught: Caught,
    found: Vec<u8>,
    smallest: Vec<u8>,
}

#[derive(Default)]
struct Counts {
    accepted: u64,
    rejected: u64,
    crashes: u64,
    slowest: Duration,
    slowest_len: usize,
}

/// Fuzzes `target` with the settings from the environment; prints one summary
/// line and fails, with a report of each crash, if any input made it panic.
pub fn fuzz(target: &dyn Target) {
    if let Err(report) = run(target, Settings::from_environment(target.default_cases())) {
        panic!("{report}");
    }
}

/// Runs `settings.cases` inputs: the corpus first, then mutants. Prints the
/// summary line; the error is the report of the crashes.
pub fn run(target: &dyn Target, settings: Settings) -> Result<(), String> {
    let started = Instant::now();
    let mut rng = Rng::new(settings.seed ^ hash_of(&target.name()));
    let corpus = target.corpus();
    assert!(!corpus.is_empty(), "{} has no corpus", target.name());
    let mut pool = Pool::new(corpus.clone());
    let mut counts = Counts::default();
    let mut crashes: Vec<Crash> = Vec::new();
    for case in 0..settings.cases {
        let input = match usize::try_from(case).ok().and_then(|at| corpus.get(at)) {
            Some(entry) => entry.clone(),
            None => target.generate(&mut rng, &pool),
        };
        let began = Instant::now();
        let outcome = run_one(target, &input);
        let took = began.elapsed();
        if took > counts.slowest {
            (counts.slowest, counts.slowest_len) = (took, input.len());
        }
        match outcome {
            Ok(verdict) => {
                if verdict.accepted {
                    counts.accepted += 1;
                } else {
                    counts.rejected += 1;
                }
                if (case as usize) < corpus.len() {
                    pool.note(verdict);
                } else {
                    pool.keep(input, verdict);
                }
            }
            Err(caught) => {
                counts.crashes += 1;
                let known = crashes.iter().any(|c| c.caught.location == caught.location);
                if !known && crashes.len() < MAX_CRASHES {
                    let smallest = shrink(target, &input, &caught.location);
                    crashes.push(Crash {
                        case,
                        caught,
                        found: input,
                        smallest,
                    });
                }
            }
        }
    }
    println!(
        "fuzz {}: {} inputs, {} accepted, {} rejected, {} crashes, seed {} ({:.1} s; slowest input {:.2} ms, {} bytes)",
        target.name(),
        settings.cases,
        counts.accepted,
        counts.rejected,
        counts.crashes,
        settings.seed,
        started.elapsed().as_secs_f64(),
        counts.slowest.as_secs_f64() * 1e3,
        counts.slowest_len,
    );
    if crashes.is_empty() {
        Ok(())
    } else {
        Err(report(target.name(), settings.seed, &crashes))
    }
}

/// The smallest input found, by removing ever smaller chunks, that still panics
/// at the same place.
fn shrink(target: &dyn Target, input: &[u8], location: &str) -> Vec<u8> {
    let deadline = Instant::now() + SHRINK_TIME;
    let mut runs = 0;
    let mut best = input.to_vec();
    loop {
        let before = best.len();
        let mut chunk = (best.len() / 2).max(1);
        loop {
            let mut at = 0;
            while at < best.len() {
                if runs >= SHRINK_RUNS || Instant::now() > deadline {
                    return best;
                }
                runs += 1;
                let end = (at + chunk).min(best.len());
                let candidate = [&best[..at], &best[end..]].concat();
                match run_one(target, &candidate) {
                    Err(caught) if caught.location == location => best = candidate,
                    _ => at += chunk,
                }
            }
            if chunk == 1 {
                break;
            }
            chunk /= 2;
        }
        if best.len() == before {
            return best;
        }
    }
}

fn report(name: &str, seed: u64, crashes: &[Crash]) -> String {
    let mut text = format!(
        "fuzz {name}: {} crash site(s), seed {seed}\n",
        crashes.len()
    );
    for (number, crash) in crashes.iter().enumerate() {
        let _ = writeln!(
            text,
            "crash {}, at input {}: panicked at {}: {}\n  smallest input ({} bytes): {}\n  as found ({} bytes): {}",
            number + 1,
            crash.case,
            crash.caught.location,
            crash.caught.message,
            crash.smallest.len(),
            escape(&crash.smallest, usize::MAX),
            crash.found.len(),
            escape(&crash.found, 4_000),
        );
    }
    let last = crashes
        .iter()
        .map(|crash| crash.case + 1)
        .max()
        .unwrap_or(1);
    let release = if cfg!(debug_assertions) {
        ""
    } else {
        " --release"
    };
    let _ = write!(
        text,
        "reproduce: {SEED_VARIABLE}={seed} {CASES_VARIABLE}={last} cargo test{release} --test fuzz -- --nocapture {name}"
    );
    text
}

/// `bytes` as a Rust byte-string literal, cut after `limit` bytes.
pub fn escape(bytes: &[u8], limit: usize) -> String {
    let mut text = String::from("b\"");
    for &byte in bytes.iter().take(limit) {
        match byte {
            b'"' => text.push_str("\\\""),
            b'\\' => text.push_str("\\\\"),
            b'\n' => text.push_str("\\n"),
            b'\r' => text.push_str("\\r"),
            b'\t' => text.push_str("\\t"),
            b' '..=b'~' => text.push(char::from(byte)),
            _ => {
                let _ = write!(text, "\\x{byte:02x}");
            }
        }
    }
    text.push('"');
    if bytes.len() > limit {
        let _ = write!(text, " (cut; {} bytes in all)", bytes.len());
    }
    text
}
