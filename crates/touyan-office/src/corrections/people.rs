//! Corrections of a person's service records: a secondment (Article 8),
//! an exit and a reserve listing (Article 9).

use time::Date;
use touyan_records::model::{
    ExitReason, Labelled, PostRole, Programme, Secondment, SecondmentLevel,
};
use touyan_records::{CitizenId, TownCode, VillageCode};
use touyan_storage::Store;

use super::kinds::{Held, choices, day, judged, shell, text, who};
use super::{Correctable, Field, Input};
use crate::{By, OfficeError, exits, reserves};

/// The grounds an exit may be corrected to: a secretary's, but not the
/// competency evaluation's, which its own confirmation records (Article
/// 12).
pub(super) const CORRECTABLE_GROUNDS: &[ExitReason] = &[
    ExitReason::Discipline,
    ExitReason::LeftOffice,
    ExitReason::Age,
    ExitReason::Other,
];

pub(super) async fn secondment(
    store: &Store,
    by: &By<'_>,
    town: TownCode,
    year: i32,
    person: &CitizenId,
    start: Date,
) -> Result<(Correctable, Held), OfficeError> {
    let ty = reserves::town_year(store, year, town).await?;
    let r = &ty.records;
    let row = r
        .secondments
        .iter()
        .find(|s| s.person == *person && s.start == start)
        .cloned()
        .ok_or(OfficeError::NotFound)?;
    reserves::may(by, town, reserves::Recording::Secondment)?;
    let others: Vec<Secondment> = r
        .secondments
        .iter()
        .filter(|s| s.person == *person && s.start != start)
        .cloned()
        .collect();
    let logs: Vec<Date> = r
        .work_logs
        .iter()
        .filter(|w| w.person == *person && w.secondment_start == start)
        .map(|w| w.on)
        .collect();
    let mut c = shell(
        format!(
            "{} 在{}的挂职（{} 起）",
            who(r, person),
            row.host_unit,
            start
        ),
        town,
    );
    c.facts = vec![
        ("去向", row.level.label().to_owned()),
        ("挂职单位", row.host_unit.clone()),
        ("开始日期", row.start.to_string()),
        ("结束日期", row.end.to_string()),
        (
            "书面鉴定",
            row.appraisal.clone().unwrap_or_else(|| "（无）".into()),
        ),
    ];
    c.fields = vec![
        Field {
            name: "level",
            label: "去向",
            input: choices(SecondmentLevel::ALL),
            value: row.level.code().to_owned(),
        },
        text("host", "挂职单位", &row.host_unit, reserves::HOST_CHARS),
        day("end", "结束日期", row.end),
    ];
    c.frozen = judged(store, Some(town), start.year(), "挂职记录", "第八条").await?;
    if row.appraisal.is_some() {
        c.kept_by = Some("挂职单位已作出书面鉴定（第八条），挂职不能撤回".into());
    } else if !logs.is_empty() {
        c.kept_by = Some(format!(
            "该挂职已有 {} 条工作日志（第八条），不能撤回；如登记有误，可更正单位和结束日期",
            logs.len()
        ));
    }
    Ok((c, Held::Secondment { row, others, logs }))
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn exit(
    store: &Store,
    by: &By<'_>,
    town: TownCode,
    year: i32,
    person: &CitizenId,
    on: Date,
    programme: Programme,
    today: Date,
) -> Result<(Correctable, Held), OfficeError> {
    if programme == Programme::Young {
        return young_exit(store, by, town, person, on, today).await;
    }
    let ty = exits::town_year(store, year, town).await?;
    let r = &ty.records;
    let row = r
        .exits
        .iter()
        .find(|x| x.person == *person && x.on == on && x.programme == programme)
        .cloned()
        .ok_or(OfficeError::NotFound)?;
    exits::may(by, town)?;
    let mut c = shell(
        format!(
            "{} 的退出（{}，{}）",
            who(r, person),
            on,
            row.reason.label()
        ),
        town,
    );
    c.facts = vec![
        ("退出日期", on.to_string()),
        ("退出原因", row.reason.label().to_owned()),
        ("情况说明", row.note.clone()),
    ];
    c.fields = vec![
        Field {
            name: "ground",
            label: "退出原因",
            input: choices(CORRECTABLE_GROUNDS),
            value: row.reason.code().to_owned(),
        },
        Field {
            name: "note",
            label: "情况说明",
            input: Input::Text {
                max: exits::NOTE_CHARS,
                required: false,
            },
            value: row.note.clone(),
        },
    ];
    if row.reason == ExitReason::FailedEvaluation {
        c.frozen = Some(
            "该退出由胜任度评价确认（第十二条），不能在此更正或撤回；如有误，请在胜任度评价中办理"
                .into(),
        );
    }
    // A list version filed on or after the day left the person out for it.
    for y in [on.year(), on.year() + 1] {
        if c.frozen.is_none()
            && let Some(f) = store
                .list_filings(y, town)
                .await?
                .iter()
                .find(|f| f.filed_on >= on)
        {
            c.frozen = Some(format!(
                "{} 备案的 {y} 年度名单依据了这次退出（第十三条），不能再更正或撤回",
                f.filed_on
            ));
        }
    }
    if c.frozen.is_none()
        && let Some((m, state)) = crate::pay::first_settled(store, town, on, today).await?
    {
        c.frozen = Some(format!(
            "{} 年 {} 月的补贴发放{}，发放名单依据了这次退出（第十三条），不能再更正或撤回",
            m.year(),
            u8::from(m.month()),
            state.label()
        ));
    }
    Ok((c, Held::Exit(row)))
}

/// A reserve (Article 9): its removal day corrected (or cleared), or the
/// listing withdrawn when made by mistake; the next year's judgement
/// counted it once that list is filed.
#[allow(clippy::too_many_arguments)]
pub(super) async fn reserve(
    store: &Store,
    by: &By<'_>,
    town: TownCode,
    year: i32,
    person: &CitizenId,
    village: VillageCode,
    post: PostRole,
    listed_on: Date,
) -> Result<(Correctable, Held), OfficeError> {
    let ty = reserves::town_year(store, year, town).await?;
    let r = &ty.records;
    let row = r
        .reserves
        .iter()
        .find(|x| {
            x.person == *person
                && x.village == village
                && x.post == post
                && x.listed_on == listed_on
        })
        .cloned()
        .ok_or(OfficeError::NotFound)?;
    reserves::may(by, town, reserves::Recording::Reserve)?;
    let village_name = r
        .villages
        .iter()
        .find(|v| v.code == village)
        .map_or_else(|| village.as_str().to_owned(), |v| v.name.clone());
    let name = r
        .people
        .iter()
        .find(|p| p.id == *person)
        .map_or("（未知人员）", |p| p.name.as_str());
    let mut c = shell(
        format!(
            "{name} 列入{village_name}{}后备人员（{listed_on}）",
            post.label()
        ),
        town,
    );
    c.facts = vec![
        ("村", village_name),
        ("岗位", post.label().to_owned()),
        ("列入日期", listed_on.to_string()),
        (
            "调出日期",
            row.removed_on
                .map_or_else(|| "（未调出）".to_owned(), |d| d.to_string()),
        ),
    ];
    c.fields = vec![Field {
        name: "removed_on",
        label: "调出日期（未调出的留空）",
        input: Input::Day { required: false },
        value: row.removed_on.map(|d| d.to_string()).unwrap_or_default(),
    }];
    c.frozen = reserve_counted(store, town, &row).await?;
    let village = c.facts[0].1.clone();
    let twin = r.reserves.iter().any(|x| {
        x.person == *person
            && x.village == row.village
            && x.post == post
            && x.listed_on != listed_on
            && x.removed_on.is_none()
    });
    Ok((c, Held::Reserve { row, village, twin }))
}

/// Why the reserve listing `x` of `town` stands, when a filed year-start
/// judgement counted it: the cycle counts the secretary post's reserves
/// active on 1 January of the year judged, first the year after it was
/// listed (Articles 9, 13).
pub(crate) async fn reserve_counted(
    store: &Store,
    town: TownCode,
    x: &touyan_records::model::Reserve,
) -> Result<Option<String>, OfficeError> {
    if x.post != PostRole::Secretary {
        return Ok(None);
    }
    let first = if x.listed_on.ordinal() == 1 {
        x.listed_on.year()
    } else {
        x.listed_on.year() + 1
    };
    judged(store, Some(town), first - 1, "后备人员记录", "第九条").await
}

/// A young cadre's exit from the programme (Article 10), recorded by the
/// town's operator: withdrawn only (recorded again on the young-cadre
/// page, whose checks of the grounds need the policy of the day); a pay
/// run approved or paid from the exit's month on relied on it (Articles
/// 10, 13).
async fn young_exit(
    store: &Store,
    by: &By<'_>,
    town: TownCode,
    person: &CitizenId,
    on: Date,
    today: Date,
) -> Result<(Correctable, Held), OfficeError> {
    let yt = crate::young::town(store, on.year(), town).await?;
    let row = yt
        .young
        .exits
        .iter()
        .find(|x| x.person == *person && x.on == on && x.programme == Programme::Young)
        .cloned()
        .ok_or(OfficeError::NotFound)?;
    touyan_workflow::art10_young::may_record_exit(&by.actor, town.as_str())?;
    let mut c = shell(
        format!(
            "{} 退出优才计划（{}，{}）",
            yt.name(person),
            on,
            row.reason.label()
        ),
        town,
    );
    c.facts = vec![
        ("退出日期", on.to_string()),
        ("退出原因", row.reason.label().to_owned()),
        ("情况说明", row.note.clone()),
    ];
    // The place the exit freed may be taken: the cadres who joined since
    // would be over the cap with this one back (Article 10).
    if let Some(later) = yt
        .young
        .young_cadres
        .iter()
        .filter(|y| y.person != *person && y.programme_start >= on)
        .min_by_key(|y| y.programme_start)
    {
        c.frozen = Some(format!(
            "{on} 退出后，{} 已于 {} 进入优才计划；撤回这次退出可能超过本镇街人数上限（第十条），不能撤回",
            yt.name(&later.person),
            later.programme_start
        ));
    } else if let Some((m, state)) = crate::pay::first_settled(store, town, on, today).await? {
        c.frozen = Some(format!(
            "{} 年 {} 月的补贴发放{}，发放名单依据了这次退出（第十条、第十三条），不能再撤回",
            m.year(),
            u8::from(m.month()),
            state.label()
        ));
    }
    Ok((c, Held::Exit(row)))
}
