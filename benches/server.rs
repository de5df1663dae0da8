//! Figures for the MCP server itself, measured on the release binary:
//! - start-up to the first tools/list answer (goal ≤ 15 ms);
//! - per-call overhead of the MCP path (stdio → engine → HTTP) over the same HTTP request sent
//!   directly to the same local org (goal ≤ 10 %);
//! - resident memory once idle (goal ≤ 20 MB).
//!
//! Run with `cargo bench --bench server`. It prints figures; it asserts nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a benchmark that cannot run should stop loudly

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const BINARY: &str = env!("CARGO_BIN_EXE_salesforce-mcp");

/// A server child process spoken to in newline-delimited JSON-RPC.
struct StdioServer {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    next_id: u64,
}

impl StdioServer {
    fn spawn(args: &[&str], env: &[(&str, &str)]) -> StdioServer {
        let mut command = Command::new(BINARY);
        command
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        for (k, v) in env {
            command.env(k, v);
        }
        let mut child = command.spawn().expect("spawn the server");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = BufReader::new(child.stdout.take().expect("stdout"));
        StdioServer {
            child,
            stdin,
            stdout,
            next_id: 1,
        }
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let message = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        writeln!(self.stdin, "{message}").expect("write");
        self.stdin.flush().expect("flush");
        loop {
            let mut line = String::new();
            if self.stdout.read_line(&mut line).expect("read") == 0 {
                panic!("the server closed stdout");
            }
            let reply: Value = serde_json::from_str(&line).expect("JSON-RPC line");
            if reply.get("id") == Some(&json!(id)) {
                return reply;
            }
        }
    }

    fn notify(&mut self, method: &str) {
        writeln!(
            self.stdin,
            "{}",
            json!({"jsonrpc": "2.0", "method": method})
        )
        .expect("write");
        self.stdin.flush().expect("flush");
    }

