//! The `tcr` binary: parse the command line and hand over to the library.

use clap::Parser;

fn main() -> std::process::ExitCode {
    init_logging();
    let cli = tcr::cli::Cli::parse();
    let result = rocket::execute(tcr::cli::run(cli));
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tcr: {e}");
            std::process::ExitCode::from(2)
        }
    }
}

/// Logs to stderr at the level in `TCR_LOG` (default `info`; targets allowed, e.g.
/// `info,tcr=debug`). Database drivers stay at `warn`: their messages can hold values.
fn init_logging() {
    use tracing_subscriber::filter::Targets;
    use tracing_subscriber::prelude::*;
    let spec = std::env::var("TCR_LOG").unwrap_or_else(|_| "info".into());
    let targets: Targets = spec
        .parse()
        .unwrap_or_else(|_| Targets::new().with_default(tracing::Level::INFO));
    let targets = targets
        .with_target("sqlx", tracing::Level::WARN)
        .with_target("sea_orm", tracing::Level::WARN);
    tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
                .with_writer(std::io::stderr),
        )
        .with(targets)
        .init();
}
