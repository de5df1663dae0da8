//! Command line: `serve`, `tools`, `validate`, `call`, `demo-org`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use crate::app::{self, ConnectionInput, Target};
use crate::catalog;
use crate::demo_org::{self, DemoSettings};
use crate::engine::{CallError, Selection};
use crate::manifest::{ManifestSource, load_catalog};
use crate::mcp::{HttpOptions, McpServer, serve_http, serve_stdio};
use crate::secret::Secret;
use crate::workflows;

#[derive(Parser, Debug)]
#[command(
    name = "salesforce-mcp",
    version,
    about = "An MCP server for Salesforce: SOQL, records, reports, Chatter, Knowledge and case management, with an embedded demo org"
)]
pub struct Cli {
    /// Log filter for stderr (e.g. `debug`, `salesforce_mcp=debug`); RUST_LOG also works.
    #[arg(long, global = true, env = "SF_LOG")]
    log: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve MCP over stdio (default) or Streamable HTTP.
    Serve(ServeArgs),
    /// List the tools (name, toolset, annotations).
    Tools(ToolsArgs),
    /// Check manifests and print every problem as file:line:col: message.
    Validate(ValidateArgs),
    /// Call one tool through the same engine and print its JSON result.
    Call(CallArgs),
    /// Run the demo org alone and print its instance URL and credentials.
    DemoOrg(DemoOrgArgs),
}

#[derive(Args, Debug, Clone)]
struct ConnectionArgs {
    /// Your My Domain URL, e.g. https://acme.my.salesforce.com (https://  may be left out).
    #[arg(long, env = "SF_INSTANCE_URL")]
    instance_url: Option<String>,
    /// The Connected App's Consumer Key.
    #[arg(long, env = "SF_CLIENT_ID")]
    client_id: Option<String>,
    /// The Connected App's Consumer Secret (prefer the environment variable to the flag).
    #[arg(long, env = "SF_CLIENT_SECRET", hide_env_values = true)]
    client_secret: Option<String>,
    /// Salesforce API version.
    #[arg(long, env = "SF_API_VERSION", default_value = "66.0")]
    api_version: String,
    /// PEM file with extra trusted root certificates (TLS-inspecting proxies).
    #[arg(long, env = "SF_CA_CERT")]
    ca_cert: Option<PathBuf>,
    /// Seconds allowed to open a connection.
    #[arg(long, env = "SF_CONNECT_TIMEOUT", default_value_t = 10)]
    connect_timeout: u64,
    /// Seconds allowed for one HTTP exchange.
    #[arg(long, env = "SF_TIMEOUT", default_value_t = 60)]
    timeout: u64,
    /// Retries of a read after a transient error (writes are never retried).
    #[arg(long, env = "SF_MAX_RETRIES", default_value_t = 3)]
    max_retries: u32,
    /// Use the embedded demo org instead of a real one (no credentials needed).
    #[arg(long)]
    demo: bool,
    #[command(flatten)]
    demo_options: DemoOptions,
}

/// How the embedded demo org behaves (with `--demo`, and for `demo-org`).
#[derive(Args, Debug, Clone)]
struct DemoOptions {
    /// Seed of the demo org's data: the same seed gives the same org.
    #[arg(
        long = "demo-seed",
        visible_alias = "seed",
        env = "SF_DEMO_SEED",
        default_value_t = 42
    )]
    seed: u64,
    /// Latency the demo org adds to every request, in milliseconds.
    #[arg(
        long = "demo-latency-ms",
        visible_alias = "latency-ms",
        env = "SF_DEMO_LATENCY_MS",
        default_value_t = 0
    )]
    latency_ms: u64,
    /// Demo org access tokens expire this many seconds after issue.
    #[arg(
        long = "demo-token-ttl-secs",
        visible_alias = "token-ttl-secs",
        env = "SF_DEMO_TOKEN_TTL_SECS"
    )]
    token_ttl_secs: Option<u64>,
    /// DailyApiRequests.Max of the demo org (a request past it gets REQUEST_LIMIT_EXCEEDED).
    #[arg(
        long = "demo-daily-api-limit",
        visible_alias = "daily-api-limit",
        env = "SF_DEMO_DAILY_API_LIMIT",
        default_value_t = 100_000
    )]
    daily_api_limit: u64,
    /// Faults to inject, e.g. `path=/query,kind=503,count=2;kind=latency,ms=200` (see the README).
    #[arg(long = "demo-faults", visible_alias = "faults", env = "SF_DEMO_FAULTS")]
    faults: Option<String>,
}

