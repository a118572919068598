//! The young-cadre programme (优才计划, Article 10): a town's candidates,
//! their ranking for the free places under the cap, and every move —
//! scoring, selecting, deselecting, filing, returning, proposing,
//! granting or declining an extension — decided once for the page (and
//! whatever records a move next).
//!
//! Who may make a move is `touyan_workflow::art10_young`; the age limit,
//! the cap, the pay and the ranking are `touyan_rules::art10_young_cadres`
//! (the order of equal scores is [`art10_young_cadres::rank`]'s: the day
//! the score was recorded, the village code, the moment that day, and
//! only then the ID number). A move is written by
//! `Store::move_young` in one transaction, refused when someone else moved
//! the candidate first or the cap is full.
//!
//! Cadres on the programme by import without a candidate row stand as
//! selected (not yet filed) or filed.

use rust_decimal::Decimal;
use time::macros::offset;
use time::{Date, PrimitiveDateTime};
use touyan_records::model::{
    Exit, Labelled, PostRole, Programme, Records, Reserve, YoungCadre, YoungCandidate,
    YoungMoveKind, YoungState,
};
use touyan_records::{CitizenId, CommitteeKind, TownCode, VillageCode};
use touyan_rules::art10_young_cadres::{self, AgeReason, MonthlyPay, Place, Waiting};
use touyan_rules::decision::Decision;
use touyan_rules::{Params, Policy};
use touyan_storage::{Store, StoreError, YoungChange, YoungMoveRun};
use touyan_workflow::Actor;
use touyan_workflow::art10_young::{self as flow, Extension, Facts};

use crate::{By, OfficeError, when};

/// What a town's young-cadre page and its moves read, for the year of
/// the selection.
pub struct YoungTown {
    pub town: TownCode,
    /// The year candidates are scored and selected for.
    pub year: i32,
    /// The town's young cadres, their people, settings (`young_records`).
    pub young: Records,
    /// The town's posts, reserves and people (`town_records`).
    pub records: Records,
    pub candidates: Vec<YoungCandidate>,
    /// Every move of the town's candidates, in the order they were made.
    pub moves: Vec<YoungMoveRun>,
    /// The names of who made the moves.
    pub signers: crate::signers::Signers,
}

/// `town`'s young cadres, candidates and moves for `year`.
pub async fn town(store: &Store, year: i32, town: TownCode) -> Result<YoungTown, OfficeError> {
    let moves = store.young_moves(town).await?;
    let by: Vec<&str> = moves.iter().map(|m| m.by.as_str()).collect();
    let signers = crate::signers::of(store, &by).await?;
    Ok(YoungTown {
        town,
        year,
        young: store.young_records(year, town).await?,
        records: store.town_records(year, town).await?,
        candidates: store.young_candidates(town).await?,
        moves,
        signers,
    })
}

/// The ranking of the town's waiting candidates (scored for the year, not
/// selected) for the places the cap leaves free.
pub struct Ranking<'a> {
    /// The cap (Article 10).
    pub cap: Decision<u32, String>,
    /// The places left: the cap less the cadres on the programme.
    pub free: u32,
    /// Every waiting candidate in order ([`art10_young_cadres::rank`]).
    pub order: Decision<Vec<Place>, String>,
    /// The waiting candidates, as `order`'s indices count them.
    waiting: Vec<&'a CitizenId>,
}

impl Ranking<'_> {
    /// The person's place (from 1) and how it was decided; `None` when
    /// not waiting.
    pub fn of(&self, id: &CitizenId) -> Option<(usize, Place)> {
        self.order
            .outcome
            .iter()
            .enumerate()
            .find(|(_, p)| self.waiting[p.index] == id)
            .map(|(k, p)| (k + 1, *p))
    }

    /// The selection sentence (empty when nobody waits).
    pub fn sentence(&self) -> String {
        if self.waiting.is_empty() {
            return String::new();
        }
        format!(
            "尚余名额 {} 名；{}（{}）",
            self.free,
            self.order.reason,
            self.order.rule.citation()
        )
    }
}

