//! Rust source read as far as the layer checks need it: string literals with
//! their lines, and which code is for tests only (`#[cfg(test)]` items and the
//! files of modules declared under it). Not a parser: enough of a lexer that
//! comments, char literals, lifetimes and raw strings do not mislead it.

use std::path::{Path, PathBuf};

/// A piece of Rust source that matters here.
#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    Punct(char),
    /// A string literal's text as written between its quotes.
    Str(String),
}

/// The tokens of `text`, each with its line; comments, whitespace, char
/// literals and lifetimes are left out.
fn tokens(text: &str) -> Vec<(Token, usize)> {
    let chars: Vec<char> = text.chars().collect();
    let (mut at, mut line, mut found) = (0, 1, Vec::new());
    while at < chars.len() {
        let c = chars[at];
        let start_line = line;
        let next = chars.get(at + 1).copied();
        if c == '\n' {
            line += 1;
            at += 1;
        } else if c.is_whitespace() {
            at += 1;
        } else if c == '/' && next == Some('/') {
            while at < chars.len() && chars[at] != '\n' {
                at += 1;
            }
        } else if c == '/' && next == Some('*') {
            at = block_comment_end(&chars, at, &mut line);
        } else if c == '"' {
            let (text, end) = quoted(&chars, at + 1, &mut line);
            found.push((Token::Str(text), start_line));
            at = end;
        } else if c == '\'' {
            at = after_quote(&chars, at);
        } else if c.is_alphanumeric() || c == '_' {
            let begin = at;
            while at < chars.len() && (chars[at].is_alphanumeric() || chars[at] == '_') {
                at += 1;
            }
            let word: String = chars[begin..at].iter().collect();
            let raw = matches!(word.as_str(), "r" | "br" | "cr");
            let prefix = matches!(word.as_str(), "b" | "c");
            let hashes = chars[at..].iter().take_while(|&&c| c == '#').count();
            if raw && chars.get(at + hashes) == Some(&'"') {
                let (text, end) = raw_string(&chars, at, &mut line);
                found.push((Token::Str(text), start_line));
                at = end;
            } else if prefix && chars.get(at) == Some(&'"') {
                let (text, end) = quoted(&chars, at + 1, &mut line);
                found.push((Token::Str(text), start_line));
                at = end;
            } else {
                found.push((Token::Ident(word), start_line));
            }
        } else {
            found.push((Token::Punct(c), start_line));
            at += 1;
        }
    }
    found
}

/// Just past the end of the (nested) block comment that starts at `at`.
fn block_comment_end(chars: &[char], mut at: usize, line: &mut usize) -> usize {
    let mut depth = 0;
    while at < chars.len() {
        match (chars[at], chars.get(at + 1)) {
            ('/', Some('*')) => (depth, at) = (depth + 1, at + 2),
            ('*', Some('/')) => {
                (depth, at) = (depth - 1, at + 2);
                if depth == 0 {
                    return at;
                }
            }
            (c, _) => {
                *line += usize::from(c == '\n');
                at += 1;
            }
        }
    }
    at
}

/// The text of a `"`-quoted literal whose body starts at `at`, and the index
/// just past its closing quote.
fn quoted(chars: &[char], mut at: usize, line: &mut usize) -> (String, usize) {
    let begin = at;
    while at < chars.len() && chars[at] != '"' {
        *line += usize::from(chars[at] == '\n');
        at += if chars[at] == '\\' { 2 } else { 1 };
    }
    let end = at.min(chars.len());
    (chars[begin..end].iter().collect(), end + 1)
}

/// The text of a raw literal (`r"…"`, `r#"…"#`) whose hashes start at `at`.
fn raw_string(chars: &[char], mut at: usize, line: &mut usize) -> (String, usize) {
    let hashes = chars[at..].iter().take_while(|&&c| c == '#').count();
    at += hashes + 1;
    let begin = at;
    let closes =
        |at: usize| chars[at] == '"' && (1..=hashes).all(|i| chars.get(at + i) == Some(&'#'));
    while at < chars.len() && !closes(at) {
        *line += usize::from(chars[at] == '\n');
        at += 1;
    }
    let end = at.min(chars.len());
    (chars[begin..end].iter().collect(), end + 1 + hashes)
}

/// Past a char literal (`'x'`, `'\n'`, `'\u{1F600}'`) or a lifetime's quote.
fn after_quote(chars: &[char], at: usize) -> usize {
    match (chars.get(at + 1), chars.get(at + 2)) {
        (Some('\\'), _) => {
            let mut end = at + 3;
            while end < chars.len() && chars[end] != '\'' {
                end += 1;
            }
            end + 1
        }
        (Some(_), Some('\'')) => at + 3,
        _ => at + 1,
    }
}

