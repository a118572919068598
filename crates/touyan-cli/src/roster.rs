//! Rosters in and out of Excel: `touyan template roster`, `touyan import`
//! and `touyan export roster`.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use touyan_excel::{Known, Roster, read_workbook_with, write_marked_copy, write_roster};
use touyan_office::import::Loaded;
use touyan_office::{By, OfficeError};
use touyan_records::Mask;
use touyan_records::model::{
    Admonition, AnnualPlan, Attendance, Ballots, Certificate, ConditionAnswer, ExamResult, Exit,
    ListEntry, PayRecord, Person, Post, Reserve, Secondment, ThreeGood, TrainingSession, Village,
    VillageYear, YoungCadre,
};
use touyan_storage::{Store, StoreError, redact_url};

use crate::acting::{actor, runtime};

fn fail(code: u8, msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("错误：{msg}");
    ExitCode::from(code)
}

/// `touyan template roster FILE.xlsx`.
pub fn template(path: &Path) -> ExitCode {
    let access = touyan_excel::Access {
        notes: vec![
            "在服务页面导入时，各角色只能导入下表注明的工作表；命令行 touyan import 由数据库管理者运行，\
             流程产生的记录只在加 --history 迁移往年历史数据时导入。"
                .to_owned(),
        ],
        sheets: touyan_workflow::import::template_lines(),
    };
    match touyan_excel::write_template_for(path, &access) {
        Ok(()) => {
            println!(
                "已写出导入模板 {}：先看“说明”表，每类记录一张表；身份证号码列为文本格式，枚举列有下拉选项。",
                path.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => fail(1, e),
    }
}

/// Where the marked copy of a bad workbook goes by default: beside it.
fn marked_path(path: &Path) -> PathBuf {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!("{stem}.错误标注.xlsx"))
}

/// `touyan import FILE.xlsx [--errors OUT.xlsx] [--history]`: the whole
/// workbook is checked first, then written in one transaction, or nothing
/// is. The sheets a workflow makes (`touyan_workflow::import`: lists,
/// pay, ballots, certificates, exits, yearly settings…) are refused unless
/// `history` says the database's owner is migrating past years' records.
pub fn import(db: &str, path: &Path, errors_out: Option<&Path>, history: bool) -> ExitCode {
    if !path.is_file() {
        return fail(2, format!("找不到工作簿 {}", path.display()));
    }
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(m) => return fail(1, m),
    };
    let result = rt.block_on(async {
        let store = Store::open(db).await.map_err(OfficeError::from)?;
        let villages: HashSet<_> = store
            .list::<Village>()
            .await?
            .into_iter()
            .map(|v| v.code)
            .collect();
        let people: HashSet<_> = store
            .list::<Person>()
            .await?
            .into_iter()
            .map(|p| p.id)
            .collect();
        let sessions: HashSet<String> = store
            .list::<TrainingSession>()
            .await?
            .into_iter()
            .map(|s| s.code)
            .collect();
        let secondments: HashMap<_, _> = store
            .list::<Secondment>()
            .await?
            .into_iter()
            .map(|s| ((s.person, s.start), s.end))
            .collect();
        let known = Known {
            villages: &|v| villages.contains(v),
            people: &|p| people.contains(p),
            sessions: &|s| sessions.contains(s),
            secondments: &|p, start| secondments.get(&(p.clone(), start)).copied(),
        };
        let roster = match read_workbook_with(path, &known) {
            Err(errors) => return Ok(Err(errors)),
            Ok(r) => r,
        };
        let name = actor();
        let by = By::command_line(&name);
        Ok(Ok(
            match touyan_office::import::load(&store, &by, &roster, history).await {
                Ok(Loaded::WorkflowSheets(sheets)) => Err(sheets
                    .into_iter()
                    .map(|(s, n)| format!("“{}” {n} 行", s.name()))
                    .collect::<Vec<String>>()),
                Ok(Loaded::Applied(applied)) => Ok((roster.len(), applied, villages.is_empty())),
                Err(e) => return Err(e),
            },
        ))
    });
    match result {
        Err(e) => fail(1, format!("{e}（未导入任何数据）")),
        Ok(Err(errors)) => {
            eprintln!(
                "工作簿 {} 有 {} 处问题，未导入任何数据：",
                path.display(),
                errors.len()
            );
            for e in errors.iter().take(200) {
                eprintln!("  {e}");
            }
            if errors.len() > 200 {
                eprintln!("  ……另有 {} 处，见标注副本", errors.len() - 200);
            }
            let out = errors_out
                .map(Path::to_path_buf)
                .unwrap_or_else(|| marked_path(path));
            match write_marked_copy(path, &errors, &out) {
                Ok(()) => eprintln!(
                    "已写出标注副本 {}：出错的单元格标红并附说明，另有“错误清单”表。",
                    out.display()
                ),
                Err(e) => eprintln!("（标注副本未能写出：{e}）"),
            }
            ExitCode::from(2)
        }
        Ok(Ok(Err(sheets))) => fail(
            2,
            format!(
                "工作簿 {} 含有只能由流程产生的记录：{}。这些记录由系统中的办理流程产生，\
                 日常导入不接受；迁移往年历史数据时请加 --history（写入记入操作日志）。未导入任何数据",
                path.display(),
                sheets.join("、")
            ),
        ),
        Ok(Ok(Ok((rows, applied, no_villages)))) => {
            println!(
                "已导入 {}（{} 行）→ {}：",
                path.display(),
                rows,
                redact_url(db)
            );
            for a in applied
                .iter()
                .filter(|a| a.written.inserted + a.written.updated + a.written.unchanged > 0)
            {
                println!(
                    "  {}：新增 {}，更新 {}，未变 {}",
                    a.zh, a.written.inserted, a.written.updated, a.written.unchanged
                );
            }
            if no_villages {
                eprintln!(
                    "注意：数据库中还没有区划，村代码无法核对；请先运行 touyan divisions load"
                );
            }
            ExitCode::SUCCESS
        }
    }
}

