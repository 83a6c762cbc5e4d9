//! Where archive bytes come from. Archive content is not wired in yet, so reading
//! an archive fails with an I/O error that the routes report as a server error.

use std::io;

use bytes::Bytes;
use futures_util::{Stream, stream};

use crate::domain::range::ByteRange;
use crate::domain::treehash::TreeHash;
use crate::sandbox::model::ArchiveContent;
use crate::sandbox::store::StateStore;

fn unavailable() -> io::Error {
    io::Error::other("archive content is not available")
}

pub fn open_range(
    _store: &StateStore,
    _archive_id: &str,
    _content: ArchiveContent,
    _archive_size: u64,
    _range: ByteRange,
) -> impl Stream<Item = io::Result<Bytes>> + Send + 'static {
    stream::once(async { Err(unavailable()) })
}

pub fn range_tree_hash(
    _store: &StateStore,
    _archive_id: &str,
    _content: ArchiveContent,
    _archive_size: u64,
    _range: ByteRange,
) -> io::Result<TreeHash> {
    Err(unavailable())
}
