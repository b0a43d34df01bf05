//! `fenjin kinds`: the site's content kinds as text or JSON, or `--json-schema DIR`
//! writing one JSON Schema per kind ([`fenjin::kinds_doc`]).

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use fenjin::build::BuildError;
use fenjin::kinds_doc::{json, load, text, write_schemas};

/// How `fenjin kinds` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub(crate) enum KindsFormat {
    /// One block per kind, one line per field.
    #[default]
    Text,
    /// One JSON document with every kind.
    Json,
}

/// `fenjin kinds`.
#[derive(Debug, Args)]
pub(crate) struct KindsArgs {
    /// The site's folder.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub(crate) root: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = KindsFormat::Text)]
    pub(crate) format: KindsFormat,
    /// Write one JSON Schema per kind into DIR (`DIR/<kind>.schema.json`) instead.
    #[arg(long, value_name = "DIR")]
    pub(crate) json_schema: Option<PathBuf>,
}

impl KindsArgs {
    /// Prints the kinds, or writes their schemas.
    pub(crate) fn run(&self) -> Result<(), BuildError> {
        let (kinds, languages) = load(&self.root)?;
        if let Some(dir) = &self.json_schema {
            for path in write_schemas(&kinds, dir)? {
                eprintln!("wrote {}", path.display());
            }
            return Ok(());
        }
        match self.format {
            KindsFormat::Text => print!("{}", text(&kinds, &languages)),
            KindsFormat::Json => {
                println!("{}", serde_json::to_string_pretty(&json(&kinds)).unwrap_or_default())
            }
        }
        Ok(())
    }
}
