//! The blank statistics form (附件 2) as an Excel workbook that a unit fills in and sends
//! back: the title, a note on how to fill it in, the header row frozen above the rows,
//! the units' names in a drop-down, the campaign's months in another (both lists on a
//! hidden sheet), whole-number
//! checks and thousands formats on the counts. [`super::load`] reads the returned file
//! as it is, so what the form asks for is what the build accepts.

use rust_xlsxwriter::{
    DataValidation, DataValidationRule, DocProperties, ExcelDateTime, Format, FormatBorder,
    Formula, Workbook, XlsxError,
};

use super::{Column, YearMonth};
use crate::diagnostics::{Diagnostic, codes};
use crate::i18n::I18n;
use crate::model::Site;

/// The form's file name, under `figures/` in each language.
pub const FILE: &str = "statistics-form.xlsx";

/// The form of `site`'s statistics table in `lang`: its units' names in that language,
/// its interface strings (`form_*` in the theme's i18n files). `None` when the site has
/// no statistics table.
pub fn for_site(
    site: &Site,
    table: Option<&super::Table>,
    i18n: &I18n,
    lang: &str,
) -> Result<Option<Vec<u8>>, Box<Diagnostic>> {
    let Some(table) = table else { return Ok(None) };
    let names: Vec<String> = table
        .units
        .iter()
        .map(|u| {
            site.get(&u.canonical, lang)
                .and_then(|d| d.data.display_name())
                .unwrap_or(&u.name)
                .to_owned()
        })
        .collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let t = |key: &'static str| i18n.get(key, lang).unwrap_or(key);
    let campaign = site.config.campaign.as_ref();
    let mut note = t("form_note").to_owned();
    if let Some(d) = campaign.and_then(|c| c.report_deadline.as_deref()) {
        note.push_str(&format!(" {}{}{d}", t("report_deadline"), t("colon")));
    }
    if let Some(to) = campaign.and_then(|c| c.report_to.as_deref()) {
        note.push_str(&format!(" · {to}"));
    }
    let text = FormText {
        title: t("form_title"),
        note: &note,
        sheet: t("form_sheet"),
        english: !lang.starts_with("zh"),
        unit_prompt: t("form_unit_prompt"),
        month_prompt: t("form_month_prompt"),
        count_error: t("form_count_error"),
    };
    write(&names, &table.months, &text).map(Some).map_err(|e| {
        Box::new(
            Diagnostic::error(codes::E0801, format!("the statistics form cannot be written: {e}"))
                .file(format!("figures/{FILE}")),
        )
    })
}

/// The texts of the form in one language.
pub struct FormText<'a> {
    /// The form's title (the notice's name for it).
    pub title: &'a str,
    /// One line under the title: how and by when to fill it in.
    pub note: &'a str,
    /// The sheet's name.
    pub sheet: &'a str,
    /// Headers in English rather than Chinese.
    pub english: bool,
    /// The prompt shown when a unit cell is selected.
    pub unit_prompt: &'a str,
    /// The prompt shown when a month cell is selected.
    pub month_prompt: &'a str,
    /// The message when a count is not a whole number of at least 0.
    pub count_error: &'a str,
}

/// The columns on the form, in order: every column but [`Column::Sample`] (last in
/// [`Column::ALL`]), which marks placeholder rows and is not for units to fill in.
const COLUMNS: &[Column] = Column::ALL.split_last().expect("columns").1;

/// The row (0-based) of the header; rows below it are for the reports.
pub const HEADER_ROW: u32 = 2;

