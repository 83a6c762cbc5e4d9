//! Vault operations and the inventory schedule, as pure functions of the state
//! and `now`.

use std::time::Duration;

use serde_json::{Value, json};
use time::OffsetDateTime;

use super::clock::glacier_date;
use super::error::{GlacierError, GlacierResult};
use super::model::{Inventory, InventoryEntry, SandboxState, Vault};

/// The account and region the sandbox answers as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountContext {
    pub account_id: String,
    pub region: String,
}

impl AccountContext {
    pub fn vault_arn(&self, vault: &str) -> String {
        format!(
            "arn:aws:glacier:{}:{}:vaults/{vault}",
            self.region, self.account_id
        )
    }
}

/// Glacier's rule: 1 to 255 of `a-z A-Z 0-9 _ - .`.
pub fn validate_vault_name(name: &str) -> GlacierResult<()> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
    if name.is_empty() || name.len() > 255 || !name.chars().all(allowed) {
        return Err(GlacierError::invalid_parameter(format!(
            "{name:?} is not a valid vault name: use 1 to 255 letters, digits, '_', '-' or '.'"
        )));
    }
    Ok(())
}

pub fn vault<'a>(
    state: &'a SandboxState,
    ctx: &AccountContext,
    name: &str,
) -> GlacierResult<&'a Vault> {
    state
        .vaults
        .get(name)
        .ok_or_else(|| vault_not_found(ctx, name))
}

pub fn vault_mut<'a>(
    state: &'a mut SandboxState,
    ctx: &AccountContext,
    name: &str,
) -> GlacierResult<&'a mut Vault> {
    state
        .vaults
        .get_mut(name)
        .ok_or_else(|| vault_not_found(ctx, name))
}

fn vault_not_found(ctx: &AccountContext, name: &str) -> GlacierError {
    GlacierError::not_found(format!("Vault not found for ARN: {}", ctx.vault_arn(name)))
}

/// CreateVault is idempotent: creating an existing vault changes nothing.
pub fn create_vault(
    state: &mut SandboxState,
    name: &str,
    now: OffsetDateTime,
) -> GlacierResult<()> {
    validate_vault_name(name)?;
    state
        .vaults
        .entry(name.to_owned())
        .or_insert_with(|| Vault::empty(name, now));
    Ok(())
}

/// DescribeVault's body. Counts come from the last inventory, as on AWS, so they
/// are null until the first one and lag behind uploads.
pub fn describe_vault(vault: &Vault, ctx: &AccountContext) -> Value {
    let inventory = vault.inventory.as_ref();
    json!({
        "CreationDate": glacier_date(vault.created),
        "LastInventoryDate": inventory.map(|inv| glacier_date(inv.date)),
        "NumberOfArchives": inventory.map(|inv| inv.entries.len()),
        "SizeInBytes": inventory.map(Inventory::size_in_bytes),
        "VaultARN": ctx.vault_arn(&vault.name),
        "VaultName": vault.name,
    })
}

/// ListVaults: vaults in name order, `limit` per page (default 10, at most 1000);
/// the marker is the ARN of the first vault of the next page.
pub fn list_vaults(
    state: &SandboxState,
    ctx: &AccountContext,
    marker: Option<&str>,
    limit: Option<&str>,
) -> GlacierResult<Value> {
    let limit = parse_limit(limit, 10, 1000)?;
    let start = match marker {
        None => 0,
        Some(marker) => state
            .vaults
            .keys()
            .position(|name| ctx.vault_arn(name) == marker)
            .ok_or_else(|| GlacierError::invalid_parameter(format!("Invalid marker: {marker}")))?,
    };
    let page: Vec<&Vault> = state.vaults.values().skip(start).take(limit).collect();
    let next = state
        .vaults
        .keys()
        .nth(start + limit)
        .map(|name| ctx.vault_arn(name));
    let list: Vec<Value> = page
        .iter()
        .map(|vault| describe_vault(vault, ctx))
        .collect();
    Ok(json!({ "Marker": next, "VaultList": list }))
}

