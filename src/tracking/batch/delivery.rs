//! Where a batch's ready outputs go: files in a folder (a restore), or, for a
//! migration, objects in S3 (see `tracking::migrate`). The batch loop is the
//! same for both; only this step differs.

use std::future::Future;
use std::path::Path;

use time::OffsetDateTime;

use super::step::download_item;
use super::{BatchError, BatchEvent};
use crate::glacier::GlacierApi;
use crate::store::{BatchItem, Store, VaultKey};

/// Puts one archive's ready output where the batch sends it; the event that
/// says so, or `None` when Glacier says it is not ready after all.
pub trait Delivery {
    fn deliver<G: GlacierApi>(
        &self,
        api: &G,
        store: &mut Store,
        vault: &VaultKey,
        folder: &Path,
        item: &BatchItem,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<Option<BatchEvent>, BatchError>>;

    /// Whether the archive reached where the batch sends it though the
    /// journal does not say so (the process was killed between the two):
    /// then the event that says so, asked before an expired job is renewed,
    /// so that nothing is paid for twice. By default, never.
    fn delivered_already(
        &self,
        store: &mut Store,
        item: &BatchItem,
    ) -> impl Future<Output = Result<Option<BatchEvent>, BatchError>> {
        let _ = (store, item);
        async { Ok(None) }
    }
}

/// Downloads into the batch's folder, verified, as `defrost download` does.
pub struct IntoFolder;

impl Delivery for IntoFolder {
    async fn deliver<G: GlacierApi>(
        &self,
        api: &G,
        store: &mut Store,
        _vault: &VaultKey,
        folder: &Path,
        item: &BatchItem,
        now: OffsetDateTime,
    ) -> Result<Option<BatchEvent>, BatchError> {
        download_item(api, store, folder, item, now, &mut |_, _| {}).await
    }
}
