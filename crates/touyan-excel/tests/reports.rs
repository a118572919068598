//! The exports of item 6 besides the roster, on a tiny county whose every
//! figure is worked out by hand below: the rows first (no files), then the
//! workbooks as they read back.

mod common;

use common::with_check;
use rust_decimal::Decimal;
use time::Date;
use time::macros::date;
use touyan_excel::reports::{self as layout, Block, Cell, Report};
use touyan_records::model::*;
use touyan_records::{CitizenId, CommitteeKind, Mask, TownCode, VillageCode};
use touyan_reports::{self as reports, EXAMPLE_WARNING, SIGNATURES};
use touyan_rules::art12_competency::Action;
use touyan_rules::people::Education;
use touyan_rules::policy::Raw;
use touyan_rules::{Params, Policy};

const JIA: &str = "370783100"; // 甲镇: 5 administrative villages and a residents' committee
const YI: &str = "370783101"; // 乙镇: 2 administrative villages

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn town(code: &str) -> TownCode {
    TownCode::parse(code).unwrap()
}

fn village(code: &str) -> VillageCode {
    VillageCode::parse(code).unwrap()
}

/// A valid ID number born on `birth` (YYYYMMDD) with sequence `seq`.
fn id_of(birth: &str, seq: &str) -> CitizenId {
    CitizenId::parse(&with_check(&format!("370783{birth}{seq}"))).unwrap()
}

/// A valid ID number ending in 123X: 张一's, the masking example.
fn id_123x() -> CitizenId {
    (1..=28)
        .map(|day| with_check(&format!("370783198003{day:02}123")))
        .find(|t| t.ends_with('X'))
        .map(|t| CitizenId::parse(&t).unwrap())
        .unwrap()
}

struct Folk {
    a: CitizenId, // 张一, 甲镇东村, tier 1
    b: CitizenId, // 李二, 甲镇西村, tier 2
    c: CitizenId, // 王三, 乙镇南村, tier 3
    d: CitizenId, // 赵四, 甲镇中村, tier 2, exited 2024-12-20
    e: CitizenId, // 孙五, 乙镇北村 committee director, evaluated, not listed
}

fn folk() -> Folk {
    Folk {
        a: id_123x(),
        b: id_of("19750505", "201"),
        c: id_of("19700707", "301"),
        d: id_of("19680808", "401"),
        e: id_of("19900909", "501"),
    }
}

fn person(id: &CitizenId, name: &str, education: Education, full_time: bool) -> Person {
    Person {
        id: id.clone(),
        name: name.to_owned(),
        full_time_education: full_time.then_some(education),
        in_service_education: (!full_time).then_some(education),
    }
}

fn entry(t: &str, v: &str, p: &CitizenId, tier: u8, year: i32, status: ListStatus) -> ListEntry {
    ListEntry {
        town: town(t),
        year,
        person: p.clone(),
        village: village(v),
        tier,
        status,
    }
}

/// The tiny county: 2025's list filed (甲镇 3, 乙镇 1), 2024's only drafted.
fn county() -> Records {
    let f = folk();
    let mut r = Records {
        towns: vec![
            Town {
                code: town(JIA),
                name: "甲镇".into(),
            },
            Town {
                code: town(YI),
                name: "乙镇".into(),
            },
        ],
        ..Records::default()
    };
    for (code, name) in [
        ("370783100201", "东村村委会"),
        ("370783100202", "西村村委会"),
        ("370783100203", "中村村委会"),
        ("370783100204", "前村村委会"),
        ("370783100205", "后村村委会"),
        ("370783100001", "向阳社区居委会"),
        ("370783101201", "南村村委会"),
        ("370783101202", "北村村委会"),
    ] {
        r.villages.push(Village {
            code: village(code),
            name: name.into(),
            kind: CommitteeKind::classify(name),
        });
    }
    r.people = vec![
        person(&f.a, "张一", Education::College, true),
        person(&f.b, "李二", Education::SeniorMiddle, false),
        person(&f.c, "王三", Education::Bachelor, true),
        person(&f.d, "赵四", Education::SeniorMiddle, false),
        person(&f.e, "孙五", Education::College, false),
    ];
    r.list_entries = vec![
        entry(JIA, "370783100201", &f.a, 1, 2025, ListStatus::Filed),
        entry(JIA, "370783100202", &f.b, 2, 2025, ListStatus::Filed),
        entry(JIA, "370783100203", &f.d, 2, 2025, ListStatus::Filed),
        entry(YI, "370783101201", &f.c, 3, 2025, ListStatus::Filed),
        entry(JIA, "370783100201", &f.a, 1, 2024, ListStatus::Draft),
    ];
    r.exits = vec![Exit {
        person: f.d.clone(),
        on: date!(2024 - 12 - 20),
        reason: ExitReason::FailedEvaluation,
        note: String::new(),
        programme: Programme::Secretary,
    }];
    r.posts = vec![Post {
        person: f.e.clone(),
        village: village("370783101202"),
        role: PostRole::CommitteeDirector,
        start: date!(2020 - 01 - 01),
        end: None,
    }];
    r
}

fn params(on: Date) -> Params {
    Policy::example().resolve(on).unwrap()
}

fn made() -> Date {
    date!(2025 - 02 - 01)
}

// ---------------------------------------------------------------------------
// Payments.

