//! Capacity credits and rate limits, counted per node in `redb`.
//!
//! # The window
//!
//! Lit prices requests "per kilosecond". Sigil counts them in **fixed windows** of
//! [`RateLimitPolicy::window_secs`] seconds (default 1000): window `w` covers unix seconds
//! `[w * window_secs, (w + 1) * window_secs)`, and every counter below restarts at 0 when a new
//! window begins. Fixed windows (rather than Lit's sliding window of timestamps) make the
//! decision a pure function of the stored counters and the `now` passed in, so tests are
//! deterministic and the state is a few integers per address.
//!
//! In a window, a user is served while one of these has room, tried in this order:
//! 1. the free allowance: [`RateLimitPolicy::free_allowance`] requests per user address;
//! 2. each active credit the user owns: `requests_per_kilosecond * window_secs / 1000`
//!    requests per credit, shared by everyone who uses that credit;
//! 3. each capacity delegation in the session (in capability order): the delegator's credits,
//!    on the same per-credit counters, while the delegation's `uses` (counted per delegation
//!    signature hash, over its whole life, not per window) are not exhausted.
//!
//! Otherwise the request is refused with the start of the next window as "try again at".
//!
//! # Durability
//!
//! Every accepted request is a committed `redb` write (durability `Immediate`, so fsynced)
//! before [`UsageStore::allocate`] returns: a node that answers with a share has already
//! recorded the use, so a restart, even after SIGKILL, never gives a use back. One writer thread
//! owns the database and commits the requests waiting at the same time in one transaction
//! (group commit), so the fsync cost is shared under load. While other requests are still on
//! their way to the store (being verified), the writer lingers up to [`MAX_LINGER`] for them
//! before committing: on a busy node a commit, whose fsync costs far more CPU than the writes,
//! then carries several uses; a lone request never waits.

use alloy_primitives::{Address, U256};
use redb::{Database, ReadableTable, TableDefinition};
use sigil_chain::CapacityCredit;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use tokio::sync::oneshot;

/// Free-allowance counters: user address (20 bytes) -> (window, requests in it).
const FREE_USAGE: TableDefinition<&[u8], (u64, u64)> = TableDefinition::new("free_usage");
/// Credit counters: token id (32 bytes, big-endian) -> (window, requests in it).
const CREDIT_USAGE: TableDefinition<&[u8], (u64, u64)> = TableDefinition::new("credit_usage");
/// Delegation uses: sha256 of the delegation AuthSig's `sig` -> uses so far.
const DELEGATION_USES: TableDefinition<&[u8], u64> = TableDefinition::new("delegation_uses");

/// Most requests folded into one commit; bounds the latency a single fsync adds.
const MAX_BATCH: usize = 512;
/// Longest a commit waits for requests still on their way; about one BLS share signature.
pub const MAX_LINGER: Duration = Duration::from_micros(1000);
/// redb's page cache; the tables are a few entries per active user, so keep RSS small.
const CACHE_BYTES: usize = 4 * 1024 * 1024;

/// How many requests a node serves per user.
///
/// # The rules
///
/// Lit prices requests "per kilosecond". Sigil counts them in **fixed windows** of
/// [`RateLimitPolicy::window_secs`] seconds (default 1000): window `w` covers unix seconds
/// `[w * window_secs, (w + 1) * window_secs)`, and every counter below restarts at 0 when a new
/// window begins. Fixed windows (rather than Lit's sliding window of timestamps) make the
/// decision a pure function of the stored counters and the `now` passed in, so tests are
/// deterministic and the state is a few integers per address.
///
/// In a window, a user is served while one of these has room, tried in this order:
/// 1. the free allowance: [`RateLimitPolicy::free_allowance`] requests per user address;
/// 2. each active credit the user owns: `requests_per_kilosecond * window_secs / 1000`
///    requests per credit, shared by everyone who uses that credit;
/// 3. each capacity delegation in the session (in capability order): the delegator's credits,
///    on the same per-credit counters, while the delegation's `uses` (counted per delegation
///    signature hash, over its whole life, not per window) are not exhausted.
///
/// Otherwise the request is refused (HTTP 402 `rate_limit_exceeded`) with the start of the
/// next window as "try again at". Counters are per node, kept in the node's `redb` file, and
/// committed (fsynced) before the share is returned: a restart, even after SIGKILL, never
/// gives back an accepted use. A delegation's named credits must be owned by its delegator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RateLimitPolicy {
    /// Requests per window every user address gets without any credit.
    pub free_allowance: u64,
    /// Window length in seconds (Lit's unit is the kilosecond, the default).
    pub window_secs: u64,
}

