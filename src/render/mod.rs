//! Rendering: the frozen model into output files.
//!
//! Input: [`Shared`] — the [`Site`] and what the stages after the model made from it (the
//! rendered Markdown, the processed photos, the statistics table) — the [`Theme`] and the
//! interface strings.
//! Output: a flat list of [`Job`]s — every file the build writes, with where it comes
//! from, checked for collisions — rendered in parallel with rayon into a [`Sink`].
//! Templates see values built once per document.

pub mod graphics;
mod links;
pub mod values;

pub use links::{DocLinks, LinkTables};

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;
use tera::{Context, Kwargs, State, Tera, TeraResult, Value};

use crate::content::markdown::Rendered;
use crate::diagnostics::{Diagnostic, Diagnostics, codes};
use crate::i18n::I18n;
use crate::model::{DocId, Site};
use crate::output::{self, Sink};
use crate::theme::Theme;

/// What templates' functions read: the site and its values.
pub struct Shared {
    /// The model.
    pub site: Site,
    /// One value per document, made when a template first needs it (in `serve` most
    /// are never needed between two edits).
    values: Vec<OnceLock<Value>>,
    /// One value per section with its `pages` and `subsections`, likewise.
    section_values: Vec<OnceLock<Value>>,
    /// `site` values per language.
    pub site_values: BTreeMap<String, Value>,
    /// Interface strings.
    pub i18n: I18n,
    /// Link tables (assets, sources, the processed photos).
    pub tables: Arc<LinkTables>,
    /// Every document's Markdown body as HTML (same index as `site.docs`); the HTML
    /// itself is in `contents` where that holds it (read it with [`Shared::html`]).
    pub rendered: Vec<Arc<Rendered>>,
    /// Each body's HTML as the template value `content`, moved out of `rendered` when
    /// nothing else held the body (a build; in `serve` the Markdown cache shares it):
    /// the HTML is held once, not once in the body and again in the document's value.
    contents: Vec<Option<Value>>,
    /// The campaign's statistics table, read and checked.
    pub statistics: Option<crate::statistics::Table>,
    /// Campaign figures per language.
    pub figures: BTreeMap<String, crate::figures::Figures>,
    /// Search indexes per language, made when a search file is first rendered.
    search: OnceLock<BTreeMap<String, crate::search::Index>>,
}

impl Shared {
    /// Wraps the model and what the stages after it made (link tables with the photos,
    /// the rendered bodies, the statistics table); document values are made on first use.
    pub fn new(
        site: Site,
        i18n: I18n,
        tables: Arc<LinkTables>,
        mut rendered: Vec<Arc<Rendered>>,
        statistics: Option<crate::statistics::Table>,
    ) -> Shared {
        let contents = rendered
            .par_iter_mut()
            .map(|r| {
                let html = std::mem::take(&mut Arc::get_mut(r)?.html);
                Some(Value::safe_string(&html))
            })
            .collect();
        let values = site.docs.iter().map(|_| OnceLock::new()).collect();
        let section_values = site.docs.iter().map(|_| OnceLock::new()).collect();
        let site_values = site
            .config
            .languages
            .iter()
            .map(|l| (l.code.clone(), values::site_value(&site, &l.code)))
            .collect();
        let figures = site
            .config
            .languages
            .iter()
            .filter_map(|l| {
                crate::figures::compute(&site, statistics.as_ref(), &l.code)
                    .map(|f| (l.code.clone(), f))
            })
            .collect();
        Shared {
            site,
            values,
            section_values,
            site_values,
            i18n,
            tables,
            rendered,
            contents,
            statistics,
            figures,
            search: OnceLock::new(),
        }
    }

    /// Makes the search indexes now (`serve` does, before its parallel loop).
    pub fn make_search_index(&self) {
        let _ = self.search_index("");
    }

    /// The search index of `lang` (all languages are made together, and kept).
    pub fn search_index(&self, lang: &str) -> Option<&crate::search::Index> {
        self.search.get_or_init(|| self.search_indexes()).get(lang)
    }

    /// Every language's search index, made now and not kept (a build writes the files
    /// and frees them; see [`run`]). One language after the other, each in parallel:
    /// the postings being gathered (about 16 bytes each, 45 million per language at
    /// 100,000 pages) are held for one language at a time.
    fn search_indexes(&self) -> BTreeMap<String, crate::search::Index> {
        self.site
            .config
            .languages
            .iter()
            .map(|l| {
                // The theme's interface string, else the kind file's label.
                let label = |kind: &str| {
                    self.i18n
                        .get(&format!("search_kind_{kind}"), &l.code)
                        .map(str::to_owned)
                        .ok()
                        .or_else(|| self.site.kinds.get(kind)?.label.get(&l.code).cloned())
                        .unwrap_or_else(|| kind.to_owned())
                };
                let html = |id| self.html(id);
                (
                    l.code.clone(),
                    crate::search::build(&self.site, &self.rendered, &html, &l.code, &label),
                )
            })
            .collect()
    }

    /// How many document values (plain and with their section lists) have been made so
    /// far: what a template has cost. Tests hold `latest(n=…)` to `n` with it.
    pub fn values_made(&self) -> usize {
        self.values.iter().chain(&self.section_values).filter(|v| v.get().is_some()).count()
    }

    /// A document's body as HTML.
    pub fn html(&self, id: DocId) -> &str {
        match self.contents.get(id) {
            Some(Some(v)) => v.as_str().unwrap_or_default(),
            _ => self.rendered.get(id).map_or("", |r| r.html.as_str()),
        }
    }

    /// The template value of a document.
    pub fn value(&self, id: DocId) -> &Value {
        self.values[id].get_or_init(|| {
            let doc = &self.site.docs[id];
            let content = match self.contents.get(id) {
                Some(Some(v)) => v.clone(),
                _ => Value::safe_string(self.html(id)),
            };
            values::doc_value(&self.site, doc, &self.tables, self.rendered.get(id), content)
        })
    }

    /// The value of a section with its `pages` and `subsections`.
    pub fn section_value(&self, id: DocId) -> &Value {
        self.section_values[id]
            .get_or_init(|| values::section_value(&self.site, id, &|i| self.value(i)))
    }

    fn lang_arg(&self, kwargs: &Kwargs, state: &State) -> TeraResult<String> {
        if let Some(l) = kwargs.get::<&str>("lang")? {
            if self.site.config.language(l).is_none() {
                return Err(tera::Error::message(format!(
                    "`lang=\"{l}\"` is not a language of this site"
                )));
            }
            return Ok(l.to_owned());
        }
        Ok(state
            .get::<String>("lang")?
            .unwrap_or_else(|| self.site.config.default_language.clone()))
    }

    fn find(&self, path: &str, lang: &str) -> TeraResult<DocId> {
        let canonical = path.trim_start_matches("@/").trim_start_matches('/');
        self.site
            .by_key
            .get(&(canonical.to_owned(), lang.to_owned()))
            .or_else(|| self.site.by_key.get(&(format!("{}/index.md", canonical.trim_end_matches(".md")), lang.to_owned())))
            .copied()
            .ok_or_else(|| {
                tera::Error::message(format!(
                    "no published content file `{canonical}` in language `{lang}` (paths are relative to content/, such as `cities/_index.md`)"
                ))
            })
    }
}

/// Builds the Tera instance: tera-contrib's filters, fenjin's functions, the templates.
pub fn make_tera(theme: &Theme, shared: &Arc<Shared>) -> Result<Tera, Diagnostics> {
    let mut tera = Tera::default();
    register_functions(&mut tera, theme, shared);
    let mut ds = Diagnostics::new();
    check_i18n_keys(theme, &shared.i18n, &shared.site.config.default_language, &mut ds);
    let needed = needed_templates(&shared.site, theme);
    for (name, who) in &needed {
        if !theme.templates.contains_key(name) {
            ds.push(
                Diagnostic::error(codes::E0301, format!("the template `{name}` does not exist"))
                    .note(format!("needed by {who}"))
                    .hint(format!("add templates/{name}, or fix the `template:` that names it")),
            );
        }
    }
    let load = templates_to_load(theme, &needed);
    if let Some(d) = template_cycle(theme, &load) {
        ds.push(d);
        return Err(ds);
    }
    let sources: Vec<(&str, &str)> = theme
        .templates
        .values()
        .filter(|t| load.contains(t.name.as_str()))
        .map(|t| (t.name.as_str(), t.text.as_str()))
        .collect();
    if let Err(e) = tera.add_raw_templates(sources) {
        ds.extend(template_errors(&e, theme));
    }
    if ds.has_errors() { Err(ds) } else { Ok(tera) }
}