impl DemoOptions {
    fn settings(&self) -> anyhow::Result<DemoSettings> {
        let faults = match &self.faults {
            Some(spec) => spec
                .parse()
                .map_err(|e| anyhow::anyhow!("--demo-faults: {e}"))?,
            None => Default::default(),
        };
        Ok(DemoSettings {
            seed: self.seed,
            latency: Duration::from_millis(self.latency_ms),
            token_ttl: self.token_ttl_secs.map(Duration::from_secs),
            daily_api_limit: self.daily_api_limit,
            faults,
            ..DemoSettings::default()
        })
    }
}

impl ConnectionArgs {
    fn target(&self) -> anyhow::Result<Target> {
        if self.demo {
            return Ok(Target::Demo(self.demo_options.settings()?));
        }
        Ok(Target::Org(ConnectionInput {
            instance_url: self.instance_url.clone(),
            client_id: self.client_id.clone(),
            client_secret: self.client_secret.clone().map(Secret::new),
            api_version: Some(self.api_version.clone()),
            ca_cert: self.ca_cert.clone(),
            connect_timeout: Some(Duration::from_secs(self.connect_timeout)),
            request_timeout: Some(Duration::from_secs(self.timeout)),
            max_retries: Some(self.max_retries),
        }))
    }
}

#[derive(Args, Debug, Clone)]
struct CatalogArgs {
    /// Toolsets, tool names, or the presets `connector` (the connector's 37 tools) and `all`.
    #[arg(long, env = "SF_TOOLSETS", default_value = "connector")]
    toolsets: String,
    /// Hide every tool that can change the org.
    #[arg(long, env = "SF_READ_ONLY")]
    read_only: bool,
    /// A folder of extra manifests (repeatable); a manifest there replaces a built-in of the same name.
    #[arg(long = "tools-dir", env = "SF_TOOLS_DIR", value_delimiter = ':')]
    tools_dirs: Vec<PathBuf>,
}

impl CatalogArgs {
    fn selection(&self) -> Selection {
        Selection::parse(&self.toolsets, self.read_only)
    }
}

#[derive(Args, Debug)]
struct ServeArgs {
    #[command(flatten)]
    connection: ConnectionArgs,
    #[command(flatten)]
    catalog: CatalogArgs,
    /// Serve Streamable HTTP at http://ADDR/mcp instead of stdio (e.g. 127.0.0.1:8080).
    #[arg(long, value_name = "ADDR")]
    http: Option<SocketAddr>,
    /// A Host name HTTP clients may use besides localhost (repeatable; needed to bind off loopback).
    #[arg(long = "allowed-host")]
    allowed_hosts: Vec<String>,
    /// A browser Origin allowed besides loopback origins (repeatable), e.g. https://app.example.com:443.
    #[arg(long = "allowed-origin")]
    allowed_origins: Vec<String>,
}

#[derive(Args, Debug)]
struct ToolsArgs {
    #[command(flatten)]
    catalog: CatalogArgs,
    /// JSON output.
    #[arg(long, conflicts_with = "markdown")]
    json: bool,
    /// The Markdown table of the README.
    #[arg(long)]
    markdown: bool,
}

#[derive(Args, Debug)]
struct ValidateArgs {
    /// Folders of manifests to check (default: the built-in ones).
    dirs: Vec<PathBuf>,
}

#[derive(Args, Debug)]
struct CallArgs {
    /// The tool name.
    tool: String,
    /// The arguments, as a JSON object.
    #[arg(long, default_value = "{}")]
    args: String,
    #[command(flatten)]
    connection: ConnectionArgs,
    /// A folder of extra manifests (repeatable).
    #[arg(long = "tools-dir", env = "SF_TOOLS_DIR", value_delimiter = ':')]
    tools_dirs: Vec<PathBuf>,
}

#[derive(Args, Debug)]
struct DemoOrgArgs {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    #[command(flatten)]
    options: DemoOptions,
}

/// Parses the command line and runs it.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.log.as_deref());
    // One stdio client is served best by one thread: no hand-offs between threads on each
    // message. HTTP (many clients) and the standalone demo org use every core.
    let single_client = matches!(&cli.command, Command::Serve(args) if args.http.is_none())
        || matches!(
            &cli.command,
            Command::Call(_) | Command::Tools(_) | Command::Validate(_)
        );
    let mut builder = if single_client {
        tokio::runtime::Builder::new_current_thread()
    } else {
        tokio::runtime::Builder::new_multi_thread()
    };
    let runtime = match builder.enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(dispatch(cli.command)) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging(filter: Option<&str>) {
    let filter = filter
        .map(str::to_owned)
        .or_else(|| std::env::var("RUST_LOG").ok())
        .unwrap_or_else(|| "warn,salesforce_mcp=info".to_owned());
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .try_init();
}