impl Default for RateLimitPolicy {
    fn default() -> Self {
        RateLimitPolicy {
            free_allowance: DEFAULT_FREE_ALLOWANCE,
            window_secs: 1000,
        }
    }
}

/// The free allowance a node gets when its config names none: generous enough for a developer's
/// devnet, small enough that a runaway script meets the limit.
pub const DEFAULT_FREE_ALLOWANCE: u64 = 10_000;

impl RateLimitPolicy {
    fn window_of(&self, now: u64) -> u64 {
        now / self.window_secs.max(1)
    }

    fn next_window_start(&self, now: u64) -> u64 {
        let window_secs = self.window_secs.max(1);
        (self.window_of(now).saturating_add(1)).saturating_mul(window_secs)
    }

    /// Requests one credit pays for in one window.
    pub fn credit_quota(&self, credit: &CapacityCredit) -> u64 {
        let quota =
            u128::from(credit.requests_per_kilosecond) * u128::from(self.window_secs) / 1000;
        u64::try_from(quota).unwrap_or(u64::MAX)
    }
}

/// The credits one capacity delegation lets the user spend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DelegatedCredits {
    /// sha256 of the delegation AuthSig's `sig`: its uses are counted under this key.
    pub delegation_key: [u8; 32],
    /// `uses` of the delegation; `None` = unlimited.
    pub max_uses: Option<u64>,
    /// The delegator's credits the delegation covers.
    pub credits: Vec<CapacityCredit>,
}

/// What one request may spend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageRequest {
    /// The user the request is counted for.
    pub user: Address,
    /// Credits the user owns.
    pub owned: Vec<CapacityCredit>,
    /// Credits delegated to the user by the session's capacity delegations.
    pub delegated: Vec<DelegatedCredits>,
    /// Unix seconds of the request.
    pub now: u64,
}

/// What paid for an accepted request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allocation {
    /// The free allowance.
    FreeAllowance,
    /// A credit the user owns.
    OwnedCredit {
        /// The credit's token id.
        token_id: U256,
    },
    /// A delegator's credit, through a capacity delegation.
    DelegatedCredit {
        /// The credit's token id.
        token_id: U256,
        /// The delegation's key (sha256 of its signature).
        delegation_key: [u8; 32],
    },
}

/// Why a request was not counted.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum UsageError {
    /// Nothing left to pay for the request in this window.
    #[error("rate limit exceeded; try again at unix second {retry_at}")]
    Exceeded {
        /// Unix seconds when the next window starts.
        retry_at: u64,
    },
    /// The database failed; nothing was counted.
    #[error("usage store failed: {0}")]
    Storage(#[from] redb::Error),
    /// The store was closed (the node is shutting down).
    #[error("usage store is closed")]
    Closed,
}

enum Job {
    Allocate {
        request: UsageRequest,
        reply: oneshot::Sender<Result<Allocation, UsageError>>,
    },
    DelegationUses {
        delegation_key: [u8; 32],
        reply: oneshot::Sender<Result<u64, UsageError>>,
    },
}

impl Job {
    fn fail(self, error: UsageError) {
        // The requester may have gone (client hung up); nothing to tell then.
        match self {
            Job::Allocate { reply, .. } => drop(reply.send(Err(error))),
            Job::DelegationUses { reply, .. } => drop(reply.send(Err(error))),
        }
    }
}

enum Answer {
    Allocated(Result<Allocation, UsageError>),
    Uses(u64),
}

