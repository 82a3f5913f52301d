//! Runs one side of a cait-sith protocol (key generation, triple generation, presigning) with
//! its peers over the [`PeerChannel`].
//!
//! cait-sith protocols are state machines that say what to send and take what arrives, in any
//! order. The machine runs on a blocking thread (its steps are CPU work, milliseconds to
//! seconds), fed by one receiving task per peer. What it asks to send between two waits goes
//! to each peer as one bundle (a triple generation asks for hundreds of small messages; one
//! HTTP request each cost more than the arithmetic), under the next round number to that peer,
//! so every bundle of a run has its own (sender, round) slot in the channel. A run fails when no
//! peer message arrives within the idle timeout or a send fails; dropping the future stops the
//! run (the machine's thread sees its inputs close and ends).

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
    // (recipient, bundle)
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
                if let Ok(bundle) = channel.receive(instance, round, &validator).await {
                    // A bundle that does not split was not made by a Sigil node's driver: the
                    // run will fail on its idle timeout rather than take part of it.
                    let Some(messages) = unbundle(&bundle) else {
                        return;
                    };
                    for message in messages {
                        if deliver.send((participant, message)).is_err() {
                            return;
                        }
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

/// Pokes the machine until it returns, sending what it asks (bundled per recipient, flushed
/// whenever it waits) and feeding it what arrives.
fn step_until_done<T, P: Protocol<Output = T>>(
    mut protocol: P,
    others: &[Participant],
    outgoing: &mpsc::UnboundedSender<(Participant, Vec<u8>)>,
    incoming: &std_mpsc::Receiver<(Participant, Vec<u8>)>,
    idle_timeout: Duration,
) -> Result<T, NodeError> {
    let stopped = || NodeError::internal("protocol run", "the run was stopped");
    let mut pending: HashMap<Participant, Vec<Vec<u8>>> = HashMap::new();
    let flush = |pending: &mut HashMap<Participant, Vec<Vec<u8>>>| {
        for (to, messages) in pending.drain() {
            outgoing
                .send((to, bundle(&messages)))
                .map_err(|_| stopped())?;
        }
        Ok::<(), NodeError>(())
    };
    loop {
        let action = protocol
            .poke()
            .map_err(|e| NodeError::ProtocolFailed(e.to_string()))?;
        match action {
            Action::Wait => {
                flush(&mut pending)?;
                let (from, payload) = match incoming.recv_timeout(idle_timeout) {
                    Ok(message) => message,
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
                };
                protocol.message(from, payload);
                // Take whatever else has arrived before poking again.
                while let Ok((from, payload)) = incoming.try_recv() {
                    protocol.message(from, payload);
                }
            }
            Action::SendMany(payload) => {
                for to in others {
                    pending.entry(*to).or_default().push(payload.clone());
                }
            }
            Action::SendPrivate(to, payload) => {
                pending.entry(to).or_default().push(payload);
            }
            Action::Return(output) => {
                flush(&mut pending)?;
                return Ok(output);
            }
        }
    }
}

/// Messages as one payload: each as its length (u32, big-endian), then its bytes.
fn bundle(messages: &[Vec<u8>]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(messages.iter().map(|m| m.len() + 4).sum());
    for message in messages {
        bytes.extend_from_slice(
            &u32::try_from(message.len())
                .unwrap_or(u32::MAX)
                .to_be_bytes(),
        );
        bytes.extend_from_slice(message);
    }
    bytes
}

/// The messages of a [`bundle`]; `None` if the bytes are not one.
fn unbundle(mut bytes: &[u8]) -> Option<Vec<Vec<u8>>> {
    let mut messages = Vec::new();
    while !bytes.is_empty() {
        let (length, rest) = bytes.split_first_chunk::<4>()?;
        let length = usize::try_from(u32::from_be_bytes(*length)).ok()?;
        if rest.len() < length {
            return None;
        }
        let (message, rest) = rest.split_at(length);
        messages.push(message.to_vec());
        bytes = rest;
    }
    Some(messages)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundles_split_back_into_their_messages_and_garbage_does_not() {
        let messages = vec![vec![1, 2, 3], Vec::new(), vec![9; 70_000]];
        assert_eq!(unbundle(&bundle(&messages)), Some(messages));
        assert_eq!(unbundle(&[]), Some(Vec::new()));
        assert_eq!(unbundle(&[0, 0, 0, 5, 1]), None);
        assert_eq!(unbundle(&[0, 0]), None);
    }
}
