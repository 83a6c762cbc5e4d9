//! The command line's words for what the lower layers refuse. Their messages say
//! what is wrong and the remedy in words any front end can use ("choose the
//! region", "give the archive's size"); here each typed error whose remedy is an
//! option of defrost's is worded with that option (`--region`, `--size BYTES`,
//! `--snap mib`, `--overwrite`, ...), so every error a command prints names the
//! option to change. The problem half of each message stays the lower layer's:
//! only the remedy's words are swapped, so the numbers and names are kept.

use std::error::Error;

use crate::domain::job_params::{Field, ParamsError};
use crate::domain::range::RangeError;
use crate::glacier::GlacierError;
use crate::glacier::download::DownloadError;
use crate::store::{StoreError, VaultDetail, VaultRefusal};
use crate::text::{printable, swap_last};
use crate::tracking::TrackingError;
use crate::tracking::download::DownloadJobError;
use crate::tracking::inventory::FetchError;
use crate::tracking::launch::{LaunchError, PlanError};
use crate::tracking::migrate::MigrateError;
use crate::tracking::peek::PeekError;

/// The `defrost params` option that sets a field of InitiateJob's body; `Type`
/// is chosen by the subcommand instead.
pub fn flag(field: Field) -> Option<&'static str> {
    match field {
        Field::Type => None,
        Field::ArchiveId => Some("--archive-id"),
        Field::Description => Some("--description"),
        Field::SnsTopic => Some("--sns-topic"),
        Field::RetrievalByteRange => Some("--range"),
        Field::Tier => Some("--tier"),
        Field::Format => Some("--format"),
        Field::StartDate => Some("--start-date"),
        Field::EndDate => Some("--end-date"),
        Field::Limit => Some("--limit"),
        Field::Marker => Some("--marker"),
    }
}

/// The option that gives a vault's region or account.
fn detail_flag(detail: VaultDetail) -> &'static str {
    match detail {
        VaultDetail::Region => "--region",
        VaultDetail::Account => "--account",
    }
}

/// The whole chain of `err` as `{err:#}` writes it (each cause after a colon),
/// with every lower layer's error in the command line's words.
pub fn chain_text(err: &anyhow::Error) -> String {
    err.chain()
        .map(|cause| worded(cause).unwrap_or_else(|| cause.to_string()))
        .collect::<Vec<_>>()
        .join(": ")
}

