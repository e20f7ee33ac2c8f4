//! The `skinflint` binary: parse arguments, hand them to [`skinflint::run`], map the
//! outcome to an exit code (0 clean, 1 findings at or above --fail-on, 2 could not run).

use clap::Parser;
use skinflint::cli::Cli;
use skinflint::report::escape::visible;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match skinflint::run::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("skinflint: error: {}", visible(&e.to_string()));
            // A config or rule-file error is also shown where it is, in its file.
            if let Some(located) = e.located() {
                eprint!("{}", located.render());
            }
            ExitCode::from(2)
        }
    }
}
