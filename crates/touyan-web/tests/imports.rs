//! The import page end to end (in process, SQLite and PostgreSQL): a good
//! workbook written with its counts, the same again unchanged, a bad one
//! refused whole with every problem listed and its marked copy
//! downloadable by the uploader only, and a town operator's workbook with
//! another town's village refused whole.

mod common;

use axum::http::StatusCode;
use common::upload::*;
use common::*;
use time::macros::date;
use touyan_excel::Roster;
use touyan_records::model::{Person, Post, PostRole, VillageYear};
use touyan_records::{CitizenId, VillageCode};
use touyan_rules::people::Education;
use touyan_storage::both_backends;
use touyan_storage::testing::TestDb;

fn newcomer() -> CitizenId {
    cid("37078319950505004")
}

/// A new person, their post in `village`, and a year of the village.
fn good(village: &str) -> Roster {
    let v = VillageCode::parse(village).unwrap();
    Roster {
        people: vec![Person {
            id: newcomer(),
            name: "赵六".into(),
            full_time_education: Some(Education::Bachelor),
            in_service_education: None,
        }],
        posts: vec![Post {
            person: newcomer(),
            village: v,
            role: PostRole::DeputySecretary,
            start: date!(2024 - 03 - 01),
            end: None,
        }],
        village_years: vec![VillageYear {
            village: v,
            year: 2024,
            stars: 3,
            collective_income_wan: "25.5".parse().unwrap(),
            assessment_score: None,
            assessment_rank: None,
        }],
        ..Roster::default()
    }
}

async fn good_then_unchanged(db: TestDb) {
    let h = harness(&db, true).await;
    let admin = sign_in(&h, "admin").await;
    let bytes = workbook(&good(V1));
    let a = upload(&h, &admin, "名册.xlsx", &bytes).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    // 人员 1 new, 任职 1 new, 村年度情况 1 new (nothing else in the book).
    let rows = table_rows(&a.text(), "applied");
    assert_eq!(rows.len(), 3, "{rows:?}");
    for r in &rows {
        assert_eq!(r[1..], ["1", "0", "0"], "{r:?}");
    }
    assert_eq!(h.store.count::<Post>().await.unwrap(), 3);
    assert_eq!(h.store.count::<Person>().await.unwrap(), 3);
    // Written as the user, from the client's address.
    let changes = h.store.changes(Some("posts")).await.unwrap();
    let last = changes.last().unwrap();
    assert_eq!(last.actor, "admin");
    // The same workbook again: nothing changes.
    let b = upload(&h, &admin, "名册.xlsx", &bytes).await;
    assert_eq!(b.status, StatusCode::OK, "{}", b.text());
    assert!(b.text().contains("数据无变化"), "{}", b.text());
    for r in table_rows(&b.text(), "applied") {
        assert_eq!(r[1..], ["0", "0", "1"], "{r:?}");
    }
    assert_eq!(
        h.store.changes(Some("posts")).await.unwrap().len(),
        changes.len()
    );
    // The template downloads as a workbook.
    let t = get("/import/template")
        .session(Some(&admin.0))
        .send(&h)
        .await;
    assert_eq!(t.status, StatusCode::OK);
    assert!(t.body.starts_with(b"PK"), "a zip (xlsx)");
    db.finish().await;
}
both_backends!(good_workbook, good_then_unchanged);

