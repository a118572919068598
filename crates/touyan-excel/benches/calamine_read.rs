//! The baseline of `bench/workbook.sh`: calamine reading every sheet of a
//! workbook, every cell taken, with no check and no record built — the
//! least any import of that file can cost. Not a criterion bench (one read
//! of a 100,000-row workbook takes seconds); prints wall times:
//! `calamine-read SECONDS rows N`.
//!
//! `cargo bench -p touyan-excel --bench calamine_read -- FILE [RUNS]`

use std::time::Instant;

use calamine::{Reader, open_workbook_auto};

fn main() {
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let Some(file) = args.next() else {
        eprintln!("用法：calamine_read 工作簿 [次数]");
        std::process::exit(2);
    };
    let runs: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(3);
    for _ in 0..runs {
        let t = Instant::now();
        let mut wb = match open_workbook_auto(&file) {
            Ok(wb) => wb,
            Err(e) => {
                eprintln!("无法打开 {file}：{e}");
                std::process::exit(1);
            }
        };
        let mut rows = 0usize;
        let mut cells = 0usize;
        for name in wb.sheet_names() {
            match wb.worksheet_range(&name) {
                Ok(range) => {
                    for row in range.rows() {
                        rows += 1;
                        for c in row {
                            std::hint::black_box(c);
                            cells += 1;
                        }
                    }
                }
                Err(e) => {
                    eprintln!("无法读取工作表 {name}：{e}");
                    std::process::exit(1);
                }
            }
        }
        println!(
            "calamine-read {:.3} rows {rows} cells {cells}",
            t.elapsed().as_secs_f64()
        );
    }
}
