//! The campaign's statistics table (附件 2, 《系列活动开展情况统计表》): the reports the
//! reporting units send — the pages of the kinds that `campaign.units` names in
//! site.yaml, for the portal the cities and the industry unions — one row per unit and
//! month, read from `data/statistics.csv` and from an Excel workbook saved beside it
//! (`statistics.xlsx`), every cell checked and every problem reported
//! with its file, row and cell. [`crate::figures`] sums the table; [`form`] writes the
//! blank form that units fill in.

pub mod form;
mod read;

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use jiff::civil::Date;

use crate::diagnostics::{Diagnostic, Diagnostics, closest, codes};
use crate::model::Site;
use read::{Cell, Grid, Row, cell_name};

/// The statistics files a site may have, in the order they are read.
pub const FILES: [&str; 2] = ["data/statistics.csv", "data/statistics.xlsx"];

/// Spreadsheet files fenjin does not read, and what to do instead.
const OTHER_FORMATS: [&str; 3] =
    ["data/statistics.xls", "data/statistics.et", "data/statistics.ods"];

/// The largest count a cell may hold: a trillion participant-times is far beyond any
/// campaign, and keeps every sum of the table far from overflowing.
const MAX_COUNT: u64 = 1_000_000_000_000;

fn too_large() -> String {
    format!("a count is at most {MAX_COUNT}: check the cell for a typing slip")
}

/// Checking a file stops after this many problems.
const MAX_SHOWN: usize = 200;

/// Files larger than this are refused before they are parsed (a report of a few dozen
/// units over a few months is a few kilobytes).
const MAX_BYTES: u64 = 16 * 1024 * 1024;

/// A month of the campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    /// The year.
    pub year: i16,
    /// The month, 1–12.
    pub month: i8,
}

impl YearMonth {
    fn of(d: Date) -> YearMonth {
        YearMonth { year: d.year(), month: d.month() }
    }

    pub(crate) fn next(self) -> YearMonth {
        if self.month == 12 {
            YearMonth { year: self.year + 1, month: 1 }
        } else {
            YearMonth { year: self.year, month: self.month + 1 }
        }
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// A reporting unit: a page of one of the kinds `campaign.units` names.
#[derive(Debug, Clone)]
pub struct Unit {
    /// Its page's canonical path (`cities/harbin.md`).
    pub canonical: String,
    /// Its kind (`city`, `union`).
    pub kind: String,
    /// Its file name, as a `ref` names it (`harbin`).
    pub slug: String,
    /// Its name in the default language (`哈尔滨市`).
    pub name: String,
    /// Every name and title it has in any language, for reading the table.
    names: Vec<String>,
}

/// One unit's report for one month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Index into [`Table::units`].
    pub unit: usize,
    /// The month reported.
    pub month: YearMonth,
    /// Events held (活动场次).
    pub events: u64,
    /// Participant-times (参与人次).
    pub person_times: u64,
    /// Online views (线上浏览量).
    pub online_views: u64,
    /// Media reports (媒体报道), when the unit gave them.
    pub media_reports: Option<u64>,
    /// A placeholder row (`示例`/`sample` column).
    pub sample: bool,
}

/// The statistics table, read and checked.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// Every reporting unit, in kind order (`campaign.units`), then by weight and file.
    pub units: Vec<Unit>,
    /// The campaign's months, first to last.
    pub months: Vec<YearMonth>,
    /// The reports, in file and row order.
    pub reports: Vec<Report>,
}

/// The columns of the form. A file names them in Chinese or English, or by key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    /// 单位.
    Unit,
    /// 月份.
    Month,
    /// 活动场次.
    Events,
    /// 参与人次.
    PersonTimes,
    /// 线上浏览量.
    OnlineViews,
    /// 媒体报道.
    MediaReports,
    /// 备注.
    Notes,
    /// 示例: a placeholder row.
    Sample,
}

impl Column {
    /// Every column, in the form's order; [`Column::Sample`] is not on the form.
    pub const ALL: [Column; 8] = [
        Column::Unit,
        Column::Month,
        Column::Events,
        Column::PersonTimes,
        Column::OnlineViews,
        Column::MediaReports,
        Column::Notes,
        Column::Sample,
    ];