/// Registers tera-contrib's filters and fenjin's template functions and filters.
// Long: one registration per template function, each a closure over `Shared`; together
// they are the template API (docs/templates.md), kept in one list so it can be read whole.
fn register_functions(tera: &mut Tera, theme: &Theme, shared: &Arc<Shared>) {
    tera.autoescape_on(vec![".html", ".xml", ".htm"]);
    tera.register_filter("date", tera_contrib::dates::date);
    tera.register_test("before", tera_contrib::dates::is_before);
    tera.register_test("after", tera_contrib::dates::is_after);
    tera.register_filter("urlencode", tera_contrib::urlencode::urlencode);
    tera.register_filter("urlencode_strict", tera_contrib::urlencode::urlencode_strict);
    tera.register_filter("json_encode", tera_contrib::json::json_encode);

    let s = shared.clone();
    tera.register_function("t", move |kwargs: Kwargs, state: &State| -> TeraResult<String> {
        let key = kwargs.must_get::<&str>("key")?;
        let lang = s.lang_arg(&kwargs, state)?;
        match (s.i18n.get(key, &lang), kwargs.get::<&str>("default")?) {
            (Ok(text), _) => Ok(text.to_owned()),
            (Err(_), Some(default)) => Ok(default.to_owned()),
            (Err(e), None) => Err(tera::Error::message(e)),
        }
    });
    let s = shared.clone();
    let fingerprints = theme.fingerprints.clone();
    tera.register_function("url", move |kwargs: Kwargs, state: &State| -> TeraResult<String> {
        let path = kwargs.must_get::<&str>("path")?;
        let lang = s.lang_arg(&kwargs, state)?;
        if path.starts_with("@/") {
            let id = s.find(path, &lang)?;
            return Ok(s.site.permalink(&s.site.docs[id]));
        }
        // A static file written under a content hash: its hashed name.
        if let Some(hashed) = fingerprints.get(path.trim_start_matches('/')) {
            return Ok(s.site.config.permalink(&format!("/{hashed}")));
        }
        let explicit = kwargs.get::<&str>("lang")?.is_some();
        let prefix = if explicit { s.site.config.lang_prefix(&lang) } else { String::new() };
        Ok(s.site.config.permalink(&format!("{prefix}/{}", path.trim_start_matches('/'))))
    });
    let s = shared.clone();
    tera.register_function("get_page", move |kwargs: Kwargs, state: &State| -> TeraResult<Value> {
        let path = kwargs.must_get::<&str>("path")?;
        let lang = s.lang_arg(&kwargs, state)?;
        Ok(s.value(s.find(path, &lang)?).clone())
    });
    let s = shared.clone();
    tera.register_function(
        "get_section",
        move |kwargs: Kwargs, state: &State| -> TeraResult<Value> {
            let path = kwargs.must_get::<&str>("path")?;
            let lang = s.lang_arg(&kwargs, state)?;
            let id = s.find(path, &lang)?;
            if kwargs.get::<bool>("pages")?.unwrap_or(false) {
                Ok(s.section_value(id).clone())
            } else {
                Ok(s.value(id).clone())
            }
        },
    );
    let s = shared.clone();
    tera.register_function("latest", move |kwargs: Kwargs, state: &State| -> TeraResult<Value> {
        // Costs `n` pages: the lists are sorted once when the model is built.
        let n = kwargs.get::<usize>("n")?.unwrap_or(10);
        let lang = s.lang_arg(&kwargs, state)?;
        let ids: &[DocId] = match kwargs.get::<&str>("section")? {
            Some(path) => &s.site.docs[s.find(path, &lang)?].section.pages,
            None => s.site.latest.get(&lang).map(Vec::as_slice).unwrap_or(&[]),
        };
        let kind = kwargs.get::<&str>("kind")?;
        Ok(Value::from(
            ids.iter()
                .filter(|&&i| kind.is_none_or(|k| s.site.docs[i].data.name() == k))
                .take(n)
                .map(|&i| s.value(i).clone())
                .collect::<Vec<_>>(),
        ))
    });

    let s = shared.clone();
    tera.register_function("figures", move |kwargs: Kwargs, state: &State| -> TeraResult<Value> {
        figures_value(&s, &kwargs, state)
    });
    let s = shared.clone();
    tera.register_function("chart", move |kwargs: Kwargs, state: &State| -> TeraResult<Value> {
        let lang = s.lang_arg(&kwargs, state)?;
        let label = kwargs.must_get::<&str>("label")?;
        let f = s.figures.get(&lang).ok_or_else(|| {
            tera::Error::message("there are no campaign figures: add `campaign:` to site.yaml")
        })?;
        let svg = match kwargs.must_get::<&str>("type")? {
            "progress" => crate::figures::progress_svg(f, label),
            "units" => match kwargs.get::<&str>("group")? {
                Some(kind) => {
                    let g = f.groups.iter().find(|g| g.kind == kind).ok_or_else(|| {
                        tera::Error::message(format!(
                            "no group `{kind}`: `campaign.units` in site.yaml names {}",
                            f.groups.iter().map(|g| g.kind.as_str()).collect::<Vec<_>>().join(", ")
                        ))
                    })?;
                    crate::figures::units_svg(&g.units, label)
                }
                None => crate::figures::units_svg(&f.units, label),
            },
            "months" => crate::figures::months_svg(f, label),
            other => {
                return Err(tera::Error::message(format!(
                    "unknown chart type `{other}`: use progress, units (with an optional group) or months"
                )));
            }
        };
        Ok(Value::safe_string(&svg))
    });
    tera.register_function("qr", |kwargs: Kwargs, _: &State| -> TeraResult<Value> {
        let url = kwargs.must_get::<&str>("url")?;
        let label = kwargs.get::<&str>("label")?.unwrap_or("QR code");
        graphics::qr_svg(url, label).map(|s| Value::safe_string(&s)).map_err(tera::Error::message)
    });
    crate::images::register_functions(tera, shared.site.config.images.sizes.clone());
    tera.register_function("avatar", |kwargs: Kwargs, _: &State| -> TeraResult<Value> {
        let name = kwargs.must_get::<&str>("name")?;
        let label = kwargs.get::<&str>("label")?.unwrap_or(name);
        Ok(Value::safe_string(&graphics::avatar_svg(name, label)))
    });
    tera.register_filter("thousands", |n: u64, _: Kwargs, _: &State| {
        crate::figures::group_digits(n)
    });
}

/// The `figures()` function's value: the campaign's sums in the page's language, or one
/// unit's row (`unit=` its permalink), with the links to the table, the CSV and the form.
fn figures_value(s: &Shared, kwargs: &Kwargs, state: &State) -> TeraResult<Value> {
    let lang = s.lang_arg(kwargs, state)?;
    let f = s.figures.get(&lang).ok_or_else(|| {
        tera::Error::message("there are no campaign figures: add `campaign:` to site.yaml")
    })?;
    // One unit's row (its page passes its permalink), or nothing.
    if let Some(unit) = kwargs.get::<&str>("unit")? {
        return Ok(f
            .units
            .iter()
            .find(|u| u.permalink == unit)
            .map_or(Value::none(), Value::from_serializable));
    }
    let mut m = Value::from_serializable(f).into_map().unwrap_or_default();
    if let Some(c) = &s.site.config.campaign {
        m.insert("report_deadline".into(), c.report_deadline.clone().into());
        m.insert("report_to".into(), c.report_to.clone().into());
    }
    // The page that shows the figures, if the site has one.
    let page = s
        .site
        .docs
        .iter()
        .find(|d| d.lang == lang && d.template.as_deref() == Some("figures.html"));
    m.insert("page".into(), page.map(|d| s.site.permalink(d)).into());
    m.insert(
        "csv_url".into(),
        s.site
            .config
            .permalink(&format!("{}/figures/participation.csv", s.site.config.lang_prefix(&lang)))
            .into(),
    );
    let form = s.statistics.as_ref().map(|_| {
        s.site.config.permalink(&format!(
            "{}/figures/{}",
            s.site.config.lang_prefix(&lang),
            crate::statistics::form::FILE
        ))
    });
    m.insert("form_url".into(), form.into());
    Ok(Value::from(m))
}

