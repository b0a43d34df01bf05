//! Every diagnostic code, with what it means: the one table of codes. A [`Diagnostic`]
//! can only be made from one of these constants, and a test holds the table to
//! `docs/diagnostics.md` (the same codes, each with the same "problem" text), so a code
//! cannot be used without being documented or documented without being used.
//!
//! [`Diagnostic`]: super::Diagnostic

use std::fmt;

/// A diagnostic code such as `E0204`. Only the constants of this module exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Code(&'static str);

impl Code {
    /// The code as written in messages and docs: `E0204`.
    pub const fn as_str(self) -> &'static str {
        self.0
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// Defines each code as a constant and [`ALL`] as the table of them.
macro_rules! codes {
    ($($code:ident: $problem:literal,)*) => {
        $(
            #[doc = $problem]
            pub const $code: Code = Code(stringify!($code));
        )*
        /// Every code with the problem it names, as in `docs/diagnostics.md`'s table.
        pub const ALL: &[(Code, &str)] = &[$(($code, $problem)),*];
    };
}

codes! {
    E0001: "site.yaml cannot be read",
    E0004: "a site.yaml value is invalid",
    E0005: "the theme named in site.yaml does not exist",
    E0006: "the site has no `content/` folder",
    E0010: "an output file cannot be written",
    E0101: "a Markdown file has no front matter, or has TOML front matter",
    E0102: "the front matter is never closed",
    E0103: "the YAML is not valid",
    E0104: "unknown field, or a field in the wrong place",
    E0105: "a value has the wrong type or is not one of its choices",
    E0106: "a date does not parse",
    E0107: "a required field is missing",
    E0108: "a file name names a language that is not configured",
    E0109: "a file cannot be read, or is not UTF-8",
    E0110: "a kind file (`kinds/<name>.yaml`) is not valid",
    E0113: "a symbolic link leads outside the site, nowhere, or in a loop",
    E0111: "YAML (front matter, site.yaml, an `i18n/` file) is too large or too complex to read safely: over 1 MB, nested more than 32 levels (lists, maps, `[`, `{` together) or with more than 64 aliases (`*name`)",
    E0112: "a control character in YAML (front matter, site.yaml, an `i18n/` file), typed raw or as an escape",
    W0112: "warning: control characters in a Markdown body were removed",
    E0201: "two sources claim one output URL",
    E0205: "script in a Markdown body",
    E0202: "an internal link does not resolve",
    E0203: "a `slug:` or `path:` cannot be used",
    E0301: "a template cannot be parsed, or a required template is missing",
    E0305: "templates extend, include or import themselves in a loop",
    E0302: "a template fails while rendering a page",
    E0303: "an interface string is missing",
    E0304: "a language has no interface strings, or the file is invalid",
    E0204: "a reference between kinds is dangling",
    E0801: "the statistics table cannot be read: not UTF-8 or GBK text, a damaged spreadsheet, no header row, an unknown or repeated column, a row wider than the header, or `campaign.units` missing or naming an undeclared kind",
    E0802: "a statistics row names no reporting unit of the site",
    E0803: "a statistics row's month cannot be read or is not a month of the campaign",
    E0804: "a count in the statistics table is not a whole number of at least 0",
    E0805: "a unit reports the same month twice in the statistics table",
    E0806: "a required cell of the statistics table is empty",
    E0701: "an image that a page shows does not exist",
    E0702: "an image a page shows cannot be used: damaged or cut short, not a JPEG/PNG/WebP (`scan.bmp`, `photo.heic`, `shot.tiff`, an SVG saved as `.png`), or larger than `images.max_pixels` (`20000×20000`, read from the header without decoding)",
    W0704: "the image cache folder `.fenjin-cache/images/` cannot be created or written",
    W0705: "(`build --compress`) the compression cache folder `.fenjin-cache/compress/` cannot be created or written",
    E0401: "(check) a link or another URL of the rendered site leads nowhere: `href`, `src`, each `srcset` candidate, `poster`, `<form action>`",
    E0402: "(check) a link's `#anchor` is not on the target page",
    E0404: "(check) an hreflang pair is not reciprocal",
    E0406: "(check) a link leads to a page that has expired",
    E0407: "(`check --external`) an external link answers 404 or 410",
    W0408: "(`check --external`) an external link fails otherwise, after its retries: a 5xx or other 4xx status, a 429 whose `Retry-After` is over a minute, no answer within `--timeout`, an unknown host, a bad certificate",
    E0408: "(check) the page's `og:image` or `og:url` is no file of the site",
    E0409: "(check) a link runs a script: `javascript:` or `vbscript:` (any case, with tabs or newlines inside, as browsers read it)",
    W0409: "(check) a link is a `data:` URL (browsers refuse to open them)",
    W0402: "(check) an image has no text alternative",
    W0403: "(check) a page has no translation in a language",
    W0405: "(check) a page has no description",
    W0701: "(check) a source image is larger than `images.max_source_bytes` (default 10 MB)",
    W0702: "(check) no page shows or links to an image of `content/`",
    W0301: "warning: unknown code-block language, shown as plain text",
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    /// The rows of `docs/diagnostics.md`'s table: code → problem.
    fn documented() -> BTreeMap<String, String> {
        let doc = include_str!("../../docs/diagnostics.md");
        let mut rows = BTreeMap::new();
        for line in doc.lines() {
            let Some(rest) = line.strip_prefix("| ") else { continue };
            let mut cells = rest.splitn(3, " | ");
            let (Some(code), Some(problem)) = (cells.next(), cells.next()) else { continue };
            let is_code = code.len() == 5
                && (code.starts_with('E') || code.starts_with('W'))
                && code[1..].bytes().all(|b| b.is_ascii_digit());
            if is_code {
                let old = rows.insert(code.to_owned(), problem.to_owned());
                assert!(old.is_none(), "{code} is documented twice");
            }
        }
        rows
    }

    #[test]
    fn the_table_and_the_docs_name_the_same_codes_with_the_same_problem() {
        let table: BTreeMap<String, String> =
            ALL.iter().map(|(c, p)| (c.to_string(), (*p).to_owned())).collect();
        assert_eq!(table.len(), ALL.len(), "a code is defined twice");
        let docs = documented();
        let undocumented: Vec<&String> = table.keys().filter(|c| !docs.contains_key(*c)).collect();
        let unknown: Vec<&String> = docs.keys().filter(|c| !table.contains_key(*c)).collect();
        assert!(
            undocumented.is_empty(),
            "codes missing from docs/diagnostics.md: {undocumented:?}"
        );
        assert!(unknown.is_empty(), "docs/diagnostics.md documents unknown codes: {unknown:?}");
        for (code, problem) in &table {
            assert_eq!(&docs[code], problem, "the problem of {code} differs from the docs");
        }
    }
}
