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
pub mod town;

use std::collections::HashSet;
use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
use std::io::{self, Write};

use serde::Deserialize;
use serde_json::value::RawValue;
use time::Date;
use touyan_rules::policy::Raw;
use touyan_rules::{Params, Policy};

pub use error::CaseError;
use input::{IsoDate, Town};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Head<'a> {
    as_of: IsoDate,
    #[serde(default)]
    policy: Option<serde_json::Map<String, serde_json::Value>>,
    #[serde(borrow)]
    towns: Vec<&'a RawValue>,
}

/// A case read and its policy resolved; towns still raw.
pub struct Prepared<'a> {
    pub as_of: Date,
    pub params: Params,
    pub policy_id: String,
    /// Example values (not official) among the parameters in force.
    pub example_values: Vec<&'static str>,
    towns: Vec<&'a RawValue>,
}

impl Prepared<'_> {
    pub fn town_count(&self) -> usize {
        self.towns.len()
    }
}

/// Parses the document's head (`as_of`, `policy`) and resolves the policy
/// with the case's overrides on `as_of`.
pub fn prepare<'a>(input: &'a [u8], policy: &Policy) -> Result<Prepared<'a>, CaseError> {
    let mut de = serde_json::Deserializer::from_slice(input);
    let head: Head<'a> =
        serde_path_to_error::deserialize(&mut de).map_err(|e| error::from_serde("", e))?;
    de.end().map_err(|e| {
        CaseError::new(
            ".",
            format!("trailing characters after the document: {e}（文档末尾有多余内容）"),
        )
    })?;
    let mut policy = policy.clone();
    for (name, value) in head.policy.iter().flatten() {
        let text;
        let raw = match value {
            serde_json::Value::Number(n) => {
                text = n.to_string();
                Raw::Number(&text)
            }
            serde_json::Value::Bool(b) => Raw::Bool(*b),
            serde_json::Value::String(s) => Raw::Text(s),
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
    let as_of = head.as_of.0;
    let params = policy
        .resolve(as_of)
        .map_err(|e| CaseError::new("as_of", format!("{e}")))?;
    Ok(Prepared {
        as_of,
        params,
        policy_id: policy.id.clone(),
        example_values: policy.examples_in_force(as_of),
        towns: head.towns,
    })
}

/// Parses town `t` with a JSON path on error.
fn parse_town(raw: &RawValue, t: usize) -> Result<Town, CaseError> {
    // The fast parser first; on error, again with path tracking.
    serde_json::from_str(raw.get()).map_err(|_| {
        let mut de = serde_json::Deserializer::from_str(raw.get());
        match serde_path_to_error::deserialize::<_, Town>(&mut de) {
            Err(e) => error::from_serde(&format!("towns[{t}]"), e),
            Ok(_) => CaseError::new(format!("towns[{t}]"), "invalid town（镇街数据有误）"),
        }
    })
}

type IdHasher = BuildHasherDefault<DefaultHasher>;

fn id_hash(id: &str) -> u64 {
    IdHasher::default().hash_one(id)
}

/// One town's JSON and the hashes of its people's ids, or its error.
type TownOutput = Result<(Vec<u8>, Vec<u64>), CaseError>;

/// One town, start to finish.
fn one_town(p: &Prepared<'_>, t: usize) -> TownOutput {
    let town = parse_town(p.towns[t], t)?;
    let village_count = town::validate(&p.params, p.as_of, &town, t)?;
    let r = town::decide(&p.params, p.as_of, &town, t, village_count);
    let mut j = output::Json::new();
    if t > 0 {
        j.buf.push(b',');
    }
    output::town(&mut j, &r);
    let ids = town
        .villages
        .iter()
        .flat_map(|v| {
            v.secretary
                .iter()
                .map(|s| s.id.as_str())
                .chain(v.young_cadres.iter().flatten().map(|y| y.id.as_str()))
        })
        .map(id_hash)
        .collect();
    Ok((j.buf, ids))
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
    let ids: Vec<&str> = town
        .villages
        .iter()
        .flat_map(|v| {
            v.secretary
                .iter()
                .map(|s| s.id.as_str())
                .chain(v.young_cadres.iter().flatten().map(|y| y.id.as_str()))
        })
        .filter(|id| id_hash(id) == hash)
        .collect();
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

/// Towns decided per batch; each batch is split across the threads.
const BATCH: usize = 64;

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

/// Decides every town and writes the output document to `out`, in input
/// order, using up to `threads` threads. On `Err(RunError::Case)`, part of
/// the output may have been written: a caller that promises "nothing on
/// stdout" writes into a buffer or truncates the file it wrote to.
pub fn run(p: &Prepared<'_>, threads: usize, out: &mut dyn Write) -> Result<(), RunError> {
    let mut j = output::Json::new();
    output::head(&mut j, &p.policy_id);
    out.write_all(&j.buf)?;
    let threads = threads.clamp(1, 64);
    let mut seen: HashSet<u64, IdHasher> = HashSet::default();
    let mut start = 0;
    while start < p.towns.len() {
        let end = (start + BATCH * threads).min(p.towns.len());
        let results: Vec<TownOutput> = if threads == 1 || end - start < 2 {
            (start..end).map(|t| one_town(p, t)).collect()
        } else {
            let per = (end - start).div_ceil(threads);
            std::thread::scope(|s| {
                let handles: Vec<_> = (start..end)
                    .step_by(per)
                    .skip(1)
                    .map(|a| {
                        s.spawn(move || {
                            (a..(a + per).min(end))
                                .map(|t| one_town(p, t))
                                .collect::<Vec<_>>()
                        })
                    })
                    .collect();
                let mut all: Vec<_> = (start..(start + per).min(end))
                    .map(|t| one_town(p, t))
                    .collect();
                for h in handles {
                    match h.join() {
                        Ok(part) => all.extend(part),
                        Err(panic) => std::panic::resume_unwind(panic),
                    }
                }
                all
            })
        };
        for (t, r) in (start..end).zip(results) {
            let (bytes, ids) = r?;
            for &h in &ids {
                if !seen.insert(h)
                    && let Some(e) = duplicate_error(p, t, h)
                {
                    return Err(e.into());
                }
            }
            out.write_all(&bytes)?;
        }
        start = end;
    }
    let mut j = output::Json::new();
    output::tail(&mut j);
    out.write_all(&j.buf)?;
    Ok(())
}

/// The whole output document in memory (for small cases and the web API).
pub fn evaluate(input: &[u8], policy: &Policy) -> Result<Vec<u8>, CaseError> {
    let p = prepare(input, policy)?;
    let mut out = Vec::new();
    match run(&p, 1, &mut out) {
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
        let village_count = town::validate(&p.params, p.as_of, town, t)?;
        for v in &town.villages {
            for id in v
                .secretary
                .iter()
                .map(|s| s.id.as_str())
                .chain(v.young_cadres.iter().flatten().map(|y| y.id.as_str()))
            {
                if !seen.insert(id_hash(id))
                    && let Some(e) = duplicate_error(p, t, id_hash(id))
                {
                    return Err(e);
                }
            }
        }
        results.push(town::decide(&p.params, p.as_of, town, t, village_count));
    }
    Ok(f(&results))
}