/// The templates this build renders, each with who needs it (for the message when it is
/// missing). Only these, what they extend or include, and all of the site's own are
/// loaded: a site that replaces the theme's base.html must not break the theme templates
/// it never uses.
fn needed_templates(site: &Site, theme: &Theme) -> BTreeMap<String, String> {
    let mut needed: BTreeMap<String, String> = BTreeMap::new(); // template → who needs it
    for d in site.docs.iter() {
        needed
            .entry(template_for(site, theme, d))
            .or_insert_with(|| site.file_of(d).display().to_string());
    }
    if !site.taxonomies.is_empty() {
        needed
            .entry("taxonomy.html".into())
            .or_insert_with(|| "the taxonomies in site.yaml".into());
    }
    if site.taxonomies.iter().any(|t| !t.terms.is_empty()) {
        needed.entry("term.html".into()).or_insert_with(|| "the taxonomy terms".into());
    }
    needed.entry("404.html".into()).or_insert_with(|| "the 404 page".into());
    if theme.templates.contains_key(MANIFEST) {
        needed.entry(MANIFEST.into()).or_insert_with(|| "the web app manifest".into());
    }
    if site.config.search {
        needed
            .entry("search.html".into())
            .or_insert_with(|| "the search page (site.yaml `search`)".into());
    }
    needed
}

/// What to load: the needed templates, everything they reference, and every site
/// template with everything it references.
fn templates_to_load<'t>(
    theme: &'t Theme,
    needed: &'t BTreeMap<String, String>,
) -> BTreeSet<&'t str> {
    // Each template is visited once: one that includes itself must not keep the loop going.
    let mut load: BTreeSet<&str> = BTreeSet::new();
    let mut todo: Vec<&str> = needed.keys().map(String::as_str).collect();
    todo.extend(theme.templates.values().filter(|t| t.site_override).map(|t| t.name.as_str()));
    while let Some(name) = todo.pop() {
        let Some(t) = theme.templates.get(name) else { continue };
        if load.insert(t.name.as_str()) {
            todo.extend(
                referenced_templates(&t.text)
                    .into_iter()
                    .filter_map(|r| theme.templates.get_key_value(r).map(|(k, _)| k.as_str())),
            );
        }
    }
    load
}

/// A cycle of `extends`, `include` or `import` among the templates to load, as an
/// error naming the chain (`a.html → b.html → a.html`) at the tag that closes it.
fn template_cycle(theme: &Theme, load: &BTreeSet<&str>) -> Option<Diagnostic> {
    // Depth-first search with three colours; the path is the chain so far.
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    fn visit<'a>(
        name: &'a str,
        theme: &'a Theme,
        marks: &mut BTreeMap<&'a str, Mark>,
        path: &mut Vec<&'a str>,
    ) -> Option<Vec<&'a str>> {
        match marks.get(name) {
            Some(Mark::Done) => return None,
            Some(Mark::Open) => {
                let from = path.iter().position(|p| *p == name).unwrap_or(0);
                let mut chain = path[from..].to_vec();
                chain.push(name);
                return Some(chain);
            }
            None => {}
        }
        let t = theme.templates.get(name)?;
        marks.insert(name, Mark::Open);
        path.push(name);
        for r in referenced_templates(&t.text) {
            if let Some((k, _)) = theme.templates.get_key_value(r)
                && let Some(chain) = visit(k.as_str(), theme, marks, path)
            {
                return Some(chain);
            }
        }
        path.pop();
        marks.insert(name, Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    for name in load {
        let Some(chain) = visit(name, theme, &mut marks, &mut Vec::new()) else { continue };
        // Point at the tag in the last template of the chain that names the first.
        let (last, first) = (chain[chain.len() - 2], chain[chain.len() - 1]);
        let t = &theme.templates[last];
        let mut d = Diagnostic::error(
            codes::E0305,
            format!("templates include themselves: {}", chain.join(" → ")),
        )
        .file(&t.display)
        .hint("a template cannot extend, include or import itself, directly or through others; remove the tag that closes the loop");
        if let Some((n, line)) =
            t.text.lines().enumerate().find(|(_, l)| {
                l.contains(&format!("\"{first}\"")) || l.contains(&format!("'{first}'"))
            })
        {
            let col = line.find(first).map_or(1, |b| line[..b].chars().count());
            d = d.at(&t.text, n + 1, col);
        }
        return Some(d);
    }
    None
}

/// The templates a template extends, includes or imports (string literals only).
fn referenced_templates(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for tag in ["extends", "include", "import"] {
        let mut rest = text;
        while let Some(i) = rest.find(tag) {
            rest = &rest[i + tag.len()..];
            let t = rest.trim_start();
            if let Some(q @ ('"' | '\'')) = t.chars().next()
                && let Some(end) = t[1..].find(q)
            {
                out.push(&t[1..1 + end]);
            }
        }
    }
    out
}

/// Every literal `t(key="…")` in the templates must name a defined string.
fn check_i18n_keys(theme: &Theme, i18n: &I18n, default_lang: &str, ds: &mut Diagnostics) {
    for t in theme.templates.values() {
        for (n, line) in t.text.lines().enumerate() {
            let mut rest = line;
            while let Some(pos) = rest.find("t(key=") {
                let after = &rest[pos + 6..];
                let quote = after.chars().next();
                if let Some(q @ ('"' | '\'')) = quote
                    && let Some(end) = after[1..].find(q)
                {
                    let key = &after[1..1 + end];
                    // Only whole literal keys: `t(key="a_" ~ x)` is built at render time.
                    let next = after[2 + end..].trim_start().chars().next();
                    if !matches!(next, Some(')' | ',')) {
                        rest = &after[1..];
                        continue;
                    }
                    let boundary = pos == 0
                        || !rest[..pos].ends_with(|c: char| c.is_alphanumeric() || c == '_');
                    if boundary && !i18n.contains(key) {
                        let col = line.len() - rest.len() + pos;
                        ds.push(
                                Diagnostic::error(codes::E0303, format!("the template uses the interface string `{key}`, which is not defined"))
                                    .file(&t.display)
                                    .at(&t.text, n + 1, line[..col].chars().count() + 1)
                                    .hint(format!("add `{key}: …` to i18n/{default_lang}.yaml and every other language's file")),
                            );
                    }
                }
                rest = &after[1.min(after.len())..];
            }
        }
    }
}

/// Errors from loading templates. Tera 2 validates all templates at once and returns
/// several reports (`error: …` / ` --> name:line:col`) joined in one message; each
/// becomes its own diagnostic pointing into the template file.
fn template_errors(e: &tera::Error, theme: &Theme) -> Vec<Diagnostic> {
    if !matches!(e.kind(), tera::ErrorKind::Msg(_)) {
        return vec![template_error(e, theme, None)];
    }
    let text = e.to_string();
    let mut out = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let Some(message) = line.strip_prefix("error: ") else { continue };
        let location = lines.get(i + 1).and_then(|l| l.trim_start().strip_prefix("--> "));
        let mut d = Diagnostic::error(codes::E0301, format!("template error: {message}")).hint(
            "see docs/templates.md for the variables, functions and filters templates can use",
        );
        if let Some((name, pos)) = location.and_then(|l| l.split_once(':')) {
            let mut nums = pos.split(':').map(|n| n.parse::<usize>().unwrap_or(1));
            let (l, c) = (nums.next().unwrap_or(1), nums.next().unwrap_or(1));
            d = match theme.templates.get(name) {
                Some(t) => d.file(&t.display).at(&t.text, l, c),
                None => d.file(name).line(l),
            };
        }
        out.push(d);
    }
    if out.is_empty() {
        out.push(template_error(e, theme, None));
    }
    out
}

