//! One-card (一卡通) accounts and the month's one-card payment file
//! (Article 13: the subsidy "按月通过“一卡通”发放"; issue 17, items 5
//! and 6).
//!
//! The town's operator records each person's account ([`record`]); the
//! store seals it with the key file (`touyan_storage::CardKeys`, outside
//! the database) and pages see only its last four digits ([`masked`]).
//! Once the city has approved a town's run of a month, finance and the
//! city's administrator may take the town's one-card file ([`file`]):
//! one row per professionalization subsidy the run stored (the approved
//! amounts, not a new computation), with the full ID number and account
//! finance needs. Every taking is logged before the file is handed out,
//! and nobody gets a file with a person missing an account: the refusal
//! names who must be recorded first. Who may do either is
//! `touyan_workflow::art13_pay_run`'s.

use std::collections::HashMap;
use std::path::Path;

use rust_decimal::Decimal;
use time::Date;
use touyan_records::model::{Labelled, PayKind, PayState};
use touyan_records::{CitizenId, TownCode};
use touyan_reports::{FileRow, OneCardFile, month_zh};
use touyan_storage::{AccountOnRecord, CardKeys, Scope, Store};
use touyan_workflow::art13_pay_run;

use crate::pay::TownMonth;
use crate::{By, OfficeError};

/// How many digits an account may have (bank cards have 16 to 19; the
/// social-security and passbook accounts used for 一卡通 up to 25).
pub const DIGITS: std::ops::RangeInclusive<usize> = 10..=25;

/// An account as typed, with spaces and hyphens taken out, or why it is
/// not one.
pub fn normalize(text: &str) -> Result<String, OfficeError> {
    let digits: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    if digits.is_empty() {
        return Err(OfficeError::Invalid("请填写一卡通账号".into()));
    }
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(OfficeError::Invalid(
            "一卡通账号只能由数字组成（可含空格）".into(),
        ));
    }
    let n = digits.len();
    if !DIGITS.contains(&n) {
        return Err(OfficeError::Invalid(format!(
            "一卡通账号应为 {} 至 {} 位数字，填写的是 {n} 位",
            DIGITS.start(),
            DIGITS.end()
        )));
    }
    Ok(digits)
}

/// An account as pages show it: its last four digits only.
pub fn masked(on_record: &AccountOnRecord) -> String {
    format!("**** **** {}", on_record.tail)
}

/// The town `by` records accounts for, or why `by` may not.
pub fn may_record(by: &By<'_>) -> Result<TownCode, OfficeError> {
    let town = by.actor.town.unwrap_or_default();
    art13_pay_run::may_record_account(&by.actor, town)?;
    TownCode::parse(town).map_err(|_| OfficeError::NotFound)
}

/// The accounts on record of `people`, as pages show them.
pub async fn on_record(
    store: &Store,
    people: &[&CitizenId],
) -> Result<HashMap<CitizenId, AccountOnRecord>, OfficeError> {
    Ok(store.one_card_on_record(people).await?)
}

/// The key file, or why the service has none (it was started without
/// one: the command line always names one).
fn configured(key_file: Option<&Path>) -> Result<&Path, OfficeError> {
    key_file.ok_or_else(|| {
        OfficeError::Conflict(
            "本服务未配置一卡通账号密钥文件（启动时用 --key-file 或 TOUYAN_KEY_FILE 指定），不能登记或导出账号".into(),
        )
    })
}

/// Records `text` as `person`'s account as `by` on `today`: who may
/// first (the town's operator), then the person (one of the town's
/// people, anyone else is not found; on a list of the town, any year),
/// then the number; sealed with the
/// key file at `key_file` (made with the first account). One audited
/// write.
pub async fn record(
    store: &Store,
    key_file: Option<&Path>,
    by: &By<'_>,
    person: &CitizenId,
    text: &str,
    today: Date,
) -> Result<(), OfficeError> {
    let town = may_record(by)?;
    if store
        .scoped(&Scope::Town(town.as_str().to_owned()))
        .person(person.as_str())
        .await?
        .is_none()
    {
        return Err(OfficeError::NotFound);
    }
    // The account is where the city pays the subsidy: for the town's
    // listed secretaries, not anyone the town once had (a reserve, a
    // former committee member placed in another town since).
    if !store.listed_in(person, town).await? {
        return Err(OfficeError::Invalid(
            "只能为本镇街专业化管理名单上的书记登记一卡通账号（第十三条：专业化补贴按月通过“一卡通”发放）".into(),
        ));
    }
    let account = normalize(text)?;
    let keys = store.keys_for_recording(configured(key_file)?).await?;
    store
        .record_one_card_account(&keys, by.name, by.origin, person, &account, today)
        .await
        .map_err(OfficeError::refused)
}

