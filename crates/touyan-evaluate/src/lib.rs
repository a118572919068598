//! # touyan-evaluate: the `evaluate` contract
//!
//! One JSON document in, one JSON document out, exactly as
//! `../shared/policy/evaluate-format.md` says. The command line
//! (`touyan evaluate`), the HTTP API and the what-if page all call this
//! crate, so they agree by construction. Pure like the rules crate: it reads
//! bytes and writes bytes; files and sockets are the caller's.
//!
//! Towns are independent, so each is parsed, checked, decided and written on
//! its own, on as many threads as the machine has (input order is kept).
//! Bad input is reported as a [`CaseError`] naming the JSON path; the caller
//! must then print nothing on stdout (see [`run`]).

pub mod error;
pub mod explain;
pub mod input;
pub mod output;
mod scan;
pub mod town;

use std::collections::{BTreeMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock, mpsc};

use time::Date;
use touyan_rules::policy::ExtraCondition;
use touyan_rules::policy::Raw;
use touyan_rules::{Params, Policy};

pub use error::CaseError;
use input::{IsoDate, Town};

/// A case read and its policy resolved; towns still raw.
pub struct Prepared<'a> {
    pub as_of: Date,
    pub params: Params,
    /// The conditions the policy adds that are in force on `as_of`
    /// (`[[conditions]]`, in the file's order).
    pub conditions: Vec<ExtraCondition>,
    pub policy_id: String,
    /// Example values (not official) among the parameters in force.
    pub example_values: Vec<&'static str>,
    towns: Vec<&'a [u8]>,
}

impl Prepared<'_> {
    pub fn town_count(&self) -> usize {
        self.towns.len()
    }
}

/// Parses a head value with a JSON path on error.
fn head_value<'a, T: serde::Deserialize<'a>>(slice: &'a [u8], path: &str) -> Result<T, CaseError> {
    let mut de = serde_json::Deserializer::from_slice(slice);
    serde_path_to_error::deserialize(&mut de).map_err(|e| error::from_serde(path, e))
}

/// Reads the document's top level (`as_of`, `policy`, where the towns are)
/// and resolves the policy with the case's overrides on `as_of`.
pub fn prepare<'a>(input: &'a [u8], policy: &Policy) -> Result<Prepared<'a>, CaseError> {
    from_top(scan::top_level(input)?, policy)
}

fn from_top<'a>(top: scan::TopLevel<'a>, policy: &Policy) -> Result<Prepared<'a>, CaseError> {
    let missing = |f: &str| CaseError::new(f, format!("missing field（缺少必填字段 {f}）"));
    let as_of = top.as_of.ok_or_else(|| missing("as_of"))?;
    let towns = top.towns.ok_or_else(|| missing("towns"))?;
    let (env, policy) = resolve_head(as_of, top.policy, policy)?;
    Ok(Prepared {
        example_values: policy.examples_in_force(env.as_of),
        policy_id: policy.id.clone(),
        as_of: env.as_of,
        params: env.params,
        conditions: env.conditions,
        towns,
    })
}

/// What every town is decided with.
struct Env {
    as_of: Date,
    params: Params,
    conditions: Vec<ExtraCondition>,
}

