//! The records the measures ask about, as plain values: what storage keeps,
//! what the Excel roster carries, what the rules are fed. Enumerations carry
//! their Chinese labels (the Excel drop-down lists) and stable codes (the
//! database).

use rust_decimal::Decimal;
use time::Date;
use touyan_rules::people::Education;

use crate::{CitizenId, CommitteeKind, TownCode, VillageCode};

/// An enumeration with a stable code for storage and a Chinese label for
/// people; `from_label` accepts either.
pub trait Labelled: Sized + Copy + 'static {
    const ALL: &'static [Self];
    fn code(self) -> &'static str;
    fn label(self) -> &'static str;
    fn from_label(text: &str) -> Option<Self> {
        let t = text.trim();
        Self::ALL
            .iter()
            .copied()
            .find(|v| v.label() == t || v.code() == t)
    }
    fn labels() -> Vec<&'static str> {
        Self::ALL.iter().map(|v| v.label()).collect()
    }
}

macro_rules! labelled {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $code:literal, $label:literal;)* }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name { $($variant,)* }
        impl Labelled for $name {
            const ALL: &'static [Self] = &[$($name::$variant,)*];
            fn code(self) -> &'static str { match self { $($name::$variant => $code,)* } }
            fn label(self) -> &'static str { match self { $($name::$variant => $label,)* } }
        }
    };
}

impl Labelled for Education {
    const ALL: &'static [Self] = &Education::ALL;
    fn code(self) -> &'static str {
        self.name()
    }
    fn label(self) -> &'static str {
        self.zh()
    }
}

labelled! {
    /// A post on the village "two committees" (村“两委”).
    PostRole {
        Secretary = "secretary", "村党组织书记";
        DeputySecretary = "deputy_secretary", "村党组织副书记";
        PartyCommitteeMember = "party_committee_member", "村党组织委员";
        CommitteeDirector = "committee_director", "村委会主任";
        CommitteeDeputyDirector = "committee_deputy_director", "村委会副主任";
        CommitteeMember = "committee_member", "村委会委员";
    }
}

labelled! {
    /// Who organised a training session (Article 6).
    TrainingLevel {
        City = "city", "市级";
        Town = "town", "镇街";
    }
}

labelled! {
    /// The form of a training session (Article 6 names them).
    SessionForm {
        Centralised = "centralised", "集中培训";
        SmallClass = "small_class", "小班额培训";
        Mentoring = "mentoring", "拜师交友";
        PeerContest = "peer_contest", "同行同台竞赛";
        Lecture = "lecture", "支书讲坛";
        RedEducation = "red_education", "红色资源教育";
    }
}

labelled! {
    /// A rater group of the competency evaluation (Article 12).
    RaterGroup {
        PartyMembers = "party_members", "党员";
        PublicReps = "public_reps", "群众代表";
        LiaisonCadres = "liaison_cadres", "包村干部";
        TownCommittee = "town_committee", "镇街党(工)委";
    }
}

labelled! {
    /// Where a secondment goes (Article 8).
    SecondmentLevel {
        City = "city", "市直涉农单位";
        Town = "town", "镇级涉农部门";
    }
}

labelled! {
    /// Why someone left professionalized management.
    ExitReason {
        FailedEvaluation = "failed_evaluation", "胜任度评价不合格";
        Discipline = "discipline", "受到处分";
        LeftOffice = "left_office", "不再担任书记";
        Age = "age", "达到年龄上限";
        Other = "other", "其他";
    }
}

/// A town, street or zone (镇街区) of the division table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Town {
    pub code: TownCode,
    pub name: String,
}

/// A village-level unit, with what its name says it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Village {
    pub code: VillageCode,
    pub name: String,
    pub kind: CommitteeKind,
}

/// A person (一人一档). Birth date and sex are read from the ID number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Person {
    pub id: CitizenId,
    pub name: String,
    pub education: Education,
    pub full_time_degree: bool,
}