/// A Tera error as a diagnostic naming the template, its line, and the page.
fn template_error(e: &tera::Error, theme: &Theme, rendering: Option<&str>) -> Diagnostic {
    use std::error::Error as _;
    let (code, report) = match e.kind() {
        tera::ErrorKind::SyntaxError(r) => (codes::E0301, Some(r)),
        tera::ErrorKind::RenderingError(r) => (codes::E0302, Some(r)),
        _ => (if rendering.is_some() { codes::E0302 } else { codes::E0301 }, None),
    };
    let mut message = match report {
        Some(r) => r.message().to_owned(),
        None => e.kind().to_string().lines().next().unwrap_or("").to_owned(),
    };
    let mut source = e.source();
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    let mut d = Diagnostic::error(code, format!("template error: {message}"));
    // Tera reports endless component recursion without a place: find the loop.
    if report.is_none()
        && message.contains("recursion depth")
        && let Some((chain, t, line)) = component_cycle(theme)
    {
        d = Diagnostic::error(
            code,
            format!("template error: a component calls itself without end: {chain}"),
        )
        .file(&t.display)
        .at(&t.text, line, 1);
    }
    if let Some(r) = report {
        let file = theme.templates.get(r.filename());
        match file {
            Some(t) => {
                d = d.file(&t.display).at(&t.text, r.span().start_line, r.span().start_col + 1)
            }
            None if !r.filename().is_empty() => d = d.file(r.filename()).line(r.span().start_line),
            None => {}
        }
    }
    if let Some(page) = rendering {
        d = d.note(format!("while rendering {page}"));
    }
    d.hint("see docs/templates.md for the variables and functions templates can use")
}

/// A loop of components calling each other (`a → b → a`), with the template and line
/// where the first is defined.
fn component_cycle(theme: &Theme) -> Option<(String, &crate::theme::TextFile, usize)> {
    // Component name → (template, line of its definition, components its body calls).
    let mut defs: BTreeMap<String, (&crate::theme::TextFile, usize, Vec<String>)> = BTreeMap::new();
    for t in theme.templates.values() {
        let mut rest = t.text.as_str();
        while let Some(p) = rest.find("component ") {
            let before = &rest[..p];
            let after = &rest[p + "component ".len()..];
            rest = after;
            if !before.trim_end_matches(['-', ' ']).ends_with("{%") {
                continue;
            }
            let name: String = after
                .trim_start()
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let body = after.split("endcomponent").next().unwrap_or("");
            let calls = body
                .split('<')
                .skip(1)
                .map(|c| {
                    c.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect::<String>()
                })
                .filter(|c| !c.is_empty())
                .collect();
            let offset = t.text.len() - after.len();
            let line = t.text[..offset].matches('\n').count() + 1;
            defs.entry(name).or_insert((t, line, calls));
        }
    }
    for start in defs.keys() {
        // Breadth-first from `start`, keeping the path, until it comes back.
        let mut queue = std::collections::VecDeque::from([vec![start.as_str()]]);
        let mut seen = BTreeSet::new();
        while let Some(path) = queue.pop_front() {
            let last = path[path.len() - 1];
            for next in defs.get(last).map(|d| d.2.as_slice()).unwrap_or(&[]) {
                if next == start {
                    let (t, line, _) = &defs[start.as_str()];
                    let mut chain = path.clone();
                    chain.push(start);
                    return Some((chain.join(" → "), *t, *line));
                }
                if defs.contains_key(next.as_str()) && seen.insert(next.as_str()) {
                    let mut p = path.clone();
                    p.push(next.as_str());
                    queue.push_back(p);
                }
            }
        }
    }
    None
}

/// What kind of output a job makes.
#[derive(Debug, Clone)]
pub enum JobKind {
    /// A page, or a section's first listing page.
    Doc(DocId),
    /// Listing page `n` (1-based, n ≥ 2) of a section.
    Pager(DocId, usize),
    /// The list of terms of a taxonomy (index into `Site::taxonomies`).
    Taxonomy(usize),
    /// A term page (taxonomy index, term index).
    Term(usize, usize),
    /// The 404 page of a language.
    NotFound(String),
    /// The web app manifest of a language (when the theme has its template).
    Manifest(String),
    /// A redirect page for an alias of a document.
    Alias(DocId, String),
    /// An Atom feed: site (None), section or term, per language.
    Feed(output::feeds::FeedSource),
    /// sitemap.xml.
    Sitemap,
    /// The statistics table of a language as CSV.
    FiguresCsv(String),
    /// The blank statistics form (`.xlsx`) in a language.
    FiguresForm(String),
    /// The iCalendar file of a language (skipped when empty).
    Calendar(String),
    /// robots.txt.
    Robots,
    /// The search page of a language.
    SearchPage(String),
    /// A file of a language's search index.
    SearchFile(String, SearchPart),
    /// A theme or site static file.
    Static(crate::theme::FileSource),
    /// A file of content/.
    Asset(PathBuf),
}

/// A file of a search index.
#[derive(Debug, Clone, Copy)]
pub enum SearchPart {
    /// `meta.json`.
    Meta,
    /// `t/<n>.json`.
    Shard(usize),
    /// `d/<n>.json`.
    Chunk(usize),
}

/// One output file.
#[derive(Debug, Clone)]
pub struct Job {
    /// Output path relative to the output folder, `/`-separated.
    pub out: String,
    /// Where it comes from, for messages.
    pub origin: Origin,
    /// What to make.
    pub kind: JobKind,
}

/// Where a job comes from, for messages.
#[derive(Debug, Clone)]
pub enum Origin {
    /// A document's page, pager, feed or alias (the job's kind says which). Its file,
    /// and the line of a `path:` that moved it, are looked up only when a message
    /// needs them: making that text for every page was a tenth of a rebuild in `serve`.
    Doc(DocId),
    /// Anything else, in words.
    Text(String),
}

impl Job {
    /// Where the job comes from, in words: `content/a.md:3 (`path: x`)`, `the feed of
    /// content/news/_index.md`, `the sitemap`.
    pub fn origin(&self, site: &Site) -> String {
        let id = match &self.origin {
            Origin::Text(t) => return t.clone(),
            Origin::Doc(id) => *id,
        };
        let doc = origin_of(site, id);
        match &self.kind {
            JobKind::Pager(_, n) => format!("page {n} of the list of {doc}"),
            JobKind::Feed(_) => format!("the feed of {doc}"),
            JobKind::Alias(_, a) => format!("alias `{a}` in {doc}"),
            _ => doc,
        }
    }
}

/// The template of the web app manifest, rendered once per language to
/// `manifest.webmanifest` (`/en/manifest.webmanifest`); a theme without it has none.
pub const MANIFEST: &str = "manifest.webmanifest";

fn index_path(url_path: &str) -> String {
    format!("{}index.html", url_path.trim_start_matches('/'))
}

/// Pager URL path: page 1 is the section itself, page n is `…/page/n/`.
pub fn pager_path(section_path: &str, n: usize) -> String {
    if n <= 1 { section_path.to_owned() } else { format!("{section_path}page/{n}/") }
}

fn pager_count(site: &Site, id: DocId) -> usize {
    let d = &site.docs[id];
    let per = d.section.paginate_by;
    if per == 0 { 1 } else { d.section.pages.len().div_ceil(per).max(1) }
}