/// The node's rate-limit state: a `redb` file and the writer thread that owns it.
pub struct UsageStore {
    sender: parking_lot::RwLock<Option<mpsc::Sender<Job>>>,
    writer: parking_lot::Mutex<Option<JoinHandle<()>>>,
    /// Requests announced with [`UsageStore::expect_request`] and not yet sent.
    on_their_way: Arc<AtomicUsize>,
}

/// A request on its way to [`UsageStore::allocate`]; dropping it (sent or given up) withdraws it.
#[derive(Debug)]
#[must_use = "the request counts as on its way until this is dropped"]
pub struct ExpectedRequest(Arc<AtomicUsize>);

impl Drop for ExpectedRequest {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Release);
    }
}

impl std::fmt::Debug for UsageStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UsageStore")
            .field("open", &self.sender.read().is_some())
            .finish()
    }
}

impl UsageStore {
    /// Opens (or creates) the store at `path` with `policy`. A database left by a killed process
    /// is repaired by redb on open; every committed use is still there.
    pub fn open(path: &Path, policy: RateLimitPolicy) -> Result<UsageStore, UsageError> {
        let db = redb::Builder::new()
            .set_cache_size(CACHE_BYTES)
            .create(path)
            .map_err(redb::Error::from)?;
        // Create the tables up front so readers never see "table does not exist".
        let txn = db.begin_write().map_err(redb::Error::from)?;
        {
            txn.open_table(FREE_USAGE).map_err(redb::Error::from)?;
            txn.open_table(CREDIT_USAGE).map_err(redb::Error::from)?;
            txn.open_table(DELEGATION_USES).map_err(redb::Error::from)?;
        }
        txn.commit().map_err(redb::Error::from)?;

        let (sender, receiver) = mpsc::channel::<Job>();
        let on_their_way = Arc::new(AtomicUsize::new(0));
        let expected = Arc::clone(&on_their_way);
        let writer = std::thread::Builder::new()
            .name("sigil-usage-writer".into())
            .spawn(move || run_writer(db, policy, receiver, &expected))
            .map_err(|e| UsageError::Storage(redb::Error::Io(e)))?;
        Ok(UsageStore {
            sender: parking_lot::RwLock::new(Some(sender)),
            writer: parking_lot::Mutex::new(Some(writer)),
            on_their_way,
        })
    }

    /// Announces a request that will soon be counted (it is being verified), so a commit may
    /// wait for it; drop the guard once [`UsageStore::allocate`] has been called or the request
    /// is refused. Only a hint: counting never depends on it.
    pub fn expect_request(&self) -> ExpectedRequest {
        self.on_their_way.fetch_add(1, Ordering::AcqRel);
        ExpectedRequest(Arc::clone(&self.on_their_way))
    }

    /// Counts one request, or refuses it. The request is queued when this is called; the future
    /// resolves only after the count is committed to disk.
    pub fn allocate(
        &self,
        request: UsageRequest,
    ) -> impl std::future::Future<Output = Result<Allocation, UsageError>> + Send + 'static {
        let (reply, answer) = oneshot::channel();
        let queued = self.send(Job::Allocate { request, reply });
        async move {
            queued?;
            answer.await.map_err(|_| UsageError::Closed)?
        }
    }

    /// Uses so far of the delegation with this key (sha256 of its signature).
    pub async fn delegation_uses(&self, delegation_key: [u8; 32]) -> Result<u64, UsageError> {
        // Asked through the writer so the answer includes every use already acknowledged.
        let (reply, answer) = oneshot::channel();
        self.send(Job::DelegationUses {
            delegation_key,
            reply,
        })?;
        answer.await.map_err(|_| UsageError::Closed)?
    }

    fn send(&self, job: Job) -> Result<(), UsageError> {
        let sender = self.sender.read();
        let sender = sender.as_ref().ok_or(UsageError::Closed)?;
        sender.send(job).map_err(|_| UsageError::Closed)
    }

    /// Stops accepting requests, lets the writer finish the ones already queued, and waits for
    /// it to close the database (so the same file can be opened again, by a restarted node).
    /// Blocking: call it from a blocking context.
    pub fn close(&self) {
        drop(self.sender.write().take());
        if let Some(writer) = self.writer.lock().take() {
            if writer.join().is_err() {
                tracing::error!("usage writer thread panicked");
            }
        }
    }
}

