//! Serving a node on a socket.

use crate::clock::{Clock, SystemClock};
use crate::config::NodeConfig;
use crate::ecdsa;
use crate::endpoints::app;
use crate::error::NodeError;
use crate::invitation::{Invitation, Invited};
use crate::root_keys;
use crate::state::NodeState;
use cait_sith::protocol::Participant;
use sigil_chain::ChainView;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinHandle;
use tokio_util::sync::{CancellationToken, DropGuard};

/// How long [`RunningNode::shutdown`] lets in-flight requests finish before dropping them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Starts nodes.
#[derive(Debug, Clone, Copy)]
pub struct Node;

impl Node {
    /// Starts a node: loads its key share, opens its state, binds `config.listen` and serves
    /// until [`RunningNode::shutdown`]. The socket is bound before this returns.
    ///
    /// Must be called within a tokio runtime.
    pub async fn start(
        config: NodeConfig,
        chain: Arc<dyn ChainView>,
    ) -> Result<RunningNode, NodeError> {
        Node::start_with_clock(config, chain, Arc::new(SystemClock)).await
    }

    /// [`Node::start`] with the clock session expiry and rate windows are judged by.
    pub async fn start_with_clock(
        config: NodeConfig,
        chain: Arc<dyn ChainView>,
        clock: Arc<dyn Clock>,
    ) -> Result<RunningNode, NodeError> {
        config.validate()?;
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .map_err(|e| NodeError::io("binding", config.listen, e))?;
        let local_addr = listener
            .local_addr()
            .map_err(|e| NodeError::io("binding", config.listen, e))?;
        let node_address = config
            .external_address
            .clone()
            .unwrap_or_else(|| local_addr.to_string());

        let opening = {
            let config = config.clone();
            let node_address = node_address.clone();
            tokio::task::spawn_blocking(move || {
                NodeState::open(&config, node_address, chain, clock)
            })
        };
        let state = opening
            .await
            .map_err(|e| NodeError::internal("opening the node state", e))??;

        let stop = CancellationToken::new();
        start_background_work(&state, &config, &stop);
        let stopped = stop.clone().cancelled_owned();
        let router = app(Arc::clone(&state));
        let task = tokio::spawn(async move {
            let served = axum::serve(listener, router)
                .with_graceful_shutdown(stopped)
                .await;
            if let Err(error) = served {
                tracing::error!(%error, "node server failed");
            }
        });
        tracing::info!(%local_addr, %node_address, share_id = state.share_id(), "node listening");
        Ok(RunningNode {
            url: format!("http://{local_addr}"),
            local_addr,
            state,
            stop: Some(stop.drop_guard()),
            task: Some(task),
        })
    }
}

/// Starts what a node does beside serving requests: taking peers' invitations to runs and, when
/// its root key shares are configured but not there yet, making them with its peers. All of it
/// ends when `stop` fires.
fn start_background_work(state: &Arc<NodeState>, config: &NodeConfig, stop: &CancellationToken) {
    let Some(mut announcements) = state.peers().announcements() else {
        return;
    };
    let (root_key_invitations, invited) = tokio::sync::mpsc::channel(16);
    if let Some(path) = config.root_key_shares_file.clone() {
        if state.root_key_shares().is_none() {
            tokio::spawn(root_keys::generate(
                Arc::clone(state.peers()),
                config.threshold,
                Duration::from_millis(config.peer_timeout_ms.max(1)),
                path,
                Arc::clone(&state.root_keys),
                state
                    .network_key()
                    .is_err()
                    .then(|| root_keys::NetworkKeyTarget {
                        path: config.key_share_file.clone(),
                        slot: Arc::clone(&state.network_key),
                    }),
                invited,
                stop.clone(),
            ));
        }
    }
    // One filler per slot for generations this node leads, so the pool fills as fast as
    // signatures drawing on it would generate.
    for _ in 0..ecdsa::LED_GENERATIONS {
        tokio::spawn(fill_triple_pool(
            Arc::clone(state),
            config.triple_pool_size,
            Duration::from_millis(config.triple_generation_pause_ms),
            stop.clone(),
        ));
    }
    let stop = stop.clone();
    let state = Arc::clone(state);
    let generations = Arc::new(tokio::sync::Semaphore::new(PAIR_GENERATIONS_JOINED));
    tokio::spawn(async move {
        loop {
            let announcement = tokio::select! {
                () = stop.cancelled() => return,
                announcement = announcements.recv() => announcement,
            };
            let Some(announcement) = announcement else {
                return;
            };
            let invitation = match serde_json::from_slice(&announcement.payload) {
                Ok(invitation) => invitation,
                Err(error) => {
                    tracing::info!(%error, sender = %crate::peer::staking_address(&announcement.sender), "an invitation this node does not read");
                    continue;
                }
            };
            let invited = Invited {
                sender: announcement.sender,
                instance: announcement.instance,
                invitation,
            };
            match invited.invitation {
                // Dropped when no generation waits for it (the node has its keys).
                Invitation::RootKeys { .. } => {
                    let _ = root_key_invitations.try_send(invited);
                }
                Invitation::TriplePair { .. } => {
                    join_pair_generation(&state, invited, &generations);
                }
            }
        }
    });
}