/// The list of output files: every page and its pagers, feeds and aliases; taxonomies
/// and terms; each language's 404 page, manifest, figures, calendar and search; the
/// sitemap, robots.txt, static files, assets and resized photos. Two that claim the same
/// output are an error.
pub fn plan(shared: &Shared, theme: &Theme) -> (Vec<Job>, Diagnostics) {
    let site = &shared.site;
    let mut jobs = Vec::new();
    doc_jobs(site, &mut jobs);
    taxonomy_jobs(site, &mut jobs);
    language_jobs(shared, theme, &mut jobs);
    if site.config.search {
        search_jobs(site, &mut jobs);
    }
    file_jobs(shared, theme, &mut jobs);
    without_collisions(site, jobs)
}

/// Where a document's outputs come from, for messages: its file, with the line of a
/// `path:` or `slug:` that moved the page.
fn origin_of(site: &Site, id: DocId) -> String {
    let d = &site.docs[id];
    let mut f = site.file_of(d).display().to_string();
    // Name the line of a `path:` or `slug:` that moved the page.
    if let Some(src) = d.source.map(|s| &site.sources[s]) {
        let fm = &src.front_matter;
        let yaml_lines = src.text[..src.body_start].lines().enumerate().skip(src.front_matter_line);
        for (key, value) in [("path", &fm.path), ("slug", &fm.slug)] {
            let Some(value) = value else { continue };
            if let Some((n, _)) = yaml_lines
                .clone()
                .find(|(_, l)| l.strip_prefix(key).is_some_and(|r| r.trim_start().starts_with(':')))
            {
                f = format!("{f}:{} (`{key}: {value}`)", n + 1);
                break;
            }
        }
    }
    if d.fallback { format!("{f} (shown untranslated in `{}`)", d.lang) } else { f }
}

/// Each document's page, and a section's pagers and feed, and each alias.
fn doc_jobs(site: &Site, jobs: &mut Vec<Job>) {
    for d in site.docs.iter() {
        jobs.push(Job {
            out: index_path(&d.path),
            origin: Origin::Doc(d.id),
            kind: JobKind::Doc(d.id),
        });
        if d.is_section {
            for n in 2..=pager_count(site, d.id) {
                jobs.push(Job {
                    out: index_path(&pager_path(&d.path, n)),
                    origin: Origin::Doc(d.id),
                    kind: JobKind::Pager(d.id, n),
                });
            }
            let feed = if d.canonical == "_index.md" {
                output::feeds::FeedSource::Site(d.lang.clone())
            } else {
                output::feeds::FeedSource::Section(d.id)
            };
            jobs.push(Job {
                out: format!("{}atom.xml", d.path.trim_start_matches('/')),
                origin: Origin::Doc(d.id),
                kind: JobKind::Feed(feed),
            });
        }
        for a in &d.aliases {
            let out = if a.ends_with(".html") || a.ends_with(".htm") {
                a.trim_start_matches('/').to_owned()
            } else {
                index_path(&format!("{}/", a.trim_end_matches('/')))
            };
            jobs.push(Job {
                out,
                origin: Origin::Doc(d.id),
                kind: JobKind::Alias(d.id, a.clone()),
            });
        }
    }
}

/// Each taxonomy's page, and each term's page and feed.
fn taxonomy_jobs(site: &Site, jobs: &mut Vec<Job>) {
    for (ti, t) in site.taxonomies.iter().enumerate() {
        let origin = format!("the taxonomy `{}` (site.yaml, language `{}`)", t.name, t.lang);
        jobs.push(Job {
            out: index_path(&t.path),
            origin: Origin::Text(origin.clone()),
            kind: JobKind::Taxonomy(ti),
        });
        for (i, term) in t.terms.iter().enumerate() {
            jobs.push(Job {
                out: index_path(&term.path),
                origin: Origin::Text(format!("the term `{}` of {origin}", term.name)),
                kind: JobKind::Term(ti, i),
            });
            if t.feed {
                jobs.push(Job {
                    out: format!("{}atom.xml", term.path.trim_start_matches('/')),
                    origin: Origin::Text(format!(
                        "the feed of the term `{}` of {origin}",
                        term.name
                    )),
                    kind: JobKind::Feed(output::feeds::FeedSource::Term(ti, i)),
                });
            }
        }
    }
}

/// Each language's 404 page and manifest, campaign figures and statistics form, and
/// calendar.
fn language_jobs(shared: &Shared, theme: &Theme, jobs: &mut Vec<Job>) {
    let site = &shared.site;
    for l in &site.config.languages {
        let prefix = site.config.lang_prefix(&l.code);
        jobs.push(Job {
            out: format!("{}404.html", format!("{prefix}/").trim_start_matches('/')),
            origin: Origin::Text("the 404 page".into()),
            kind: JobKind::NotFound(l.code.clone()),
        });
        if theme.templates.contains_key(MANIFEST) {
            jobs.push(Job {
                out: format!("{}{MANIFEST}", format!("{prefix}/").trim_start_matches('/')),
                origin: Origin::Text(format!("the web app manifest (templates/{MANIFEST})")),
                kind: JobKind::Manifest(l.code.clone()),
            });
        }
    }
    for l in &site.config.languages {
        let prefix = format!("{}/", site.config.lang_prefix(&l.code));
        let prefix = prefix.trim_start_matches('/');
        if site.config.campaign.is_some() {
            jobs.push(Job {
                out: format!("{prefix}figures/participation.csv"),
                origin: Origin::Text("the campaign figures (site.yaml `campaign`)".into()),
                kind: JobKind::FiguresCsv(l.code.clone()),
            });
        }
        if shared.statistics.is_some() {
            jobs.push(Job {
                out: format!("{prefix}figures/{}", crate::statistics::form::FILE),
                origin: Origin::Text("the statistics form (data/statistics.csv)".into()),
                kind: JobKind::FiguresForm(l.code.clone()),
            });
        }
        jobs.push(Job {
            out: format!("{prefix}calendar.ics"),
            origin: Origin::Text("the calendar of activities and talks".into()),
            kind: JobKind::Calendar(l.code.clone()),
        });
    }
}

/// Each language's search page and index files. The number of files is known from the
/// number of documents, so that planning does not have to build the index.
fn search_jobs(site: &Site, jobs: &mut Vec<Job>) {
    for l in &site.config.languages {
        let prefix = format!("{}/", site.config.lang_prefix(&l.code));
        let prefix = prefix.trim_start_matches('/');
        jobs.push(Job {
            out: format!("{prefix}search/index.html"),
            origin: Origin::Text("the search page (site.yaml `search`)".into()),
            kind: JobKind::SearchPage(l.code.clone()),
        });
        let n = crate::search::indexed_docs(site, &l.code).len();
        let dir = format!("_search/{}", l.code);
        let origin = || format!("the search index of `{}`", l.code);
        let mut add = |out: String, part: SearchPart| {
            jobs.push(Job {
                out,
                origin: Origin::Text(origin()),
                kind: JobKind::SearchFile(l.code.clone(), part),
            })
        };
        add(format!("{dir}/meta.json"), SearchPart::Meta);
        for i in 0..crate::search::shard_count(n) {
            add(format!("{dir}/t/{i}.json"), SearchPart::Shard(i));
        }
        for i in 0..crate::search::chunk_count(n) {
            add(format!("{dir}/d/{i}.json"), SearchPart::Chunk(i));
        }
    }
}

/// The sitemap, robots.txt, the theme's and site's static files, the content's other
/// files and the resized photos.
fn file_jobs(shared: &Shared, theme: &Theme, jobs: &mut Vec<Job>) {
    let site = &shared.site;
    jobs.push(Job {
        out: "sitemap.xml".into(),
        origin: Origin::Text("the sitemap".into()),
        kind: JobKind::Sitemap,
    });
    jobs.push(Job {
        out: "robots.txt".into(),
        origin: Origin::Text("robots.txt".into()),
        kind: JobKind::Robots,
    });
    for (rel, (src, display)) in &theme.statics {
        jobs.push(Job {
            out: theme.fingerprints.get(rel).unwrap_or(rel).clone(),
            origin: Origin::Text(display.display().to_string()),
            kind: JobKind::Static(src.clone()),
        });
    }
    for a in site.assets.iter() {
        jobs.push(Job {
            out: a.out.clone(),
            origin: Origin::Text(format!("content/{}", a.rel)),
            kind: JobKind::Asset(a.abs.clone()),
        });
    }
    for (out, cached) in &shared.tables.images.files {
        jobs.push(Job {
            out: out.clone(),
            origin: Origin::Text(format!("a resized copy of an image of content/ ({out})")),
            kind: JobKind::Asset(cached.clone()),
        });
    }
}

