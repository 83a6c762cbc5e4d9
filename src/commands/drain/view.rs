//! What `defrost drain` shows: the summary before anything is deleted, a line
//! per deletion (or JSON Lines), the outcome, and where the vault's end stands.

use std::path::Path;

use serde_json::json;
use time::format_description::well_known::Rfc3339;

use crate::commands::cached::{count, size};
use crate::domain::cost::{PriceTable, format_cost};
use crate::domain::drain::DrainScope;
use crate::store::{DeletionProof, VaultKey};
use crate::text::{printable, terminal_json};
use crate::tracking::drain::{DrainEvent, DrainOutcome, PreparedDrain, VaultEnd};

fn bytes(value: u64) -> String {
    size(u128::from(value))
}

/// Everything the user should know before deleting, one fact a line.
pub fn summary(prepared: &PreparedDrain, prices: &PriceTable, scope: DrainScope) -> String {
    let s = &prepared.summary;
    let mut out = format!(
        "Listed    {} archives, {} in the newest cached inventory of vault {}\n",
        count(s.listed.archives),
        bytes(s.listed.bytes),
        printable(&prepared.request.vault.name)
    );
    if s.deleted_before.archives > 0 {
        out.push_str(&format!(
            "Deleted   {} archives ({}) by an earlier drain\n",
            count(s.deleted_before.archives),
            bytes(s.deleted_before.bytes)
        ));
    }
    let proofs = [
        (s.copied, "copied to S3 and verified"),
        (
            s.downloaded,
            "downloaded and verified, the file still there",
        ),
        (s.unproven, "with no proof (--all)"),
    ];
    out.push_str(&format!(
        "To delete {} archives, {}\n",
        count(s.to_delete.archives),
        bytes(s.to_delete.bytes)
    ));
    for (tally, what) in proofs {
        if tally.archives > 0 {
            out.push_str(&format!(
                "          {} {what} ({})\n",
                count(tally.archives),
                bytes(tally.bytes)
            ));
        }
    }
    if s.kept.archives > 0 {
        let why = match scope {
            DrainScope::OnlyCopied => "no verified copy in S3",
            DrainScope::OnlyDownloaded => "no verified download",
            _ => "no proof: neither copied nor downloaded and verified",
        };
        out.push_str(&format!(
            "Kept      {} archives ({}): {why}\n",
            count(s.kept.archives),
            bytes(s.kept.bytes)
        ));
    }
    if !prepared.lost_proofs.is_empty() {
        let first = &prepared.lost_proofs[0];
        out.push_str(&format!(
            "Kept      {} archives whose downloaded file no longer proves them (for example {}: {})\n",
            count(prepared.lost_proofs.len() as u64),
            printable(&first.path),
            first.why
        ));
    }
    if s.early.archives > 0 {
        let fee = s.early_fee.map_or_else(
            || "a prorated fee".to_owned(),
            |fee| format!("about {}", format_cost(fee, &prices.currency)),
        );
        out.push_str(&format!(
            "Early     {} archives ({}) are younger than Glacier's minimum storage time: deleting them now costs {fee}\n",
            count(s.early.archives),
            bytes(s.early.bytes)
        ));
    }
    out
}

/// `--dry-run`: the archives that would be deleted, and nothing deleted.
pub fn dry_run(prepared: &PreparedDrain, json: bool) -> anyhow::Result<()> {
    for item in &prepared.items {
        if json {
            let value = json!({
                "event": "would delete",
                "archive_id": item.archive_id,
                "name": item.name,
                "size": item.size,
                "proof": proof_json(&item.proof),
            });
            println!("{}", terminal_json(&value)?);
        } else {
            println!("{}  {}", printable(&item.name), bytes(item.size));
        }
    }
    eprintln!(
        "dry run: {} archive(s) would be deleted; nothing was",
        count(prepared.items.len() as u64)
    );
    Ok(())
}

