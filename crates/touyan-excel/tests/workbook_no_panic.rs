//! Whatever file arrives, the workbook reader answers with the records or
//! the problems, never a panic (issue 19, item 9): a real workbook with
//! bytes of its package changed anywhere, cut short anywhere, and with the
//! XML of its sheet changed (unpacked, altered, packed again), which is
//! where the parsers are reached. A bounded run inside `cargo test`; each
//! failure proptest finds is kept in `workbook_no_panic.proptest-regressions`.

mod common;

use std::io::{Read, Write};
use std::path::Path;

use common::*;
use proptest::prelude::*;
use touyan_excel::read_workbook;

/// The seed: a small roster of two people and their posts.
fn seed(dir: &Path) -> Vec<u8> {
    let path = dir.join("seed.xlsx");
    let a = with_check("37078319800101001");
    let b = with_check("37078319850202002");
    write_book(
        &path,
        &[
            (
                "人员",
                vec![
                    headers(&["身份证号码", "姓名", "学历", "全日制"]),
                    vec![s(&a), s("张三"), s("大专"), s("是")],
                    vec![s(&b), s("李四"), s("大学本科"), s("否")],
                ],
            ),
            (
                "任职",
                vec![
                    headers(&["身份证号码", "村代码", "职务", "任职开始"]),
                    vec![s(&a), s("370783100201"), s("村党组织书记"), s("2020-01-01")],
                    vec![s(&b), s("370783100202"), s("村党组织书记"), s("2021-03-15")],
                ],
            ),
        ],
    );
    std::fs::read(&path).unwrap()
}

fn read(dir: &Path, bytes: &[u8]) {
    let path = dir.join("case.xlsx");
    std::fs::write(&path, bytes).unwrap();
    match read_workbook(&path, &known_village, &nobody) {
        Ok(_) => {}
        Err(problems) => assert!(!problems.is_empty()),
    }
}

/// The package's parts, unpacked.
fn parts(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut out = Vec::new();
            f.read_to_end(&mut out).unwrap();
            (f.name().unwrap().into_owned(), out)
        })
        .collect()
}

fn pack(parts: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for (name, data) in parts {
        w.start_file(name.as_str(), opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

#[test]
fn the_seed_reads_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("seed.xlsx");
    std::fs::write(&path, seed(dir.path())).unwrap();
    let roster = read_workbook(&path, &known_village, &nobody).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(roster.people.len(), 2);
    assert_eq!(roster.posts.len(), 2);
}

#[test]
fn every_prefix_of_a_real_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let b = seed(dir.path());
    for cut in (0..b.len()).step_by(97) {
        read(dir.path(), &b[..cut]);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    #[test]
    fn package_bytes_changed_anywhere(changes in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8)) {
        let dir = tempfile::tempdir().unwrap();
        let mut b = seed(dir.path());
        for (at, byte) in changes {
            let i = at.index(b.len());
            b[i] = byte;
        }
        read(dir.path(), &b);
    }

    #[test]
    fn sheet_xml_changed_anywhere(
        part in any::<prop::sample::Index>(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..4, "[<>/=\"a-z0-9 ]{0,6}"), 1..6),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut p = parts(&seed(dir.path()));
        let xml: Vec<usize> = (0..p.len()).filter(|i| p[*i].0.ends_with(".xml")).collect();
        let target = xml[part.index(xml.len())];
        let data = &mut p[target].1;
        for (at, kind, text) in edits {
            if data.is_empty() {
                break;
            }
            let i = at.index(data.len());
            match kind {
                // Cut here.
                0 => data.truncate(i),
                // Text put in.
                1 => {
                    let tail = data.split_off(i);
                    data.extend_from_slice(text.as_bytes());
                    data.extend_from_slice(&tail);
                }
                // A stretch taken out.
                2 => {
                    let end = (i + text.len() + 1).min(data.len());
                    data.drain(i..end);
                }
                // A byte changed.
                _ => data[i] = text.bytes().next().unwrap_or(b'<'),
            }
        }
        read(dir.path(), &pack(&p));
    }
}
