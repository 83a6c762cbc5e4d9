//! Printing checked parameters: Glacier's JSON request body, and the aws CLI command
//! line that sends the same body.

use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

use super::fields::check_vault_name;
use super::{JobParams, ParamsError};

/// The order of the top-level fields in the JSON, as in Glacier's own examples: what
/// the job is, its label and notification, then what to retrieve and how. Absent
/// fields are left out.
pub const FIELD_ORDER: [&str; 8] = [
    "Type",
    "ArchiveId",
    "Description",
    "SNSTopic",
    "RetrievalByteRange",
    "Tier",
    "Format",
    "InventoryRetrievalParameters",
];

/// The order of the fields inside `InventoryRetrievalParameters`.
pub const INVENTORY_FIELD_ORDER: [&str; 4] = ["StartDate", "EndDate", "Limit", "Marker"];

/// The aws CLI's own global options, added to the command line when given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AwsCliOptions {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
}

impl JobParams {
    /// The InitiateJob request body, fields in [`FIELD_ORDER`].
    pub fn to_json_value(&self) -> Value {
        let mut body = Map::new();
        body.insert("Type".into(), self.kind().as_str().into());
        if let JobParams::Archive(job) = self {
            body.insert("ArchiveId".into(), job.archive_id().into());
        }
        put(&mut body, "Description", self.description());
        put(&mut body, "SNSTopic", self.sns_topic());
        match self {
            JobParams::Archive(job) => {
                put(
                    &mut body,
                    "RetrievalByteRange",
                    job.range().map(|r| r.to_string()),
                );
                put(&mut body, "Tier", job.tier().map(|tier| tier.as_str()));
            }
            JobParams::Inventory(job) => {
                put(
                    &mut body,
                    "Format",
                    job.format().map(|format| format.as_str()),
                );
                if job.has_filters() {
                    let mut filters = Map::new();
                    put(
                        &mut filters,
                        "StartDate",
                        job.start_date().map(|d| d.to_string()),
                    );
                    put(
                        &mut filters,
                        "EndDate",
                        job.end_date().map(|d| d.to_string()),
                    );
                    // Glacier takes the count as a string.
                    put(&mut filters, "Limit", job.limit().map(|n| n.to_string()));
                    put(&mut filters, "Marker", job.marker());
                    body.insert("InventoryRetrievalParameters".into(), filters.into());
                }
            }
        }
        body.into()
    }

    /// The request body indented over several lines, for people.
    pub fn to_json_pretty(&self) -> String {
        format!("{:#}", self.to_json_value())
    }

    /// The request body on one line, for `--job-parameters` and scripts.
    pub fn to_json_compact(&self) -> String {
        self.to_json_value().to_string()
    }

    /// `aws glacier initiate-job --account-id - --vault-name VAULT --job-parameters
    /// 'JSON'`, every argument quoted for a POSIX shell, so that it can be pasted as
    /// it is. Account `-` means the account of the credentials in use.
    pub fn aws_cli_command(
        &self,
        vault_name: &str,
        options: &AwsCliOptions,
    ) -> Result<String, ParamsError> {
        check_vault_name(vault_name)?;
        let mut line = String::from("aws glacier initiate-job --account-id -");
        push_option(&mut line, "--vault-name", vault_name, "vault name")?;
        let job_parameters = self.to_json_compact();
        push_option(
            &mut line,
            "--job-parameters",
            &job_parameters,
            "job parameters",
        )?;
        let globals = [
            ("--profile", &options.profile, "profile name"),
            ("--region", &options.region, "region"),
            ("--endpoint-url", &options.endpoint_url, "endpoint URL"),
        ];
        for (flag, value, what) in globals {
            if let Some(value) = value {
                push_option(&mut line, flag, value, what)?;
            }
        }
        Ok(line)
    }
}

/// The same object as [`JobParams::to_json_value`], so the parameters can be embedded
/// in other serialised data.
impl Serialize for JobParams {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_json_value().serialize(serializer)
    }
}

fn put<V: Into<Value>>(object: &mut Map<String, Value>, key: &str, value: Option<V>) {
    if let Some(value) = value {
        object.insert(key.into(), value.into());
    }
}

fn push_option(
    line: &mut String,
    flag: &str,
    value: &str,
    what: &'static str,
) -> Result<(), ParamsError> {
    let quoted = shlex::try_quote(value).map_err(|_| ParamsError::Unquotable { what })?;
    line.push(' ');
    line.push_str(flag);
    line.push(' ');
    line.push_str(&quoted);
    Ok(())
}
