//! Starting and stopping a demo org on a loopback port.
//!
//! The faults of `DemoSettings::faults` (see `api::faults` for the compact form) are in force from
//! the first request; at run time the `/__demo` admin API (see `api::admin`) changes them, expires
//! tokens and reports request counts. Sign-in credentials are described in `api::auth`.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::api;
use super::state::{AppState, DemoOrg, DemoSettings};

/// A running demo org. Dropping the handle stops the server.
pub struct DemoOrgHandle {
    /// `http://127.0.0.1:PORT`: the instance URL (and My Domain) of the org.
    pub instance_url: String,
    pub client_id: String,
    pub client_secret: String,
    pub state: AppState,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl DemoOrgHandle {
    /// Stops accepting requests and waits for the server task to end.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for DemoOrgHandle {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Seeds an org and serves it on `listen` (port 0 picks a free port).
pub async fn start(listen: SocketAddr, settings: DemoSettings) -> std::io::Result<DemoOrgHandle> {
    let listener = TcpListener::bind(listen).await?;
    let address = listener.local_addr()?;
    let state: AppState = Arc::new(DemoOrg::new(settings));
    api::admin::install_plan(&state, &state.settings.faults);
    let app = api::router(state.clone());
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let shutdown = async {
            let _ = rx.await;
        };
        if let Err(error) = axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await
        {
            tracing::error!(%error, "demo org server stopped");
        }
    });
    Ok(DemoOrgHandle {
        instance_url: format!("http://{address}"),
        client_id: state.settings.client_id.clone(),
        client_secret: state.settings.client_secret.clone(),
        state,
        shutdown: Some(tx),
        task: Some(task),
    })
}
