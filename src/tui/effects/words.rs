//! The screen's words for what the lower layers refuse. Their messages end in a
//! remedy any front end can use ("import one", "once it is ready"); where the
//! screen has its own remedy (a key, a pane, a folder typed in a dialog) it is
//! swapped in here, named by the key the user's keymap binds. Remedies that only
//! a restart can give (another region, profile or data directory) keep the
//! lower layer's neutral words: the screen has no place to type an option. The
//! problem half of each message is kept.

use std::error::Error;

use crate::glacier::GlacierError;
use crate::glacier::download::DownloadError;
use crate::s3::S3Error;
use crate::store::{StoreError, VaultRefusal};
use crate::text::{printable, swap_last};
use crate::tracking::TrackingError;
use crate::tracking::batch::BatchError;
use crate::tracking::download::DownloadJobError;
use crate::tracking::inventory::FetchError;
use crate::tracking::launch::LaunchError;
use crate::tracking::migrate::MigrateError;
use crate::tracking::peek::PeekError;
use crate::tui::keymap::{Action, Keymap};

/// Words errors for the status bar with the keys of the active keymap.
#[derive(Debug, Clone)]
pub struct ScreenWords {
    keymap: Keymap,
}

impl ScreenWords {
    pub fn new(keymap: Keymap) -> ScreenWords {
        ScreenWords { keymap }
    }

