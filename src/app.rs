//! Putting the pieces together: the tool catalogue, the connection (a real org or the embedded
//! demo org) and the engine. The CLI, the tests and the benchmarks all start here.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::demo_org::{self, DemoOrgHandle, DemoSettings};
use crate::engine::{Engine, Selection};
use crate::manifest::{CompiledTool, LoadProblem, ManifestSource, load_catalog};
use crate::salesforce::settings::{DEFAULT_API_VERSION, parse_api_version, parse_instance_url};
use crate::salesforce::{ConnectionSettings, RetryPolicy, SalesforceClient};
use crate::secret::Secret;
use crate::workflows;

/// Connection values as the user gave them (flags or environment), not yet validated.
#[derive(Clone, Debug, Default)]
pub struct ConnectionInput {
    pub instance_url: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<Secret>,
    pub api_version: Option<String>,
    pub ca_cert: Option<PathBuf>,
    pub connect_timeout: Option<Duration>,
    pub request_timeout: Option<Duration>,
    pub max_retries: Option<u32>,
}

impl ConnectionInput {
    /// Validates the values into settings; says which variable to set when one is missing.
    pub fn into_settings(self) -> anyhow::Result<ConnectionSettings> {
        let instance = self.instance_url.unwrap_or_default();
        let login_url = parse_instance_url(&instance)?;
        let client_id = self.client_id.filter(|s| !s.trim().is_empty()).ok_or_else(|| {
            anyhow::anyhow!(
                "SF_CLIENT_ID is not set: set it to the Connected App's Consumer Key (or run with --demo to use the embedded demo org)"
            )
        })?;
        let client_secret = self
            .client_secret
            .filter(|s| !s.is_empty())
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "SF_CLIENT_SECRET is not set: set it to the Connected App's Consumer Secret"
                )
            })?;
        let api_version =
            parse_api_version(self.api_version.as_deref().unwrap_or(DEFAULT_API_VERSION))?;
        let retry = RetryPolicy {
            max_retries: self
                .max_retries
                .unwrap_or(RetryPolicy::default().max_retries),
            ..RetryPolicy::default()
        };
        Ok(ConnectionSettings {
            login_url,
            client_id: client_id.trim().to_owned(),
            client_secret,
            api_version,
            connect_timeout: self.connect_timeout.unwrap_or(Duration::from_secs(10)),
            request_timeout: self.request_timeout.unwrap_or(Duration::from_secs(60)),
            ca_cert: self.ca_cert,
            retry,
        })
    }
}

/// Built-in manifests plus each `--tools-dir`, later ones overriding earlier ones by name.
pub fn load_tools(tools_dirs: &[PathBuf]) -> Result<Vec<CompiledTool>, Vec<LoadProblem>> {
    let mut sources = vec![ManifestSource::builtin()];
    let mut problems = Vec::new();
    for dir in tools_dirs {
        match ManifestSource::directory(dir) {
            Ok(source) => sources.push(source),
            Err(problem) => problems.push(problem),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let names = workflows::names();
    load_catalog(&sources, &names)
}

/// A running engine, and the demo org behind it when there is one (dropping it stops the org).
pub struct Running {
    pub engine: Arc<Engine>,
    pub demo: Option<DemoOrgHandle>,
}

/// Where the engine's org is.
pub enum Target {
    Org(ConnectionInput),
    /// Start the embedded demo org on a free loopback port and connect to it like to a real org.
    Demo(DemoSettings),
}

/// Loads and selects the tools, connects (lazily: no token is fetched yet), builds the engine.
pub async fn start(
    target: Target,
    tools_dirs: &[PathBuf],
    selection: &Selection,
) -> anyhow::Result<Running> {
    let tools = load_tools(tools_dirs).map_err(problems_error)?;
    let tools = selection.apply(tools).map_err(|e| anyhow::anyhow!(e))?;
    let (settings, demo) = match target {
        Target::Org(input) => (input.into_settings()?, None),
        Target::Demo(demo_settings) => {
            let handle =
                demo_org::start(SocketAddr::from(([127, 0, 0, 1], 0)), demo_settings).await?;
            tracing::info!(instance = %handle.instance_url, "demo org started");
            let settings = ConnectionInput {
                instance_url: Some(handle.instance_url.clone()),
                client_id: Some(handle.client_id.clone()),
                client_secret: Some(Secret::new(handle.client_secret.clone())),
                ..ConnectionInput::default()
            }
            .into_settings()?;
            (settings, Some(handle))
        }
    };
    let client = Arc::new(SalesforceClient::new(settings)?);
    let engine = Arc::new(Engine::new(tools, client, &workflows::all()));
    Ok(Running { engine, demo })
}

/// All load problems as one error, one `file:line:col: message` per line.
pub fn problems_error(problems: Vec<LoadProblem>) -> anyhow::Error {
    let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
    anyhow::anyhow!("the tool manifests have problems:\n{}", lines.join("\n"))
}
