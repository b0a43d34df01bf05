//! `fenjin check --external`: each external link is fetched once (HEAD, then GET where
//! HEAD is refused), politely: at most `per_host` requests to one host at a time, a
//! failed request (no connection, a 5xx, a 429) tried again up to `retries` times, and a
//! `429 Too Many Requests` answered by waiting as long as its `Retry-After` asks (up to
//! [`MAX_WAIT`]).

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use crate::diagnostics::{Diagnostic, codes};

/// The longest `Retry-After` that is honoured; a server asking for more is reported.
pub const MAX_WAIT: Duration = Duration::from_secs(60);

/// How external links are fetched.
#[derive(Debug, Clone, Copy)]
pub struct Politeness {
    /// Time for one request.
    pub timeout: Duration,
    /// Tries after the first, for failures that may pass.
    pub retries: u32,
    /// Requests to one host at a time.
    pub per_host: usize,
    /// The wait before a retry when the server does not say (doubled each time).
    pub backoff: Duration,
}

/// What one request ended with.
enum Answer {
    Status(u16),
    /// `429` with the seconds `Retry-After` asked for (when it said).
    TooMany(Option<u64>),
    Failed(String),
}

/// The host of an `http(s)://` or `//` URL, for grouping.
fn host_of(url: &str) -> &str {
    let rest = url.split_once("//").map_or(url, |(_, r)| r);
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    authority.rsplit_once('@').map_or(authority, |(_, h)| h)
}

/// `Retry-After` in seconds: a number, or an HTTP date from now.
fn retry_after(value: &str) -> Option<u64> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(secs);
    }
    let when = jiff::fmt::rfc2822::parse(value).ok()?.timestamp();
    let secs = when.duration_since(jiff::Timestamp::now()).as_secs();
    Some(secs.max(0) as u64)
}

fn ask(agent: &ureq::Agent, url: &str) -> Answer {
    let answer = |r: Result<ureq::http::Response<ureq::Body>, ureq::Error>| match r {
        Ok(r) if r.status().as_u16() == 429 => Answer::TooMany(
            r.headers().get("retry-after").and_then(|v| v.to_str().ok()).and_then(retry_after),
        ),
        Ok(r) => Answer::Status(r.status().as_u16()),
        Err(e) => Answer::Failed(e.to_string()),
    };
    match agent.head(url).call() {
        // Some servers refuse HEAD: ask again with GET.
        Ok(r) if matches!(r.status().as_u16(), 403 | 405 | 501) => answer(agent.get(url).call()),
        other => answer(other),
    }
}

/// Fetches one link, trying again when the failure may pass.
fn fetch(agent: &ureq::Agent, url: &str, how: &Politeness) -> Answer {
    let mut wait = how.backoff;
    let mut tries = 0;
    loop {
        let a = ask(agent, url);
        let pause = match &a {
            Answer::TooMany(Some(secs)) if Duration::from_secs(*secs) > MAX_WAIT => return a,
            Answer::TooMany(Some(secs)) => Duration::from_secs(*secs),
            Answer::TooMany(None) => wait,
            Answer::Status(code) if *code >= 500 => wait,
            // A timeout is not tried again: it would only multiply the wait.
            Answer::Failed(e) if !e.contains("timeout") && !e.contains("timed out") => wait,
            _ => return a,
        };
        if tries >= how.retries {
            return a;
        }
        tries += 1;
        std::thread::sleep(pause);
        wait *= 2;
    }
}

/// Fetches each external link once: a link that answers 404 or 410 is an error (E0407);
/// one that fails otherwise (a server error, too many requests, no answer, a bad name or
/// certificate) is a warning (W0408), as it may be passing. Each diagnostic names the
/// sources of the pages with the link.
pub fn fetch_external(
    external: &BTreeMap<String, BTreeSet<String>>,
    how: &Politeness,
) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(how.timeout))
        .http_status_as_error(false)
        .max_redirects(10)
        // A fresh connection for every request: each link is asked once or twice, and a
        // server that refused HEAD may have left its connection in any state.
        .max_idle_connections(0)
        .max_idle_connections_per_host(0)
        .user_agent(concat!("fenjin-check/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let Ok(pool) = rayon::ThreadPoolBuilder::new().num_threads(8).build() else {
        return Vec::new();
    };
    // Each host's links are dealt into `per_host` lanes; a lane fetches one at a time, so
    // no host gets more than `per_host` requests at once, while hosts go in parallel.
    let mut by_host: BTreeMap<&str, Vec<(&String, &BTreeSet<String>)>> = BTreeMap::new();
    for (url, pages) in external {
        by_host.entry(host_of(url)).or_default().push((url, pages));
    }
    let lanes_per_host = how.per_host.max(1);
    let mut lanes: Vec<Vec<(&String, &BTreeSet<String>)>> = Vec::new();
    for links in by_host.into_values() {
        let n = lanes_per_host.min(links.len());
        let mut mine = vec![Vec::new(); n];
        for (i, l) in links.into_iter().enumerate() {
            mine[i % n].push(l);
        }
        lanes.extend(mine);
    }
    let found: Vec<Vec<Diagnostic>> = pool.install(|| {
        lanes
            .par_iter()
            .with_max_len(1)
            .map(|lane| {
                lane.iter().filter_map(|(url, pages)| check_one(&agent, url, pages, how)).collect()
            })
            .collect()
    });
    found.into_iter().flatten().collect()
}

fn check_one(
    agent: &ureq::Agent,
    url: &str,
    pages: &BTreeSet<String>,
    how: &Politeness,
) -> Option<Diagnostic> {
    let target = if url.starts_with("//") { format!("https:{url}") } else { url.to_owned() };
    let d = match fetch(agent, &target, how) {
        Answer::Status(code) if code < 400 => return None,
        Answer::Status(code @ (404 | 410)) => Diagnostic::error(
            codes::E0407,
            format!("the external link `{url}` leads nowhere (HTTP {code})"),
        )
        .hint("update or remove the link; the Internet Archive may have a copy"),
        Answer::Status(code) => {
            Diagnostic::warning(codes::W0408, format!("the external link `{url}` answered HTTP {code}"))
                .hint("the site may be down for now; check again later or in a browser")
        }
        Answer::TooMany(after) => Diagnostic::warning(
            codes::W0408,
            match after {
                Some(s) => format!(
                    "the external link `{url}` answered HTTP 429 (too many requests; retry after {s} s)"
                ),
                None => format!("the external link `{url}` answered HTTP 429 (too many requests)"),
            },
        )
        .hint("the server limits how often it may be asked; try `--per-host 1` or check again later"),
        Answer::Failed(e) => Diagnostic::warning(
            codes::W0408,
            format!("the external link `{url}` could not be fetched: {e}"),
        )
        .hint("check the address in a browser; it may be down, slow or blocked from here"),
    };
    let mut pages = pages.iter();
    let first = pages.next().cloned().unwrap_or_default();
    let mut d = d.file(first);
    for more in pages {
        d = d.note(format!("also on {more}"));
    }
    Some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_and_retry_after() {
        assert_eq!(host_of("https://a.example.org/x?y"), "a.example.org");
        assert_eq!(host_of("//cdn.example.org:8080"), "cdn.example.org:8080");
        assert_eq!(host_of("http://user@b.example.org#f"), "b.example.org");
        assert_eq!(retry_after(" 7 "), Some(7));
        assert_eq!(retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), Some(0), "a past date: now");
        assert_eq!(retry_after("soon"), None);
    }
}
