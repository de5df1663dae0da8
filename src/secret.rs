//! A string that must never be printed: client secrets and access tokens.

use std::fmt;
use std::sync::Arc;

/// Holds a secret value. `Debug` and `Display` print `****`; only [`Secret::expose`] reveals it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Arc<str>);

impl Secret {
    pub fn new(value: impl Into<Arc<str>>) -> Self {
        Secret(value.into())
    }

    /// The secret itself, for the one place that must send it (an HTTP header or form field).
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Replaces every occurrence of the secret in `text` with `****`. Secrets shorter than six
    /// characters are left alone: masking them would garble ordinary words.
    pub fn mask_in(&self, text: &str) -> String {
        if self.0.len() < 6 || !text.contains(&*self.0) {
            return text.to_owned();
        }
        text.replace(&*self.0, "****")
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(****)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("****")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints_the_value() {
        let secret = Secret::new("s3cr3t-value");
        assert_eq!(format!("{secret}"), "****");
        assert_eq!(format!("{secret:?}"), "Secret(****)");
        assert_eq!(secret.mask_in("token=s3cr3t-value;"), "token=****;");
    }
}