    /// The key a file may use as its header.
    pub fn key(self) -> &'static str {
        match self {
            Column::Unit => "unit",
            Column::Month => "month",
            Column::Events => "events",
            Column::PersonTimes => "person_times",
            Column::OnlineViews => "online_views",
            Column::MediaReports => "media_reports",
            Column::Notes => "notes",
            Column::Sample => "sample",
        }
    }

    /// The header in Chinese, as on the form.
    pub fn zh(self) -> &'static str {
        match self {
            Column::Unit => "单位",
            Column::Month => "月份",
            Column::Events => "活动场次",
            Column::PersonTimes => "参与人次",
            Column::OnlineViews => "线上浏览量",
            Column::MediaReports => "媒体报道",
            Column::Notes => "备注",
            Column::Sample => "示例",
        }
    }

    /// The header in English, as on the English form.
    pub fn en(self) -> &'static str {
        match self {
            Column::Unit => "Unit",
            Column::Month => "Month",
            Column::Events => "Events",
            Column::PersonTimes => "Participant-times",
            Column::OnlineViews => "Online views",
            Column::MediaReports => "Media reports",
            Column::Notes => "Notes",
            Column::Sample => "Sample",
        }
    }

    /// Every row must fill it.
    pub fn required(self) -> bool {
        matches!(
            self,
            Column::Unit
                | Column::Month
                | Column::Events
                | Column::PersonTimes
                | Column::OnlineViews
        )
    }

    /// Other headers units write for it.
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Column::Unit => &["填报单位", "单位名称", "reporting unit"],
            Column::Month => &["月", "时间", "month of report"],
            Column::Events => &["场次", "活动次数", "number of events"],
            Column::PersonTimes => &["人次", "参与职工人次", "职工参与人次", "participants"],
            Column::OnlineViews => &["网上浏览量", "浏览量", "线上参与人次", "views"],
            Column::MediaReports => &["媒体报道数", "宣传报道", "media"],
            Column::Notes => &["说明", "note", "remarks"],
            Column::Sample => &["样例"],
        }
    }

    fn is_count(self) -> bool {
        matches!(
            self,
            Column::Events | Column::PersonTimes | Column::OnlineViews | Column::MediaReports
        )
    }

    /// The header a header cell names, after folding case, spaces, `_`/`-` and a unit in
    /// brackets (`参与人次（人次）`).
    fn from_header(text: &str) -> Option<Column> {
        let h = fold_header(text);
        Column::ALL.into_iter().find(|c| {
            [c.key(), c.zh(), c.en()].iter().chain(c.aliases()).any(|n| fold_header(n) == h)
        })
    }
}

