//! Everything that talks to Glacier. [`GlacierApi`] is the seam, in defrost's own
//! types; [`SdkGlacier`] implements it with aws-sdk-glacier, and is the only code
//! that sees SDK types, so the rest of defrost can be tested without AWS.

mod api;
pub mod download;
mod error;
mod sdk;

pub use api::{
    ByteChunks, GlacierApi, JobInfo, JobOutput, JobStarted, RetrievalPolicy, VaultInfo,
    VaultNotifications,
};
pub use error::GlacierError;
pub use sdk::{ConnectOptions, SdkGlacier};
