//! `defrost completions SHELL` and `defrost man`: the shell completion scripts
//! and the man pages, generated from the same clap definitions that parse the
//! command line, so they never disagree with it.

use std::io::Write;

use clap::CommandFactory;

use crate::cli::Cli;
use crate::commands::BadInput;
use crate::text::printable;

/// Options of `defrost completions`.
#[derive(Debug, Clone, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete for. Load it with, for example,
    /// `source <(defrost completions bash)`, or save it where the shell looks
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

/// Options of `defrost man`.
#[derive(Debug, Clone, clap::Args)]
pub struct ManArgs {
    /// A command whose page to print (`jobs`, `inventory fetch`) [default:
    /// defrost's own page, which lists every command]
    #[arg(value_name = "COMMAND")]
    pub command: Vec<String>,
}

/// Prints the completion script for `args.shell` to standard output.
pub fn run_completions(args: &CompletionsArgs) -> anyhow::Result<()> {
    let script = completion_script(args.shell);
    write_out(&script)
}

/// Prints the man page to standard output.
pub fn run_man(args: &ManArgs) -> anyhow::Result<()> {
    let page = man_page(find_command(&args.command)?)?;
    write_out(&page)
}

/// The completion script for `shell`.
pub fn completion_script(shell: clap_complete::Shell) -> Vec<u8> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "defrost", &mut script);
    script
}

/// defrost's command line, or the command `path` names in it (one name per
/// level: `["inventory", "fetch"]`).
pub fn find_command(path: &[String]) -> Result<clap::Command, BadInput> {
    let mut command = Cli::command();
    // Building names each command after its parents, as its page is named
    // (defrost-inventory-fetch).
    command.build();
    for name in path {
        let Some(found) = command.find_subcommand(name).cloned() else {
            let known: Vec<&str> = command
                .get_subcommands()
                .map(clap::Command::get_name)
                .filter(|known| *known != "help")
                .collect();
            return Err(BadInput(format!(
                "there is no command '{}' to show the man page of; give one of {}",
                printable(&path.join(" ")),
                known.join(", ")
            )));
        };
        command = found;
    }
    Ok(command)
}

/// The man page of `command`, as roff.
pub fn man_page(command: clap::Command) -> std::io::Result<Vec<u8>> {
    let mut page = Vec::new();
    clap_mangen::Man::new(command).render(&mut page)?;
    Ok(page)
}

fn write_out(bytes: &[u8]) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)?;
    out.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_with_no_page_is_refused_with_the_ones_there_are() {
        let err = find_command(&["invntory".into()]).unwrap_err();
        assert!(err.0.contains("'invntory'"), "{}", err.0);
        assert!(err.0.contains("inventory, archives"), "{}", err.0);
        assert!(!err.0.contains("help"), "{}", err.0);
        let err = find_command(&["inventory".into(), "fetc".into()]).unwrap_err();
        assert!(err.0.contains("'inventory fetc'"), "{}", err.0);
        assert!(err.0.contains("fetch"), "{}", err.0);
    }

    #[test]
    fn a_commands_page_is_named_after_its_parents() {
        let command = find_command(&["inventory".into(), "fetch".into()]).unwrap();
        let page = String::from_utf8(man_page(command).unwrap()).unwrap();
        assert!(page.contains(".TH defrost-inventory-fetch 1"), "{page}");
        assert!(page.contains("\\-\\-wait"), "{page}");
    }
}