/// The jobs without those whose output another already claims (an error naming both;
/// the site's static files may shadow robots.txt on purpose).
fn without_collisions(site: &Site, jobs: Vec<Job>) -> (Vec<Job>, Diagnostics) {
    let mut ds = Diagnostics::new();
    let mut seen: HashMap<String, usize> = HashMap::with_capacity(jobs.len());
    let mut keep = vec![true; jobs.len()];
    for (i, j) in jobs.iter().enumerate() {
        let key = j.out.to_lowercase();
        if let Some(&first) = seen.get(&key) {
            let is_override =
                matches!(jobs[first].kind, JobKind::Robots) && matches!(j.kind, JobKind::Static(_));
            if is_override {
                keep[first] = false;
                continue;
            }
            ds.push(
                Diagnostic::error(codes::E0201, format!("two sources claim the output `/{}`", j.out))
                    .note(format!("first: {}", jobs[first].origin(site)))
                    .note(format!("second: {}", j.origin(site)))
                    .hint("give one of them another `slug:` or `path:` (a section: `path:` in its `_index.md`), or rename the file, folder or taxonomy"),
            );
        } else {
            seen.insert(key, i);
        }
    }
    let jobs = jobs.into_iter().zip(keep).filter(|(_, k)| *k).map(|(j, _)| j).collect();
    (jobs, ds)
}

/// Everything the HTML of one document or listing needs besides its own value.
fn base_context(
    shared: &Shared,
    lang: &str,
    current: &str,
    alternates: &[(String, String)],
) -> Context {
    let site = &shared.site;
    let mut cx = Context::new();
    cx.insert_value("site", shared.site_values[lang].clone());
    cx.insert("lang", lang);
    cx.insert(
        "hreflang",
        &site.config.language(lang).map(|l| l.hreflang.clone()).unwrap_or_default(),
    );
    cx.insert("current_url", &site.config.permalink(current));
    cx.insert("current_path", current);
    cx.insert("canonical", &site.config.permalink(current));
    #[derive(serde::Serialize)]
    struct Alt<'a> {
        hreflang: &'a str,
        permalink: &'a str,
    }
    let alts: Vec<Alt<'_>> =
        alternates.iter().map(|(h, p)| Alt { hreflang: h, permalink: p }).collect();
    cx.insert("alternates", &alts);
    let x_default = alternates
        .iter()
        .find(|(h, _)| {
            site.config.language(&site.config.default_language).is_some_and(|l| &l.hreflang == h)
        })
        .or(alternates.first())
        .map(|(_, p)| p.clone());
    cx.insert("x_default", &x_default);
    if let Some(c) = &site.config.campaign {
        cx.insert("campaign", c);
    }
    cx
}

/// (hreflang, permalink) of every real version of a document, in language order.
fn doc_alternates(site: &Site, id: DocId, pager: usize) -> Vec<(String, String)> {
    let doc = &site.docs[id];
    let original = if doc.fallback {
        site.get(&doc.canonical, &site.config.default_language).unwrap_or(doc)
    } else {
        doc
    };
    let mut out = Vec::new();
    for l in &site.config.languages {
        if let Some(v) = site.get(&original.canonical, &l.code).filter(|v| !v.fallback)
            && pager <= pager_count(site, v.id)
        {
            out.push((l.hreflang.clone(), site.config.permalink(&pager_path(&v.path, pager))));
        }
    }
    out
}

/// The language switch: for each other language, where to go (`target` gives a path and
/// whether it is the same content; without one, that language's home) .
fn lang_switch(site: &Site, lang: &str, target: &dyn Fn(&str) -> Option<(String, bool)>) -> Value {
    #[derive(serde::Serialize)]
    struct Switch<'a> {
        lang: &'a str,
        hreflang: &'a str,
        permalink: String,
        exact: bool,
    }
    let entries: Vec<Switch<'_>> = site
        .config
        .languages
        .iter()
        .filter(|l| l.code != lang)
        .map(|l| {
            let (path, exact) = target(&l.code)
                .unwrap_or_else(|| (format!("{}/", site.config.lang_prefix(&l.code)), false));
            Switch {
                lang: &l.code,
                hreflang: &l.hreflang,
                permalink: site.config.permalink(&path),
                exact,
            }
        })
        .collect();
    Value::from_serializable(&entries)
}

/// The template a document is rendered with: its own `template:`, then (for a page)
/// its section's `page_template:`, the template of its kind if the theme has one, and
/// `page.html`; sections use `index.html` (the home) or `section.html`.
pub fn template_for(site: &Site, theme: &Theme, doc: &crate::model::Doc) -> String {
    if let Some(t) = &doc.template {
        return t.clone();
    }
    if doc.is_section {
        return if doc.canonical == "_index.md" {
            "index.html".into()
        } else {
            "section.html".into()
        };
    }
    let parent = doc.parent.map(|p| &site.docs[p]);
    // The page's own kind (read from the section that declares it, in the default
    // language too when a translation's section is missing).
    let kind_template = doc
        .data
        .decl
        .as_ref()
        .map(|k| format!("{}.html", k.name))
        .filter(|t| theme.templates.contains_key(t));
    parent
        .and_then(|p| p.section.page_template.clone())
        .or(kind_template)
        .unwrap_or_else(|| "page.html".into())
}

/// Makes the bytes of one output file; `None` when there is nothing to write.
pub fn render_one(
    job: &Job,
    shared: &Shared,
    tera: &Tera,
    theme: &Theme,
) -> Result<Option<Vec<u8>>, Box<Diagnostic>> {
    match &job.kind {
        JobKind::Static(crate::theme::FileSource::Embedded(bytes)) => Ok(Some(bytes.to_vec())),
        JobKind::Static(crate::theme::FileSource::Disk(p)) | JobKind::Asset(p) => {
            std::fs::read(p).map(Some).map_err(|e| {
                Box::new(
                    Diagnostic::error(codes::E0010, format!("cannot read `{}`: {e}", p.display()))
                        .note(format!("for {}", job.origin(&shared.site))),
                )
            })
        }
        _ => render_job(job, shared, tera, theme),
    }
}

/// What a job's bytes are: `None` when it writes nothing (an empty search part, no
/// calendar), or the diagnostic that stops it.
type JobOutput = Result<Option<Vec<u8>>, Box<Diagnostic>>;

/// What the jobs that render templates need.
struct JobCx<'a> {
    shared: &'a Shared,
    tera: &'a Tera,
    theme: &'a Theme,
}

impl JobCx<'_> {
    /// Renders `template`; an error names the template and `what` was being rendered.
    fn render(&self, template: &str, cx: &Context, what: &str) -> JobOutput {
        self.tera
            .render(template, cx)
            .map(|s| Some(s.into_bytes()))
            .map_err(|e| Box::new(template_error(&e, self.theme, Some(what))))
    }
}

/// Renders one job into bytes: one function per kind of job.
fn render_job(job: &Job, shared: &Shared, tera: &Tera, theme: &Theme) -> JobOutput {
    let j = JobCx { shared, tera, theme };
    let site = &shared.site;
    match &job.kind {
        JobKind::Doc(id) => doc_page(&j, *id, 1),
        JobKind::Pager(id, n) => doc_page(&j, *id, *n),
        JobKind::Taxonomy(ti) => taxonomy_page(&j, *ti),
        JobKind::Term(ti, i) => term_page(&j, *ti, *i),
        JobKind::NotFound(lang) => not_found_page(&j, lang),
        JobKind::Manifest(lang) => manifest(&j, lang),
        JobKind::SearchPage(lang) => search_page(&j, lang),
        JobKind::SearchFile(lang, part) => Ok(search_file(shared, lang, part)),
        JobKind::Alias(id, _) => {
            Ok(Some(output::alias_page(&site.permalink(&site.docs[*id])).into_bytes()))
        }
        JobKind::Feed(src) => {
            Ok(Some(output::feeds::atom(site, &|i| shared.html(i), src).into_bytes()))
        }
        JobKind::Sitemap => Ok(Some(output::sitemap::sitemap(site).into_bytes())),
        JobKind::FiguresCsv(lang) => Ok(figures_csv(shared, lang)),
        JobKind::FiguresForm(lang) => {
            crate::statistics::form::for_site(site, shared.statistics.as_ref(), &shared.i18n, lang)
        }
        JobKind::Calendar(lang) => {
            Ok(output::calendar::calendar(site, lang).map(String::into_bytes))
        }
        JobKind::Robots => Ok(Some(robots_txt(site))),
        JobKind::Static(_) | JobKind::Asset(_) => Ok(None),
    }
}