#[test]
fn three_paid_at_the_example_tiers_make_3600_and_the_exited_one_is_not_paid() {
    let r = county();
    let f = folk();
    let p = reports::payments(
        &r,
        &params(date!(2025 - 01 - 01)),
        date!(2025 - 01 - 01),
        None,
    )
    .unwrap();
    let paid: Vec<(&str, u8, Decimal)> = p
        .rows
        .iter()
        .map(|x| (x.who.name.as_str(), x.tier, x.amount))
        .collect();
    assert_eq!(
        paid,
        [
            ("张一", 1, d("1500")),
            ("李二", 2, d("1200")),
            ("王三", 3, d("900"))
        ]
    );
    assert!(p.rows.iter().all(|x| x.source == FundingSource::City));
    assert_eq!(p.people, 3);
    assert_eq!(p.total, d("3600.00"));
    let towns: Vec<(&str, u32, Decimal)> = p
        .by_town
        .iter()
        .map(|t| (t.name.as_str(), t.people, t.amount))
        .collect();
    assert_eq!(towns, [("甲镇", 2, d("2700")), ("乙镇", 1, d("900"))]);
    assert_eq!(p.by_source.len(), 1);
    assert_eq!(p.by_source[0].name, "市财政");
    assert_eq!(
        (p.by_source[0].people, p.by_source[0].amount),
        (3, d("3600"))
    );
    assert_eq!(p.not_paid.len(), 1);
    assert_eq!(p.not_paid[0].who.person, f.d);
    assert_eq!(p.not_paid[0].exit.on, date!(2024 - 12 - 20));
    assert!(p.example_amounts, "1500/1200/900 are the example policy's");
    assert_eq!(p.scope, "全部镇街（2 个）");
}

#[test]
fn an_exit_on_the_first_day_of_the_month_is_still_paid_that_month() {
    let mut r = county();
    r.exits[0].on = date!(2025 - 01 - 01);
    let pay = |m: Date| reports::payments(&r, &params(m), m, None).unwrap();
    let jan = pay(date!(2025 - 01 - 01));
    assert_eq!((jan.people, jan.total), (4, d("4800")));
    assert!(jan.not_paid.is_empty());
    let feb = pay(date!(2025 - 02 - 01));
    assert_eq!((feb.people, feb.total), (3, d("3600")));
}

#[test]
fn no_filed_list_for_the_year_is_refused() {
    let r = county();
    // 2024 has a draft only.
    let m = date!(2024 - 05 - 01);
    let err = reports::payments(&r, &params(m), m, None).unwrap_err();
    assert!(
        err.0.contains("没有 2024 年已备案的专业化管理名单"),
        "{err}"
    );
    assert!(err.0.contains("2024年5月"), "{err}");
    // Nor a year with nothing at all, nor a town with no list.
    let m = date!(2030 - 01 - 01);
    assert!(reports::payments(&r, &params(m), m, None).is_err());
    let mut only_jia = county();
    only_jia.list_entries.retain(|e| e.town == town(JIA));
    let m = date!(2025 - 01 - 01);
    let err = reports::payments(&only_jia, &params(m), m, Some(town(YI))).unwrap_err();
    assert!(err.0.contains("（乙镇）"), "{err}");
}

#[test]
fn one_town_only() {
    let r = county();
    let m = date!(2025 - 03 - 01);
    let p = reports::payments(&r, &params(m), m, Some(town(YI))).unwrap();
    assert_eq!(p.rows.len(), 1);
    assert_eq!(p.total, d("900"));
    assert_eq!(p.scope, "乙镇（370783101）");
}

/// An amount with a third decimal is rounded half up to the fen, once per
/// person, and the totals add the rounded amounts.
#[test]
fn amounts_are_exact_and_rounded_half_up_to_the_fen_once() {
    let r = county();
    let mut policy = Policy::example();
    for (name, v) in [
        ("pay.tier1_monthly_yuan", "1234.565"),
        ("pay.tier2_monthly_yuan", "1000.005"),
        ("pay.tier3_monthly_yuan", "800.004"),
    ] {
        policy.set_override(name, Raw::Number(v)).unwrap();
    }
    let m = date!(2025 - 01 - 01);
    let p = reports::payments(&r, &policy.resolve(m).unwrap(), m, None).unwrap();
    let amounts: Vec<Decimal> = p.rows.iter().map(|x| x.amount).collect();
    assert_eq!(amounts, [d("1234.57"), d("1000.01"), d("800.00")]);
    assert_eq!(p.total, d("3034.58"));
    assert!(!p.example_amounts, "no example value was used");
    let report = layout::payments_report(&p, made(), Some(Mask::default()));
    assert!(!report.sheets[0].warning);
}

#[test]
fn the_payment_file_reads_back_with_its_warning_masked_ids_and_totals() {
    let r = county();
    let m = date!(2025 - 01 - 01);
    let p = reports::payments(&r, &params(m), m, None).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("发放.xlsx");
    layout::write_report(
        &path,
        &layout::payments_report(&p, made(), Some(Mask::default())),
    )
    .unwrap();
    let sheets = layout::read_report(&path).unwrap();
    assert_eq!(sheets.len(), 1);
    let (name, rows) = &sheets[0];
    assert_eq!(name, "补贴发放");
    assert_eq!(rows[0][0], "2025年1月专业化村党组织书记补贴发放汇总表");
    assert_eq!(rows[1][0], EXAMPLE_WARNING, "the warning is the second row");
    assert!(rows.iter().any(|r| r[0] == "镇街：全部镇街（2 个）"));
    assert!(rows.iter().any(|r| r[0] == "制表日期：2025-02-01"));
    let header = rows.iter().position(|r| r[0] == "序号").unwrap();
    assert_eq!(
        rows[header][..8],
        [
            "序号",
            "镇街",
            "村",
            "姓名",
            "身份证号码",
            "补贴档次",
            "金额（元）",
            "资金来源"
        ]
    );
    let first = &rows[header + 1];
    assert_eq!(
        first[..8],
        [
            "1",
            "甲镇",
            "东村村委会",
            "张一",
            "370783********123X",
            "一档",
            "1500",
            "市财政"
        ]
    );
    // No full number anywhere.
    let full = folk().a.as_str().to_owned();
    assert!(rows.iter().flatten().all(|c| !c.contains(&full)));
    assert!(
        rows.iter()
            .flatten()
            .all(|c| !c.contains(folk().b.as_str()))
    );
    // The detail's total, then per town, per funding source.
    let totals: Vec<&Vec<String>> = rows.iter().filter(|r| r[0] == "合计").collect();
    assert_eq!(totals[0][3], "3 人");
    assert_eq!(totals[0][6], "3600");
    assert_eq!(totals[1][..3], ["合计", "3", "3600"]);
    assert_eq!(totals[2][..3], ["合计", "3", "3600"]);
    assert!(rows.iter().any(|r| r[..3] == ["甲镇", "2", "2700"]));
    assert!(rows.iter().any(|r| r[..3] == ["乙镇", "1", "900"]));
    assert!(rows.iter().any(|r| r[..3] == ["市财政", "3", "3600"]));
    // Who is not paid and why, at the end.
    assert!(rows.iter().any(|r| r[0].starts_with("不予发放")));
    assert!(rows.iter().any(|r| r[2] == "赵四" && r[4] == "2024-12-20"));
    assert!(
        !rows.iter().skip(header).any(|r| r[3] == "赵四"),
        "not among the paid"
    );
}