impl Drop for UsageStore {
    fn drop(&mut self) {
        self.close();
    }
}

fn run_writer(
    db: Database,
    policy: RateLimitPolicy,
    receiver: mpsc::Receiver<Job>,
    on_their_way: &AtomicUsize,
) {
    while let Ok(first) = receiver.recv() {
        let batch = gather_batch(first, &receiver, on_their_way, MAX_LINGER);
        match commit_batch(&db, &policy, &batch) {
            Ok(answers) => {
                for (job, answer) in batch.into_iter().zip(answers) {
                    // A requester that hung up gets nothing; its use stays counted.
                    match (job, answer) {
                        (Job::Allocate { reply, .. }, Answer::Allocated(result)) => {
                            drop(reply.send(result))
                        }
                        (Job::DelegationUses { reply, .. }, Answer::Uses(uses)) => {
                            drop(reply.send(Ok(uses)))
                        }
                        (job, _) => job.fail(UsageError::Closed),
                    }
                }
            }
            Err(error) => {
                tracing::error!(%error, requests = batch.len(), "usage commit failed; the batch is refused");
                for job in batch {
                    job.fail(UsageError::Storage(clone_redb_error(&error)));
                }
            }
        }
    }
    drop(db);
}

/// The jobs already queued after `first`, and, while announced requests are still on their
/// way, those arriving within `linger`.
fn gather_batch(
    first: Job,
    receiver: &mpsc::Receiver<Job>,
    on_their_way: &AtomicUsize,
    linger: Duration,
) -> Vec<Job> {
    let mut batch = vec![first];
    let deadline = Instant::now() + linger;
    while batch.len() < MAX_BATCH {
        match receiver.try_recv() {
            Ok(job) => {
                batch.push(job);
                continue;
            }
            Err(mpsc::TryRecvError::Disconnected) => break,
            Err(mpsc::TryRecvError::Empty) => {}
        }
        let now = Instant::now();
        if on_their_way.load(Ordering::Acquire) == 0 || now >= deadline {
            break;
        }
        match receiver.recv_timeout(deadline - now) {
            Ok(job) => batch.push(job),
            Err(_) => break,
        }
    }
    batch
}

// redb::Error is not Clone; a batch failure is reported to every request in it.
fn clone_redb_error(error: &redb::Error) -> redb::Error {
    redb::Error::Io(std::io::Error::other(error.to_string()))
}

fn commit_batch(
    db: &Database,
    policy: &RateLimitPolicy,
    batch: &[Job],
) -> Result<Vec<Answer>, redb::Error> {
    let txn = db.begin_write()?;
    let mut results = Vec::with_capacity(batch.len());
    {
        let mut free = txn.open_table(FREE_USAGE)?;
        let mut credits = txn.open_table(CREDIT_USAGE)?;
        let mut delegations = txn.open_table(DELEGATION_USES)?;
        let mut tables = Tables {
            free: &mut free,
            credits: &mut credits,
            delegations: &mut delegations,
        };
        for job in batch {
            results.push(match job {
                Job::Allocate { request, .. } => {
                    Answer::Allocated(allocate_one(&mut tables, policy, request)?)
                }
                Job::DelegationUses { delegation_key, .. } => {
                    Answer::Uses(tables.delegation_uses(delegation_key)?)
                }
            });
        }
    }
    txn.commit()?;
    Ok(results)
}

struct Tables<'a, 't> {
    free: &'a mut redb::Table<'t, &'static [u8], (u64, u64)>,
    credits: &'a mut redb::Table<'t, &'static [u8], (u64, u64)>,
    delegations: &'a mut redb::Table<'t, &'static [u8], u64>,
}

