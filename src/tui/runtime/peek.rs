//! The runtime's part in zips: listings are read on the store thread, and a
//! peek is taken further on a thread of its own, as a batch is, since it
//! writes the journal between requests.

use super::Runtime;
use crate::glacier::GlacierApi;
use crate::tui::effects;
use crate::tui::members::{ZipAnswer, ZipCmd};
use crate::tui::msg::{Loaded, Msg};
use crate::tui::store_worker::StoreJob;

impl<G: GlacierApi + 'static> Runtime<G> {
    pub(super) fn zip(&self, cmd: ZipCmd) {
        match cmd {
            ZipCmd::Listed {
                request,
                vault,
                snapshot,
            } => self.store.send(StoreJob::Listed {
                request,
                vault,
                snapshot,
            }),
            ZipCmd::Members {
                request,
                vault,
                archive_id,
            } => self.store.send(StoreJob::Members {
                request,
                vault,
                archive_id,
            }),
            ZipCmd::Peek { request, ask } => {
                let words = self.words.clone();
                self.on_own_thread(move |glacier, data_dir| async move {
                    let result = effects::peek::peek(&*glacier, &data_dir, &words, ask).await;
                    Msg::Loaded(Loaded::Zip(ZipAnswer::Peeked { request, result }))
                });
            }
            ZipCmd::RestoreMember { request, ask } => {
                let words = self.words.clone();
                self.on_own_thread(move |glacier, data_dir| async move {
                    let result =
                        effects::peek::restore_member(&*glacier, &data_dir, &words, ask).await;
                    Msg::Loaded(Loaded::Zip(ZipAnswer::Member { request, result }))
                });
            }
        }
    }
}
