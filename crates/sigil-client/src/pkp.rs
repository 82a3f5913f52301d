//! Signing with a PKP: [`LitNodeClient::pkp_sign`] (the JS SDK's `pkpSign`) and [`PkpSigner`],
//! an alloy signer whose key is a PKP, so a PKP signs messages, typed data and transactions
//! wherever an alloy signer goes (the JS SDK's `PKPEthersWallet`).

use crate::node_http::{self, new_request_id};
use crate::{ClientError, LitNodeClient, NodeFailure};
use alloy_primitives::{keccak256, Address, B256};
use futures::stream::{FuturesUnordered, StreamExt};
use sigil_auth::SessionSigs;
use sigil_crypto::ecdsa::combine_signature_shares;
use sigil_wire::{unquoted_hex, PkpSignRequest, PkpSignResponse, PKP_SIGN_PATH};
use std::sync::Arc;

/// A PKP's signature, as the JS SDK's `pkpSign` returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PkpSignature {
    /// `r`, 64 lower-case hex characters.
    pub r: String,
    /// `s` (low), 64 lower-case hex characters.
    pub s: String,
    /// The recovery id, 0 or 1.
    pub recid: u8,
    /// `0x` + r + s + v (v = 27 + recid), as ethers joins a signature.
    pub signature: String,
    /// The PKP's public key, uncompressed, hex as the nodes report it.
    pub public_key: String,
    /// The hash signed, hex.
    pub data_signed: String,
}

impl PkpSignature {
    /// The signature as alloy's type (`v` as the y-parity).
    pub fn to_alloy(&self) -> Result<alloy_primitives::Signature, ClientError> {
        let bytes = hex::decode(self.signature.trim_start_matches("0x"))
            .map_err(|_| ClientError::InvalidSignature("it is not hex".into()))?;
        alloy_primitives::Signature::try_from(bytes.as_slice())
            .map_err(|e| ClientError::InvalidSignature(e.to_string()))
    }
}

/// The address of an uncompressed secp256k1 public key (`0x04…` hex).
pub fn pkp_eth_address(public_key: &str) -> Result<Address, ClientError> {
    let bytes = hex::decode(public_key.trim_start_matches("0x"))
        .map_err(|_| ClientError::InvalidConfig("the PKP public key is not hex".into()))?;
    if bytes.len() != 65 || bytes[0] != 4 {
        return Err(ClientError::InvalidConfig(
            "the PKP public key must be uncompressed: 0x04 and 64 bytes".into(),
        ));
    }
    Ok(Address::from_slice(&keccak256(&bytes[1..])[12..]))
}

