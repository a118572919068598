//! A form's fields read as one row of a workbook's sheet (issue 18, item
//! 8): a page that records what a sheet imports (the village page's
//! 村年度情况) checks what was typed exactly as the import checks a row —
//! each column's kind, its length, filled when required, a village code
//! known (`read::read_cell`, what the workbook's reader runs on every
//! cell) and the record's own checks across its cells
//! ([`Record::check`]) — and names the column of each problem, so the
//! page can say it beside its field. References to people and sessions
//! and duplicates across rows are the caller's (a form is one row).

use calamine::Data;
use touyan_records::VillageCode;

use crate::read::read_cell;
use crate::spec::{Era, Kind, Record, Row, Val};
use crate::{Known, LIMITS};

/// One field of a record's form: a column of its sheet.
#[derive(Clone, Debug)]
pub struct FormField {
    /// The column's place among the sheet's columns.
    pub column: usize,
    pub header: &'static str,
    pub kind: Kind,
    /// What to type, as the template's 说明 sheet says it.
    pub help: String,
    pub required: bool,
}

/// The fields of `T`'s form: its sheet's columns in the current layout
/// (an older template's are not asked for), in the sheet's order.
pub fn form_fields<T: Record>() -> Vec<FormField> {
    T::spec()
        .columns
        .iter()
        .enumerate()
        .filter(|(_, c)| c.era != Era::Older)
        .map(|(column, c)| FormField {
            column,
            header: c.header,
            kind: c.kind,
            help: if c.note.is_empty() {
                c.kind.help()
            } else {
                format!("{}；{}", c.kind.help(), c.note)
            },
            required: c.required,
        })
        .collect()
}

/// A record's values as its form shows them, by column (what
/// [`read_form`] reads back as the same record): numbers as written,
/// codes as text, an empty column as "".
pub fn form_texts<T: Record>(record: &T) -> Vec<(usize, String)> {
    record
        .to_row()
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            let text = match v {
                Val::Empty => String::new(),
                Val::Id(id) => id.as_str().to_owned(),
                Val::Village(v) => v.as_str().to_owned(),
                Val::Town(t) => t.as_str().to_owned(),
                Val::Text(t) => t,
                Val::Date(d) => d.to_string(),
                Val::Int(n) => n.to_string(),
                Val::Dec(d) => d.normalize().to_string(),
                Val::Bool(b) => if b { "是" } else { "否" }.to_owned(),
                Val::Choice(k) => match T::spec().columns.get(i).map(|c| c.kind) {
                    Some(Kind::Choice(labels)) => labels().get(k).copied().unwrap_or("").to_owned(),
                    _ => String::new(),
                },
            };
            (i, text)
        })
        .collect()
}