/// A post held, from `start` to `end` (inclusive; `None`: still held).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Post {
    pub person: CitizenId,
    pub village: VillageCode,
    pub role: PostRole,
    pub start: Date,
    pub end: Option<Date>,
}

/// A village's facts for one year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VillageYear {
    pub village: VillageCode,
    pub year: i32,
    /// Party-organisation star rating, 0 (not rated) to the scale's top.
    pub stars: u8,
    /// 万元, at most 2 decimals.
    pub collective_income_wan: Decimal,
    pub assessment_score: Option<Decimal>,
    /// Composite assessment rank in the town, 1 = best.
    pub assessment_rank: Option<u32>,
}

/// A town's yearly "三好三强" judgement of a person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThreeGood {
    pub person: CitizenId,
    pub year: i32,
    pub passed: bool,
    pub note: String,
}

/// A training session (Article 6).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrainingSession {
    /// The organiser's own code for the session, unique.
    pub code: String,
    pub title: String,
    pub level: TrainingLevel,
    pub form: SessionForm,
    /// The organising town, for town sessions.
    pub town: Option<TownCode>,
    pub start: Date,
    pub end: Date,
    /// Days of training (half days allowed).
    pub days: Decimal,
}

/// Someone attended a session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attendance {
    pub session: String,
    pub person: CitizenId,
    pub reflection_filed_on: Option<Date>,
    pub poor_result: bool,
}

/// One rater group's ballots for a person in a half year (Article 12).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ballots {
    pub person: CitizenId,
    pub year: i32,
    /// 1: first half, 2: second half.
    pub half: u8,
    pub group: RaterGroup,
    pub competent: u32,
    pub basically_competent: u32,
    pub not_competent: u32,
}

labelled! {
    /// The filing state of a yearly professionalized list (Articles 1, 13).
    ListStatus {
        Draft = "draft", "草拟";
        Submitted = "submitted", "已报送";
        Filed = "filed", "已备案";
        Returned = "returned", "已退回";
    }
}

labelled! {
    /// Who pays an amount.
    FundingSource {
        City = "city", "市财政";
        Town = "town", "镇街财政";
    }
}

labelled! {
    /// What a monthly payment is for.
    PayKind {
        ProfessionalSubsidy = "professional_subsidy", "专业化补贴";
        YoungCadreBase = "young_cadre_base", "年轻干部基本报酬";
        YoungCadreSubsidy = "young_cadre_subsidy", "年轻干部学历补贴";
    }
}

labelled! {
    /// A required course of Article 7.
    CourseKind {
        PartyBuilding = "party_building", "农村党建";
        CollectiveEconomy = "collective_economy", "集体经济";
        ConflictResolution = "conflict_resolution", "矛盾化解";
        VocationalSkills = "vocational_skills", "职业技能";
        LivelihoodServices = "livelihood_services", "民生服务";
    }
}

/// An admonition talk (约谈) and the make-up study it arranges.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Admonition {
    pub person: CitizenId,
    pub held_on: Date,
    /// The article that opened it (6: poor learning, 12: competency).
    pub article: u8,
    pub reason: String,
    pub make_up_study_done_on: Option<Date>,
}

/// An exam result of a required course (Article 7).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExamResult {
    pub person: CitizenId,
    pub course: CourseKind,
    pub taken_on: Date,
    pub passed: bool,
}

/// A rural cadre qualification certificate (农村干部资格证).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Certificate {
    pub person: CitizenId,
    pub number: String,
    pub issued_on: Date,
}

/// A secondment (Article 8), with the host's appraisal once written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Secondment {
    pub person: CitizenId,
    pub level: SecondmentLevel,
    pub host_unit: String,
    pub start: Date,
    pub end: Date,
    pub appraisal: Option<String>,
}

/// An entry of a secondment's work log (Article 8: 挂职期间须记工作日志).
/// The person and the secondment's start date name the secondment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkLog {
    pub person: CitizenId,
    pub secondment_start: Date,
    pub on: Date,
    pub text: String,
}

