//! Issued tokens, authorization codes and refresh tokens: what the OAuth routes hand out and the
//! bearer check of every data call looks up.
//!
//! The demo org has one Connected App (its credentials are `DemoSettings::client_id` and
//! `client_secret`) and one user anyone can sign in as: the integration "Run As" user, whose
//! credentials for the password flow are [`DEMO_USERNAME`] and [`DEMO_PASSWORD`] (optionally
//! followed by [`DEMO_SECURITY_TOKEN`], as Salesforce expects from untrusted networks). The
//! authorization-code flow approves at once as that user: there is no login page.

use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use sha2::{Digest, Sha256};

use crate::demo_org::ids;

/// Username of the seeded integration user, for the password flow.
pub const DEMO_USERNAME: &str = "integration@demo-org.example";
/// Its password.
pub const DEMO_PASSWORD: &str = "demo-password";
/// Its security token; the password flow accepts the password with or without it appended.
pub const DEMO_SECURITY_TOKEN: &str = "DemoSecurityToken1";

/// OAuth scopes the demo Connected App is configured with. An authorization request without
/// `scope` gets all of them, as Salesforce grants the app's scopes.
pub const APP_SCOPES: &[&str] = &[
    "api",
    "web",
    "full",
    "refresh_token",
    "offline_access",
    "openid",
];

/// Authorization codes are valid this long, as in Salesforce.
pub const CODE_TTL: Duration = Duration::from_secs(15 * 60);

/// Issued access tokens kept at most; past this the expired and then the oldest are forgotten.
const MAX_ACCESS_TOKENS: usize = 10_000;

/// The org id of every demo org (`00D…`).
pub fn organization_id() -> String {
    ids::make_id("00D", 1)
}

#[derive(Debug)]
struct AccessToken {
    user_id: String,
    issued: Instant,
    expires: Option<Instant>,
    /// The refresh token it was issued from; revoking that revokes this.
    refresh_token: Option<String>,
}

#[derive(Debug)]
struct RefreshToken {
    user_id: String,
    scope: String,
    revoked: bool,
}

/// An authorization code waiting to be exchanged for tokens.
#[derive(Clone, Debug)]
pub struct AuthorizationCode {
    pub client_id: String,
    pub redirect_uri: String,
    pub scope: String,
    pub user_id: String,
    /// PKCE: the `code_challenge_method` (`S256` or `plain`) and the challenge.
    pub challenge: Option<(String, String)>,
    pub expires: Instant,
}

impl AuthorizationCode {
    /// True when `verifier` answers the PKCE challenge (or there is none).
    pub fn verifier_matches(&self, verifier: Option<&str>) -> bool {
        match (&self.challenge, verifier) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some((method, challenge)), Some(verifier)) if method.eq_ignore_ascii_case("S256") => {
                URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) == *challenge
            }
            (Some((_, challenge)), Some(verifier)) => verifier == challenge,
        }
    }
}

/// Issued tokens, authorization codes and refresh tokens.
#[derive(Debug)]
pub struct AuthState {
    access: HashMap<String, AccessToken>,
    refresh: HashMap<String, RefreshToken>,
    codes: HashMap<String, AuthorizationCode>,
    /// Tokens issued before this instant die at it (the fault admin's "expire every token").
    expire_all_at: Option<Instant>,
    minted: u64,
    /// Makes tokens differ between runs and orgs.
    salt: u128,
}

impl Default for AuthState {
    fn default() -> Self {
        let salt = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        AuthState {
            access: HashMap::new(),
            refresh: HashMap::new(),
            codes: HashMap::new(),
            expire_all_at: None,
            minted: 0,
            salt,
        }
    }
}

impl AuthState {
    /// A new access token for `user_id`, valid for `ttl` (or for good).
    pub fn issue_access_token(
        &mut self,
        user_id: &str,
        ttl: Option<Duration>,
        refresh_token: Option<&str>,
    ) -> String {
        let now = Instant::now();
        self.forget_surplus(now);
        let mut expires = ttl.map(|ttl| now + ttl);
        if let Some(at) = self.expire_all_at.filter(|at| *at > now) {
            expires = Some(expires.map_or(at, |e| e.min(at)));
        }
        let org15: String = organization_id().chars().take(15).collect();
        let token = self.mint(&format!("{org15}!AQ"));
        self.access.insert(
            token.clone(),
            AccessToken {
                user_id: user_id.to_owned(),
                issued: now,
                expires,
                refresh_token: refresh_token.map(str::to_owned),
            },
        );
        token
    }

