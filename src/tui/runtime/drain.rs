//! The runtime's part in drains: each on a thread of its own, as batches
//! are, since it writes the journal between requests.

use super::Runtime;
use crate::domain::cost::PriceTable;
use crate::glacier::GlacierApi;
use crate::store::VaultKey;
use crate::tui::drain::Draining;
use crate::tui::effects;
use crate::tui::msg::{DrainNews, Loaded, Msg, RequestId};

impl<G: GlacierApi + 'static> Runtime<G> {
    pub(super) fn prepare_drain(&self, request: RequestId, vault: VaultKey, prices: PriceTable) {
        let words = self.words.clone();
        self.on_own_thread(move |_, data_dir| async move {
            let result = effects::drain::prepare(&data_dir, &words, &vault, &prices);
            Msg::Loaded(Loaded::DrainPrepared { request, result })
        });
    }

    pub(super) fn start_drain(&self, vault: VaultKey, draining: Draining) {
        let (words, news) = (self.words.clone(), self.results.clone());
        self.on_own_thread(move |glacier, data_dir| async move {
            let result =
                effects::drain::start(&*glacier, &data_dir, &words, &vault, &draining, &news).await;
            Msg::Loaded(Loaded::Drain(DrainNews::Ended { vault, result }))
        });
    }
}