/// A candidate or a cadre on the programme, as decided today.
pub struct CandidateView<'a> {
    pub person: &'a CitizenId,
    /// The candidate row (`None`: on the programme by import).
    pub candidate: Option<&'a YoungCandidate>,
    pub state: Option<YoungState>,
    pub age: Decision<bool, AgeReason>,
    pub village: VillageCode,
    pub score: Decimal,
    pub current_pay: Decimal,
    /// The monthly pay (`None`: the town's settings of the year, or the
    /// person, are not on record).
    pub pay: Option<Decision<MonthlyPay, MonthlyPay>>,
    /// The place in the ranking, when waiting.
    pub place: Option<(usize, Place)>,
    /// The moves the actor may make now (scoring is the score form's).
    pub moves: Vec<YoungMoveKind>,
}

/// A cadre who may be scored: a two-committee cadre other than a
/// secretary today, within the age limit, not on the programme.
pub struct Eligible<'a> {
    pub person: &'a CitizenId,
    pub village: VillageCode,
    pub age: Decision<bool, AgeReason>,
}

/// Where a young cadre stands on a day (Article 10).
pub struct Standing {
    /// Within the programme's age limit, with the age as the reason.
    pub age: Decision<bool, AgeReason>,
    /// Past the limit: the extension approved or proposed, or what one
    /// would need (empty within the limit).
    pub extension: String,
    /// In the secretary reserve pool (Article 10's link to Article 9).
    pub pool: Decision<bool, String>,
    /// The last day of the term (the age limit or an approved extension's
    /// end; Article 10), with why.
    pub term: Decision<Date, String>,
    /// The exit from the programme on record, the latest.
    pub exit: Option<Exit>,
}

impl YoungTown {
    /// The town's administrative villages (the cap's base).
    pub fn villages(&self) -> u32 {
        self.young
            .villages
            .iter()
            .filter(|v| v.kind == CommitteeKind::Villagers)
            .count() as u32
    }

    /// The cap under `params` (Article 10).
    pub fn cap(&self, params: &Params) -> Decision<u32, String> {
        art10_young_cadres::cap(params, self.villages())
    }

    /// Where a young cadre stands on `today` (Article 10): within the age
    /// limit or not, what happens past it (an extension approved or
    /// proposed, or what one would need), and whether the cadre is in the
    /// secretary reserve pool.
    pub fn standing(&self, params: &Params, id: &CitizenId, today: Date) -> Standing {
        let age = art10_young_cadres::age(params, id.birth_date(), today);
        let start = self
            .young
            .young_cadres
            .iter()
            .find(|y| &y.person == id)
            .map(|y| y.programme_start);
        let extension = match (age.outcome, start, self.candidate(id)) {
            (true, _, _) => String::new(),
            (
                false,
                _,
                Some(YoungCandidate {
                    state: YoungState::Extended,
                    extended_to: Some(d),
                    ..
                }),
            ) => format!("经市镇考察通过，已延长至 {d}（第十条）"),
            (
                false,
                _,
                Some(YoungCandidate {
                    state: YoungState::ExtensionProposed,
                    extended_to: Some(d),
                    ..
                }),
            ) => format!("镇街已提请延长至 {d}，待市级审核"),
            (false, Some(s), _) => art10_young_cadres::extension(params, s, today, true)
                .reason
                .replace("综合考核优秀，", "若综合考核优秀："),
            (false, None, _) => String::new(),
        };
        let listings: Vec<(Date, Option<Date>)> = self
            .records
            .reserves
            .iter()
            .filter(|x| &x.person == id && x.post == PostRole::Secretary)
            .map(|x| (x.listed_on, x.removed_on))
            .collect();
        let extended_to = self
            .candidate(id)
            .filter(|c| c.state == YoungState::Extended)
            .and_then(|c| c.extended_to);
        Standing {
            age,
            extension,
            pool: art10_young_cadres::reserve_pool(today, &listings),
            term: art10_young_cadres::term_end(params, id.birth_date(), extended_to),
            exit: self.exit(id).cloned(),
        }
    }

    /// The month's pay of the town's young cadres on the programme that
    /// month (Article 10), under `params` (the month's: its first day's),
    /// as the pay run and the export compute it.
    pub fn month_pay(
        &self,
        params: &Params,
        month: Date,
    ) -> Result<touyan_reports::Young, OfficeError> {
        touyan_reports::young(&self.young, params, month, None, None, Some(self.town))
            .map_err(|e| OfficeError::Invalid(e.0))
    }

