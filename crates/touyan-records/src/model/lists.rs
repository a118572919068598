//! The yearly professionalized lists and their review, the monthly pay and
//! its runs, and exits from the list.

use time::Date;

use super::Labelled;
use crate::{CitizenId, TownCode, VillageCode};

labelled! {
    /// Why someone left professionalized management, or a young cadre
    /// the programme (Article 10).
    ExitReason {
        FailedEvaluation = "failed_evaluation", "胜任度评价不合格";
        Discipline = "discipline", "受到处分";
        LeftOffice = "left_office", "不再担任书记";
        Age = "age", "达到年龄上限";
        Other = "other", "其他";
        ExtensionEnded = "extension_ended", "延长期满";
        LeftCommittee = "left_committee", "不再担任村“两委”干部";
        NotCompetent = "not_competent", "经考察不胜任";
        Resigned = "resigned", "本人辞职";
    }
}

impl ExitReason {
    /// The grounds of a listed secretary's exit (the exits page).
    pub const SECRETARY: &'static [ExitReason] = &[
        ExitReason::FailedEvaluation,
        ExitReason::Discipline,
        ExitReason::LeftOffice,
        ExitReason::Age,
        ExitReason::Other,
    ];

    /// The grounds of a young cadre's exit from the programme (Article
    /// 10; the young-cadre page). "Not competent" is the town's finding
    /// on the cadre, not Article 12's competency evaluation, which rates
    /// the secretaries.
    pub const YOUNG: &'static [ExitReason] = &[
        ExitReason::Age,
        ExitReason::ExtensionEnded,
        ExitReason::LeftCommittee,
        ExitReason::NotCompetent,
        ExitReason::Resigned,
        ExitReason::Other,
    ];
}

labelled! {
    /// Which programme an exit leaves: the professionalized management of
    /// secretaries (its list and subsidy, Articles 12 to 14) or the young
    /// cadres' programme (Article 10). A person may be in both, one after
    /// the other (a young cadre later listed as a secretary): an exit
    /// ends only its own.
    Programme {
        Secretary = "secretary", "村党组织书记专业化管理";
        Young = "young", "年轻干部优才计划";
    }
}

impl ExitReason {
    /// The programme a ground belongs to when it belongs to one only
    /// (`None`: the age limit and "other" are grounds of both).
    pub fn programme(self) -> Option<Programme> {
        match (
            ExitReason::SECRETARY.contains(&self),
            ExitReason::YOUNG.contains(&self),
        ) {
            (true, false) => Some(Programme::Secretary),
            (false, true) => Some(Programme::Young),
            _ => None,
        }
    }
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

/// One person of one filed version of a town's yearly list, with the
/// day it was filed. The list in force in a month is the version filed
/// last by the month's end (Article 13: a month pays that month's list,
/// even when computed after a later filing).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListFiling {
    pub year: i32,
    pub town: TownCode,
    /// The review's version filed (0: the list as it stood before the
    /// first filing through the review, in force from the year's start).
    pub version: u32,
    pub person: CitizenId,
    pub village: VillageCode,
    pub tier: u8,
    pub filed_on: Date,
}

/// Leaving professionalized management, or the young cadres' programme.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exit {
    pub person: CitizenId,
    pub on: Date,
    /// The programme left (an exit ends only its own).
    pub programme: Programme,
    pub reason: ExitReason,
    pub note: String,
}