/// One error of a chain in the command line's words, when it has a remedy in
/// them; `None` leaves its own text.
pub fn worded(cause: &(dyn Error + 'static)) -> Option<String> {
    if let Some(err) = cause.downcast_ref::<GlacierError>() {
        return glacier(err);
    }
    if let Some(err) = cause.downcast_ref::<StoreError>() {
        return store(err);
    }
    if let Some(err) = cause.downcast_ref::<RangeError>() {
        return range(err);
    }
    if let Some(err) = cause.downcast_ref::<ParamsError>() {
        return params(err);
    }
    if let Some(err) = cause.downcast_ref::<PlanError>() {
        return plan(err);
    }
    if let Some(err) = cause.downcast_ref::<DownloadError>() {
        return download(err);
    }
    if let Some(err) = cause.downcast_ref::<DownloadJobError>() {
        return download_job(err);
    }
    if let Some(err) = cause.downcast_ref::<LaunchError>() {
        return launch(err);
    }
    if let Some(err) = cause.downcast_ref::<FetchError>() {
        return fetch(err);
    }
    if let Some(err) = cause.downcast_ref::<MigrateError>() {
        return migrate(err);
    }
    if let Some(err) = cause.downcast_ref::<PeekError>() {
        return peek(err);
    }
    cause.downcast_ref::<TrackingError>().and_then(tracking)
}

/// `text` with an inner error's neutral words replaced by its command-line ones,
/// for an error whose message holds another's.
fn with_inner(text: String, inner: &(dyn Error + 'static)) -> Option<String> {
    let ours = worded(inner)?;
    Some(text.replacen(&inner.to_string(), &ours, 1))
}

fn glacier(err: &GlacierError) -> Option<String> {
    use GlacierError as G;
    let phrase = match err {
        G::NoRegion => (
            "choose the region (for example us-east-1)",
            "give --region (for example --region us-east-1)",
        ),
        G::NoCredentials { .. } => (
            "or choose an AWS profile that has them",
            "or give --profile NAME",
        ),
        G::AccessDenied { .. } => ("or use another AWS profile", "or use another --profile"),
        G::UnknownVault { .. } => (
            "against the account's list of vaults, and the region",
            "with 'defrost vaults', and --region",
        ),
        G::NoLongerSupported { .. } => (
            "the account (its AWS profile) and the region",
            "the account (--profile) and --region",
        ),
        G::Network { .. } => (
            "the endpoint URL if one was given",
            "--endpoint-url if you gave one",
        ),
        _ => return None,
    };
    swap_last(&err.to_string(), &[phrase])
}

fn store(err: &StoreError) -> Option<String> {
    let phrase = match err {
        StoreError::NewerSchema { .. } | StoreError::NotOurs { .. } => {
            ("use another data directory", "give another --data-dir")
        }
        StoreError::DamagedSnapshot { .. } => {
            ("into another data directory", "into another --data-dir")
        }
        StoreError::Vault(refusal) => return vault(refusal),
        _ => return None,
    };
    swap_last(&err.to_string(), &[phrase])
}

fn vault(refusal: &VaultRefusal) -> Option<String> {
    swap_last(&refusal.to_string(), &vault_phrases(refusal))
}

/// A vault refusal's neutral remedy phrases, each with the command line's.
fn vault_phrases(refusal: &VaultRefusal) -> Vec<(String, String)> {
    use VaultRefusal as V;
    let pair = |neutral: &str, ours: &str| (neutral.to_owned(), ours.to_owned());
    let import = |name: &str| {
        format!(
            "import one with 'defrost inventory import FILE --vault {}'",
            printable(name)
        )
    };
    match refusal {
        V::NotCached { name, .. } => vec![pair(
            "import one, or see which vaults the cached inventories are of",
            &format!("{}, or see 'defrost inventory list'", import(name)),
        )],
        V::Ambiguous { .. } => vec![pair(
            "choose the region or the account",
            "add --region or --account",
        )],
        V::NoInventory { name } => vec![pair("import one", &import(name))],
        V::NoSuchSnapshot { .. } => vec![pair(
            "the list of cached inventories shows",
            "'defrost inventory list' shows",
        )],
        V::OfAnotherVault { in_arn, .. } => {
            let named = printable(in_arn);
            vec![(
                format!("import it as vault '{named}'"),
                format!("give --vault {named}"),
            )]
        }
        V::NoRegion => vec![pair(
            "choose the region, for example us-east-1",
            "give --region, for example --region us-east-1",
        )],
        V::Disagrees { detail, .. } => {
            let flag = detail_flag(*detail);
            vec![
                (format!("the {detail} given is"), format!("{flag} says")),
                (
                    format!("leave the {detail} out"),
                    format!("leave out {flag}"),
                ),
            ]
        }
        V::DateDisagrees { .. } => vec![
            pair("but the date given is", "but --inventory-date says"),
            pair("leave the date out", "leave out --inventory-date"),
        ],
    }
}

fn range(err: &RangeError) -> Option<String> {
    let phrase = match err {
        RangeError::NotMibAligned { .. } => ("snap it to MiB", "snap it (--snap mib)"),
        RangeError::NeedsSize { .. } => ("give the archive's size in bytes", "give --size BYTES"),
        _ => return None,
    };
    swap_last(&err.to_string(), &[phrase])
}

/// A refusal of job parameters, each field it names followed by its option:
/// `Description (--description) is 1025 bytes long ...`.
fn params(err: &ParamsError) -> Option<String> {
    use ParamsError as P;
    let text = err.to_string();
    let remedied = match err {
        P::RangeUnusable(inner) => with_inner(text.clone(), inner),
        P::RangeNotMibAligned { .. } => swap_last(
            &text,
            &[(
                "snap it to MiB for the fewest bytes, or to the tree-hash tree for",
                "snap it with --snap mib for the fewest bytes or --snap tree for",
            )],
        ),
        P::RangeStartNotMibAligned { .. } => swap_last(
            &text,
            &[(
                "give the archive's size and snap the range to MiB",
                "give the archive size (--size) and snap the range (--snap mib)",
            )],
        ),
        P::RangeEndNotMibAligned { .. } => swap_last(
            &text,
            &[(
                "give the archive's size so",
                "give the archive size (--size) so",
            )],
        ),
        _ => None,
    };
    let named = with_flags(remedied.unwrap_or(text), &err.fields());
    (named != err.to_string()).then_some(named)
}

/// `text` with the first mention of each field's Glacier name, as a whole word,
/// followed by the option that sets it.
fn with_flags(mut text: String, fields: &[Field]) -> String {
    for &field in fields {
        let (Some(flag), name) = (flag(field), field.glacier_name()) else {
            continue;
        };
        let whole_word = |at: usize| {
            let before = text[..at].chars().next_back();
            let after = text[at + name.len()..].chars().next();
            before.is_none_or(|c| !c.is_alphanumeric())
                && after.is_none_or(|c| !c.is_alphanumeric())
        };
        if let Some(at) = text
            .match_indices(name)
            .map(|(at, _)| at)
            .find(|&at| whole_word(at))
        {
            text.insert_str(at + name.len(), &format!(" ({flag})"));
        }
    }
    text
}

fn plan(err: &PlanError) -> Option<String> {
    match err {
        PlanError::NeedsSize { .. } => swap_last(
            &err.to_string(),
            &[(
                "give the archive's size in bytes as",
                "give --size BYTES as",
            )],
        ),
        // The range is the one `--range` gave, as the command line's other range
        // errors say.
        PlanError::Range(inner) => Some(format!(
            "--range: {}",
            range(inner).unwrap_or_else(|| inner.to_string())
        )),
        PlanError::Params(inner) => params(inner),
    }
}

fn download(err: &DownloadError) -> Option<String> {
    match err {
        DownloadError::DestinationExists { .. } => swap_last(
            &err.to_string(),
            &[(
                "it is replaced only when asked to overwrite it",
                "give --overwrite to replace it (a file restored from another archive is never replaced)",
            )],
        ),
        DownloadError::Glacier { source, .. } => with_inner(err.to_string(), source),
        _ => None,
    }
}

fn download_job(err: &DownloadJobError) -> Option<String> {
    use DownloadJobError as D;
    match err {
        D::InProgress { .. } => swap_last(
            &err.to_string(),
            &[("once it is ready", "once 'defrost jobs' shows it ready")],
        ),
        D::NoLength { inventory: false } => swap_last(
            &err.to_string(),
            &[(
                "import an inventory that lists it and",
                "import an inventory that lists it ('defrost inventory import FILE --vault NAME') and",
            )],
        ),
        D::AlreadyFinished { .. } => swap_last(
            &err.to_string(),
            &[(
                "only when asked to overwrite it",
                "only with --overwrite (a file restored from another archive is never replaced)",
            )],
        ),
        D::Download(inner) => download(inner),
        D::Glacier(inner) => glacier(inner),
        D::Store(inner) => store(inner),
        D::Tracking(inner) => tracking(inner),
        _ => None,
    }
}

fn launch(err: &LaunchError) -> Option<String> {
    match err {
        LaunchError::Refused { cause, .. } => with_inner(err.to_string(), cause),
        LaunchError::Journal { cause, .. } => with_inner(err.to_string(), cause),
    }
}

fn fetch(err: &FetchError) -> Option<String> {
    match err {
        FetchError::JobFailed { .. } | FetchError::OutputExpired { .. } => swap_last(
            &err.to_string(),
            &[(
                "fetch the inventory again",
                "run 'defrost inventory fetch' again",
            )],
        ),
        FetchError::Params(inner) => params(inner),
        FetchError::Tracking(inner) => tracking(inner),
        FetchError::Glacier(inner) => glacier(inner),
        FetchError::Store(inner) => store(inner),
        _ => None,
    }
}

fn migrate(err: &MigrateError) -> Option<String> {
    let phrase = match err {
        MigrateError::WouldOverwrite { .. } => (
            "it is replaced only when asked to overwrite it, or the objects can go under another prefix",
            "add --overwrite to replace it, or choose another --prefix",
        ),
        MigrateError::CrossRegion { .. } => (
            "so it is done only when asked to copy across regions",
            "add --allow-cross-region to copy anyway",
        ),
        MigrateError::Store(inner) => return store(inner),
        MigrateError::Glacier(inner) => return glacier(inner),
        _ => return None,
    };
    swap_last(&err.to_string(), &[phrase])
}

/// A peek's or a member restore's error. The errors it wraps whole (its text
/// is theirs) are worded as they are; a plan's range or size came from the
/// archive, not from `--range` or `--size`, so those keep their words.
fn peek(err: &PeekError) -> Option<String> {
    match err {
        PeekError::Exists { .. } => swap_last(
            &err.to_string(),
            &[(
                "ask to replace it, or choose another folder",
                "add --overwrite to replace it, or give another folder with --to",
            )],
        ),
        PeekError::Launch(inner) => launch(inner),
        PeekError::Tracking(inner) => tracking(inner),
        PeekError::Download(inner) => download_job(inner),
        PeekError::Store(inner) => store(inner),
        _ => None,
    }
}

fn tracking(err: &TrackingError) -> Option<String> {
    match err {
        TrackingError::Glacier(inner) => glacier(inner),
        TrackingError::Store(inner) => store(inner),
    }
}

#[cfg(test)]
#[path = "wording_tests.rs"]
mod tests;
