//! Running a Lit Action on the network: [`LitNodeClient::execute_js`] (the JS SDK's
//! `executeJs`), with the SDK's rules for merging what the nodes answer.

use crate::error::most_common_by;
use crate::node_http::{self, new_request_id};
use crate::pkp::{combine_shares, PkpSignature, SharePart};
use crate::{ClientError, LitNodeClient, NodeFailure};
use base64::Engine;
use futures::stream::{FuturesUnordered, StreamExt};
use serde_json::{Map, Value};
use sigil_auth::SessionSigs;
use sigil_wire::{unquoted_hex, ExecuteJsRequest, ExecuteJsResponse, EXECUTE_JS_PATH};
use std::collections::BTreeMap;

/// Which node's `response` [`LitNodeClient::execute_js`] returns when the nodes disagree.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ResponseStrategy {
    /// The least common one (the JS SDK's default): one node that saw something the others did
    /// not decides, so an action meant to agree must answer the same bytes on every node.
    #[default]
    LeastCommon,
    /// The most common one.
    MostCommon,
}

/// What to run and with what, as the JS SDK's `executeJs` params.
#[derive(Debug, Clone, Default)]
pub struct ExecuteJsParams {
    /// The action's source.
    pub code: Option<String>,
    /// Or its IPFS CIDv0, for nodes to fetch.
    pub ipfs_id: Option<String>,
    /// Globals for the action.
    pub js_params: Option<Map<String, Value>>,
    /// Which `response` to return when the nodes disagree.
    pub response_strategy: ResponseStrategy,
}

impl ExecuteJsParams {
    /// Runs `code` with no parameters.
    pub fn code(code: impl Into<String>) -> Self {
        ExecuteJsParams {
            code: Some(code.into()),
            ..ExecuteJsParams::default()
        }
    }

    /// Runs the action stored under `ipfs_id`.
    pub fn ipfs_id(ipfs_id: impl Into<String>) -> Self {
        ExecuteJsParams {
            ipfs_id: Some(ipfs_id.into()),
            ..ExecuteJsParams::default()
        }
    }

    /// With these globals.
    pub fn with_js_params(mut self, js_params: Map<String, Value>) -> Self {
        self.js_params = Some(js_params);
        self
    }
}

/// A finished run, merged across the nodes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecuteJsResult {
    /// Each signature the action asked for, by its `sigName`, combined from the nodes' shares
    /// and verified against the PKP's key.
    pub signatures: BTreeMap<String, PkpSignature>,
    /// Each key id the action claimed, by its `keyId`, with every node's signature.
    pub claims: BTreeMap<String, KeyClaim>,
    /// The response, chosen by the [`ResponseStrategy`], as the action set it.
    pub response: String,
    /// The most common console output.
    pub logs: String,
}

/// A key id an action claimed (`Lit.Actions.claimKey`), as the JS SDK's `getClaims` returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyClaim {
    /// Each node's EIP-191 signature over the derived key id, in node order.
    pub signatures: Vec<alloy_primitives::Signature>,
    /// `keccak256("<action CID>_<keyId>")`, hex.
    pub derived_key_id: String,
}

impl ExecuteJsResult {
    /// The response as JSON when it parses, else as a JSON string (the SDK's
    /// `parseAsJsonOrString`).
    pub fn response_json(&self) -> Value {
        serde_json::from_str(&self.response)
            .unwrap_or_else(|_| Value::String(self.response.clone()))
    }
}

