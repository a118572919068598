//! The both-backends test harness (feature `testing`): every storage test
//! runs on a fresh SQLite file in a temporary directory and on a fresh
//! PostgreSQL database, created for the test and dropped after it.
//!
//! PostgreSQL is the server at `TOUYAN_TEST_PG`; without it, the one at
//! `postgres://postgres@127.0.0.1:5432` if it signs `postgres` in without
//! a password, else a private server the tests make and start from the
//! installed PostgreSQL ([`pg_server`], `test_server.rs`). If none can be
//! had the test fails, saying what to install: a storage test that quietly
//! ran on one backend would prove nothing about the other.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};

use sea_orm::{ConnectionTrait, Database, DatabaseConnection};

use crate::{Backend, Store};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

const DEFAULT_SERVER: &str = "postgres://postgres@127.0.0.1:5432";

/// The PostgreSQL server tests use, without a database name, chosen once
/// a process: `TOUYAN_TEST_PG` when set (`private`: the private server);
/// else the server at 127.0.0.1:5432 when it takes the user `postgres`
/// without a password; else a private server made and started for the
/// test run from the installed PostgreSQL (`test_server`).
pub async fn pg_server() -> String {
    static SERVER: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    SERVER
        .get_or_init(|| async {
            match std::env::var("TOUYAN_TEST_PG") {
                Ok(v) if v.trim() != "private" => v.trim().trim_end_matches('/').to_owned(),
                Ok(_) => private(),
                Err(_)
                    if crate::test_server::default_answers() && signs_in(DEFAULT_SERVER).await =>
                {
                    DEFAULT_SERVER.to_owned()
                }
                Err(_) => private(),
            }
        })
        .await
        .clone()
}

/// The private server, or the test fails saying what to install.
fn private() -> String {
    crate::test_server::private_server().unwrap_or_else(|e| panic!("{e}"))
}

/// Whether `server` takes the user `postgres` without a password (a
/// Debian server as installed asks for one).
async fn signs_in(server: &str) -> bool {
    use sea_orm::sqlx::Connection;
    let url = format!("{server}/postgres");
    let probe = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        sea_orm::sqlx::PgConnection::connect(&url),
    )
    .await;
    match probe {
        Ok(Ok(c)) => {
            let _ = c.close().await;
            true
        }
        _ => false,
    }
}

/// A fresh, empty database for one test: its URL and what to clean up.
pub struct TestDb {
    pub backend: Backend,
    /// The URL to open (a file path for SQLite).
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg: Option<(DatabaseConnection, String)>,
}

async fn admin() -> DatabaseConnection {
    use sea_orm::sqlx::Connection;
    let url = format!("{}/postgres", pg_server().await);
    // One plain connection first, so that a server that is not there
    // fails the test at once rather than after the pool's retries.
    let probe = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        sea_orm::sqlx::PgConnection::connect(&url),
    )
    .await
    .map_err(|_| sea_orm::DbErr::Custom("timed out".into()))
    .and_then(|r| r.map_err(|e| sea_orm::DbErr::Custom(e.to_string())));
    let connected = match probe {
        Ok(c) => {
            let _ = c.close().await;
            Database::connect(url.as_str()).await
        }
        Err(e) => Err(e),
    };
    match connected {
        Ok(db) => db,
        Err(e) => panic!(
            "PostgreSQL is not reachable at {url}: {e}\n\
             The storage tests run on both backends and need it. Unset TOUYAN_TEST_PG\n\
             (or set it to `private`) and the tests start a private server from the\n\
             installed PostgreSQL; or point TOUYAN_TEST_PG at a server (trust\n\
             authentication, user postgres)."
        ),
    }
}

impl TestDb {
    /// A new SQLite file in a temporary directory (not yet created).
    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = dir
            .path()
            .join("touyan-test.db")
            .to_string_lossy()
            .into_owned();
        TestDb {
            backend: Backend::Sqlite,
            url,
            _dir: Some(dir),
            pg: None,
        }
    }

    /// A new PostgreSQL database `touyan_t_<pid>_<n>`; databases left by
    /// test processes that no longer run are dropped first.
    pub async fn postgres() -> TestDb {
        let admin = admin().await;
        drop_stale(&admin).await;
        let name = format!(
            "touyan_t_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .await
            .expect("drop an old test database");
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap_or_else(|e| panic!("cannot create test database {name}: {e}"));
        TestDb {
            backend: Backend::Postgres,
            url: format!("{}/{name}", pg_server().await),
            _dir: None,
            pg: Some((admin, name)),
        }
    }

    pub async fn new(backend: Backend) -> TestDb {
        match backend {
            Backend::Sqlite => TestDb::sqlite(),
            Backend::Postgres => TestDb::postgres().await,
        }
    }

    /// Opens the store on this database (migrations applied).
    pub async fn open(&self) -> Store {
        Store::open(&self.url)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// A plain connection to this database, for tests that read or write
    /// tables the store has no call for. Migrations are applied only up to
    /// the first `steps` (`None`: all), so a test can store rows as an
    /// older release did and then [`TestDb::open`] the store on them.
    pub async fn connect(&self, steps: Option<u32>) -> DatabaseConnection {
        use sea_orm_migration::MigratorTrait;
        let url = match self.backend {
            Backend::Sqlite => format!("sqlite://{}?mode=rwc", self.url),
            Backend::Postgres => self.url.clone(),
        };
        let db = Database::connect(url.as_str())
            .await
            .unwrap_or_else(|e| panic!("cannot connect to {url}: {e}"));
        crate::migrations::Migrator::up(&db, steps)
            .await
            .unwrap_or_else(|e| panic!("migrations: {e}"));
        db
    }

    /// Drops the PostgreSQL database (the SQLite directory goes with the
    /// value).
    pub async fn finish(self) {
        if let Some((admin, name)) = &self.pg {
            let _ = admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await;
            let _ = admin.clone().close().await;
        }
    }
}

async fn drop_stale(admin: &DatabaseConnection) {
    let Ok(rows) = admin
        .query_all_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT datname FROM pg_database WHERE datname LIKE 'touyan\\_t\\_%'",
        ))
        .await
    else {
        return;
    };
    for r in rows {
        let Ok(name) = r.try_get_by_index::<String>(0) else {
            continue;
        };
        let pid = name.split('_').nth(2).and_then(|p| p.parse::<u32>().ok());
        if let Some(pid) = pid
            && !std::path::Path::new(&format!("/proc/{pid}")).exists()
        {
            let _ = admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await;
        }
    }
}

/// Runs `body` on a fresh database of `backend`, cleaning up afterwards
/// even when the body panics (the panic is then passed on).
pub async fn run_on<F, Fut>(backend: Backend, body: F)
where
    F: FnOnce(TestDb) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let db = TestDb::new(backend).await;
    let cleanup = TestDb {
        backend: db.backend,
        url: db.url.clone(),
        _dir: None,
        pg: db.pg.clone(),
    };
    let result = tokio::spawn(body(db)).await;
    cleanup.finish().await;
    if let Err(e) = result {
        match e.try_into_panic() {
            Ok(p) => std::panic::resume_unwind(p),
            Err(e) => panic!("test task failed: {e}"),
        }
    }
}

/// Defines a test module `$name` with a `sqlite` and a `postgres` test,
/// each running `$body` (an `async fn(TestDb)`) on a fresh database of that
/// backend.
#[macro_export]
macro_rules! both_backends {
    ($name:ident, $body:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                $crate::testing::run_on($crate::Backend::Sqlite, super::$body).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                $crate::testing::run_on($crate::Backend::Postgres, super::$body).await;
            }
        }
    };
}