    /// The person's programme rows, latest first.
    pub fn cadre_rows(&self, id: &CitizenId) -> Vec<&YoungCadre> {
        let mut v: Vec<&YoungCadre> = self
            .young
            .young_cadres
            .iter()
            .filter(|y| y.person == *id)
            .collect();
        v.sort_by_key(|y| std::cmp::Reverse(y.programme_start));
        v
    }

    /// The person's candidate row.
    pub fn candidate(&self, id: &CitizenId) -> Option<&YoungCandidate> {
        self.candidates.iter().find(|c| c.person == *id)
    }

    /// Where the person stands: their candidate row's state, or — on the
    /// programme by import — selected (not filed) or filed.
    pub fn state(&self, id: &CitizenId) -> Option<YoungState> {
        if let Some(c) = self.candidate(id) {
            return Some(c.state);
        }
        self.cadre_rows(id).first().map(|y| {
            if y.filed_on.is_some() {
                YoungState::Filed
            } else {
                YoungState::Selected
            }
        })
    }

    /// The cadres holding one of the cap's places on `day`
    /// ([`touyan_reports::young_places`]: on the programme that day, the
    /// term not ended, no exit).
    pub fn places(&self, params: &Params, day: Date) -> Vec<&YoungCadre> {
        touyan_reports::young_places(&self.young, params, day, Some(self.town))
    }

    /// The places the town's other people hold on `day`.
    fn taken(&self, params: &Params, id: &CitizenId, day: Date) -> u32 {
        self.places(params, day)
            .iter()
            .filter(|y| y.person != *id)
            .count() as u32
    }

    /// The person's latest exit from the programme on record (one dated
    /// on or after the start of their latest programme row).
    pub fn exit(&self, id: &CitizenId) -> Option<&Exit> {
        let start = self.cadre_rows(id).first().map(|y| y.programme_start)?;
        self.young
            .exits
            .iter()
            .filter(|x| x.person == *id && x.programme == Programme::Young && x.on >= start)
            .max_by_key(|x| x.on)
    }

    /// The person's name ("" when not on record).
    pub fn name(&self, id: &CitizenId) -> String {
        self.records
            .people
            .iter()
            .chain(&self.young.people)
            .find(|x| x.id == *id)
            .map_or_else(String::new, |x| x.name.clone())
    }

    /// The village's name (its code when not on record).
    pub fn village_name(&self, v: &VillageCode) -> String {
        self.young
            .villages
            .iter()
            .find(|x| x.code == *v)
            .map_or_else(|| v.as_str().to_owned(), |x| x.name.clone())
    }

    /// The village where the person holds a two-committee post other than
    /// secretary today (`None`: no such post in the town).
    pub fn cadre_village(&self, id: &CitizenId, today: Date) -> Option<VillageCode> {
        self.records
            .posts
            .iter()
            .find(|p| {
                p.person == *id
                    && p.role != PostRole::Secretary
                    && p.start <= today
                    && p.end.is_none_or(|d| d >= today)
            })
            .map(|p| p.village)
    }

    fn facts(&self, params: &Params, id: &CitizenId, today: Date, excellent: bool) -> Facts {
        Facts {
            birth_date: id.birth_date(),
            today,
            villages: self.villages(),
            taken: self.taken(params, id, today),
            programme_start: self.cadre_rows(id).first().map(|y| y.programme_start),
            excellent,
            exited: self.exit(id).is_some(),
        }
    }

    /// Everyone with a candidate row or a place on the programme.
    pub fn people(&self) -> Vec<&CitizenId> {
        let mut people: Vec<&CitizenId> = self.candidates.iter().map(|c| &c.person).collect();
        for y in &self.young.young_cadres {
            if !people.contains(&&y.person) {
                people.push(&y.person);
            }
        }
        people
    }

    /// The first of the town's candidates, cadres and people `wanted`
    /// picks (a page's key for a person).
    pub fn find(&self, wanted: impl Fn(&CitizenId) -> bool) -> Option<CitizenId> {
        self.candidates
            .iter()
            .map(|c| &c.person)
            .chain(self.young.young_cadres.iter().map(|y| &y.person))
            .chain(self.records.people.iter().map(|x| &x.id))
            .find(|id| wanted(id))
            .cloned()
    }

