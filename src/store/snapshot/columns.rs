//! The columns of the two tables whose rows are written page by page, `archive`
//! and `search_text`, defined once. Their DDL, the order of values in a record
//! written by hand, the plain-SQL insert and the check of the file SQLite made
//! are all derived from these lists, so that none can drift from the others.

use super::record::Value;
use super::row_batch::ImportRow;
use crate::domain::names::Format;
use crate::store::snapshot::layout::created_millis_of;

/// How a column is declared besides its type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Constraint {
    /// `PRIMARY KEY` on an `INTEGER` column: the rowid itself, so the b-tree key
    /// holds it and a record holds NULL in its place.
    Rowid,
    NotNull,
    Nullable,
}

/// One column: its declaration, and how a row's value for it is taken from the
/// row's source `value` is given.
pub struct Column<F> {
    pub name: &'static str,
    /// The declared type, as `PRAGMA table_info` reports it.
    pub sql_type: &'static str,
    pub constraint: Constraint,
    /// Lines of the `--` comment above the column in the DDL, for readers in the
    /// sqlite3 shell.
    pub comment: &'static [&'static str],
    pub value: F,
}

/// A column as `PRAGMA table_xinfo` describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnShape {
    pub name: String,
    pub sql_type: String,
    pub not_null: bool,
    pub primary_key: bool,
    pub hidden: bool,
}

impl std::fmt::Display for ColumnShape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.name, self.sql_type)?;
        if self.primary_key {
            f.write_str(" PRIMARY KEY")?;
        }
        if self.not_null {
            f.write_str(" NOT NULL")?;
        }
        if self.hidden {
            f.write_str(" (hidden or generated)")?;
        }
        Ok(())
    }
}

impl<F> Column<F> {
    pub fn shape(&self) -> ColumnShape {
        ColumnShape {
            name: self.name.to_owned(),
            sql_type: self.sql_type.to_owned(),
            not_null: self.constraint == Constraint::NotNull,
            primary_key: self.constraint == Constraint::Rowid,
            hidden: false,
        }
    }
}

/// What one archive row's values are taken from.
pub struct ArchiveSource<'a> {
    pub row: &'a ImportRow<'a>,
    /// The format's badge text (see [`format_badge`]).
    pub badge: &'a str,
}

/// The badge text, without formatting machinery for the common formats.
#[inline]
pub fn format_badge(format: Format) -> std::borrow::Cow<'static, str> {
    match format {
        Format::Mt2 => "mt2".into(),
        Format::Mt1 => "mt1".into(),
        Format::MtInventoryJob => "mt job".into(),
        Format::FastGlacier(4) => "FastGlacier v4".into(),
        Format::CloudBerry => "CloudBerry".into(),
        Format::Qnap => "QNAP".into(),
        Format::Raw => "raw".into(),
        Format::Empty => "empty".into(),
        other => other.to_string().into(),
    }
}

/// What one search-text row's values are taken from.
pub struct SearchSource<'a> {
    pub first_position: u32,
    pub text: &'a [u8],
}

pub type ArchiveValue = for<'a, 'b> fn(&'b ArchiveSource<'a>) -> Value<'a>;
pub type SearchValue = for<'a, 'b> fn(&'b SearchSource<'a>) -> Value<'a>;

pub const ARCHIVE_TABLE: &str = "archive";
pub const SEARCH_TABLE: &str = "search_text";

pub const ARCHIVE_COLUMNS: [Column<ArchiveValue>; 10] = [
    Column {
        name: "position",
        sql_type: "INTEGER",
        constraint: Constraint::Rowid,
        comment: &["1-based place in the inventory"],
        value: |s| Value::Integer(i64::from(s.row.position)),
    },
    Column {
        name: "archive_id",
        sql_type: "TEXT",
        constraint: Constraint::NotNull,
        comment: &[],
        value: |s| Value::Text(s.row.archive_id.as_bytes()),
    },
    Column {
        name: "description",
        sql_type: "TEXT",
        constraint: Constraint::NotNull,
        comment: &["as uploaded: untrusted, may hold anything"],
        value: |s| Value::Text(s.row.description.as_bytes()),
    },
    Column {
        name: "name",
        sql_type: "TEXT",
        constraint: Constraint::NotNull,
        comment: &[
            "the decoded file name made safe to print, or the archive id when the",
            "description names no file",
        ],
        value: |s| Value::Text(s.row.name.as_bytes()),
    },
    Column {
        name: "format",
        sql_type: "TEXT",
        constraint: Constraint::NotNull,
        comment: &["which tool wrote the description: mt2, FastGlacier v4, CloudBerry, raw, ..."],
        value: |s| Value::Text(s.badge.as_bytes()),
    },
    Column {
        name: "is_folder",
        sql_type: "INTEGER",
        constraint: Constraint::NotNull,
        comment: &[],
        value: |s| Value::Integer(i64::from(s.row.is_folder)),
    },
    Column {
        name: "modified",
        sql_type: "INTEGER",
        constraint: Constraint::Nullable,
        comment: &["the file's modification time (Unix seconds) when the description records it"],
        value: |s| s.row.modified.map_or(Value::Null, Value::Integer),
    },
    Column {
        name: "size",
        sql_type: "INTEGER",
        constraint: Constraint::NotNull,
        comment: &[],
        // The writer refuses sizes over 40 TiB before a row gets here, so this
        // never saturates.
        value: |s| Value::Integer(i64::try_from(s.row.size).unwrap_or(i64::MAX)),
    },
    Column {
        name: "created",
        sql_type: "INTEGER",
        constraint: Constraint::NotNull,
        comment: &[
            "CreationDate in Unix milliseconds; in the sqlite3 shell,",
            "strftime('%Y-%m-%dT%H:%M:%fZ', created / 1000.0, 'unixepoch') shows it",
        ],
        value: |s| Value::Integer(created_millis_of(s.row.creation_date)),
    },
    Column {
        name: "sha256_tree_hash",
        sql_type: "BLOB",
        constraint: Constraint::NotNull,
        comment: &["32 bytes; lower(hex(sha256_tree_hash)) in the sqlite3 shell"],
        value: |s| Value::Blob(&s.row.sha256_tree_hash.0),
    },
];

