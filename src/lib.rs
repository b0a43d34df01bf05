//! fenjin (奋进): a static site generator for bilingual, Chinese-first sites.
//!
//! The pipeline runs one way — config → content → model → render → output — and every
//! stage is a module here. `build::build_site` runs it into any [`output::Sink`];
//! `build::build_to_disk` adds the output-folder checks and the atomic swap.
//!
//! The command line is not here: the binary's `src/cmd/` holds each command's flags
//! and what it prints, and calls this library with plain options.

pub mod build;
pub mod cache;
pub mod check;
pub mod config;
pub mod content;
pub mod dates;
pub mod diagnostics;
pub mod escape;
pub mod figures;
pub mod i18n;
pub mod images;
pub mod kinds_doc;
pub mod limits;
pub mod model;
pub mod output;
pub mod progress;
pub mod render;
pub mod scaffold;
pub mod schedule;
pub mod search;
pub mod serve;
pub mod slug;
pub mod statistics;
pub mod theme;
pub mod walk;
pub mod yaml;