/// A page or a section, or page `n` of a section's list.
fn doc_page(j: &JobCx<'_>, id: DocId, n: usize) -> JobOutput {
    let (shared, site) = (j.shared, &j.shared.site);
    let doc = &site.docs[id];
    let current = pager_path(&doc.path, n);
    let mut cx = base_context(shared, &doc.lang, &current, &doc_alternates(site, id, n));
    if doc.fallback {
        let orig = site.get(&doc.canonical, &site.config.default_language).unwrap_or(doc);
        cx.insert("canonical", &site.permalink(orig));
    }
    let content_lang = if doc.fallback { &site.config.default_language } else { &doc.lang };
    cx.insert(
        "content_lang",
        &site.config.language(content_lang).map(|l| l.hreflang.clone()).unwrap_or_default(),
    );
    cx.insert("fallback", &doc.fallback);
    cx.insert_value(
        "lang_switch",
        lang_switch(site, &doc.lang, &|l| {
            site.switch_target(doc, l)
                .map(|t| (t.path.clone(), t.canonical == doc.canonical && !t.fallback))
        }),
    );
    cx.insert_value(
        "translations",
        shared.value(id).get_from_path("translations").cloned().unwrap_or_else(Value::none),
    );
    let what = format!("{} ({})", site.file_of(doc).display(), doc.lang);
    if doc.is_section {
        let value = shared.section_value(id).clone();
        cx.insert_value("section", value.clone());
        cx.insert("feed_url", &site.config.permalink(&format!("{}atom.xml", doc.path)));
        cx.insert_value("paginator", paginator(site, id, n, &value));
        let template = template_for(site, j.theme, doc);
        j.render(&template, &cx, &what)
    } else {
        cx.insert_value("page", shared.value(id).clone());
        cx.insert(
            "feed_url",
            &site.config.permalink(&format!("{}/atom.xml", site.config.lang_prefix(&doc.lang))),
        );
        let template = template_for(site, j.theme, doc);
        j.render(&template, &cx, &what)
    }
}

/// A taxonomy's list of terms.
fn taxonomy_page(j: &JobCx<'_>, ti: usize) -> JobOutput {
    let (shared, site) = (j.shared, &j.shared.site);
    let t = &site.taxonomies[ti];
    let alts = taxonomy_alternates(site, &t.name, None);
    let mut cx = base_context(shared, &t.lang, &t.path, &alts);
    let name = t.name.clone();
    cx.insert_value(
        "lang_switch",
        lang_switch(site, &t.lang, &|l| {
            Some((format!("{}/{}/", site.config.lang_prefix(l), name), true))
        }),
    );
    cx.insert(
        "taxonomy",
        &TaxonomyValue { name: &t.name, permalink: site.config.permalink(&t.path) },
    );
    let terms: Vec<TermValue<'_>> = t.terms.iter().map(|term| TermValue::of(site, term)).collect();
    cx.insert("terms", &terms);
    j.render("taxonomy.html", &cx, &format!("the taxonomy `{}` ({})", t.name, t.lang))
}

/// One term of a taxonomy with its pages.
fn term_page(j: &JobCx<'_>, ti: usize, i: usize) -> JobOutput {
    let (shared, site) = (j.shared, &j.shared.site);
    let t = &site.taxonomies[ti];
    let term = &t.terms[i];
    let alts = taxonomy_alternates(site, &t.name, Some(&term.slug));
    let mut cx = base_context(shared, &t.lang, &term.path, &alts);
    let (name, slug) = (t.name.clone(), term.slug.clone());
    cx.insert_value(
        "lang_switch",
        lang_switch(site, &t.lang, &|l| {
            // The same term in that language, else its list of terms.
            let term = site
                .taxonomies
                .iter()
                .find(|x| x.name == name && x.lang == l)
                .and_then(|x| x.terms.iter().find(|y| y.slug == slug));
            Some(match term {
                Some(y) => (y.path.clone(), true),
                None => (format!("{}/{}/", site.config.lang_prefix(l), name), false),
            })
        }),
    );
    cx.insert(
        "taxonomy",
        &TaxonomyValue { name: &t.name, permalink: site.config.permalink(&t.path) },
    );
    cx.insert("feed_url", &site.config.permalink(&format!("{}atom.xml", term.path)));
    let mut m = Value::from_serializable(&TermValue::of(site, term)).into_map().unwrap_or_default();
    m.insert(
        "pages".into(),
        Value::from(term.pages.iter().map(|&p| shared.value(p).clone()).collect::<Vec<_>>()),
    );
    cx.insert_value("term", Value::from(m));
    j.render("term.html", &cx, &format!("the term `{}` of `{}` ({})", term.name, t.name, t.lang))
}

/// The 404 page of a language.
fn not_found_page(j: &JobCx<'_>, lang: &str) -> JobOutput {
    let (shared, site) = (j.shared, &j.shared.site);
    let path = format!("{}/404.html", site.config.lang_prefix(lang));
    let mut cx = base_context(shared, lang, &path, &[]);
    cx.insert_value(
        "lang_switch",
        lang_switch(site, lang, &|l| Some((format!("{}/", site.config.lang_prefix(l)), true))),
    );
    j.render("404.html", &cx, &format!("the 404 page ({lang})"))
}

/// The web app manifest of a language.
fn manifest(j: &JobCx<'_>, lang: &str) -> JobOutput {
    let (shared, site) = (j.shared, &j.shared.site);
    let path = format!("{}/{MANIFEST}", site.config.lang_prefix(lang));
    let cx = base_context(shared, lang, &path, &[]);
    j.render(MANIFEST, &cx, &format!("the web app manifest ({lang})"))
}

/// The search page of a language.
fn search_page(j: &JobCx<'_>, lang: &str) -> JobOutput {
    let (shared, site) = (j.shared, &j.shared.site);
    let path = format!("{}/search/", site.config.lang_prefix(lang));
    let alts: Vec<(String, String)> = site
        .config
        .languages
        .iter()
        .map(|l| {
            (
                l.hreflang.clone(),
                site.config.permalink(&format!("{}/search/", site.config.lang_prefix(&l.code))),
            )
        })
        .collect();
    let mut cx = base_context(shared, lang, &path, &alts);
    cx.insert_value(
        "lang_switch",
        lang_switch(site, lang, &|l| {
            Some((format!("{}/search/", site.config.lang_prefix(l)), true))
        }),
    );
    cx.insert("search_index", &site.config.permalink(&format!("/_search/{lang}/")));
    j.render("search.html", &cx, &format!("the search page ({lang})"))
}

/// One part of a language's search index.
fn search_file(shared: &Shared, lang: &str, part: &SearchPart) -> Option<Vec<u8>> {
    let index = shared.search_index(lang);
    index.and_then(|i| match part {
        SearchPart::Meta => Some(i.meta.clone()),
        SearchPart::Shard(n) => i.shards.get(*n).cloned(),
        SearchPart::Chunk(n) => i.chunks.get(*n).cloned(),
    })
}