/// A town's yearly report on training its reserve pool (Article 9).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReserveReport {
    pub town: TownCode,
    pub year: i32,
    pub submitted_on: Date,
    pub summary: String,
}

/// A town's pay settings for a year (Article 10).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TownYear {
    pub town: TownCode,
    pub year: i32,
    /// 镇街新入职事业人员实发工资, yuan a month, at most 2 decimals.
    pub reference_salary: Decimal,
    /// The young cadres' pay factor the town set for the year, at most 2
    /// decimals.
    pub young_cadre_factor: Decimal,
}

/// A reserve cadre listed for a village and post (Article 9).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reserve {
    pub person: CitizenId,
    pub village: VillageCode,
    pub post: PostRole,
    pub listed_on: Date,
    pub removed_on: Option<Date>,
}

/// A young cadre on the programme (Article 10).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YoungCadre {
    pub person: CitizenId,
    pub village: VillageCode,
    pub programme_start: Date,
    /// Monthly pay before the programme, in yuan.
    pub current_pay: Decimal,
    pub score: Decimal,
    pub filed_on: Option<Date>,
}

/// A year's plan of a professionalized secretary (Article 11).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnnualPlan {
    pub person: CitizenId,
    pub year: i32,
    pub reviewed_on: Option<Date>,
    pub notice_start: Option<Date>,
    pub notice_end: Option<Date>,
    pub filed_on: Option<Date>,
}

labelled! {
    /// Where a secretary's yearly plan stands in its workflow (Article 11;
    /// the moves are `touyan-workflow`'s `art11_plan`).
    PlanState {
        Draft = "draft", "起草中";
        Reviewed = "reviewed", "已通过评审待公示";
        Noticed = "noticed", "已公示待备案";
        Filed = "filed", "已备案";
        Returned = "returned", "已退回";
    }
}

labelled! {
    /// A move of a secretary's yearly plan.
    PlanMoveKind {
        Save = "save", "保存计划";
        Pass = "pass", "评审通过";
        Fail = "fail", "评审未通过";
        Notice = "notice", "登记公示";
        File = "file", "备案";
        Return = "return", "退回修改";
    }
}

/// A secretary's yearly plan as it is drafted, reviewed, noticed and filed
/// (Article 11). Filing also writes its dates to [`AnnualPlan`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanReview {
    pub year: i32,
    pub person: CitizenId,
    /// The town whose list the secretary is on.
    pub town: TownCode,
    pub state: PlanState,
    /// The plan's goals and work, as the town wrote them.
    pub content: String,
    /// The day of the review meeting that passed it.
    pub reviewed_on: Option<Date>,
    pub notice_start: Option<Date>,
    pub notice_end: Option<Date>,
    pub filed_on: Option<Date>,
    /// The last comment of a review meeting or a return ("" when none).
    pub comment: String,
}

/// One move of a yearly plan, in order (`seq` from 1); who made it and when
/// are the row's audit columns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanMove {
    pub year: i32,
    pub person: CitizenId,
    pub seq: u32,
    pub kind: PlanMoveKind,
    pub to: PlanState,
    pub comment: String,
    /// What the move recorded and the rules said of it (the meeting's
    /// date, the notice period with its article).
    pub detail: String,
}

/// A place on a town's yearly professionalized list, with its tier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListEntry {
    pub town: TownCode,
    pub year: i32,
    pub person: CitizenId,
    pub village: VillageCode,
    pub tier: u8,
    pub status: ListStatus,
}

labelled! {
    /// Where a town's yearly list stands in its review (Articles 1, 13; the
    /// moves are `touyan-workflow`'s `art01_13_list`).
    ReviewState {
        Draft = "draft", "草拟中";
        Confirmed = "confirmed", "已确认待审核";
        Submitted = "submitted", "已报送待备案";
        Filed = "filed", "已备案";
        Returned = "returned", "已退回";
    }
}