fn fold_header(text: &str) -> String {
    let text = text.trim();
    // Drop a trailing unit in brackets: 活动场次（场）, Events (number).
    let text = match text.find(['（', '(']) {
        Some(i) if i > 0 && text.ends_with([')', '）']) => &text[..i],
        _ => text,
    };
    text.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '_' | '-' | '*'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// What the unit column says in a row that only adds the others up.
const TOTAL_ROWS: [&str; 6] = ["合计", "总计", "小计", "total", "totals", "sum"];

/// Reads and checks the site's statistics files. When `campaign.units` names the
/// reporting kinds there is a table, with no reports until a file brings some (the
/// form is written either way); `None` when there is no campaign or no units.
pub fn load(root: &Path, site: &Site) -> (Option<Table>, Diagnostics) {
    let mut ds = Diagnostics::new();
    for f in OTHER_FORMATS.iter().filter(|f| root.join(f).is_file()) {
        ds.push(
            Diagnostic::error(
                codes::E0801,
                format!("{f} is not read: fenjin reads the statistics table from .csv or .xlsx"),
            )
            .file(*f)
            .hint(
                "open it in Excel or WPS and save it as an Excel workbook (data/statistics.xlsx)",
            ),
        );
    }
    let present: Vec<&str> = FILES.iter().copied().filter(|f| root.join(f).is_file()).collect();
    let Some(campaign) = site.config.campaign.as_ref() else {
        if let Some(f) = present.first() {
            ds.push(
                Diagnostic::error(codes::E0801, format!("{f} is here but site.yaml has no `campaign:`"))
                    .file(*f)
                    .hint("add `campaign:` with `target_person_times:` and `units:` to site.yaml, or remove the file"),
            );
        }
        return (None, ds);
    };
    if campaign.units.is_empty() {
        if let Some(f) = present.first() {
            ds.push(
                Diagnostic::error(codes::E0801, format!("{f} is here but `campaign.units` names no kind of page that reports"))
                    .file("site.yaml")
                    .hint("name the kinds whose pages are the reporting units: `units: [city, union]` under `campaign:`"),
            );
        }
        return (None, ds);
    }
    let units = reporting_units(site, campaign, &mut ds);
    let months = campaign_months(site);
    if months.is_empty() {
        ds.push(
            Diagnostic::error(codes::E0801, "the campaign has no months: its phases have no dates")
                .file("site.yaml")
                .hint("give the first phase a `starts:` date: the campaign's months run from it to `report_deadline:` (or the last phase's `ends:`)"),
        );
    }
    if ds.has_errors() {
        return (None, ds);
    }
    let mut table = Table { units, months, reports: Vec::new() };
    let mut seen: HashMap<(usize, YearMonth), String> = HashMap::new();
    let site_real = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    for rel in present {
        let Some(grid) = read_file(root, &site_real, rel, &mut ds) else { continue };
        let mut found = Diagnostics::new();
        let stopped = check(&mut table, rel, &grid, &mut seen, &mut found);
        // A file of garbage would otherwise print a screen per row (and take as long):
        // checking stops after the first MAX_SHOWN problems, as a compiler's error limit.
        let mut found = found.sorted();
        if let (Some(row), Some(last)) = (stopped, found.last_mut()) {
            last.notes.push(format!(
                "fenjin stopped checking {rel} at row {row} after {MAX_SHOWN} problems: fix these and build again"
            ));
        }
        ds.extend(found);
    }
    if ds.has_errors() { (None, ds) } else { (Some(table), ds) }
}

/// The pages that report: those of the kinds `campaign.units` names (a kind the site
/// does not declare is an error).
fn reporting_units(
    site: &Site,
    campaign: &crate::config::Campaign,
    ds: &mut Diagnostics,
) -> Vec<Unit> {
    let mut units = Vec::new();
    for kind in &campaign.units {
        if site.kinds.get(kind).is_none() {
            let known: Vec<&str> = site.kinds.iter().map(|k| k.name.as_str()).collect();
            let hint = match closest(kind, known.iter().copied()) {
                Some(k) => format!("did you mean `{k}`?"),
                None => format!("the site's kinds are: {}", known.join(", ")),
            };
            ds.push(
                Diagnostic::error(
                    codes::E0801,
                    format!(
                        "`campaign.units` names the kind `{kind}`, which the site does not declare"
                    ),
                )
                .file("site.yaml")
                .hint(hint),
            );
            continue;
        }
        units.extend(units_of(site, kind));
    }
    units
}

/// The rows and cells of the statistics file `rel`, which must be inside the site, not
/// too large, and a CSV or a workbook that can be read.
fn read_file(root: &Path, site_real: &Path, rel: &str, ds: &mut Diagnostics) -> Option<Grid> {
    let path = root.join(rel);
    match std::fs::canonicalize(&path) {
        Ok(real) if real.starts_with(site_real) => {}
        Ok(real) => {
            ds.push(
                Diagnostic::error(codes::E0113, format!("`{rel}` is a symbolic link to `{}`, outside the site", real.display()))
                    .file(rel)
                    .hint("copy the file into the site instead of linking to it: fenjin reads nothing outside the site's folder"),
            );
            return None;
        }
        Err(e) => {
            ds.push(
                Diagnostic::error(codes::E0801, format!("{rel} cannot be read: {e}")).file(rel),
            );
            return None;
        }
    }
    let bytes = match std::fs::metadata(&path) {
        Ok(m) if m.len() > MAX_BYTES => Err(format!(
            "the file is {} MB; a statistics table is at most {} MB",
            m.len() / 1_000_000,
            MAX_BYTES / 1_000_000
        )),
        _ => std::fs::read(&path).map_err(|e| e.to_string()),
    };
    let grid =
        bytes.and_then(|b| if rel.ends_with(".csv") { read::csv(&b) } else { read::xlsx(b) });
    match grid {
        Ok(g) => Some(g),
        Err(e) => {
            let hint = if rel.ends_with(".csv") {
                "save the table again as CSV (UTF-8) or as an Excel workbook (.xlsx)"
            } else {
                "open the file in Excel or WPS and save it again as an Excel workbook (.xlsx)"
            };
            ds.push(
                Diagnostic::error(codes::E0801, format!("{rel} cannot be read: {e}"))
                    .file(rel)
                    .hint(hint),
            );
            None
        }
    }
}

/// The reporting units of one kind: its pages in the default language, by weight and
/// then by file.
fn units_of(site: &Site, kind: &str) -> Vec<Unit> {
    let mut out: Vec<Unit> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    let is_unit = |d: &&crate::model::Doc| {
        !d.is_section && d.data.decl.as_ref().is_some_and(|k| k.name == kind)
    };
    let mut pages: Vec<&crate::model::Doc> = site
        .docs
        .iter()
        .filter(is_unit)
        .filter(|d| d.lang == site.config.default_language)
        .collect();
    // As their section lists them: by weight, then by file.
    pages.sort_by(|a, b| {
        (a.weight.is_none(), a.weight, &a.canonical).cmp(&(
            b.weight.is_none(),
            b.weight,
            &b.canonical,
        ))
    });
    for d in pages {
        index.insert(d.canonical.as_str(), out.len());
        let slug = crate::model::refs::ref_slug(&d.canonical).to_owned();
        out.push(Unit {
            canonical: d.canonical.clone(),
            kind: kind.to_owned(),
            name: d.data.display_name().unwrap_or(&d.title).to_owned(),
            names: vec![slug.clone()],
            slug,
        });
    }
    for d in site.docs.iter().filter(is_unit) {
        if let Some(&i) = index.get(d.canonical.as_str()) {
            out[i].names.extend(d.data.display_name().map(str::to_owned));
            out[i].names.push(d.title.clone());
        }
    }
    out
}

/// The campaign's months: from the month of the first phase's start to the month of
/// the reporting deadline (or of the last phase's end).
pub fn campaign_months(site: &Site) -> Vec<YearMonth> {
    let Some(c) = site.config.campaign.as_ref() else { return Vec::new() };
    let date = |s: &Option<String>| s.as_deref().and_then(|s| s.get(..10)?.parse::<Date>().ok());
    let first = c.phases.iter().filter_map(|p| date(&p.starts)).min();
    let last = c.phases.iter().filter_map(|p| date(&p.ends)).chain(date(&c.report_deadline)).max();
    let (Some(first), Some(last)) = (first, last) else { return Vec::new() };
    let (mut m, last) = (YearMonth::of(first), YearMonth::of(last));
    let mut out = Vec::new();
    while m <= last && out.len() < 120 {
        out.push(m);
        m = m.next();
    }
    out
}

/// Where a cell is, for a message: the file, the row's line (CSV) or row (spreadsheet),
/// and for CSV the caret under the cell.
fn at(d: Diagnostic, rel: &str, grid: &Grid, row: &Row, column: usize) -> Diagnostic {
    let mut d = d.file(rel);
    match (grid.text.is_some(), row.line, row.columns.get(column)) {
        (true, Some(line), Some(&col)) => {
            d.line = Some(line);
            d.column = Some(col.max(1));
            d.source_line = grid.line(line).map(str::to_owned);
            d
        }
        (_, Some(line), _) => d.line(line),
        _ => d.line(row.number),
    }
}

/// Checks one file's rows and adds its reports to the table. Returns the row at which
/// it stopped, after [`MAX_SHOWN`] problems.
fn check(
    table: &mut Table,
    rel: &str,
    grid: &Grid,
    seen: &mut HashMap<(usize, YearMonth), String>,
    ds: &mut Diagnostics,
) -> Option<usize> {
    let header = find_header(rel, grid, ds)?;
    let columns = header_columns(rel, grid, &grid.rows[header], ds)?;
    for row in &grid.rows[header + 1..] {
        if row.cells.iter().all(Cell::is_empty) {
            continue;
        }
        if ds.error_count() >= MAX_SHOWN {
            return Some(row.number);
        }
        let sheet = Sheet { rel, grid, columns: &columns };
        if let Some(report) = sheet.row(table, row, seen, ds) {
            table.reports.push(report);
        }
    }
    None
}

/// The form's columns in Chinese, for hints.
fn every_column() -> String {
    Column::ALL
        .iter()
        .filter(|c| **c != Column::Sample)
        .map(|c| c.zh())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The header: the first row (of the first ten) that names the unit and the month; a
/// title row above it (as on the form) is skipped. None (with the error) when no row does.
fn find_header(rel: &str, grid: &Grid, ds: &mut Diagnostics) -> Option<usize> {
    let header = grid.rows.iter().take(10).position(|r| {
        let cols: Vec<Column> =
            r.cells.iter().filter_map(|c| Column::from_header(&c.shown())).collect();
        cols.contains(&Column::Unit) && cols.contains(&Column::Month)
    });
    if header.is_none() {
        let first = grid.rows.first();
        let mut d = Diagnostic::error(codes::E0801, format!("{rel} has no header row naming the columns"))
            .hint(format!("the first row names the columns: {} (or unit, month, events, person_times, online_views)", every_column()));
        if let Some(enc) = grid.encoding {
            d = d.note(format!("the file was read as {enc} text"));
        }
        ds.push(match first {
            Some(r) => at(d, rel, grid, r, 0),
            None => d.file(rel),
        });
    }
    header
}

/// The column of each header cell (None for an empty cell). None (with the errors) when
/// a column is unknown, twice or missing.
fn header_columns(
    rel: &str,
    grid: &Grid,
    head: &Row,
    ds: &mut Diagnostics,
) -> Option<Vec<Option<Column>>> {
    let mut columns: Vec<Option<Column>> = Vec::new();
    let mut bad_header = false;
    for (i, c) in head.cells.iter().enumerate() {
        if c.is_empty() {
            columns.push(None);
            continue;
        }
        let text = c.shown();
        match Column::from_header(&text) {
            Some(col) if columns.contains(&Some(col)) => {
                ds.push(at(
                    Diagnostic::error(
                        codes::E0801,
                        format!("{}: the column `{text}` appears twice", cell_name(i, head.number)),
                    )
                    .hint("keep one column of each; fenjin would not know which to add up"),
                    rel,
                    grid,
                    head,
                    i,
                ));
                bad_header = true;
                columns.push(None);
            }
            Some(col) => columns.push(Some(col)),
            None => {
                let names: Vec<&str> = Column::ALL.iter().flat_map(|c| [c.zh(), c.en()]).collect();
                let hint = match closest(&text, names.iter().copied()) {
                    Some(n) => format!("did you mean `{n}`? The columns are: {}", every_column()),
                    None => format!("the columns are: {}", every_column()),
                };
                ds.push(at(
                    Diagnostic::error(
                        codes::E0801,
                        format!("{}: unknown column `{text}`", cell_name(i, head.number)),
                    )
                    .hint(hint),
                    rel,
                    grid,
                    head,
                    i,
                ));
                bad_header = true;
                columns.push(None);
            }
        }
    }
    let missing: Vec<&str> = Column::ALL
        .iter()
        .filter(|c| c.required() && !columns.contains(&Some(**c)))
        .map(|c| c.zh())
        .collect();
    if !missing.is_empty() {
        ds.push(at(
            Diagnostic::error(codes::E0801, format!("{rel} has no column {}", missing.join(", ")))
                .hint(format!("the form's columns are: {}", every_column())),
            rel,
            grid,
            head,
            0,
        ));
        return None;
    }
    (!bad_header).then_some(columns)
}

/// One file below its header: where its messages point and what each column holds.
struct Sheet<'a> {
    rel: &'a str,
    grid: &'a Grid,
    columns: &'a [Option<Column>],
}

impl Sheet<'_> {
    fn at(&self, d: Diagnostic, row: &Row, column: usize) -> Diagnostic {
        at(d, self.rel, self.grid, row, column)
    }

    fn col_of(&self, c: Column) -> Option<usize> {
        self.columns.iter().position(|x| *x == Some(c))
    }

    /// The cell of column `c` in `row`, with its index.
    fn get<'r>(&self, row: &'r Row, c: Column) -> Option<(usize, &'r Cell)> {
        self.col_of(c).and_then(|i| row.cells.get(i).map(|cell| (i, cell)))
    }

    /// One row's report, or None with its errors (a duplicate of `seen` is one). Every
    /// problem of the row is reported, not only the first.
    fn row(
        &self,
        table: &Table,
        row: &Row,
        seen: &mut HashMap<(usize, YearMonth), String>,
        ds: &mut Diagnostics,
    ) -> Option<Report> {
        if self.extra_cell(row, ds) {
            return None;
        }
        let mut ok = self.required_cells(row, ds);
        let unit = self.unit(table, row, ds);
        let month = self.month(table, row, ds);
        let (counts, media) = self.counts(row, &mut ok, ds);
        let sample = self.get(row, Column::Sample).is_some_and(|(_, c)| {
            matches!(c, Cell::Bool(true) | Cell::Int(1))
                || matches!(
                    c.shown().to_lowercase().as_str(),
                    "是" | "示例" | "yes" | "true" | "y" | "1" | "sample"
                )
        });
        let (Some(unit), Some(month)) = (unit, month) else { return None };
        let here = match row.line {
            Some(l) if self.grid.text.is_some() => format!("{}:{l}", self.rel),
            _ => format!("{} row {}", self.rel, row.number),
        };
        if let Some(first) = seen.get(&(unit, month)) {
            let i = self.col_of(Column::Month).unwrap_or(0);
            ds.push(self.at(
                Diagnostic::error(
                    codes::E0805,
                    format!("{} reports {month} twice: here and at {first}", table.units[unit].name),
                )
                .hint("keep one row per unit and month: add the two rows' figures into one, or correct the month"),
                row, i,
            ));
            return None;
        }
        seen.insert((unit, month), here);
        ok.then_some(Report {
            unit,
            month,
            events: counts[0],
            person_times: counts[1],
            online_views: counts[2],
            media_reports: media,
            sample,
        })
    }

    /// Whether the row has a cell right of the last column (reported).
    fn extra_cell(&self, row: &Row, ds: &mut Diagnostics) -> bool {
        let columns = self.columns.len();
        let Some(extra) = row.cells.iter().enumerate().skip(columns).find(|(_, c)| !c.is_empty())
        else {
            return false;
        };
        let mut d = Diagnostic::error(
            codes::E0801,
            format!(
                "{}: row {} has {} cells but the header names {} columns",
                cell_name(extra.0, row.number),
                row.number,
                row.cells.len(),
                columns
            ),
        );
        d = if self.grid.text.is_some() {
            d.hint("a number with thousands separators must be quoted in a CSV (\"1,234\"), or written 1234; a text with a comma must be quoted too — saving from Excel or WPS does both")
        } else {
            d.hint("the cell is outside the table: move it into a column or delete it")
        };
        ds.push(self.at(d, row, extra.0));
        true
    }

    /// Whether every required cell is filled; each empty one is reported.
    fn required_cells(&self, row: &Row, ds: &mut Diagnostics) -> bool {
        let mut ok = true;
        for c in Column::ALL.iter().filter(|c| c.required()) {
            let Some(i) = self.col_of(*c) else { continue };
            if row.cells.get(i).is_none_or(Cell::is_empty) {
                ds.push(
                    self.at(
                        Diagnostic::error(
                            codes::E0806,
                            format!(
                                "{}: the {} ({}) is empty",
                                cell_name(i, row.number),
                                c.zh(),
                                c.en()
                            ),
                        )
                        .hint(if c.is_count() {
                            "write 0 if there was none"
                        } else {
                            "every row names its unit and month"
                        }),
                        row,
                        i,
                    ),
                );
                ok = false;
            }
        }
        ok
    }

    /// The unit the row names, or None (reported unless the cell is empty).
    fn unit(&self, table: &Table, row: &Row, ds: &mut Diagnostics) -> Option<usize> {
        let (i, cell) = self.get(row, Column::Unit).filter(|(_, c)| !c.is_empty())?;
        match find_unit(&table.units, &cell.shown()) {
            Ok(u) => Some(u),
            Err(hint) => {
                let text = cell.shown();
                let total = TOTAL_ROWS.contains(&text.to_lowercase().as_str());
                let msg = if total {
                    format!("{}: `{text}` is a total row, not a unit", cell_name(i, row.number))
                } else {
                    format!(
                        "{}: `{text}` is not a reporting unit of the site",
                        cell_name(i, row.number)
                    )
                };
                let hint = if total {
                    "delete the row: fenjin adds the units up itself".to_owned()
                } else {
                    hint
                };
                ds.push(self.at(Diagnostic::error(codes::E0802, msg).hint(hint), row, i));
                None
            }
        }
    }

    /// The month of the row, or None (reported unless the cell is empty).
    fn month(&self, table: &Table, row: &Row, ds: &mut Diagnostics) -> Option<YearMonth> {
        let (i, cell) = self.get(row, Column::Month).filter(|(_, c)| !c.is_empty())?;
        match parse_month(cell, &table.months) {
            Ok(m) => Some(m),
            Err(msg) => {
                let range = format!(
                    "the campaign's months are {} to {}",
                    table.months[0],
                    table.months[table.months.len() - 1]
                );
                ds.push(
                    self.at(
                        Diagnostic::error(
                            codes::E0803,
                            format!("{}: {msg}", cell_name(i, row.number)),
                        )
                        .hint(format!("write the month as 2022-08 or 2022年8月; {range}")),
                        row,
                        i,
                    ),
                );
                None
            }
        }
    }

    /// The four counts (events, person-times, online views, media reports; 0 when empty)
    /// and the media reports when given. A count that is not one is reported and clears `ok`.
    fn counts(&self, row: &Row, ok: &mut bool, ds: &mut Diagnostics) -> ([u64; 4], Option<u64>) {
        let mut counts = [0u64; 4];
        let mut media = None;
        for (n, c) in
            [Column::Events, Column::PersonTimes, Column::OnlineViews, Column::MediaReports]
                .into_iter()
                .enumerate()
        {
            let Some((i, cell)) = self.get(row, c) else { continue };
            if cell.is_empty() {
                continue;
            }
            match parse_count(cell) {
                Ok(v) => {
                    counts[n] = v;
                    if c == Column::MediaReports {
                        media = Some(v);
                    }
                }
                Err((msg, hint)) => {
                    ds.push(
                        self.at(
                            Diagnostic::error(
                                codes::E0804,
                                format!(
                                    "{}: the {} ({}) {msg}",
                                    cell_name(i, row.number),
                                    c.zh(),
                                    c.en()
                                ),
                            )
                            .hint(hint),
                            row,
                            i,
                        ),
                    );
                    *ok = false;
                }
            }
        }
        (counts, media)
    }
}

