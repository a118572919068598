//! Floods bounded: how many password hashes run at once, how often a
//! sign-in may be tried, and how many costly requests run at once.
//!
//! **Hashing.** A password hash (argon2id, about 19 MiB and tens of
//! milliseconds each) runs only inside a [`Gate`]: at most
//! [`Limits::hashes_at_once`] at a time, on that many threads of its own,
//! at most [`Limits::hash_queue`] more waiting; anyone beyond is refused
//! at once ([`Busy`], answered 503 “系统繁忙，请稍后再试”) instead of
//! piling up threads and memory. A hash keeps its thread until it ends,
//! even when its client hangs up.
//!
//! **Throttle.** Sign-in failures are counted in memory under three keys:
//! the pair (name tried, client address), the client address alone
//! (IPv6 by its /64, which one subscriber holds) and the name alone. Each
//! key has a number of free failures; after them every further attempt
//! under that key must wait `first_wait × 2^(failures − free)` from the
//! last failure (1 s, 2 s, 4 s, …), up to a cap. An attempt that comes too
//! early is answered 429 without hashing or writing anything. The name
//! alone is a key whether or not an account has that name, so unknown and
//! known names are throttled alike.
//!
//! Nobody can lock a real user out from another place:
//! - the pair key is the only one that grows to a long wait for one
//!   address trying one name (15 minutes);
//! - the name's key is a slowdown: its wait is capped at a minute, and a
//!   single address reaches it only through its own pair waits;
//! - a pair that signed in successfully within [`Rules::trust_for`] is
//!   *trusted*: the address and name keys neither hold it back nor count
//!   its failures, so an attacker failing on `city` from one address (or
//!   flooding other names from the same address) never delays `city` at
//!   an address it has used before.
//!
//! The counts are per process: several processes on one database each
//! keep their own (the database keeps each account's failure count and
//! the audit trail of every checked attempt).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use time::{Duration, PrimitiveDateTime};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The answer when a bounded resource is full.
pub const BUSY: &str = "系统繁忙，请稍后再试";

/// How much of the costly work runs at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Password hashes computed at once (sign-in and setup).
    pub hashes_at_once: usize,
    /// Password hashes waiting for a slot; more are refused at once.
    pub hash_queue: usize,
    /// `POST /api/v1/evaluate` requests decided at once; more are refused.
    pub evaluations_at_once: usize,
    /// Workbook uploads checked and written at once; more are refused (a
    /// workbook at the size limits costs a few hundred MB while read).
    pub imports_at_once: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            hashes_at_once: 2,
            hash_queue: 16,
            evaluations_at_once: 2,
            imports_at_once: 1,
        }
    }
}

/// The sign-in throttle's numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rules {
    /// Failures of one address on one name before its attempts wait.
    pub free_per_pair: u32,
    /// Failures of one address (any name) before its attempts wait.
    pub free_per_address: u32,
    /// Failures on one name (any address) before attempts on it wait.
    pub free_per_name: u32,
    /// The first wait; each further failure doubles it.
    pub first_wait: Duration,
    /// The longest wait of a pair or an address.
    pub longest_wait: Duration,
    /// The longest wait of a name: a slowdown, never a lock.
    pub longest_name_wait: Duration,
    /// A key with no failure for this long starts over.
    pub forget_after: Duration,
    /// How long a successful sign-in trusts its (name, address) pair.
    pub trust_for: Duration,
    /// Keys kept per kind; the oldest are dropped beyond it.
    pub max_keys: usize,
}

impl Default for Rules {
    fn default() -> Rules {
        Rules {
            free_per_pair: 5,
            free_per_address: 20,
            free_per_name: 10,
            first_wait: Duration::seconds(1),
            longest_wait: Duration::minutes(15),
            longest_name_wait: Duration::minutes(1),
            forget_after: Duration::days(1),
            trust_for: Duration::days(30),
            max_keys: 100_000,
        }
    }
}

/// A bounded resource is full.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Busy;

type Job = Box<dyn FnOnce() + Send>;

/// Runs blocking work on a fixed pool of threads with a bounded queue
/// (see the module's docs).
///
/// A pool of its own rather than a semaphore around `spawn_blocking`: in
/// the flood test (`crates/touyan-cli/tests/flood.rs`) the semaphore left
/// the server at 377 MB after 52 hashes — each could land on a new
/// blocking thread, whose malloc heap then kept its 19 MiB — and the pool
/// at 244 MB; with `touyan serve` also handing blocks of 1 MiB and more
/// back to the system (`serve.rs`), 72 MB at the peak and 34 MB after.
#[derive(Clone)]
pub struct Gate {
    jobs: std::sync::mpsc::SyncSender<Job>,
    done: Arc<AtomicU64>,
    running: Arc<AtomicU64>,
}