    /// `err` as one printable line for the status bar: each error of its chain
    /// that has a remedy on the screen says it; the others keep their words.
    pub fn error(&self, err: &(dyn Error + 'static)) -> String {
        printable(&self.worded(err).unwrap_or_else(|| err.to_string()))
    }

    fn key(&self, action: Action) -> String {
        self.keymap.label(action)
    }

    fn worded(&self, cause: &(dyn Error + 'static)) -> Option<String> {
        if let Some(err) = cause.downcast_ref::<GlacierError>() {
            return self.glacier(err);
        }
        if let Some(err) = cause.downcast_ref::<StoreError>() {
            return self.store(err);
        }
        if let Some(err) = cause.downcast_ref::<DownloadError>() {
            return self.download(err);
        }
        if let Some(err) = cause.downcast_ref::<DownloadJobError>() {
            return self.download_job(err);
        }
        if let Some(err) = cause.downcast_ref::<LaunchError>() {
            return self.launch(err);
        }
        if let Some(err) = cause.downcast_ref::<FetchError>() {
            return self.fetch(err);
        }
        if let Some(err) = cause.downcast_ref::<BatchError>() {
            return self.batch(err);
        }
        if let Some(err) = cause.downcast_ref::<MigrateError>() {
            return self.migrate(err);
        }
        if let Some(err) = cause.downcast_ref::<S3Error>() {
            return self.s3(err);
        }
        if let Some(err) = cause.downcast_ref::<PeekError>() {
            return self.peek(err);
        }
        cause
            .downcast_ref::<TrackingError>()
            .and_then(|err| self.tracking(err))
    }

    /// `text` with an inner error's words replaced by the screen's.
    fn with_inner(&self, text: String, inner: &(dyn Error + 'static)) -> Option<String> {
        let ours = self.worded(inner)?;
        Some(text.replacen(&inner.to_string(), &ours, 1))
    }

    fn glacier(&self, err: &GlacierError) -> Option<String> {
        use GlacierError as G;
        let phrase = match err {
            G::UnknownVault { .. } => (
                "against the account's list of vaults, and the region",
                "against the vaults pane, and the region",
            ),
            _ => return None,
        };
        swap_last(&err.to_string(), &[phrase])
    }

    fn store(&self, err: &StoreError) -> Option<String> {
        let phrase = match err {
            StoreError::Vault(VaultRefusal::NoInventory { .. }) => (
                "import one".to_owned(),
                format!(
                    "press {} in the vaults pane to ask Glacier for one",
                    self.key(Action::FetchInventory)
                ),
            ),
            _ => return None,
        };
        swap_last(&err.to_string(), &[phrase])
    }

    fn download(&self, err: &DownloadError) -> Option<String> {
        let again = format!("press {} again", self.key(Action::Download));
        let text = match err {
            DownloadError::DestinationExists { .. } => {
                return swap_last(
                    &err.to_string(),
                    &[(
                        "it is replaced only when asked to overwrite it",
                        "choose another folder, or move the file away",
                    )],
                );
            }
            DownloadError::Stalled { .. } => {
                return swap_last(&err.to_string(), &[("try again later", again + " later")]);
            }
            DownloadError::Glacier { source, .. } => self
                .with_inner(err.to_string(), source)
                .unwrap_or_else(|| err.to_string()),
            _ => err.to_string(),
        };
        // Whatever broke a download off, the same key resumes it.
        swap_last(&text, &[("run the download again", again)])
    }

    fn download_job(&self, err: &DownloadJobError) -> Option<String> {
        use DownloadJobError as D;
        let download = self.key(Action::Download);
        let fetch = self.key(Action::FetchInventory);
        let phrase = match err {
            D::InProgress { .. } => (
                "once it is ready".to_owned(),
                format!(
                    "once the jobs pane shows it ready ({} asks Glacier now)",
                    self.key(Action::Refresh)
                ),
            ),
            D::NoLength { inventory: false } => (
                "import an inventory that lists it and download again".to_owned(),
                format!(
                    "press {fetch} in the vaults pane for an inventory that lists it, and {download} again once it is imported"
                ),
            ),
            D::NoLength { inventory: true } => (
                "try again later".to_owned(),
                format!("press {download} again later"),
            ),
            D::HashesDisagree { .. } => (
                "import a newer inventory".to_owned(),
                format!("press {fetch} in the vaults pane for a newer inventory"),
            ),
            D::AlreadyFinished { .. } => (
                "it is downloaded again only when asked to overwrite it".to_owned(),
                "choose another folder to download it again".to_owned(),
            ),
            D::Download(inner) => return self.download(inner),
            D::Glacier(inner) => return self.glacier(inner),
            D::Store(inner) => return self.store(inner),
            D::Tracking(inner) => return self.tracking(inner),
            _ => return None,
        };
        swap_last(&err.to_string(), &[phrase])
    }

    fn launch(&self, err: &LaunchError) -> Option<String> {
        match err {
            LaunchError::Refused { cause, .. } => self.with_inner(err.to_string(), cause),
            LaunchError::Journal { cause, .. } => self.with_inner(err.to_string(), cause),
        }
    }

    fn fetch(&self, err: &FetchError) -> Option<String> {
        match err {
            FetchError::JobFailed { .. } | FetchError::OutputExpired { .. } => swap_last(
                &err.to_string(),
                &[(
                    "fetch the inventory again",
                    format!("press {} again", self.key(Action::FetchInventory)),
                )],
            ),
            FetchError::Tracking(inner) => self.tracking(inner),
            FetchError::Glacier(inner) => self.glacier(inner),
            FetchError::Store(inner) => self.store(inner),
            _ => None,
        }
    }

    fn batch(&self, err: &BatchError) -> Option<String> {
        match err {
            BatchError::Tracking(inner) => self.tracking(inner),
            BatchError::Store(inner) => self.store(inner),
            BatchError::Download(inner) => self.download_job(inner),
            BatchError::Folder { .. }
            | BatchError::UnknownBatch { .. }
            | BatchError::Delivery(_) => None,
        }
    }

    /// A migration's refusals are fixed in its dialog, which moves to the
    /// field concerned: what to change there, and the key that confirms.
    fn migrate(&self, err: &MigrateError) -> Option<String> {
        let text = err.to_string();
        let open = self.key(Action::Open);
        match err {
            MigrateError::CrossRegion { vault_region, .. } => swap_last(
                &text,
                &[(
                    "so it is done only when asked to copy across regions".to_owned(),
                    format!(
                        "so it is done only with 'across regions' at yes ({} there changes it), or type a bucket in {}; then press {open}",
                        self.key(Action::Down),
                        printable(vault_region)
                    ),
                )],
            ),
            MigrateError::WouldOverwrite { .. } => swap_last(
                &text,
                &[(
                    "it is replaced only when asked to overwrite it, or the objects can go under another prefix".to_owned(),
                    format!("type another prefix for the objects, then press {open}"),
                )],
            ),
            MigrateError::S3(inner) => self.s3(inner),
            MigrateError::Glacier(inner) => self.glacier(inner),
            MigrateError::Store(inner) => self.store(inner),
            MigrateError::Batch(inner) => self.batch(inner),
            _ => None,
        }
    }

    /// The bucket's refusals are fixed by typing another bucket; the others
    /// (credentials, the region, outages) keep their words.
    fn s3(&self, err: &S3Error) -> Option<String> {
        let then = format!(", then press {}", self.key(Action::Open));
        let phrase = match err {
            S3Error::NoSuchBucket { .. } => (
                "check its name, or create it first",
                "type the name of a bucket that exists",
            ),
            S3Error::InvalidBucketName { .. } => {
                ("check the bucket's name", "type the bucket's name again")
            }
            S3Error::AccessDenied { .. } => (
                "the credentials need permission for this S3 operation on the bucket",
                "type a bucket these credentials may write to",
            ),
            _ => return None,
        };
        swap_last(
            &err.to_string(),
            &[(phrase.0.to_owned(), format!("{}{then}", phrase.1))],
        )
    }

    fn peek(&self, err: &PeekError) -> Option<String> {
        match err {
            // The screen never replaces a file: the user moves it or types
            // another folder when pressing the key again.
            PeekError::Exists { .. } => swap_last(
                &err.to_string(),
                &[(
                    "ask to replace it, or choose another folder",
                    format!(
                        "move it away and press {} on the member again",
                        self.key(Action::Download)
                    ),
                )],
            ),
            PeekError::Launch(inner) => self.launch(inner),
            PeekError::Tracking(inner) => self.tracking(inner),
            PeekError::Download(inner) => self.download_job(inner),
            PeekError::Store(inner) => self.store(inner),
            _ => None,
        }
    }

    fn tracking(&self, err: &TrackingError) -> Option<String> {
        match err {
            TrackingError::Glacier(inner) => self.glacier(inner),
            TrackingError::Store(inner) => self.store(inner),
        }
    }
}

#[cfg(test)]
#[path = "words_tests.rs"]
mod tests;
