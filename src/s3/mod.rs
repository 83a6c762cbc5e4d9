//! Everything that talks to S3, for copying vaults into a bucket. [`ObjectStore`]
//! is the seam, in defrost's own types; [`SdkS3`] implements it with
//! aws-sdk-s3 and is the only code that sees that SDK's types, so the migration
//! engine can be tested with a fake store.

mod api;
mod composite;
mod error;
mod sdk;

pub use api::{
    CompletedPart, ObjectDone, ObjectFacts, ObjectStore, PartBody, PartDone, PartFacts, UploadFacts,
};
pub use error::S3Error;
pub use sdk::{ConnectOptions, SdkS3};
