// Allocation is a large share of the work of both the server (JSON in, JSON out) and the demo
// org (building query results); mimalloc serves these small, short-lived allocations faster.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    salesforce_mcp::cli::run()
}
