//! Every write obeys the rules that forms obey (issue 15): the findings of
//! the security test of the import page, each tried again the way it was
//! found, on SQLite and PostgreSQL.
//!
//! - a town's workbook cannot take, rename or file another town's person;
//! - a training session code of another town or of the city is not moved;
//! - lists, pay, town settings and the other workflow records cannot be
//!   imported by anyone through the page;
//! - a town's import tells nothing about ID numbers outside the town;
//! - a secondment imported obeys Article 8 as its form does;
//! - the write matrix: who may import which sheet, own town and another.

mod common;

use axum::http::StatusCode;
use common::upload::*;
use common::*;
use rust_decimal::Decimal;
use time::macros::date;
use touyan_excel::Roster;
use touyan_records::model::*;
use touyan_records::{CitizenId, TownCode, VillageCode};
use touyan_rules::people::Education;
use touyan_storage::both_backends;
use touyan_storage::testing::TestDb;

fn v(code: &str) -> VillageCode {
    VillageCode::parse(code).unwrap()
}

fn t(code: &str) -> TownCode {
    TownCode::parse(code).unwrap()
}

/// Town 2's secretary, renamed and given a doctorate.
fn rewritten_c() -> Person {
    Person {
        id: person_c(),
        name: "改名".into(),
        full_time_education: Some(Education::Doctor),
        in_service_education: None,
    }
}

fn session(code: &str, town: Option<&str>) -> TrainingSession {
    TrainingSession {
        code: code.into(),
        title: "集中轮训".into(),
        level: if town.is_some() {
            TrainingLevel::Town
        } else {
            TrainingLevel::City
        },
        form: SessionForm::Centralised,
        town: town.map(t),
        start: date!(2025 - 03 - 03),
        end: date!(2025 - 03 - 05),
        days: Decimal::from(3),
    }
}

/// The refusals table: (sheet, row, reason).
fn refusals(a: &Answer) -> Vec<(String, String, String)> {
    table_rows(&a.text(), "errors out-of-scope")
        .into_iter()
        .map(|r| (r[0].clone(), r[1].clone(), r[2].clone()))
        .collect()
}

async fn person_c_name(h: &Harness) -> String {
    h.store
        .list::<Person>()
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.id == person_c())
        .unwrap()
        .name
}

/// Finding 1: a post in one of our villages does not make another town's
/// serving secretary ours; his file stays out of reach, and the attempt is
/// audited.
async fn another_towns_person_is_not_taken(db: TestDb) {
    let h = harness(&db, true).await;
    let op1 = sign_in(&h, "op1").await;
    let capture = Roster {
        people: vec![rewritten_c()],
        posts: vec![Post {
            person: person_c(),
            village: v(V1),
            role: PostRole::Secretary,
            start: date!(2025 - 01 - 01),
            end: None,
        }],
        exits: vec![Exit {
            person: person_c(),
            on: date!(2025 - 05 - 01),
            reason: ExitReason::Discipline,
            note: "处分".into(),
            programme: Programme::Secretary,
        }],
        exam_results: vec![ExamResult {
            person: person_c(),
            course: CourseKind::PartyBuilding,
            taken_on: date!(2025 - 04 - 01),
            passed: false,
        }],
        ..Roster::default()
    };
    let a = upload(&h, &op1, "名册.xlsx", &workbook(&capture)).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.text());
    let got = refusals(&a);
    let sheets: Vec<(&str, &str)> = got
        .iter()
        .map(|(s, r, _)| (s.as_str(), r.as_str()))
        .collect();
    assert_eq!(
        sheets,
        [
            ("人员", "2"),
            ("任职", "2"),
            ("考试成绩", "2"),
            ("退出", "2")
        ],
        "{got:?}"
    );
    assert!(got[0].2.contains("不能由本镇街新登记"), "{got:?}");
    assert!(got[1].2.contains("不能由本镇街新登记"), "{got:?}");
    assert!(got[3].2.contains("不能导入"), "{got:?}");
    // The full number appears nowhere on the page.
    assert!(!a.text().contains(person_c().as_str()));
    // Nothing was written.
    assert_eq!(person_c_name(&h).await, "王五");
    assert_eq!(h.store.count::<Post>().await.unwrap(), 2);
    assert_eq!(h.store.count::<Exit>().await.unwrap(), 0);
    assert_eq!(h.store.count::<ExamResult>().await.unwrap(), 0);
    // Still not ours.
    let file = get(&format!("/people/{}", h.person(&person_c())))
        .session(Some(&op1.0))
        .send(&h)
        .await;
    assert_eq!(file.status, StatusCode::NOT_FOUND);
    // The probe is audited, masked.
    let log = h.store.changes(None).await.unwrap();
    let probe: Vec<_> = log
        .iter()
        .filter(|c| c.action == touyan_storage::Action::Refused)
        .collect();
    assert_eq!(probe.len(), 1, "{log:?}");
    assert_eq!(probe[0].actor, "op1");
    assert!(
        probe[0]
            .key
            .contains(&touyan_web::pages::masked(&person_c())),
        "{:?}",
        probe[0]
    );
    assert!(!probe[0].key.contains(person_c().as_str()));
    db.finish().await;
}
both_backends!(capture, another_towns_person_is_not_taken);

