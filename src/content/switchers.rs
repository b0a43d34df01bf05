//! Habits that people bring from Zola and Hugo, answered with a specific hint instead of
//! a generic error: their front-matter names, and TOML front matter between `+++` lines.
//! docs/coming-from-zola-or-hugo.md explains the same for people, and a test holds the
//! two together.

use std::fmt::Write as _;

/// Front-matter names of Zola or Hugo that fenjin calls otherwise: (their name, fenjin's
/// name, what to know). Names are compared without regard to case, as Hugo does.
pub const RENAMED: &[(&str, &str, &str)] = &[
    ("lastmod", "updated", "Hugo's `lastmod`"),
    (
        "publishDate",
        "date",
        "Hugo's `publishDate`; a page dated in the future is published from that moment (or with `--future`)",
    ),
    ("expiryDate", "expires", "Hugo's `expiryDate`; the page is left out after that moment"),
    ("url", "path", "Hugo's `url`; `path: /about/` sets the whole URL, `slug:` only the last part"),
    (
        "layout",
        "template",
        "Hugo's `layout`; `template: notice.html` names a file of the theme's `templates/`",
    ),
    (
        "taxonomies",
        "tags",
        "Zola's `[taxonomies]` table: here each taxonomy of site.yaml is a top-level list, `tags: [劳模, 工匠]`",
    ),
    ("params", "extra", "Hugo's `params`: custom values go under `extra:` (as in Zola)"),
    (
        "summary",
        "description",
        "Hugo's `summary`; `description:` is shown under shared links and in listings",
    ),
    (
        "images",
        "image",
        "Hugo's `images` list; `image:` takes one file beside the page, used for share previews",
    ),
    ("expires_on", "expires", "`expires:` takes a date"),
    ("updated_at", "updated", "`updated:` takes a date"),
];

/// The hint for an unknown front-matter field that Zola or Hugo users write, if it is one.
pub fn renamed(key: &str) -> Option<String> {
    RENAMED.iter().find(|(theirs, _, _)| theirs.eq_ignore_ascii_case(key)).map(
        |(theirs, ours, note)| {
            format!("fenjin calls this `{ours}` ({note}); write `{ours}:` instead of `{theirs}`")
        },
    )
}

/// When a file starts with TOML front matter between `+++` lines (Zola's and Hugo's
/// other format): the message and a hint with the same front matter as YAML, with
/// Zola's and Hugo's names changed to fenjin's where they differ.
pub fn toml_front_matter(text: &str) -> Option<(String, String)> {
    let rest = text.strip_prefix("+++")?;
    let rest = rest.strip_prefix('\n')?;
    let end = rest.find("\n+++").map(|e| e + 1).or_else(|| rest.starts_with("+++").then_some(0))?;
    let toml_text = &rest[..end];
    let message =
        "this front matter is TOML between `+++` lines; fenjin reads YAML between `---` lines"
            .to_owned();
    let hint = match toml_text.parse::<toml::Table>() {
        Ok(table) => {
            let mut yaml = String::from("---\n");
            for (k, v) in &table {
                if k.eq_ignore_ascii_case("taxonomies")
                    && let toml::Value::Table(t) = v
                {
                    // Zola's taxonomies are top-level lists in fenjin.
                    for (name, terms) in t {
                        write_yaml(&mut yaml, name, terms, 0);
                    }
                    continue;
                }
                let name = RENAMED
                    .iter()
                    .find(|(theirs, _, _)| theirs.eq_ignore_ascii_case(k))
                    .map_or(k.as_str(), |(_, ours, _)| ours);
                write_yaml(&mut yaml, name, v, 0);
            }
            yaml.push_str("---");
            format!("replace the lines from `+++` to `+++` with:\n{yaml}")
        }
        Err(_) => "replace the `+++` lines with `---` and write each `key = value` as `key: value`"
            .to_owned(),
    };
    Some((message, hint))
}

/// One `key: value` line (or block) of YAML. Scalars and lists are written as JSON, which
/// is valid YAML, so every string is quoted and escaped correctly; dates are left bare.
fn write_yaml(out: &mut String, key: &str, value: &toml::Value, indent: usize) {
    let pad = "  ".repeat(indent);
    let key = if key.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-') {
        key.to_owned()
    } else {
        serde_json::to_string(key).unwrap_or_default()
    };
    match value {
        toml::Value::Table(t) => {
            let _ = writeln!(out, "{pad}{key}:");
            for (k, v) in t {
                write_yaml(out, k, v, indent + 1);
            }
        }
        v => {
            let _ = writeln!(out, "{pad}{key}: {}", flow(v));
        }
    }
}

fn flow(value: &toml::Value) -> String {
    match value {
        toml::Value::Datetime(d) => d.to_string(),
        toml::Value::Array(a) => {
            format!("[{}]", a.iter().map(flow).collect::<Vec<_>>().join(", "))
        }
        toml::Value::Table(t) => format!(
            "{{{}}}",
            t.iter()
                .map(|(k, v)| format!(
                    "{}: {}",
                    serde_json::to_string(k).unwrap_or_default(),
                    flow(v)
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zola_and_hugo_names_get_fenjins_name() {
        assert!(renamed("lastmod").unwrap().starts_with("fenjin calls this `updated`"));
        assert!(renamed("publishDate").unwrap().contains("`date`"));
        assert!(renamed("EXPIRYDATE").unwrap().contains("`expires`"));
        assert!(renamed("layout").unwrap().contains("`template`"));
        assert_eq!(renamed("titel"), None);
    }

    #[test]
    fn toml_front_matter_is_shown_as_yaml() {
        let text = "+++\ntitle = \"哈尔滨 \\\"冰城\\\"\"\ndate = 2022-07-19\nlastmod = 2022-07-20T09:00:00+08:00\ndraft = false\n[taxonomies]\ntags = [\"劳模\", \"工匠\"]\n[extra]\nsubtitle = \"x: y\"\n+++\n正文\n";
        let (message, hint) = toml_front_matter(text).unwrap();
        assert!(message.contains("TOML"), "{message}");
        assert_eq!(
            hint,
            "replace the lines from `+++` to `+++` with:\n---\ntitle: \"哈尔滨 \\\"冰城\\\"\"\ndate: 2022-07-19\nupdated: 2022-07-20T09:00:00+08:00\ndraft: false\ntags: [\"劳模\", \"工匠\"]\nextra:\n  subtitle: \"x: y\"\n---"
        );
        assert!(toml_front_matter("---\ntitle: a\n---\n").is_none());
        assert!(toml_front_matter("+++ not a fence\n").is_none());
        let (_, hint) = toml_front_matter("+++\ntitle = \n+++\n").unwrap();
        assert!(hint.contains("`key: value`"), "{hint}");
    }
}