labelled! {
    /// A move of a town's yearly list through its review.
    ListMoveKind {
        Save = "save", "保存草稿";
        Confirm = "confirm", "确认名单";
        SendBack = "send_back", "退回经办修改";
        Submit = "submit", "报送备案";
        File = "file", "备案";
        Return = "return", "退回镇街";
        Adjust = "adjust", "发起调整";
    }
}

/// The review of a town's yearly list: its state and version (1 for the
/// year's first list, one more for each adjustment after filing).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListReview {
    pub year: i32,
    pub town: TownCode,
    pub state: ReviewState,
    pub version: u32,
    /// The last comment of a return or send-back, or the reason of an
    /// adjustment ("" when none).
    pub comment: String,
}

/// One secretary in a town's draft list: the town's choice against the
/// proposal, with the written reason of any departure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListDraft {
    pub year: i32,
    pub village: VillageCode,
    pub town: TownCode,
    pub person: CitizenId,
    /// The tier the town gives; `None`: not listed.
    pub tier: Option<u8>,
    /// Why the town departs from the proposal ("" when it does not).
    pub reason: String,
}

/// One move of a town's list, in order (`seq` from 1); who made it and
/// when are the row's audit columns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListMove {
    pub year: i32,
    pub town: TownCode,
    pub seq: u32,
    pub kind: ListMoveKind,
    /// The state after the move.
    pub to: ReviewState,
    pub comment: String,
}

labelled! {
    /// Where a town's monthly subsidy run stands (Article 13; the moves are
    /// `touyan-workflow`'s `art13_pay_run`).
    PayState {
        Computed = "computed", "已计算待审核";
        Reviewed = "reviewed", "已审核待批准";
        Approved = "approved", "已批准待发放";
        Paid = "paid", "已发放";
        Returned = "returned", "已退回";
    }
}

labelled! {
    /// A move of a monthly subsidy run.
    PayMoveKind {
        Compute = "compute", "计算发放";
        Review = "review", "镇街审核";
        Approve = "approve", "市级批准";
        Return = "return", "退回镇街";
        Pay = "pay", "确认已发放";
    }
}

/// A town's subsidy run of a month: its state and what it pays.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PayRun {
    /// The month's first day.
    pub month: Date,
    pub town: TownCode,
    pub state: PayState,
    pub people: u32,
    pub total_fen: i64,
    /// The amounts are the policy file's example values (a demo).
    pub example: bool,
    /// The last comment of a return ("" when none).
    pub comment: String,
}

/// One move of a town's monthly run, in order (`seq` from 1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PayMove {
    pub month: Date,
    pub town: TownCode,
    pub seq: u32,
    pub kind: PayMoveKind,
    pub to: PayState,
    pub comment: String,
}

labelled! {
    /// Where a town's half-yearly competency evaluation stands (Article 12).
    EvalState {
        Open = "open", "评价进行中";
        Closed = "closed", "评价已结束";
    }
}

labelled! {
    /// One rater's answer in a competency evaluation (Article 12).
    Choice {
        Competent = "competent", "胜任";
        Basic = "basic", "基本胜任";
        NotCompetent = "not_competent", "不胜任";
    }
}

labelled! {
    /// What an evaluation's rate opens (Article 12).
    CaseKind {
        Interview = "interview", "约谈";
        Exit = "exit", "退出专业化管理";
    }
}

labelled! {
    /// Where a case opened by an evaluation stands.
    CaseState {
        Open = "open", "待办理";
        Held = "held", "已约谈";
        Confirmed = "confirmed", "已确认退出";
        Dismissed = "dismissed", "经认定不予退出";
    }
}

/// A town's half-yearly competency evaluation (Article 12).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evaluation {
    pub year: i32,
    /// 1: first half, 2: second half.
    pub half: u8,
    pub town: TownCode,
    pub state: EvalState,
    pub opened_on: Date,
    pub closed_on: Option<Date>,
}