    /// When the town last recorded the person's score (China time): the
    /// application the ranking reads.
    pub fn scored_at(&self, id: &CitizenId) -> Option<PrimitiveDateTime> {
        self.moves
            .iter()
            .rev()
            .find(|m| m.entry.person == *id && m.entry.kind == YoungMoveKind::Score)
            .map(|m| {
                let t = m.at.assume_utc().to_offset(offset!(+8));
                PrimitiveDateTime::new(t.date(), t.time())
            })
    }

    /// The waiting candidates (scored for the year, not selected) in
    /// order for the free places.
    pub fn ranking(&self, params: &Params, today: Date) -> Ranking<'_> {
        let waiting: Vec<&YoungCandidate> = self
            .candidates
            .iter()
            .filter(|c| c.state == YoungState::Candidate && c.year == self.year)
            .collect();
        let ranked: Vec<Waiting<'_>> = waiting
            .iter()
            .map(|c| Waiting {
                score: c.score,
                scored_at: self.scored_at(&c.person),
                village: c.village.as_str(),
                id: c.person.as_str(),
            })
            .collect();
        let cap = self.cap(params);
        let free = cap
            .outcome
            .saturating_sub(self.places(params, today).len() as u32);
        Ranking {
            order: art10_young_cadres::rank(&ranked, free),
            cap,
            free,
            waiting: waiting.iter().map(|c| &c.person).collect(),
        }
    }

    /// Every candidate and cadre on the programme with the moves `actor`
    /// may make on `today`, and the ranking, under `params`.
    pub fn candidates(
        &self,
        actor: &Actor<'_>,
        params: &Params,
        today: Date,
    ) -> (Ranking<'_>, Vec<CandidateView<'_>>) {
        let ranking = self.ranking(params, today);
        let settings = self
            .young
            .town_years
            .iter()
            .find(|x| x.year == self.year && x.town == self.town);
        let mut out = Vec::new();
        for id in self.people() {
            let c = self.candidate(id);
            let (score, current_pay, village) = match (c, self.cadre_rows(id).first()) {
                (Some(c), _) => (c.score, c.current_pay, c.village),
                (None, Some(y)) => (y.score, y.current_pay, y.village),
                (None, None) => continue,
            };
            let person = self
                .records
                .people
                .iter()
                .chain(&self.young.people)
                .find(|x| x.id == *id);
            let pay = settings.zip(person).map(|(s, x)| {
                art10_young_cadres::monthly_pay(
                    params,
                    s.reference_salary,
                    s.young_cadre_factor,
                    x.degree(),
                    current_pay,
                )
            });
            let state = self.state(id);
            let facts = self.facts(params, id, today, true);
            out.push(CandidateView {
                person: id,
                candidate: c,
                state,
                age: art10_young_cadres::age(params, id.birth_date(), today),
                village,
                score,
                current_pay,
                pay,
                place: ranking.of(id),
                moves: flow::moves_for(actor, self.town.as_str(), state, params, &facts)
                    .into_iter()
                    .filter(|k| *k != YoungMoveKind::Score)
                    .collect(),
            });
        }
        (ranking, out)
    }

    /// Whether `actor` may score candidates in the town.
    pub fn may_score(&self, actor: &Actor<'_>, params: &Params, today: Date) -> bool {
        let anyone = Facts {
            birth_date: today,
            today,
            villages: self.villages(),
            taken: 0,
            programme_start: None,
            excellent: false,
            exited: false,
        };
        let t = self.town.as_str();
        flow::check_move(actor, t, None, YoungMoveKind::Score, "", params, &anyone).is_ok()
    }

    /// Who may be scored on `today`: the town's two-committee cadres
    /// other than secretaries, within the age limit, not on the programme
    /// (not a candidate yet, a candidate or returned).
    pub fn eligible(&self, params: &Params, today: Date) -> Vec<Eligible<'_>> {
        let mut seen: Vec<&CitizenId> = Vec::new();
        let mut out = Vec::new();
        for post in &self.records.posts {
            if seen.contains(&&post.person)
                || self.cadre_village(&post.person, today) != Some(post.village)
            {
                continue;
            }
            seen.push(&post.person);
            let age = art10_young_cadres::age(params, post.person.birth_date(), today);
            let state = self.state(&post.person);
            if age.outcome
                && matches!(
                    state,
                    None | Some(YoungState::Candidate | YoungState::Returned)
                )
            {
                out.push(Eligible {
                    person: &post.person,
                    village: post.village,
                    age,
                });
            }
        }
        out
    }
}

