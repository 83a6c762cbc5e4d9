//! Which vault an inventory belongs to, from what the file says and what the
//! user said.

use time::OffsetDateTime;

use super::ImportRequest;
use crate::domain::inventory::{InventoryHeader, Timestamp};
use crate::domain::job_params;
use crate::store::catalog::{VaultKey, rfc3339};
use crate::store::error::{StoreError, VaultDetail, VaultRefusal};

/// What the pages of one inventory say about it together: they must name one
/// vault, and the oldest date stands for the whole.
pub(super) fn merge_headers(
    so_far: Option<InventoryHeader>,
    page: Option<InventoryHeader>,
) -> Result<Option<InventoryHeader>, StoreError> {
    match (so_far, page) {
        (Some(first), Some(page)) if first.vault_arn != page.vault_arn => {
            Err(StoreError::refused(format!(
                "the inventory's pages are of two vaults ('{}' and '{}'); import each vault's pages on their own",
                first.vault_arn, page.vault_arn
            )))
        }
        (Some(first), Some(page)) => Ok(Some(if page.inventory_date < first.inventory_date {
            page
        } else {
            first
        })),
        (Some(header), None) | (None, Some(header)) => Ok(Some(header)),
        (None, None) => Ok(None),
    }
}

/// Glacier's rule for vault names (the one job parameters are checked against),
/// as a refusal of the import.
pub fn check_vault_name(name: &str) -> Result<(), StoreError> {
    job_params::check_vault_name(name)
        .map_err(|problem| StoreError::refused(format!("'{name}' is not a vault name: {problem}")))
}

/// Which vault the inventory belongs to, and its date, from what the file says
/// and what the user said; any disagreement is refused rather than guessed.
pub(super) fn resolve_vault(
    header: Option<&InventoryHeader>,
    request: &ImportRequest,
) -> Result<(VaultKey, Timestamp), StoreError> {
    let vault_name = request.vault_name.as_str();
    let arn = vault_arn(header)?;
    if let Some(arn) = &arn
        && arn.name != vault_name
    {
        return Err(VaultRefusal::OfAnotherVault {
            in_arn: arn.name.clone(),
            given: vault_name.to_owned(),
        }
        .into());
    }
    let region = agree(
        VaultDetail::Region,
        request.region.as_deref(),
        arn.as_ref().map(|a| a.region.as_str()),
    )?
    .or(request.default_region.clone())
    .ok_or(VaultRefusal::NoRegion)?;
    let account = agree(
        VaultDetail::Account,
        request.account.as_deref(),
        arn.as_ref().map(|a| a.account.as_str()),
    )?
    .unwrap_or_else(|| "-".to_owned());
    let inventory_date = resolve_date(header, request)?;
    Ok((
        VaultKey {
            account,
            region,
            name: vault_name.to_owned(),
        },
        inventory_date,
    ))
}

/// The VaultARN the inventory names, if it names one; refused unless it is a
/// Glacier vault's, in a real region and account.
fn vault_arn(header: Option<&InventoryHeader>) -> Result<Option<VaultArn>, StoreError> {
    let arn = match header {
        Some(header) => Some(VaultArn::parse(&header.vault_arn).ok_or_else(|| {
            StoreError::refused(format!(
                "the inventory's VaultARN '{}' is not a Glacier vault ARN (arn:aws:glacier:REGION:ACCOUNT:vaults/NAME); check that the file is a Glacier inventory",
                header.vault_arn
            ))
        })?),
        None => None,
    };
    if let Some(arn) = &arn {
        check_arn_home(arn, header.map_or("", |header| header.vault_arn.as_str()))?;
    }
    Ok(arn)
}

/// The inventory's date: the file's, which a date the user gave must match;
/// else the one given; else when the inventory was obtained.
fn resolve_date(
    header: Option<&InventoryHeader>,
    request: &ImportRequest,
) -> Result<Timestamp, StoreError> {
    match (header, request.inventory_date) {
        (Some(header), Some(given)) if given != header.inventory_date => {
            Err(VaultRefusal::DateDisagrees {
                in_file: header.inventory_date,
                given,
            }
            .into())
        }
        (Some(header), _) => Ok(header.inventory_date),
        (None, Some(given)) => Ok(given),
        (None, None) => Ok(timestamp_of(request.obtained_at)),
    }
}

/// The region and account a VaultARN names, held to the rules the job
/// parameters and `--region`/`--account` are held to: they key the cache and
/// go back into requests, so a file cannot file a vault under `us-east-1/../x`.
fn check_arn_home(arn: &VaultArn, text: &str) -> Result<(), StoreError> {
    let problem = job_params::check_region(&arn.region)
        .and_then(|()| job_params::check_account_id(&arn.account))
        .err();
    match problem {
        None => Ok(()),
        Some(problem) => Err(StoreError::refused(format!(
            "the inventory's VaultARN '{text}' names no real region and account: {problem}; check that the file is a Glacier inventory"
        ))),
    }
}

/// The value both sources agree on, or a refusal naming what to fix.
fn agree(
    detail: VaultDetail,
    given: Option<&str>,
    from_arn: Option<&str>,
) -> Result<Option<String>, VaultRefusal> {
    match (given, from_arn) {
        (Some(given), Some(arn)) if given != arn => Err(VaultRefusal::Disagrees {
            detail,
            given: given.to_owned(),
            in_arn: arn.to_owned(),
        }),
        (Some(value), _) | (None, Some(value)) => Ok(Some(value.to_owned())),
        (None, None) => Ok(None),
    }
}