/// A one-time anonymous voting token: only its hash is kept; who holds it
/// is not known to the system. `used` is set once, when it votes; the
/// choice is not kept with it but only counted with the other votes of its
/// secretary and group, so nothing stored joins a code to its vote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VoteToken {
    pub token_hash: String,
    pub year: i32,
    pub half: u8,
    pub town: TownCode,
    /// The secretary it evaluates.
    pub person: CitizenId,
    pub group: RaterGroup,
    pub used: bool,
}

labelled! {
    /// What of an evaluation the town's operator enters and its reviewer
    /// confirms (Article 12).
    SignPart {
        Raters = "raters", "评价人数";
        Paper = "paper", "纸质票";
    }
}

labelled! {
    /// Where an entry awaiting a second person stands.
    SignState {
        Entered = "entered", "待审核确认";
        Confirmed = "confirmed", "已确认";
    }
}

/// The sign-off of one part of an evaluation: who entered it (the
/// operator), who confirmed it (the reviewer, another person), and its
/// version (one more at each entry, so a confirmation is of what its
/// reviewer saw).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvalSignoff {
    pub year: i32,
    pub half: u8,
    pub town: TownCode,
    pub part: SignPart,
    pub state: SignState,
    pub version: u32,
    pub entered_by: String,
    /// "" until confirmed.
    pub confirmed_by: String,
}

/// How many raters of a group may evaluate a secretary, as the town
/// declared it: codes issued and paper ballots entered together may not
/// exceed it once confirmed (Article 12).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RaterCount {
    pub year: i32,
    pub half: u8,
    pub person: CitizenId,
    pub group: RaterGroup,
    pub town: TownCode,
    pub eligible: u32,
}

/// One batch of voting codes issued for one rater group: for how many
/// secretaries, and how many codes in all (who issued it and when are the
/// row's audit columns).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeBatch {
    pub year: i32,
    pub half: u8,
    pub town: TownCode,
    /// The batch's number in the evaluation (1 for the first).
    pub seq: u32,
    pub group: RaterGroup,
    pub people: u32,
    pub codes: u32,
}

/// Paper ballots of one rater group for one secretary, as counted at the
/// evaluation meeting and entered by the town.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaperCount {
    pub year: i32,
    pub half: u8,
    pub person: CitizenId,
    pub group: RaterGroup,
    pub town: TownCode,
    pub competent: u32,
    pub basically_competent: u32,
    pub not_competent: u32,
}

/// A case an evaluation opened for a secretary, followed to its end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvalCase {
    pub year: i32,
    pub half: u8,
    pub person: CitizenId,
    pub town: TownCode,
    pub kind: CaseKind,
    pub state: CaseState,
    /// The rate and its reason, as decided at closing.
    pub reason: String,
    /// What was recorded at its end ("" while open).
    pub note: String,
    /// The day it ended (the admonition held, the exit).
    pub done_on: Option<Date>,
}

/// A monthly payment, in fen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PayRecord {
    pub person: CitizenId,
    /// The first day of the month paid.
    pub month: Date,
    pub kind: PayKind,
    pub source: FundingSource,
    pub amount_fen: i64,
}

/// Leaving professionalized management.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exit {
    pub person: CitizenId,
    pub on: Date,
    pub reason: ExitReason,
    pub note: String,
}

labelled! {
    /// Where a young-cadre candidate stands (Article 10; the moves are
    /// `touyan-workflow`'s `art10_young`).
    YoungState {
        Candidate = "candidate", "候选（已评分）";
        Selected = "selected", "已确定人选待备案";
        Filed = "filed", "已备案";
        Returned = "returned", "已退回";
        ExtensionProposed = "extension_proposed", "延长待市级审核";
        Extended = "extended", "已延长";
    }
}

