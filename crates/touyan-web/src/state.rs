//! The application's state and the signed-in user.
//!
//! The store is a private field: handlers reach records only through a
//! desk ([`AppState::town_desk`], [`AppState::city_desk`], checked here,
//! see `http/desk.rs`) or [`AppState::reader`], which takes the signed-in
//! [`User`] and gives a reader of that user's scope (lldap's idea: an
//! unscoped read cannot be written in a handler by accident).

use std::sync::{Arc, Mutex};

use axum::http::HeaderMap;
use time::{Date, OffsetDateTime, PrimitiveDateTime, UtcOffset};
use touyan_records::{CitizenId, TownCode};
use touyan_rules::Policy;
use touyan_storage::{
    AuditEntry, AuditFilter, NewAccount, Page, Paged, Scope, Scoped, Store, StoreError,
};

use crate::auth::{self, Rules};
use crate::http::{CityDesk, Desk, PageError, TownDesk};
use crate::refs::PersonRefs;
use crate::roles::{Action, Role, allowed};
use crate::throttle::{self, Bound, Busy, Gate, Limits, Throttle};

/// The name of the session cookie.
pub const COOKIE: &str = "touyan_session";

/// Where the time comes from (UTC). Tests use a [`ManualClock`].
pub trait Clock: Send + Sync {
    fn now(&self) -> PrimitiveDateTime;
}

/// The system clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> PrimitiveDateTime {
        let t = OffsetDateTime::now_utc();
        PrimitiveDateTime::new(t.date(), t.time())
    }
}

/// A clock that moves only when told.
pub struct ManualClock(Mutex<PrimitiveDateTime>);

impl ManualClock {
    pub fn new(at: PrimitiveDateTime) -> ManualClock {
        ManualClock(Mutex::new(at))
    }

    pub fn advance(&self, by: time::Duration) {
        let mut t = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *t += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> PrimitiveDateTime {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// How the server runs.
pub struct Config {
    /// The policy in force (the city's file, or the shipped example).
    pub policy: Policy,
    /// Mark cookies `Secure` (serve behind HTTPS).
    pub secure_cookies: bool,
    /// Session rules: idle expiry.
    pub rules: Rules,
    /// How often a sign-in may be tried.
    pub throttle: throttle::Rules,
    /// How much costly work runs at once.
    pub limits: Limits,
    /// The key file that seals the one-card (一卡通) accounts, kept
    /// outside the database (`touyan serve --key-file`; made with the
    /// first account). `None`: accounts can be neither recorded nor put
    /// in a payment file.
    pub key_file: Option<std::path::PathBuf>,
    /// The reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: crate::http::TrustedProxies,
    /// The address people open the system at (`https://touyan.example`),
    /// for the voting codes' QR codes and the origin check behind a proxy;
    /// `None`: the request's own `Host`.
    pub public_url: Option<crate::http::PublicUrl>,
    /// How long a request may take.
    pub timeouts: crate::http::Timeouts,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            policy: Policy::example(),
            secure_cookies: false,
            rules: Rules::default(),
            throttle: throttle::Rules::default(),
            limits: Limits::default(),
            key_file: None,
            trusted_proxies: Default::default(),
            public_url: None,
            timeouts: Default::default(),
        }
    }
}

struct Inner {
    store: Store,
    clock: Arc<dyn Clock>,
    config: Config,
    refs: PersonRefs,
    dashboards: crate::charts::Kept,
    /// The to-do lists kept (`pages::todo::items`).
    todos: crate::pages::todo::Kept,
    /// The change log's chain state (`audit_chain`).
    chain: crate::audit_chain::Kept,
    /// The voting codes just issued, for their issuer to print again.
    kept_codes: crate::evaluations::KeptCodes,
    /// The forms expired sessions interrupted (`http::keep`).
    interrupted: crate::http::Interrupted,
    hashes: Gate,
    throttle: Throttle,
    evaluations: Bound,
    imports: Bound,
}

/// Shared by every request.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

/// A signed-in user.
#[derive(Clone, Debug)]
pub struct User {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// The town of a town role.
    pub town: Option<String>,
    /// The session's CSRF token.
    pub csrf: String,
    pub(crate) token_hash: String,
    /// Seconds the session may stay unused (`auth::Rules::idle`).
    pub idle_seconds: i64,
}

impl User {
    pub fn may(&self, action: Action) -> bool {
        allowed(self.role, action)
    }

    /// The one town a town role is limited to (`Some("")` for a town role
    /// without a town: it sees nothing); `None` for city roles.
    pub fn town_scope(&self) -> Option<String> {
        match self.scope() {
            Scope::City => None,
            Scope::Town(t) => Some(t),
        }
    }