impl LitNodeClient {
    /// Runs a Lit Action on every connected node, as the JS SDK's `executeJs`: each node gets
    /// `POST /web/execute/v1` with its session sig (for `lit-litaction://<cid>` or `*` with
    /// `lit-action-execution`) and one shared request id; every node must answer. The answers
    /// merge as the SDK merges them: the response by `response_strategy`, the most common
    /// logs, and each signature combined from the shares of its signing set.
    ///
    /// An action that threw is [`ClientError::ActionThrew`] with the nodes' most common error
    /// and logs; other failures are [`ClientError::NodeErrors`], naming every node.
    pub async fn execute_js(
        &self,
        params: &ExecuteJsParams,
        session_sigs: &SessionSigs,
    ) -> Result<ExecuteJsResult, ClientError> {
        let connection = self.require_connection()?;
        if params.code.is_some() == params.ipfs_id.is_some() {
            return Err(ClientError::InvalidConfig(
                "executeJs takes either code or an ipfsId".into(),
            ));
        }
        let code = params
            .code
            .as_ref()
            .map(|code| base64::engine::general_purpose::STANDARD.encode(code));
        let nodes = connection.connected_nodes.clone();
        let mut bodies = Vec::with_capacity(nodes.len());
        for url in &nodes {
            let auth_sig = session_sigs
                .get(url)
                .ok_or_else(|| ClientError::MissingSessionSig { url: url.clone() })?;
            bodies.push((
                url.clone(),
                ExecuteJsRequest {
                    code: code.clone(),
                    ipfs_id: params.ipfs_id.clone(),
                    js_params: params.js_params.clone(),
                    auth_sig: auth_sig.clone(),
                    auth_methods: None,
                    epoch: connection.current_epoch_number(),
                },
            ));
        }
        let request_id = new_request_id();
        let request_id_ref = request_id.as_str();
        let mut pending: FuturesUnordered<_> = bodies
            .iter()
            .enumerate()
            .map(|(index, (url, body))| async move {
                let answer = node_http::post_json::<ExecuteJsResponse>(
                    &self.http,
                    url,
                    EXECUTE_JS_PATH,
                    body,
                    request_id_ref,
                    self.config.request_timeout,
                )
                .await;
                (index, answer)
            })
            .collect();
        let mut answers = Vec::with_capacity(nodes.len());
        let mut failures: Vec<NodeFailure> = Vec::new();
        while let Some((index, answer)) = pending.next().await {
            match answer {
                Ok(answer) => answers.push((index, answer)),
                Err(failure) => failures.push(failure),
            }
        }
        drop(pending);
        if !failures.is_empty() {
            let threw: Vec<&NodeFailure> = failures
                .iter()
                .filter(|failure| failure.error_code.is_none() && failure.logs.is_some())
                .collect();
            if let Some(failure) = most_common_by(&threw, |failure| failure.message.clone()) {
                return Err(ClientError::ActionThrew {
                    error: failure.message.clone(),
                    logs: failure.logs.as_deref().unwrap_or_default().to_owned(),
                });
            }
            return Err(ClientError::NodeErrors {
                request_id: format!("lit_{request_id}"),
                needed: nodes.len(),
                succeeded: answers.len(),
                failures,
            });
        }
        // In node order, as the SDK lists the answers.
        answers.sort_by_key(|(index, _)| *index);
        let answers: Vec<(&str, ExecuteJsResponse)> = answers
            .into_iter()
            .map(|(index, answer)| (nodes[index].as_str(), answer))
            .collect();
        let responses: Vec<&String> = answers.iter().map(|(_, a)| &a.response).collect();
        let response = match params.response_strategy {
            ResponseStrategy::LeastCommon => least_common(&responses),
            ResponseStrategy::MostCommon => most_common_by(&responses, |r| *r).copied(),
        }
        .cloned()
        .unwrap_or_default();
        let logs: Vec<&String> = answers.iter().map(|(_, a)| &a.logs).collect();
        let logs = most_common_by(&logs, |l| *l)
            .map(|l| (*l).clone())
            .unwrap_or_default();
        let signatures = combine_signatures(&answers, connection.min_node_count)?;
        let claims = collect_claims(&answers)?;
        Ok(ExecuteJsResult {
            signatures,
            claims,
            response,
            logs,
        })
    }
}