/// The unit a cell names: its slug, its name or title in any language, or (when only
/// one unit's starts so) the start of one (`哈尔滨` for 哈尔滨市, `哈尔滨市总工会…` for the
/// title). Otherwise the hint for the message.
fn find_unit(units: &[Unit], written: &str) -> Result<usize, String> {
    let fold = |s: &str| {
        s.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect::<String>()
    };
    let w = fold(written);
    if let Some(i) = units.iter().position(|u| u.names.iter().any(|n| fold(n) == w)) {
        return Ok(i);
    }
    // 哈尔滨 for 哈尔滨市; 哈尔滨市总工会 for 哈尔滨市.
    if w.chars().count() >= 2 {
        let hits: Vec<usize> = (0..units.len())
            .filter(|&i| {
                units[i].names.iter().map(|n| fold(n)).any(|n| {
                    n.chars().count() >= 2
                        && (n.starts_with(&w)
                            || w.starts_with(&n) && w[n.len()..].starts_with("总工会"))
                })
            })
            .collect();
        if let [one] = hits[..] {
            return Ok(one);
        }
    }
    let all: Vec<(&str, usize)> = units
        .iter()
        .enumerate()
        .flat_map(|(i, u)| u.names.iter().map(move |n| (n.as_str(), i)))
        .collect();
    match closest(written.trim(), all.iter().map(|(n, _)| *n)) {
        Some(best) => {
            let i = all.iter().find(|(n, _)| *n == best).map_or(0, |(_, i)| *i);
            let u = &units[i];
            Err(format!(
                "did you mean `{}` ({})? Use the unit's name as on its page, or its file name",
                u.name, u.slug
            ))
        }
        None => {
            let names: Vec<&str> = units.iter().map(|u| u.name.as_str()).collect();
            Err(format!("the units are: {}", names.join("、")))
        }
    }
}