/// `T`'s record from `texts` — (column, text as typed); a column not
/// given is blank — checked as a row of `T`'s sheet in a workbook whose
/// known villages are those `known_villages` says, or every problem,
/// each with its column (the record's own checks only once every field
/// reads).
pub fn read_form<T: Record>(
    texts: &[(usize, &str)],
    known_villages: &dyn Fn(&VillageCode) -> bool,
) -> Result<T, Vec<(usize, String)>> {
    let known = Known {
        villages: known_villages,
        people: &|_| false,
        sessions: &|_| false,
        secondments: &|_, _| None,
    };
    let spec = T::spec();
    let mut vals = Vec::with_capacity(spec.columns.len());
    let mut problems = Vec::new();
    for (i, col) in spec.columns.iter().enumerate() {
        let text = texts.iter().find(|(c, _)| *c == i).map_or("", |(_, t)| *t);
        let cell = Data::String(text.to_owned());
        let required = col.required && col.era != Era::Older;
        let (val, problem) = read_cell(col, required, Some(&cell), false, &known, &LIMITS);
        if let Some(m) = problem {
            problems.push((i, m));
        }
        vals.push(val);
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let Some(record) = T::from_row(&Row(&vals)) else {
        return Err(vec![(0, "无法读取（程序内部错误，请报告）".into())]);
    };
    let problems = record.check();
    if problems.is_empty() {
        Ok(record)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use touyan_records::model::{TownYear, VillageYear};

    use super::*;

    const V: &str = "370783100201";

    fn village() -> VillageCode {
        VillageCode::parse(V).unwrap()
    }

    fn read(
        year: &str,
        stars: &str,
        income: &str,
        score: &str,
        rank: &str,
    ) -> Result<VillageYear, Vec<(usize, String)>> {
        read_form::<VillageYear>(
            &[
                (0, V),
                (1, year),
                (2, stars),
                (3, income),
                (4, score),
                (5, rank),
            ],
            &|v| *v == village(),
        )
    }

    /// The 村年度情况 sheet's columns as the form asks them, with the
    /// template's help.
    #[test]
    fn the_fields_are_the_sheets_columns() {
        let f = form_fields::<VillageYear>();
        let headers: Vec<&str> = f.iter().map(|f| f.header).collect();
        assert_eq!(
            headers,
            [
                "村代码",
                "年度",
                "党组织星级",
                "集体经济收入（万元）",
                "综合考核得分",
                "综合考核名次"
            ]
        );
        assert_eq!(f[2].help, "整数，0–5；未评星填 0");
        assert_eq!(f[3].help, "非负数，最多 2 位小数");
        assert!(f[3].required && !f[4].required && !f[5].required);
    }

    /// What a clerk types, read as the import reads a cell: full-width
    /// digits and thousands separators, blanks of the optional columns.
    #[test]
    fn typed_values_read_as_cells() {
        let y = read("2025", "４", "1,234.5", "", " ").unwrap();
        assert_eq!(
            y,
            VillageYear {
                village: village(),
                year: 2025,
                stars: 4,
                collective_income_wan: "1234.5".parse().unwrap(),
                assessment_score: None,
                assessment_rank: None,
            }
        );
        let y = read("2025", "0", "0", "88.25", "1").unwrap();
        assert_eq!(y.assessment_score, Some("88.25".parse().unwrap()));
        assert_eq!(y.assessment_rank, Some(1));
    }

    /// Every field's problem with its column, in the import's words; the
    /// edges of each range.
    #[test]
    fn bad_values_are_each_refused_beside_their_field() {
        let e = read("", "6", "-1", "1.234", "0").unwrap_err();
        assert_eq!(
            e,
            [
                (1, "“年度”必须填写".to_owned()),
                (2, "6 超出范围 0–5".to_owned()),
                (3, "“-1”不能为负数".to_owned()),
                (4, "“1.234”最多 2 位小数".to_owned()),
                (5, "0 超出范围 1–9999".to_owned()),
            ]
        );
        assert_eq!(
            read("2025", "5", "12.345", "", "").unwrap_err(),
            [(3, "“12.345”最多 2 位小数".to_owned())]
        );
        assert_eq!(
            read("二〇二五", "5", "1", "", "").unwrap_err(),
            [(1, "“二〇二五”不是整数".to_owned())]
        );
        assert_eq!(
            read("2025", "", "", "", "10000").unwrap_err(),
            [
                (2, "“党组织星级”必须填写".to_owned()),
                (3, "“集体经济收入（万元）”必须填写".to_owned()),
                (5, "10000 超出范围 1–9999".to_owned()),
            ]
        );
        assert!(read("2025", "5", "1", "", "9999").is_ok());
        assert!(read("2100", "5", "1", "", "").is_ok());
        assert_eq!(
            read("2101", "5", "1", "", "").unwrap_err(),
            [(1, "2101 超出范围 1900–2100".to_owned())]
        );
        // A control character is refused as in a cell.
        assert!(read("2025", "5", "1\u{0}", "", "").is_err());
        // A village the caller does not know.
        let e = read_form::<VillageYear>(
            &[(0, "370783100202"), (1, "2025"), (2, "5"), (3, "1")],
            &|v| *v == village(),
        )
        .unwrap_err();
        assert_eq!(e[0].0, 0);
        assert!(e[0].1.contains("不是已知的村"), "{e:?}");
    }

    /// A record's texts read back as the same record.
    #[test]
    fn a_records_texts_read_back() {
        let y = VillageYear {
            village: village(),
            year: 2025,
            stars: 0,
            collective_income_wan: "12.50".parse().unwrap(),
            assessment_score: Some("90.1".parse().unwrap()),
            assessment_rank: None,
        };
        let texts = form_texts(&y);
        assert_eq!(
            texts,
            [
                (0, V.to_owned()),
                (1, "2025".to_owned()),
                (2, "0".to_owned()),
                (3, "12.5".to_owned()),
                (4, "90.1".to_owned()),
                (5, String::new()),
            ]
        );
        let refs: Vec<(usize, &str)> = texts.iter().map(|(c, t)| (*c, t.as_str())).collect();
        assert_eq!(read_form::<VillageYear>(&refs, &|_| true).unwrap(), y);
    }

    /// The record's own checks across its cells come after the cells.
    #[test]
    fn the_records_own_checks_apply() {
        let e = read_form::<TownYear>(
            &[(0, "370783100"), (1, "2025"), (2, "0"), (3, "0.8")],
            &|_| true,
        )
        .unwrap_err();
        assert_eq!(e, [(2, "参照工资应大于 0".to_owned())]);
    }
}