/// A `limit` query parameter: a whole number from 1 to `max`.
pub fn parse_limit(limit: Option<&str>, default: usize, max: usize) -> GlacierResult<usize> {
    let Some(text) = limit else {
        return Ok(default);
    };
    match text.parse::<usize>() {
        Ok(value) if (1..=max).contains(&value) => Ok(value),
        _ => Err(GlacierError::invalid_parameter(format!(
            "Invalid limit: {text}; it must be a whole number from 1 to {max}"
        ))),
    }
}

/// DeleteVault succeeds only when the last inventory lists no archives and nothing
/// was written since, as on AWS.
pub fn delete_vault(
    state: &mut SandboxState,
    ctx: &AccountContext,
    name: &str,
) -> GlacierResult<()> {
    let vault = vault(state, ctx, name)?;
    let inventoried_empty = vault
        .inventory
        .as_ref()
        .is_none_or(|inv| inv.entries.is_empty());
    let since = vault.inventory.as_ref().map(|inv| inv.date);
    if !inventoried_empty || has_changes_since(vault, since, None) {
        return Err(GlacierError::invalid_parameter(format!(
            "Vault not empty or recently written to: {}",
            ctx.vault_arn(name)
        )));
    }
    state.vaults.remove(name);
    Ok(())
}

/// Whether any archive was uploaded or deleted after `since` (all history when
/// `None`) and no later than `until` (no bound when `None`).
fn has_changes_since(
    vault: &Vault,
    since: Option<OffsetDateTime>,
    until: Option<OffsetDateTime>,
) -> bool {
    let in_window =
        |at: OffsetDateTime| since.is_none_or(|s| at > s) && until.is_none_or(|u| at <= u);
    vault
        .archives
        .values()
        .any(|archive| in_window(archive.created) || archive.deleted.is_some_and(in_window))
}

/// Builds the inventories Glacier would have built by `now`. Inventories are taken
/// every `interval` after the vault's creation, and only when the vault changed
/// since the previous one, so a new vault has none and new uploads appear late.
pub fn refresh_inventories(state: &mut SandboxState, now: OffsetDateTime, interval: Duration) {
    for vault in state.vaults.values_mut() {
        let Some(tick) = latest_tick(vault.created, now, interval) else {
            continue;
        };
        let previous = vault.inventory.as_ref().map(|inv| inv.date);
        if previous.is_some_and(|date| date >= tick)
            || !has_changes_since(vault, previous, Some(tick))
        {
            continue;
        }
        let mut entries: Vec<InventoryEntry> = vault
            .archives
            .values()
            .filter(|archive| archive.existed_at(tick))
            .map(InventoryEntry::from)
            .collect();
        entries.sort_by(|a, b| (a.created, &a.archive_id).cmp(&(b.created, &b.archive_id)));
        vault.inventory = Some(Inventory {
            date: tick,
            entries,
        });
        // Deleted archives are kept only until an inventory has recorded their absence.
        vault
            .archives
            .retain(|_, archive| archive.deleted.is_none_or(|deleted| deleted > tick));
    }
}

/// The latest `created + k·interval` (k ≥ 1) not after `now`.
fn latest_tick(
    created: OffsetDateTime,
    now: OffsetDateTime,
    interval: Duration,
) -> Option<OffsetDateTime> {
    let interval_ns = interval.as_nanos().max(1);
    let elapsed = now - created;
    let elapsed_ns = u128::try_from(elapsed.whole_nanoseconds()).ok()?;
    let ticks = elapsed_ns / interval_ns;
    if ticks == 0 {
        return None;
    }
    let offset = time::Duration::nanoseconds(i64::try_from(ticks * interval_ns).ok()?);
    Some(created + offset)
}

#[cfg(test)]
#[path = "vaults_tests.rs"]
mod tests;
