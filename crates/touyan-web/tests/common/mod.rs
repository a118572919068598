//! The test harness: the application over a small seeded database (SQLite
//! or PostgreSQL, see `touyan_storage::testing`), called in process with
//! `tower::ServiceExt::oneshot`, a clock the tests move, and one account
//! per role.

#![allow(dead_code)]

pub mod upload;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, Response, StatusCode, header};
use http_body_util::BodyExt;
use time::PrimitiveDateTime;
use time::macros::{date, datetime};
use touyan_records::model::*;
use touyan_records::{CitizenId, CommitteeKind, TownCode, VillageCode};
use touyan_rules::people::Education;
use touyan_storage::testing::TestDb;
use touyan_storage::{Batch, NewAccount, Store, Town, Village};
use touyan_web::{AppState, Config, ManualClock};
use tower::ServiceExt;

pub const T1: &str = "370783100";
pub const T2: &str = "370783001";
pub const V1: &str = "370783100201";
pub const V2: &str = "370783001201";
/// A village code that does not exist (in town 1's range).
pub const V_MISSING: &str = "370783100999";
pub const START: PrimitiveDateTime = datetime!(2025-06-02 01:00:00);
/// Every test account's password.
pub const PASSWORD: &str = "Test@2025x";
/// Where test requests come from.
pub const CLIENT: &str = "203.0.113.5";

pub fn cid(first17: &str) -> CitizenId {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17
        .bytes()
        .zip(W)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    CitizenId::parse(&format!("{first17}{check}")).expect("valid id")
}

/// Secretary of V1 (town 1).
pub fn person_a() -> CitizenId {
    cid("37078319700101001")
}

/// Secretary of V2 (town 2).
pub fn person_c() -> CitizenId {
    cid("37078319900315003")
}

fn village(code: &str, name: &str) -> Village {
    Village {
        code: VillageCode::parse(code).unwrap(),
        name: name.into(),
        kind: CommitteeKind::classify(name),
    }
}

pub fn seed() -> Batch {
    let post = |p: CitizenId, v: &str| Post {
        person: p,
        village: VillageCode::parse(v).unwrap(),
        role: PostRole::Secretary,
        start: date!(2021 - 01 - 01),
        end: None,
    };
    Batch {
        towns: vec![
            Town {
                code: TownCode::parse(T1).unwrap(),
                name: "洛城街道".into(),
            },
            Town {
                code: TownCode::parse(T2).unwrap(),
                name: "圣城街道".into(),
            },
        ],
        villages: vec![village(V1, "东村村委会"), village(V2, "南村村民委员会")],
        people: vec![
            Person {
                id: person_a(),
                name: "张三".into(),
                full_time_education: None,
                in_service_education: Some(Education::College),
            },
            Person {
                id: person_c(),
                name: "王五".into(),
                full_time_education: Some(Education::Bachelor),
                in_service_education: None,
            },
        ],
        posts: vec![post(person_a(), V1), post(person_c(), V2)],
        pay_records: vec![PayRecord {
            person: person_a(),
            month: date!(2025 - 05 - 01),
            kind: PayKind::ProfessionalSubsidy,
            source: FundingSource::City,
            amount_fen: 150_000,
        }],
        ..Batch::default()
    }
}

/// (user name, role code, town) of the test accounts.
pub const ACCOUNTS: &[(&str, &str, Option<&str>)] = &[
    ("admin", "city_admin", None),
    ("viewer", "city_viewer", None),
    ("op1", "town_operator", Some(T1)),
    ("rev1", "town_reviewer", Some(T1)),
    ("op2", "town_operator", Some(T2)),
    ("fin", "finance", None),
    ("sys", "system_admin", None),
    ("sec", "security_admin", None),
    ("aud", "audit_admin", None),
];

pub struct Harness {
    pub app: Router,
    pub state: AppState,
    pub clock: Arc<ManualClock>,
    pub store: Store,
}

/// The application over `db`: seeded records, and the test accounts when
/// `accounts` is true.
pub async fn harness(db: &TestDb, accounts: bool) -> Harness {
    harness_with(db, accounts, Config::default()).await
}

/// [`harness`] with its own configuration.
pub async fn harness_with(db: &TestDb, accounts: bool, config: Config) -> Harness {
    let store = db.open().await;
    store.apply("测试", &seed()).await.expect("seed");
    if accounts {
        let hash = touyan_web::auth::hash_password(PASSWORD).unwrap();
        let new: Vec<NewAccount> = ACCOUNTS
            .iter()
            .map(|(u, r, t)| NewAccount {
                username: (*u).into(),
                display_name: format!("{u} 测试"),
                role: (*r).into(),
                town: t.map(str::to_owned),
                password_hash: hash.clone(),
            })
            .collect();
        store
            .create_accounts("测试", None, &new, START)
            .await
            .expect("accounts");
    }
    let clock = Arc::new(ManualClock::new(START));
    let state = AppState::open(store.clone(), clock.clone(), config)
        .await
        .expect("state");
    Harness {
        app: touyan_web::app(state.clone()),
        state,
        clock,
        store,
    }
}

/// A response, read whole.
pub struct Answer {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }

    /// What the next page will say was done (the notice cookie this
    /// answer sets, decoded); `None` when it says nothing.
    pub fn notice(&self) -> Option<String> {
        let v = self
            .headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|c| c.strip_prefix("touyan_notice="))?
            .split(';')
            .next()?
            .to_owned();
        form_urlencoded::parse(format!("t={v}").as_bytes())
            .map(|(_, v)| v.into_owned())
            .next()
            .filter(|t| !t.is_empty())
    }

    /// The session token set by this answer.
    pub fn session(&self) -> Option<String> {
        let c = self.header("set-cookie")?;
        let v = c.strip_prefix("touyan_session=")?.split(';').next()?;
        (!v.is_empty()).then(|| v.to_owned())
    }
}

