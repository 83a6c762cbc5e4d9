//! Which journal records a read asks for: all of them, those of one vault, or
//! one by its id. Plans and batches are read alike, each query naming its own
//! table and vault aliases.

use rusqlite::ToSql;

use super::catalog::VaultKey;

#[derive(Clone, Copy)]
pub(super) enum Which<'a> {
    All,
    Vault(&'a VaultKey),
    /// The record's `id`.
    One(i64),
    /// Plans no batch holds (for plans only): those shown one by one.
    Loose,
}

impl Which<'_> {
    /// The SQL condition on the record aliased `row` and its vault aliased
    /// `vault`, and its parameters.
    pub(super) fn condition(&self, row: &str, vault: &str) -> (String, Vec<&dyn ToSql>) {
        match self {
            Which::All => ("1".to_owned(), Vec::new()),
            Which::Vault(key) => (
                format!("{vault}.account = ?1 AND {vault}.region = ?2 AND {vault}.name = ?3"),
                vec![&key.account, &key.region, &key.name],
            ),
            Which::One(id) => (format!("{row}.id = ?1"), vec![id]),
            Which::Loose => (
                format!("NOT EXISTS (SELECT 1 FROM batch_plan bx WHERE bx.plan = {row}.id)"),
                Vec::new(),
            ),
        }
    }
}