async fn bad_is_refused_whole_with_a_marked_copy(db: TestDb) {
    let h = harness(&db, true).await;
    let op1 = sign_in(&h, "op1").await;
    let mut r = good(V1);
    // Row 3 of 任职: a village that does not exist (column B).
    r.posts.push(Post {
        person: newcomer(),
        village: VillageCode::parse(V_MISSING).unwrap(),
        role: PostRole::Secretary,
        start: date!(2024 - 01 - 01),
        end: None,
    });
    // Row 4 of 任职: someone in neither 人员 nor the database (column A).
    r.posts.push(Post {
        person: cid("37078320000101005"),
        village: VillageCode::parse(V1).unwrap(),
        role: PostRole::CommitteeMember,
        start: date!(2024 - 01 - 01),
        end: None,
    });
    let a = upload(&h, &op1, "坏名册.xlsx", &workbook(&r)).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.text());
    let html = a.text();
    let rows = table_rows(&html, "errors");
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0][..3], ["任职", "3", "B"]);
    assert!(rows[0][3].contains("不是已知的村"), "{rows:?}");
    assert_eq!(rows[1][..3], ["任职", "4", "A"]);
    assert!(rows[1][3].contains("不在“人员”表中"), "{rows:?}");
    // Nothing written: the seed's two posts and two people only.
    assert_eq!(h.store.count::<Post>().await.unwrap(), 2);
    assert_eq!(h.store.count::<Person>().await.unwrap(), 2);
    assert_eq!(h.store.count::<VillageYear>().await.unwrap(), 0);
    // The marked copy, for the uploader only.
    let start = html
        .find("/import/marked/")
        .expect("a link to the marked copy");
    let href = &html[start..start + "/import/marked/".len() + 64];
    assert!(html[start..].split("</a>").next().unwrap().contains("标注"));
    let m = get(href).session(Some(&op1.0)).send(&h).await;
    assert_eq!(m.status, StatusCode::OK);
    assert!(
        m.header("content-disposition")
            .unwrap()
            .contains("filename*=UTF-8''")
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.xlsx");
    std::fs::write(&path, &m.body).unwrap();
    let sheets = touyan_excel::reports::read_report(&path).unwrap();
    let errors = sheets
        .iter()
        .find(|(n, _)| n == touyan_excel::ERROR_SHEET)
        .expect("error sheet");
    // A header row and the two problems.
    assert_eq!(
        errors
            .1
            .iter()
            .filter(|r| r.iter().any(|c| !c.is_empty()))
            .count(),
        3
    );
    let admin = sign_in(&h, "admin").await;
    let other = get(href).session(Some(&admin.0)).send(&h).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    // Gone after an hour.
    h.clock.advance(time::Duration::minutes(61));
    let op1 = sign_in(&h, "op1").await;
    let late = get(href).session(Some(&op1.0)).send(&h).await;
    assert_eq!(late.status, StatusCode::NOT_FOUND);
    db.finish().await;
}
both_backends!(bad_workbook, bad_is_refused_whole_with_a_marked_copy);

async fn another_towns_village_refuses_the_whole_workbook(db: TestDb) {
    let h = harness(&db, true).await;
    let op1 = sign_in(&h, "op1").await;
    // A good workbook, but about town 2's village.
    let a = upload(&h, &op1, "名册.xlsx", &workbook(&good(V2))).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.text());
    let rows = table_rows(&a.text(), "errors out-of-scope");
    // 人员 row 2 (placed in no village of town 1), 任职 row 2, 村年度情况 row 2.
    let at: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r[0].as_str(), r[1].as_str()))
        .collect();
    assert_eq!(
        at,
        [("人员", "2"), ("任职", "2"), ("村年度情况", "2")],
        "{rows:?}"
    );
    assert_eq!(h.store.count::<Post>().await.unwrap(), 2);
    assert_eq!(h.store.count::<Person>().await.unwrap(), 2);
    // The same workbook about town 1 goes in.
    let b = upload(&h, &op1, "名册.xlsx", &workbook(&good(V1))).await;
    assert_eq!(b.status, StatusCode::OK, "{}", b.text());
    // No CSRF token: refused.
    let c = post("/import")
        .session(Some(&op1.0))
        .raw(
            &format!("multipart/form-data; boundary={BOUNDARY}"),
            multipart("wrong", "名册.xlsx", &workbook(&good(V1))),
        )
        .send(&h)
        .await;
    assert_eq!(c.status, StatusCode::FORBIDDEN);
    // Too large: a Chinese message.
    let big = vec![b'x'; touyan_web::imports::IMPORT_LIMIT + 1];
    let d = upload(&h, &op1, "大.xlsx", &big).await;
    assert_eq!(d.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(d.text().contains("不能超过 10 MB"), "{}", d.text());
    db.finish().await;
}
both_backends!(town_scope, another_towns_village_refuses_the_whole_workbook);