/// Each claimed key id with every node's signature of it.
fn collect_claims(
    answers: &[(&str, ExecuteJsResponse)],
) -> Result<BTreeMap<String, KeyClaim>, ClientError> {
    let mut claims: BTreeMap<String, KeyClaim> = BTreeMap::new();
    for (_, answer) in answers {
        for (key_id, claim) in &answer.claim_data {
            let bytes = hex::decode(claim.signature.trim_start_matches("0x"))
                .map_err(|_| ClientError::InvalidSignature(format!("claim {key_id}: not hex")))?;
            let signature = alloy_primitives::Signature::try_from(bytes.as_slice())
                .map_err(|e| ClientError::InvalidSignature(format!("claim {key_id}: {e}")))?;
            claims
                .entry(key_id.clone())
                .or_insert_with(|| KeyClaim {
                    signatures: Vec::new(),
                    derived_key_id: claim.derived_key_id.clone(),
                })
                .signatures
                .push(signature);
        }
    }
    Ok(claims)
}

/// The element that occurs least often; ties go to the first such element, as the SDK's
/// `_findFrequency` (a stable sort by count) picks its `min`.
fn least_common<'a, T: PartialEq>(items: &[&'a T]) -> Option<&'a T> {
    let count = |item: &T| items.iter().filter(|other| ***other == *item).count();
    let min = items.iter().map(|item| count(item)).min()?;
    items.iter().find(|item| count(item) == min).copied()
}

/// Each `sigName`'s signature from the shares the nodes hold (a node outside a signing set
/// answers an empty share, dropped here as the SDK drops it).
fn combine_signatures(
    answers: &[(&str, ExecuteJsResponse)],
    min_node_count: usize,
) -> Result<BTreeMap<String, PkpSignature>, ClientError> {
    let names: std::collections::BTreeSet<&String> = answers
        .iter()
        .flat_map(|(_, answer)| answer.signed_data.keys())
        .collect();
    let mut signatures = BTreeMap::new();
    for name in names {
        let mut shares: Vec<(&str, &sigil_wire::ActionSignatureShare)> = answers
            .iter()
            .filter_map(|(url, answer)| Some((*url, answer.signed_data.get(name)?)))
            .filter(|(_, share)| !share.signature_share.is_empty())
            .collect();
        shares.sort_by_key(|(_, share)| share.share_index);
        if shares.len() < min_node_count {
            return Err(ClientError::InvalidSignature(format!(
                "{name}: {} signature shares, {min_node_count} needed",
                shares.len()
            )));
        }
        let (_, first) = shares[0];
        let digest: [u8; 32] = unquoted_hex(&first.data_signed)
            .and_then(|bytes| bytes.try_into().ok())
            .ok_or_else(|| {
                ClientError::InvalidSignature(format!("{name}: dataSigned is not a 32-byte hash"))
            })?;
        let public_key = unquoted_hex(&first.public_key).ok_or_else(|| {
            ClientError::InvalidSignature(format!("{name}: publicKey is not hex"))
        })?;
        let parts: Vec<SharePart<'_>> = shares
            .iter()
            .map(|(url, share)| SharePart {
                url,
                big_r: &share.big_r,
                signature_share: &share.signature_share,
            })
            .collect();
        signatures.insert(name.clone(), combine_shares(&parts, &digest, &public_key)?);
    }
    Ok(signatures)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_least_common_response_is_the_first_of_the_rarest() {
        let (a, b, c) = ("a".to_owned(), "b".to_owned(), "c".to_owned());
        assert_eq!(least_common(&[&a, &b, &a]), Some(&b));
        assert_eq!(least_common(&[&a, &a, &a]), Some(&a));
        assert_eq!(least_common(&[&c, &b, &a]), Some(&c));
        assert_eq!(least_common::<String>(&[]), None);
    }

    #[test]
    fn a_response_is_json_when_it_parses() {
        let result = |response: &str| ExecuteJsResult {
            signatures: BTreeMap::new(),
            claims: BTreeMap::new(),
            response: response.into(),
            logs: String::new(),
        };
        assert_eq!(
            result(r#"{"a":1}"#).response_json(),
            serde_json::json!({"a": 1})
        );
        assert_eq!(
            result("hello").response_json(),
            Value::String("hello".into())
        );
    }
}