    fn scope(&self) -> Scope {
        if self.role.is_town() {
            // A town role without a town sees nothing.
            Scope::Town(self.town.clone().unwrap_or_default())
        } else {
            Scope::City
        }
    }
}

/// What went wrong with a request, for the user.
#[derive(Debug)]
pub enum Failure {
    /// The database or something else of ours; the message is Chinese.
    Internal(String),
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Failure {
        Failure::Internal(e.to_string())
    }
}

/// Why a sign-in failed. A name that has no account gets exactly the
/// answers a wrong password gets.
#[derive(Debug)]
pub enum SignInError {
    /// Wrong user name or password (the same answer for both).
    Wrong,
    /// Tried too often: not checked; try again after `wait_seconds`
    /// (`wait` in words).
    TooEarly {
        wait_seconds: u64,
        wait: String,
    },
    /// Too many passwords are being checked: not checked.
    Busy,
    Internal(String),
}

impl SignInError {
    /// The message for the user.
    pub fn message(&self) -> String {
        match self {
            SignInError::Wrong => "用户名或密码错误".into(),
            SignInError::TooEarly { wait, .. } => {
                format!("登录失败次数过多，请于 {wait}后再试")
            }
            SignInError::Busy => throttle::BUSY.into(),
            SignInError::Internal(m) => {
                let id = crate::http::request_id();
                crate::http::log_internal(&id, m);
                crate::http::internal_text(&id)
            }
        }
    }

    /// The HTTP status of the answer.
    pub fn status(&self) -> axum::http::StatusCode {
        use axum::http::StatusCode;
        match self {
            SignInError::Wrong => StatusCode::UNAUTHORIZED,
            SignInError::TooEarly { .. } => StatusCode::TOO_MANY_REQUESTS,
            SignInError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            SignInError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Seconds for a `Retry-After` header, when there is a wait.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            SignInError::TooEarly { wait_seconds, .. } => Some(*wait_seconds),
            SignInError::Busy => Some(1),
            _ => None,
        }
    }
}

/// A time in UTC+8, to the minute.
pub fn china_time(t: PrimitiveDateTime) -> String {
    let t = t.assume_utc().to_offset(china());
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute()
    )
}

fn china() -> UtcOffset {
    UtcOffset::from_hms(8, 0, 0).unwrap_or(UtcOffset::UTC)
}

/// The value of the cookie `name` in a request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// The session token in a request's cookies.
pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    cookie(headers, COOKIE).filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

pub use crate::http::client_addr;

impl AppState {
    /// The state over `store`; reads (or makes, the first time) the key
    /// of the people references shared by every process on the database.
    pub async fn open(
        store: Store,
        clock: Arc<dyn Clock>,
        config: Config,
    ) -> Result<AppState, StoreError> {
        let candidate = auth::new_token().map_err(StoreError::Internal)?;
        let key = store
            .server_key("person_refs", &candidate, clock.now())
            .await?;
        let key = hex::decode(&key)
            .map_err(|e| StoreError::Internal(format!("密钥 person_refs 已损坏：{e}")))?;
        let l = config.limits;
        let hashes = Gate::new(l.hashes_at_once, l.hash_queue)
            .map_err(|e| StoreError::Internal(format!("无法启动密码校验线程：{e}")))?;
        Ok(AppState(Arc::new(Inner {
            store,
            clock,
            hashes,
            throttle: Throttle::new(config.throttle),
            evaluations: Bound::new(l.evaluations_at_once),
            imports: Bound::new(l.imports_at_once),
            config,
            refs: PersonRefs::new(&key),
            dashboards: Default::default(),
            todos: Default::default(),
            chain: Default::default(),
            kept_codes: Default::default(),
            interrupted: Default::default(),
        })))
    }

    /// The opaque reference of a person, for addresses and the API.
    pub fn person_ref(&self, id: &CitizenId) -> String {
        self.0.refs.encode(id)
    }

    /// The person a reference stands for (`None`: not a reference).
    pub fn person_id(&self, reference: &str) -> Option<CitizenId> {
        self.0.refs.decode(reference)
    }

    /// The voting codes this process issued lately
    /// (`evaluations::KeptCodes`).
    pub fn kept_codes(&self) -> &crate::evaluations::KeptCodes {
        &self.0.kept_codes
    }

    /// The forms expired sessions interrupted (`http::keep`).
    pub fn interrupted(&self) -> &crate::http::Interrupted {
        &self.0.interrupted
    }