labelled! {
    /// A move of a young-cadre candidate.
    YoungMoveKind {
        Score = "score", "录入评分";
        Select = "select", "确定人选";
        Deselect = "deselect", "撤销人选";
        File = "file", "备案";
        Return = "return", "退回镇街";
        ProposeExtension = "propose_extension", "提请延长";
        Extend = "extend", "批准延长";
        DeclineExtension = "decline_extension", "不予延长";
    }
}

/// A candidate for the young-cadre programme (Article 10), from the
/// town's scoring to the city's filing: one row per person. Once selected
/// the person also has a [`YoungCadre`] row (filed when the city files).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YoungCandidate {
    pub person: CitizenId,
    /// The year of the selection.
    pub year: i32,
    pub town: TownCode,
    pub village: VillageCode,
    /// The town's composite score (age and education, village ranking,
    /// results, potential), at most 2 decimals.
    pub score: Decimal,
    /// Monthly pay before the programme, in yuan.
    pub current_pay: Decimal,
    /// The town's note on the score.
    pub note: String,
    pub state: YoungState,
    /// The last comment of a move ("" when none).
    pub comment: String,
    /// The day an extension runs to (proposed or granted).
    pub extended_to: Option<Date>,
}

/// One move of a young-cadre candidate, in order (`seq` from 1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YoungMove {
    pub person: CitizenId,
    pub seq: u32,
    pub town: TownCode,
    pub kind: YoungMoveKind,
    pub to: YoungState,
    pub comment: String,
}

/// An application to a degree-study class (Article 7: 专科学历培训班
/// 优先面向专业化党组织书记招生).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DegreeEnrolment {
    pub person: CitizenId,
    pub year: i32,
    pub town: TownCode,
    pub applied_on: Date,
    /// The class or programme applied to.
    pub programme: String,
}

/// Records of every kind, one list each, parents before children: what an
/// import reads, a demo makes, and storage writes in one transaction.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Records {
    pub towns: Vec<Town>,
    pub villages: Vec<Village>,
    pub people: Vec<Person>,
    pub posts: Vec<Post>,
    pub village_years: Vec<VillageYear>,
    pub three_good: Vec<ThreeGood>,
    pub training_sessions: Vec<TrainingSession>,
    pub attendance: Vec<Attendance>,
    pub ballots: Vec<Ballots>,
    pub admonitions: Vec<Admonition>,
    pub exam_results: Vec<ExamResult>,
    pub certificates: Vec<Certificate>,
    pub secondments: Vec<Secondment>,
    pub reserves: Vec<Reserve>,
    pub young_cadres: Vec<YoungCadre>,
    pub annual_plans: Vec<AnnualPlan>,
    pub list_entries: Vec<ListEntry>,
    pub pay_records: Vec<PayRecord>,
    pub exits: Vec<Exit>,
    pub work_logs: Vec<WorkLog>,
    pub reserve_reports: Vec<ReserveReport>,
    pub town_years: Vec<TownYear>,
}