/// `as_of` and the case's policy overrides, resolved against `policy`.
fn resolve_head(
    as_of: &[u8],
    overrides: Option<&[u8]>,
    policy: &Policy,
) -> Result<(Env, Policy), CaseError> {
    let as_of: IsoDate = head_value(as_of, "as_of")?;
    // Raw values, so that numbers keep the exact text the author wrote.
    let overrides: Option<std::collections::BTreeMap<String, &serde_json::value::RawValue>> =
        match overrides {
            Some(slice) => head_value(slice, "policy")?,
            None => None,
        };
    let mut policy = policy.clone();
    for (name, value) in overrides.iter().flatten() {
        let text = value.get();
        let unquoted: String;
        let raw = match text.as_bytes().first() {
            Some(b'-' | b'0'..=b'9') => Raw::Number(text),
            Some(b't') => Raw::Bool(true),
            Some(b'f') => Raw::Bool(false),
            Some(b'"') => {
                unquoted = serde_json::from_str(text).unwrap_or_default();
                Raw::Text(&unquoted)
            }
            _ => {
                return Err(CaseError::new(
                    format!("policy.{name}"),
                    "must be a number, a boolean or a string（参数值应为数字、布尔值或文字）",
                ));
            }
        };
        policy.set_override(name, raw).map_err(|m| {
            let what = if touyan_rules::policy::spec(name).is_some() {
                "invalid value"
            } else {
                "unknown parameter"
            };
            CaseError::new(format!("policy.{name}"), format!("{what}（{m}）"))
        })?;
    }
    let as_of = as_of.0;
    let params = policy
        .resolve(as_of)
        .map_err(|e| CaseError::new("as_of", format!("{e}")))?;
    let conditions = policy
        .conditions
        .iter()
        .filter(|c| c.since <= as_of)
        .cloned()
        .collect();
    Ok((
        Env {
            as_of,
            params,
            conditions,
        },
        policy,
    ))
}

/// Parses town `t` with a JSON path on error.
fn parse_town(raw: &[u8], t: usize) -> Result<Town<'_>, CaseError> {
    // One UTF-8 check of the whole town is cheaper than one per string.
    let Ok(text) = std::str::from_utf8(raw) else {
        return Err(CaseError::new(
            format!("towns[{t}]"),
            "invalid UTF-8（文字编码不是 UTF-8）",
        ));
    };
    // The fast parser first; on error, again with path tracking.
    serde_json::from_str(text).map_err(|_| {
        let mut de = serde_json::Deserializer::from_str(text);
        match serde_path_to_error::deserialize::<_, Town>(&mut de) {
            Err(e) => error::from_serde(&format!("towns[{t}]"), e),
            Ok(_) => CaseError::new(format!("towns[{t}]"), "invalid town（镇街数据有误）"),
        }
    })
}

/// The ids of a town's people (secretaries and young cadres), in input order.
fn people<'t>(town: &'t Town<'_>) -> impl Iterator<Item = &'t str> {
    town.villages.iter().flat_map(|v| {
        v.secretary
            .iter()
            .map(|s| &*s.id)
            .chain(v.young_cadres.iter().flatten().map(|y| &*y.id))
    })
}

/// Hash of a person id (FNV-1a). It is only a first filter: a hash seen
/// twice is confirmed against the input before it is called a duplicate.
fn id_hash(id: &str) -> u64 {
    id.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The set of id hashes needs no second hash: the keys are hashes already,
/// spread over the high bits the table uses by one multiplication.
#[derive(Default)]
struct SpreadHasher(u64);

impl Hasher for SpreadHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
    fn finish(&self) -> u64 {
        self.0.wrapping_mul(0x9e37_79b9_7f4a_7c15)
    }
}

type IdHasher = BuildHasherDefault<SpreadHasher>;

/// One town's JSON and the hashes of its people's ids, or its error.
type TownOutput = Result<(Vec<u8>, Vec<u64>), CaseError>;

/// One town, start to finish.
fn one_town(
    params: &Params,
    conditions: &[ExtraCondition],
    as_of: Date,
    raw: &[u8],
    t: usize,
) -> TownOutput {
    let town = parse_town(raw, t)?;
    let village_count = town::validate(params, conditions, as_of, &town, t)?;
    let r = town::decide(params, conditions, as_of, &town, t, village_count);
    let mut j = output::Json::new();
    if t > 0 {
        j.buf.push(',');
    }
    output::town(&mut j, &r);
    let ids = people(&town).map(id_hash).collect();
    Ok((j.buf.into_bytes(), ids))
}

