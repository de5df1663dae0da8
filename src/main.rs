fn main() -> std::process::ExitCode {
    salesforce_mcp::cli::run()
}