impl Tables<'_, '_> {
    fn used_in_window(
        table: &redb::Table<'_, &'static [u8], (u64, u64)>,
        key: &[u8],
        window: u64,
    ) -> Result<u64, redb::Error> {
        Ok(match table.get(key)? {
            Some(entry) => {
                let (stored_window, count) = entry.value();
                if stored_window == window {
                    count
                } else {
                    0
                }
            }
            None => 0,
        })
    }

    fn delegation_uses(&self, key: &[u8; 32]) -> Result<u64, redb::Error> {
        Ok(self
            .delegations
            .get(key.as_slice())?
            .map(|v| v.value())
            .unwrap_or(0))
    }

    /// Takes one request from the credit's window quota if it has room.
    fn take_from_credit(
        &mut self,
        policy: &RateLimitPolicy,
        credit: &CapacityCredit,
        now: u64,
    ) -> Result<bool, redb::Error> {
        if !credit.is_active_at(now) {
            return Ok(false);
        }
        let window = policy.window_of(now);
        let key = credit.token_id.to_be_bytes::<32>();
        let used = Self::used_in_window(self.credits, &key, window)?;
        if used >= policy.credit_quota(credit) {
            return Ok(false);
        }
        self.credits
            .insert(key.as_slice(), (window, used.saturating_add(1)))?;
        Ok(true)
    }
}

