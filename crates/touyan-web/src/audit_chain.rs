//! The change log's hash chain in words (the audit page's line and
//! `touyan audit verify`), and the chain's state kept between page views.
//!
//! The page must not walk 100,000 rows at each view, so the state is
//! verified incrementally: the first view after the server starts walks
//! the whole chain; later views check that the head found then still has
//! its hash and walk only the rows written since. A row changed behind
//! the head would go unseen that way, so the whole chain is walked again
//! in the background once the last whole walk is older than
//! [`FULL_EVERY`]; the page shows the latest state either way.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use touyan_storage::{BrokenRow, ChainBreak, ChainState, Recorded, Store, StoreError, table_zh};

use crate::state::china_time;

/// How old the last whole walk may be before the next view starts one.
pub const FULL_EVERY: Duration = Duration::from_secs(600);

/// How the chain is broken, in words.
pub fn break_kind(b: &BrokenRow) -> String {
    match &b.kind {
        ChainBreak::Altered => "内容与摘要不符：写入后被改动过（或是伪造的一条）".into(),
        ChainBreak::Unsealed => "没有摘要：不是经由本系统写入的".into(),
        ChainBreak::Missing { after: Some(a) } => {
            format!("接不上第 #{a} 条：两者之间的记录被删除，或第 #{a} 条被改动后重算了摘要")
        }
        ChainBreak::Missing { after: None } => "接不上链首：此前的记录被删除".into(),
        ChainBreak::Inserted => "是插入的：其后一条直接接在其前一条之后".into(),
        ChainBreak::PastHead { head_id } => {
            format!("在链头（第 #{head_id} 条）之后，是绕过本系统追加的")
        }
        ChainBreak::Truncated {
            last: Some(l),
            head_id,
        } => format!("起至第 #{head_id} 条被删除（链尾被截去，现存最后一条为第 #{l} 条）"),
        ChainBreak::Truncated {
            last: None,
            head_id,
        } => format!("起至第 #{head_id} 条被删除（全部记录都已不在）"),
        ChainBreak::HeadMismatch => "摘要与链头记载的不符：此前的摘要被重算过".into(),
        ChainBreak::NotAsRecorded => "摘要与记下的不符：整条链被重算过".into(),
        ChainBreak::RecordedMissing => "是记下的一条，现已不在".into(),
        ChainBreak::NoHead => "链头缺失：操作日志的链头表被改动过".into(),
    }
}

/// "第 #12 条（2026-01-02 11:04，操作人 张三，数据表 人员）…".
pub fn break_text(b: &BrokenRow) -> String {
    let mut row = format!("第 #{} 条", b.id);
    if let (Some(at), Some(actor), Some(table)) = (b.at, &b.actor, &b.table) {
        row.push_str(&format!(
            "（{}，操作人 {actor}，数据表 {}）",
            china_time(at),
            table_zh(table)
        ));
    }
    format!("{row}{}", break_kind(b))
}

/// The first characters of a hash, for a line.
pub fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

/// The chain's state in one line.
pub fn state_line(s: &ChainState) -> String {
    match &s.broken {
        None if s.head_id == 0 => "摘要链完整：尚无记录".into(),
        None => format!(
            "摘要链完整：共 {} 条，最后一条 #{}，摘要 {}…",
            s.checked,
            s.head_id,
            short(&s.head_hash)
        ),
        Some(b) => format!("摘要链已被破坏：{}", break_text(b)),
    }
}

struct KeptChain {
    state: ChainState,
    /// When the state's whole walk began.
    full_at: Instant,
}

/// The chain's state kept between page views.
#[derive(Default)]
pub struct Kept {
    kept: Arc<Mutex<Option<KeptChain>>>,
    walking: Arc<AtomicBool>,
}

impl Kept {
    fn lock(&self) -> std::sync::MutexGuard<'_, Option<KeptChain>> {
        self.kept.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The chain's state now (see the module's note).
    pub async fn current(&self, store: &Store) -> Result<ChainState, StoreError> {
        let prior = self
            .lock()
            .as_ref()
            .map(|k| (k.state.clone(), k.full_at.elapsed() < FULL_EVERY));
        let (state, fresh) = match prior {
            Some((s, fresh)) if s.intact() && s.head_id > 0 => {
                let from = Recorded {
                    id: s.head_id,
                    hash: s.head_hash.clone(),
                };
                (
                    store.verify_audit_chain_from(&from, s.checked).await?,
                    fresh,
                )
            }
            Some((s, true)) if !s.intact() => (s, true),
            _ => {
                let began = Instant::now();
                let s = store.verify_audit_chain(None).await?;
                *self.lock() = Some(KeptChain {
                    state: s.clone(),
                    full_at: began,
                });
                return Ok(s);
            }
        };
        if let Some(k) = self.lock().as_mut() {
            k.state = state.clone();
        }
        if !fresh && !self.walking.swap(true, Ordering::AcqRel) {
            let (kept, walking, store) = (self.kept.clone(), self.walking.clone(), store.clone());
            tokio::spawn(async move {
                let began = Instant::now();
                if let Ok(s) = store.verify_audit_chain(None).await {
                    *kept.lock().unwrap_or_else(|e| e.into_inner()) = Some(KeptChain {
                        state: s,
                        full_at: began,
                    });
                }
                walking.store(false, Ordering::Release);
            });
        }
        Ok(state)
    }
}