/// Everything on record, as a roster.
async fn roster_of(store: &Store) -> Result<Roster, StoreError> {
    Ok(Roster {
        people: store.list::<Person>().await?,
        posts: store.list::<Post>().await?,
        village_years: store.list::<VillageYear>().await?,
        three_good: store.list::<ThreeGood>().await?,
        training_sessions: store.list::<TrainingSession>().await?,
        attendance: store.list::<Attendance>().await?,
        ballots: store.list::<Ballots>().await?,
        admonitions: store.list::<Admonition>().await?,
        exam_results: store.list::<ExamResult>().await?,
        certificates: store.list::<Certificate>().await?,
        secondments: store.list::<Secondment>().await?,
        reserves: store.list::<Reserve>().await?,
        young_cadres: store.list::<YoungCadre>().await?,
        annual_plans: store.list::<AnnualPlan>().await?,
        list_entries: store.list::<ListEntry>().await?,
        pay_records: store.list::<PayRecord>().await?,
        exits: store.list::<Exit>().await?,
        condition_answers: store.list::<ConditionAnswer>().await?,
        ..Roster::default()
    })
}

/// `touyan export roster FILE.xlsx [--full-ids]`: ID numbers masked unless
/// asked for in full, and a full export is recorded in the change log.
pub fn export_roster(db: &str, path: &Path, full_ids: bool) -> ExitCode {
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(m) => return fail(1, m),
    };
    let result = rt.block_on(async {
        let store = Store::open(db).await?;
        let roster = roster_of(&store).await?;
        if full_ids {
            store
                .log_export(
                    &actor(),
                    "roster",
                    &format!("{}（完整身份证号码）", path.display()),
                )
                .await?;
        } else {
            store
                .log_read(
                    &actor(),
                    None,
                    "roster",
                    &format!("{}（身份证号码已脱敏）", path.display()),
                )
                .await?;
        }
        Ok::<_, StoreError>(roster)
    });
    let roster = match result {
        Ok(r) => r,
        Err(e) => return fail(1, e),
    };
    let mask = (!full_ids).then(Mask::default);
    match write_roster(path, &roster, mask) {
        Ok(()) => {
            println!(
                "已导出名册 {}：{} 名人员，共 {} 行。",
                path.display(),
                roster.people.len(),
                roster.len()
            );
            if full_ids {
                println!(
                    "注意：身份证号码为完整号码，此次导出已记入操作日志；请按个人信息保护要求保管。"
                );
            } else {
                println!(
                    "身份证号码已脱敏（如 370783********123X），此文件仅供查阅，不能再导入；需要完整号码请加 --full-ids。"
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(1, e),
    }
}
