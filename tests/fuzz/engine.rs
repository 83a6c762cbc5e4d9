//! The parts of the fuzzer: its settings from the environment, a seeded
//! generator, the target interface, and the pool of inputs that mutations start
//! from, which grows by each input that reaches something new.

use std::borrow::Cow;
use std::collections::HashSet;
use std::collections::hash_map::{DefaultHasher, RandomState};
use std::hash::{BuildHasher, Hash, Hasher};
use std::time::SystemTime;

use crate::mutate;

pub const CASES_VARIABLE: &str = "DEFROST_FUZZ_CASES";
pub const SEED_VARIABLE: &str = "DEFROST_FUZZ_SEED";
/// Inputs per target when no count is given: the corpus and a few thousand
/// mutants, about a second per target, so the whole suite stays quick.
const DEFAULT_CASES: u64 = 3_000;
/// The longest input generated, unless a target asks for more.
pub const MAX_INPUT: usize = 64 << 10;
/// Inputs kept for mutation beyond the corpus; past this, nothing more is kept.
const MAX_POOL: usize = 4_096;
/// Multi-field inputs separate their fields with this byte, which never occurs in
/// UTF-8 text, so any text fits in a field.
pub const SEPARATOR: u8 = 0xff;

/// SplitMix64: tiny, fast and good enough to drive mutations.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n`, or 0 when `n` is 0.
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        (self.next_u64() % n as u64) as usize
    }

    /// A number in `0..=max`, small ones far more often, as mutation lengths should be.
    pub fn small(&mut self, max: usize) -> usize {
        let bits = self.below((usize::BITS - max.leading_zeros()) as usize + 1);
        let bound = 1usize.checked_shl(bits as u32).unwrap_or(usize::MAX);
        self.below(bound.min(max.saturating_add(1)))
    }

    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// [`Rng::pick`] by value, for slices of references.
    pub fn pick_copy<T: Copy>(&mut self, items: &[T]) -> T {
        *self.pick(items)
    }
}

/// What a target made of one input: accepted or rejected, and a signature of what
/// happened (which error, which shape), so inputs that reach something new are kept.
#[derive(Debug, Clone, Copy)]
pub struct Verdict {
    pub accepted: bool,
    pub signature: u64,
}

impl Verdict {
    pub fn accepted(kind: impl Hash) -> Self {
        Self {
            accepted: true,
            signature: hash_of(&(true, kind)),
        }
    }

    pub fn rejected(kind: impl Hash) -> Self {
        Self {
            accepted: false,
            signature: hash_of(&(false, kind)),
        }
    }
}

/// One parser under test.
pub trait Target {
    fn name(&self) -> &'static str;
    /// Valid and nearly valid inputs to start from; each runs once as it is.
    fn corpus(&self) -> Vec<Vec<u8>>;
    /// Words of the input's language that mutations insert.
    fn tokens(&self) -> &[&[u8]] {
        &[]
    }
    fn max_len(&self) -> usize {
        MAX_INPUT
    }
    /// Inputs to run when `DEFROST_FUZZ_CASES` is not set.
    fn default_cases(&self) -> u64 {
        DEFAULT_CASES
    }
    /// The next input: by default a mutant of a kept one.
    fn generate(&self, rng: &mut Rng, pool: &Pool) -> Vec<u8> {
        mutate::mutant(rng, pool, self.tokens(), self.max_len())
    }
    /// Runs the parser on `input` and checks what it gave; panics on a broken
    /// invariant. Must depend on `input` alone, so a failure can be replayed.
    fn check(&self, input: &[u8]) -> Verdict;
}

/// The inputs mutations start from: the corpus and each input that gave a
/// signature not seen before, accepted and rejected ones apart. Mutants of
/// rejected inputs are mostly rejected too, so they are picked less often and
/// fewer are kept: otherwise they crowd out the inputs that reach the checks
/// behind parsing.
pub struct Pool {
    accepted: Vec<Vec<u8>>,
    rejected: Vec<Vec<u8>>,
    seen: HashSet<u64>,
}

impl Pool {
    pub fn new(corpus: Vec<Vec<u8>>) -> Self {
        Self {
            accepted: corpus,
            rejected: Vec::new(),
            seen: HashSet::new(),
        }
    }

    /// An input to mutate: three times in four a corpus or accepted one, the
    /// shorter of two picked at random (short inputs run faster and shrink better,
    /// and long ones still come up).
    pub fn pick(&self, rng: &mut Rng) -> &[u8] {
        let inputs = if self.rejected.is_empty() || rng.below(4) > 0 {
            &self.accepted
        } else {
            &self.rejected
        };
        let (a, b) = (rng.pick(inputs), rng.pick(inputs));
        if a.len() <= b.len() { a } else { b }
    }

    /// Records what `input` gave; keeps it if that was new.
    pub fn keep(&mut self, input: Vec<u8>, verdict: Verdict) {
        if !self.seen.insert(verdict.signature) {
            return;
        }
        let (inputs, limit) = if verdict.accepted {
            (&mut self.accepted, MAX_POOL)
        } else {
            (&mut self.rejected, MAX_POOL / 4)
        };
        if inputs.len() < limit {
            inputs.push(input);
        }
    }

    /// Records what a corpus input gave, without keeping it twice.
    pub fn note(&mut self, verdict: Verdict) {
        self.seen.insert(verdict.signature);
    }
}

/// The fields of a multi-field input.
pub fn fields(input: &[u8]) -> Vec<&[u8]> {
    input.split(|&b| b == SEPARATOR).collect()
}

pub fn join(fields: &[&[u8]]) -> Vec<u8> {
    fields.join(&SEPARATOR)
}

/// Bytes as the `&str` a parser takes; invalid UTF-8 becomes U+FFFD.
pub fn text(bytes: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(bytes)
}

pub fn hash_of(value: &impl Hash) -> u64 {
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

/// An error message reduced to its first words: quoted text and numbers (which
/// echo the input) dropped, and the rest cut short since some messages echo the
/// input unquoted, so that one kind of error has one signature.
pub fn wording(message: &str) -> u64 {
    let mut kept = String::new();
    let mut quote = None;
    for c in message.chars() {
        match quote {
            Some(open) if c == open => quote = None,
            Some(_) => {}
            None if matches!(c, '`' | '"') => quote = Some(c),
            None if c.is_ascii_alphabetic() || c == ' ' => kept.push(c),
            None => {}
        }
    }
    let words: Vec<&str> = kept.split_whitespace().take(6).collect();
    hash_of(&words)
}

/// How many inputs to run and the seed to make them from.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub cases: u64,
    pub seed: u64,
}

impl Settings {
    /// The settings from the environment; `default_cases` when no count is given.
    pub fn from_environment(default_cases: u64) -> Self {
        let number = |name: &str| {
            std::env::var(name).ok().map(|text| {
                text.trim()
                    .parse::<u64>()
                    .unwrap_or_else(|_| panic!("{name} must be a whole number, not {text:?}"))
            })
        };
        let fresh_seed = || {
            let now = SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .map_or(0, |since| since.as_nanos());
            RandomState::new().hash_one(now)
        };
        Self {
            cases: number(CASES_VARIABLE).unwrap_or(default_cases),
            seed: number(SEED_VARIABLE).unwrap_or_else(fresh_seed),
        }
    }
}