/// Pair generations other nodes lead that this node runs at once; more wait. Each node leads at
/// most a couple at a time, so this covers every peer of a network of a few nodes without
/// leaving a leader waiting on a queued peer.
const PAIR_GENERATIONS_JOINED: usize = 8;

/// Joins a peer's generation of a triple pair when it is for this node's roster and threshold.
fn join_pair_generation(
    state: &Arc<NodeState>,
    invited: Invited,
    generations: &Arc<tokio::sync::Semaphore>,
) {
    let Invitation::TriplePair {
        roster,
        threshold,
        sequence,
        participants,
        oldest_in_use,
    } = &invited.invitation
    else {
        return;
    };
    let Some(own) = state.roster() else { return };
    let leader = invited.sender.communication_key;
    let participants: Vec<Participant> =
        participants.iter().map(|p| Participant::from(*p)).collect();
    let me = own.participant_of(&state.peers().identity_key());
    let fits = own.keys == *roster
        && own.threshold == usize::from(*threshold)
        && own
            .participant_of(&leader)
            .is_some_and(|leader| participants.contains(&leader))
        && me.is_some_and(|me| participants.contains(&me))
        && participants.len() >= own.threshold.max(2)
        && participants.iter().all(|p| own.key_of(*p).is_some());
    if !fits {
        tracing::info!(sender = %crate::peer::staking_address(&invited.sender), "a triple generation for another roster, ignored");
        return;
    }
    let (sequence, oldest_in_use) = (*sequence, *oldest_in_use);
    let joined = state.triples.join(leader, sequence);
    let state = Arc::clone(state);
    let generations = Arc::clone(generations);
    tokio::spawn(async move {
        let _joined = joined;
        // Copies of the leader's older pairs kept here are of no more use.
        let pool = Arc::clone(&state.triples);
        if let Err(error) = ecdsa::blocking(move || pool.sweep(&leader, oldest_in_use)).await {
            tracing::warn!(%error, "sweeping used triple pairs failed");
        }
        let Ok(_permit) = generations.acquire().await else {
            return;
        };
        if let Err(error) = ecdsa::generate_pair(
            state.peers(),
            &state.triples,
            &own,
            &participants,
            &leader,
            sequence,
            state.run_idle_timeout(),
        )
        .await
        {
            tracing::info!(%error, sequence, "a triple generation a peer leads failed");
        }
    });
}

/// Keeps `target` triple pairs this node leads in its pool, generating with its peers, a pause
/// between generations; waits while the node has no root keys.
async fn fill_triple_pool(
    state: Arc<NodeState>,
    target: usize,
    pause: Duration,
    stop: CancellationToken,
) {
    let mut keys = state.root_keys.subscribe();
    loop {
        let changed = state.triples.changed.notified();
        let wait = match state.roster() {
            None => {
                tokio::select! {
                    () = stop.cancelled() => return,
                    _ = keys.changed() => {}
                }
                continue;
            }
            Some(roster) => {
                match ecdsa::lead_pair_generation(
                    state.peers(),
                    &state.triples,
                    &roster,
                    state.run_idle_timeout(),
                    Some(target),
                )
                .await
                {
                    Ok(Some(_)) => pause,
                    // The pool holds (or is making) its target: wait until a pair is used.
                    Ok(None) => {
                        tokio::select! {
                            () = stop.cancelled() => return,
                            () = changed => {}
                        }
                        continue;
                    }
                    Err(error) => {
                        tracing::info!(%error, "triple generation failed; trying again");
                        pause.max(FAILED_GENERATION_PAUSE)
                    }
                }
            }
        };
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(wait) => {}
        }
    }
}

/// Pause after a failed triple generation (a peer down or busy).
const FAILED_GENERATION_PAUSE: Duration = Duration::from_secs(1);

/// A node serving on a socket. Dropping it stops the server without waiting; prefer
/// [`RunningNode::shutdown`].
#[derive(Debug)]
pub struct RunningNode {
    url: String,
    local_addr: SocketAddr,
    state: Arc<NodeState>,
    // Cancels the server's token when dropped, so a dropped node stops too.
    stop: Option<DropGuard>,
    task: Option<JoinHandle<()>>,
}

impl RunningNode {
    /// `http://<ip>:<port>` of the bound socket.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The bound address (the real port when port 0 was asked for).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The node's state (share id, network key, delegation counters).
    pub fn state(&self) -> &Arc<NodeState> {
        &self.state
    }

    /// Stops accepting connections, lets in-flight requests finish (up to 10 s), then closes
    /// the node's database, so a node restarted on the same data dir opens it at once.
    pub async fn shutdown(mut self) {
        drop(self.stop.take());
        if let Some(mut task) = self.task.take() {
            if tokio::time::timeout(SHUTDOWN_GRACE, &mut task)
                .await
                .is_err()
            {
                tracing::warn!(url = %self.url, "in-flight requests did not finish; dropping them");
                task.abort();
                let _ = task.await;
            }
        }
        let state = Arc::clone(&self.state);
        if tokio::task::spawn_blocking(move || state.close())
            .await
            .is_err()
        {
            tracing::error!(url = %self.url, "closing the node state failed");
        }
    }
}