    pub fn issue_refresh_token(&mut self, user_id: &str, scope: &str) -> String {
        let token = self.mint("5Aep");
        self.refresh.insert(
            token.clone(),
            RefreshToken {
                user_id: user_id.to_owned(),
                scope: scope.to_owned(),
                revoked: false,
            },
        );
        token
    }

    /// The user and scope of a live refresh token.
    pub fn refresh_grant(&self, token: &str) -> Option<(String, String)> {
        self.refresh
            .get(token)
            .filter(|r| !r.revoked)
            .map(|r| (r.user_id.clone(), r.scope.clone()))
    }

    pub fn issue_code(&mut self, code: AuthorizationCode) -> String {
        let now = Instant::now();
        self.codes.retain(|_, c| c.expires > now);
        let value = self.mint("aPrx");
        self.codes.insert(value.clone(), code);
        value
    }

    /// Takes a code out (codes are single-use); `Err(true)` when it had expired, `Err(false)`
    /// when it is unknown or already used.
    pub fn redeem_code(&mut self, code: &str) -> Result<AuthorizationCode, bool> {
        let found = self.codes.remove(code).ok_or(false)?;
        if found.expires <= Instant::now() {
            return Err(true);
        }
        Ok(found)
    }

    /// The user a bearer token acts for, if the token is live.
    pub fn session(&self, token: &str) -> Option<&str> {
        let now = Instant::now();
        let found = self.access.get(token)?;
        let expired = found.expires.is_some_and(|at| at <= now)
            || self
                .expire_all_at
                .is_some_and(|at| at <= now && found.issued <= at);
        (!expired).then_some(found.user_id.as_str())
    }

    /// Revokes an access token, or a refresh token and every access token issued from it.
    /// Returns false for a token the org never issued.
    pub fn revoke(&mut self, token: &str) -> bool {
        if self.access.remove(token).is_some() {
            return true;
        }
        match self.refresh.get_mut(token) {
            Some(refresh) => {
                refresh.revoked = true;
                self.access
                    .retain(|_, a| a.refresh_token.as_deref() != Some(token));
                true
            }
            None => false,
        }
    }

    /// Every access token issued before `at` stops working at `at`; with `refresh_tokens`, every
    /// refresh token is revoked now. Returns how many access tokens are affected.
    pub fn expire_all(&mut self, at: Instant, refresh_tokens: bool) -> usize {
        self.expire_all_at = Some(match self.expire_all_at {
            Some(earlier) if earlier > Instant::now() => earlier.min(at),
            _ => at,
        });
        if refresh_tokens {
            for refresh in self.refresh.values_mut() {
                refresh.revoked = true;
            }
        }
        self.access.values().filter(|a| a.issued <= at).count()
    }

    /// Drops expired tokens, then the oldest, once too many are kept.
    fn forget_surplus(&mut self, now: Instant) {
        if self.access.len() < MAX_ACCESS_TOKENS {
            return;
        }
        self.access
            .retain(|_, a| a.expires.is_none_or(|at| at > now));
        while self.access.len() >= MAX_ACCESS_TOKENS {
            let oldest = self
                .access
                .iter()
                .min_by_key(|(_, a)| a.issued)
                .map(|(token, _)| token.clone());
            match oldest {
                Some(token) => {
                    self.access.remove(&token);
                }
                None => break,
            }
        }
    }

    /// A fresh, unguessable-enough token with Salesforce's look: a prefix and URL-safe text.
    fn mint(&mut self, prefix: &str) -> String {
        self.minted += 1;
        let digest = Sha256::new()
            .chain_update(self.salt.to_le_bytes())
            .chain_update(self.minted.to_le_bytes())
            .chain_update(prefix.as_bytes())
            .finalize();
        let more = Sha256::digest(digest);
        let mut bytes = digest.to_vec();
        bytes.extend_from_slice(&more);
        let body = URL_SAFE_NO_PAD.encode(bytes).replace('-', ".");
        format!("{prefix}{body}")
    }
}