/// A move asked for, as a form or a row gives it.
pub struct Ask<'a> {
    pub kind: YoungMoveKind,
    /// The person named (`None`: not one of the town's).
    pub person: Option<CitizenId>,
    /// A move's state the page showed (its code, `none` for none);
    /// `None` for a scoring from the score form.
    pub seen: Option<&'a str>,
    pub comment: &'a str,
    /// The town's review found the cadre assessed excellent (an
    /// extension's proposal).
    pub excellent: bool,
    /// A scoring's values as the form read them, or why they could not
    /// be read (reported only once the scoring itself is allowed, as a
    /// sentence).
    pub scored: Result<Scored, String>,
}

/// What a scoring records besides the candidate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scored {
    /// The composite score, 0 to 100, at most two places.
    pub score: Decimal,
    /// The monthly pay before the programme, in yuan.
    pub current_pay: Decimal,
    /// The town's note on the score.
    pub note: String,
}

/// One move of a candidate in `yt`'s town by `by` on `today`, decided by
/// the workflow (scope, role, state, comment and the article), refused
/// when the candidate is no longer in the state the page showed, and
/// written in one transaction.
pub async fn record(
    store: &Store,
    by: By<'_>,
    yt: &YoungTown,
    policy: &Policy,
    today: Date,
    ask: &Ask<'_>,
) -> Result<(), OfficeError> {
    let params = when::params_on(policy, today)?;
    let c = change(by.actor, yt, &params, today, ask)?;
    if ask.kind == YoungMoveKind::Unfile {
        crate::young_unfile::may(store, yt, &c, today).await?;
    }
    store
        .move_young(by.name, by.origin, &c)
        .await
        .map_err(|e| match e {
            StoreError::Invalid(m) => OfficeError::Invalid(m),
            StoreError::LimitExceeded { count, limit } => OfficeError::Invalid(format!(
                "本镇街年轻干部已有 {count} 人，超过上限 {limit} 人（第十条）；请刷新页面后重试"
            )),
            e @ (StoreError::Duplicate { .. } | StoreError::MissingReference { .. }) => {
                OfficeError::Invalid(e.to_string())
            }
            e => OfficeError::Store(e),
        })
}

fn invalid(m: &str) -> OfficeError {
    OfficeError::Invalid(m.to_owned())
}

/// The most characters of a move's comment.
pub const COMMENT_CHARS: usize = 300;

/// The most characters of a score's note (评分说明).
pub const NOTE_CHARS: usize = 300;

const NOT_A_CADRE: &str = "请选择本镇街在任的村“两委”干部（书记除外）";

