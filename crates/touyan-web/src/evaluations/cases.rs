//! The interview or exit case a closed evaluation opened, followed to its
//! end: the form read here, the case found, checked and ended by
//! `touyan_office::evaluation` (`TownHalf::case`, `end_case`).

use axum::response::Response;
use touyan_office::evaluation::{self as office, CaseMove};
use touyan_office::{By, OfficeError};
use touyan_storage::Store;

use super::{View, failed, key_of};
use crate::http::done;
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
        return failed(
            st,
            user,
            v,
            OfficeError::Invalid("未指明要办理的操作".into()),
        );
    };
    let key = field("person");
    let case = match v.th.case(|p| key_of(st, p) == key) {
        Ok(c) => c,
        Err(e) => return failed(st, user, v, e),
    };
    let today = st.today();
    let on = match field("date") {
        "" => today,
        d => match touyan_records::text::parse_day(d) {
            Some(d) => d,
            None => {
                return failed(st, user, v, OfficeError::Invalid(office::DAY_WANTED.into()));
            }
        },
    };
    match office::end_case(
        store,
        by,
        &v.th,
        st.policy(),
        &case,
        mv,
        field("note"),
        on,
        today,
    )
    .await
    {
        Ok(_) => {
            let who =
                v.th.listed
                    .iter()
                    .find(|p| p.person == case.person)
                    .map_or_else(String::new, |p| format!("{}{}", p.village_name, p.name));
            done(
                &format!(
                    "/evaluations/{}/{}/{}",
                    v.th.year,
                    v.th.half,
                    v.th.town.as_str()
                ),
                &format!(
                    "已{}：{who}（{}）",
                    mv.label(),
                    touyan_records::model::Labelled::label(case.kind)
                ),
            )
        }
        Err(e) => failed(st, user, v, e),
    }
}
