//! The little XML S3 speaks: answers written element by element, and the small
//! request bodies (CompleteMultipartUpload, CreateBucketConfiguration) read
//! into a tree. Enough for what SDKs send, not a general XML parser: no DTDs,
//! no entities beyond XML's own.

use std::fmt::Write as _;

/// S3's namespace, on the root element of every answer.
const S3_NAMESPACE: &str = "http://s3.amazonaws.com/doc/2006-03-01/";

/// Builds an XML answer.
pub struct XmlWriter {
    out: String,
}

impl XmlWriter {
    pub fn document() -> Self {
        Self {
            out: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"),
        }
    }

    /// The root of an answer, in S3's namespace.
    pub fn open_root(&mut self, name: &str) {
        let _ = write!(self.out, "<{name} xmlns=\"{S3_NAMESPACE}\">");
    }

    pub fn open(&mut self, name: &str) {
        let _ = write!(self.out, "<{name}>");
    }

    pub fn close(&mut self, name: &str) {
        let _ = write!(self.out, "</{name}>");
    }

    pub fn element(&mut self, name: &str, text: &str) {
        let _ = write!(self.out, "<{name}>{}</{name}>", escape(text));
    }

    pub fn finish(self) -> String {
        self.out
    }
}

/// Text as element content. Line ends and tabs go as character references,
/// which parsers keep as they are; other control characters too, as S3 does,
/// although XML 1.0 parsers refuse them (S3 says to ask for `encoding-type=url`
/// when keys may hold them).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() => {
                let _ = write!(out, "&#x{:X};", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// Why a request body is not XML the sandbox can read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not well-formed XML: {0}")]
pub struct XmlError(&'static str);

/// An element with its text and child elements; attributes and namespace
/// prefixes are dropped, as S3's request bodies need neither.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Element {
    pub name: String,
    pub text: String,
    pub children: Vec<Element>,
}

impl Element {
    pub fn children<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |child| child.name == name)
    }

    pub fn child_text(&self, name: &str) -> Option<&str> {
        self.children
            .iter()
            .find(|child| child.name == name)
            .map(|child| child.text.as_str())
    }
}

/// Reads a document into its root element.
pub fn parse(text: &str) -> Result<Element, XmlError> {
    let mut rest = text.trim_start_matches('\u{feff}');
    let mut open: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("<?") {
            rest = skip_past(after, "?>")?;
        } else if let Some(after) = rest.strip_prefix("<!--") {
            rest = skip_past(after, "-->")?;
        } else if let Some(after) = rest.strip_prefix("<![CDATA[") {
            let end = after.find("]]>").ok_or(XmlError("unterminated CDATA"))?;
            let current = open.last_mut().ok_or(XmlError("text outside the root"))?;
            current.text.push_str(&after[..end]);
            rest = &after[end + 3..];
        } else if let Some(after) = rest.strip_prefix("</") {
            let end = after.find('>').ok_or(XmlError("unterminated end tag"))?;
            let name = local_name(after[..end].trim());
            let element = open.pop().ok_or(XmlError("an end tag without a start"))?;
            if element.name != name {
                return Err(XmlError("mismatched end tag"));
            }
            rest = &after[end + 1..];
            attach(&mut open, &mut root, element)?;
        } else if let Some(after) = rest.strip_prefix('<') {
            let end = after.find('>').ok_or(XmlError("unterminated start tag"))?;
            let tag = &after[..end];
            let (tag, empty) = match tag.strip_suffix('/') {
                Some(tag) => (tag, true),
                None => (tag, false),
            };
            let name = tag.split(char::is_whitespace).next().unwrap_or_default();
            if name.is_empty() {
                return Err(XmlError("a tag without a name"));
            }
            let element = Element {
                name: local_name(name).to_owned(),
                ..Element::default()
            };
            rest = &after[end + 1..];
            if empty {
                attach(&mut open, &mut root, element)?;
            } else {
                open.push(element);
            }
        } else {
            let end = rest.find('<').unwrap_or(rest.len());
            let text = &rest[..end];
            match open.last_mut() {
                Some(current) => current.text.push_str(&unescape(text)?),
                None if text.trim().is_empty() => {}
                None => return Err(XmlError("text outside the root")),
            }
            rest = &rest[end..];
        }
    }
    if !open.is_empty() {
        return Err(XmlError("an element is not closed"));
    }
    root.ok_or(XmlError("no root element"))
}

fn skip_past<'a>(text: &'a str, end: &str) -> Result<&'a str, XmlError> {
    text.find(end)
        .map(|at| &text[at + end.len()..])
        .ok_or(XmlError("an unterminated declaration or comment"))
}

fn local_name(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

fn attach(
    open: &mut [Element],
    root: &mut Option<Element>,
    element: Element,
) -> Result<(), XmlError> {
    match open.last_mut() {
        Some(parent) => parent.children.push(element),
        None if root.is_none() => *root = Some(element),
        None => return Err(XmlError("more than one root element")),
    }
    Ok(())
}

fn unescape(text: &str) -> Result<String, XmlError> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let end = after
            .find(';')
            .ok_or(XmlError("an unterminated reference"))?;
        let entity = &after[..end];
        let c = match entity {
            "lt" => '<',
            "gt" => '>',
            "amp" => '&',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let code = match entity.strip_prefix("#x") {
                    Some(hex) => u32::from_str_radix(hex, 16),
                    None => entity
                        .strip_prefix('#')
                        .ok_or(XmlError("an unknown entity"))?
                        .parse(),
                }
                .map_err(|_| XmlError("a bad character reference"))?;
                char::from_u32(code).ok_or(XmlError("a bad character reference"))?
            }
        };
        out.push(c);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
#[path = "xml_tests.rs"]
mod tests;
