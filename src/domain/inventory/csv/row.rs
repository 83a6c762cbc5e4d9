//! Splitting one CSV row into fields under Glacier's quoting, read from the right
//! because that is the one direction in which it is never ambiguous.

use std::borrow::Cow;

use crate::domain::inventory::Problem;

/// Where a field's text lies in its row, without the quotes around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct RawField {
    start: usize,
    end: usize,
    quoted: bool,
}

impl RawField {
    /// The field's text, with `\"` turned back into `"` in a quoted field.
    pub(super) fn text<'r>(&self, row: &'r str) -> Cow<'r, str> {
        let content = &row[self.start..self.end];
        if self.quoted && content.contains("\\\"") {
            Cow::Owned(content.replace("\\\"", "\""))
        } else {
            Cow::Borrowed(content)
        }
    }
}

/// Fills `fields` with the fields of `row` (a line without its line break), in order.
///
/// Glacier quotes a field that holds a comma or a quote, writes each quote inside
/// it as `\"`, and leaves backslashes alone. So `\"` is ambiguous when read left to
/// right: in `"C:\a,b\"` it is a backslash and then the closing quote. Read from the
/// right it is not: every quote inside a quoted field follows a backslash, while
/// the opening quote follows a comma or starts the row. So a field that ends in a
/// quote opens at the nearest quote before it that does not follow a backslash.
/// Inside it, `\"` means `"`; any other backslash is itself.
pub(super) fn split_row(row: &str, fields: &mut Vec<RawField>) -> Result<(), Problem> {
    fields.clear();
    let bytes = row.as_bytes();
    let mut end = bytes.len();
    loop {
        let field = match end.checked_sub(1) {
            Some(close) if bytes[close] == b'"' => quoted_field(bytes, close)?,
            _ => unquoted_field(bytes, end)?,
        };
        fields.push(field);
        // A quoted field starts one byte before its text, at the opening quote.
        let field_start = field.start - usize::from(field.quoted);
        if field_start == 0 {
            break;
        }
        // Step over the comma that ends the field before.
        end = field_start - 1;
    }
    fields.reverse();
    Ok(())
}

/// The field whose closing quote is at `close`.
fn quoted_field(bytes: &[u8], close: usize) -> Result<RawField, Problem> {
    let open = (0..close)
        .rev()
        .find(|&at| bytes[at] == b'"' && (at == 0 || bytes[at - 1] != b'\\'))
        .ok_or(Problem::UnclosedQuote)?;
    if open > 0 && bytes[open - 1] != b',' {
        // The quote is in the middle of a field, so the one at `close` closes
        // nothing that was opened.
        return Err(Problem::UnclosedQuote);
    }
    Ok(RawField {
        start: open + 1,
        end: close,
        quoted: true,
    })
}

/// The unquoted field that ends at `end`.
fn unquoted_field(bytes: &[u8], end: usize) -> Result<RawField, Problem> {
    let start = bytes[..end]
        .iter()
        .rposition(|&b| b == b',')
        .map_or(0, |comma| comma + 1);
    if bytes.get(start) == Some(&b'"') && start < end {
        // Opens a quote that never closes: the row is cut short or damaged.
        return Err(Problem::UnclosedQuote);
    }
    Ok(RawField {
        start,
        end,
        quoted: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(row: &str) -> Result<Vec<String>, Problem> {
        let mut fields = Vec::new();
        split_row(row, &mut fields)?;
        Ok(fields.iter().map(|f| f.text(row).into_owned()).collect())
    }

    fn ok(fields: &[&str]) -> Result<Vec<String>, Problem> {
        Ok(fields.iter().map(|f| f.to_string()).collect())
    }

    #[test]
    fn plain_fields() {
        assert_eq!(split("a,b,c"), ok(&["a", "b", "c"]));
        assert_eq!(split(""), ok(&[""]));
        assert_eq!(split(",,"), ok(&["", "", ""]));
        assert_eq!(split("a,"), ok(&["a", ""]));
    }

    #[test]
    fn any_field_may_be_quoted() {
        assert_eq!(split(r#""a","b",c"#), ok(&["a", "b", "c"]));
        assert_eq!(split(r#""","x""#), ok(&["", "x"]));
    }

    #[test]
    fn quotes_inside_are_escaped_with_a_backslash() {
        assert_eq!(
            split(r#"id,"say \"hi\", then",5"#),
            ok(&["id", r#"say "hi", then"#, "5"])
        );
        assert_eq!(split(r#"id,"\"",5"#), ok(&["id", "\"", "5"]));
        assert_eq!(split(r#"id,"a\",\"b",5"#), ok(&["id", r#"a","b"#, "5"]));
    }

    #[test]
    fn backslashes_are_not_escaped() {
        // Unquoted: no comma or quote inside, so the backslashes are plain text.
        assert_eq!(split(r"id,C:\dir\,5"), ok(&["id", r"C:\dir\", "5"]));
        // Quoted for its comma; the last backslash sits right before the closing quote.
        assert_eq!(split(r#"id,"C:\a,b\",5"#), ok(&["id", r"C:\a,b\", "5"]));
        assert_eq!(split(r#"id,"C:\a,b\""#), ok(&["id", r"C:\a,b\"]));
        // A backslash and then a quote: `\` + `\"`.
        assert_eq!(split(r#"id,"x\\"",5"#), ok(&["id", r#"x\""#, "5"]));
        assert_eq!(split(r#""\\\",5""#), ok(&[r#"\\",5"#]));
    }

    #[test]
    fn broken_quoting_is_refused() {
        for row in [r#"id,"abc,5"#, r#"""#, r#"id,ab"c""#, r#"a,"b"c""#] {
            assert_eq!(split(row), Err(Problem::UnclosedQuote), "{row}");
        }
    }
}