/// Finds where a person id first occurs in towns `0..=last`, and its path.
fn person_path(p: &Prepared<'_>, id: &str, skip: usize, last: usize) -> Option<String> {
    let mut seen = 0;
    for t in 0..=last {
        let town = parse_town(p.towns[t], t).ok()?;
        for (j, v) in town.villages.iter().enumerate() {
            let mut paths = Vec::new();
            if let Some(s) = &v.secretary
                && s.id == id
            {
                paths.push(format!("towns[{t}].villages[{j}].secretary.id"));
            }
            for (k, y) in v.young_cadres.iter().flatten().enumerate() {
                if y.id == id {
                    paths.push(format!("towns[{t}].villages[{j}].young_cadres[{k}].id"));
                }
            }
            for path in paths {
                if seen == skip {
                    return Some(path);
                }
                seen += 1;
            }
        }
    }
    None
}

/// The error for a person id that occurs in two towns (exact, found again
/// from the input once the hash has seen it twice).
fn duplicate_error(p: &Prepared<'_>, t: usize, hash: u64) -> Option<CaseError> {
    let town = parse_town(p.towns[t], t).ok()?;
    let ids: Vec<&str> = people(&town).filter(|id| id_hash(id) == hash).collect();
    for id in ids {
        let first = person_path(p, id, 0, t)?;
        if let Some(second) = person_path(p, id, 1, t) {
            return Some(CaseError::new(
                second,
                format!("{id:?} is also the id of {first}（人员 id 重复）"),
            ));
        }
    }
    None // a hash collision between different ids: not an error
}

/// Towns per unit of work handed to a thread.
const BATCH: usize = 32;

/// An error while running: bad input, or the output could not be written.
#[derive(Debug)]
pub enum RunError {
    Case(CaseError),
    Io(io::Error),
}

impl From<CaseError> for RunError {
    fn from(e: CaseError) -> RunError {
        RunError::Case(e)
    }
}

impl From<io::Error> for RunError {
    fn from(e: io::Error) -> RunError {
        RunError::Io(e)
    }
}

/// Checks a town's people against everyone seen so far, then writes it.
struct Sink<'o, 'p, 'a> {
    p: &'p Prepared<'a>,
    out: &'o mut dyn Write,
    seen: HashSet<u64, IdHasher>,
}

impl Sink<'_, '_, '_> {
    fn take(&mut self, t: usize, r: TownOutput) -> Result<(), RunError> {
        let (bytes, ids) = r?;
        for &h in &ids {
            if !self.seen.insert(h)
                && let Some(e) = duplicate_error(self.p, t, h)
            {
                return Err(e.into());
            }
        }
        self.out.write_all(&bytes)?;
        Ok(())
    }
}