/// Finding 4: an ID number of another town's person and one that exists
/// nowhere get the same answer (a record that only refers to them), and a
/// new person the workbook places in the town goes in.
async fn no_existence_oracle(db: TestDb) {
    let h = harness(&db, true).await;
    let op1 = sign_in(&h, "op1").await;
    let nobody = cid("37078319880808008");
    let exam = |p: CitizenId| Roster {
        exam_results: vec![ExamResult {
            person: p,
            course: CourseKind::PartyBuilding,
            taken_on: date!(2025 - 04 - 01),
            passed: true,
        }],
        ..Roster::default()
    };
    let other = upload(&h, &op1, "a.xlsx", &workbook(&exam(person_c()))).await;
    let none = upload(&h, &op1, "a.xlsx", &workbook(&exam(nobody.clone()))).await;
    assert_eq!(other.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(other.status, none.status);
    let shown = |a: &Answer, id: &CitizenId| {
        table_rows(&a.text(), "errors")
            .into_iter()
            .map(|r| r.join("|").replace(&touyan_web::pages::masked(id), "ID"))
            .collect::<Vec<_>>()
    };
    assert_eq!(shown(&other, &person_c()), shown(&none, &nobody));
    assert!(shown(&none, &nobody)[0].contains("不在您可导入的已登记人员中"));
    // Town 1's own person: the same row goes in.
    let own = upload(&h, &op1, "a.xlsx", &workbook(&exam(person_a()))).await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.text());
    // A new person placed in the town goes in, and is then the town's.
    let newcomer = Roster {
        people: vec![Person {
            id: nobody.clone(),
            name: "新人".into(),
            full_time_education: Some(Education::Bachelor),
            in_service_education: None,
        }],
        reserves: vec![Reserve {
            person: nobody.clone(),
            village: v(V1),
            post: PostRole::Secretary,
            listed_on: date!(2025 - 02 - 01),
            removed_on: None,
        }],
        ..Roster::default()
    };
    let a = upload(&h, &op1, "b.xlsx", &workbook(&newcomer)).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    let file = get(&format!("/people/{}", h.person(&nobody)))
        .session(Some(&op1.0))
        .send(&h)
        .await;
    assert_eq!(file.status, StatusCode::OK);
    // A new person with nothing placing them in the town is refused.
    let stray = Roster {
        people: vec![Person {
            id: cid("37078319880808016"),
            name: "无处".into(),
            full_time_education: None,
            in_service_education: Some(Education::Bachelor),
        }],
        ..Roster::default()
    };
    let a = upload(&h, &op1, "c.xlsx", &workbook(&stray)).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert!(
        refusals(&a)[0].2.contains("须在同一工作簿"),
        "{:?}",
        refusals(&a)
    );
    db.finish().await;
}
both_backends!(oracle, no_existence_oracle);

