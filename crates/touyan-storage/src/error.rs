//! What can go wrong with the store, said in Chinese.

use std::fmt;

use sea_orm::{DbErr, SqlErr};

/// An error of the store. `Display` is a Chinese sentence for the user.
#[derive(Debug)]
pub enum StoreError {
    /// The database could not be reached or opened.
    Open { url: String, message: String },
    /// The schema could not be brought up to date.
    Migrate(String),
    /// A record refers to a town, village, person or session that is not
    /// there (a foreign key). `table` is the Chinese name of the records
    /// being written.
    MissingReference {
        table: &'static str,
        message: String,
    },
    /// A record with the same key is already there.
    Duplicate {
        table: &'static str,
        message: String,
    },
    /// A value the schema cannot hold exactly (say a decimal with more
    /// places than its column keeps, or a key twice in one batch).
    Invalid(String),
    /// A record of this kind with the same key is already on record, and
    /// the write only adds (a form records each once). `what` is the
    /// records' Chinese name.
    AlreadyRecorded { what: &'static str },
    /// Records an import may only add to are on record and differ from
    /// the batch's (`count` of them): they are changed on their page.
    RecordedDiffers { what: &'static str, count: usize },
    /// Counted inside the write's transaction: `count` are on record
    /// already and at most `limit` may be, so this one may not be added
    /// (the caller decided the limit and says what it is; the store only
    /// holds it).
    LimitExceeded { count: u64, limit: u64 },
    /// A caller broke the store's contract (no actor, rows outside the
    /// scope written, a summary that does not add up): a bug of ours,
    /// logged and never shown in detail.
    Internal(String),
    /// A stored row that does not read back as a record.
    Corrupt {
        table: &'static str,
        key: String,
        message: String,
    },
    /// The record was changed by someone else since it was read (a
    /// workflow's state is no longer the one the user saw).
    Stale,
    /// An evaluation's records no longer allow the write (Article 12's
    /// order of work, held in the write's transaction); the office words
    /// each for people.
    Evaluation(EvaluationRefusal),
    /// The one-card accounts' key file is missing, unreadable or not the
    /// key that sealed the accounts on record (`one_card.rs`).
    Key(String),
    /// Any other database failure.
    Database(String),
}

/// Why an evaluation's write was refused by what is on record now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EvaluationRefusal {
    /// The evaluation is not open (closed, or not started).
    NotOpen,
    /// The town's evaluation of the half has been opened already.
    AlreadyOpen,
    /// Closing: the paper ballots are unconfirmed or changed since the
    /// tally.
    PaperUnconfirmed,
    /// Closing: votes came in after the tally.
    VotedSinceTally,
    /// A case was moved by someone else first.
    CaseMoved,
    /// Codes or paper ballots before the raters were confirmed (or after
    /// they were declared again).
    RatersUnconfirmed,
    /// Codes and paper ballots together would exceed the confirmed raters.
    OverRaters,
    /// Raters declared below the codes and paper ballots already counted.
    BelowUsed,
    /// The part (raters or paper counts) was changed or confirmed since
    /// it was read.
    SignoffMoved(touyan_records::model::SignPart),
    /// Whoever entered a part may not confirm it.
    OwnEntry(touyan_records::model::SignPart),
    /// A batch of codes to replace: its unused codes changed since they
    /// were read (one voted, or the batch was replaced already).
    BatchChanged,
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Open { url, message } => write!(f, "无法打开数据库 {url}：{message}"),
            StoreError::Migrate(m) => write!(f, "数据库迁移失败：{m}"),
            StoreError::MissingReference { table, message } => write!(
                f,
                "写入{table}失败：引用的镇街、村、人员或其他记录不存在（外键约束：{message}）"
            ),
            StoreError::Duplicate { table, message } => {
                write!(f, "写入{table}失败：已有相同的记录（{message}）")
            }
            StoreError::Invalid(m) => write!(f, "无法保存：{m}"),
            StoreError::AlreadyRecorded { what } => {
                write!(f, "该{what}已经登记，不能重复登记；请刷新页面查看")
            }
            StoreError::RecordedDiffers { what, count } => write!(
                f,
                "“{what}”中有 {count} 条已登记的记录与工作簿中的不同：已登记的记录不能通过导入修改，请在相应页面办理"
            ),
            StoreError::LimitExceeded { count, limit } => {
                write!(f, "已有 {count} 条，已达上限 {limit} 条；请刷新页面后重试")
            }
            StoreError::Internal(m) => write!(f, "内部错误：{m}"),
            StoreError::Corrupt {
                table,
                key,
                message,
            } => write!(f, "数据库中的{table}记录 {key} 无法读取：{message}"),
            StoreError::Stale => f.write_str("记录已被他人处理，状态已经改变，请刷新页面后重试"),
            StoreError::Evaluation(_) => {
                f.write_str("评价记录的状态已经改变，不能保存；请刷新页面后核对")
            }
            StoreError::Key(m) => write!(f, "一卡通账号密钥：{m}"),
            StoreError::Database(m) => write!(f, "数据库操作失败：{m}"),
        }
    }
}

impl std::error::Error for StoreError {}

impl StoreError {
    /// Classifies a database error met while writing `table` (a Chinese
    /// name): constraint violations by their kind (SQLite never names the
    /// constraint), everything else as it is.
    pub(crate) fn writing(table: &'static str, e: DbErr) -> StoreError {
        match e.sql_err() {
            Some(SqlErr::ForeignKeyConstraintViolation(message)) => {
                StoreError::MissingReference { table, message }
            }
            Some(SqlErr::UniqueConstraintViolation(message)) => {
                StoreError::Duplicate { table, message }
            }
            _ => StoreError::Database(e.to_string()),
        }
    }
}

impl From<DbErr> for StoreError {
    fn from(e: DbErr) -> StoreError {
        StoreError::Database(e.to_string())
    }
}
