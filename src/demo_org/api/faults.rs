//! Fault injection: latency, token expiry, failing requests.
// CONTRACT PLACEHOLDER.

#[derive(Debug, Default)]
pub struct FaultState {}
