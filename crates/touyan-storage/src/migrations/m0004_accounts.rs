//! Migration `m0004_accounts`: accounts, sessions and the audit trail of the
//! server (issue 4).
//!
//! - `accounts`: one row per user name: role code, town (town roles only),
//!   the password's argon2id PHC string, failed sign-ins and the lock, when
//!   the password was set, whether the account is disabled.
//! - `login_sessions`: a signed-in browser or API client. Only the SHA-256
//!   of the session token is kept, so a copy of the database signs no one
//!   in. Idle expiry is a condition of the SQL that reads a session
//!   (`last_seen_at` against the caller's clock), so any number of server
//!   processes on one database agree.
//! - `first_setup`: at most one row (the key must be 1): written in the
//!   transaction that creates the first administrator, so two people
//!   submitting the setup form at once cannot both succeed.
//! - `server_keys`: secrets every server process on the database shares
//!   (the key that turns ID numbers into the opaque references used in
//!   web addresses), made by the first process that needs one.
//! - `change_log` gains `origin` (the client address of a web request) and
//!   becomes append-only: triggers on both backends refuse UPDATE and
//!   DELETE (and TRUNCATE on PostgreSQL). A database owner can still drop
//!   a trigger; separating that privilege is the operator's job.
//!
//! Same rules as `migrations/mod.rs`: portable SQL only (the triggers are the
//! one part written per backend), and once released it never changes.

use sea_orm::DbBackend;
use sea_orm_migration::async_trait::async_trait;
use sea_orm_migration::prelude::*;

use crate::migrations::create_table;

pub(crate) struct Accounts;

impl MigrationName for Accounts {
    fn name(&self) -> &str {
        "m0004_accounts"
    }
}

/// What a refused change to the change log says (both backends).
pub(crate) const APPEND_ONLY: &str = "change_log is append-only";

/// The statements, in order.
pub(crate) fn statements(backend: DbBackend) -> Vec<String> {
    let mut out = vec![
        create_table(
            "accounts",
            "username TEXT NOT NULL, display_name TEXT NOT NULL, account_role TEXT NOT NULL, \
             town_code TEXT, password_hash TEXT NOT NULL, failed_attempts INTEGER NOT NULL, \
             locked_until TIMESTAMP, password_changed_at TIMESTAMP NOT NULL, \
             disabled BOOLEAN NOT NULL, \
             PRIMARY KEY (username), \
             FOREIGN KEY (town_code) REFERENCES towns (code), \
             CHECK (failed_attempts >= 0)",
        ),
        "CREATE TABLE login_sessions (token_hash TEXT NOT NULL, username TEXT NOT NULL, \
         created_at TIMESTAMP NOT NULL, last_seen_at TIMESTAMP NOT NULL, origin TEXT, \
         PRIMARY KEY (token_hash), \
         FOREIGN KEY (username) REFERENCES accounts (username))"
            .to_owned(),
        "CREATE INDEX login_sessions_username ON login_sessions (username)".to_owned(),
        "CREATE INDEX login_sessions_last_seen ON login_sessions (last_seen_at)".to_owned(),
        "CREATE TABLE first_setup (singleton INTEGER NOT NULL, done_at TIMESTAMP NOT NULL, \
         PRIMARY KEY (singleton), CHECK (singleton = 1))"
            .to_owned(),
        "CREATE TABLE server_keys (name TEXT NOT NULL, key_hex TEXT NOT NULL, \
         created_at TIMESTAMP NOT NULL, PRIMARY KEY (name))"
            .to_owned(),
        "ALTER TABLE change_log ADD COLUMN origin TEXT".to_owned(),
        "CREATE INDEX change_log_actor ON change_log (actor)".to_owned(),
    ];
    match backend {
        DbBackend::Postgres => {
            out.push(format!(
                "CREATE FUNCTION change_log_append_only() RETURNS trigger LANGUAGE plpgsql AS \
                 $body$ BEGIN RAISE EXCEPTION '{APPEND_ONLY}'; END $body$"
            ));
            out.push(
                "CREATE TRIGGER change_log_no_change BEFORE UPDATE OR DELETE ON change_log \
                 FOR EACH ROW EXECUTE FUNCTION change_log_append_only()"
                    .to_owned(),
            );
            out.push(
                "CREATE TRIGGER change_log_no_truncate BEFORE TRUNCATE ON change_log \
                 FOR EACH STATEMENT EXECUTE FUNCTION change_log_append_only()"
                    .to_owned(),
            );
        }
        _ => {
            for (name, event) in [
                ("change_log_no_update", "UPDATE"),
                ("change_log_no_delete", "DELETE"),
            ] {
                out.push(format!(
                    "CREATE TRIGGER {name} BEFORE {event} ON change_log \
                     BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"
                ));
            }
        }
    }
    out
}

#[async_trait]
impl MigrationTrait for Accounts {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for sql in statements(manager.get_database_backend()) {
            db.execute_unprepared(&sql).await?;
        }
        Ok(())
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
