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

/// What a request is about, as far as fault rules care.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestInfo {
    /// `None` for a path Glacier does not have.
    pub operation: Option<&'static str>,
    pub vault: Option<String>,
    pub job_id: Option<String>,
}

/// Reads a request's operation, vault and job from its method, path and query.
pub fn classify(method: &Method, path: &str, query: Option<&str>) -> RequestInfo {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match segments.as_slice() {
        [_account, "vaults", vault, rest @ ..] => vault_request(method, vault, rest, query),
        [_account, "vaults"] => info(method, &[(Method::GET, "ListVaults")], None, None),
        [_account, "policies", "data-retrieval"] => info(
            method,
            &[
                (Method::GET, "GetDataRetrievalPolicy"),
                (Method::PUT, "SetDataRetrievalPolicy"),
            ],
            None,
            None,
        ),
        [_account, "provisioned-capacity"] => info(
            method,
            &[
                (Method::GET, "ListProvisionedCapacity"),
                (Method::POST, "PurchaseProvisionedCapacity"),
            ],
            None,
            None,
        ),
        _ => RequestInfo::default(),
    }
}

fn vault_request(method: &Method, vault: &str, rest: &[&str], query: Option<&str>) -> RequestInfo {
    let (get, put, post, delete) = (Method::GET, Method::PUT, Method::POST, Method::DELETE);
    let vault = Some(vault);
    match rest {
        [] => info(
            method,
            &[
                (put, "CreateVault"),
                (get, "DescribeVault"),
                (delete, "DeleteVault"),
            ],
            vault,
            None,
        ),
        ["jobs"] => info(
            method,
            &[(post, "InitiateJob"), (get, "ListJobs")],
            vault,
            None,
        ),
        ["jobs", job] => info(method, &[(get, "DescribeJob")], vault, Some(job)),
        ["jobs", job, "output"] => info(method, &[(get, "GetJobOutput")], vault, Some(job)),
        ["archives"] => info(method, &[(post, "UploadArchive")], vault, None),
        ["archives", _] => info(method, &[(delete, "DeleteArchive")], vault, None),
        ["multipart-uploads"] => info(
            method,
            &[
                (post, "InitiateMultipartUpload"),
                (get, "ListMultipartUploads"),
            ],
            vault,
            None,
        ),
        ["multipart-uploads", _] => info(
            method,
            &[
                (put, "UploadMultipartPart"),
                (post, "CompleteMultipartUpload"),
                (delete, "AbortMultipartUpload"),
                (get, "ListParts"),
            ],
            vault,
            None,
        ),
        ["notification-configuration"] => info(
            method,
            &[
                (get, "GetVaultNotifications"),
                (put, "SetVaultNotifications"),
                (delete, "DeleteVaultNotifications"),
            ],
            vault,
            None,
        ),
        ["access-policy"] => info(
            method,
            &[
                (get, "GetVaultAccessPolicy"),
                (put, "SetVaultAccessPolicy"),
                (delete, "DeleteVaultAccessPolicy"),
            ],
            vault,
            None,
        ),
        ["lock-policy"] => info(
            method,
            &[
                (post, "InitiateVaultLock"),
                (get, "GetVaultLock"),
                (delete, "AbortVaultLock"),
            ],
            vault,
            None,
        ),
        ["lock-policy", _] => info(method, &[(post, "CompleteVaultLock")], vault, None),
        ["tags"] => tags_request(method, vault, query),
        _ => RequestInfo::default(),
    }
}

/// Tag changes share one path and say which they are in `?operation=add|remove`.
fn tags_request(method: &Method, vault: Option<&str>, query: Option<&str>) -> RequestInfo {
    let change = query
        .into_iter()
        .flat_map(|query| query.split('&'))
        .find_map(|pair| pair.strip_prefix("operation="));
    let operation = match (method, change) {
        (&Method::GET, _) => "ListTagsForVault",
        (&Method::POST, Some("add")) => "AddTagsToVault",
        (&Method::POST, Some("remove")) => "RemoveTagsFromVault",
        _ => return RequestInfo::default(),
    };
    info(method, &[(method.clone(), operation)], vault, None)
}

fn info(
    method: &Method,
    by_method: &[(Method, &'static str)],
    vault: Option<&str>,
    job_id: Option<&str>,
) -> RequestInfo {
    match by_method.iter().find(|(known, _)| known == method) {
        Some((_, operation)) => RequestInfo {
            operation: Some(operation),
            vault: vault.map(str::to_owned),
            job_id: job_id.map(str::to_owned),
        },
        None => RequestInfo::default(),
    }
}
