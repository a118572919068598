//! The interview or exit case a closed evaluation opened, followed to its
//! end (`touyan_office::evaluation::end_case`, checked by
//! `touyan_workflow::art12_evaluation::check_case`).

use axum::response::Response;
use touyan_office::By;
use touyan_office::evaluation as office;
use touyan_storage::Store;
use touyan_workflow::Refusal;
use touyan_workflow::art12_evaluation::CaseMove;

use super::{View, failed, key_of, refusal};
use crate::guard::see_other;
use crate::state::{AppState, User};

pub(super) async fn case_move(
    st: &AppState,
    user: &User,
    by: By<'_>,
    store: &Store,
    v: View,
    which: &str,
    form: &[(String, String)],
) -> Response {
    let field = |name: &str| crate::scope::field(form, name);
    let Some(mv) = CaseMove::ALL.into_iter().find(|m| m.code() == which) else {
        return refusal(st, user, v, Refusal::Invalid("未指明要办理的操作".into()));
    };
    let key = field("person");
    let Some(case) =
        v.th.cases
            .iter()
            .find(|c| key_of(st, &c.person) == key)
            .cloned()
    else {
        return refusal(st, user, v, Refusal::Invalid("没有找到该事项".into()));
    };
    let today = st.today();
    let on = match field("date") {
        "" => today,
        d => match touyan_rules::calendar::parse_iso_date(d) {
            Some(d) => d,
            None => {
                return refusal(
                    st,
                    user,
                    v,
                    Refusal::Invalid("日期应为 YYYY-MM-DD，且不晚于今天".into()),
                );
            }
        },
    };
    match office::end_case(store, by, &v.th, &case, mv, field("note"), on, today).await {
        Ok(_) => see_other(&format!(
            "/evaluations/{}/{}/{}",
            v.th.year,
            v.th.half,
            v.th.town.as_str()
        )),
        Err(e) => failed(st, user, v, e),
    }
}
