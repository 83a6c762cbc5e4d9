//! What kind of retrieval plan a set of jobs carries out: a whole archive, one of
//! the three range plans, or an inventory. Kept apart from `range::PlanKind`, which
//! only names the ways to cut a range, because a plan can also be neither.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::domain::range::{ByteRange, PlanKind, is_tree_aligned};

/// The kind of a retrieval plan, as the journal writes it and a user reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PlanShape {
    /// One job for every byte of the archive.
    Whole,
    /// One job over the smallest MiB-aligned cover of the wanted range.
    Mib,
    /// One job over the smallest tree-hash-aligned cover.
    Tree,
    /// Several tree-hash-aligned jobs tiling the MiB-aligned cover.
    Split,
    /// An inventory retrieval: no archive at all.
    Inventory,
}

impl PlanShape {
    pub const ALL: [PlanShape; 5] = [
        PlanShape::Whole,
        PlanShape::Mib,
        PlanShape::Tree,
        PlanShape::Split,
        PlanShape::Inventory,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PlanShape::Whole => "whole",
            PlanShape::Mib => "mib",
            PlanShape::Tree => "tree",
            PlanShape::Split => "split",
            PlanShape::Inventory => "inventory",
        }
    }

    /// The shape of a plan made of one job that was not planned as a range plan
    /// (an adopted job, or one started without a plan): what its one range says.
    /// Without the archive's size, only a range that is a whole node of any
    /// archive holding it counts as tree-hash aligned; a clipped last node needs
    /// the size to be recognised, and is called `Mib` rather than promise a
    /// checksum that may not come.
    pub fn of_single_job(inventory: bool, range: Option<ByteRange>, size: Option<u64>) -> Self {
        match (inventory, range) {
            (true, _) => PlanShape::Inventory,
            (false, None) => PlanShape::Whole,
            (false, Some(range)) => {
                // An archive as large as can be: only whole nodes are aligned in it.
                let size = size.unwrap_or(u64::MAX);
                if is_tree_aligned(size, range) {
                    PlanShape::Tree
                } else {
                    PlanShape::Mib
                }
            }
        }
    }
}

impl From<PlanKind> for PlanShape {
    fn from(kind: PlanKind) -> Self {
        match kind {
            PlanKind::Mib => PlanShape::Mib,
            PlanKind::Tree => PlanShape::Tree,
            PlanKind::Split => PlanShape::Split,
        }
    }
}

impl fmt::Display for PlanShape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A plan kind that is not one of `whole`, `mib`, `tree`, `split`, `inventory`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "'{}' is not a kind of plan; the kinds are whole, mib, tree, split and inventory",
    crate::text::printable(.input)
)]
pub struct UnknownPlanShape {
    pub input: String,
}

impl FromStr for PlanShape {
    type Err = UnknownPlanShape;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        PlanShape::ALL
            .into_iter()
            .find(|shape| shape.as_str().eq_ignore_ascii_case(input))
            .ok_or_else(|| UnknownPlanShape {
                input: input.to_owned(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::range::MIB;

    #[test]
    fn every_shape_reads_back_from_its_name_and_its_json() {
        for shape in PlanShape::ALL {
            assert_eq!(shape.as_str().parse::<PlanShape>(), Ok(shape));
            assert_eq!(shape.to_string().to_uppercase().parse(), Ok(shape));
            let json = serde_json::to_string(&shape).unwrap();
            assert_eq!(json, format!("\"{}\"", shape.as_str()));
            assert_eq!(serde_json::from_str::<PlanShape>(&json).unwrap(), shape);
        }
        assert!("wholes".parse::<PlanShape>().is_err());
        assert!("".parse::<PlanShape>().is_err());
    }

    #[test]
    fn a_single_job_is_tree_only_when_it_is_a_node() {
        let node = ByteRange::new(2 * MIB, 4 * MIB - 1).unwrap();
        let not_node = ByteRange::new(MIB, 3 * MIB - 1).unwrap();
        assert_eq!(
            PlanShape::of_single_job(false, Some(node), None),
            PlanShape::Tree
        );
        assert_eq!(
            PlanShape::of_single_job(false, Some(not_node), Some(8 * MIB)),
            PlanShape::Mib
        );
        assert_eq!(
            PlanShape::of_single_job(false, None, None),
            PlanShape::Whole
        );
        assert_eq!(
            PlanShape::of_single_job(true, None, None),
            PlanShape::Inventory
        );
        // The clipped last node of a 5 MiB + 10 byte archive: aligned only when
        // the size says the archive ends there.
        let size = 5 * MIB + 10;
        let last = ByteRange::new(4 * MIB, size - 1).unwrap();
        assert_eq!(
            PlanShape::of_single_job(false, Some(last), Some(size)),
            PlanShape::Tree
        );
        assert_eq!(
            PlanShape::of_single_job(false, Some(last), None),
            PlanShape::Mib
        );
    }
}