    /// Whose session the request's cookie was, expired or not, while its
    /// row is kept (`auth::EXPIRED_KEPT`).
    pub(crate) async fn session_owner(&self, headers: &HeaderMap) -> Option<String> {
        let token = session_cookie(headers)?;
        self.0
            .store
            .session_owner(&auth::token_hash(&token))
            .await
            .ok()
            .flatten()
    }

    pub fn now(&self) -> PrimitiveDateTime {
        self.0.clock.now()
    }

    /// Today in China (UTC+8).
    pub fn today(&self) -> Date {
        self.now().assume_utc().to_offset(china()).date()
    }

    pub fn config(&self) -> &Config {
        &self.0.config
    }

    /// The one-card accounts' key file (`None`: not configured).
    pub fn key_file(&self) -> Option<&std::path::Path> {
        self.0.config.key_file.as_deref()
    }

    pub fn policy(&self) -> &Policy {
        &self.0.config.policy
    }

    /// The migrations of this build not yet applied to the database
    /// (`Store::pending_migrations`): the readiness check.
    pub async fn pending_migrations(&self) -> Result<Vec<String>, Failure> {
        Ok(self.0.store.pending_migrations().await?)
    }

    /// The records' version (`Store::data_version`): what is kept from
    /// records is kept for one version.
    pub async fn data_version(&self) -> Result<i64, Failure> {
        Ok(self.0.store.data_version().await?)
    }

    /// How many password hashes this process has computed (sign-ins and
    /// setup), for monitoring and tests.
    pub fn hashes_computed(&self) -> u64 {
        self.0.hashes.completed()
    }

    /// A slot for one `POST /api/v1/evaluate`, held while the permit
    /// lives; [`Busy`] when [`Limits::evaluations_at_once`] are running.
    pub(crate) fn evaluation_slot(&self) -> Result<tokio::sync::OwnedSemaphorePermit, Busy> {
        self.0.evaluations.try_enter()
    }

    /// A slot for checking one uploaded workbook ([`Limits::imports_at_once`]).
    pub(crate) fn import_slot(&self) -> Result<tokio::sync::OwnedSemaphorePermit, Busy> {
        self.0.imports.try_enter()
    }

    /// The dashboards kept (`charts::data`).
    pub(crate) fn dashboards(&self) -> &crate::charts::Kept {
        &self.0.dashboards
    }

    /// The to-do lists kept (`pages::todo::items`).
    pub(crate) fn todos(&self) -> &crate::pages::todo::Kept {
        &self.0.todos
    }