/// Decides every town and writes the output document to `out`, in input
/// order, on up to `threads` threads (workers decide batches of towns while
/// this thread writes finished ones in order). The first bad town in input
/// order is the error reported, whatever the number of threads.
///
/// On `Err(RunError::Case)`, part of the output may have been written: a
/// caller that promises "nothing on stdout" writes into a buffer or cuts
/// back the file it wrote to.
pub fn run(p: &Prepared<'_>, threads: usize, out: &mut dyn Write) -> Result<(), RunError> {
    let mut j = output::Json::new();
    output::head(&mut j, &p.policy_id);
    out.write_all(j.buf.as_bytes())?;
    let mut sink = Sink {
        p,
        out,
        seen: HashSet::default(),
    };
    let n = p.towns.len();
    let batches = n.div_ceil(BATCH);
    let threads = threads.clamp(1, 64).min(batches.max(1));
    if threads == 1 {
        for t in 0..n {
            sink.take(
                t,
                one_town(&p.params, &p.conditions, p.as_of, p.towns[t], t),
            )?;
        }
    } else {
        let next = AtomicUsize::new(0);
        let stop = AtomicBool::new(false);
        // Bounded, so that workers never run far ahead of the writer.
        let (tx, rx) = mpsc::sync_channel::<(usize, Vec<TownOutput>)>(threads * 4);
        let result = std::thread::scope(|s| {
            for _ in 0..threads {
                let tx = tx.clone();
                let (next, stop) = (&next, &stop);
                s.spawn(move || {
                    loop {
                        let b = next.fetch_add(1, Ordering::Relaxed);
                        if b >= batches || stop.load(Ordering::Relaxed) {
                            break;
                        }
                        let towns = (b * BATCH..((b + 1) * BATCH).min(n))
                            .map(|t| one_town(&p.params, &p.conditions, p.as_of, p.towns[t], t))
                            .collect();
                        if tx.send((b, towns)).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(tx);
            let mut pending = BTreeMap::new();
            let mut want = 0;
            let mut outcome = Ok(());
            'recv: for (b, towns) in rx.iter() {
                pending.insert(b, towns);
                while let Some(towns) = pending.remove(&want) {
                    for (k, r) in towns.into_iter().enumerate() {
                        if let Err(e) = sink.take(want * BATCH + k, r) {
                            outcome = Err(e);
                            stop.store(true, Ordering::Relaxed);
                            break 'recv;
                        }
                    }
                    want += 1;
                }
            }
            // Dropping the receiver releases any worker blocked on send.
            drop(rx);
            outcome
        });
        result?;
    }
    let mut j = output::Json::new();
    output::tail(&mut j);
    sink.out.write_all(j.buf.as_bytes())?;
    Ok(())
}

/// Below this size a case is decided on the calling thread: starting
/// threads would cost more than they save.
const PARALLEL_FROM_BYTES: usize = 1 << 20;

/// Decides a whole case from its bytes and writes the output document to
/// `out`, on up to `threads` threads.
///
/// Large cases are pipelined: as soon as the scanner reaches the towns (and
/// `as_of` came before them) each town is handed to a worker while the rest
/// of the document is still being scanned; nothing is written until the
/// whole document has been scanned. Should the head turn out to differ from
/// what the workers assumed (a `policy` after the towns), their work is
/// dropped and the case is decided again. The result, and the error reported
/// for bad input, are the same as on one thread.
///
/// On `Err(RunError::Case)`, part of the output may have been written (see
/// [`run`]).
// One piece: the case's pipeline (scan, hand towns to workers, write in input order) reads as one.
pub fn run_input(
    input: &[u8],
    policy: &Policy,
    threads: usize,
    out: &mut dyn Write,
) -> Result<(), RunError> {
    let threads = threads.clamp(1, 64);
    if threads == 1 || input.len() < PARALLEL_FROM_BYTES {
        let p = prepare(input, policy)?;
        return run(&p, threads, out);
    }
    type Assumed<'a> = (Env, Option<&'a [u8]>, Option<&'a [u8]>);
    let assumed: OnceLock<Assumed<'_>> = OnceLock::new();
    let stop = AtomicBool::new(false);
    let (job_tx, job_rx) = mpsc::channel::<Vec<(usize, &[u8])>>();
    let job_rx = Mutex::new(job_rx);
    let (res_tx, res_rx) = mpsc::channel::<Vec<(usize, TownOutput)>>();
    std::thread::scope(|s| {
        let spawn_worker = |res_tx: mpsc::Sender<Vec<(usize, TownOutput)>>| {
            let (job_rx, stop, assumed) = (&job_rx, &stop, &assumed);
            s.spawn(move || {
                loop {
                    let job = match job_rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => break,
                    };
                    let Ok(batch) = job else { break };
                    if stop.load(Ordering::Relaxed) {
                        continue;
                    }
                    let Some((env, _, _)) = assumed.get() else {
                        continue;
                    };
                    let done = batch
                        .into_iter()
                        .map(|(t, raw)| {
                            (t, one_town(&env.params, &env.conditions, env.as_of, raw, t))
                        })
                        .collect();
                    if res_tx.send(done).is_err() {
                        break;
                    }
                }
            });
        };
        // While this thread scans, one thread fewer decides; the last
        // worker starts when the scan is done (this thread then only writes).
        for _ in 1..threads {
            spawn_worker(res_tx.clone());
        }
        let last_worker = res_tx;

        let mut batch = Vec::with_capacity(BATCH);
        let scanned = scan::top_level_with(
            input,
            &mut |head| {
                if let Some(as_of) = head.as_of
                    && let Ok((env, _)) = resolve_head(as_of, head.policy, policy)
                {
                    let _ = assumed.set((env, head.as_of, head.policy));
                }
            },
            &mut |t, raw| {
                if assumed.get().is_some() {
                    batch.push((t, raw));
                    if batch.len() == BATCH {
                        let _ =
                            job_tx.send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)));
                    }
                }
            },
        );
        if !batch.is_empty() {
            let _ = job_tx.send(batch);
        }
        drop(job_tx);
        spawn_worker(last_worker);

        let give_up = |e: CaseError| {
            stop.store(true, Ordering::Relaxed);
            Err(RunError::Case(e))
        };
        let top = match scanned {
            Ok(top) => top,
            Err(e) => return give_up(e),
        };
        let as_assumed = assumed
            .get()
            .is_some_and(|(_, as_of, pol)| *as_of == top.as_of && *pol == top.policy);
        let p = match from_top(top, policy) {
            Ok(p) => p,
            Err(e) => return give_up(e),
        };
        if !as_assumed {
            stop.store(true, Ordering::Relaxed);
            return run(&p, threads, out);
        }

        let mut j = output::Json::new();
        output::head(&mut j, &p.policy_id);
        out.write_all(j.buf.as_bytes())?;
        let mut sink = Sink {
            p: &p,
            out,
            seen: HashSet::default(),
        };
        let mut pending = BTreeMap::new();
        let mut want = 0;
        for done in res_rx.iter() {
            pending.extend(done);
            while let Some(r) = pending.remove(&want) {
                if let Err(e) = sink.take(want, r) {
                    stop.store(true, Ordering::Relaxed);
                    return Err(e);
                }
                want += 1;
            }
        }
        // Every town was handed out and every worker has finished.
        for t in want..p.towns.len() {
            sink.take(
                t,
                one_town(&p.params, &p.conditions, p.as_of, p.towns[t], t),
            )?;
        }
        let mut j = output::Json::new();
        output::tail(&mut j);
        sink.out.write_all(j.buf.as_bytes())?;
        Ok(())
    })
}

