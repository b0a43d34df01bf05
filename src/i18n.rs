//! Interface strings: `i18n/<lang>.yaml`, flat `key: text` maps, read in templates with
//! `t(key="…")`. A key present in one language and missing in another is a build error
//! naming the key and the file it is missing from, so a reader never meets a blank.

use std::collections::{BTreeMap, BTreeSet};

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics, codes};
use crate::theme::TextFile;

/// Strings per language.
#[derive(Debug, Default, Clone)]
pub struct I18n {
    strings: BTreeMap<String, BTreeMap<String, String>>,
    files: BTreeMap<String, String>,
}

impl I18n {
    /// Reads and checks the theme's (and site's) string files for every configured
    /// language.
    pub fn load(
        files: &BTreeMap<String, Vec<TextFile>>,
        config: &Config,
    ) -> Result<I18n, Diagnostics> {
        let mut ds = Diagnostics::new();
        let mut out = I18n::default();
        for lang in &config.languages {
            let Some(list) = files.get(&lang.code) else {
                let shown = files
                    .values()
                    .flatten()
                    .next()
                    .map(|f| f.display.with_file_name(format!("{}.yaml", lang.code)));
                let mut d = Diagnostic::error(
                    codes::E0304,
                    format!("there are no interface strings for the language `{}`", lang.code),
                )
                .hint(format!(
                    "create i18n/{}.yaml with the same keys as the other languages",
                    lang.code
                ));
                if let Some(p) = shown {
                    d = d.file(p);
                }
                ds.push(d);
                continue;
            };
            let mut map = BTreeMap::new();
            let mut readable = true;
            for file in list {
                if let Err(d) = crate::limits::check_yaml(&file.text, &file.text, 0, &file.display)
                {
                    readable = false;
                    ds.push(d);
                    continue;
                }
                match crate::yaml::from_str::<BTreeMap<String, String>>(&file.text) {
                    Ok(m) => map.extend(m),
                    Err(e) => {
                        readable = false;
                        ds.push(crate::yaml::diagnose(&e, &file.text, &file.text, 0, &file.display))
                    }
                }
                out.files.insert(lang.code.clone(), file.display.display().to_string());
            }
            // A file that did not parse is reported once; no missing-key noise after it.
            if readable {
                out.strings.insert(lang.code.clone(), map);
            }
        }
        let all: BTreeSet<&String> = out.strings.values().flat_map(|m| m.keys()).collect();
        for (lang, map) in &out.strings {
            for key in all.iter().filter(|k| !map.contains_key(**k)) {
                let other = out
                    .strings
                    .iter()
                    .find(|(_, m)| m.contains_key(*key))
                    .map(|(l, _)| l.as_str())
                    .unwrap_or("");
                // The embedded theme's files are not on disk: point at the site's own.
                let file = &out.files[lang];
                let target = if file.starts_with("(embedded") {
                    format!("i18n/{lang}.yaml")
                } else {
                    file.clone()
                };
                ds.push(
                    Diagnostic::error(
                        codes::E0303,
                        format!("the interface string `{key}` is missing in `{lang}`"),
                    )
                    .file(&target)
                    .hint(format!("add `{key}: …` to {target} (it exists in `{other}`)")),
                );
            }
        }
        if ds.has_errors() { Err(ds) } else { Ok(out) }
    }

    /// The string for `key` in `lang`, or an error message naming the key and file.
    pub fn get(&self, key: &str, lang: &str) -> Result<&str, String> {
        let file = self.files.get(lang).map(String::as_str).unwrap_or("i18n");
        self.strings
            .get(lang)
            .and_then(|m| m.get(key))
            .map(String::as_str)
            .ok_or_else(|| format!("the interface string `{key}` is not defined in {file}; add `{key}: …` to every language's file"))
    }

    /// Whether `key` exists (in every language, since load checked that).
    pub fn contains(&self, key: &str) -> bool {
        self.strings.values().next().is_some_and(|m| m.contains_key(key))
    }
}