    /// A reader of what `user` may see.
    pub fn reader<'a>(&'a self, user: &User) -> Scoped<'a> {
        self.0.store.scoped(&user.scope())
    }

    /// One town's records for `user` doing `action` (issue 16, item 5):
    /// refused (403) when the role may not, missing (404) when the user
    /// does not see `town` (a town role's other towns).
    pub(crate) fn town_desk(
        &self,
        user: &User,
        action: Action,
        town: &TownCode,
    ) -> Result<TownDesk<'_>, PageError> {
        if !user.may(action) {
            return Err(PageError::Forbidden);
        }
        if !crate::scope::actor(user).sees(town.as_str()) {
            return Err(PageError::NotFound);
        }
        Ok(TownDesk::checked(&self.0.store, *town))
    }

    /// The desk of `user`'s whole scope for `action`: a town role's own
    /// town (404 for a town role without a valid town), the city's for
    /// a city role; 403 when the role may not.
    pub(crate) fn desk(&self, user: &User, action: Action) -> Result<Desk<'_>, PageError> {
        match user.town_scope() {
            Some(t) => {
                let town = TownCode::parse(&t).map_err(|_| PageError::NotFound)?;
                self.town_desk(user, action, &town).map(Desk::Town)
            }
            None => self.city_desk(user, action).map(Desk::City),
        }
    }

    /// The desk of `town` when one is named ([`AppState::town_desk`]),
    /// else the city's ([`AppState::city_desk`]: 403 for a town role).
    pub(crate) fn desk_of(
        &self,
        user: &User,
        action: Action,
        town: Option<&TownCode>,
    ) -> Result<Desk<'_>, PageError> {
        match town {
            Some(t) => self.town_desk(user, action, t).map(Desk::Town),
            None => self.city_desk(user, action).map(Desk::City),
        }
    }

    /// Every town's records for `user` doing `action`: city roles only
    /// (403 otherwise, and when the role may not).
    pub(crate) fn city_desk(&self, user: &User, action: Action) -> Result<CityDesk<'_>, PageError> {
        if !user.may(action) || user.town_scope().is_some() {
            return Err(PageError::Forbidden);
        }
        Ok(CityDesk::checked(&self.0.store))
    }

    /// The store for the anonymous voting page alone (`/vote/{code}`):
    /// it reads the code it is given and writes that code's one vote; a
    /// code stands for no user and opens nothing else.
    pub(crate) fn vote_store(&self) -> &Store {
        &self.0.store
    }

    /// The signed-in user of a request, if any (marks the session used).
    pub async fn user(&self, headers: &HeaderMap) -> Result<Option<User>, Failure> {
        let Some(token) = session_cookie(headers) else {
            return Ok(None);
        };
        let hash = auth::token_hash(&token);
        let now = self.now();
        let rules = self.0.config.rules;
        let Some(s) = self
            .0
            .store
            .session(&hash, now, now - rules.idle, now - rules.touch_every)
            .await?
        else {
            return Ok(None);
        };
        let Some(role) = Role::from_code(&s.role) else {
            return Ok(None);
        };
        crate::http::note_user(&s.username);
        Ok(Some(User {
            username: s.username,
            display_name: s.display_name,
            role,
            town: s.town,
            csrf: auth::csrf_token(&token),
            token_hash: hash,
            idle_seconds: rules.idle.whole_seconds(),
        }))
    }

    /// Checks a user name and password; on success starts a session and
    /// returns its token and the user. An attempt the throttle holds back
    /// is answered without hashing; every attempt checked is hashed (a
    /// name without an account against a dummy hash) and, when wrong,
    /// recorded in the change log with the client's address.
    pub async fn sign_in(
        &self,
        username: &str,
        password: &str,
        origin: &str,
    ) -> Result<(String, User), SignInError> {
        let internal = |e: StoreError| SignInError::Internal(e.to_string());
        let username = username.trim();
        let now = self.now();
        let rules = self.0.config.rules;
        let attempt = self
            .0
            .throttle
            .admit(username, origin, now)
            .map_err(|until| SignInError::TooEarly {
                wait_seconds: throttle::seconds_until(now, until),
                wait: throttle::wait_text(now, until),
            })?;
        let account = match self.0.store.account(username).await {
            Ok(a) => a,
            Err(e) => {
                self.0.throttle.not_checked(attempt);
                return Err(internal(e));
            }
        };
        let phc = account
            .as_ref()
            .map_or_else(|| auth::DUMMY_HASH.to_owned(), |a| a.password_hash.clone());
        let pw = password.to_owned();
        let ok = match self
            .0
            .hashes
            .run(move || auth::verify_password(&pw, &phc))
            .await
        {
            Ok(ok) => ok,
            Err(Busy) => {
                self.0.throttle.not_checked(attempt);
                return Err(SignInError::Busy);
            }
        };
        let role = account.as_ref().and_then(|a| Role::from_code(&a.role));
        let account = match account {
            Some(a) if ok && !a.disabled && role.is_some() => a,
            _ => {
                // Counted on the account when there is one, logged either
                // way (never the password).
                self.0
                    .store
                    .record_login_failure(username, Some(origin), now)
                    .await
                    .map_err(internal)?;
                return Err(SignInError::Wrong);
            }
        };
        let token = auth::new_token().map_err(SignInError::Internal)?;
        let hash = auth::token_hash(&token);
        if let Err(e) = self
            .0
            .store
            .start_session(
                username,
                &hash,
                Some(origin),
                now,
                now - rules.idle - auth::EXPIRED_KEPT,
            )
            .await
        {
            self.0.throttle.not_checked(attempt);
            return Err(internal(e));
        }
        self.0.throttle.succeeded(attempt, now);
        let user = User {
            username: account.username,
            display_name: account.display_name,
            role: role.unwrap_or(Role::CityViewer),
            town: account.town,
            csrf: auth::csrf_token(&token),
            token_hash: hash,
            idle_seconds: rules.idle.whole_seconds(),
        };
        Ok((token, user))
    }

    /// Ends the user's session.
    pub async fn sign_out(&self, user: &User, origin: &str) -> Result<(), Failure> {
        self.0
            .store
            .end_session(&user.token_hash, Some(origin))
            .await?;
        Ok(())
    }

    /// Whether the database has no account yet (the setup form is open).
    pub async fn needs_setup(&self) -> Result<bool, Failure> {
        Ok(self.0.store.account_count().await? == 0)
    }

    /// Creates the first administrator (a city administrator), only while
    /// there is no account. `Err` is a Chinese message for the form.
    pub async fn set_up(
        &self,
        username: &str,
        display_name: &str,
        password: &str,
        origin: &str,
    ) -> Result<(), String> {
        let username = username.trim();
        if let Some(m) = valid_username(username) {
            return Err(m);
        }
        let display_name = display_name.trim();
        if display_name.is_empty() || display_name.chars().count() > 50 {
            return Err("请填写姓名（不超过 50 个字）".into());
        }
        if let Some(m) = auth::weak_password(password, username) {
            return Err(m);
        }
        let pw = password.to_owned();
        let hash = self
            .0
            .hashes
            .run(move || auth::hash_password(&pw))
            .await
            .map_err(|Busy| throttle::BUSY.to_owned())??;
        let created = self
            .0
            .store
            .create_first_account(
                Some(origin),
                &NewAccount {
                    username: username.to_owned(),
                    display_name: display_name.to_owned(),
                    role: Role::CityAdmin.code().to_owned(),
                    town: None,
                    password_hash: hash,
                },
                self.now(),
            )
            .await
            .map_err(|e| crate::http::logged(&e.to_string()))?;
        if created {
            Ok(())
        } else {
            Err("系统已有账户，不能再次初始化".into())
        }
    }

    /// The audit trail, for a user allowed to read it (`None` otherwise).
    pub async fn audit(
        &self,
        user: &User,
        filter: &AuditFilter,
        page: Page,
    ) -> Result<Option<Paged<AuditEntry>>, Failure> {
        if !user.may(Action::Audit) {
            return Ok(None);
        }
        Ok(Some(self.0.store.audit(filter, page).await?))
    }

    /// The change log's chain state, for the audit administrator.
    pub async fn audit_chain(
        &self,
        user: &User,
    ) -> Result<Option<touyan_storage::ChainState>, Failure> {
        if !user.may(Action::Audit) {
            return Ok(None);
        }
        Ok(Some(self.0.chain.current(&self.0.store).await?))
    }

    /// The display names of the accounts among `actors` (user names in
    /// the audit trail), for the audit administrator: the page names
    /// people beside their user names.
    pub async fn audit_names(
        &self,
        user: &User,
        actors: &[&str],
    ) -> Result<std::collections::HashMap<String, String>, Failure> {
        let mut out = std::collections::HashMap::new();
        if !user.may(Action::Audit) {
            return Ok(out);
        }
        for a in actors {
            if out.contains_key(*a) {
                continue;
            }
            if let Some(acc) = self.0.store.account(a).await? {
                out.insert((*a).to_owned(), acc.display_name);
            }
        }
        Ok(out)
    }
}