pub const SEARCH_COLUMNS: [Column<SearchValue>; 2] = [
    Column {
        name: "first_position",
        sql_type: "INTEGER",
        constraint: Constraint::Rowid,
        comment: &[],
        value: |s| Value::Integer(i64::from(s.first_position)),
    },
    Column {
        name: "text",
        sql_type: "BLOB",
        constraint: Constraint::NotNull,
        comment: &[],
        value: |s| Value::Blob(s.text),
    },
];

/// Where each table's rowid column is; a table without one cannot be written
/// page by page, which stops the build.
pub const ARCHIVE_ROWID: usize = rowid_column(&ARCHIVE_COLUMNS);
pub const SEARCH_ROWID: usize = rowid_column(&SEARCH_COLUMNS);

#[expect(
    clippy::panic,
    reason = "only ever evaluated in a constant: a table without a rowid column stops the build"
)]
const fn rowid_column<F>(columns: &[Column<F>]) -> usize {
    let mut index = 0;
    while index < columns.len() {
        if matches!(columns[index].constraint, Constraint::Rowid) {
            return index;
        }
        index += 1;
    }
    panic!("a table written page by page needs an INTEGER PRIMARY KEY column");
}

/// An archive row's values, in column order.
#[inline]
pub fn archive_values<'a>(source: &ArchiveSource<'a>) -> [Value<'a>; ARCHIVE_COLUMNS.len()] {
    std::array::from_fn(|index| (ARCHIVE_COLUMNS[index].value)(source))
}

/// A search-text row's values, in column order.
pub fn search_values<'a>(source: &SearchSource<'a>) -> [Value<'a>; SEARCH_COLUMNS.len()] {
    std::array::from_fn(|index| (SEARCH_COLUMNS[index].value)(source))
}

/// `CREATE TABLE` for `columns`, one commented line per column, names aligned.
pub fn table_ddl<F>(table: &str, columns: &[Column<F>]) -> String {
    let width = columns.iter().map(|c| c.name.len()).max().unwrap_or(0) + 1;
    let lines: Vec<String> = columns
        .iter()
        .map(|column| {
            let mut line = String::new();
            for comment in column.comment {
                line.push_str(&format!("    -- {comment}\n"));
            }
            let constraint = match column.constraint {
                Constraint::Rowid => " PRIMARY KEY",
                Constraint::NotNull => " NOT NULL",
                Constraint::Nullable => "",
            };
            line.push_str(&format!(
                "    {:<width$}{}{constraint}",
                column.name, column.sql_type
            ));
            line
        })
        .collect();
    format!("CREATE TABLE {table} (\n{}\n);\n", lines.join(",\n"))
}

/// `INSERT` of one row of every column, the values bound in column order.
pub fn insert_sql<F>(table: &str, columns: &[Column<F>]) -> String {
    let names: Vec<&str> = columns.iter().map(|column| column.name).collect();
    let slots: Vec<String> = (1..=columns.len()).map(|n| format!("?{n}")).collect();
    format!(
        "INSERT INTO {table} ({}) VALUES ({})",
        names.join(", "),
        slots.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ddl_declares_the_columns_in_their_order_with_their_comments() {
        let ddl = table_ddl(SEARCH_TABLE, &SEARCH_COLUMNS);
        assert_eq!(
            ddl,
            "CREATE TABLE search_text (\n    first_position INTEGER PRIMARY KEY,\n    text           BLOB NOT NULL\n);\n"
        );
        let ddl = table_ddl(ARCHIVE_TABLE, &ARCHIVE_COLUMNS);
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(&ddl).unwrap();
        let names: Vec<String> = conn
            .prepare("SELECT name FROM pragma_table_info('archive') ORDER BY cid")
            .unwrap()
            .query_map([], |row| row.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let defined: Vec<&str> = ARCHIVE_COLUMNS.iter().map(|c| c.name).collect();
        assert_eq!(names, defined);
        assert!(ddl.contains("    -- as uploaded: untrusted, may hold anything\n    description      TEXT NOT NULL,\n"), "{ddl}");
    }

    #[test]
    fn the_rowid_columns_are_found() {
        assert_eq!(ARCHIVE_COLUMNS[ARCHIVE_ROWID].name, "position");
        assert_eq!(SEARCH_COLUMNS[SEARCH_ROWID].name, "first_position");
        assert_eq!(
            insert_sql(SEARCH_TABLE, &SEARCH_COLUMNS),
            "INSERT INTO search_text (first_position, text) VALUES (?1, ?2)"
        );
    }

    #[test]
    fn badges_match_the_display_form() {
        for format in crate::store::snapshot::test_rows::SAMPLE_FORMATS {
            assert_eq!(format_badge(format), format.to_string());
        }
    }
}