async fn dispatch(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Serve(args) => serve(args).await,
        Command::Tools(args) => tools(args),
        Command::Validate(args) => Ok(validate(args)),
        Command::Call(args) => call(args).await,
        Command::DemoOrg(args) => demo(args).await,
    }
}

async fn serve(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let running = app::start(
        args.connection.target()?,
        &args.catalog.tools_dirs,
        &args.catalog.selection(),
    )
    .await?;
    let server = McpServer::new(running.engine.clone());
    tracing::info!(tools = running.engine.tools().len(), "serving");
    match args.http {
        Some(address) => {
            let options = HttpOptions {
                allowed_hosts: args.allowed_hosts,
                allowed_origins: args.allowed_origins,
            };
            serve_http(server, address, options).await?;
        }
        None => serve_stdio(server).await?,
    }
    drop(running);
    Ok(ExitCode::SUCCESS)
}

fn tools(args: ToolsArgs) -> anyhow::Result<ExitCode> {
    let tools = app::load_tools(&args.catalog.tools_dirs).map_err(app::problems_error)?;
    let tools = args
        .catalog
        .selection()
        .apply(tools)
        .map_err(|e| anyhow::anyhow!(e))?;
    let refs: Vec<_> = tools.iter().collect();
    let out = if args.json {
        serde_json::to_string_pretty(&catalog::json_listing(&refs))?
    } else if args.markdown {
        catalog::markdown_table(&refs)
    } else {
        catalog::text_listing(&refs)
    };
    println!("{}", out.trim_end());
    Ok(ExitCode::SUCCESS)
}

fn validate(args: ValidateArgs) -> ExitCode {
    let sources: Vec<Result<ManifestSource, _>> = if args.dirs.is_empty() {
        vec![Ok(ManifestSource::builtin())]
    } else {
        args.dirs
            .iter()
            .map(|d| ManifestSource::directory(d))
            .collect()
    };
    let names = workflows::names();
    let mut problems = Vec::new();
    let mut count = 0;
    for source in sources {
        match source {
            Ok(source) => {
                count += source.files.len();
                if let Err(mut found) = load_catalog(std::slice::from_ref(&source), &names) {
                    problems.append(&mut found);
                }
            }
            Err(problem) => problems.push(problem),
        }
    }
    for problem in &problems {
        println!("{problem}");
    }
    if problems.is_empty() {
        println!("{count} manifest(s) OK");
        ExitCode::SUCCESS
    } else {
        eprintln!("{} problem(s) in {count} manifest(s)", problems.len());
        ExitCode::FAILURE
    }
}

async fn call(args: CallArgs) -> anyhow::Result<ExitCode> {
    let arguments: serde_json::Value =
        serde_json::from_str(&args.args).map_err(|e| anyhow::anyhow!("--args is not JSON: {e}"))?;
    let serde_json::Value::Object(arguments) = arguments else {
        anyhow::bail!("--args must be a JSON object");
    };
    let selection = Selection::parse("all,oauth", false);
    let running = app::start(args.connection.target()?, &args.tools_dirs, &selection).await?;
    let outcome = running.engine.call(&args.tool, Some(arguments)).await;
    drop(running);
    match outcome {
        Ok(value) => {
            println!("{}", serde_json::to_string_pretty(&value)?);
            Ok(ExitCode::SUCCESS)
        }
        Err(CallError::Failed(error)) => {
            println!("{}", serde_json::to_string_pretty(&error.to_json())?);
            Ok(ExitCode::from(1))
        }
        Err(CallError::UnknownTool(name)) => {
            eprintln!(
                "error: unknown tool '{name}' (salesforce-mcp tools --toolsets all lists them)"
            );
            Ok(ExitCode::from(2))
        }
    }
}

async fn demo(args: DemoOrgArgs) -> anyhow::Result<ExitCode> {
    let handle = demo_org::start(args.listen, args.options.settings()?).await?;
    println!("instance_url={}", handle.instance_url);
    println!("client_id={}", handle.client_id);
    println!("client_secret={}", handle.client_secret);
    println!("token_url={}/services/oauth2/token", handle.instance_url);
    println!("admin_url={}/__demo", handle.instance_url);
    eprintln!("demo org running; Ctrl-C stops it");
    tokio::signal::ctrl_c().await?;
    handle.stop().await;
    Ok(ExitCode::SUCCESS)
}