/// The whole output document in memory (for small cases and the web API).
pub fn evaluate(input: &[u8], policy: &Policy) -> Result<Vec<u8>, CaseError> {
    let mut out = Vec::new();
    match run_input(input, policy, 1, &mut out) {
        Ok(()) => Ok(out),
        Err(RunError::Case(e)) => Err(e),
        Err(RunError::Io(e)) => Err(CaseError::new(".", e.to_string())),
    }
}

/// Every town parsed, checked and decided, for the Chinese report.
pub fn with_results<T>(
    p: &Prepared<'_>,
    f: impl FnOnce(&[town::TownResult<'_>]) -> T,
) -> Result<T, CaseError> {
    let towns: Vec<Town> = (0..p.towns.len())
        .map(|t| parse_town(p.towns[t], t))
        .collect::<Result<_, _>>()?;
    let mut results = Vec::with_capacity(towns.len());
    let mut seen: HashSet<u64, IdHasher> = HashSet::default();
    for (t, town) in towns.iter().enumerate() {
        let village_count = town::validate(&p.params, &p.conditions, p.as_of, town, t)?;
        for h in people(town).map(id_hash) {
            if !seen.insert(h)
                && let Some(e) = duplicate_error(p, t, h)
            {
                return Err(e);
            }
        }
        results.push(town::decide(
            &p.params,
            &p.conditions,
            p.as_of,
            town,
            t,
            village_count,
        ));
    }
    Ok(f(&results))
}