/// The figures as CSV, with the headers in the language.
fn figures_csv(shared: &Shared, lang: &str) -> Option<Vec<u8>> {
    shared.figures.get(lang).map(|f| {
        let h = |key: &str, en: &str| shared.i18n.get(key, lang).unwrap_or(en).to_owned();
        let headers = [
            h("csv_unit", "Unit"),
            h("csv_unit_type", "Type"),
            h("csv_events", "Events"),
            h("csv_person_times", "Participant-times"),
            h("csv_online_views", "Online views"),
            h("csv_total", "Total"),
        ];
        crate::figures::csv(
            f,
            [&headers[0], &headers[1], &headers[2], &headers[3], &headers[4], &headers[5]],
        )
        .into_bytes()
    })
}

/// robots.txt: everything allowed, and where the sitemap is.
fn robots_txt(site: &Site) -> Vec<u8> {
    format!("User-agent: *\nAllow: /\n\nSitemap: {}\n", site.config.permalink("/sitemap.xml"))
        .into_bytes()
}

#[derive(serde::Serialize)]
struct TaxonomyValue<'a> {
    name: &'a str,
    permalink: String,
}

#[derive(serde::Serialize)]
struct TermValue<'a> {
    name: &'a str,
    slug: &'a str,
    permalink: String,
    page_count: usize,
}

impl<'a> TermValue<'a> {
    fn of(site: &Site, term: &'a crate::model::Term) -> Self {
        TermValue {
            name: &term.name,
            slug: &term.slug,
            permalink: site.config.permalink(&term.path),
            page_count: term.pages.len(),
        }
    }
}

fn taxonomy_alternates(site: &Site, name: &str, slug: Option<&str>) -> Vec<(String, String)> {
    site.config
        .languages
        .iter()
        .filter_map(|l| {
            let t = site.taxonomies.iter().find(|t| t.name == name && t.lang == l.code)?;
            let path = match slug {
                Some(s) => t.terms.iter().find(|x| x.slug == s)?.path.clone(),
                None => t.path.clone(),
            };
            Some((l.hreflang.clone(), site.config.permalink(&path)))
        })
        .collect()
}

fn paginator(site: &Site, id: DocId, n: usize, section: &Value) -> Value {
    let doc = &site.docs[id];
    let total = pager_count(site, id);
    let per = doc.section.paginate_by;
    let all =
        section.get_from_path("pages").cloned().unwrap_or_else(|| Value::from(Vec::<Value>::new()));
    let pages: Vec<Value> = match all.as_array() {
        Some(list) if per > 0 => list.iter().skip((n - 1) * per).take(per).cloned().collect(),
        Some(list) => list.to_vec(),
        None => Vec::new(),
    };
    let link = |k: usize| site.config.permalink(&pager_path(&doc.path, k));
    let mut m = tera::Map::new();
    m.insert("pages".into(), Value::from(pages));
    m.insert("current_index".into(), Value::from(n));
    m.insert("number_pagers".into(), Value::from(total));
    m.insert("paginate_by".into(), Value::from(per));
    m.insert("total_pages".into(), Value::from(doc.section.pages.len()));
    m.insert("first".into(), Value::from(link(1)));
    m.insert("last".into(), Value::from(link(total)));
    m.insert("previous".into(), if n > 1 { Value::from(link(n - 1)) } else { Value::none() });
    m.insert("next".into(), if n < total { Value::from(link(n + 1)) } else { Value::none() });
    Value::from(m)
}

/// Renders every job in parallel into the sink; results are independent of thread
/// scheduling because each job writes only its own path.
///
/// With search files among the jobs, the search index is made while the other jobs
/// render (it has parts that run on one core), its files are written as soon as it is
/// made, and it is not kept.
pub fn run(
    jobs: &[Job],
    shared: &Shared,
    tera: &Tera,
    theme: &Theme,
    sink: &dyn Sink,
) -> Diagnostics {
    let is_search = |job: &Job| matches!(job.kind, JobKind::SearchFile(..));
    let one = |job: &Job| run_one(job, shared, tera, theme, sink);
    if !jobs.iter().any(is_search) {
        let results: Vec<Option<Diagnostic>> = jobs.par_iter().map(one).collect();
        return ds_once(results.into_iter().flatten());
    }
    // No job but the search files reads the index, and those are written by
    // `write_search` itself: no job waits on the index, so its own parallel work may
    // interleave with the other jobs without a worker blocking on work that it would
    // itself have to run.
    let (search, mut results) = rayon::join(
        || write_search(jobs, shared, sink),
        || {
            jobs.par_iter()
                .map(|j| if is_search(j) { None } else { one(j) })
                .collect::<Vec<Option<Diagnostic>>>()
        },
    );
    // In job order, as without search.
    for (i, d) in search {
        results[i] = d;
    }
    ds_once(results.into_iter().flatten())
}

/// Makes the search indexes and writes the search files among `jobs`, each file's
/// bytes freed once written; returns each search job's position and its write error.
fn write_search(
    jobs: &[Job],
    shared: &Shared,
    sink: &dyn Sink,
) -> Vec<(usize, Option<Diagnostic>)> {
    let mut indexes = shared.search_indexes();
    let files: Vec<(usize, &Job, Option<Vec<u8>>)> = jobs
        .iter()
        .enumerate()
        .filter_map(|(i, job)| match &job.kind {
            JobKind::SearchFile(lang, part) => {
                let index = indexes.get_mut(lang);
                let bytes = index.and_then(|x| match part {
                    SearchPart::Meta => Some(std::mem::take(&mut x.meta)),
                    SearchPart::Shard(n) => x.shards.get_mut(*n).map(std::mem::take),
                    SearchPart::Chunk(n) => x.chunks.get_mut(*n).map(std::mem::take),
                });
                Some((i, job, bytes))
            }
            _ => None,
        })
        .collect();
    drop(indexes);
    files
        .into_par_iter()
        .map(|(i, job, bytes)| {
            let written = bytes.map_or(Ok(()), |b| sink.write(&job.out, &b));
            (i, written.err().map(|e| write_error(&shared.site, job, e)))
        })
        .collect()
}

/// Renders one job into the sink: the diagnostic that stopped it, if any.
fn run_one(
    job: &Job,
    shared: &Shared,
    tera: &Tera,
    theme: &Theme,
    sink: &dyn Sink,
) -> Option<Diagnostic> {
    let result = match &job.kind {
        // Copied by the sink (a hard link or a plain copy), not read into memory.
        JobKind::Static(crate::theme::FileSource::Disk(p)) | JobKind::Asset(p) => {
            sink.copy(&job.out, p)
        }
        _ => match render_one(job, shared, tera, theme) {
            Ok(Some(bytes)) => sink.write(&job.out, &bytes),
            Ok(None) => Ok(()),
            Err(d) => return Some(*d),
        },
    };
    result.err().map(|e| write_error(&shared.site, job, e))
}

/// A job's output could not be written.
fn write_error(site: &Site, job: &Job, e: std::io::Error) -> Diagnostic {
    Diagnostic::error(codes::E0010, format!("cannot write `{}`: {e}", job.out))
        .note(format!("from {}", job.origin(site)))
}

/// The same error met by many pages (a template's own mistake, such as a macro that
/// calls itself forever) is reported once, with the first page and how many others.
fn ds_once(all: impl Iterator<Item = Diagnostic>) -> Diagnostics {
    type Key = (&'static str, String, Option<PathBuf>, Option<usize>, Option<usize>);
    let mut seen: Vec<(Diagnostic, usize)> = Vec::new();
    let mut index: std::collections::HashMap<Key, usize> = std::collections::HashMap::new();
    for d in all {
        if d.file.is_none() {
            seen.push((d, 0));
            continue;
        }
        let key = (d.code, d.message.clone(), d.file.clone(), d.line, d.column);
        match index.get(&key) {
            Some(&i) => seen[i].1 += 1,
            None => {
                index.insert(key, seen.len());
                seen.push((d, 0));
            }
        }
    }
    let mut ds = Diagnostics::new();
    for (mut d, others) in seen {
        if others > 0 {
            d = d.note(format!(
                "and while rendering {others} other page{}",
                if others == 1 { "" } else { "s" }
            ));
        }
        ds.push(d);
    }
    ds
}