#[test]
fn full_ids_are_written_in_full_when_asked() {
    let r = county();
    let m = date!(2025 - 01 - 01);
    let p = reports::payments(&r, &params(m), m, None).unwrap();
    let report = layout::payments_report(&p, made(), None);
    let cells = cells(&report);
    assert!(cells.contains(&folk().a.as_str().to_owned()));
    assert!(!cells.iter().any(|c| c.contains("********")));
    assert!(cells.iter().any(|c| c.contains("已记入操作日志")));
}

/// Every cell's text and every title and information line of a report.
fn cells(r: &Report) -> Vec<String> {
    let mut v = Vec::new();
    for s in &r.sheets {
        v.push(s.title.clone());
        v.extend(s.info.iter().cloned());
        for b in &s.blocks {
            match b {
                Block::Table { headers, rows } => {
                    v.extend(headers.iter().cloned());
                    for row in rows {
                        v.extend(row.cells.iter().map(Cell::text));
                    }
                }
                Block::Heading(h) => v.push(h.clone()),
                Block::Signatures(s) => v.extend(s.iter().cloned()),
            }
        }
    }
    v
}

// ---------------------------------------------------------------------------
// The filing form.

#[test]
fn the_filing_form_counts_villages_quota_and_tiers_per_town() {
    let r = county();
    let f = reports::filing(&r, &params(date!(2025 - 01 - 01)), 2025, None).unwrap();
    /// Name, villages, quota, listed, tiers, monthly total.
    type Line<'a> = (&'a str, u32, u32, u32, [u32; 3], Decimal);
    let summary: Vec<Line<'_>> = f
        .towns
        .iter()
        .map(|t| {
            (
                t.name.as_str(),
                t.villages,
                t.quota,
                t.listed,
                t.tiers,
                t.monthly_total,
            )
        })
        .collect();
    // 甲镇: 5 villagers' committees (the residents' committee does not
    // count), 5 × 1/2 = 2.5, half up: 3. 乙镇: 2 → 1.
    assert_eq!(
        summary,
        [
            ("甲镇", 5, 3, 3, [1, 2, 0], d("3900")),
            ("乙镇", 2, 1, 1, [0, 0, 1], d("900")),
        ]
    );
    assert_eq!(f.rows.len(), 4, "the list as filed, the exited one too");
    assert_eq!(f.rows[0].who.name, "张一");
    assert_eq!(f.rows[0].monthly_subsidy, d("1500"));
    assert_eq!(f.rows[0].status, ListStatus::Filed);
    assert!(f.example_amounts);
    assert!(f.quota_rule.contains("第一条"), "{}", f.quota_rule);
    // 2024 has a draft: it is shown as such.
    let draft = reports::filing(&r, &params(date!(2024 - 01 - 01)), 2024, None).unwrap();
    assert_eq!(draft.rows.len(), 1);
    assert_eq!(draft.rows[0].status, ListStatus::Draft);
    // No list at all.
    let none = reports::filing(&r, &params(date!(2023 - 01 - 01)), 2023, None).unwrap_err();
    assert!(none.0.contains("没有 2023 年的专业化管理名单"), "{none}");
}

#[test]
fn the_filing_workbook_has_a_summary_and_a_signed_sheet_per_town() {
    let r = county();
    let f = reports::filing(&r, &params(date!(2025 - 01 - 01)), 2025, None).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("备案表.xlsx");
    layout::write_report(
        &path,
        &layout::filing_report(&f, made(), Some(Mask::default())),
    )
    .unwrap();
    let sheets = layout::read_report(&path).unwrap();
    let names: Vec<&str> = sheets.iter().map(|s| s.0.as_str()).collect();
    assert_eq!(names, ["汇总", "甲镇", "乙镇"]);
    let summary = &sheets[0].1;
    assert_eq!(summary[1][0], EXAMPLE_WARNING);
    assert!(
        summary
            .iter()
            .any(|r| r[..9] == ["甲镇", "370783100", "5", "3", "3", "1", "2", "0", "3900"])
    );
    assert!(
        summary
            .iter()
            .any(|r| r[..9] == ["合计", "", "7", "4", "4", "1", "2", "1", "4800"])
    );
    for (_, rows) in &sheets[1..] {
        assert_eq!(rows[0][0], "2025年度村党组织书记专业化管理名单备案表");
        assert_eq!(rows[1][0], EXAMPLE_WARNING);
        let all: Vec<&String> = rows.iter().flatten().collect();
        for s in SIGNATURES {
            assert!(all.iter().any(|c| *c == s), "{s} missing");
        }
        // The signatures come after the table's total.
        let total = rows.iter().position(|r| r[0] == "合计").unwrap();
        let sign = rows
            .iter()
            .position(|r| r.contains(&SIGNATURES[1].to_owned()))
            .unwrap();
        assert!(sign > total);
    }
    let jia = &sheets[1].1;
    assert!(jia.iter().any(|r| r[..8]
        == [
            "1",
            "甲镇",
            "东村村委会",
            "张一",
            "370783********123X",
            "一档",
            "1500",
            "已备案"
        ]));
    assert!(
        jia.iter()
            .any(|r| r[0] == "合计" && r[3] == "3 人" && r[6] == "3900")
    );
}

