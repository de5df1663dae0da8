//! Issued tokens, authorization codes and refresh tokens.
// CONTRACT PLACEHOLDER.

#[derive(Debug, Default)]
pub struct AuthState {}