/// A count: a whole number of at least 0, written plain (`1234`), with thousands
/// separators (`1,234`, `1，234`), in full-width digits, or a spreadsheet number.
fn parse_count(cell: &Cell) -> Result<u64, (String, String)> {
    let whole = "write a whole number of at least 0, such as 1234";
    match cell {
        Cell::Int(i) if *i < 0 => Err((format!("is negative: `{i}`"), whole.into())),
        Cell::Int(i) if *i as u64 > MAX_COUNT => Err((format!("is too large: `{i}`"), too_large())),
        Cell::Int(i) => Ok(*i as u64),
        Cell::Float(f) if *f < 0.0 => Err((format!("is negative: `{f}`"), whole.into())),
        Cell::Float(f) if *f > MAX_COUNT as f64 => {
            Err((format!("is too large: `{f}`"), too_large()))
        }
        Cell::Float(f) if f.fract() != 0.0 => {
            Err((format!("is not a whole number: `{f}`"), whole.into()))
        }
        Cell::Float(f) => Ok(*f as u64),
        Cell::Text(t) => {
            let t: String = t
                .trim()
                .chars()
                .map(|c| match c {
                    '０'..='９' => {
                        char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c)
                    }
                    '－' => '-',
                    '．' => '.',
                    c => c,
                })
                .collect();
            if let Some(rest) = t.strip_prefix('-')
                && !rest.is_empty()
                && rest.chars().all(|c| c.is_ascii_digit() || c == ',' || c == '.')
            {
                return Err((format!("is negative: `{t}`"), whole.into()));
            }
            let grouped = |sep: char| {
                let parts: Vec<&str> = t.split(sep).collect();
                parts.len() > 1
                    && (1..=3).contains(&parts[0].len())
                    && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit()))
                    && parts[1..].iter().all(|p| p.len() == 3)
            };
            let digits = if t.chars().all(|c| c.is_ascii_digit()) && !t.is_empty() {
                t.clone()
            } else if grouped(',') || grouped('，') {
                t.replace([',', '，'], "")
            } else if let Some((int, frac)) = t.split_once('.')
                && !int.is_empty()
                && int.chars().all(|c| c.is_ascii_digit())
                && frac.chars().all(|c| c == '0')
            {
                int.to_owned()
            } else if t.contains(',') || t.contains('，') {
                return Err((
                    format!("is not a number: `{t}`"),
                    "thousands separators go every three digits (1,234,567); or write the number without them".into(),
                ));
            } else if t.contains('.') {
                return Err((format!("is not a whole number: `{t}`"), whole.into()));
            } else {
                return Err((format!("is not a number: `{t}`"), whole.into()));
            };
            match digits.parse::<u64>() {
                Ok(n) if n <= MAX_COUNT => Ok(n),
                _ => Err((format!("is too large: `{t}`"), too_large())),
            }
        }
        Cell::Date(d) => {
            Err((format!("is a date: `{d}`"), format!("{whole}; format the cell as a number")))
        }
        Cell::Bool(_) | Cell::Error(_) | Cell::Empty => {
            Err((format!("is not a number: `{}`", cell.shown()), whole.into()))
        }
    }
}