/// The 备案表 lists who each town's list leaves out and why, as the
/// printed form does (issue 18 item 9): 甲镇's sheet a table under its
/// heading, 乙镇's a line saying there was nothing to compare; the ID
/// masked as the rest; the signatures still last.
#[test]
fn the_filing_workbook_lists_who_was_dropped_and_why() {
    let r = county();
    let mut f = reports::filing(&r, &params(date!(2025 - 01 - 01)), 2025, None).unwrap();
    let jia = f.towns[0].town;
    let yi = f.towns[1].town;
    f.dropped = vec![
        (
            jia,
            reports::Dropped {
                before: Some("2024 年度备案名单".into()),
                rows: vec![reports::DroppedPerson {
                    person: id_of("19800101", "001"),
                    village_name: "西村村委会".into(),
                    person_name: "赵六".into(),
                    tier: 2,
                    reason: "2024-11-02 退出专业化管理：年龄（第十四条，推定）".into(),
                }],
            },
        ),
        (
            yi,
            reports::Dropped {
                before: None,
                rows: Vec::new(),
            },
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("备案表.xlsx");
    layout::write_report(
        &path,
        &layout::filing_report(&f, made(), Some(Mask::default())),
    )
    .unwrap();
    let sheets = layout::read_report(&path).unwrap();
    let jia = &sheets[1].1;
    let heading = jia
        .iter()
        .position(|r| r[0] == "不再列入的人员（与2024 年度备案名单相比）")
        .expect("a heading");
    assert_eq!(
        jia[heading + 1][..6],
        ["序号", "村", "姓名", "身份证号码", "原档次", "原因"]
    );
    let id = id_of("19800101", "001");
    assert_eq!(
        jia[heading + 2][..6],
        [
            "1".to_owned(),
            "西村村委会".into(),
            "赵六".into(),
            id.masked(Mask::default()),
            "二档".into(),
            "2024-11-02 退出专业化管理：年龄（第十四条，推定）".into()
        ]
    );
    let total = jia.iter().position(|r| r[0] == "合计").unwrap();
    let sign = jia
        .iter()
        .position(|r| r.contains(&SIGNATURES[1].to_owned()))
        .unwrap();
    assert!(total < heading && heading < sign);
    let yi = &sheets[2].1;
    assert!(
        yi.iter()
            .any(|r| r[0] == "不再列入的人员：没有可比较的上一年度或本年度此前的备案名单")
    );
}

// ---------------------------------------------------------------------------
// Training.

fn session(
    code: &str,
    level: TrainingLevel,
    t: Option<&str>,
    start: Date,
    days: &str,
) -> TrainingSession {
    TrainingSession {
        code: code.into(),
        title: code.into(),
        level,
        form: SessionForm::Centralised,
        town: t.map(town),
        start,
        end: start,
        days: d(days),
    }
}

fn attended(s: &str, p: &CitizenId, reflection: bool, poor: bool) -> Attendance {
    Attendance {
        session: s.into(),
        person: p.clone(),
        reflection_filed_on: reflection.then_some(date!(2025 - 11 - 30)),
        poor_result: poor,
    }
}

#[test]
fn training_counts_the_years_sessions_and_says_what_is_missing() {
    let f = folk();
    let mut r = county();
    r.training_sessions = vec![
        session(
            "city-2025",
            TrainingLevel::City,
            None,
            date!(2025 - 06 - 03),
            "3",
        ),
        session(
            "jia-1",
            TrainingLevel::Town,
            Some(JIA),
            date!(2025 - 04 - 10),
            "4.5",
        ),
        session(
            "jia-2",
            TrainingLevel::Town,
            Some(JIA),
            date!(2025 - 09 - 10),
            "3",
        ),
        // Started in 2024: not this year's, though it ends in 2025.
        session(
            "jia-old",
            TrainingLevel::Town,
            Some(JIA),
            date!(2024 - 12 - 30),
            "5",
        ),
    ];
    r.attendance = vec![
        attended("city-2025", &f.a, true, false),
        attended("jia-1", &f.a, true, true),
        attended("jia-2", &f.a, false, false),
        attended("jia-1", &f.b, true, false),
        attended("jia-old", &f.b, true, false),
    ];
    let x = reports::training(&r, &params(date!(2025 - 01 - 01)), 2025, None).unwrap();
    let by = |id: &CitizenId| x.rows.iter().find(|r| &r.who.person == id).unwrap();
    let a = by(&f.a);
    assert_eq!(
        (a.city_days, a.town_sessions, a.town_days, a.compliant),
        (d("3"), 2, d("7.5"), true)
    );
    assert_eq!(
        (a.attended, a.reflections_missing, a.poor_result),
        (3, 1, true)
    );
    assert!(a.sentence.ends_with("，达标"), "{}", a.sentence);
    let b = by(&f.b);
    assert_eq!(
        (b.city_days, b.town_sessions, b.town_days, b.compliant),
        (d("0"), 1, d("4.5"), false)
    );
    assert!(
        b.sentence
            .ends_with("未达标：市级还差 3 天，镇街还差 1 次，镇街还差 2.5 天"),
        "{}",
        b.sentence
    );
    let c = by(&f.c);
    assert_eq!((c.attended, c.compliant), (0, false));
    assert_eq!(x.rows.len(), 4, "every secretary on the filed list");
    assert!(x.standard.contains("不少于 3 天") && x.standard.contains("第六条"));

    let report = layout::training_report(&x, made(), Some(Mask::default()));
    let all = cells(&report);
    assert!(all.contains(&"未报备 1 次".to_owned()));
    assert!(all.contains(&"未参训".to_owned()));
    assert!(all.contains(&"达标 1，未达标 3".to_owned()));
    assert!(!report.sheets[0].warning, "no amounts here");
    // Nothing filed in 2024.
    assert!(reports::training(&r, &params(date!(2024 - 01 - 01)), 2024, None).is_err());
}

// ---------------------------------------------------------------------------
// Reserves.

fn reserve(p: &CitizenId, v: &str, post: PostRole, listed: Date, removed: Option<Date>) -> Reserve {
    Reserve {
        person: p.clone(),
        village: village(v),
        post,
        listed_on: listed,
        removed_on: removed,
    }
}

#[test]
fn reserves_count_those_in_the_pool_on_the_day_against_the_minimum() {
    let mut r = county();
    let ids: Vec<CitizenId> = (0..6)
        .map(|k| id_of("19950101", &format!("6{k}1")))
        .collect();
    for (k, id) in ids.iter().enumerate() {
        r.people
            .push(person(id, &format!("后备{k}"), Education::College, true));
    }
    r.reserves = vec![
        reserve(
            &ids[0],
            "370783100201",
            PostRole::Secretary,
            date!(2024 - 01 - 01),
            None,
        ),
        // Removed by the day: does not count.
        reserve(
            &ids[1],
            "370783100201",
            PostRole::Secretary,
            date!(2025 - 03 - 01),
            Some(date!(2025 - 06 - 30)),
        ),
        reserve(
            &ids[2],
            "370783100202",
            PostRole::Secretary,
            date!(2024 - 05 - 01),
            None,
        ),
        reserve(
            &ids[3],
            "370783100202",
            PostRole::Secretary,
            date!(2025 - 05 - 01),
            None,
        ),
        // A reserve for another post: not a secretary reserve.
        reserve(
            &ids[4],
            "370783100202",
            PostRole::CommitteeDirector,
            date!(2024 - 05 - 01),
            None,
        ),
        // Listed after the day.
        reserve(
            &ids[5],
            "370783101201",
            PostRole::Secretary,
            date!(2026 - 01 - 05),
            None,
        ),
    ];
    let x = reports::reserves(
        &r,
        &params(date!(2025 - 01 - 01)),
        2025,
        date!(2025 - 12 - 31),
        None,
    )
    .unwrap();
    let got: Vec<(&str, u32, u32)> = x
        .rows
        .iter()
        .map(|r| (r.who.village_name.as_str(), r.reserves, r.shortfall))
        .collect();
    assert_eq!(
        got,
        [
            ("东村村委会", 1, 1),
            ("西村村委会", 2, 0),
            ("中村村委会", 0, 2),
            ("南村村委会", 0, 2),
        ]
    );
    assert_eq!(x.minimum, 2);
    assert_eq!(x.rows[1].names, ["后备2", "后备3"]);
    assert!(
        x.rows[0].sentence.contains("缺 1 名"),
        "{}",
        x.rows[0].sentence
    );
    let all = cells(&layout::reserves_report(&x, made()));
    // Town subtotals and the grand total: 4 villages, 3 short, 5 missing.
    assert!(all.contains(&"甲镇小计".to_owned()));
    assert!(all.contains(&"缺额村 3 个".to_owned()));
    assert!(all.contains(&"4 个村".to_owned()));
}

#[test]
fn every_other_post_held_on_the_day_needs_its_own_reserve() {
    let f = folk();
    let mut r = county();
    let ids: Vec<CitizenId> = (0..7)
        .map(|k| id_of("19920202", &format!("7{k}1")))
        .collect();
    for (k, id) in ids.iter().enumerate() {
        r.people
            .push(person(id, &format!("两委{k}"), Education::College, true));
    }
    let post = |p: &CitizenId, v: &str, role: PostRole, start: Date, end: Option<Date>| Post {
        person: p.clone(),
        village: village(v),
        role,
        start,
        end,
    };
    let on = date!(2025 - 12 - 31);
    r.posts.extend([
        // 东村: a director with one reserve, two members sharing one.
        post(
            &ids[0],
            "370783100201",
            PostRole::CommitteeDirector,
            date!(2021 - 01 - 01),
            None,
        ),
        post(
            &ids[1],
            "370783100201",
            PostRole::CommitteeMember,
            date!(2021 - 01 - 01),
            None,
        ),
        post(
            &ids[2],
            "370783100201",
            PostRole::CommitteeMember,
            date!(2021 - 01 - 01),
            None,
        ),
        // Left before the day: no longer needs a reserve.
        post(
            &ids[3],
            "370783100201",
            PostRole::DeputySecretary,
            date!(2021 - 01 - 01),
            Some(date!(2025 - 06 - 30)),
        ),
        // Ends on the day itself: still held.
        post(
            &ids[4],
            "370783100202",
            PostRole::DeputySecretary,
            date!(2021 - 01 - 01),
            Some(on),
        ),
        // The secretary's own post is counted on the other sheet.
        post(
            &f.a,
            "370783100201",
            PostRole::Secretary,
            date!(2019 - 01 - 01),
            None,
        ),
    ]);
    r.reserves = vec![
        reserve(
            &ids[5],
            "370783100201",
            PostRole::CommitteeDirector,
            date!(2025 - 01 - 01),
            None,
        ),
        reserve(
            &ids[6],
            "370783100201",
            PostRole::CommitteeMember,
            date!(2025 - 01 - 01),
            None,
        ),
        // Removed on the day: no longer in the pool.
        reserve(
            &ids[5],
            "370783100202",
            PostRole::DeputySecretary,
            date!(2025 - 01 - 01),
            Some(on),
        ),
    ];
    let x = reports::reserves(&r, &params(date!(2025 - 01 - 01)), 2025, on, None).unwrap();
    let got: Vec<(&str, PostRole, &str, u32, u32)> = x
        .posts
        .iter()
        .map(|r| {
            (
                r.who.village_name.as_str(),
                r.post,
                r.who.name.as_str(),
                r.reserves,
                r.shortfall,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("东村村委会", PostRole::CommitteeDirector, "两委0", 1, 0),
            ("东村村委会", PostRole::CommitteeMember, "两委1", 1, 0),
            ("东村村委会", PostRole::CommitteeMember, "两委2", 0, 1),
            ("西村村委会", PostRole::DeputySecretary, "两委4", 0, 1),
        ]
    );
    assert_eq!(x.post_minimum, 1);
    assert_eq!(x.posts[1].names, ["两委6"]);
    assert!(
        x.posts[2].sentence.contains("缺 1 名"),
        "{}",
        x.posts[2].sentence
    );
    let report = layout::reserves_report(&x, made());
    assert_eq!(report.sheets.len(), 2);
    assert_eq!(report.sheets[1].name, "一职一备");
    let all = cells(&report);
    assert!(all.contains(&"4 个职位".to_owned()));
    assert!(all.contains(&"缺后备职位 2 个".to_owned()));
}

// ---------------------------------------------------------------------------
// Young cadres.

/// A young cadre turning 36 on 2025-03-15 (the term ends 2025-03-14),
/// with the last month paid by days: March is 14/31 of 4200
/// (1896.774… → 1896.77), and the workbook says why.
#[test]
fn the_month_a_young_cadres_term_ends_is_paid_by_days_and_said() {
    let mut r = county();
    let y = id_of("19890315", "701");
    r.people.push(person(&y, "青满", Education::Bachelor, true));
    r.young_cadres = vec![YoungCadre {
        person: y.clone(),
        village: village("370783100201"),
        programme_start: date!(2023 - 03 - 01),
        current_pay: d("0"),
        score: d("80"),
        filed_on: Some(date!(2023 - 03 - 15)),
    }];
    let m = date!(2025 - 03 - 01);
    let mut p = params(m);
    p.young_last_month_by_days.value = true;
    let x = reports::young(&r, &p, m, Some(d("4000")), Some(d("0.8")), None).unwrap();
    assert_eq!(x.rows.len(), 1);
    let row = &x.rows[0];
    assert!(row.partial());
    assert_eq!(
        (row.base, row.city_subsidy, row.town_subsidy, row.total),
        (d("1445.15"), d("225.81"), d("225.81"), d("1896.77"))
    );
    let all = cells(&layout::young_report(&x, made(), None));
    assert!(
        all.iter()
            .any(|c| c.starts_with("青满：2025-03-14 期满") && c.contains("按 14/31 折算")),
        "{all:?}"
    );
    // April: not paid at all.
    let april = date!(2025 - 04 - 01);
    assert!(
        reports::young(
            &r,
            &params(april),
            april,
            Some(d("4000")),
            Some(d("0.8")),
            None
        )
        .is_err()
    );
    // In full (the default), March is the whole 4200.
    let x = reports::young(&r, &params(m), m, Some(d("4000")), Some(d("0.8")), None).unwrap();
    assert!(!x.rows[0].partial());
    assert_eq!(x.rows[0].total, d("4200"));
}

#[test]
fn young_cadre_pay_is_reference_times_factor_plus_subsidies_or_the_higher_current_pay() {
    let f = folk();
    let mut r = county();
    // 乙镇 with four administrative villages: a cap of 1 (Article 10).
    for (code, name) in [
        ("370783101203", "上村村委会"),
        ("370783101204", "下村村委会"),
    ] {
        r.villages.push(Village {
            code: village(code),
            name: name.into(),
            kind: CommitteeKind::classify(name),
        });
    }
    let y1 = id_of("19980303", "701");
    let y2 = id_of("19990404", "801");
    let y3 = id_of("20000505", "901");
    r.people
        .push(person(&y1, "青一", Education::Bachelor, true));
    r.people
        .push(person(&y2, "青二", Education::SeniorMiddle, false));
    r.people.push(person(&y3, "青三", Education::College, true));
    let cadre =
        |p: &CitizenId, v: &str, start: Date, current: &str, filed: Option<Date>| YoungCadre {
            person: p.clone(),
            village: village(v),
            programme_start: start,
            current_pay: d(current),
            score: d("80"),
            filed_on: filed,
        };
    r.young_cadres = vec![
        cadre(
            &y1,
            "370783100201",
            date!(2024 - 03 - 01),
            "0",
            Some(date!(2024 - 03 - 15)),
        ),
        cadre(
            &y2,
            "370783101201",
            date!(2024 - 03 - 01),
            "5200",
            Some(date!(2024 - 03 - 15)),
        ),
        // Starts after March.
        cadre(
            &y3,
            "370783100202",
            date!(2025 - 04 - 01),
            "0",
            Some(date!(2025 - 03 - 15)),
        ),
        // Never filed.
        cadre(&f.e, "370783101202", date!(2024 - 03 - 01), "0", None),
    ];
    let m = date!(2025 - 03 - 01);
    // Both given for every town: no yearly settings needed.
    let x = reports::young(&r, &params(m), m, Some(d("4000")), Some(d("0.8")), None).unwrap();
    assert_eq!(x.rows.len(), 2);
    assert_eq!(x.factor, Some(d("0.8")));
    let one = &x.rows[0];
    assert_eq!(one.who.name, "青一");
    // 4000 × 0.8 = 3200, full-time bachelor: 500 + 500.
    assert_eq!(
        (
            one.base,
            one.city_subsidy,
            one.town_subsidy,
            one.total,
            one.kept_current
        ),
        (d("3200"), d("500"), d("500"), d("4200"), false)
    );
    let two = &x.rows[1];
    // 4000 × 0.8 = 3200, no subsidy; 5200 now is higher and kept.
    assert_eq!(
        (
            two.factor,
            two.base,
            two.city_subsidy,
            two.total,
            two.kept_current
        ),
        (d("0.8"), d("3200"), d("0"), d("5200"), true)
    );
    assert_eq!(x.total(), d("9400"));
    assert!(!x.example_amounts, "the 500 yuan are in the measures' text");

    // A reference salary with fen: 3333.33 × 0.65 = 2166.6645 → 2166.66.
    let x = reports::young(&r, &params(m), m, Some(d("3333.33")), Some(d("0.65")), None).unwrap();
    assert_eq!(x.rows[1].base, d("2166.66"));
    assert_eq!(x.rows[1].factor, d("0.65"));

    let report = layout::young_report(&x, made(), Some(Mask::default()));
    assert!(
        report.sheets[0].title.contains("参照工资 3333.33 元/月"),
        "{}",
        report.sheets[0].title
    );
    assert!(!report.sheets[0].warning);
    let info = report.sheets[0].info.join("\n");
    assert!(
        info.contains("报酬系数：0.65（命令行 --factor 给出"),
        "{info}"
    );

    // A factor outside the policy's range is refused, naming the range.
    for bad in ["1.2", "0.5"] {
        let err =
            reports::young(&r, &params(m), m, Some(d("4000")), Some(d(bad)), None).unwrap_err();
        assert!(
            err.0
                .contains(&format!("报酬系数 {bad} 超出政策规定的范围")),
            "{err}"
        );
        assert!(err.0.contains("0.6 至 1"), "{err}");
    }

    // Without both given: each town's yearly settings, and a town without
    // them is refused by name.
    for (salary, factor) in [
        (None, None),
        (Some(d("4000")), None),
        (None, Some(d("0.8"))),
    ] {
        let err = reports::young(&r, &params(m), m, salary, factor, None).unwrap_err();
        assert!(
            err.0.contains("甲镇（370783100）、乙镇（370783101）"),
            "{err}"
        );
        assert!(err.0.contains("没有 2025 年的镇街年度设置"), "{err}");
    }
    let settings = |t: &str, year: i32, salary: &str, factor: &str| TownYear {
        town: town(t),
        year,
        reference_salary: d(salary),
        young_cadre_factor: d(factor),
    };
    r.town_years = vec![
        settings(JIA, 2025, "4200", "0.8"),
        settings(YI, 2024, "3900", "0.7"),
    ];
    let err = reports::young(&r, &params(m), m, None, None, None).unwrap_err();
    assert!(err.0.starts_with("乙镇（370783101） 没有 2025 年"), "{err}");
    r.town_years.push(settings(YI, 2025, "4321.15", "0.65"));
    let x = reports::young(&r, &params(m), m, None, None, None).unwrap();
    assert_eq!((x.reference_salary, x.factor), (None, None));
    // 4200 × 0.8 = 3360; 4321.15 × 0.65 = 2808.7475 → 2808.75.
    assert_eq!(x.rows[0].base, d("3360"));
    assert_eq!(x.rows[0].reference_salary, d("4200"));
    assert_eq!(x.rows[0].factor, d("0.8"));
    assert_eq!(x.rows[1].base, d("2808.75"));
    assert_eq!(x.rows[1].factor, d("0.65"));
    assert_eq!(x.salary_text(), "按各镇街年度设置");
    let report = layout::young_report(&x, made(), None);
    let info = report.sheets[0].info.join("\n");
    assert!(
        info.contains("甲镇 4200 元/月；乙镇 4321.15 元/月"),
        "{info}"
    );
    assert!(
        info.contains("报酬系数：取各镇街 2025 年度设置：甲镇 0.8；乙镇 0.65"),
        "{info}"
    );
    // One town: its own salary in the title.
    let x = reports::young(&r, &params(m), m, None, None, Some(town(YI))).unwrap();
    assert_eq!(x.salary_text(), "4321.15 元/月");
    // A salary given still overrides the settings, the factors stay the
    // towns': 4000 × 0.8 = 3200; 4000 × 0.65 = 2600.
    let x = reports::young(&r, &params(m), m, Some(d("4000")), None, None).unwrap();
    assert_eq!(x.rows[0].base, d("3200"));
    assert_eq!(x.rows[1].base, d("2600"));
    assert_eq!(x.salary_text(), "4000 元/月");
    // A factor given overrides the towns' factors, the salaries stay:
    // 4200 × 0.7 = 2940; 4321.15 × 0.7 = 3024.805 → 3024.81.
    let x = reports::young(&r, &params(m), m, None, Some(d("0.7")), None).unwrap();
    assert_eq!((x.rows[0].factor, x.rows[0].base), (d("0.7"), d("2940")));
    assert_eq!((x.rows[1].factor, x.rows[1].base), (d("0.7"), d("3024.81")));

    // Nobody on the programme in 2023.
    let m = date!(2023 - 03 - 01);
    let err = reports::young(&r, &params(m), m, Some(d("4000")), Some(d("0.8")), None).unwrap_err();
    assert!(err.0.contains("没有在册的年轻干部"), "{err}");
}

// ---------------------------------------------------------------------------
// Evaluations.

fn ballots(p: &CitizenId, group: RaterGroup, (c, b, n): (u32, u32, u32)) -> Ballots {
    Ballots {
        person: p.clone(),
        year: 2025,
        half: 1,
        group,
        competent: c,
        basically_competent: b,
        not_competent: n,
    }
}

#[test]
fn evaluations_give_the_rate_to_four_places_and_the_action_with_its_article() {
    let f = folk();
    let mut r = county();
    r.ballots = vec![
        // 张一: (34 + 5 + 12 + 2) / 61 = 53/61 = 0.868852… → interview.
        ballots(&f.a, RaterGroup::PartyMembers, (34, 5, 6)),
        ballots(&f.a, RaterGroup::PublicReps, (12, 2, 2)),
        ballots(&f.a, RaterGroup::LiaisonCadres, (3, 1, 0)),
        // 李二: 38/55 = 0.690909… → exit.
        ballots(&f.b, RaterGroup::PartyMembers, (24, 4, 12)),
        ballots(&f.b, RaterGroup::PublicReps, (8, 2, 5)),
        // 王三: 62/63 = 0.984126… → nothing.
        ballots(&f.c, RaterGroup::PartyMembers, (40, 5, 1)),
        ballots(&f.c, RaterGroup::PublicReps, (15, 2, 0)),
        // 孙五: not listed, placed by his post; 10/10.
        ballots(&f.e, RaterGroup::PartyMembers, (10, 0, 0)),
    ];
    let x = reports::evaluations(&r, &params(date!(2025 - 01 - 01)), 2025, 1, None).unwrap();
    let got: Vec<(&str, &str, Option<Decimal>, &str)> = x
        .rows
        .iter()
        .map(|r| {
            (
                r.name.as_str(),
                r.village_name.as_str(),
                r.rate,
                r.action_zh(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("张一", "东村村委会", Some(d("0.8689")), "约谈"),
            ("李二", "西村村委会", Some(d("0.6909")), "退出"),
            // 赵四 is on the filed list without ballots.
            ("赵四", "中村村委会", None, "未测评"),
            ("王三", "南村村委会", Some(d("0.9841")), "无"),
            ("孙五", "北村村委会", Some(d("1")), "无"),
        ]
    );
    let a = &x.rows[0];
    assert_eq!(a.action, Some(Action::Interview));
    assert_eq!(a.article, "第十二条");
    assert_eq!(a.ballots[0], Some((34, 5, 6)));
    assert_eq!(a.ballots[2], Some((3, 1, 0)));
    assert_eq!(a.ballots[3], None);
    assert!(a.sentence.contains("约谈"), "{}", a.sentence);

    let report = layout::evaluations_report(&x, made(), Some(Mask::default()));
    let all = cells(&report);
    assert!(all.contains(&"0.8689".to_owned()));
    assert!(all.contains(&"1.0000".to_owned()));
    assert!(all.contains(&"党员·基本胜任".to_owned()));
    assert!(all.contains(&"约谈 1，退出 1，未测评 1".to_owned()));
    // One town only: 乙镇 has 王三 and 孙五.
    let yi =
        reports::evaluations(&r, &params(date!(2025 - 01 - 01)), 2025, 1, Some(town(YI))).unwrap();
    assert_eq!(yi.rows.len(), 2);
    // The second half has no ballots; the filed list is still shown, unevaluated.
    let h2 = reports::evaluations(&r, &params(date!(2025 - 07 - 01)), 2025, 2, None).unwrap();
    assert!(h2.rows.iter().all(|r| r.action.is_none()));
    assert!(reports::evaluations(&r, &params(date!(2024 - 01 - 01)), 2024, 1, None).is_err());
}

// ---------------------------------------------------------------------------
// Options.

#[test]
fn months_amounts_and_towns_as_typed() {
    assert_eq!(reports::parse_month("2025-01"), Some(date!(2025 - 01 - 01)));
    assert_eq!(reports::parse_month("2025-1"), Some(date!(2025 - 01 - 01)));
    for bad in [
        "2025-13",
        "2025-00",
        "2025",
        "25-01",
        "2025/01",
        "2025-01-01",
        "二〇二五-01",
    ] {
        assert_eq!(reports::parse_month(bad), None, "{bad}");
    }
    assert_eq!(reports::parse_yuan("4000"), Ok(d("4000")));
    assert_eq!(reports::parse_yuan(" 3850.50 "), Ok(d("3850.5")));
    for bad in ["0", "-1", "abc", "1.234", "1000000"] {
        assert!(reports::parse_yuan(bad).is_err(), "{bad}");
    }
    let r = county();
    assert_eq!(reports::find_town(&r, "乙镇"), Ok(town(YI)));
    assert_eq!(reports::find_town(&r, "370783100"), Ok(town(JIA)));
    assert!(reports::find_town(&r, "丙镇").unwrap_err().contains("丙镇"));
    assert!(reports::find_town(&r, "370783999").is_err());
}

#[test]
fn sheet_names_excel_refuses_are_cleaned_and_kept_unique() {
    let mut r = county();
    // Two towns of the same name (different counties) and one with a slash.
    r.towns[1].name = "甲镇".into();
    let f = reports::filing(&r, &params(date!(2025 - 01 - 01)), 2025, None).unwrap();
    let mut report = layout::filing_report(&f, made(), Some(Mask::default()));
    let mut odd = report.sheets[1].clone();
    odd.name = "甲/镇:[一]".into();
    report.sheets.push(odd);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.xlsx");
    layout::write_report(&path, &report).unwrap();
    let names: Vec<String> = layout::read_report(&path)
        .unwrap()
        .into_iter()
        .map(|s| s.0)
        .collect();
    assert_eq!(names, ["汇总", "甲镇", "甲镇（2）", "甲_镇__一_"]);
}

/// A workbook made in memory holds the same cells as the one written to
/// a file (the one-card file is made this way, never on the disk).
#[test]
fn a_report_made_in_memory_reads_back_as_the_file_does() {
    let r = county();
    let m = date!(2025 - 01 - 01);
    let p = reports::payments(&r, &params(m), m, None).unwrap();
    let report = layout::payments_report(&p, made(), None);
    let dir = tempfile::tempdir().unwrap();
    let on_disk = dir.path().join("file.xlsx");
    layout::write_report(&on_disk, &report).unwrap();
    let in_memory = dir.path().join("memory.xlsx");
    let bytes = layout::report_bytes(&report).unwrap();
    assert_eq!(&bytes[..2], b"PK", "a zip archive");
    std::fs::write(&in_memory, &bytes).unwrap();
    let a = layout::read_report(&on_disk).unwrap();
    let b = layout::read_report(&in_memory).unwrap();
    assert!(a[0].1.iter().any(|row| row.iter().any(|c| c == "序号")));
    assert_eq!(a, b);
}
