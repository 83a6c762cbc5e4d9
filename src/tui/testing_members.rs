//! Fixed zips for the screen's tests: a listing of a few members in folders,
//! and a model browsing a vault whose second archive has it stored.

use super::members::{Listing, ZipAnswer};
use super::model::Model;
use super::msg::{Loaded, Msg};
use super::testing::{NOW, archive, browsing};
use super::update::update;
use crate::domain::names::SafeRelativePath;
use crate::domain::range::MIB;
use crate::domain::zip::{Member, Method};
use crate::store::ListedMember;

/// A member at `position` named `name`, its span from `local_header` to
/// `span_end`.
pub fn listed(
    position: u32,
    name: &str,
    size: u64,
    local_header: u64,
    span_end: u64,
) -> ListedMember {
    ListedMember {
        position,
        member: Member {
            name: name.to_owned(),
            path: SafeRelativePath::new(name, "member"),
            is_dir: name.ends_with('/'),
            size,
            compressed_size: span_end - local_header - 30 - name.len() as u64,
            method: Method::from_number(8),
            crc32: 0x1234_5678,
            modified: None,
            local_header,
            encrypted: false,
            name_len: name.len() as u16,
            extra_len: 0,
        },
        span_end,
    }
}

/// `docs/a.txt`, `docs/sub/b.txt`, an empty folder's own entry, and
/// `readme.md`, one after the other in a 48 MiB archive.
pub fn members() -> Vec<ListedMember> {
    vec![
        listed(0, "docs/a.txt", 3 * MIB, 0, 2 * MIB),
        listed(1, "docs/sub/b.txt", 20 * MIB, 2 * MIB, 12 * MIB + 100),
        listed(2, "empty/", 0, 12 * MIB + 100, 12 * MIB + 137),
        listed(3, "readme.md", 5000, 12 * MIB + 137, 12 * MIB + 2000),
    ]
}

/// A vault of `total` archives browsed, archive 2's listing stored.
pub fn browsing_listed(width: u16, height: u16, total: u32) -> Model {
    let mut model = browsing(width, height, total);
    let request = model
        .zips
        .pending
        .expect("the listed archives are asked for");
    let listing = Listing {
        ids: [archive(2, "", 0).archive_id].into_iter().collect(),
        positions: [2].into_iter().collect(),
    };
    update(
        &mut model,
        Msg::Loaded(Loaded::Zip(ZipAnswer::Listed {
            request,
            result: Ok(listing),
        })),
        NOW,
    );
    model
}