impl Records {
    /// How many records there are, of all kinds.
    pub fn len(&self) -> usize {
        self.towns.len()
            + self.villages.len()
            + self.people.len()
            + self.posts.len()
            + self.village_years.len()
            + self.three_good.len()
            + self.training_sessions.len()
            + self.attendance.len()
            + self.ballots.len()
            + self.admonitions.len()
            + self.exam_results.len()
            + self.certificates.len()
            + self.secondments.len()
            + self.reserves.len()
            + self.young_cadres.len()
            + self.annual_plans.len()
            + self.list_entries.len()
            + self.pay_records.len()
            + self.exits.len()
            + self.work_logs.len()
            + self.reserve_reports.len()
            + self.town_years.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A person's continuous tenure in a role at a village on `on`: the start of
/// the unbroken run of posts that covers `on` (a post starting the day after
/// the previous one ended continues it). `None` when no post covers `on`.
pub fn continuous_since(
    posts: &[Post],
    person: &CitizenId,
    village: &VillageCode,
    role: PostRole,
    on: Date,
) -> Option<Date> {
    let mut runs: Vec<(Date, Option<Date>)> = posts
        .iter()
        .filter(|p| &p.person == person && &p.village == village && p.role == role && p.start <= on)
        .map(|p| (p.start, p.end))
        .collect();
    runs.sort_by_key(|r| r.0);
    // The run being built: its start and end (`None`: still open).
    let mut current: Option<(Date, Option<Date>)> = None;
    for (start, end) in runs {
        current = Some(match current {
            None => (start, end),
            Some((s, None)) => (s, None),
            Some((s, Some(e))) if e.next_day().is_none_or(|next| start <= next) => {
                (s, end.map(|x| x.max(e)))
            }
            Some(_) => (start, end),
        });
    }
    match current {
        Some((s, None)) => Some(s),
        Some((s, Some(e))) if e >= on => Some(s),
        _ => None,
    }
}

// ─── The inferred Chapter 2 (daily management) and Article 14 (treatment
// guarantees): records a town keeps of its secretaries (issue 5, item 8).
// Each carries the town that keeps it; reminders are computed from them
// (`touyan_rules::art02_daily_inferred`), never stored.

/// A secretary's duty rota and office hours (坐班值班安排), in force from
/// `since` until the next one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DutyRota {
    pub person: CitizenId,
    pub since: Date,
    pub town: TownCode,
    /// Office days a week (坐班).
    pub office_days: u8,
    /// Office hours, as written (e.g. 8:30—17:30).
    pub office_hours: String,
    /// The duty arrangement (值班), as written.
    pub duty: String,
}

/// A dated entry of a secretary's work record (工作纪实); `seq` numbers a
/// person's entries from 1.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkRecord {
    pub person: CitizenId,
    pub seq: u32,
    pub town: TownCode,
    pub on: Date,
    pub text: String,
}

labelled! {
    /// The assessment of a yearly report (述职评议).
    ReportOutcome {
        Good = "good", "好";
        FairlyGood = "fairly_good", "较好";
        Fair = "fair", "一般";
        Poor = "poor", "差";
    }
}

/// A secretary's yearly report (述职) of `year`, given on `given_on`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YearReport {
    pub person: CitizenId,
    pub year: i32,
    pub town: TownCode,
    pub given_on: Date,
    pub outcome: ReportOutcome,
    pub note: String,
}

labelled! {
    /// Where a leave request stands (the moves are `touyan-workflow`'s
    /// `art02_daily`).
    LeaveState {
        Requested = "requested", "待审批";
        Approved = "approved", "已批准";
        Refused = "refused", "未批准";
        Returned = "returned", "已销假";
    }
}

labelled! {
    /// A move of a leave request.
    LeaveMoveKind {
        Request = "request", "提出请假";
        Approve = "approve", "批准";
        Refuse = "refuse", "不予批准";
        Return = "return", "销假";
    }
}

/// A leave request (请假) the town's operator made for a secretary; `seq`
/// numbers a person's requests from 1.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeaveRequest {
    pub person: CitizenId,
    pub seq: u32,
    pub town: TownCode,
    pub start: Date,
    pub end: Date,
    pub reason: String,
    pub requested_on: Date,
    pub state: LeaveState,
    /// The reviewer's comment of a refusal ("" when none).
    pub comment: String,
    /// The day the secretary reported back (销假).
    pub returned_on: Option<Date>,
}

/// One move of a leave request, in order (`seq` from 1); who made it and
/// when are the row's audit columns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeaveMove {
    pub person: CitizenId,
    pub leave_seq: u32,
    pub seq: u32,
    pub kind: LeaveMoveKind,
    pub to: LeaveState,
    pub comment: String,
}

labelled! {
    /// Who awarded an honour.
    HonourLevel {
        National = "national", "国家级";
        Provincial = "provincial", "省级";
        Prefecture = "prefecture", "地市级";
        City = "city", "县市级";
        Town = "town", "镇街级";
    }
}