async fn read(res: Response<Body>) -> Answer {
    let status = res.status();
    let headers = res.headers().clone();
    let body = res
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes()
        .to_vec();
    Answer {
        status,
        headers,
        body,
    }
}

/// A request being built.
pub struct Call {
    req: axum::http::request::Builder,
    body: Body,
    from: String,
}

pub fn get(uri: &str) -> Call {
    Call {
        req: Request::get(uri),
        body: Body::empty(),
        from: CLIENT.to_owned(),
    }
}

pub fn post(uri: &str) -> Call {
    Call {
        req: Request::post(uri),
        body: Body::empty(),
        from: CLIENT.to_owned(),
    }
}

impl Call {
    pub fn session(mut self, token: Option<&str>) -> Call {
        if let Some(t) = token {
            self.req = self
                .req
                .header(header::COOKIE, format!("touyan_session={t}"));
        }
        self
    }

    /// Sent from this client address instead of [`CLIENT`].
    pub fn from(mut self, ip: &str) -> Call {
        self.from = ip.to_owned();
        self
    }

    /// A body as it is, given as an already-built [`Body`] (e.g. one that
    /// streams).
    pub fn body(mut self, content_type: &str, body: Body) -> Call {
        self.req = self.req.header(header::CONTENT_TYPE, content_type);
        self.body = body;
        self
    }

    pub fn header(mut self, k: &str, v: &str) -> Call {
        self.req = self.req.header(k, v);
        self
    }

    pub fn json(mut self, body: impl Into<Vec<u8>>) -> Call {
        self.req = self.req.header(header::CONTENT_TYPE, "application/json");
        self.body = Body::from(body.into());
        self
    }

    /// A body of the given content type, as it is.
    pub fn raw(mut self, content_type: &str, body: Vec<u8>) -> Call {
        self.req = self.req.header(header::CONTENT_TYPE, content_type);
        self.body = Body::from(body);
        self
    }

    pub fn form(mut self, pairs: &[(&str, &str)]) -> Call {
        let body: Vec<String> = pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", urlencode(v)))
            .collect();
        self.req = self
            .req
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        self.body = Body::from(body.join("&"));
        self
    }

    pub async fn send(self, h: &Harness) -> Answer {
        self.send_to(h.app.clone()).await
    }

    /// Sends to an application (for a request sent from another task).
    pub async fn send_to(self, app: Router) -> Answer {
        let mut req = self.req.body(self.body).expect("request");
        let addr = SocketAddr::new(self.from.parse().expect("an IP address"), 40000);
        req.extensions_mut().insert(ConnectInfo(addr));
        read(app.oneshot(req).await.expect("infallible")).await
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

impl Harness {
    /// The address part of a person.
    pub fn person(&self, id: &CitizenId) -> String {
        self.state.person_ref(id)
    }
}

/// Signs in through the API: (session token, CSRF token).
pub async fn sign_in(h: &Harness, username: &str) -> (String, String) {
    let a = post("/api/v1/login")
        .json(format!(
            r#"{{"username":"{username}","password":"{PASSWORD}"}}"#
        ))
        .send(h)
        .await;
    assert_eq!(a.status, StatusCode::OK, "{username}: {}", a.text());
    let token = a.session().expect("cookie");
    let csrf = a.json()["csrf_token"].as_str().unwrap().to_owned();
    (token, csrf)
}

/// A stored proposal of 2025 for both towns, written by hand (the cycle's
/// own tests check how proposals are made): each town has two villagers'
/// committees on record for the quota (round half up of 2 × 50% = 1), one
/// secretary judged eligible and proposed in tier 3 (a list of one has no
/// tier-1 or tier-2 place).
pub async fn seed_proposals(store: &Store) {
    use touyan_storage::{CycleSecretary, CycleTown};
    let checks = |eligible: bool| {
        format!(
            r#"{{"id":"s","eligible":{eligible},"checks":[{{"rule":"three_good_three_strong","article":1,"passed":true,"detail":"镇街认定符合"}},{{"rule":"tenure","article":1,"passed":{eligible},"detail":"连续任职 4 年 5 个月"}},{{"rule":"star_rating","article":13,"passed":true,"detail":"四星级"}}],"training":null,"competency":null}}"#
        )
    };
    let town = |t: &str| CycleTown {
        year: 2025,
        town: TownCode::parse(t).unwrap(),
        as_of: date!(2025 - 01 - 01),
        policy_id: touyan_rules::Policy::example().id,
        village_count: 2,
        inclusion_quota: 1,
        young_cadre_cap: 0,
        secretaries: 1,
        eligible: 1,
        included: 1,
        tiers: [0, 0, 1],
    };
    let sec = |t: &str, v: &str, p: CitizenId| CycleSecretary {
        year: 2025,
        village: VillageCode::parse(v).unwrap(),
        town: TownCode::parse(t).unwrap(),
        person: p,
        eligible: true,
        place: Some(1),
        tier: Some(3),
        checks_json: checks(true),
    };
    store
        .replace_cycle(
            "测算",
            2025,
            None,
            &[town(T2), town(T1)],
            &[sec(T1, V1, person_a()), sec(T2, V2, person_c())],
            &mut |_| {},
        )
        .await
        .expect("proposals");
}
