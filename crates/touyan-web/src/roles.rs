//! Roles and the permission table: which role may do what, in one place.
//!
//! Separation of duties (等保2.0 访问控制): the system, security and audit
//! administrators see no personal data; only the audit administrator reads
//! the audit trail; finance reads pay only; town roles are limited to their
//! own town (the scope, see `touyan_storage::Scope`).

/// The roles (defined with the workflows, which decide who moves what).
pub use touyan_workflow::Role;

/// What a request does, as the permission table knows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// The dashboard: counts in the user's scope (no personal data).
    Dashboard,
    /// Villages: list and one village.
    Villages,
    /// People: list and the one-person file.
    People,
    /// The policy parameters in force.
    Policy,
    /// The audit trail.
    Audit,
    /// `POST /api/v1/evaluate`: decide a case sent in.
    Evaluate,
    /// Importing a workbook (changes records), its template and the
    /// marked copy of a refused one.
    Import,
    /// Excel exports (finance: the payment file only, checked by the
    /// export itself; full ID numbers: [`Action::ExportFullIds`]).
    Export,
    /// Exports with full ID numbers (logged).
    ExportFullIds,
    /// The yearly lists (Articles 1, 13): see them, and make the moves
    /// the workflow allows the role (`touyan_workflow::art01_13_list`).
    Lists,
    /// The monthly subsidy runs (Article 13): see them, and make the
    /// moves the workflow allows the role (`touyan_workflow::
    /// art13_pay_run`; finance confirms payment).
    Pay,
    /// The competency evaluations (Article 12) and the cases they open:
    /// see them, and make the moves the workflow allows the role
    /// (`touyan_workflow::art12_evaluation`).
    Evaluations,
    /// Training (Article 6): compliance, sessions, attendance, follow-ups;
    /// who records what is `touyan_workflow::art06_training`'s.
    Training,
    /// Secondments and reserves (Articles 8, 9): see them, and record
    /// what `touyan_workflow::art08_09_reserves` allows the role.
    Reserves,
    /// Young cadres (Article 10): see them, and make the moves
    /// `touyan_workflow::art10_young` allows the role.
    Young,
    /// What-if (模拟测算): decide with changed facts or parameters,
    /// writing nothing.
    WhatIf,
    /// Exits (the inferred Article 14): see grounds and exits; the town's
    /// reviewer records one.
    Exits,
    /// Qualification (Article 7): certificates, courses, degree study;
    /// who records what is `touyan_workflow::art07_qualification`'s.
    Qualifications,
    /// The year's proposal decided again and stored (the yearly
    /// adjustment, Article 13): the city for every town, a town's
    /// operator for the town.
    Propose,
    /// The yearly plans (Article 11): see them, and make the moves the
    /// workflow allows the role (`touyan_workflow::art11_plan`; the city
    /// follows them).
    Plans,
    /// Daily management and treatment guarantees (the inferred Chapter 2
    /// and Article 14): records and reminders; who keeps what and who
    /// moves a leave request is `touyan_workflow::art02_daily` /
    /// `art14_treatment`'s.
    Daily,
}

use Role::*;

/// The permission table: each action and the roles that may do it.
pub const PERMISSIONS: &[(Action, &[Role])] = &[
    (Action::Dashboard, &Role::ALL),
    (
        Action::Villages,
        &[CityAdmin, CityViewer, TownOperator, TownReviewer],
    ),
    (
        Action::People,
        &[CityAdmin, CityViewer, TownOperator, TownReviewer],
    ),
    (Action::Policy, &Role::ALL),
    (Action::Audit, &[AuditAdmin]),
    (
        Action::Evaluate,
        &[CityAdmin, CityViewer, TownOperator, TownReviewer],
    ),
    (Action::Import, &[CityAdmin, TownOperator]),
    (
        Action::Export,
        &[CityAdmin, CityViewer, TownOperator, TownReviewer, Finance],
    ),
    (Action::ExportFullIds, &[CityAdmin]),
    (
        Action::Lists,
        &[CityAdmin, CityViewer, TownOperator, TownReviewer],
    ),
    (
        Action::Qualifications,
        &[CityAdmin, CityViewer, TownOperator, TownReviewer],
    ),
    (
        Action::Exits,
        &[CityAdmin, CityViewer, TownOperator, TownReviewer],
    ),
    (
        Action::WhatIf,
        &[CityAdmin, CityViewer, TownOperator, TownReviewer],
    ),
    (
        Action::Young,
        &[CityAdmin, CityViewer, TownOperator, TownReviewer],
    ),
    (
        Action::Reserves,
        &[CityAdmin, CityViewer, TownOperator, TownReviewer],
    ),
    (
        Action::Training,
        &[CityAdmin, CityViewer, TownOperator, TownReviewer],
    ),
    (
        Action::Evaluations,
        &[CityAdmin, CityViewer, TownOperator, TownReviewer],
    ),
    (
        Action::Pay,
        &[CityAdmin, CityViewer, TownOperator, TownReviewer, Finance],
    ),
    (Action::Propose, &[CityAdmin, TownOperator]),
    (
        Action::Plans,
        &[CityAdmin, CityViewer, TownOperator, TownReviewer],
    ),
    (
        Action::Daily,
        &[CityAdmin, CityViewer, TownOperator, TownReviewer],
    ),
];

/// Whether `role` may do `action`.
pub fn allowed(role: Role, action: Action) -> bool {
    PERMISSIONS
        .iter()
        .any(|(a, roles)| *a == action && roles.contains(&role))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_labels_are_chinese() {
        for r in Role::ALL {
            assert_eq!(Role::from_code(r.code()), Some(r));
            assert!(!r.label().is_ascii());
        }
        assert_eq!(Role::from_code("root"), None);
    }

    #[test]
    fn only_the_audit_administrator_reads_the_audit_trail() {
        let readers: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| allowed(*r, Action::Audit))
            .collect();
        assert_eq!(readers, [AuditAdmin]);
    }

    #[test]
    fn only_city_administrators_and_town_operators_import() {
        let importers: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| allowed(*r, Action::Import))
            .collect();
        assert_eq!(importers, [CityAdmin, TownOperator]);
        let full: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| allowed(*r, Action::ExportFullIds))
            .collect();
        assert_eq!(full, [CityAdmin]);
        for r in [SystemAdmin, SecurityAdmin, AuditAdmin] {
            assert!(!allowed(r, Action::Export), "{r:?}");
        }
    }

    #[test]
    fn administrators_of_the_system_see_no_personal_data() {
        for r in [SystemAdmin, SecurityAdmin, AuditAdmin, Finance] {
            assert!(!allowed(r, Action::People), "{r:?}");
            assert!(!allowed(r, Action::Villages), "{r:?}");
            assert!(!allowed(r, Action::Plans), "{r:?}");
        }
    }
}