fn allocate_one(
    tables: &mut Tables<'_, '_>,
    policy: &RateLimitPolicy,
    request: &UsageRequest,
) -> Result<Result<Allocation, UsageError>, redb::Error> {
    let now = request.now;
    let window = policy.window_of(now);

    let user_key = request.user.as_slice();
    let free_used = Tables::used_in_window(tables.free, user_key, window)?;
    if free_used < policy.free_allowance {
        tables
            .free
            .insert(user_key, (window, free_used.saturating_add(1)))?;
        return Ok(Ok(Allocation::FreeAllowance));
    }

    for credit in &request.owned {
        if credit.owner == request.user && tables.take_from_credit(policy, credit, now)? {
            return Ok(Ok(Allocation::OwnedCredit {
                token_id: credit.token_id,
            }));
        }
    }

    for delegation in &request.delegated {
        let uses = tables.delegation_uses(&delegation.delegation_key)?;
        if delegation.max_uses.is_some_and(|max| uses >= max) {
            continue;
        }
        for credit in &delegation.credits {
            if tables.take_from_credit(policy, credit, now)? {
                tables
                    .delegations
                    .insert(delegation.delegation_key.as_slice(), uses.saturating_add(1))?;
                return Ok(Ok(Allocation::DelegatedCredit {
                    token_id: credit.token_id,
                    delegation_key: delegation.delegation_key,
                }));
            }
        }
    }

    Ok(Err(UsageError::Exceeded {
        retry_at: policy.next_window_start(now),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    const USER: Address = Address::repeat_byte(0x11);
    const DELEGATOR: Address = Address::repeat_byte(0x22);
    const T0: u64 = 1_750_000_000; // inside window 1_750_000 of 1000 s

    fn uses_job(key: u8) -> (Job, oneshot::Receiver<Result<u64, UsageError>>) {
        let (reply, answer) = oneshot::channel();
        let job = Job::DelegationUses {
            delegation_key: [key; 32],
            reply,
        };
        (job, answer)
    }

    #[test]
    fn jobs_already_queued_are_committed_together() {
        let (sender, receiver) = mpsc::channel();
        let (first, _) = uses_job(1);
        let (second, _) = uses_job(2);
        sender.send(second).unwrap();
        let batch = gather_batch(first, &receiver, &AtomicUsize::new(0), MAX_LINGER);
        assert_eq!(batch.len(), 2);
    }

    #[test]
    fn a_request_announced_but_never_sent_delays_a_commit_only_by_the_linger() {
        let (_sender, receiver) = mpsc::channel();
        let (first, _) = uses_job(1);
        let batch = gather_batch(first, &receiver, &AtomicUsize::new(1), MAX_LINGER);
        assert_eq!(batch.len(), 1);
    }

    #[test]
    fn an_announced_request_joins_the_commit_it_was_waited_for() {
        let (sender, receiver) = mpsc::channel();
        let on_their_way = AtomicUsize::new(1);
        let (first, _) = uses_job(1);
        let (second, _) = uses_job(2);
        // As a request does: queued, then withdrawn from "on its way". The long linger makes
        // the outcome independent of when this thread runs; the withdrawal ends the wait.
        let batch = std::thread::scope(|scope| {
            scope.spawn(|| {
                sender.send(second).unwrap();
                on_their_way.fetch_sub(1, Ordering::Release);
            });
            gather_batch(first, &receiver, &on_their_way, Duration::from_secs(60))
        });
        assert_eq!(batch.len(), 2);
    }

    #[tokio::test]
    async fn expected_requests_are_counted_until_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let store =
            UsageStore::open(&dir.path().join("u.redb"), RateLimitPolicy::default()).unwrap();
        let a = store.expect_request();
        let b = store.expect_request();
        assert_eq!(store.on_their_way.load(Ordering::Acquire), 2);
        drop(a);
        drop(b);
        assert_eq!(store.on_their_way.load(Ordering::Acquire), 0);
    }

    fn credit(token: u64, owner: Address, rpk: u64) -> CapacityCredit {
        CapacityCredit {
            token_id: U256::from(token),
            owner,
            requests_per_kilosecond: rpk,
            expires_at: T0 + 10_000,
        }
    }

    fn store(dir: &Path, free_allowance: u64) -> UsageStore {
        UsageStore::open(
            &dir.join("node.redb"),
            RateLimitPolicy {
                free_allowance,
                window_secs: 1000,
            },
        )
        .expect("open store")
    }

    fn plain(user: Address, now: u64) -> UsageRequest {
        UsageRequest {
            user,
            owned: vec![],
            delegated: vec![],
            now,
        }
    }

    #[tokio::test]
    async fn free_allowance_is_per_window() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = store(dir.path(), 2);
        assert_eq!(
            store.allocate(plain(USER, T0)).await.ok(),
            Some(Allocation::FreeAllowance)
        );
        assert_eq!(
            store.allocate(plain(USER, T0 + 1)).await.ok(),
            Some(Allocation::FreeAllowance)
        );
        match store.allocate(plain(USER, T0 + 2)).await {
            Err(UsageError::Exceeded { retry_at }) => assert_eq!(retry_at, 1_750_001_000),
            other => panic!("expected the limit, got {other:?}"),
        }
        // Another user has their own allowance; the next window starts afresh.
        assert!(store.allocate(plain(DELEGATOR, T0 + 2)).await.is_ok());
        assert!(store.allocate(plain(USER, 1_750_001_000)).await.is_ok());
    }

    #[tokio::test]
    async fn owned_credit_pays_its_quota_after_the_free_allowance() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = store(dir.path(), 0);
        let owned = vec![credit(7, USER, 2)];
        let request = UsageRequest {
            user: USER,
            owned,
            delegated: vec![],
            now: T0,
        };
        for _ in 0..2 {
            assert_eq!(
                store.allocate(request.clone()).await.ok(),
                Some(Allocation::OwnedCredit {
                    token_id: U256::from(7)
                })
            );
        }
        assert!(matches!(
            store.allocate(request).await,
            Err(UsageError::Exceeded { .. })
        ));
        assert!(matches!(
            store.allocate(plain(USER, T0)).await,
            Err(UsageError::Exceeded { .. })
        ));
    }

    #[tokio::test]
    async fn expired_or_foreign_credits_pay_nothing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = store(dir.path(), 0);
        let mut expired = credit(1, USER, 100);
        expired.expires_at = T0 - 1;
        let foreign = credit(2, DELEGATOR, 100);
        let request = UsageRequest {
            user: USER,
            owned: vec![expired, foreign],
            delegated: vec![],
            now: T0,
        };
        assert!(matches!(
            store.allocate(request).await,
            Err(UsageError::Exceeded { .. })
        ));
    }

    #[tokio::test]
    async fn delegation_serves_up_to_its_uses_and_counts_them() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = store(dir.path(), 0);
        let key = [9u8; 32];
        let delegated = vec![DelegatedCredits {
            delegation_key: key,
            max_uses: Some(2),
            credits: vec![credit(5, DELEGATOR, 1000)],
        }];
        let request = UsageRequest {
            user: USER,
            owned: vec![],
            delegated,
            now: T0,
        };
        for _ in 0..2 {
            assert_eq!(
                store.allocate(request.clone()).await.ok(),
                Some(Allocation::DelegatedCredit {
                    token_id: U256::from(5),
                    delegation_key: key
                })
            );
        }
        assert!(matches!(
            store.allocate(request.clone()).await,
            Err(UsageError::Exceeded { .. })
        ));
        assert_eq!(store.delegation_uses(key).await.ok(), Some(2));
        // Uses are for the delegation's life, not per window.
        let later = UsageRequest {
            now: T0 + 5000,
            ..request
        };
        assert!(matches!(
            store.allocate(later).await,
            Err(UsageError::Exceeded { .. })
        ));
    }

    #[tokio::test]
    async fn unlimited_delegation_is_bounded_by_the_credit_quota() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = store(dir.path(), 0);
        let delegated = vec![DelegatedCredits {
            delegation_key: [1; 32],
            max_uses: None,
            credits: vec![credit(5, DELEGATOR, 3)],
        }];
        let request = UsageRequest {
            user: USER,
            owned: vec![],
            delegated,
            now: T0,
        };
        for _ in 0..3 {
            assert!(store.allocate(request.clone()).await.is_ok());
        }
        assert!(matches!(
            store.allocate(request).await,
            Err(UsageError::Exceeded { .. })
        ));
    }

    #[tokio::test]
    async fn counters_survive_closing_and_reopening() {
        let dir = tempfile::tempdir().expect("temp dir");
        let key = [3u8; 32];
        let delegated = vec![DelegatedCredits {
            delegation_key: key,
            max_uses: Some(3),
            credits: vec![credit(5, DELEGATOR, 1000)],
        }];
        let request = UsageRequest {
            user: USER,
            owned: vec![],
            delegated,
            now: T0,
        };
        {
            let store = store(dir.path(), 1);
            assert_eq!(
                store.allocate(request.clone()).await.ok(),
                Some(Allocation::FreeAllowance)
            );
            assert!(store.allocate(request.clone()).await.is_ok());
            store.close();
        }
        let store = store(dir.path(), 1);
        assert_eq!(store.delegation_uses(key).await.ok(), Some(1));
        assert!(store.allocate(request.clone()).await.is_ok());
        assert!(store.allocate(request.clone()).await.is_ok());
        assert!(matches!(
            store.allocate(request).await,
            Err(UsageError::Exceeded { .. })
        ));
    }

    #[tokio::test]
    async fn closed_store_refuses_instead_of_hanging() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = store(dir.path(), 1);
        store.close();
        assert!(matches!(
            store.allocate(plain(USER, T0)).await,
            Err(UsageError::Closed)
        ));
    }

    #[tokio::test]
    async fn concurrent_requests_never_exceed_the_quota() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = std::sync::Arc::new(store(dir.path(), 50));
        let tasks: Vec<_> = (0..200)
            .map(|_| {
                let store = store.clone();
                tokio::spawn(async move { store.allocate(plain(USER, T0)).await.is_ok() })
            })
            .collect();
        let mut accepted = 0;
        for task in tasks {
            if task.await.unwrap_or(false) {
                accepted += 1;
            }
        }
        assert_eq!(accepted, 50);
    }

    #[test]
    fn credit_quota_scales_with_the_window() {
        let policy = RateLimitPolicy {
            free_allowance: 0,
            window_secs: 500,
        };
        assert_eq!(policy.credit_quota(&credit(1, USER, 10)), 5);
        let policy = RateLimitPolicy {
            free_allowance: 0,
            window_secs: u64::MAX,
        };
        assert_eq!(policy.credit_quota(&credit(1, USER, u64::MAX)), u64::MAX);
    }
}
