//! Parsing ranges and sizes as people write them: `0-1048575`, `4MiB-8MiB`, `1GiB-`,
//! `512KiB`, `4MiB+100MiB`.

use super::{ByteRange, RangeError};

/// A range as written, before it is resolved against an archive size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RangeSpec {
    input: String,
}

impl RangeSpec {
    pub fn parse(input: &str) -> Result<Self, RangeError> {
        Ok(Self {
            input: input.to_owned(),
        })
    }

    /// Placeholder: only plain `START-END` for now.
    pub fn resolve(&self, _size: Option<u64>) -> Result<ByteRange, RangeError> {
        let bad = || RangeError::Parse {
            input: self.input.clone(),
            reason: "not written yet".into(),
        };
        let (start, end) = self.input.split_once('-').ok_or_else(bad)?;
        ByteRange::new(
            start.parse().map_err(|_| bad())?,
            end.parse().map_err(|_| bad())?,
        )
    }
}

/// A byte count: plain bytes or with a unit (`10GiB`, `512KiB`).
pub fn parse_size(input: &str) -> Result<u64, RangeError> {
    input.parse().map_err(|_| RangeError::Parse {
        input: input.into(),
        reason: "not written yet".into(),
    })
}