/// Writes the form for `units` (their names) and `months`. The bytes are the same for
/// the same input: the workbook's creation date is the campaign's first month, not now.
pub fn write(
    units: &[&str],
    months: &[YearMonth],
    text: &FormText<'_>,
) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let first = months.first().copied().unwrap_or(YearMonth { year: 2022, month: 1 });
    let created = ExcelDateTime::from_ymd(first.year as u16, first.month as u8, 1)?;
    book.set_properties(
        &DocProperties::new().set_title(text.title).set_creation_datetime(&created),
    );

    let title = Format::new().set_bold().set_font_size(14);
    let note = Format::new().set_text_wrap();
    let header = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_background_color("#F2F2F2")
        .set_text_wrap();
    let as_text = Format::new().set_num_format("@").set_border(FormatBorder::Thin);
    let count = Format::new().set_num_format("#,##0").set_border(FormatBorder::Thin);
    let plain = Format::new().set_border(FormatBorder::Thin);
    // Room for every unit to report every month.
    let rows = (units.len() * months.len()).max(1) as u32;
    let (top, bottom) = (HEADER_ROW + 1, HEADER_ROW + rows);
    let last_col = COLUMNS.len() as u16 - 1;

    let sheet = book.add_worksheet();
    sheet.set_name(text.sheet)?;
    sheet.merge_range(0, 0, 0, last_col, text.title, &title)?;
    sheet.merge_range(1, 0, 1, last_col, text.note, &note)?;
    sheet.set_row_height(0, 24)?;
    sheet.set_row_height(1, 36)?;
    for (i, c) in COLUMNS.iter().enumerate() {
        let col = i as u16;
        let name = if text.english { c.en() } else { c.zh() };
        let name = if c.required() { format!("{name} *") } else { name.to_owned() };
        sheet.write_string_with_format(HEADER_ROW, col, name, &header)?;
        let (width, format) = match c {
            Column::Unit => (24, &plain),
            Column::Month => (12, &as_text),
            Column::Notes => (30, &plain),
            _ => (14, &count),
        };
        sheet.set_column_width(col, width)?;
        for row in top..=bottom {
            sheet.write_blank(row, col, format)?;
        }
    }
    sheet.set_freeze_panes(top, 0)?;

    // The drop-downs. Their lists are on a hidden sheet: a list written into the rule
    // itself is limited to 255 characters.
    let unit_list = DataValidation::new()
        .allow_list_formula(Formula::new(format!("=units!$A$1:$A${}", units.len().max(1))))
        .set_input_message(text.unit_prompt)?;
    sheet.add_data_validation(top, 0, bottom, 0, &unit_list)?;
    let month_list = DataValidation::new()
        .allow_list_formula(Formula::new(format!("=units!$B$1:$B${}", months.len().max(1))))
        .set_input_message(text.month_prompt)?;
    sheet.add_data_validation(top, 1, bottom, 1, &month_list)?;
    let whole = DataValidation::new()
        .allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(0))
        .set_error_message(text.count_error)?;
    sheet.add_data_validation(top, 2, bottom, 5, &whole)?;

    let list = book.add_worksheet();
    list.set_name("units")?;
    for (i, u) in units.iter().enumerate() {
        list.write_string(i as u32, 0, *u)?;
    }
    // The months as text, like the month column (a list of any length: a rule's own
    // list is limited to 255 characters, 28 months).
    let text_format = Format::new().set_num_format("@");
    for (i, m) in months.iter().enumerate() {
        list.write_string_with_format(i as u32, 1, m.to_string(), &text_format)?;
    }
    list.set_hidden(true);
    book.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::Reader;

    #[test]
    fn the_form_has_every_column_but_sample() {
        assert_eq!(COLUMNS.len(), Column::ALL.len() - 1);
        assert!(!COLUMNS.contains(&Column::Sample));
    }

    #[test]
    fn a_long_campaign_and_many_units_fit_the_drop_downs() {
        // 60 months would be 479 characters as a rule's own list (the limit is 255).
        let months: Vec<YearMonth> = (0..60)
            .map(|i| YearMonth { year: 2022 + (i / 12) as i16, month: (i % 12 + 1) as i8 })
            .collect();
        let names: Vec<String> = (0..40).map(|i| format!("第{i}产业工会")).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let text = FormText {
            title: "统计表",
            note: "说明",
            sheet: "统计表",
            english: false,
            unit_prompt: "单位",
            month_prompt: "月份",
            count_error: "整数",
        };
        let bytes = write(&names, &months, &text).expect("the form is written");
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        let lists = book.worksheet_range("units").unwrap();
        assert_eq!(lists.get_value((39, 0)).map(ToString::to_string), Some("第39产业工会".into()));
        assert_eq!(lists.get_value((59, 1)).map(ToString::to_string), Some("2026-12".into()));
    }
}