impl LitNodeClient {
    /// Signs the 32-byte hash `to_sign` with the PKP whose uncompressed public key is `pub_key`,
    /// as the JS SDK's `pkpSign`: every connected node gets `POST /web/pkp/sign/v1` with its
    /// session sig (for `lit-pkp://…` with `pkp-signing`) and one shared request id; the nodes of
    /// the signing set answer shares, the others `fail`; the shares are combined and the
    /// signature is verified against the key before it is returned.
    ///
    /// Where the JS SDK fails when a node is down, this client asks again, once: when a node
    /// cannot be reached it names a signing set of the others (Sigil's `signingSet` field) and
    /// sends the request to those alone; when the nodes failed inside (a peer too slow), it
    /// sends the request anew. A refusal (4xx) is final.
    pub async fn pkp_sign(
        &self,
        to_sign: &[u8; 32],
        pub_key: &str,
        session_sigs: &SessionSigs,
    ) -> Result<PkpSignature, ClientError> {
        let connection = self.require_connection()?;
        let public_key = hex::decode(pub_key.trim_start_matches("0x"))
            .map_err(|_| ClientError::InvalidConfig("the PKP public key is not hex".into()))?;
        let pubkey = format!("0x{}", hex::encode(&public_key));
        let needed = connection.min_node_count;
        let all: Vec<String> = connection.connected_nodes.clone();
        // A node found down at connect time is left out of the set from the start.
        let first_set = (!connection.unreachable_nodes.is_empty())
            .then(|| all.iter().take(needed).cloned().collect::<Vec<_>>());
        let attempt = self
            .pkp_sign_once(
                to_sign,
                &pubkey,
                &public_key,
                session_sigs,
                &all,
                first_set.as_deref(),
                connection.current_epoch_number(),
                needed,
            )
            .await;
        let failures = match attempt {
            Ok(signature) => return Ok(signature),
            Err(error) => error,
        };
        let ClientError::NodeErrors {
            failures: node_failures,
            ..
        } = &failures
        else {
            return Err(failures);
        };
        // A refusal (4xx) is the answer. A node that did not answer is routed around; a failure
        // inside the nodes (a peer slow to answer) is tried once more, as a new request.
        if node_failures
            .iter()
            .any(|f| f.status.is_some_and(|status| (400..500).contains(&status)))
        {
            return Err(failures);
        }
        let down: Vec<&str> = node_failures
            .iter()
            .filter(|failure| failure.status.is_none())
            .map(|failure| failure.url.as_str())
            .collect();
        let live: Vec<String> = all
            .iter()
            .filter(|url| !down.contains(&url.as_str()))
            .cloned()
            .collect();
        if live.len() < needed {
            return Err(failures);
        }
        let (nodes, set) = if down.is_empty() {
            (all.clone(), first_set)
        } else {
            let set: Vec<String> = live.iter().take(needed).cloned().collect();
            (set.clone(), Some(set))
        };
        let first_failures = node_failures.clone();
        match self
            .pkp_sign_once(
                to_sign,
                &pubkey,
                &public_key,
                session_sigs,
                &nodes,
                set.as_deref(),
                connection.current_epoch_number(),
                needed,
            )
            .await
        {
            // The error names every node that failed, in either attempt.
            Err(ClientError::NodeErrors {
                request_id,
                needed,
                succeeded,
                mut failures,
            }) => {
                failures.extend(first_failures);
                Err(ClientError::NodeErrors {
                    request_id,
                    needed,
                    succeeded,
                    failures,
                })
            }
            answer => answer,
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn pkp_sign_once(
        &self,
        to_sign: &[u8; 32],
        pubkey: &str,
        public_key: &[u8],
        session_sigs: &SessionSigs,
        nodes: &[String],
        signing_set: Option<&[String]>,
        epoch: Option<u64>,
        min_node_count: usize,
    ) -> Result<PkpSignature, ClientError> {
        let mut bodies = Vec::with_capacity(nodes.len());
        for url in nodes {
            let auth_sig = session_sigs
                .get(url)
                .ok_or_else(|| ClientError::MissingSessionSig { url: url.clone() })?;
            bodies.push((
                url.clone(),
                PkpSignRequest {
                    to_sign: to_sign.to_vec(),
                    pubkey: pubkey.to_owned(),
                    auth_sig: auth_sig.clone(),
                    auth_methods: None,
                    epoch,
                    signing_set: signing_set
                        .map(|set| set.iter().map(|url| staking_address(url)).collect()),
                },
            ));
        }
        let request_id = new_request_id();
        let request_id_ref = request_id.as_str();
        let mut pending: FuturesUnordered<_> = bodies
            .iter()
            .map(|(url, body)| async move {
                let answer = node_http::post_json::<PkpSignResponse>(
                    &self.http,
                    url,
                    PKP_SIGN_PATH,
                    body,
                    request_id_ref,
                    self.config.request_timeout,
                )
                .await;
                (url.clone(), answer)
            })
            .collect();
        let mut shares = Vec::new();
        let mut failures: Vec<NodeFailure> = Vec::new();
        while let Some((url, answer)) = pending.next().await {
            match answer {
                Ok(answer) if answer.signature_share.result == "success" => {
                    shares.push((url, answer))
                }
                Ok(_) => {}
                // A node that cannot be reached will not sign: the others of its set would
                // only wait for it, so stop here and let the caller route around it.
                Err(failure) if failure.status.is_none() => {
                    failures.push(failure);
                    break;
                }
                Err(failure) => failures.push(failure),
            }
        }
        drop(pending);
        let needed = signing_set.map_or(min_node_count, <[String]>::len);
        if shares.len() < needed || !failures.is_empty() {
            return Err(ClientError::NodeErrors {
                request_id: format!("lit_{request_id}"),
                needed,
                succeeded: shares.len(),
                failures,
            });
        }
        combine(&shares, to_sign, public_key)
    }
}

/// `ip:port` of a node URL, as Staking lists nodes.
fn staking_address(url: &str) -> String {
    url.trim_start_matches("http://")
        .trim_start_matches("https://")
        .trim_end_matches('/')
        .to_owned()
}

fn combine(
    shares: &[(String, PkpSignResponse)],
    to_sign: &[u8; 32],
    public_key: &[u8],
) -> Result<PkpSignature, ClientError> {
    let parts: Vec<SharePart<'_>> = shares
        .iter()
        .map(|(url, answer)| SharePart {
            url,
            big_r: &answer.signature_share.big_r,
            signature_share: &answer.signature_share.signature_share,
        })
        .collect();
    combine_shares(&parts, to_sign, public_key)
}

/// One node's share of a PKP signature as it answered it (quoted hex, as Lit's nodes write it).
pub(crate) struct SharePart<'a> {
    pub(crate) url: &'a str,
    pub(crate) big_r: &'a str,
    pub(crate) signature_share: &'a str,
}

/// The signature the shares of a signing set make, verified against `public_key` (65 bytes).
pub(crate) fn combine_shares(
    shares: &[SharePart<'_>],
    to_sign: &[u8; 32],
    public_key: &[u8],
) -> Result<PkpSignature, ClientError> {
    let invalid = |url: &str, message: &str| ClientError::NodeErrors {
        request_id: String::new(),
        needed: shares.len(),
        succeeded: 0,
        failures: vec![NodeFailure {
            url: url.to_owned(),
            status: Some(200),
            error_kind: None,
            error_code: None,
            message: message.to_owned(),
            logs: None,
        }],
    };
    let first = shares
        .first()
        .ok_or_else(|| ClientError::InvalidSignature("no shares to combine".into()))?;
    let big_r = unquoted_hex(first.big_r).ok_or_else(|| invalid(first.url, "big_r is not hex"))?;
    let mut values = Vec::with_capacity(shares.len());
    for share in shares {
        if unquoted_hex(share.big_r).as_deref() != Some(big_r.as_slice()) {
            return Err(invalid(
                share.url,
                "the signing set's shares carry different nonces",
            ));
        }
        let value: [u8; 32] = unquoted_hex(share.signature_share)
            .and_then(|bytes| bytes.try_into().ok())
            .ok_or_else(|| invalid(share.url, "signature_share is not 32 bytes of hex"))?;
        values.push(value);
    }
    let combined = combine_signature_shares(&big_r, &values, to_sign, public_key)?;
    let (r, s) = (
        combined.signature.r().to_bytes(),
        combined.signature.s().to_bytes(),
    );
    let recid = u8::from(combined.recovery_id.is_y_odd());
    Ok(PkpSignature {
        r: hex::encode(r),
        s: hex::encode(s),
        recid,
        signature: format!("0x{}{}{:02x}", hex::encode(r), hex::encode(s), 27 + recid),
        public_key: hex::encode_upper(public_key),
        data_signed: hex::encode(to_sign),
    })
}

/// An alloy signer whose key is a PKP: every signature is a [`LitNodeClient::pkp_sign`] with
/// the session sigs it was made with (for `lit-pkp://…` with `pkp-signing`).
#[derive(Debug, Clone)]
pub struct PkpSigner {
    client: Arc<LitNodeClient>,
    session_sigs: SessionSigs,
    public_key: String,
    address: Address,
    chain_id: Option<u64>,
}

impl PkpSigner {
    /// A signer for the PKP with uncompressed public key `public_key` (`0x04…`), signing
    /// through `client` with `session_sigs`.
    pub fn new(
        client: Arc<LitNodeClient>,
        session_sigs: SessionSigs,
        public_key: &str,
    ) -> Result<Self, ClientError> {
        Ok(PkpSigner {
            address: pkp_eth_address(public_key)?,
            client,
            session_sigs,
            public_key: public_key.to_owned(),
            chain_id: None,
        })
    }

    /// This signer with `chain_id` set (EIP-155 replay protection for transactions).
    pub fn with_chain_id(mut self, chain_id: Option<u64>) -> Self {
        self.chain_id = chain_id;
        self
    }

    async fn sign(&self, hash: &B256) -> alloy_signer::Result<alloy_primitives::Signature> {
        let signature = self
            .client
            .pkp_sign(&hash.0, &self.public_key, &self.session_sigs)
            .await
            .map_err(alloy_signer::Error::other)?;
        signature.to_alloy().map_err(alloy_signer::Error::other)
    }
}

#[async_trait::async_trait]
impl alloy_signer::Signer for PkpSigner {
    async fn sign_hash(&self, hash: &B256) -> alloy_signer::Result<alloy_primitives::Signature> {
        self.sign(hash).await
    }

    fn address(&self) -> Address {
        self.address
    }

    fn chain_id(&self) -> Option<u64> {
        self.chain_id
    }

    fn set_chain_id(&mut self, chain_id: Option<u64>) {
        self.chain_id = chain_id;
    }
}

#[async_trait::async_trait]
impl alloy_network::TxSigner<alloy_primitives::Signature> for PkpSigner {
    fn address(&self) -> Address {
        self.address
    }

    async fn sign_transaction(
        &self,
        tx: &mut dyn alloy_consensus::SignableTransaction<alloy_primitives::Signature>,
    ) -> alloy_signer::Result<alloy_primitives::Signature> {
        if let Some(chain_id) = self.chain_id {
            if !tx.set_chain_id_checked(chain_id) {
                return Err(alloy_signer::Error::TransactionChainIdMismatch {
                    signer: chain_id,
                    tx: tx.chain_id().unwrap_or_default(),
                });
            }
        }
        self.sign(&tx.signature_hash()).await
    }
}