/// Finding 2: session codes carry no town; one of another town or of the
/// city is refused, never moved.
async fn session_codes_do_not_move(db: TestDb) {
    let h = harness(&db, true).await;
    h.store
        .apply(
            "测试",
            &Roster {
                training_sessions: vec![session("C-01", None), session("T2-01", Some(T2))],
                ..Roster::default()
            },
        )
        .await
        .unwrap();
    let op1 = sign_in(&h, "op1").await;
    for code in ["C-01", "T2-01"] {
        let take = Roster {
            training_sessions: vec![session(code, Some(T1))],
            ..Roster::default()
        };
        let a = upload(&h, &op1, "s.xlsx", &workbook(&take)).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{code}: {}", a.text());
        assert!(
            refusals(&a)[0].2.contains("已被其他培训班次使用"),
            "{:?}",
            refusals(&a)
        );
    }
    // Attendance of town 1's secretary at town 2's session: not a session
    // town 1 can refer to.
    let attend = Roster {
        attendance: vec![Attendance {
            session: "T2-01".into(),
            person: person_a(),
            reflection_filed_on: None,
            poor_result: false,
        }],
        ..Roster::default()
    };
    let a = upload(&h, &op1, "s.xlsx", &workbook(&attend)).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.text());
    // The city cannot move town 2's session to the city either.
    let admin = sign_in(&h, "admin").await;
    let take = Roster {
        training_sessions: vec![session("T2-01", None)],
        ..Roster::default()
    };
    let a = upload(&h, &admin, "s.xlsx", &workbook(&take)).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.text());
    let stored = h.store.list::<TrainingSession>().await.unwrap();
    assert_eq!(
        stored
            .iter()
            .map(|s| (s.code.as_str(), s.town.map(|t| t.as_str().to_owned())))
            .collect::<Vec<_>>(),
        [("C-01", None), ("T2-01", Some(T2.to_owned()))]
    );
    // A town's own new session goes in.
    let own = Roster {
        training_sessions: vec![session("T1-01", Some(T1))],
        ..Roster::default()
    };
    let a = upload(&h, &op1, "s.xlsx", &workbook(&own)).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    db.finish().await;
}
both_backends!(sessions, session_codes_do_not_move);

/// Finding 3: the filed list, pay, town settings and every other
/// workflow's records come from their workflows, for every role.
async fn workflow_records_are_not_importable(db: TestDb) {
    let h = harness(&db, true).await;
    let forged = Roster {
        list_entries: vec![ListEntry {
            town: t(T1),
            year: 2025,
            person: person_a(),
            village: v(V1),
            tier: 1,
            status: ListStatus::Filed,
        }],
        pay_records: vec![PayRecord {
            person: person_a(),
            month: date!(2025 - 06 - 01),
            kind: PayKind::ProfessionalSubsidy,
            source: FundingSource::City,
            amount_fen: 9_999_999,
        }],
        town_years: vec![TownYear {
            town: t(T1),
            year: 2025,
            reference_salary: Decimal::from(99_999),
            young_cadre_factor: "0.8".parse().unwrap(),
        }],
        ..Roster::default()
    };
    for who in ["op1", "admin"] {
        let s = sign_in(&h, who).await;
        let a = upload(&h, &s, "f.xlsx", &workbook(&forged)).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{who}: {}", a.text());
        let got = refusals(&a);
        let sheets: Vec<&str> = got.iter().map(|r| r.0.as_str()).collect();
        assert_eq!(
            sheets,
            ["专业化名单", "报酬发放", "镇街年度设置"],
            "{got:?}"
        );
        assert!(got.iter().all(|r| r.2.contains("不能导入")), "{got:?}");
        assert!(got[1].2.contains("共 1 行"), "{got:?}");
    }
    assert_eq!(h.store.count::<ListEntry>().await.unwrap(), 0);
    assert_eq!(h.store.count::<PayRecord>().await.unwrap(), 1, "the seed's");
    assert_eq!(h.store.count::<TownYear>().await.unwrap(), 0);
    db.finish().await;
}
both_backends!(workflow_sheets, workflow_records_are_not_importable);

