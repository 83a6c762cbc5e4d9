//! Mutations that keep JSON well formed: a value replaced by an edge case, a key
//! dropped, added or renamed, a string's bytes mutated, an element repeated, so
//! that more inputs get past the JSON parser to the rules behind it.

use serde_json::{Map, Value, json};

use crate::engine::{Pool, Rng, text};
use crate::mutate::mutate;

/// Strings that rules treat specially.
const EDGE_STRINGS: &[&str] = &[
    "",
    " ",
    "-",
    "\u{0}",
    "\u{1b}[31m",
    "é",
    "\u{feff}",
    "0",
    "0-1048575",
    "1048576-2097151",
    "0-18446744073709551615",
    "18446744073709551616",
    "2024-01-31T00:00:00Z",
    "2024-02-30",
    "9999-12-31T23:59:59.999999999Z",
    "arn:aws:sns:us-east-1:123456789012:t",
    "null",
];

/// The JSON in `bytes` with one to two mutations, written compact or pretty;
/// `None` if `bytes` is not JSON. `tokens` in double quotes name keys to add.
pub fn mutate_json(rng: &mut Rng, bytes: &[u8], pool: &Pool, tokens: &[&[u8]]) -> Option<Vec<u8>> {
    let mut value: Value = serde_json::from_slice(bytes).ok()?;
    let keys: Vec<String> = tokens
        .iter()
        .filter_map(|token| token.strip_prefix(b"\"")?.strip_suffix(b"\""))
        .map(|key| text(key).into_owned())
        .collect();
    for _ in 0..1 << rng.below(2) {
        let node = pick_node(rng, &mut value);
        mutate_node(rng, node, pool, tokens, &keys);
    }
    let written = if rng.one_in(3) {
        serde_json::to_vec_pretty(&value)
    } else {
        serde_json::to_vec(&value)
    };
    written.ok()
}

/// A node of the tree, reached by a random walk from the root.
fn pick_node<'v>(rng: &mut Rng, value: &'v mut Value) -> &'v mut Value {
    let children = match value {
        Value::Object(map) => map.len(),
        Value::Array(items) => items.len(),
        _ => 0,
    };
    if children == 0 || rng.one_in(3) {
        return value;
    }
    let at = rng.below(children);
    match value {
        Value::Object(map) => {
            let child = map
                .values_mut()
                .nth(at)
                .expect("the index is below the length");
            pick_node(rng, child)
        }
        Value::Array(items) => pick_node(rng, &mut items[at]),
        other => other,
    }
}

fn mutate_node(rng: &mut Rng, node: &mut Value, pool: &Pool, tokens: &[&[u8]], keys: &[String]) {
    match node {
        Value::Object(map) if rng.below(3) > 0 => mutate_object(rng, map, keys),
        Value::Array(items) if !items.is_empty() && rng.one_in(2) => {
            let at = rng.below(items.len());
            if rng.one_in(2) {
                let copy = items[at].clone();
                items.insert(at, copy);
            } else {
                items.remove(at);
            }
        }
        Value::String(string) if rng.one_in(2) => {
            let mut bytes = string.clone().into_bytes();
            for _ in 0..1 << rng.below(3) {
                mutate(rng, &mut bytes, pool, tokens, 2048);
            }
            *string = text(&bytes).into_owned();
        }
        _ => *node = edge_value(rng, keys),
    }
}

fn mutate_object(rng: &mut Rng, map: &mut Map<String, Value>, keys: &[String]) {
    let key = if keys.is_empty() || rng.one_in(4) {
        rng.pick(EDGE_STRINGS).to_string()
    } else {
        rng.pick(keys).clone()
    };
    match rng.below(3) {
        0 if !map.is_empty() => {
            let at = rng.below(map.len());
            let old = map.keys().nth(at).cloned().unwrap_or_default();
            let value = map.remove(&old).unwrap_or(Value::Null);
            if rng.one_in(2) {
                map.insert(key, value);
            }
        }
        _ => {
            let value = edge_value(rng, keys);
            map.insert(key, value);
        }
    }
}

fn edge_value(rng: &mut Rng, keys: &[String]) -> Value {
    match rng.below(12) {
        0 => Value::Null,
        1 => json!(rng.one_in(2)),
        2 => json!(*rng.pick(&[0u64, 1, 1_048_575, 1_048_576, u64::MAX])),
        3 => json!(*rng.pick(&[-1i64, i64::MIN])),
        4 => json!(*rng.pick(&[0.5f64, -0.0, 1e300])),
        5 => json!([]),
        6 => json!({}),
        7 => json!("x".repeat(*rng.pick(&[1025usize, 4096]))),
        8 if !keys.is_empty() => json!(rng.pick(keys)),
        9 => json!([[[[[[[[["deep"]]]]]]]]]),
        _ => json!(rng.pick(EDGE_STRINGS)),
    }
}
