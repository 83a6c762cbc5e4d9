//! The runtime's part in migrations: each on a thread of its own, as batches
//! are, since it reads and writes the cache between requests for hours.

use super::Runtime;
use crate::glacier::GlacierApi;
use crate::store::BatchId;
use crate::tui::effects;
use crate::tui::migration::{Migrating, MigrationAsk};
use crate::tui::msg::{BatchNews, Loaded, Msg, RequestId};

impl<G: GlacierApi + 'static> Runtime<G> {
    pub(super) fn prepare_migration(&self, request: RequestId, ask: MigrationAsk) {
        let (words, s3) = (self.words.clone(), self.s3.clone());
        self.on_own_thread(move |glacier, data_dir| async move {
            let result = effects::migration::prepare(&*glacier, &s3, &data_dir, &words, ask).await;
            Msg::Loaded(Loaded::MigrationPrepared { request, result })
        });
    }

    pub(super) fn start_migration(&self, migrating: Migrating) {
        let (words, s3, news) = (self.words.clone(), self.s3.clone(), self.results.clone());
        self.on_own_thread(move |glacier, data_dir| async move {
            let started =
                effects::migration::start(&*glacier, &s3, &data_dir, &words, migrating, &news)
                    .await;
            match started {
                (Some(batch), result) => {
                    Msg::Loaded(Loaded::Batch(BatchNews::Ended { batch, result }))
                }
                (None, result) => Msg::Loaded(Loaded::Problem(result.err().unwrap_or_default())),
            }
        });
    }

    pub(super) fn resume_migration(&self, batch: BatchId) {
        let (words, s3, news) = (self.words.clone(), self.s3.clone(), self.results.clone());
        self.on_own_thread(move |glacier, data_dir| async move {
            let result =
                effects::migration::resume(&*glacier, &s3, &data_dir, &words, batch, &news).await;
            Msg::Loaded(Loaded::Batch(BatchNews::Ended { batch, result }))
        });
    }
}