/// A secondment imported is checked as its form checks it (Article 8):
/// only of the year's filed secretaries, without overlap.
async fn secondments_obey_article_8(db: TestDb) {
    let h = harness(&db, true).await;
    let op1 = sign_in(&h, "op1").await;
    let second = |start, end| Secondment {
        person: person_a(),
        level: SecondmentLevel::City,
        host_unit: "市农业农村局".into(),
        start,
        end,
        appraisal: None,
    };
    let one = Roster {
        secondments: vec![second(date!(2025 - 03 - 01), date!(2025 - 08 - 31))],
        ..Roster::default()
    };
    let a = upload(&h, &op1, "g.xlsx", &workbook(&one)).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.text());
    assert!(refusals(&a)[0].2.contains("第八条"), "{:?}", refusals(&a));
    // Once the list of 2025 is filed with him on it, it goes in.
    h.store
        .apply(
            "测试",
            &Roster {
                list_entries: vec![ListEntry {
                    town: t(T1),
                    year: 2025,
                    person: person_a(),
                    village: v(V1),
                    tier: 3,
                    status: ListStatus::Filed,
                }],
                ..Roster::default()
            },
        )
        .await
        .unwrap();
    let a = upload(&h, &op1, "g.xlsx", &workbook(&one)).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    // A second one overlapping it by a day is refused.
    let overlapping = Roster {
        secondments: vec![second(date!(2025 - 08 - 31), date!(2025 - 10 - 31))],
        ..Roster::default()
    };
    let a = upload(&h, &op1, "g.xlsx", &workbook(&overlapping)).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.text());
    assert!(refusals(&a)[0].2.contains("时间重叠"), "{:?}", refusals(&a));
    assert_eq!(h.store.count::<Secondment>().await.unwrap(), 1);
    db.finish().await;
}
both_backends!(secondments, secondments_obey_article_8);

/// The write matrix through the page: a village's year (facts), a town
/// session and a city session, of the own town and of another, for every
/// role.
async fn the_write_matrix(db: TestDb) {
    let h = harness(&db, true).await;
    let year = |village: &str| Roster {
        village_years: vec![VillageYear {
            village: v(village),
            year: 2024,
            stars: 3,
            collective_income_wan: "25.5".parse().unwrap(),
            assessment_score: None,
            assessment_rank: None,
        }],
        ..Roster::default()
    };
    let town_session = |town: &str| Roster {
        training_sessions: vec![session(&format!("S-{town}"), Some(town))],
        ..Roster::default()
    };
    let city_session = Roster {
        training_sessions: vec![session("S-CITY", None)],
        ..Roster::default()
    };
    let ok = StatusCode::OK;
    let no = StatusCode::FORBIDDEN;
    // (account, own village year, other village year, town-1 session,
    // town-2 session, city session)
    let matrix = [
        ("admin", ok, ok, no, no, ok),
        ("op1", ok, no, ok, no, no),
        ("op2", no, ok, no, ok, no),
        ("viewer", no, no, no, no, no),
        ("rev1", no, no, no, no, no),
        ("fin", no, no, no, no, no),
        ("sys", no, no, no, no, no),
        ("sec", no, no, no, no, no),
        ("aud", no, no, no, no, no),
    ];
    for (who, y1, y2, s1, s2, sc) in matrix {
        let s = sign_in(&h, who).await;
        let cases = [
            ("V1 村年度情况", year(V1), y1),
            ("V2 村年度情况", year(V2), y2),
            ("镇街1培训", town_session(T1), s1),
            ("镇街2培训", town_session(T2), s2),
            ("市级培训", city_session.clone(), sc),
        ];
        for (what, roster, want) in cases {
            let before = h.store.changes(None).await.unwrap().len();
            let a = upload(&h, &s, "m.xlsx", &workbook(&roster)).await;
            assert_eq!(a.status, want, "{who} {what}: {}", a.text());
            let after = h.store.changes(None).await.unwrap().len();
            if want == no {
                assert_eq!(before, after, "{who} {what} wrote something");
            }
        }
    }
    db.finish().await;
}
both_backends!(write_matrix, the_write_matrix);

/// The template says which sheets the account that downloads it may
/// import, and who may import each sheet.
async fn the_template_says_who_imports_what(db: TestDb) {
    use calamine::{Data, Reader, Xlsx};
    let h = harness(&db, true).await;
    let op1 = sign_in(&h, "op1").await;
    let a = get("/import/template").session(Some(&op1.0)).send(&h).await;
    assert_eq!(a.status, StatusCode::OK);
    let mut book = Xlsx::new(std::io::Cursor::new(a.body)).unwrap();
    let sheet = book.worksheet_range("说明").unwrap();
    let text: Vec<String> = sheet
        .rows()
        .flat_map(|r| r.iter())
        .filter_map(|c| match c {
            Data::String(s) => Some(s.clone()),
            _ => None,
        })
        .collect();
    let all = text.join("\n");
    assert!(
        all.contains("您的账户（镇街经办）可导入：人员、任职、村年度情况、三好三强、增设条件、报酬构成、培训班次、参训记录、约谈、考试成绩、挂职、后备干部、挂职日志"),
        "{all}"
    );
    assert!(
        all.contains("不能导入：只能由补贴发放的计算、审核、批准和确认发放（第十三条）产生"),
        "{all}"
    );
    db.finish().await;
}
both_backends!(template, the_template_says_who_imports_what);

