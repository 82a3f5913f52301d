//! Runs one side of a cait-sith protocol (key generation, triple generation, presigning) with
//! its peers over the [`PeerChannel`].
//!
//! cait-sith protocols are state machines that say what to send and take what arrives, in any
//! order. The machine runs on a blocking thread (its steps are CPU work, milliseconds to
//! seconds), fed by one receiving task per peer; what it sends goes out as the next round
//! number to that peer, so every message of a run has its own (sender, round) slot in the
//! channel. A run fails when no peer message arrives within the idle timeout or a send fails;
//! dropping the future stops the run (the machine's thread sees its inputs close and ends).

use crate::error::NodeError;
use crate::peer::PeerChannel;
use alloy_primitives::B256;
use cait_sith::protocol::{Action, Participant, Protocol};
use sigil_chain::ValidatorInfo;
use std::collections::HashMap;
use std::sync::mpsc as std_mpsc;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::JoinSet;

/// Rounds of a run start here (0 is free; [`crate::peer::ANNOUNCEMENT_ROUND`] invites).
const FIRST_ROUND: u32 = 1;

/// One run of a protocol: its id, shared by every participant, and the other participants.
#[derive(Debug, Clone)]
pub(crate) struct Run {
    pub(crate) instance: B256,
    /// Every participant but this node, with the validator it is.
    pub(crate) peers: Vec<(Participant, ValidatorInfo)>,
    /// How long the run may wait for any peer message before it fails.
    pub(crate) idle_timeout: Duration,
}

/// Runs `protocol` (this node's side of `run`) to its end.
pub(crate) async fn run_protocol<T, P>(
    channel: Arc<PeerChannel>,
    run: Run,
    protocol: P,
) -> Result<T, NodeError>
where
    T: Send + 'static,
    P: Protocol<Output = T> + Send + 'static,
{
    let (outgoing, mut to_send) = mpsc::unbounded_channel::<(Participant, Vec<u8>)>();
    let (deliver, incoming) = std_mpsc::channel::<(Participant, Vec<u8>)>();
    let others: Vec<Participant> = run
        .peers
        .iter()
        .map(|(participant, _)| *participant)
        .collect();
    let idle_timeout = run.idle_timeout;
    let machine = tokio::task::spawn_blocking(move || {
        step_until_done(protocol, &others, &outgoing, &incoming, idle_timeout)
    });

    let mut receivers = JoinSet::new();
    for (participant, validator) in run.peers.iter().cloned() {
        let channel = Arc::clone(&channel);
        let deliver = deliver.clone();
        let instance = run.instance;
        receivers.spawn(async move {
            let mut round = FIRST_ROUND;
            loop {
                // A receive that times out is tried again: the machine's idle timeout decides
                // when the run has waited too long, since a peer may rightly send nothing
                // while the others catch up.
                if let Ok(payload) = channel.receive(instance, round, &validator).await {
                    if deliver.send((participant, payload)).is_err() {
                        return;
                    }
                    round += 1;
                }
            }
        });
    }
    drop(deliver);

    let recipients: HashMap<Participant, ValidatorInfo> = run.peers.iter().cloned().collect();
    let mut next_round: HashMap<Participant, u32> = HashMap::new();
    let mut sends: JoinSet<Result<(), NodeError>> = JoinSet::new();
    loop {
        tokio::select! {
            message = to_send.recv() => {
                let Some((to, payload)) = message else { break };
                let Some(recipient) = recipients.get(&to).cloned() else {
                    return Err(NodeError::internal("protocol run", "a message for a non-participant"));
                };
                let round = next_round.entry(to).or_insert(FIRST_ROUND);
                let this_round = *round;
                *round += 1;
                let channel = Arc::clone(&channel);
                let instance = run.instance;
                sends.spawn(async move { channel.send(&recipient, instance, this_round, &payload).await });
            }
            Some(sent) = sends.join_next(), if !sends.is_empty() => {
                sent.map_err(|e| NodeError::internal("protocol send", e))??;
            }
        }
    }
    let output = machine
        .await
        .map_err(|e| NodeError::internal("protocol run", e))??;
    // The last messages must reach the peers: they may still need them to finish.
    while let Some(sent) = sends.join_next().await {
        sent.map_err(|e| NodeError::internal("protocol send", e))??;
    }
    receivers.abort_all();
    Ok(output)
}

/// Pokes the machine until it returns, sending what it asks and feeding it what arrives.
fn step_until_done<T, P: Protocol<Output = T>>(
    mut protocol: P,
    others: &[Participant],
    outgoing: &mpsc::UnboundedSender<(Participant, Vec<u8>)>,
    incoming: &std_mpsc::Receiver<(Participant, Vec<u8>)>,
    idle_timeout: Duration,
) -> Result<T, NodeError> {
    let stopped = || NodeError::internal("protocol run", "the run was stopped");
    loop {
        let action = protocol
            .poke()
            .map_err(|e| NodeError::ProtocolFailed(e.to_string()))?;
        match action {
            Action::Wait => match incoming.recv_timeout(idle_timeout) {
                Ok((from, payload)) => protocol.message(from, payload),
                Err(std_mpsc::RecvTimeoutError::Timeout) => {
                    return Err(NodeError::PeerUnreachable {
                        peer: "every peer of the run".into(),
                        reason: format!(
                            "no protocol message within {} ms",
                            idle_timeout.as_millis()
                        ),
                    })
                }
                Err(std_mpsc::RecvTimeoutError::Disconnected) => return Err(stopped()),
            },
            Action::SendMany(payload) => {
                for to in others {
                    outgoing
                        .send((*to, payload.clone()))
                        .map_err(|_| stopped())?;
                }
            }
            Action::SendPrivate(to, payload) => {
                outgoing.send((to, payload)).map_err(|_| stopped())?;
            }
            Action::Return(output) => return Ok(output),
        }
    }
}