/// A person migrated with only an in-service level (m0018) gets a
/// full-time one from the town's 人员 sheet, as the README says.
async fn a_town_adds_a_full_time_level_by_import(db: TestDb) {
    let h = harness(&db, true).await;
    let op1 = sign_in(&h, "op1").await;
    let before = h.store.list::<Person>().await.unwrap();
    let a = before.iter().find(|p| p.id == person_a()).unwrap().clone();
    assert_eq!(
        (a.full_time_education, a.in_service_education),
        (None, Some(Education::College))
    );
    let corrected = Person {
        full_time_education: Some(Education::SeniorMiddle),
        ..a.clone()
    };
    let roster = Roster {
        people: vec![corrected.clone()],
        ..Roster::default()
    };
    let r = upload(&h, &op1, "人员.xlsx", &workbook(&roster)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let after = h.store.list::<Person>().await.unwrap();
    assert_eq!(after.iter().find(|p| p.id == a.id), Some(&corrected));
    db.finish().await;
}
both_backends!(correction, a_town_adds_a_full_time_level_by_import);

/// A workbook with a 人员 sheet of the given rows (text cells), the first
/// row its header.
fn sheet_of(rows: &[Vec<String>]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("人员").unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, v).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

fn header() -> Vec<String> {
    ["身份证号码", "姓名", "学历", "全日制"]
        .map(str::to_owned)
        .to_vec()
}

/// A zip whose directory declares `declared` bytes unpacked for its one
/// 5-byte entry (patched in the local header and the central directory).
fn zip_declaring(declared: u32) -> Vec<u8> {
    use std::io::Write;
    let mut bytes = Vec::new();
    {
        let mut z = zip::ZipWriter::new(std::io::Cursor::new(&mut bytes));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        z.start_file("xl/sharedStrings.xml", opts).unwrap();
        z.write_all(b"hello").unwrap();
        z.finish().unwrap();
    }
    for (signature, offset) in [
        ([0x50, 0x4b, 0x03, 0x04], 22),
        ([0x50, 0x4b, 0x01, 0x02], 24),
    ] {
        let at = bytes.windows(4).position(|w| w == signature).unwrap();
        bytes[at + offset..at + offset + 4].copy_from_slice(&declared.to_le_bytes());
    }
    bytes
}

async fn workbooks_over_their_limits_are_refused_briefly(db: TestDb) {
    let h = harness(&db, true).await;
    let admin = sign_in(&h, "admin").await;
    // A cell of 2,001 characters: a cell error quoting its first 30.
    let long = "长".repeat(2001);
    let a = upload(
        &h,
        &admin,
        "长.xlsx",
        &sheet_of(&[
            header(),
            vec![
                newcomer().as_str().to_owned(),
                long,
                "大学本科".into(),
                "是".into(),
            ],
        ]),
    )
    .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.text());
    let rows = table_rows(&a.text(), "errors");
    assert_eq!(
        rows,
        [vec![
            "人员".to_owned(),
            "2".into(),
            "B".into(),
            format!(
                "单元格内容过长：超过 2000 个字符（开头为“{}…”）",
                "长".repeat(30)
            )
        ]]
    );
    assert!(!a.text().contains(&"长".repeat(31)), "the cell echoed");
    // 100,001 data rows in one sheet: the sheet refused whole.
    let mut many = vec![header()];
    many.extend((0..100_001).map(|_| vec!["x".to_owned()]));
    let a = upload(&h, &admin, "多.xlsx", &sheet_of(&many)).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.text());
    assert_eq!(
        table_rows(&a.text(), "errors"),
        [vec![
            "人员".to_owned(),
            String::new(),
            String::new(),
            "本表有 100001 行数据，超过上限 100000 行，未检查；请拆分为几个工作簿分批导入"
                .to_owned()
        ]]
    );
    // A 5-byte file declaring 101 MB unpacked: not opened.
    let a = upload(&h, &admin, "炸.xlsx", &zip_declaring(101 * 1024 * 1024)).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.text());
    assert_eq!(
        table_rows(&a.text(), "errors"),
        [vec![
            "（工作簿）".to_owned(),
            String::new(),
            String::new(),
            "工作簿解压后为 101.0 MB，超过上限 100.0 MB；请拆分为几个工作簿分批导入".to_owned()
        ]]
    );
    assert!(a.text().contains("标注副本未能生成"), "{}", a.text());
    assert!(!a.text().contains("/import/marked/"));
    db.finish().await;
}
both_backends!(limits, workbooks_over_their_limits_are_refused_briefly);

async fn many_problems_are_listed_by_the_first_200_and_a_large_copy_is_not_kept(db: TestDb) {
    let h = harness(&db, true).await;
    let admin = sign_in(&h, "admin").await;
    // 3,000 rows with a bad ID each and 1,000 characters of noise as the
    // name (noise does not compress: the marked copy is over 2 MB).
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut noise = || {
        (0..1000)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                char::from(
                    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                        [(seed % 62) as usize],
                )
            })
            .collect::<String>()
    };
    let mut rows = vec![header()];
    rows.extend((0..3000).map(|_| vec!["123".to_owned(), noise(), "大专".into(), "是".into()]));
    let a = upload(&h, &admin, "杂.xlsx", &sheet_of(&rows)).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = a.text();
    assert!(text.contains("有 3000 处问题，未导入任何数据"), "{text}");
    let listed = table_rows(&text, "errors");
    assert_eq!(listed.len(), 200);
    assert_eq!(listed[199][1], "201", "the first 200 rows' problems");
    assert!(text.contains("还有 2800 处问题未列出"));
    assert!(
        !text.contains("/import/marked/"),
        "a large copy is not kept"
    );
    assert!(text.contains("超过 2 MB，不予保留"), "{text:.2000}");
    db.finish().await;
}
both_backends!(
    many_problems,
    many_problems_are_listed_by_the_first_200_and_a_large_copy_is_not_kept
);
