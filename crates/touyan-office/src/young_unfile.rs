//! A young cadre's filing taken back by the city (撤销备案, Article 10):
//! the rows it deletes (the filed programme row and the secretary-reserve
//! listing the filing made) and where a decision relied on the filing, so
//! that it stands. The move itself is `young::record`'s, checked by
//! `touyan_workflow::art10_young` (the city, filed → returned, a reason).

use time::Date;
use touyan_records::CitizenId;
use touyan_records::model::{Labelled, PostRole, Reserve, YoungCadre};
use touyan_storage::{Store, YoungChange};

use crate::OfficeError;
use crate::young::YoungTown;

/// An unfiling refused where a decision relied on the filing: a pay run
/// approved or paid for a month the cadre was paid in as filed (from the
/// later of the programme's start and the filing; Articles 10, 13), or a
/// filed year-start judgement that counted the reserve listing the
/// filing made (Articles 9, 13).
pub(crate) async fn may(
    store: &Store,
    yt: &YoungTown,
    c: &YoungChange,
    today: Date,
) -> Result<(), OfficeError> {
    let Some(y) = &c.remove_cadre else {
        return Ok(());
    };
    let from = std::cmp::max(y.programme_start, y.filed_on.unwrap_or(y.programme_start));
    if let Some((m, state)) = crate::pay::first_settled(store, yt.town, from, today).await? {
        return Err(OfficeError::Conflict(format!(
            "{} 年 {} 月的补贴发放{}，发放名单依据了这次备案（第十条、第十三条），不能撤销备案",
            m.year(),
            u8::from(m.month()),
            state.label()
        )));
    }
    if let Some(x) = &c.remove_reserve
        && let Some(why) = crate::corrections::reserve_counted(store, yt.town, x).await?
    {
        return Err(OfficeError::Conflict(format!(
            "备案时列入的书记后备：{why}；不能撤销备案"
        )));
    }
    Ok(())
}

/// An unfiling's rows to delete: the one filed programme row and the
/// pool listing its filing made; a person with more than one filed row
/// is refused (the older would take over the pay).
pub(crate) fn rows(
    yt: &YoungTown,
    person: &CitizenId,
    c: &mut YoungChange,
) -> Result<(), OfficeError> {
    let filed: Vec<&YoungCadre> = yt
        .cadre_rows(person)
        .into_iter()
        .filter(|y| y.filed_on.is_some())
        .collect();
    if filed.len() > 1 {
        return Err(OfficeError::Conflict(
            "该人员有多段已备案的优才计划记录，不能在此撤销备案；请联系系统管理员核对".into(),
        ));
    }
    let filed = filed
        .first()
        .map(|y| (*y).clone())
        .ok_or_else(|| OfficeError::Invalid("没有找到已备案的优才计划记录".into()))?;
    c.remove_reserve = pool_listing(yt, &filed);
    c.remove_cadre = Some(filed);
    Ok(())
}

/// The listing in the secretary reserve pool that the filing of `y` made
/// (its village's secretary post, from the filing day), withdrawn with
/// the filing.
fn pool_listing(yt: &YoungTown, y: &YoungCadre) -> Option<Reserve> {
    let filed = y.filed_on?;
    yt.records
        .reserves
        .iter()
        .find(|r| {
            r.person == y.person
                && r.village == y.village
                && r.post == PostRole::Secretary
                && r.listed_on == filed
        })
        .cloned()
}