/// `signature` of a token response: Base64 HMAC-SHA256 of `id` + `issued_at`, keyed with the
/// client secret, so a client can check the response came from the org.
pub fn token_signature(client_secret: &str, id: &str, issued_at: &str) -> String {
    let message = format!("{id}{issued_at}");
    STANDARD.encode(hmac_sha256(client_secret.as_bytes(), message.as_bytes()))
}

/// HMAC (RFC 2104) over SHA-256.
fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    const BLOCK: usize = 64;
    let hashed_key;
    let key = if key.len() > BLOCK {
        hashed_key = Sha256::digest(key).to_vec();
        hashed_key.as_slice()
    } else {
        key
    };
    let padded: Vec<u8> = key
        .iter()
        .copied()
        .chain(std::iter::repeat(0))
        .take(BLOCK)
        .collect();
    let inner_pad: Vec<u8> = padded.iter().map(|b| b ^ 0x36).collect();
    let outer_pad: Vec<u8> = padded.iter().map(|b| b ^ 0x5c).collect();
    let inner = Sha256::new()
        .chain_update(&inner_pad)
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(&outer_pad)
        .chain_update(inner)
        .finalize()
        .to_vec()
}

/// Milliseconds since the epoch, as `issued_at` carries them.
pub fn epoch_millis() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn hmac_matches_rfc_4231() {
        assert_eq!(
            hex(&hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn pkce_s256_and_plain() {
        // RFC 7636 appendix B.
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        let mut code = AuthorizationCode {
            client_id: "c".into(),
            redirect_uri: "r".into(),
            scope: "api".into(),
            user_id: "u".into(),
            challenge: Some(("S256".into(), challenge.into())),
            expires: Instant::now() + CODE_TTL,
        };
        assert!(code.verifier_matches(Some(verifier)));
        assert!(!code.verifier_matches(Some("wrong")));
        assert!(!code.verifier_matches(None));
        code.challenge = Some(("plain".into(), "abc".into()));
        assert!(code.verifier_matches(Some("abc")));
    }

    #[test]
    fn tokens_live_until_expired_or_revoked() {
        let mut auth = AuthState::default();
        let token = auth.issue_access_token("005x", None, None);
        assert!(token.starts_with("00D") && token.contains('!'));
        assert_eq!(auth.session(&token), Some("005x"));
        assert!(auth.revoke(&token));
        assert_eq!(auth.session(&token), None);
        assert!(!auth.revoke(&token));

        let short = auth.issue_access_token("005x", Some(Duration::ZERO), None);
        assert_eq!(auth.session(&short), None);

        let refresh = auth.issue_refresh_token("005x", "api refresh_token");
        let child = auth.issue_access_token("005x", None, Some(&refresh));
        assert!(auth.revoke(&refresh));
        assert_eq!(auth.session(&child), None);
        assert_eq!(auth.refresh_grant(&refresh), None);
    }

    #[test]
    fn expire_all_kills_tokens_issued_before() {
        let mut auth = AuthState::default();
        let old = auth.issue_access_token("005x", None, None);
        let affected = auth.expire_all(Instant::now(), false);
        assert_eq!(affected, 1);
        assert_eq!(auth.session(&old), None);
        let new = auth.issue_access_token("005x", None, None);
        assert_eq!(auth.session(&new), Some("005x"));
    }

    #[test]
    fn codes_are_single_use() {
        let mut auth = AuthState::default();
        let code = auth.issue_code(AuthorizationCode {
            client_id: "c".into(),
            redirect_uri: "r".into(),
            scope: "api".into(),
            user_id: "u".into(),
            challenge: None,
            expires: Instant::now() + CODE_TTL,
        });
        assert!(auth.redeem_code(&code).is_ok());
        assert_eq!(auth.redeem_code(&code).err(), Some(false));
    }
}
