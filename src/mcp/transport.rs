//! Serving the MCP server over stdio or Streamable HTTP (`/mcp`).

use std::net::SocketAddr;
use std::sync::Arc;

use rmcp::ServiceExt;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use tokio_util::sync::CancellationToken;

use super::server::McpServer;

/// Serves one client on stdin/stdout until it disconnects. Only protocol goes to stdout.
pub async fn serve_stdio(server: McpServer) -> anyhow::Result<()> {
    let running = server.serve(rmcp::transport::stdio_pipes()).await?;
    running.waiting().await?;
    Ok(())
}

/// How the HTTP endpoint guards itself against DNS rebinding and cross-site requests.
#[derive(Clone, Debug, Default)]
pub struct HttpOptions {
    /// Extra `Host` values accepted besides the loopback names (required to bind off loopback).
    pub allowed_hosts: Vec<String>,
    /// Extra browser `Origin`s accepted besides loopback origins.
    pub allowed_origins: Vec<String>,
}

/// The axum router with the MCP endpoint at `/mcp`.
pub fn http_router(
    server: McpServer,
    options: &HttpOptions,
    shutdown: CancellationToken,
) -> axum::Router {
    let mut hosts: Vec<String> = vec![
        "localhost".into(),
        "127.0.0.1".into(),
        "::1".into(),
        "[::1]".into(),
    ];
    hosts.extend(options.allowed_hosts.iter().cloned());
    let mut origins: Vec<String> = vec![
        "http://localhost:*".into(),
        "http://127.0.0.1:*".into(),
        "http://[::1]:*".into(),
    ];
    origins.extend(options.allowed_origins.iter().cloned());
    let config = StreamableHttpServerConfig::default()
        .with_allowed_hosts(hosts)
        .with_allowed_origins(origins)
        .with_cancellation_token(shutdown);
    let service = StreamableHttpService::new(
        move || Ok(server.clone()),
        Arc::new(LocalSessionManager::default()),
        config,
    );
    axum::Router::new().nest_service("/mcp", service)
}

/// Serves Streamable HTTP on `address` until Ctrl-C. Binding a non-loopback address requires
/// at least one `--allowed-host`, so that the Host check cannot be forgotten.
pub async fn serve_http(
    server: McpServer,
    address: SocketAddr,
    options: HttpOptions,
) -> anyhow::Result<()> {
    if !address.ip().is_loopback() && options.allowed_hosts.is_empty() {
        anyhow::bail!(
            "refusing to listen on {address}: it is not a loopback address. Add --allowed-host NAME for each host name clients will use (Host header check against DNS rebinding)"
        );
    }
    let shutdown = CancellationToken::new();
    let router = http_router(server, &options, shutdown.clone());
    let listener = tokio::net::TcpListener::bind(address).await?;
    tracing::info!(address = %listener.local_addr()?, "MCP over Streamable HTTP at /mcp");
    let stop = shutdown.clone();
    axum::serve(listener, router)
        .with_graceful_shutdown(async move {
            let _ = tokio::signal::ctrl_c().await;
            stop.cancel();
        })
        .await?;
    Ok(())
}
