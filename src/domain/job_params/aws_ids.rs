//! The shapes of AWS regions and account ids, as job parameters check them inside
//! an SNS topic's ARN and as the cache checks them where a vault is filed.

use super::ParamsError;

/// Lowercase words joined by hyphens, ending in a number: `us-east-1`,
/// `us-gov-west-1`, `ap-southeast-2`.
pub(super) fn looks_like_region(region: &str) -> bool {
    let words: Vec<&str> = region.split('-').collect();
    let [country, middle @ .., number] = &words[..] else {
        return false;
    };
    let is_word = |w: &str| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase());
    country.len() == 2
        && is_word(country)
        && !middle.is_empty()
        && middle.iter().all(|word| is_word(word))
        && !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit())
}

/// Twelve decimal digits.
pub(super) fn is_account_id(account: &str) -> bool {
    account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())
}

/// A region shaped like one AWS names (`us-east-1`), so it can be shown, sent
/// and filed without surprises.
pub fn check_region(region: &str) -> Result<(), ParamsError> {
    if looks_like_region(region) {
        Ok(())
    } else {
        Err(ParamsError::Region {
            input: region.to_owned(),
        })
    }
}

/// A vault's account: twelve digits, or `-` for the credentials' own account
/// (as Glacier's `accountId` takes it).
pub fn check_account_id(account: &str) -> Result<(), ParamsError> {
    if account == "-" || is_account_id(account) {
        Ok(())
    } else {
        Err(ParamsError::AccountId {
            input: account.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_are_lowercase_words_and_a_number() {
        for region in ["us-east-1", "us-gov-west-1", "ap-southeast-2", "cn-north-1"] {
            assert_eq!(check_region(region), Ok(()), "{region}");
        }
        for region in [
            "us-east-1/../../x",
            "",
            "US-EAST-1",
            "us-east",
            "useast1",
            "us-east-1 ",
        ] {
            assert!(check_region(region).is_err(), "{region:?}");
        }
    }

    #[test]
    fn accounts_are_twelve_digits_or_a_dash() {
        assert_eq!(check_account_id("123456789012"), Ok(()));
        assert_eq!(check_account_id("-"), Ok(()));
        for account in ["", "../x", "12345678901", "1234567890123", "12345678901a"] {
            let err = check_account_id(account).unwrap_err();
            assert!(err.to_string().contains("12 digits"), "{err}");
        }
    }
}