/// A moment as an inventory date, to the second.
fn timestamp_of(moment: OffsetDateTime) -> Timestamp {
    let text = rfc3339(moment.to_offset(time::UtcOffset::UTC));
    // RFC 3339 in UTC to the second is exactly the inventory form; if the year
    // were ever out of range, the epoch is a safe stand-in.
    Timestamp::parse(&text).unwrap_or_else(|_| {
        Timestamp::parse("1970-01-01T00:00:00Z").expect("a fixed, valid inventory date")
    })
}

/// The parts of `arn:aws:glacier:REGION:ACCOUNT:vaults/NAME`.
struct VaultArn {
    region: String,
    account: String,
    name: String,
}

impl VaultArn {
    fn parse(arn: &str) -> Option<Self> {
        let mut parts = arn.splitn(6, ':');
        let (
            Some("arn"),
            Some(_partition),
            Some("glacier"),
            Some(region),
            Some(account),
            Some(resource),
        ) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        )
        else {
            return None;
        };
        let name = resource.strip_prefix("vaults/")?;
        if region.is_empty() || account.is_empty() || name.is_empty() {
            return None;
        }
        Some(Self {
            region: region.to_owned(),
            account: account.to_owned(),
            name: name.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(arn: &str, date: &str) -> InventoryHeader {
        InventoryHeader {
            vault_arn: arn.to_owned(),
            inventory_date: Timestamp::parse(date).unwrap(),
        }
    }

    #[test]
    fn a_vault_arn_gives_its_region_account_and_name() {
        let arn = VaultArn::parse("arn:aws:glacier:eu-west-1:123456789012:vaults/photos").unwrap();
        assert_eq!(
            (arn.region.as_str(), arn.account.as_str(), arn.name.as_str()),
            ("eu-west-1", "123456789012", "photos")
        );
    }

    #[test]
    fn arns_of_other_services_or_with_empty_parts_are_not_vault_arns() {
        for arn in [
            "arn:aws:s3:eu-west-1:123456789012:vaults/photos",
            "arn:aws:glacier::123456789012:vaults/photos",
            "arn:aws:glacier:eu-west-1::vaults/photos",
            "arn:aws:glacier:eu-west-1:123456789012:vaults/",
            "arn:aws:glacier:eu-west-1:123456789012:photos",
            "glacier:eu-west-1:123456789012:vaults/photos",
            "",
        ] {
            assert!(VaultArn::parse(arn).is_none(), "{arn}");
        }
    }

    #[test]
    fn pages_of_one_vault_take_the_oldest_date() {
        let arn = "arn:aws:glacier:eu-west-1:1:vaults/photos";
        let newer = header(arn, "2024-05-02T00:00:00Z");
        let older = header(arn, "2024-05-01T00:00:00Z");
        for (first, second) in [(&newer, &older), (&older, &newer)] {
            let merged = merge_headers(Some(first.clone()), Some(second.clone())).unwrap();
            assert_eq!(merged, Some(older.clone()));
        }
        assert_eq!(
            merge_headers(None, Some(newer.clone())).unwrap(),
            Some(newer)
        );
    }

    #[test]
    fn pages_of_two_vaults_are_refused() {
        let first = header(
            "arn:aws:glacier:eu-west-1:1:vaults/a",
            "2024-05-01T00:00:00Z",
        );
        let second = header(
            "arn:aws:glacier:eu-west-1:1:vaults/b",
            "2024-05-01T00:00:00Z",
        );
        let refusal = merge_headers(Some(first), Some(second))
            .unwrap_err()
            .to_string();
        assert!(refusal.contains("two vaults"), "{refusal}");
    }

    #[test]
    fn a_value_that_contradicts_the_arn_is_refused_and_named() {
        let region = VaultDetail::Region;
        assert_eq!(
            agree(region, None, Some("us-east-1")).unwrap().as_deref(),
            Some("us-east-1")
        );
        assert_eq!(
            agree(region, Some("us-east-1"), None).unwrap().as_deref(),
            Some("us-east-1")
        );
        assert_eq!(agree(region, None, None).unwrap(), None);
        let refusal = agree(region, Some("eu-west-1"), Some("us-east-1")).unwrap_err();
        assert_eq!(
            refusal,
            VaultRefusal::Disagrees {
                detail: region,
                given: "eu-west-1".into(),
                in_arn: "us-east-1".into(),
            }
        );
        let text = refusal.to_string();
        assert!(
            text.starts_with("the region given is 'eu-west-1'") && !text.contains("--"),
            "{text}"
        );
    }

    #[test]
    fn a_vault_name_is_refused_by_glaciers_rule_naming_what_is_wrong() {
        assert!(check_vault_name(&"v".repeat(255)).is_ok());
        assert!(check_vault_name("photos_2024-backup.v1").is_ok());
        let refusal = check_vault_name("bad/name").unwrap_err().to_string();
        assert!(
            refusal.contains("'bad/name' is not a vault name"),
            "{refusal}"
        );
        assert!(
            refusal.contains("`/`") && refusal.contains("character 4"),
            "{refusal}"
        );
        let refusal = check_vault_name(&"v".repeat(256)).unwrap_err().to_string();
        assert!(refusal.contains("256 characters"), "{refusal}");
    }
}