/// One row of `sheet` about town `n` (1 or 2): its village, its serving
/// secretary, its session, its secretary's filed secondment.
fn row_of(sheet: &str, n: u8) -> Roster {
    let (village, town, person) = match n {
        1 => (v(V1), T1, person_a()),
        _ => (v(V2), T2, person_c()),
    };
    let start = date!(2025 - 03 - 01);
    let secondment = Secondment {
        person: person.clone(),
        level: SecondmentLevel::City,
        host_unit: "市农业农村局".into(),
        start,
        end: date!(2025 - 04 - 30),
        appraisal: None,
    };
    let mut r = Roster::default();
    match sheet {
        "人员" => {
            let id = cid(if n == 1 {
                "37078319950505011"
            } else {
                "37078319950505021"
            });
            r.people.push(Person {
                id: id.clone(),
                name: "新人".into(),
                full_time_education: Some(Education::Bachelor),
                in_service_education: None,
            });
            r.posts.push(Post {
                person: id,
                village,
                role: PostRole::DeputySecretary,
                start: date!(2025 - 01 - 01),
                end: None,
            });
        }
        "任职" => r.posts.push(Post {
            person,
            village,
            role: PostRole::Secretary,
            start: date!(2021 - 01 - 01),
            end: None,
        }),
        "村年度情况" => r.village_years.push(VillageYear {
            village,
            year: 2024,
            stars: 4,
            collective_income_wan: "30".parse().unwrap(),
            assessment_score: None,
            assessment_rank: Some(1),
        }),
        "三好三强" => r.three_good.push(ThreeGood {
            person,
            year: 2024,
            passed: true,
            note: String::new(),
        }),
        "培训班次" => r
            .training_sessions
            .push(session(&format!("M-{town}"), Some(town))),
        "参训记录" => r.attendance.push(Attendance {
            session: format!("S-{town}"),
            person,
            reflection_filed_on: None,
            poor_result: false,
        }),
        "约谈" => r.admonitions.push(Admonition {
            person,
            held_on: date!(2025 - 04 - 01),
            article: 6,
            reason: "学习效果差".into(),
            make_up_study_done_on: None,
        }),
        "考试成绩" => r.exam_results.push(ExamResult {
            person,
            course: CourseKind::PartyBuilding,
            taken_on: date!(2025 - 04 - 01),
            passed: true,
        }),
        "挂职" => r.secondments.push(secondment),
        "挂职日志" => r.work_logs.push(WorkLog {
            person,
            secondment_start: start,
            on: date!(2025 - 03 - 02),
            text: "走访".into(),
        }),
        "后备干部" => r.reserves.push(Reserve {
            person,
            village,
            post: PostRole::CommitteeDirector,
            listed_on: date!(2025 - 02 - 01),
            removed_on: None,
        }),
        "报酬构成" => r.pay_parts.push(PayPartRecord {
            person,
            month: date!(2025 - 05 - 01),
            part: PayPart::Basic,
            amount_fen: 240_000,
            channel: "镇街财政".into(),
            recorded_on: date!(2025 - 06 - 01),
        }),
        other => panic!("{other}"),
    }
    r
}

