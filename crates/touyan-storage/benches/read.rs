//! The baseline of `bench/cycle.sh`: a plain read of the rows the cycle
//! reads (`Store::cycle_plain_read`: the same statements, each column read
//! by position into an owned value, no record built — on SQLite through
//! rusqlite, on PostgreSQL through sqlx, as the cycle reads), and for
//! comparison the cycle's own read into records (`Store::cycle_records`).
//! Not a criterion bench (one read of a province takes seconds); prints
//! wall times: `plain-read SECONDS rows N` then `records-read SECONDS rows N`;
//! with `payroll` after the run count, the baseline of `touyan payroll`
//! instead (`Store::payroll_plain_read`): `payroll-plain-read SECONDS rows N`.
//!
//! `cargo bench -p touyan-storage --bench read -- DB YEAR [RUNS [payroll]]`

use std::time::Instant;

use touyan_storage::Store;

fn main() {
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let (Some(url), Some(year)) = (args.next(), args.next()) else {
        eprintln!("用法：read 数据库 年度 [次数]");
        std::process::exit(2);
    };
    let Ok(year) = year.parse::<i32>() else {
        eprintln!("年度 {year} 无效");
        std::process::exit(2);
    };
    let runs: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(3);
    let payroll = args.next().as_deref() == Some("payroll");
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("无法启动运行时：{e}");
            std::process::exit(1);
        }
    };
    rt.block_on(async {
        let store = match Store::open(&url).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(1);
            }
        };
        for _ in 0..runs {
            if payroll {
                let t = Instant::now();
                match store.payroll_plain_read().await {
                    Ok(n) => println!(
                        "payroll-plain-read {:.3} rows {n}",
                        t.elapsed().as_secs_f64()
                    ),
                    Err(e) => {
                        eprintln!("{e}");
                        std::process::exit(1);
                    }
                }
                continue;
            }
            let t = Instant::now();
            match store.cycle_plain_read(year).await {
                Ok(n) => println!("plain-read {:.3} rows {n}", t.elapsed().as_secs_f64()),
                Err(e) => {
                    eprintln!("{e}");
                    std::process::exit(1);
                }
            }
            let t = Instant::now();
            match store.cycle_records(year).await {
                Ok(r) => println!(
                    "records-read {:.3} rows {}",
                    t.elapsed().as_secs_f64(),
                    r.len()
                ),
                Err(e) => {
                    eprintln!("{e}");
                    std::process::exit(1);
                }
            }
        }
    });
}