/// The index just past the item that starts at `at`: past its `;`, or past the
/// `}` that closes its body. With it, the module it declares (`mod name;`), if
/// that is all it is.
fn item_end(tokens: &[(Token, usize)], mut at: usize) -> (usize, Option<String>) {
    let begin = at;
    let (mut nesting, mut braces) = (0i32, 0i32);
    while at < tokens.len() {
        match &tokens[at].0 {
            Token::Punct('(' | '[') => nesting += 1,
            Token::Punct(')' | ']') => nesting -= 1,
            Token::Punct('{') => braces += 1,
            // The end of the item around it: a `#[cfg(test)]` variant or field
            // ends there at the latest.
            Token::Punct('}') if braces == 0 => return (at, None),
            Token::Punct('}') => {
                braces -= 1;
                if braces == 0 {
                    return (at + 1, None);
                }
            }
            Token::Punct(';') if nesting == 0 && braces == 0 => {
                let words: Vec<&Token> = tokens[begin..at].iter().map(|(t, _)| t).collect();
                let declared = match words.as_slice() {
                    [.., Token::Ident(m), Token::Ident(name)] if m == "mod" => Some(name.clone()),
                    _ => None,
                };
                return (at + 1, declared);
            }
            _ => {}
        }
        at += 1;
    }
    (at, None)
}

/// What one file holds: its string literals outside test code, with their lines,
/// and the module files it declares, each marked whether only for tests.
pub struct Scanned {
    pub strings: Vec<(String, usize)>,
    pub modules: Vec<(PathBuf, bool)>,
    pub whole_file_is_test: bool,
}

/// An attribute's tokens (between `#[` and `]`), and the index past it.
fn attribute(tokens: &[(Token, usize)], at: usize) -> Option<(Vec<Token>, usize, bool)> {
    let inner = tokens.get(at + 1).map(|t| &t.0) == Some(&Token::Punct('!'));
    let open = at + 1 + usize::from(inner);
    if tokens.get(at).map(|t| &t.0) != Some(&Token::Punct('#'))
        || tokens.get(open).map(|t| &t.0) != Some(&Token::Punct('['))
    {
        return None;
    }
    let mut depth = 0;
    for end in open..tokens.len() {
        match tokens[end].0 {
            Token::Punct('[') => depth += 1,
            Token::Punct(']') => {
                depth -= 1;
                if depth == 0 {
                    let body = tokens[open + 1..end].iter().map(|(t, _)| t.clone());
                    return Some((body.collect(), end + 1, inner));
                }
            }
            _ => {}
        }
    }
    None
}

/// `cfg(test)` and its like (`cfg(all(test, unix))`), not `cfg(not(test))`.
fn is_test_cfg(body: &[Token]) -> bool {
    let ident = |word: &str| body.contains(&Token::Ident(word.into()));
    body.first() == Some(&Token::Ident("cfg".into())) && ident("test") && !ident("not")
}

/// Where `mod name;` in `file` finds its source: `#[path]` from the file's
/// folder, else beside a `mod.rs` or in a folder named after any other file.
fn module_file(file: &Path, name: &str, path: Option<&str>) -> PathBuf {
    let folder = file.parent().unwrap_or(Path::new(""));
    if let Some(path) = path {
        return folder.join(path);
    }
    let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    let base = if matches!(stem, "mod" | "lib" | "main") {
        folder.to_path_buf()
    } else {
        folder.join(stem)
    };
    let flat = base.join(format!("{name}.rs"));
    if flat.exists() {
        flat
    } else {
        base.join(name).join("mod.rs")
    }
}

/// The string literals among `tokens`, with their lines.
fn strings_of(tokens: &[(Token, usize)]) -> impl Iterator<Item = (String, usize)> + '_ {
    tokens.iter().filter_map(|(token, line)| match token {
        Token::Str(text) => Some((text.clone(), *line)),
        _ => None,
    })
}

/// Walks `file` token by token: an item under `#[cfg(test)]` is skipped whole,
/// at any depth; every other string is kept, those of attributes included.
pub fn scan(file: &Path) -> Scanned {
    let text = std::fs::read_to_string(file).unwrap();
    let tokens = tokens(&text);
    let mut scanned = Scanned {
        strings: Vec::new(),
        modules: Vec::new(),
        whole_file_is_test: false,
    };
    let (mut at, mut test_item, mut path) = (0, false, None);
    let mut attribute_strings = Vec::new();
    while at < tokens.len() {
        if let Some((body, end, inner)) = attribute(&tokens, at) {
            scanned.whole_file_is_test |= inner && is_test_cfg(&body);
            test_item |= !inner && is_test_cfg(&body);
            if let [Token::Ident(word), Token::Punct('='), Token::Str(value)] = body.as_slice()
                && word == "path"
            {
                path = Some(value.clone());
            }
            attribute_strings.extend(strings_of(&tokens[at..end]));
            at = end;
            continue;
        }
        if test_item {
            let (end, declared) = item_end(&tokens, at);
            if let Some(name) = declared {
                scanned
                    .modules
                    .push((module_file(file, &name, path.as_deref()), true));
            }
            attribute_strings.clear();
            (at, test_item, path) = (end, false, None);
            continue;
        }
        scanned.strings.append(&mut attribute_strings);
        match &tokens[at..] {
            [
                (Token::Ident(m), _),
                (Token::Ident(name), _),
                (Token::Punct(';'), _),
                ..,
            ] if m == "mod" => {
                let module = module_file(file, name, path.as_deref());
                scanned.modules.push((module, false));
                path = None;
            }
            [(Token::Str(text), line), ..] => scanned.strings.push((text.clone(), *line)),
            [(Token::Punct(';' | '{' | '}'), _), ..] => path = None,
            _ => {}
        }
        at += 1;
    }
    scanned
}