/// The write matrix through the page for every importable sheet: every
/// importing role × its own town's row and another town's. The city
/// administrator imports the facts of any town and no form's records
/// (those are the town operator's forms); a town operator only its own.
async fn every_sheet_every_role(db: TestDb) {
    let h = harness(&db, true).await;
    // What the rows refer to: each town's session, filed list and
    // secondment.
    let mut base = Roster {
        training_sessions: vec![
            session("S-370783100", Some(T1)),
            session("S-370783001", Some(T2)),
        ],
        ..Roster::default()
    };
    for (town, village, person) in [(T1, V1, person_a()), (T2, V2, person_c())] {
        base.list_entries.push(ListEntry {
            town: t(town),
            year: 2025,
            person: person.clone(),
            village: v(village),
            tier: 3,
            status: ListStatus::Filed,
        });
        base.secondments.push(Secondment {
            person,
            level: SecondmentLevel::City,
            host_unit: "市农业农村局".into(),
            start: date!(2025 - 03 - 01),
            end: date!(2025 - 04 - 30),
            appraisal: None,
        });
    }
    h.store.apply("测试", &base).await.unwrap();
    let facts = ["人员", "任职", "村年度情况", "三好三强"];
    let forms = [
        "报酬构成",
        "培训班次",
        "参训记录",
        "约谈",
        "考试成绩",
        "挂职",
        "挂职日志",
        "后备干部",
    ];
    let accounts = [
        "admin", "op1", "op2", "rev1", "viewer", "fin", "sys", "sec", "aud",
    ];
    let mut signed = Vec::new();
    for who in accounts {
        signed.push((who, sign_in(&h, who).await));
    }
    for sheet in facts.iter().chain(forms.iter()) {
        for (who, s) in &signed {
            for n in [1u8, 2] {
                let own_town = match *who {
                    "op1" => Some(1),
                    "op2" => Some(2),
                    _ => None,
                };
                let allowed = match *who {
                    "admin" => facts.contains(sheet),
                    "op1" | "op2" => own_town == Some(n),
                    _ => false,
                };
                let before = h.store.changes(None).await.unwrap().len();
                let a = upload(&h, s, "m.xlsx", &workbook(&row_of(sheet, n))).await;
                let after = h.store.changes(None).await.unwrap().len();
                if allowed {
                    assert_eq!(
                        a.status,
                        StatusCode::OK,
                        "{who} {sheet} town {n}: {}",
                        a.text()
                    );
                } else {
                    assert_ne!(a.status, StatusCode::OK, "{who} {sheet} town {n}");
                    assert!(
                        matches!(
                            a.status,
                            StatusCode::FORBIDDEN | StatusCode::UNPROCESSABLE_ENTITY
                        ),
                        "{who} {sheet} town {n}: {}",
                        a.status
                    );
                    assert_eq!(before, after, "{who} {sheet} town {n} wrote something");
                }
            }
        }
    }
    db.finish().await;
}
both_backends!(every_sheet, every_sheet_every_role);

/// A town learns of at most ten numbers a day that they are on record
/// elsewhere: past that every registration gets one answer and no number
/// is looked up; each number found is audited on its own.
async fn registration_probes_are_capped(db: TestDb) {
    let h = harness(&db, true).await;
    // Eleven more people of town 2.
    let others: Vec<CitizenId> = (0..11)
        .map(|i| cid(&format!("370783{}0101{:03}", 1980 + i, 100 + i)))
        .collect();
    h.store
        .apply(
            "测试",
            &Roster {
                people: others
                    .iter()
                    .map(|id| Person {
                        id: id.clone(),
                        name: "乙".into(),
                        full_time_education: None,
                        in_service_education: Some(Education::College),
                    })
                    .collect(),
                posts: others
                    .iter()
                    .map(|id| Post {
                        person: id.clone(),
                        village: v(V2),
                        role: PostRole::CommitteeMember,
                        start: date!(2024 - 01 - 01),
                        end: None,
                    })
                    .collect(),
                ..Roster::default()
            },
        )
        .await
        .unwrap();
    let op1 = sign_in(&h, "op1").await;
    let register = |ids: &[CitizenId]| Roster {
        people: ids
            .iter()
            .map(|id| Person {
                id: id.clone(),
                name: "甲".into(),
                full_time_education: None,
                in_service_education: Some(Education::College),
            })
            .collect(),
        reserves: ids
            .iter()
            .map(|id| Reserve {
                person: id.clone(),
                village: v(V1),
                post: PostRole::CommitteeMember,
                listed_on: date!(2025 - 02 - 01),
                removed_on: None,
            })
            .collect(),
        ..Roster::default()
    };
    let probes = |h: &Harness| {
        let store = h.store.clone();
        async move {
            store
                .changes(Some("people"))
                .await
                .unwrap()
                .into_iter()
                .filter(|c| c.action == touyan_storage::Action::Refused)
                .count()
        }
    };
    // Two numbers: each named, each audited.
    let a = upload(&h, &op1, "p.xlsx", &workbook(&register(&others[..2]))).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert!(
        refusals(&a)
            .iter()
            .all(|r| r.2.contains("不能由本镇街新登记"))
    );
    assert_eq!(probes(&h).await, 2);
    // Nine more and a new one: over the eight left, so one answer for all,
    // the new one included; the nine are audited.
    let mut nine: Vec<CitizenId> = others[2..].to_vec();
    let fresh = cid("37078320000101555");
    nine.push(fresh.clone());
    let a = upload(&h, &op1, "p.xlsx", &workbook(&register(&nine))).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    let got = refusals(&a);
    let people: Vec<_> = got.iter().filter(|r| r.0 == "人员").collect();
    assert_eq!(people.len(), 10, "{got:?}");
    assert!(people.iter().all(|r| r.2.contains("已达 10 个")), "{got:?}");
    assert_eq!(probes(&h).await, 11);
    // Past the cap the new number alone gets the same answer.
    let a = upload(&h, &op1, "p.xlsx", &workbook(&register(&[fresh]))).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert!(
        refusals(&a)[0].2.contains("已达 10 个"),
        "{:?}",
        refusals(&a)
    );
    assert_eq!(probes(&h).await, 11, "nothing looked up");
    db.finish().await;
}
both_backends!(probes, registration_probes_are_capped);

