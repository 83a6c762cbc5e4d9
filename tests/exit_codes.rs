//! Exit codes: 2 for what the user can fix by changing the command or its
//! input, 1 for the rest, whichever layer the error came from and however it
//! was wrapped on the way up.

use defrost::commands::exit_code_for;
use defrost::glacier::GlacierError;

#[test]
fn user_fixable_errors_exit_with_2_and_the_rest_with_1() {
    let unknown = GlacierError::UnknownVault { vault: "v".into() };
    let outage = GlacierError::ServerError {
        status: 500,
        code: "ServiceUnavailableException".into(),
        message: "m".into(),
    };
    let wrapped = anyhow::Error::new(unknown).context("listing vaults");
    assert_eq!(exit_code_for(&wrapped), 2);
    assert_eq!(
        exit_code_for(&anyhow::Error::new(GlacierError::NoRegion)),
        2
    );
    assert_eq!(exit_code_for(&anyhow::Error::new(outage)), 1);
}