impl Gate {
    /// `at_once` threads (at least one) and room for `queue` jobs waiting.
    /// The threads end when the last clone of the gate is dropped.
    pub fn new(at_once: usize, queue: usize) -> std::io::Result<Gate> {
        let (jobs, inbox) = std::sync::mpsc::sync_channel::<Job>(queue);
        let inbox = Arc::new(Mutex::new(inbox));
        for i in 0..at_once.max(1) {
            let inbox = inbox.clone();
            std::thread::Builder::new()
                .name(format!("touyan-hash-{i}"))
                .spawn(move || {
                    loop {
                        // The lock is held only while waiting for a job.
                        let job = match inbox.lock() {
                            Ok(rx) => rx.recv(),
                            Err(e) => e.into_inner().recv(),
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => return,
                        }
                    }
                })?;
        }
        Ok(Gate {
            jobs,
            done: Arc::new(AtomicU64::new(0)),
            running: Arc::new(AtomicU64::new(0)),
        })
    }

    /// Runs `f` on one of the gate's threads once one is free; [`Busy`] at
    /// once when the queue is full. A job whose caller has gone away by the
    /// time a thread takes it is skipped.
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Busy> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let (done, running) = (self.done.clone(), self.running.clone());
        let job: Job = Box::new(move || {
            if reply.is_closed() {
                return;
            }
            running.fetch_add(1, Ordering::SeqCst);
            let out = f();
            running.fetch_sub(1, Ordering::SeqCst);
            done.fetch_add(1, Ordering::Relaxed);
            let _ = reply.send(out);
        });
        self.jobs.try_send(job).map_err(|_| Busy)?;
        answer.await.map_err(|_| Busy)
    }

    /// How many jobs have run to the end.
    pub fn completed(&self) -> u64 {
        self.done.load(Ordering::Relaxed)
    }

    /// How many jobs are running now.
    pub fn running(&self) -> u64 {
        self.running.load(Ordering::SeqCst)
    }
}

/// At most a fixed number of requests at once, the rest refused at once.
#[derive(Clone)]
pub struct Bound(Arc<Semaphore>);

impl Bound {
    pub fn new(at_once: usize) -> Bound {
        Bound(Arc::new(Semaphore::new(at_once.max(1))))
    }

    /// A slot, held until the permit is dropped; [`Busy`] when none is free.
    pub fn try_enter(&self) -> Result<OwnedSemaphorePermit, Busy> {
        self.0.clone().try_acquire_owned().map_err(|_| Busy)
    }
}