/// The review's findings: a city session passed off as a town's, an
/// Article 12 interview, a person with a current place in two towns, and
/// a recorded exam rewritten by import.
async fn what_forms_would_refuse(db: TestDb) {
    let h = harness(&db, true).await;
    let op1 = sign_in(&h, "op1").await;
    // A town's row of a city-level session.
    let mut city = session("C-FAKE", Some(T1));
    city.level = TrainingLevel::City;
    let a = upload(
        &h,
        &op1,
        "s.xlsx",
        &workbook(&Roster {
            training_sessions: vec![city],
            ..Roster::default()
        }),
    )
    .await;
    assert_ne!(a.status, StatusCode::OK, "{}", a.text());
    assert_eq!(h.store.count::<TrainingSession>().await.unwrap(), 0);
    // An Article 12 interview.
    let a = upload(
        &h,
        &op1,
        "a.xlsx",
        &workbook(&Roster {
            admonitions: vec![Admonition {
                person: person_a(),
                held_on: date!(2025 - 04 - 01),
                article: 12,
                reason: "胜任率不足".into(),
                make_up_study_done_on: None,
            }],
            ..Roster::default()
        }),
    )
    .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.text());
    assert!(refusals(&a)[0].2.contains("第六条"), "{:?}", refusals(&a));
    // A recorded exam: the same again is fine, a changed one is refused.
    let exam = |passed| Roster {
        exam_results: vec![ExamResult {
            person: person_a(),
            course: CourseKind::PartyBuilding,
            taken_on: date!(2025 - 04 - 01),
            passed,
        }],
        ..Roster::default()
    };
    let a = upload(&h, &op1, "e.xlsx", &workbook(&exam(false))).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    let a = upload(&h, &op1, "e.xlsx", &workbook(&exam(false))).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    let a = upload(&h, &op1, "e.xlsx", &workbook(&exam(true))).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.text());
    assert!(a.text().contains("不能通过导入修改"), "{}", a.text());
    let stored = h.store.list::<ExamResult>().await.unwrap();
    assert_eq!(stored.len(), 1);
    assert!(!stored[0].passed, "still the failed exam");
    // Town 2's secretary also listed as a reserve in town 1: his records
    // are no longer either town's alone.
    h.store
        .apply(
            "测试",
            &Roster {
                reserves: vec![Reserve {
                    person: person_c(),
                    village: v(V1),
                    post: PostRole::CommitteeDirector,
                    listed_on: date!(2025 - 01 - 01),
                    removed_on: None,
                }],
                ..Roster::default()
            },
        )
        .await
        .unwrap();
    let renamed = Roster {
        people: vec![rewritten_c()],
        ..Roster::default()
    };
    for who in ["op1", "op2"] {
        let s = sign_in(&h, who).await;
        let a = upload(&h, &s, "r.xlsx", &workbook(&renamed)).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{who}: {}", a.text());
        assert!(
            refusals(&a)[0].2.contains("其他镇街也有"),
            "{:?}",
            refusals(&a)
        );
    }
    assert_eq!(person_c_name(&h).await, "王五");
    // The city may.
    let admin = sign_in(&h, "admin").await;
    let a = upload(&h, &admin, "r.xlsx", &workbook(&renamed)).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    db.finish().await;
}
both_backends!(form_rules, what_forms_would_refuse);
