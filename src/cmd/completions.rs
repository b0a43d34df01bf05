//! `fenjin completions SHELL`: a shell completion script, generated from [`super::Cli`].

use clap::Args;
use fenjin::build::BuildError;

/// `fenjin completions`.
#[derive(Debug, Args)]
pub(crate) struct CompletionsArgs {
    /// The shell: bash, zsh, fish, powershell or elvish.
    pub(crate) shell: clap_complete::Shell,
}

impl CompletionsArgs {
    /// Writes the script to standard output.
    pub(crate) fn run(&self) -> Result<(), BuildError> {
        use clap::CommandFactory;
        let mut cli = super::Cli::command();
        clap_complete::generate(self.shell, &mut cli, "fenjin", &mut std::io::stdout());
        Ok(())
    }
}