/// Why a user name is not acceptable; `None` when it is.
pub fn valid_username(name: &str) -> Option<String> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    (!ok).then(|| "用户名只能由字母、数字和 - _ . 组成，1 至 64 位".to_owned())
}

impl AppState {
    /// Records in the change log that `user` read `what` (`detail` names
    /// the record, masked): the one-person file, for the audit trail of
    /// who looked at whom (issue 15).
    pub async fn audit_read(
        &self,
        user: &User,
        origin: &str,
        what: &str,
        detail: &str,
    ) -> Result<(), Failure> {
        self.0
            .store
            .log_read(&user.username, Some(origin), what, detail)
            .await?;
        Ok(())
    }

    /// Whether `user` may search by a whole ID number once more today,
    /// and if so the search recorded (issue 15): the birth year beside a
    /// masked number leaves some thirty candidates, each a search away, so
    /// such searches are audited and at most [`ID_SEARCHES_PER_DAY`] a
    /// day.
    pub async fn id_search(&self, user: &User, origin: &str, id: &str) -> Result<bool, Failure> {
        let since = self.now().replace_time(time::Time::MIDNIGHT);
        let done = self
            .0
            .store
            .events_since(
                &user.username,
                touyan_storage::Action::Read,
                ID_SEARCH_LOG,
                since,
            )
            .await?;
        if done >= ID_SEARCHES_PER_DAY {
            return Ok(false);
        }
        let shown = match CitizenId::parse(id) {
            Ok(c) => crate::masking::masked(&c),
            Err(_) => "（不是有效号码）".to_owned(),
        };
        self.0
            .store
            .log_read(
                &user.username,
                Some(origin),
                ID_SEARCH_LOG,
                &format!("按身份证号码查找 {shown}"),
            )
            .await?;
        Ok(true)
    }
}

/// How many whole-ID-number searches an account may make in a day.
pub const ID_SEARCHES_PER_DAY: u64 = 30;

/// The change log's name for a whole-ID-number search.
const ID_SEARCH_LOG: &str = "people_search";
