//! Figures for the embedded demo org, which must never be the bottleneck of a benchmark:
//! - seeding time (goal < 50 ms);
//! - requests per second for a record GET (goal >= 20,000/s) and a 200-row query
//!   (goal >= 2,000/s) on loopback, the org in its own process, load from this one.
//!
//! Run with `cargo bench --bench demo_org`. It prints figures; it asserts nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a benchmark that cannot run should stop loudly

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use salesforce_mcp::demo_org::{DemoOrg, DemoSettings};

// The same allocator as the binary, so the in-process figure matches what the server does.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use serde_json::Value;

fn seeding() {
    const RUNS: u32 = 20;
    let mut samples = Vec::new();
    for seed in 0..u64::from(RUNS) {
        let started = Instant::now();
        let org = DemoOrg::new(DemoSettings {
            seed,
            ..DemoSettings::default()
        });
        samples.push(started.elapsed());
        std::hint::black_box(&org);
    }
    samples.sort();
    println!(
        "demo org seeding: median {:.1} ms, fastest {:.1} ms, slowest {:.1} ms over {RUNS} seeds (goal < 50 ms)",
        samples[samples.len() / 2].as_secs_f64() * 1e3,
        samples[0].as_secs_f64() * 1e3,
        samples[samples.len() - 1].as_secs_f64() * 1e3,
    );
}

/// Sends `request` from `workers` concurrent keep-alive connections for `duration`; requests/s.
async fn load(
    workers: usize,
    duration: Duration,
    request: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder + Send + Sync + 'static,
) -> f64 {
    let request = Arc::new(request);
    let done = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + duration;
    let tasks: Vec<_> = (0..workers)
        .map(|_| {
            let request = request.clone();
            let done = done.clone();
            tokio::spawn(async move {
                let client = reqwest::Client::builder()
                    .pool_max_idle_per_host(1)
                    .build()
                    .expect("client");
                while Instant::now() < deadline {
                    let response = request(&client).send().await.expect("send");
                    assert!(response.status().is_success(), "{}", response.status());
                    std::hint::black_box(response.bytes().await.expect("body"));
                    done.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    let started = Instant::now();
    for task in tasks {
        task.await.expect("worker");
    }
    done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64()
}

fn throughput() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_salesforce-mcp"))
        .args(["demo-org", "--daily-api-limit", "100000000"])
        .env("SF_LOG", "error")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn demo org");
    let mut reader = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    reader.read_line(&mut line).expect("instance url");
    let url = line
        .trim()
        .strip_prefix("instance_url=")
        .expect("instance_url=")
        .to_owned();
    std::thread::spawn(move || for _ in reader.lines() {});

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let http = reqwest::Client::new();
        let token: Value = http
            .post(format!("{url}/services/oauth2/token"))
            .basic_auth("demo-client-id", Some("demo-client-secret"))
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await
            .expect("token")
            .json()
            .await
            .expect("json");
        let token = Arc::new(token["access_token"].as_str().expect("token").to_owned());
        let first: Value = http
            .get(format!("{url}/services/data/v66.0/query"))
            .query(&[("q", "SELECT Id FROM Case LIMIT 1")])
            .bearer_auth(token.as_str())
            .send()
            .await
            .expect("query")
            .json()
            .await
            .expect("json");
        let record_url = format!("{url}/services/data/v66.0/sobjects/Case/{}", first["records"][0]["Id"].as_str().expect("id"));
        let query_url = format!("{url}/services/data/v66.0/query");
        let soql = QUERY_200_ROWS;
        let rows: Value = http
            .get(&query_url)
            .query(&[("q", soql)])
            .bearer_auth(token.as_str())
            .send()
            .await
            .expect("query")
            .json()
            .await
            .expect("json");
        let row_count = rows["records"].as_array().map_or(0, Vec::len);

        let t = token.clone();
        let record_rate = load(8, Duration::from_secs(3), move |c| c.get(&record_url).bearer_auth(t.as_str())).await;
        println!("demo org record GET: {record_rate:.0} requests/s (8 connections, goal >= 20,000/s)");
        let t = token.clone();
        let query_rate = load(8, Duration::from_secs(3), move |c| c.get(&query_url).query(&[("q", soql)]).bearer_auth(t.as_str())).await;
        println!("demo org {row_count}-row query with a parent field and a child subquery: {query_rate:.0} requests/s (8 connections, goal >= 2,000/s)");
    });
    let _ = child.kill();
    let _ = child.wait();
}

/// CPU time of one 200-row query inside the org (SOQL engine and JSON encoding, no HTTP).
fn query_cpu_time() {
    use salesforce_mcp::demo_org::soql::{QueryOptions, execute};
    let org = DemoOrg::new(DemoSettings::default());
    let options = QueryOptions {
        now: org.now(),
        include_deleted: false,
        sobjects_base: "/services/data/v66.0/sobjects".to_owned(),
        tooling: false,
    };
    let data = org.read();
    let run = || {
        let output = execute(&data, QUERY_200_ROWS, &options).expect("query runs");
        serde_json::to_vec(&output.records).expect("json").len()
    };
    let bytes = run();
    const RUNS: u32 = 300;
    let started = Instant::now();
    for _ in 0..RUNS {
        std::hint::black_box(run());
    }
    let per_query = started.elapsed() / RUNS;
    println!(
        "demo org 200-row query inside the process: {:.3} ms per query ({} KB of JSON), one core",
        per_query.as_secs_f64() * 1e3,
        bytes / 1024
    );
}

const QUERY_200_ROWS: &str = "SELECT Id, CaseNumber, Subject, Status, Priority, CreatedDate, Account.Name, (SELECT Id, CreatedDate FROM CaseComments ORDER BY CreatedDate LIMIT 1) FROM Case ORDER BY CreatedDate DESC LIMIT 200";

fn main() {
    seeding();
    query_cpu_time();
    throughput();
}