/// The address a client is counted under: an IPv4 address as it is, an
/// IPv6 address by its first 64 bits (one subscriber's network).
pub fn address_key(addr: &str) -> String {
    match addr.parse::<IpAddr>() {
        Ok(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
        Ok(IpAddr::V4(v4)) => v4.to_string(),
        Err(_) => addr.chars().take(64).collect(),
    }
}

/// The name as the throttle counts it (at most 64 characters: no account
/// has a longer one).
fn name_key(name: &str) -> String {
    name.trim().chars().take(64).collect()
}

#[derive(Clone, Copy, Debug)]
struct Count {
    failures: u32,
    last: PrimitiveDateTime,
}

/// Counts by key, at most `max` of them.
struct Counts(HashMap<String, Count>);

impl Counts {
    fn current(&self, key: &str, now: PrimitiveDateTime, forget: Duration) -> Option<Count> {
        self.0
            .get(key)
            .copied()
            .filter(|c| now - c.last < forget && now >= c.last)
    }

    /// When the next attempt under `key` may come (`None`: now).
    fn next_allowed(
        &self,
        key: &str,
        now: PrimitiveDateTime,
        free: u32,
        r: &Rules,
        longest: Duration,
    ) -> Option<PrimitiveDateTime> {
        let c = self.current(key, now, r.forget_after)?;
        if c.failures < free {
            return None;
        }
        let at = c.last + wait(c.failures - free, r.first_wait, longest);
        (at > now).then_some(at)
    }

    fn add(&mut self, key: &str, now: PrimitiveDateTime, r: &Rules) {
        let failures = self
            .current(key, now, r.forget_after)
            .map_or(0, |c| c.failures);
        if !self.0.contains_key(key) && self.0.len() >= r.max_keys {
            self.make_room(now, r);
        }
        self.0.insert(
            key.to_owned(),
            Count {
                failures: failures.saturating_add(1),
                last: now,
            },
        );
    }

    /// Takes back one failure (an attempt that turned out right, or was
    /// never checked).
    fn take_back(&mut self, key: &str) {
        if let Some(c) = self.0.get_mut(key) {
            c.failures = c.failures.saturating_sub(1);
            if c.failures == 0 {
                self.0.remove(key);
            }
        }
    }

    /// Forgets what has run out and, if that is not enough, the older
    /// half of the rest.
    fn make_room(&mut self, now: PrimitiveDateTime, r: &Rules) {
        self.0.retain(|_, c| now - c.last < r.forget_after);
        if self.0.len() >= r.max_keys {
            let mut lasts: Vec<PrimitiveDateTime> = self.0.values().map(|c| c.last).collect();
            let mid = lasts.len() / 2;
            let (_, median, _) = lasts.select_nth_unstable(mid);
            let median = *median;
            self.0.retain(|_, c| c.last > median);
        }
        if self.0.len() >= r.max_keys {
            // Every key failed at the same instant.
            self.0.clear();
        }
    }
}

/// `first × 2^n`, at most `longest`.
fn wait(n: u32, first: Duration, longest: Duration) -> Duration {
    if n >= 31 {
        return longest;
    }
    (first * (1i32 << n)).min(longest)
}

struct State {
    pairs: Counts,
    addresses: Counts,
    names: Counts,
    /// (name, address) → the last successful sign-in.
    trusted: HashMap<(String, String), PrimitiveDateTime>,
}

/// The sign-in throttle (see the module's docs).
pub struct Throttle {
    rules: Rules,
    state: Mutex<State>,
}

/// An attempt let through: it counts as a failure until
/// [`Throttle::succeeded`] or [`Throttle::not_checked`] says otherwise.
#[derive(Debug)]
pub struct Attempt {
    name: String,
    address: String,
    trusted: bool,
}

impl Throttle {
    pub fn new(rules: Rules) -> Throttle {
        Throttle {
            rules,
            state: Mutex::new(State {
                pairs: Counts(HashMap::new()),
                addresses: Counts(HashMap::new()),
                names: Counts(HashMap::new()),
                trusted: HashMap::new(),
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Lets an attempt at `name` from `addr` through, counting it as a
    /// failure for now; `Err`: not before that time (UTC).
    pub fn admit(
        &self,
        name: &str,
        addr: &str,
        now: PrimitiveDateTime,
    ) -> Result<Attempt, PrimitiveDateTime> {
        let r = &self.rules;
        let name = name_key(name);
        let pair = pair_key(&name, addr);
        let address = address_key(addr);
        let mut s = self.lock();
        let trusted = s
            .trusted
            .get(&(name.clone(), addr.to_owned()))
            .is_some_and(|t| now - *t < r.trust_for && now >= *t);
        let mut until = s
            .pairs
            .next_allowed(&pair, now, r.free_per_pair, r, r.longest_wait);
        if !trusted {
            let later = [
                s.addresses
                    .next_allowed(&address, now, r.free_per_address, r, r.longest_wait),
                s.names
                    .next_allowed(&name, now, r.free_per_name, r, r.longest_name_wait),
            ];
            until = until.into_iter().chain(later.into_iter().flatten()).max();
        }
        if let Some(until) = until {
            return Err(until);
        }
        s.pairs.add(&pair, now, r);
        if !trusted {
            s.addresses.add(&address, now, r);
            s.names.add(&name, now, r);
        }
        Ok(Attempt {
            name,
            address: addr.to_owned(),
            trusted,
        })
    }

    /// The attempt was right: its pair starts over and is trusted; the
    /// address and name get their provisional failure back.
    pub fn succeeded(&self, a: Attempt, now: PrimitiveDateTime) {
        let mut s = self.lock();
        s.pairs.0.remove(&pair_key(&a.name, &a.address));
        if !a.trusted {
            s.addresses.take_back(&address_key(&a.address));
            s.names.take_back(&a.name);
        }
        if !s.trusted.contains_key(&(a.name.clone(), a.address.clone()))
            && s.trusted.len() >= self.rules.max_keys
        {
            let trust_for = self.rules.trust_for;
            s.trusted.retain(|_, t| now - *t < trust_for);
            if s.trusted.len() >= self.rules.max_keys {
                s.trusted.clear();
            }
        }
        s.trusted.insert((a.name, a.address), now);
    }

    /// The attempt was not checked (the hashing was busy or failed): every
    /// key gets its provisional failure back.
    pub fn not_checked(&self, a: Attempt) {
        let mut s = self.lock();
        s.pairs.take_back(&pair_key(&a.name, &a.address));
        if !a.trusted {
            s.addresses.take_back(&address_key(&a.address));
            s.names.take_back(&a.name);
        }
    }
}

fn pair_key(name: &str, addr: &str) -> String {
    format!("{addr}\u{0}{name}")
}

/// A wait for the user: “N 秒” up to two minutes, then whole minutes (up).
pub fn wait_text(now: PrimitiveDateTime, until: PrimitiveDateTime) -> String {
    let secs = seconds_until(now, until);
    if secs <= 120 {
        format!("{secs} 秒")
    } else {
        format!("{} 分钟", secs.div_ceil(60))
    }
}

/// Whole seconds from `now` to `until`, rounded up, at least 1.
pub fn seconds_until(now: PrimitiveDateTime, until: PrimitiveDateTime) -> u64 {
    let d = until - now;
    let whole = d.whole_seconds().max(0) as u64;
    let more = u64::from(d.subsec_nanoseconds() > 0);
    (whole + more).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;
    use time::macros::datetime;

    const T0: PrimitiveDateTime = datetime!(2025-06-02 01:00:00);

    fn rules() -> Rules {
        Rules {
            free_per_pair: 3,
            free_per_address: 6,
            free_per_name: 4,
            ..Rules::default()
        }
    }

    /// `n` failures of `name` from `addr`, one a minute from `t` (each let
    /// through), and the time after the last.
    fn fail(
        t: &Throttle,
        name: &str,
        addr: &str,
        n: u32,
        mut at: PrimitiveDateTime,
    ) -> PrimitiveDateTime {
        for i in 0..n {
            t.admit(name, addr, at)
                .unwrap_or_else(|u| panic!("failure {i} of {name} from {addr} held until {u}"));
            at += Duration::minutes(1);
        }
        at - Duration::minutes(1)
    }

    #[test]
    fn waits_double_after_the_free_failures_and_are_capped() {
        let r = Rules::default();
        assert_eq!(wait(0, r.first_wait, r.longest_wait), Duration::seconds(1));
        assert_eq!(wait(3, r.first_wait, r.longest_wait), Duration::seconds(8));
        assert_eq!(
            wait(9, r.first_wait, r.longest_wait),
            Duration::seconds(512)
        );
        // 2^10 s is past 15 minutes.
        assert_eq!(
            wait(10, r.first_wait, r.longest_wait),
            Duration::minutes(15)
        );
        assert_eq!(
            wait(40, r.first_wait, r.longest_wait),
            Duration::minutes(15)
        );
    }

    #[test]
    fn a_pair_waits_after_its_free_failures() {
        let t = Throttle::new(rules());
        // Three free failures, a minute apart (no other key reaches its
        // free count: the address and the name have 3 each).
        let last = fail(&t, "city", "198.51.100.7", 3, T0);
        // The fourth must wait 1 s from the third.
        assert_eq!(
            t.admit("city", "198.51.100.7", last).unwrap_err(),
            last + Duration::seconds(1)
        );
        // A refused attempt is not counted: still 1 s, not 2.
        assert_eq!(
            t.admit("city", "198.51.100.7", last + Duration::milliseconds(999))
                .unwrap_err(),
            last + Duration::seconds(1)
        );
        let a = t
            .admit("city", "198.51.100.7", last + Duration::seconds(1))
            .unwrap();
        assert!(!a.trusted);
        // Four failures: the next waits 2 s from the fourth.
        let fourth = last + Duration::seconds(1);
        assert_eq!(
            t.admit("city", "198.51.100.7", fourth + Duration::seconds(1))
                .unwrap_err(),
            fourth + Duration::seconds(2)
        );
        // Another address on the same name waits only for the name: four
        // failures, four free, so 1 s from the fourth.
        assert_eq!(
            t.admit("city", "198.51.100.8", fourth).unwrap_err(),
            fourth + Duration::seconds(1)
        );
        assert!(
            t.admit("city", "198.51.100.8", fourth + Duration::seconds(1))
                .is_ok()
        );
    }

    #[test]
    fn a_name_is_only_slowed_and_trusted_pairs_pass() {
        let r = rules();
        let t = Throttle::new(r);
        // city signs in from its office once.
        let ok = t.admit("city", "192.0.2.1", T0).unwrap();
        t.succeeded(ok, T0);
        // Attackers from two addresses fail on city: 3 + 3 pass their
        // pairs' free counts, so the name has 6 failures (free: 4).
        let at = fail(&t, "city", "198.51.100.7", 3, T0);
        let at = fail(&t, "city", "198.51.100.9", 3, at);
        // A new address waits for the name: 2^(6−4) = 4 s after the last.
        assert_eq!(
            t.admit("city", "203.0.113.50", at).unwrap_err(),
            at + Duration::seconds(4)
        );
        // The office is trusted: let through at once.
        let office = t.admit("city", "192.0.2.1", at).unwrap();
        assert!(office.trusted);
        t.succeeded(office, at);
        // However many failures, the name's wait stays at most a minute.
        let mut at = at;
        for i in 0..40u8 {
            at += Duration::hours(1);
            let addr = format!("198.18.{i}.1");
            t.admit("city", &addr, at).unwrap();
        }
        let held = t.admit("city", "203.0.113.50", at).unwrap_err();
        assert_eq!(held, at + Duration::minutes(1));
        // A day without failures: forgotten.
        assert!(
            t.admit("city", "203.0.113.50", at + Duration::days(1))
                .is_ok()
        );
    }

    #[test]
    fn an_address_waits_across_names_but_not_for_its_trusted_pairs() {
        let t = Throttle::new(rules());
        let ok = t.admit("city", "127.0.0.1", T0).unwrap();
        t.succeeded(ok, T0);
        // Six failures on six unknown names from one address.
        let mut at = T0;
        for i in 0..6 {
            at += Duration::seconds(1);
            t.admit(&format!("nobody{i}"), "127.0.0.1", at).unwrap();
        }
        // A seventh name from that address waits 1 s.
        assert_eq!(
            t.admit("nobody-else", "127.0.0.1", at).unwrap_err(),
            at + Duration::seconds(1)
        );
        // city, trusted from that address, does not.
        assert!(t.admit("city", "127.0.0.1", at).is_ok());
        // An IPv6 address counts by its /64.
        for i in 0..6 {
            t.admit(&format!("n{i}"), &format!("2001:db8:1:2::{i}"), at)
                .unwrap();
        }
        assert!(t.admit("n9", "2001:db8:1:2:ffff::9", at).is_err());
        assert!(t.admit("n9", "2001:db8:1:3::9", at).is_ok());
    }

    #[test]
    fn unknown_and_known_names_are_counted_alike() {
        // The throttle never asks whether a name exists: the same steps
        // give the same answers for any two names.
        let steps = |name: &str| {
            let t = Throttle::new(rules());
            let mut out = Vec::new();
            let mut at = T0;
            for _ in 0..8 {
                out.push(t.admit(name, "198.51.100.7", at).map(|_| ()));
                at += Duration::milliseconds(700);
            }
            out
        };
        let a = steps("city");
        assert_eq!(a, steps("no-such-user"));
        // 0, 0.7, 1.4 s free; 2.1 s before 1.4 + 1; 2.8 s let through;
        // 3.5 and 4.2 s before 2.8 + 2; 4.9 s let through.
        let through: Vec<bool> = a.iter().map(Result::is_ok).collect();
        assert_eq!(through, [true, true, true, false, true, false, false, true]);
    }

    #[test]
    fn attempts_not_checked_are_given_back() {
        let t = Throttle::new(rules());
        for _ in 0..10 {
            let a = t.admit("city", "198.51.100.7", T0).unwrap();
            t.not_checked(a);
        }
        assert!(t.lock().pairs.0.is_empty());
        assert!(t.lock().names.0.is_empty());
    }

    #[test]
    fn keys_are_bounded() {
        let t = Throttle::new(Rules {
            max_keys: 100,
            ..rules()
        });
        let mut at = T0;
        for i in 0..1000 {
            at += Duration::seconds(1);
            let _ = t.admit(
                &format!("u{i}"),
                &format!("10.{}.{}.1", i / 256, i % 256),
                at,
            );
        }
        let s = t.lock();
        assert!(s.pairs.0.len() <= 100 && s.names.0.len() <= 100 && s.addresses.0.len() <= 100);
        // The newest are kept.
        assert!(s.names.0.contains_key("u999"));
    }

    #[test]
    fn wait_texts() {
        assert_eq!(wait_text(T0, T0 + Duration::milliseconds(10)), "1 秒");
        assert_eq!(wait_text(T0, T0 + Duration::seconds(120)), "120 秒");
        assert_eq!(wait_text(T0, T0 + Duration::seconds(121)), "3 分钟");
        assert_eq!(wait_text(T0, T0 + Duration::minutes(15)), "15 分钟");
    }

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
    }

    #[test]
    fn the_gate_runs_at_most_its_threads_at_once() {
        let rt = runtime();
        let gate = Gate::new(2, 30).unwrap();
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let threads = Arc::new(Mutex::new(std::collections::HashSet::new()));
        rt.block_on(async {
            let mut jobs = Vec::new();
            for _ in 0..20 {
                let g = gate.clone();
                let (running, most, threads) = (running.clone(), most.clone(), threads.clone());
                jobs.push(tokio::spawn(async move {
                    g.run(move || {
                        let n = running.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(n, Ordering::SeqCst);
                        threads.lock().unwrap().insert(std::thread::current().id());
                        std::thread::sleep(std::time::Duration::from_millis(15));
                        running.fetch_sub(1, Ordering::SeqCst);
                    })
                    .await
                }));
            }
            for j in jobs {
                assert_eq!(j.await.unwrap(), Ok(()));
            }
        });
        assert_eq!(most.load(Ordering::SeqCst), 2);
        assert_eq!(gate.completed(), 20);
        // Always the same two threads.
        assert_eq!(threads.lock().unwrap().len(), 2);
    }

    #[test]
    fn the_gate_refuses_beyond_its_queue_at_once() {
        let rt = runtime();
        let gate = Gate::new(1, 1).unwrap();
        let (release, wait) = std::sync::mpsc::channel::<()>();
        rt.block_on(async {
            // One running (blocked until released), one waiting.
            let g = gate.clone();
            let first = tokio::spawn(async move {
                g.run(move || {
                    let _ = wait.recv();
                })
                .await
            });
            while gate.running() == 0 {
                tokio::task::yield_now().await;
            }
            let g = gate.clone();
            let second = tokio::spawn(async move { g.run(|| 2).await });
            // Time for the second to take the queue's one place (a third
            // that came first would wait behind the held thread).
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            let started = std::time::Instant::now();
            assert_eq!(gate.run(|| 3).await, Err(Busy));
            assert!(started.elapsed() < std::time::Duration::from_millis(100));
            release.send(()).unwrap();
            assert_eq!(first.await.unwrap(), Ok(()));
            assert_eq!(second.await.unwrap(), Ok(2));
            // Free again.
            assert_eq!(gate.run(|| 4).await, Ok(4));
        });
    }

    #[test]
    fn a_job_whose_caller_went_away_is_skipped() {
        let rt = runtime();
        let gate = Gate::new(1, 4).unwrap();
        let (release, wait) = std::sync::mpsc::channel::<()>();
        let ran = Arc::new(AtomicUsize::new(0));
        rt.block_on(async {
            let g = gate.clone();
            let first = tokio::spawn(async move {
                g.run(move || {
                    let _ = wait.recv();
                })
                .await
            });
            while gate.running() == 0 {
                tokio::task::yield_now().await;
            }
            // A second caller queues its job and hangs up.
            let (g, r) = (gate.clone(), ran.clone());
            let gone = tokio::spawn(async move {
                g.run(move || {
                    r.fetch_add(1, Ordering::SeqCst);
                })
                .await
            });
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            gone.abort();
            let _ = gone.await;
            release.send(()).unwrap();
            assert_eq!(first.await.unwrap(), Ok(()));
            assert_eq!(gate.run(|| 5).await, Ok(5));
        });
        assert_eq!(ran.load(Ordering::SeqCst), 0, "skipped");
        assert_eq!(gate.completed(), 2);
    }

    #[test]
    fn a_bound_refuses_when_full() {
        let b = Bound::new(2);
        let one = b.try_enter().unwrap();
        let _two = b.try_enter().unwrap();
        assert_eq!(b.try_enter().unwrap_err(), Busy);
        drop(one);
        assert!(b.try_enter().is_ok());
    }
}
