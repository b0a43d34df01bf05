//! The `fenjin` binary: parses arguments, runs a command, maps the outcome to an exit
//! code (0 success, 1 content or template errors, 2 usage or I/O errors).

use std::process::ExitCode;

use clap::Parser;
use cmd::{Cli, Command};
use fenjin::build::BuildError;

mod cmd;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    // A panic is a bug in fenjin, never the user's fault: say so plainly, exit 2, and
    // let the unwinding drop (delete) any half-written staging folder.
    std::panic::set_hook(Box::new(|info| {
        eprintln!(
            "error: fenjin stopped on an internal error; this is a bug in fenjin, please report it: {info}"
        );
    }));
    let result = std::panic::catch_unwind(|| match &cli.command {
        Command::Build(args) => args.run(),
        Command::Check(args) => args.run(),
        Command::Serve(args) => args.run(),
        Command::New(args) => args.run(),
        Command::Init(args) => args.run(),
        Command::Kinds(args) => args.run(),
        Command::Completions(args) => args.run(),
    });
    let Ok(result) = result else {
        return ExitCode::from(2);
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(BuildError::Content(ds)) => {
            fenjin::diagnostics::eprint(&ds);
            ExitCode::from(1)
        }
        Err(BuildError::Reported) => ExitCode::from(1),
        Err(BuildError::Usage(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
    }
}
