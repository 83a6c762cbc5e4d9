//! Which Glacier operation a request is, and which vault and job it concerns, read
//! from its method and path alone so that faults can answer before any handler runs.

use axum::http::Method;

/// Every operation of the Glacier API (2012-06-01), as fault rules may name them.
pub const OPERATIONS: &[&str] = &[
    "AbortMultipartUpload",
    "AbortVaultLock",
    "AddTagsToVault",
    "CompleteMultipartUpload",
    "CompleteVaultLock",
    "CreateVault",
    "DeleteArchive",
    "DeleteVault",
    "DeleteVaultAccessPolicy",
    "DeleteVaultNotifications",
    "DescribeJob",
    "DescribeVault",
    "GetDataRetrievalPolicy",
    "GetJobOutput",
    "GetVaultAccessPolicy",
    "GetVaultLock",
    "GetVaultNotifications",
    "InitiateJob",
    "InitiateMultipartUpload",
    "InitiateVaultLock",
    "ListJobs",
    "ListMultipartUploads",
    "ListParts",
    "ListProvisionedCapacity",
    "ListTagsForVault",
    "ListVaults",
    "PurchaseProvisionedCapacity",
    "RemoveTagsFromVault",
    "SetDataRetrievalPolicy",
    "SetVaultAccessPolicy",
    "SetVaultNotifications",
    "UploadArchive",
    "UploadMultipartPart",
];

/// The canonical spelling of an operation name, if Glacier has it.
pub fn known_operation(name: &str) -> Option<&'static str> {
    OPERATIONS.iter().copied().find(|known| *known == name)
}

/// The name of an operation of the S3 endpoint (`s3:UploadPart`), if it has it.
pub fn known_s3_operation(name: &str) -> Option<&'static str> {
    s3_operation_names().find(|known| *known == name)
}

pub fn s3_operation_names() -> impl Iterator<Item = &'static str> {
    crate::sandbox::s3::Operation::ALL
        .iter()
        .map(|operation| operation.fault_name())
}

/// What a request is about, as far as fault rules care.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestInfo {
    /// `None` for a path Glacier does not have.
    pub operation: Option<&'static str>,
    pub vault: Option<String>,
    pub job_id: Option<String>,
}

/// Operations on the account: (method, path after `/{account}/`, operation).
const ACCOUNT_OPERATIONS: &[(&str, &str, &str)] = &[
    ("GET", "vaults", "ListVaults"),
    ("GET", "policies/data-retrieval", "GetDataRetrievalPolicy"),
    ("PUT", "policies/data-retrieval", "SetDataRetrievalPolicy"),
    ("GET", "provisioned-capacity", "ListProvisionedCapacity"),
    (
        "POST",
        "provisioned-capacity",
        "PurchaseProvisionedCapacity",
    ),
];

/// Operations on a vault: (method, path after `/{account}/vaults/{vault}`, operation);
/// `*` stands for an id.
const VAULT_OPERATIONS: &[(&str, &str, &str)] = &[
    ("PUT", "", "CreateVault"),
    ("GET", "", "DescribeVault"),
    ("DELETE", "", "DeleteVault"),
    ("POST", "jobs", "InitiateJob"),
    ("GET", "jobs", "ListJobs"),
    ("GET", "jobs/*", "DescribeJob"),
    ("GET", "jobs/*/output", "GetJobOutput"),
    ("POST", "archives", "UploadArchive"),
    ("DELETE", "archives/*", "DeleteArchive"),
    ("POST", "multipart-uploads", "InitiateMultipartUpload"),
    ("GET", "multipart-uploads", "ListMultipartUploads"),
    ("PUT", "multipart-uploads/*", "UploadMultipartPart"),
    ("POST", "multipart-uploads/*", "CompleteMultipartUpload"),
    ("DELETE", "multipart-uploads/*", "AbortMultipartUpload"),
    ("GET", "multipart-uploads/*", "ListParts"),
    ("GET", "notification-configuration", "GetVaultNotifications"),
    ("PUT", "notification-configuration", "SetVaultNotifications"),
    (
        "DELETE",
        "notification-configuration",
        "DeleteVaultNotifications",
    ),
    ("GET", "access-policy", "GetVaultAccessPolicy"),
    ("PUT", "access-policy", "SetVaultAccessPolicy"),
    ("DELETE", "access-policy", "DeleteVaultAccessPolicy"),
    ("POST", "lock-policy", "InitiateVaultLock"),
    ("GET", "lock-policy", "GetVaultLock"),
    ("DELETE", "lock-policy", "AbortVaultLock"),
    ("POST", "lock-policy/*", "CompleteVaultLock"),
    ("GET", "tags", "ListTagsForVault"),
];

/// Reads a request's operation, vault and job from its method, path and query.
pub fn classify(method: &Method, path: &str, query: Option<&str>) -> RequestInfo {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match segments.as_slice() {
        [_account, "vaults", vault, rest @ ..] => RequestInfo {
            operation: vault_operation(method, rest, query),
            vault: Some((*vault).to_owned()),
            job_id: match rest {
                ["jobs", job, ..] => Some((*job).to_owned()),
                _ => None,
            },
        },
        [_account, rest @ ..] => RequestInfo {
            operation: lookup(ACCOUNT_OPERATIONS, method, rest),
            ..RequestInfo::default()
        },
        [] => RequestInfo::default(),
    }
}

fn vault_operation(method: &Method, rest: &[&str], query: Option<&str>) -> Option<&'static str> {
    // Tag changes share one path and say which they are in `?operation=add|remove`.
    if rest == ["tags"] && method == Method::POST {
        let change = query
            .into_iter()
            .flat_map(|query| query.split('&'))
            .find_map(|pair| pair.strip_prefix("operation="));
        return match change {
            Some("add") => Some("AddTagsToVault"),
            Some("remove") => Some("RemoveTagsFromVault"),
            _ => None,
        };
    }
    lookup(VAULT_OPERATIONS, method, rest)
}

/// The operation whose method and path pattern match.
fn lookup(
    table: &[(&str, &str, &'static str)],
    method: &Method,
    segments: &[&str],
) -> Option<&'static str> {
    table.iter().find_map(|&(wanted, pattern, operation)| {
        let pattern: Vec<&str> = pattern.split('/').filter(|s| !s.is_empty()).collect();
        let same_path = pattern.len() == segments.len()
            && pattern
                .iter()
                .zip(segments)
                .all(|(expected, actual)| *expected == "*" || expected == actual);
        (method.as_str() == wanted && same_path).then_some(operation)
    })
}
