//! `skinflint completions SHELL`: clap's completion script, with rule ids offered after
//! `explain` in fish too (clap's fish generator completes options only, not positionals).

use super::{write_out, RunError};
use crate::cli::Cli;
use clap_complete::Shell;

pub fn run(shell: Shell) -> Result<u8, RunError> {
    write_out(&script(shell))?;
    Ok(0)
}

/// The completion script for `shell`.
pub fn script(shell: Shell) -> String {
    let mut cmd = <Cli as clap::CommandFactory>::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "skinflint", &mut out);
    let mut text = String::from_utf8_lossy(&out).into_owned();
    if shell == Shell::Fish {
        text.push_str(&format!(
            "complete -c skinflint -n \"__fish_skinflint_using_subcommand explain\" -f -a \"{}\"\n",
            crate::rule::registry::builtin_ids().join(" ")
        ));
    }
    text
}