/// Rotates the one-card key in `key_file` as `by` (the command line:
/// whoever holds the database and the key file): every account re-sealed
/// with a new key, the old key file replaced (`Store::rotate_one_card_key`).
pub async fn rotate_key(
    store: &Store,
    key_file: &Path,
    by: &By<'_>,
) -> Result<touyan_storage::Rotated, OfficeError> {
    Ok(store.rotate_one_card_key(key_file, by.name).await?)
}

/// The town's one-card file of `tm`'s month for `by`, logged as taken:
/// who may and the run's state first (approved or paid), then every paid
/// person's account (refused, naming them, when any is missing), then
/// the log entry; only then the file.
pub async fn file(
    store: &Store,
    key_file: Option<&Path>,
    by: &By<'_>,
    tm: &TownMonth,
) -> Result<OneCardFile, OfficeError> {
    let town = tm.town;
    art13_pay_run::may_take_one_card_file(&by.actor, town.as_str(), tm.current())?;
    let state = tm.current().ok_or(OfficeError::NotFound)?;
    let paid: Vec<_> = tm
        .stored
        .iter()
        .filter(|r| r.kind == PayKind::ProfessionalSubsidy)
        .collect();
    let ids: Vec<&CitizenId> = paid.iter().map(|r| &r.person).collect();
    let keys = CardKeys::open(configured(key_file)?);
    let accounts = match keys {
        Ok(keys) => store.one_card_accounts(&keys, &ids).await?,
        // No key file: no account can have been recorded with it.
        Err(_) if store.one_card_on_record(&ids).await?.is_empty() => HashMap::new(),
        Err(e) => return Err(e.into()),
    };
    let tiers = tiers_of(tm, &ids);
    let mut rows = Vec::with_capacity(paid.len());
    let mut missing = Vec::new();
    for r in &paid {
        let (village_name, name) = tm.paid_person(&r.person);
        match accounts.get(&r.person) {
            Some(account) => rows.push(FileRow {
                village_name,
                name,
                person: r.person.clone(),
                account: account.clone(),
                tier: tiers.get(&r.person).copied(),
                amount: Decimal::new(r.amount_fen, 2),
            }),
            None => missing.push(format!("{name}（{village_name}）")),
        }
    }
    if !missing.is_empty() {
        return Err(OfficeError::Conflict(format!(
            "{} 人尚未登记一卡通账号，请镇街经办在其个人页面登记后再下载：{}",
            missing.len(),
            missing.join("、")
        )));
    }
    let town_name = tm.town_name();
    let file_name = format!("一卡通发放文件-{}-{town_name}.xlsx", month_zh(tm.month));
    let total = rows.iter().map(|r| r.amount).sum();
    store
        .log_export_from(
            by.name,
            by.origin,
            "one_card_accounts",
            &format!(
                "下载 {file_name}（{} 人，合计 {total} 元，{}，含完整身份证号码和一卡通账号）",
                rows.len(),
                state.label()
            ),
        )
        .await?;
    Ok(OneCardFile {
        month: tm.month,
        town,
        town_name,
        state,
        rows,
        total,
        file_name,
    })
}

/// Where a town's month stands for its one-card file, as its pay page
/// shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Readiness {
    /// The subsidies the run stored.
    pub paid: usize,
    /// Those paid with no account on record: (village, name).
    pub missing: Vec<(String, String)>,
    /// Whether `by` may take the file now (else why not).
    pub may_take: Result<(), String>,
    /// Whether `by`'s role takes one-card files at all (finance, the
    /// city's administrator): who is told why not yet.
    pub takes_files: bool,
}

/// `tm`'s one-card readiness for `by`: who of the run's subsidies has no
/// account yet, and whether `by` may take the file now.
pub async fn readiness(
    store: &Store,
    by: &By<'_>,
    tm: &TownMonth,
) -> Result<Readiness, OfficeError> {
    let ids: Vec<&CitizenId> = tm
        .stored
        .iter()
        .filter(|r| r.kind == PayKind::ProfessionalSubsidy)
        .map(|r| &r.person)
        .collect();
    let on = store.one_card_on_record(&ids).await?;
    Ok(Readiness {
        paid: ids.len(),
        missing: ids
            .iter()
            .filter(|id| !on.contains_key(**id))
            .map(|id| tm.paid_person(id))
            .collect(),
        may_take: art13_pay_run::may_take_one_card_file(&by.actor, tm.town.as_str(), tm.current())
            .map_err(|r| OfficeError::from(r).to_string()),
        takes_files: art13_pay_run::may_take_one_card_file(
            &by.actor,
            tm.town.as_str(),
            Some(PayState::Approved),
        )
        .is_ok(),
    })
}

/// The tier of each paid person, from the list the month paid (the pay
/// computation's rows of the month).
fn tiers_of(tm: &TownMonth, ids: &[&CitizenId]) -> HashMap<CitizenId, u8> {
    let Ok(x) = &tm.pay.subsidies else {
        return HashMap::new();
    };
    x.rows
        .iter()
        .filter(|r| ids.contains(&&r.who.person))
        .map(|r| (r.who.person.clone(), r.tier))
        .collect()
}