fn proof_json(proof: &DeletionProof) -> serde_json::Value {
    match proof {
        DeletionProof::Downloaded { path } => json!({"kind": "downloaded", "file": path}),
        DeletionProof::Copied { object } => json!({"kind": "copied", "object": object}),
        DeletionProof::None => json!({"kind": "none"}),
    }
}

/// One deletion, or Glacier holding the drain back.
pub fn event(event: &DrainEvent<'_>, outcome: &DrainOutcome, json: bool) {
    let value = match event {
        DrainEvent::Deleted(item) => json!({
            "event": "deleted", "archive_id": item.archive_id, "name": item.name,
            "size": item.size, "proof": proof_json(&item.proof),
        }),
        DrainEvent::Gone(item) => json!({
            "event": "already gone", "archive_id": item.archive_id, "name": item.name,
        }),
        DrainEvent::Held { message, until } => json!({
            "event": "held", "message": message,
            "until": until.format(&Rfc3339).unwrap_or_default(),
        }),
    };
    if json {
        if let Ok(line) = terminal_json(&value) {
            println!("{line}");
        }
        return;
    }
    match event {
        DrainEvent::Deleted(item) => eprintln!(
            "deleted {} ({}) [{} so far]",
            printable(&item.name),
            bytes(item.size),
            count(outcome.deleted)
        ),
        DrainEvent::Gone(item) => eprintln!(
            "{} was deleted already (an earlier request's answer was lost)",
            printable(&item.name)
        ),
        DrainEvent::Held { message, .. } => {
            eprintln!(
                "Glacier pushed back ({}); going on shortly",
                printable(message)
            );
        }
    }
}

/// What the drain came to, and where the report is.
pub fn outcome(prepared: &PreparedDrain, outcome: &DrainOutcome, report: &Path, json: bool) {
    if json {
        let value = json!({
            "event": "outcome",
            "deleted": outcome.deleted,
            "deleted_bytes": outcome.deleted_bytes,
            "already_gone": outcome.gone,
            "kept": prepared.summary.kept.archives,
            "kept_bytes": prepared.summary.kept.bytes,
            "report": report.display().to_string(),
        });
        if let Ok(line) = terminal_json(&value) {
            println!("{line}");
        }
        return;
    }
    eprintln!(
        "{} archive(s) deleted ({}), {} already gone; every deletion is listed in {}",
        count(outcome.deleted),
        bytes(outcome.deleted_bytes),
        count(outcome.gone),
        printable(&report.display().to_string())
    );
}

/// Where the vault's end stands, and what to do next.
pub fn vault_end(vault: &VaultKey, end: &VaultEnd, json: bool) {
    let name = printable(&vault.name);
    let (state, text) = match end {
        VaultEnd::Deleted => ("deleted", format!("vault {name} is deleted")),
        VaultEnd::Gone => ("gone", format!("vault {name} no longer exists")),
        VaultEnd::AwaitingInventory {
            last_inventory,
            last_deletion,
        } => {
            let last = last_inventory
                .and_then(|at| at.format(&Rfc3339).ok())
                .unwrap_or_else(|| "never".into());
            let deleted = last_deletion
                .and_then(|at| at.format(&Rfc3339).ok())
                .unwrap_or_else(|| "none".into());
            (
                "awaiting inventory",
                format!(
                    "vault {name} is kept until Glacier's next inventory: Glacier deletes a vault only when the inventory it computes (about once a day) lists no archive and nothing was written since; its last is from {last}, the last deletion at {deleted}; run 'defrost drain --vault {name} --delete-vault' again after the next one"
                ),
            )
        }
        VaultEnd::ArchivesLeft {
            count: left,
            inventory_job,
        } => (
            "archives left",
            format!(
                "vault {name} still holds {} archive(s) by Glacier's last inventory; inventory job {} was started to list them: once it is ready, 'defrost inventory fetch --vault {name}' imports it, and a drain deletes what has proof",
                count(*left),
                printable(inventory_job)
            ),
        ),
    };
    if json {
        if let Ok(line) = terminal_json(&json!({"event": "vault", "state": state, "said": text})) {
            println!("{line}");
        }
    } else {
        eprintln!("{text}");
    }
}
