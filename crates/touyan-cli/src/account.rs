//! `touyan account add USERNAME --role ROLE [--town CODE] [--name NAME]`:
//! an account of the server, made from the command line — how a city's
//! system administrator gives each town office and each administrator an
//! account on a real (not demo) database. The password is read from
//! standard input, one line, never from an argument: arguments are kept in
//! the shell's history and shown by `ps`. The same strength rule and the
//! same argon2id hashing as the server's; the creation is in the change log.

use std::io::BufRead;
use std::process::ExitCode;

use time::{OffsetDateTime, PrimitiveDateTime};
use touyan_records::TownCode;
use touyan_storage::{NewAccount, Store, Town, redact_url};
use touyan_web::auth::{hash_password, weak_password};
use touyan_web::roles::Role;

use crate::acting::{actor, runtime};

/// The options of `touyan account add`, as typed.
pub struct Add<'a> {
    pub username: &'a str,
    pub role: &'a str,
    pub town: Option<&'a str>,
    pub name: Option<&'a str>,
}

fn fail(code: u8, msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("错误：{msg}");
    ExitCode::from(code)
}

/// A role by its code (`town_operator`) or its Chinese label (镇街经办).
fn role_of(text: &str) -> Option<Role> {
    let text = text.trim();
    Role::from_code(text).or_else(|| Role::ALL.into_iter().find(|r| r.label() == text))
}

fn roles_list() -> String {
    Role::ALL
        .iter()
        .map(|r| format!("{}（{}）", r.code(), r.label()))
        .collect::<Vec<_>>()
        .join("、")
}

/// Checks what was typed: the role, the town a town role needs (and only
/// a town role), the user name. Returns the role and the town code.
fn check(o: &Add<'_>) -> Result<(Role, Option<TownCode>), String> {
    let role = role_of(o.role)
        .ok_or_else(|| format!("--role {} 不是已知角色，应为：{}", o.role, roles_list()))?;
    let username = o.username.trim();
    // The server's rule for user names (the setup form's), so every
    // account can sign in the same way.
    if let Some(m) = touyan_web::state::valid_username(username) {
        return Err(format!("用户名“{}”无效：{m}", username.escape_debug()));
    }
    if let Some(c) = o.name.and_then(touyan_records::text::refused_char) {
        return Err(format!("--name：{}", touyan_records::text::refusal(c)));
    }
    let town = match (role.is_town(), o.town) {
        (true, None) => return Err(format!("{}账户须用 --town 指定镇街代码", role.label())),
        (false, Some(_)) => {
            return Err(format!(
                "{}账户不属于某个镇街，不能指定 --town",
                role.label()
            ));
        }
        (true, Some(t)) => Some(
            TownCode::parse(t.trim()).map_err(|e| format!("--town {t} 不是有效的镇街代码：{e}"))?,
        ),
        (false, None) => None,
    };
    Ok((role, town))
}

/// The password: typed at a terminal without echo (and asked twice), or
/// one line of standard input when it is a pipe (scripts).
fn read_password(username: &str) -> std::io::Result<String> {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        let first =
            rpassword::prompt_password(format!("请输入账户 {username} 的密码（不显示）："))?;
        let again = rpassword::prompt_password("请再输入一次：")?;
        if first != again {
            return Err(std::io::Error::other("两次输入的密码不一致"));
        }
        Ok(first)
    } else {
        eprintln!("请输入账户 {username} 的密码（一行，从标准输入读取）：");
        let mut password = String::new();
        std::io::stdin().lock().read_line(&mut password)?;
        Ok(password)
    }
}

pub fn add(db: &str, o: &Add<'_>) -> ExitCode {
    let (role, town) = match check(o) {
        Ok(x) => x,
        Err(m) => return fail(2, m),
    };
    let username = o.username.trim();
    let password = match read_password(username) {
        Ok(p) => p,
        Err(e) => return fail(2, format!("无法读取密码：{e}")),
    };
    let password = password.trim_end_matches(['\r', '\n']);
    if let Some(why) = weak_password(password, username) {
        return fail(2, why);
    }
    let hash = match hash_password(password) {
        Ok(h) => h,
        Err(e) => return fail(1, e),
    };
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(m) => return fail(1, m),
    };
    let result = rt.block_on(async {
        let store = Store::open(db).await.map_err(|e| (1, e.to_string()))?;
        let town_name = match town {
            Some(code) => {
                let towns: Vec<Town> = store.list().await.map_err(|e| (1, e.to_string()))?;
                match towns.into_iter().find(|t| t.code == code) {
                    Some(t) => Some(t.name),
                    None => {
                        return Err((
                            2,
                            format!(
                                "数据库中没有镇街 {code}；请先用 touyan divisions load 载入区划"
                            ),
                        ));
                    }
                }
            }
            None => None,
        };
        if store
            .account(username)
            .await
            .map_err(|e| (1, e.to_string()))?
            .is_some()
        {
            return Err((2, format!("账户 {username} 已存在")));
        }
        let display_name = o
            .name
            .map(str::to_owned)
            .unwrap_or_else(|| format!("{}{}", town_name.as_deref().unwrap_or(""), role.label()));
        let now = OffsetDateTime::now_utc();
        store
            .create_accounts(
                &actor(),
                None,
                &[NewAccount {
                    username: username.to_owned(),
                    display_name,
                    role: role.code().to_owned(),
                    town: town.map(|t| t.as_str().to_owned()),
                    password_hash: hash,
                }],
                PrimitiveDateTime::new(now.date(), now.time()),
            )
            .await
            .map_err(|e| (1, e.to_string()))?;
        Ok(town_name)
    });
    match result {
        Ok(town_name) => {
            println!(
                "已建立账户 {username}：{}{}（数据库 {}）",
                role.label(),
                town_name.map(|t| format!("，{t}")).unwrap_or_default(),
                redact_url(db)
            );
            ExitCode::SUCCESS
        }
        Err((code, m)) => fail(code, m),
    }
}