/// A month: `2022-08`, `2022-8`, `2022/08`, `2022.8`, `2022年8月`, with or without a day
/// (`2022/8/1`: what Excel makes of `2022-08` in a Chinese locale), `Aug-22` or
/// `Aug 2022` (Excel in an English one), a spreadsheet date, or `8月` alone when the
/// campaign's months are all in one year. It must be one of `months`.
fn parse_month(cell: &Cell, months: &[YearMonth]) -> Result<YearMonth, String> {
    let m = match cell {
        Cell::Date(d) => Some(YearMonth::of(*d)),
        Cell::Text(t) => month_text(t.trim(), months),
        _ => None,
    };
    let Some(m) = m else {
        return Err(format!("`{}` is not a month", cell.shown()));
    };
    if months.contains(&m) { Ok(m) } else { Err(format!("{m} is not a month of the campaign")) }
}

fn month_text(t: &str, months: &[YearMonth]) -> Option<YearMonth> {
    let ym = |y: i64, m: i64| {
        ((1..=12).contains(&m) && (1900..=2200).contains(&y))
            .then_some(YearMonth { year: y as i16, month: m as i8 })
    };
    // 2022-08, 2022/8/1, 2022.08, 2022年8月(1日)
    let nums: Vec<&str> =
        t.split(['-', '/', '.', '年', '月', '日']).filter(|s| !s.is_empty()).collect();
    let all_digits = nums.iter().all(|n| n.chars().all(|c| c.is_ascii_digit()));
    if all_digits && (2..=3).contains(&nums.len()) && nums[0].len() == 4 {
        let y = nums[0].parse().ok()?;
        let m = nums[1].parse().ok()?;
        if let Some(d) = nums.get(2) {
            let d: i64 = d.parse().ok()?;
            jiff::civil::Date::new(y as i16, m as i8, d as i8).ok()?;
        }
        return ym(y, m);
    }
    // 8月: the campaign's year, when it has only one.
    if all_digits && nums.len() == 1 && t.ends_with('月') {
        let year = months.first()?.year;
        if months.iter().all(|m| m.year == year) {
            return ym(i64::from(year), nums[0].parse().ok()?);
        }
        return None;
    }
    // Aug-22, Aug 2022, August 2022
    const NAMES: [&str; 12] =
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    let (name, year) = t.split_once(['-', ' ', '/'])?;
    let name = name.to_lowercase();
    let m = NAMES.iter().position(|n| name.len() >= 3 && n.starts_with(&name[..3]))? as i64 + 1;
    let year: i64 = year.trim().parse().ok()?;
    let year = if year < 100 { 2000 + year } else { year };
    ym(year, m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn months() -> Vec<YearMonth> {
        (7..=12).map(|m| YearMonth { year: 2022, month: m }).collect()
    }

    fn text(s: &str) -> Cell {
        Cell::Text(s.into())
    }

    #[test]
    fn months_are_read_as_editors_and_spreadsheets_write_them() {
        let aug = YearMonth { year: 2022, month: 8 };
        for t in [
            "2022-08",
            "2022-8",
            "2022/08",
            "2022.8",
            "2022年8月",
            "2022/8/1",
            "2022-08-01",
            "2022年8月1日",
            "Aug-22",
            "Aug 2022",
            "August 2022",
            "8月",
        ] {
            assert_eq!(parse_month(&text(t), &months()), Ok(aug), "{t}");
        }
        assert_eq!(parse_month(&Cell::Date(jiff::civil::date(2022, 8, 15)), &months()), Ok(aug));
        assert_eq!(
            parse_month(&text("2023-01"), &months()),
            Err("2023-01 is not a month of the campaign".into())
        );
        assert_eq!(
            parse_month(&text("2022-13"), &months()),
            Err("`2022-13` is not a month".into())
        );
        assert_eq!(
            parse_month(&text("2022/2/30"), &months()),
            Err("`2022/2/30` is not a month".into())
        );
        assert_eq!(parse_month(&text("八月"), &months()), Err("`八月` is not a month".into()));
    }

    #[test]
    fn counts_accept_separators_and_refuse_what_would_be_mis_summed() {
        assert_eq!(parse_count(&text("1234")), Ok(1234));
        assert_eq!(parse_count(&text(" 1,234,567 ")), Ok(1_234_567));
        assert_eq!(parse_count(&text("1，234")), Ok(1234));
        assert_eq!(parse_count(&text("１２３４")), Ok(1234));
        assert_eq!(parse_count(&text("12.00")), Ok(12));
        assert_eq!(parse_count(&Cell::Float(300.0)), Ok(300));
        assert_eq!(parse_count(&Cell::Int(0)), Ok(0));
        for bad in ["1,23", "12,34,567", "12.5", "-5", "abc", "1.234.567", "五百"] {
            assert!(parse_count(&text(bad)).is_err(), "{bad}");
        }
        assert!(parse_count(&Cell::Float(-1.0)).is_err());
        assert!(parse_count(&Cell::Float(2.5)).is_err());
        assert!(parse_count(&Cell::Error("#DIV/0!".into())).is_err());
        assert!(parse_count(&text("99999999999999999999999")).is_err());
        // u64::MAX parses as a u64, but two of them would overflow a sum.
        assert!(parse_count(&text("18446744073709551615")).is_err());
        assert!(parse_count(&Cell::Int(i64::MAX)).is_err());
        assert!(parse_count(&Cell::Float(1e13)).is_err());
        assert_eq!(parse_count(&text("1,000,000,000,000")), Ok(1_000_000_000_000));
    }

    #[test]
    fn headers_are_known_in_both_languages_and_with_units() {
        assert_eq!(Column::from_header("参与人次（人次）"), Some(Column::PersonTimes));
        assert_eq!(Column::from_header(" Participant-times "), Some(Column::PersonTimes));
        assert_eq!(Column::from_header("person_times"), Some(Column::PersonTimes));
        assert_eq!(Column::from_header("活动场次(场)"), Some(Column::Events));
        assert_eq!(Column::from_header("网上浏览量"), Some(Column::OnlineViews));
        assert_eq!(Column::from_header("人数"), None);
    }

    #[test]
    fn units_are_found_by_name_slug_title_or_a_unique_start() {
        let unit = |slug: &str, names: &[&str]| Unit {
            canonical: format!("cities/{slug}.md"),
            kind: "city".into(),
            slug: slug.into(),
            name: names[0].into(),
            names: std::iter::once(slug).chain(names.iter().copied()).map(str::to_owned).collect(),
        };
        let units = vec![
            unit("harbin", &["哈尔滨市", "Harbin"]),
            unit("daqing", &["大庆市", "Daqing"]),
            unit("daxinganling", &["大兴安岭地区", "Da Hinggan Ling Prefecture"]),
        ];
        assert_eq!(find_unit(&units, "哈尔滨市"), Ok(0));
        assert_eq!(find_unit(&units, "harbin"), Ok(0));
        assert_eq!(find_unit(&units, " HARBIN "), Ok(0));
        assert_eq!(find_unit(&units, "哈尔滨"), Ok(0));
        assert_eq!(find_unit(&units, "哈尔滨市总工会"), Ok(0));
        assert_eq!(find_unit(&units, "大兴安岭"), Ok(2));
        // 大 starts two units' names: no guess.
        assert!(find_unit(&units, "大").is_err());
        let hint = find_unit(&units, "Harbim").unwrap_err();
        assert!(hint.starts_with("did you mean `哈尔滨市` (harbin)?"), "{hint}");
        let hint = find_unit(&units, "齐齐哈尔市").unwrap_err();
        assert!(hint.contains("哈尔滨市、大庆市、大兴安岭地区"), "{hint}");
    }
}
