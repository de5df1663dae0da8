//! How long seeding a demo org takes (the budget is well under 50 ms in a release build).
//! Run with `cargo bench --bench demo_org_seed`.

use std::time::{Duration, Instant};

use salesforce_mcp::demo_org::{DemoOrg, DemoSettings};

fn main() {
    const RUNS: u32 = 20;
    let mut fastest = Duration::MAX;
    let mut total = Duration::ZERO;
    for seed in 0..u64::from(RUNS) {
        let started = Instant::now();
        let org = DemoOrg::new(DemoSettings {
            seed,
            ..DemoSettings::default()
        });
        let elapsed = started.elapsed();
        std::hint::black_box(&org);
        fastest = fastest.min(elapsed);
        total += elapsed;
    }
    eprintln!(
        "demo org seeding: fastest {:.2} ms, mean {:.2} ms over {RUNS} runs",
        fastest.as_secs_f64() * 1e3,
        total.as_secs_f64() * 1e3 / f64::from(RUNS)
    );
}