/// The move asked for, checked by the workflow, as what to write.
fn change(
    actor: Actor<'_>,
    yt: &YoungTown,
    params: &Params,
    today: Date,
    ask: &Ask<'_>,
) -> Result<YoungChange, OfficeError> {
    let (town, kind) = (yt.town, ask.kind);
    flow::may_attempt(&actor, town.as_str(), kind)?;
    let person = ask
        .person
        .clone()
        .ok_or_else(|| invalid("没有找到该人员"))?;
    let current = yt.state(&person);
    let stored = yt.candidate(&person);
    if let Some(seen) = ask.seen {
        if kind == YoungMoveKind::Score {
            return Err(invalid("录入评分请使用评分表"));
        }
        if seen != current.map_or("none", |s| s.code()) {
            return Err(OfficeError::Conflict(format!(
                "该人员的状态已变为“{}”，请刷新页面后重试",
                current.map_or("尚未列为候选人", |s| s.label())
            )));
        }
    }
    OfficeError::at_most(ask.comment, "意见", COMMENT_CHARS)?;
    let comment = ask.comment.to_owned();
    let facts = yt.facts(params, &person, today, ask.excellent);
    let moved = flow::check_move(
        &actor,
        town.as_str(),
        current,
        kind,
        &comment,
        params,
        &facts,
    )?;
    let pending = yt
        .cadre_rows(&person)
        .into_iter()
        .find(|y| y.filed_on.is_none())
        .cloned();
    let fresh = |year, village, score, current_pay| YoungCandidate {
        person: person.clone(),
        year,
        town,
        village,
        score,
        current_pay,
        note: String::new(),
        state: moved.to,
        comment: String::new(),
        extended_to: None,
    };
    let mut c = YoungChange {
        candidate: match (stored, yt.cadre_rows(&person).first()) {
            (Some(c), _) => c.clone(),
            (None, Some(y)) => fresh(y.programme_start.year(), y.village, y.score, y.current_pay),
            (None, None) => fresh(
                yt.year,
                yt.cadre_village(&person, today)
                    .ok_or_else(|| invalid(NOT_A_CADRE))?,
                Decimal::ZERO,
                Decimal::ZERO,
            ),
        },
        expected: stored.map(|c| c.state),
        kind,
        comment: comment.clone(),
        cadre: None,
        remove_cadre: None,
        cap: None,
        off_programme: Vec::new(),
        reserve: None,
        remove_reserve: None,
    };
    c.candidate.state = moved.to;
    if !comment.is_empty() {
        c.candidate.comment = comment;
    }
    match moved.extension {
        Extension::Keep => {}
        Extension::Set(d) => c.candidate.extended_to = Some(d),
        Extension::Clear => c.candidate.extended_to = None,
    }
    match kind {
        YoungMoveKind::Score => {
            c.candidate.village = yt
                .cadre_village(&person, today)
                .ok_or_else(|| invalid(NOT_A_CADRE))?;
            c.candidate.year = yt.year;
            let scored = ask.scored.clone().map_err(OfficeError::Invalid)?;
            OfficeError::at_most(&scored.note, "评分说明", NOTE_CHARS)?;
            c.candidate.score = scored.score;
            c.candidate.current_pay = scored.current_pay;
            c.candidate.note = scored.note;
            c.candidate.comment = String::new();
        }
        YoungMoveKind::Select => select(yt, params, today, &mut c),
        YoungMoveKind::Deselect | YoungMoveKind::Return => c.remove_cadre = pending,
        YoungMoveKind::Unfile => crate::young_unfile::rows(yt, &person, &mut c)?,
        YoungMoveKind::File => {
            let mut y = pending.ok_or_else(|| invalid("没有找到待备案的优才计划记录"))?;
            y.filed_on = Some(today);
            c.reserve = reserve(yt, params, &y, today);
            c.cadre = Some(y);
        }
        YoungMoveKind::ProposeExtension
        | YoungMoveKind::Extend
        | YoungMoveKind::DeclineExtension => {}
    }
    Ok(c)
}

/// A selection's programme row, and the cap recounted when it is
/// written: the places held on `today` (rows of people off the programme
/// that day hold none).
fn select(yt: &YoungTown, params: &Params, today: Date, c: &mut YoungChange) {
    let person = c.candidate.person.clone();
    c.cadre = Some(YoungCadre {
        person: person.clone(),
        village: c.candidate.village,
        programme_start: today,
        current_pay: c.candidate.current_pay,
        score: c.candidate.score,
        filed_on: None,
    });
    c.cap = Some(yt.cap(params).outcome);
    let holding: Vec<&CitizenId> = yt.places(params, today).iter().map(|y| &y.person).collect();
    c.off_programme = yt
        .young
        .young_cadres
        .iter()
        .map(|y| y.person.clone())
        .filter(|x| *x != person && !holding.contains(&x))
        .collect();
}

/// Article 10: a filed young cadre joins the secretary reserve pool
/// ("纳入村党组织书记后备干部库"): a listing for the secretary post of the
/// cadre's village from the filing day, unless listed already.
fn reserve(yt: &YoungTown, params: &Params, y: &YoungCadre, today: Date) -> Option<Reserve> {
    (!yt.standing(params, &y.person, today).pool.outcome).then(|| Reserve {
        person: y.person.clone(),
        village: y.village,
        post: PostRole::Secretary,
        listed_on: today,
        removed_on: None,
    })
}