/// An honour (表彰) a secretary received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Honour {
    pub person: CitizenId,
    pub seq: u32,
    pub town: TownCode,
    pub on: Date,
    pub title: String,
    pub level: HonourLevel,
    pub awarded_by: String,
}

labelled! {
    /// A route into a town post for an outstanding secretary.
    RecruitKind {
        CivilServant = "civil_servant", "考录为镇街公务员";
        PublicInstitution = "public_institution", "招聘为镇街事业编制人员";
    }
}

/// A secretary recruited into a town post (考录、招聘).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recruitment {
    pub person: CitizenId,
    pub seq: u32,
    pub town: TownCode,
    pub on: Date,
    pub kind: RecruitKind,
    /// The unit and post.
    pub post: String,
    pub note: String,
}

/// A pension subsidy (养老补贴) paid to a secretary for `year`, in fen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PensionSubsidy {
    pub person: CitizenId,
    pub seq: u32,
    pub town: TownCode,
    pub year: i32,
    pub paid_on: Date,
    pub amount_fen: i64,
    pub note: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn post(start: Date, end: Option<Date>) -> Post {
        Post {
            person: CitizenId::parse("11010519491231002X").unwrap(),
            village: VillageCode::parse("370783100201").unwrap(),
            role: PostRole::Secretary,
            start,
            end,
        }
    }

    #[test]
    fn labels_and_codes_both_parse() {
        assert_eq!(
            PostRole::from_label("村党组织书记"),
            Some(PostRole::Secretary)
        );
        assert_eq!(PostRole::from_label("secretary"), Some(PostRole::Secretary));
        assert_eq!(
            PostRole::from_label(" 村委会主任 "),
            Some(PostRole::CommitteeDirector)
        );
        assert_eq!(PostRole::from_label("书记"), None);
        assert_eq!(Education::from_label("大专"), Some(Education::College));
        assert_eq!(
            RaterGroup::labels(),
            ["党员", "群众代表", "包村干部", "镇街党(工)委"]
        );
    }

    #[test]
    fn tenure_runs_across_adjoining_terms_and_breaks_at_a_gap() {
        let id = CitizenId::parse("11010519491231002X").unwrap();
        let v = VillageCode::parse("370783100201").unwrap();
        let on = date!(2025 - 01 - 01);
        let since = |posts: &[Post]| continuous_since(posts, &id, &v, PostRole::Secretary, on);
        // Two terms, the second starting the day after the first ended.
        let joined = [
            post(date!(2018 - 01 - 01), Some(date!(2020 - 12 - 31))),
            post(date!(2021 - 01 - 01), None),
        ];
        assert_eq!(since(&joined), Some(date!(2018 - 01 - 01)));
        // A one-day gap breaks it.
        let gap = [
            post(date!(2018 - 01 - 01), Some(date!(2020 - 12 - 30))),
            post(date!(2021 - 01 - 01), None),
        ];
        assert_eq!(since(&gap), Some(date!(2021 - 01 - 01)));
        // Ended before the date: no tenure now.
        assert_eq!(
            since(&[post(date!(2018 - 01 - 01), Some(date!(2024 - 12 - 31)))]),
            None
        );
        // Ends on the date itself: still in office that day.
        assert_eq!(
            since(&[post(date!(2018 - 01 - 01), Some(date!(2025 - 01 - 01)))]),
            Some(date!(2018 - 01 - 01))
        );
        // Not yet started.
        assert_eq!(since(&[post(date!(2025 - 01 - 02), None)]), None);
        // Overlapping records (a re-entered term) still count from the first.
        let overlap = [
            post(date!(2019 - 01 - 01), None),
            post(date!(2018 - 06 - 01), Some(date!(2019 - 06 - 30))),
        ];
        assert_eq!(since(&overlap), Some(date!(2018 - 06 - 01)));
    }
}