    fn initialize(&mut self) {
        let params = json!({"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}});
        self.request("initialize", params);
        self.notify("notifications/initialized");
    }

    fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }
}

impl Drop for StdioServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    let index = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[index.min(samples.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Environment of a server pointed at an org that is never contacted (tools/list needs no token).
const NO_ORG: &[(&str, &str)] = &[
    ("SF_INSTANCE_URL", "https://example.invalid"),
    ("SF_CLIENT_ID", "bench"),
    ("SF_CLIENT_SECRET", "bench-secret"),
    ("SF_LOG", "error"),
];

fn startup() {
    const RUNS: usize = 30;
    let mut samples = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let started = Instant::now();
        let mut server = StdioServer::spawn(&["serve", "--toolsets", "all"], NO_ORG);
        server.initialize();
        let tools = server.request("tools/list", json!({}));
        samples.push(started.elapsed());
        assert!(
            tools["result"]["tools"]
                .as_array()
                .is_some_and(|t| !t.is_empty())
        );
    }
    let median = percentile(&mut samples, 0.5);
    let p90 = percentile(&mut samples, 0.9);
    println!(
        "start-up to first tools/list: median {:.1} ms, p90 {:.1} ms ({RUNS} runs; goal <= 15 ms)",
        ms(median),
        ms(p90)
    );
}

fn idle_memory() {
    let mut server = StdioServer::spawn(&["serve", "--toolsets", "all"], NO_ORG);
    server.initialize();
    server.request("tools/list", json!({}));
    std::thread::sleep(Duration::from_millis(200));
    let plain = server.rss_kib();
    drop(server);
    let mut demo = StdioServer::spawn(
        &["serve", "--demo", "--toolsets", "all"],
        &[("SF_LOG", "error")],
    );
    demo.initialize();
    demo.request("tools/list", json!({}));
    std::thread::sleep(Duration::from_millis(200));
    let with_demo = demo.rss_kib();
    println!(
        "idle RSS: {:.1} MB serving a real org (goal <= 20 MB); {:.1} MB with the embedded demo org and its data",
        plain as f64 / 1024.0,
        with_demo as f64 / 1024.0
    );
}

/// A demo org in its own process, and its instance URL.
fn demo_org_process(latency_ms: u64) -> (Child, String) {
    let mut child = Command::new(BINARY)
        .args(["demo-org", "--demo-latency-ms", &latency_ms.to_string()])
        .env("SF_LOG", "error")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn demo org");
    let mut reader = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    reader.read_line(&mut line).expect("instance url line");
    let url = line
        .trim()
        .strip_prefix("instance_url=")
        .expect("instance_url=")
        .to_owned();
    std::thread::spawn(move || for _ in reader.lines() {});
    (child, url)
}

fn call_overhead(latency_ms: u64, calls: usize) {
    let (mut org, url) = demo_org_process(latency_ms);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let http = reqwest::Client::new();
    let token: Value = runtime.block_on(async {
        http.post(format!("{url}/services/oauth2/token"))
            .basic_auth("demo-client-id", Some("demo-client-secret"))
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await
            .expect("token")
            .json()
            .await
            .expect("token json")
    });
    let token = token["access_token"]
        .as_str()
        .expect("access_token")
        .to_owned();
    let ids: Value = runtime.block_on(async {
        http.get(format!("{url}/services/data/v66.0/query"))
            .query(&[("q", "SELECT Id FROM Case LIMIT 1")])
            .bearer_auth(&token)
            .send()
            .await
            .expect("query")
            .json()
            .await
            .expect("json")
    });
    let case_id = ids["records"][0]["Id"].as_str().expect("a case").to_owned();
    let record_url = format!("{url}/services/data/v66.0/sobjects/Case/{case_id}");

    let direct = |n: usize| {
        runtime.block_on(async {
            let started = Instant::now();
            for _ in 0..n {
                let body = http
                    .get(&record_url)
                    .bearer_auth(&token)
                    .send()
                    .await
                    .expect("get")
                    .bytes()
                    .await
                    .expect("body");
                std::hint::black_box(body);
            }
            started.elapsed()
        })
    };
    let env = [
        ("SF_INSTANCE_URL", url.as_str()),
        ("SF_CLIENT_ID", "demo-client-id"),
        ("SF_CLIENT_SECRET", "demo-client-secret"),
        ("SF_LOG", "error"),
    ];
    let mut server = StdioServer::spawn(&["serve"], &env);
    server.initialize();
    let args = json!({"name": "get_record", "arguments": {"object": "Case", "id": case_id}});
    let mut through_mcp = |n: usize| {
        let started = Instant::now();
        for _ in 0..n {
            let reply = server.request("tools/call", args.clone());
            assert_eq!(reply["result"]["isError"], json!(false), "{reply}");
        }
        started.elapsed()
    };
    // Warm both paths (token, connections, caches), then alternate rounds to share any noise.
    direct(50);
    through_mcp(50);
    let (mut d, mut m) = (Duration::ZERO, Duration::ZERO);
    for _ in 0..5 {
        d += direct(calls / 5);
        m += through_mcp(calls / 5);
    }
    let per_direct = d / calls as u32;
    let per_mcp = m / calls as u32;
    let overhead = (per_mcp.as_secs_f64() / per_direct.as_secs_f64() - 1.0) * 100.0;
    println!(
        "get_record with {latency_ms} ms org latency: direct HTTP {:.3} ms, through MCP stdio {:.3} ms per call; overhead {:.0} µs = {overhead:.1} % ({calls} calls each; goal <= 10 %)",
        ms(per_direct),
        ms(per_mcp),
        (per_mcp.as_secs_f64() - per_direct.as_secs_f64()) * 1e6
    );
    drop(server);
    let _ = org.kill();
    let _ = org.wait();
}

/// Loading and compiling the built-in manifests, the bulk of start-up work.
fn catalogue_load() {
    const RUNS: u32 = 20;
    let mut samples = Vec::new();
    let mut count = 0;
    for _ in 0..RUNS {
        let started = Instant::now();
        let tools = salesforce_mcp::app::load_tools(&[]).expect("built-in manifests load");
        samples.push(started.elapsed());
        count = tools.len();
    }
    let median = percentile(&mut samples, 0.5);
    println!(
        "loading and compiling the {count} built-in manifests: median {:.1} ms",
        ms(median)
    );
}

fn main() {
    catalogue_load();
    startup();
    idle_memory();
    call_overhead(0, 2000);
    call_overhead(5, 400);
}
