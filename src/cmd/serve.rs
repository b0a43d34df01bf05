//! `fenjin serve`: the flags of [`fenjin::serve::serve`].

use clap::Args;
use fenjin::build::BuildError;
use fenjin::serve::{ServeOptions, serve};

use super::SiteArgs;

/// `fenjin serve`.
#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// The site and what to include.
    #[command(flatten)]
    pub(crate) site: SiteArgs,
    /// The port; 0 picks a free one (the address is printed).
    #[arg(short, long, default_value_t = 1111)]
    pub(crate) port: u16,
    /// The address to listen on. 0.0.0.0 previews on a phone over the local network,
    /// and makes the site visible to everyone on that network.
    #[arg(short = 'i', long, default_value = "127.0.0.1")]
    pub(crate) bind: String,
    /// The address readers use, when it is not this server's: a tunnel or a reverse
    /// proxy, as an absolute URL. Without it, every page links to the host name the
    /// request came to (a phone on the local network gets links to the address it
    /// opened, such as 192.168.x.y:1111).
    #[arg(short = 'u', long, value_name = "URL")]
    pub(crate) base_url: Option<String>,
    /// Open the site in the default browser.
    #[arg(long)]
    pub(crate) open: bool,
    /// Stop after this many seconds (for tests and scripts).
    #[arg(long, value_name = "SECONDS", hide = true)]
    pub(crate) stop_after: Option<u64>,
}

impl ServeArgs {
    /// Serves until Ctrl-C (or `--stop-after`).
    pub(crate) fn run(&self) -> Result<(), BuildError> {
        serve(&ServeOptions {
            build: self.site.options(),
            port: self.port,
            bind: self.bind.clone(),
            base_url: self.base_url.clone(),
            open: self.open,
            stop_after: self.stop_after,
        })
    }
}
