//! Lit Actions on a node: runs on a bounded set of worker threads (so a busy node keeps
//! answering handshakes and signing), and the node's side of the Lit.Actions API ([`NodeHost`]),
//! which signs with PKPs that permit the action or its caller.

use crate::condition_reads::{Asker, ConditionContext};
use crate::config::ActionsConfig;
use crate::endpoints::pkp_sign::{
    may_sign, parse_uncompressed_key, resolved_context_may_sign, sign_share, signing_record,
    SIGN_ANYTHING_SCOPE, SIGN_PERSONAL_MESSAGE_SCOPE,
};
use crate::error::NodeError;
use crate::state::NodeState;
use alloy_primitives::{eip191_hash_message, keccak256, Address};
use base64::Engine;
use futures::StreamExt;
use serde_json::{json, Map, Value};
use sigil_actions::{ActionError, Host, Limits, Outcome};
use sigil_auth::ResolvedAuthContext;
use sigil_chain::ValidatorInfo;
use sigil_crypto::conditions::{
    ActionFailure, ChainAnswer, ChainRead, ChainReadError, ConditionSet,
};
use sigil_wire::{quoted_upper_hex, ActionClaim, ActionSignatureShare, SIG_TYPE_K256};
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::Semaphore;

/// Where a node runs actions and with what limits, and where it gets code by IPFS id.
pub(crate) struct ActionRunner {
    /// A permit per run whose JavaScript is running; a run waiting on the node (a signing
    /// round, a peer, a chain read) gives its permit back meanwhile, so runs that wait on each
    /// other across nodes cannot hold every worker and deadlock.
    workers: Arc<Semaphore>,
    pub(crate) limits: Limits,
    /// How deep actions may call actions (`Lit.Actions.call`).
    max_call_depth: usize,
    /// Lit's chain names to RPC URLs, for `getRpcUrl`.
    rpc_urls: BTreeMap<String, String>,
    ipfs: IpfsCode,
}

/// Code by IPFS id: fetched from the configured gateway, checked against its CID, kept.
struct IpfsCode {
    gateway: Option<String>,
    http: reqwest::Client,
    /// Code whose CID was checked, by CID.
    cache: parking_lot::Mutex<lru::LruCache<String, Arc<str>>>,
}

/// Largest answer a `fetch` of an action takes.
const MAX_FETCH_BYTES: usize = 16 * 1024 * 1024;

/// Actions whose code the node keeps after fetching it by IPFS id.
const IPFS_CODE_CACHE_ENTRIES: usize = 256;
/// Longest a fetch from the IPFS gateway may take.
const IPFS_FETCH_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// One run: the code, its globals, who asked, and under which request.
pub(crate) struct ActionRun {
    pub(crate) code: Arc<str>,
    pub(crate) js_params: Map<String, Value>,
    /// The action's IPFS CIDv0.
    pub(crate) cid: String,
    /// The session's user.
    pub(crate) user: Address,
    /// The request id every node got (the JS SDK sends the same one to all).
    pub(crate) request_id: String,
    /// The request's HTTP headers (`Lit.Headers`), by lower-case name.
    pub(crate) headers: Value,
    pub(crate) purpose: RunPurpose,
    /// In a PKP session, what the network checked when it signed the session: the action sees
    /// it in `Lit.Auth` and signs with the PKP on its strength.
    pub(crate) resolved_auth_context: Option<ResolvedAuthContext>,
}

/// Why an action runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RunPurpose {
    /// A client asked for it (`/web/execute`).
    Request,
    /// It answers a `LitAction` condition, inside this many enclosing runs. Every node runs it
    /// on its own when it checks the condition, so, as on Lit's nodes, it may not do what
    /// takes the other nodes (signing, decrypting, `runOnce`, `broadcastAndCollect`).
    Condition { nesting: usize },
    /// It decides whether the network signs a session for a PKP, seeing the auth methods the
    /// node verified (`Lit.Auth.authMethodContexts`). It has no session, so, like a
    /// condition's, it may not do what takes the other nodes.
    SessionAuth { auth_method_contexts: Value },
}

impl RunPurpose {
    /// How many runs enclose this one.
    fn nesting(&self) -> usize {
        match self {
            RunPurpose::Request | RunPurpose::SessionAuth { .. } => 0,
            RunPurpose::Condition { nesting } => *nesting,
        }
    }

    /// Whether the run may not use what takes the other nodes.
    fn is_local(&self) -> bool {
        !matches!(self, RunPurpose::Request)
    }
}

/// The Lit.Actions functions that need the other nodes to take part.
const NETWORK_OPS: [&str; 10] = [
    "signEcdsa",
    "ethPersonalSignMessageEcdsa",
    "signAndCombineEcdsa",
    "claimKey",
    "isLeader",
    "broadcast",
    "collectFromLeader",
    "broadcastAndCollect",
    "decryptAndCombine",
    "decryptToSingleNode",
];

/// What a finished or stopped run leaves: the engine's verdict and the node's records of it.
pub(crate) struct RunResult {
    pub(crate) outcome: Result<Outcome, ActionError>,
    pub(crate) signed_data: BTreeMap<String, ActionSignatureShare>,
    pub(crate) claim_data: BTreeMap<String, ActionClaim>,
}

impl ActionRunner {
    pub(crate) fn new(config: &ActionsConfig, rpc_urls: &BTreeMap<String, String>) -> Self {
        let workers = match config.workers {
            0 => std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2),
            n => n,
        };
        ActionRunner {
            workers: Arc::new(Semaphore::new(workers)),
            limits: config.limits(),
            max_call_depth: config.max_call_depth,
            rpc_urls: rpc_urls.clone(),
            ipfs: IpfsCode {
                gateway: config.ipfs_gateway.clone(),
                http: reqwest::Client::new(),
                cache: parking_lot::Mutex::new(lru::LruCache::new(
                    std::num::NonZeroUsize::new(IPFS_CODE_CACHE_ENTRIES)
                        .unwrap_or(std::num::NonZeroUsize::MIN),
                )),
            },
        }
    }

    /// The code stored under IPFS id `cid` (a CIDv0), from the cache or the gateway; code whose
    /// CID is not `cid` is refused, so a gateway cannot substitute an action.
    pub(crate) async fn code_of(
        &self,
        state: &NodeState,
        cid: &str,
    ) -> Result<Arc<str>, NodeError> {
        let is_cid_v0 = cid.len() == 46
            && cid.starts_with("Qm")
            && sigil_chain::evm::ipfs_cid_bytes(cid).is_ok_and(|bytes| bytes.len() == 34);
        if !is_cid_v0 {
            // Not echoed: it may be anything up to the body limit.
            return Err(NodeError::InvalidIpfsId(
                "ipfsId is not an IPFS CIDv0 (Qm followed by 44 base58 characters)".into(),
            ));
        }
        if let Some(code) = self.ipfs.cache.lock().get(cid) {
            return Ok(Arc::clone(code));
        }
        let gateway = self.ipfs.gateway.as_deref().ok_or_else(|| {
            NodeError::InvalidIpfsId(
                "this node has no IPFS gateway configured (actions.ipfsGateway); send the code itself"
                    .into(),
            )
        })?;
        let unavailable = |reason: String| {
            NodeError::InvalidIpfsId(format!("the code of {cid} could not be fetched: {reason}"))
        };
        let mut response = self
            .ipfs
            .http
            .get(format!("{gateway}{cid}"))
            .timeout(IPFS_FETCH_TIMEOUT)
            .send()
            .await
            .map_err(|e| unavailable(e.without_url().to_string()))?;
        if !response.status().is_success() {
            return Err(unavailable(format!(
                "the gateway answered {}",
                response.status()
            )));
        }
        let limit = self.limits.code_bytes;
        let mut bytes = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| unavailable(e.without_url().to_string()))?
        {
            if bytes.len() + chunk.len() > limit {
                return Err(NodeError::Action(ActionError::CodeTooLarge {
                    len: bytes.len() + chunk.len(),
                    limit,
                }));
            }
            bytes.extend_from_slice(&chunk);
        }
        let (bytes, computed) = state
            .cpu(move || {
                let computed = sigil_actions::ipfs_cid_v0(&bytes);
                (bytes, computed)
            })
            .await?;
        if computed != cid {
            return Err(unavailable(format!(
                "the gateway sent code whose CID is {computed}"
            )));
        }
        let code: Arc<str> = String::from_utf8(bytes)
            .map_err(|_| unavailable("the code is not UTF-8".into()))?
            .into();
        self.ipfs
            .cache
            .lock()
            .put(cid.to_owned(), Arc::clone(&code));
        Ok(code)
    }

    /// The answer to a `LitAction` condition for `user` (Lit's node's way): the action's code
    /// is run with a call of the condition's function after it, whose result, as a string, is
    /// the action's response. `nesting` counts the runs enclosing the check.
    pub(crate) async fn answer_condition(
        &self,
        state: &Arc<NodeState>,
        read: &ChainRead,
        user: Address,
        nesting: usize,
    ) -> Result<ChainAnswer, ChainReadError> {
        let ChainRead::LitAction {
            chain,
            ipfs_id,
            method,
            params,
        } = read
        else {
            return Err(ChainReadError::Failed("not a Lit Action condition".into()));
        };
        let failed = |reason: String| ChainReadError::Action {
            failure: ActionFailure::Execution,
            reason,
        };
        if !state.condition_reader.knows(chain) {
            return Err(ChainReadError::UnknownChain);
        }
        if nesting >= self.max_call_depth {
            return Err(failed(format!(
                "Lit Actions may nest {} deep (actions checking conditions that run actions)",
                self.max_call_depth
            )));
        }
        let code = self
            .code_of(state, ipfs_id)
            .await
            .map_err(|e| failed(e.to_string()))?;
        // Lit passes each parameter in double quotes as written; JSON strings are the same for
        // plain text and stay one string argument whatever a parameter holds.
        let args = params
            .iter()
            .map(|param| Value::from(param.as_str()).to_string())
            .collect::<Vec<_>>()
            .join(",");
        let code = format!(
            "{code}\nconst litAsyncWrapper = async () => {{const actionTestResponse = await {method}({args}); Lit.Actions.setResponse({{response: actionTestResponse.toString()}});}}\n litAsyncWrapper();"
        );
        let run = ActionRun {
            code: code.into(),
            js_params: Map::new(),
            cid: ipfs_id.clone(),
            user,
            request_id: String::new(),
            headers: json!({}),
            purpose: RunPurpose::Condition { nesting },
            resolved_auth_context: None,
        };
        let result = self
            .run(state, run)
            .await
            .map_err(|e| failed(e.to_string()))?;
        match result.outcome {
            Ok(outcome) => Ok(ChainAnswer::Text(outcome.response)),
            Err(error) => Err(ChainReadError::Action {
                failure: match error {
                    ActionError::Timeout { .. } => ActionFailure::Timeout,
                    ActionError::MemoryLimit { .. } => ActionFailure::MemoryLimit,
                    _ => ActionFailure::Execution,
                },
                reason: error.to_string(),
            }),
        }
    }

    /// Runs `run` on a worker thread once one is free (waiting at most a run's timeout).
    pub(crate) async fn run(
        &self,
        state: &Arc<NodeState>,
        run: ActionRun,
    ) -> Result<RunResult, NodeError> {
        let permit = tokio::time::timeout(
            self.limits.timeout,
            Arc::clone(&self.workers).acquire_owned(),
        )
        .await;
        let Ok(Ok(permit)) = permit else {
            return Err(NodeError::Overloaded(
                "every worker of this node is running a Lit Action; try again later".into(),
            ));
        };
        let state = Arc::clone(state);
        let runtime = tokio::runtime::Handle::current();
        let limits = self.limits.clone();
        let rpc_urls = self.rpc_urls.clone();
        let http = self.ipfs.http.clone();
        let max_call_depth = self.max_call_depth;
        let workers = Arc::clone(&self.workers);
        tokio::task::spawn_blocking(move || {
            let stack = vec![run.cid.clone()];
            let auth = lit_auth(
                &stack,
                run.user,
                &run.purpose,
                run.resolved_auth_context.as_ref(),
            );
            let host = Rc::new_cyclic(|this| NodeHost {
                this: this.clone(),
                permit: RefCell::new(Some(permit)),
                workers,
                state,
                runtime,
                request_id: run.request_id,
                user: run.user,
                purpose: run.purpose,
                resolved_auth_context: run.resolved_auth_context,
                stack: RefCell::new(stack),
                headers: run.headers.clone(),
                limits: limits.clone(),
                max_call_depth,
                rpc_urls,
                http,
                signatures: Cell::new(0),
                broadcasts: Cell::new(0),
                signed_data: RefCell::default(),
                claim_data: RefCell::default(),
            });
            let action = sigil_actions::Action {
                code: &run.code,
                js_params: &run.js_params,
                auth: &auth,
                headers: &run.headers,
            };
            let outcome =
                sigil_actions::execute(&action, &limits, Rc::clone(&host) as Rc<dyn Host>);
            RunResult {
                outcome,
                signed_data: host.signed_data.take(),
                claim_data: host.claim_data.take(),
            }
        })
        .await
        .map_err(|e| NodeError::internal("lit action worker", e))
    }
}

/// `Lit.Auth` for a run of the last action of `stack` (its callers before it), field for field
/// as Lit's node builds it (its `AuthContext`): the same on every node. A run in a wallet's
/// session names the wallet; in a PKP session, what the network resolved when it signed the
/// session (its actions before this one); one that authenticates a session, the auth methods
/// the node verified.
fn lit_auth(
    stack: &[String],
    user: Address,
    purpose: &RunPurpose,
    resolved: Option<&ResolvedAuthContext>,
) -> Value {
    let (auth_sig_address, auth_method_contexts, custom_auth_resource, mut action_stack) =
        match (purpose, resolved) {
            (
                RunPurpose::SessionAuth {
                    auth_method_contexts,
                },
                _,
            ) => (
                Value::Null,
                auth_method_contexts.clone(),
                String::new(),
                vec![],
            ),
            (_, Some(resolved)) => (
                resolved.json["authSigAddress"].clone(),
                resolved.json["authMethodContexts"].clone(),
                resolved.custom_auth_resource.clone(),
                resolved.action_ipfs_id_stack.clone(),
            ),
            (RunPurpose::Request | RunPurpose::Condition { .. }, None) => (
                json!(user.to_checksum(None)),
                json!([]),
                String::new(),
                vec![],
            ),
        };
    action_stack.extend(stack.iter().cloned());
    json!({
        "actionIpfsIds": stack.last().into_iter().collect::<Vec<_>>(),
        "actionIpfsIdStack": action_stack,
        "authSigAddress": auth_sig_address,
        "authMethodContexts": auth_method_contexts,
        "resources": [],
        "customAuthResource": custom_auth_resource,
    })
}

/// The node's side of one run's Lit.Actions calls. Lives on the run's worker thread; async
/// work (chain reads, signing rounds with peers) is driven on the node's runtime from there.
struct NodeHost {
    /// This host, for the runs of child actions (`Lit.Actions.call`).
    this: std::rc::Weak<NodeHost>,
    /// The run's worker permit, while its JavaScript runs.
    permit: RefCell<Option<tokio::sync::OwnedSemaphorePermit>>,
    workers: Arc<Semaphore>,
    state: Arc<NodeState>,
    runtime: tokio::runtime::Handle,
    request_id: String,
    user: Address,
    purpose: RunPurpose,
    resolved_auth_context: Option<ResolvedAuthContext>,
    /// The CIDs of the running action and of the actions that called it, the running one last.
    stack: RefCell<Vec<String>>,
    /// The request's headers (`Lit.Headers`).
    headers: Value,
    limits: Limits,
    max_call_depth: usize,
    rpc_urls: BTreeMap<String, String>,
    http: reqwest::Client,
    /// `broadcastAndCollect` calls so far: names each one's peer run.
    broadcasts: Cell<u32>,
    /// Signatures asked for so far: names each one's signing run, the same on every node.
    signatures: Cell<u32>,
    signed_data: RefCell<BTreeMap<String, ActionSignatureShare>>,
    claim_data: RefCell<BTreeMap<String, ActionClaim>>,
}

impl Host for NodeHost {
    fn call(&self, op: &str, args: Value, deadline: Instant) -> Result<Value, String> {
        if self.purpose.is_local() && NETWORK_OPS.contains(&op) {
            return Err(format!(
                "Lit.Actions.{op} is not available to an action that answers an access control condition or authenticates a session"
            ));
        }
        match op {
            "signEcdsa" => self.sign_ecdsa(&args, false, deadline),
            "ethPersonalSignMessageEcdsa" => self.sign_ecdsa(&args, true, deadline),
            "signAndCombineEcdsa" => self.sign_and_combine_ecdsa(&args, deadline),
            "getRpcUrl" => Ok(self.rpc_url(args["chain"].as_str().unwrap_or_default())),
            "fetch" => self.fetch(&args, deadline),
            "getLatestNonce" => self.latest_nonce(&args, deadline),
            "encrypt" => self.encrypt(&args),
            "call" => self.call_child(&args, deadline),
            "callContract" => self.call_contract(&args, deadline),
            "claimKey" => self.claim_key(&args),
            "isLeader" => Ok(json!(self.leader()?.communication_key == self.me())),
            "broadcast" => self.broadcast_from_leader(&args, deadline),
            "collectFromLeader" => self.collect_from_leader(&args, deadline),
            "broadcastAndCollect" => self.broadcast_and_collect(&args, deadline),
            "decryptAndCombine" => self.decrypt(&args, deadline, Combine::Everywhere),
            "decryptToSingleNode" => self.decrypt(&args, deadline, Combine::AtTheLeader),
            "checkConditions" => self.check_conditions(&args, deadline),
            "isPermittedAction"
            | "isPermittedAddress"
            | "isPermittedAuthMethod"
            | "getPermittedActions"
            | "getPermittedAddresses"
            | "getPermittedAuthMethods"
            | "getPermittedAuthMethodScopes" => self.pkp_permissions(op, &args, deadline),
            other => Err(format!(
                "Lit.Actions.{other} is not supported by this node yet"
            )),
        }
    }
}

impl NodeHost {
    /// `signEcdsa` (a 32-byte hash) or `ethPersonalSignMessageEcdsa` (a message, hashed the
    /// EIP-191 way): this node's share into `signedData[sigName]`, once the PKP permits the
    /// session's user or this action with the scope Lit requires.
    fn sign_ecdsa(&self, args: &Value, personal: bool, deadline: Instant) -> Result<Value, String> {
        let to_sign: Vec<u8> = serde_json::from_value(args["toSign"].clone())
            .map_err(|_| "toSign must be bytes".to_owned())?;
        let public_key_text = args["publicKey"].as_str().unwrap_or_default().to_owned();
        let sig_name = args["sigName"]
            .as_str()
            .ok_or_else(|| "sigName must be a string".to_owned())?
            .to_owned();
        let (digest, scope) = if personal {
            (eip191_hash_message(&to_sign).0, SIGN_PERSONAL_MESSAGE_SCOPE)
        } else {
            let digest: [u8; 32] = to_sign.as_slice().try_into().map_err(|_| {
                format!(
                    "Failed to sign ecdsa: toSign must be a 32-byte hash, got {} bytes",
                    to_sign.len()
                )
            })?;
            (digest, SIGN_ANYTHING_SCOPE)
        };
        let public_key = parse_uncompressed_key(&public_key_text)
            .map_err(|e| format!("Failed to sign ecdsa: {e}"))?;
        let sequence = self.signatures.get();
        self.signatures.set(sequence + 1);
        // Unique to this signature and the same on every node running this request.
        let request_id = format!("{}/action-sign/{sequence}/{sig_name}", self.request_id);
        let state = Arc::clone(&self.state);
        let user = self.user;
        let cid_bytes = sigil_chain::evm::ipfs_cid_bytes(&self.current_cid())
            .ok()
            .map(|bytes| bytes.to_vec());
        let resolved = self.resolved_auth_context.clone();
        let signing = async move {
            let record = signing_record(&state, &public_key, &public_key_text).await?;
            let permitted = may_sign(&record, user, cid_bytes.as_deref(), scope)
                || resolved
                    .as_ref()
                    .is_some_and(|resolved| resolved_context_may_sign(&record, resolved, scope));
            if !permitted {
                return Err(NodeError::PkpNotAuthorized(public_key_text));
            }
            let share = sign_share(&state, &request_id, &digest, &record, None).await?;
            Ok::<_, NodeError>((record.public_key, share))
        };
        let (public_key, share) = match self.block_on(deadline, signing) {
            Err(timeout) => return Err(format!("Failed to sign ecdsa: {timeout}")),
            Ok(Err(NodeError::PkpNotAuthorized(key))) => {
                return Err(format!(
                    "Neither you nor this Lit Action are authorized to sign using this PKP: {key}"
                ));
            }
            Ok(Err(error)) => return Err(format!("Failed to sign ecdsa: {error}")),
            Ok(Ok(signed)) => signed,
        };
        // A node outside the signing set records an empty share, which the SDK drops.
        let (share_index, signature_share, big_r) = match share {
            Some(share) => (
                share.share_index,
                quoted_upper_hex(&share.signature_share),
                quoted_upper_hex(&share.big_r),
            ),
            None => (0, String::new(), String::new()),
        };
        self.signed_data.borrow_mut().insert(
            sig_name.clone(),
            ActionSignatureShare {
                sig_type: SIG_TYPE_K256.into(),
                data_signed: quoted_upper_hex(&digest),
                signature_share,
                share_index,
                big_r,
                public_key: quoted_upper_hex(&public_key),
                sig_name,
            },
        );
        Ok(json!("success"))
    }

    /// Runs `future` on the node's runtime, within the run's `deadline`.
    /// The run's worker permit is given back while it waits, and taken again after.
    fn block_on<T>(
        &self,
        deadline: Instant,
        future: impl std::future::Future<Output = T>,
    ) -> Result<T, String> {
        let deadline = tokio::time::Instant::from_std(deadline);
        let time_up = |_| "the run's time is up".to_owned();
        drop(self.permit.borrow_mut().take());
        let answer = self
            .runtime
            .block_on(tokio::time::timeout_at(deadline, future))
            .map_err(time_up);
        let permit = self
            .runtime
            .block_on(tokio::time::timeout_at(
                deadline,
                Arc::clone(&self.workers).acquire_owned(),
            ))
            .map_err(time_up)?
            .map_err(|_| "the node is shutting down".to_owned())?;
        *self.permit.borrow_mut() = Some(permit);
        answer
    }

    /// `checkConditions({conditions, authSig, chain})`: the node's condition engine, for the
    /// session's user (or the wallet of `authSig`, when the action passes one), with
    /// `:currentActionIpfsId` this action's CID.
    fn check_conditions(&self, args: &Value, deadline: Instant) -> Result<Value, String> {
        let failed =
            |e: &dyn std::fmt::Display| format!("Error checking access control conditions: {e}");
        require_chain(args)?;
        let set = unified_conditions(&args["conditions"]).map_err(|e| failed(&e))?;
        self.conditions_met(&set, &args["authSig"], deadline)
            .map(|met| json!(met))
            .map_err(|e| failed(&e))
    }

    /// Whether `set` holds for the session's user, or for the wallet of `auth_sig` when the
    /// action passes one, with `:currentActionIpfsId` the running action's CID.
    fn conditions_met(
        &self,
        set: &ConditionSet,
        auth_sig: &Value,
        deadline: Instant,
    ) -> Result<bool, String> {
        let user = match auth_sig {
            Value::Null => self.user,
            auth_sig => wallet_of(auth_sig, self.state.clock.now())?,
        };
        let asker = Asker {
            user,
            siwe_domain: String::new(),
            siwe_resources: Vec::new(),
            current_action_ipfs_id: self.current_cid(),
            nesting: self.nesting(),
            wallets: sigil_crypto::conditions::Wallets::ETHEREUM,
        };
        let context = self
            .block_on(deadline, ConditionContext::read(&self.state, set, asker))?
            .map_err(|e| e.to_string())?;
        set.evaluate(&context).map_err(|e| e.to_string())
    }

    /// The PKPPermissions reads, from the PKP's record on chain.
    fn pkp_permissions(&self, op: &str, args: &Value, deadline: Instant) -> Result<Value, String> {
        let token_id = crate::pkp_permissions::parse_token_id(args)?;
        let registry = self
            .state
            .chain()
            .pkp_registry()
            .ok_or("this node's chain has no PKPs")?;
        let record = self
            .block_on(deadline, registry.signing_record(token_id))?
            .map_err(|e| format!("Error calling {op}: {e}"))?;
        crate::pkp_permissions::answer(op, record.as_ref(), args)
    }

    /// How many runs enclose the running action's code (its callers, and the runs whose
    /// conditions it answers), itself included.
    fn nesting(&self) -> usize {
        self.purpose.nesting() + self.stack.borrow().len()
    }

    /// The CID of the running action (a child's, inside `Lit.Actions.call`).
    fn current_cid(&self) -> String {
        self.stack.borrow().last().cloned().unwrap_or_default()
    }

    /// `call({ipfsId, params})`: runs the action stored under `ipfsId` with `params` as its
    /// globals, in this run's time and session, and returns the response it set. Its
    /// `Lit.Auth` names it, after its callers; it signs as itself.
    fn call_child(&self, args: &Value, deadline: Instant) -> Result<Value, String> {
        let cid = args["ipfsId"].as_str().ok_or("ipfsId must be a string")?;
        if self.nesting() > self.max_call_depth {
            return Err(format!(
                "The recursion limit of a child action is {} and you have attempted to exceed that limit.",
                self.max_call_depth
            ));
        }
        let code = self
            .block_on(deadline, self.state.actions.code_of(&self.state, cid))?
            .map_err(|e| e.to_string())?;
        let js_params = match &args["params"] {
            Value::Object(params) => params.clone(),
            _ => Map::new(),
        };
        let host = self.this.upgrade().ok_or("the run has ended")?;
        self.stack.borrow_mut().push(cid.to_owned());
        let auth = lit_auth(
            &self.stack.borrow(),
            self.user,
            &self.purpose,
            self.resolved_auth_context.as_ref(),
        );
        let limits = Limits {
            timeout: deadline.saturating_duration_since(Instant::now()),
            ..self.limits.clone()
        };
        let action = sigil_actions::Action {
            code: &code,
            js_params: &js_params,
            auth: &auth,
            headers: &self.headers,
        };
        let outcome = sigil_actions::execute(&action, &limits, host as Rc<dyn Host>);
        self.stack.borrow_mut().pop();
        match outcome {
            Ok(outcome) => Ok(json!(outcome.response)),
            Err(error) => Err(format!("the child action {cid} failed: {error}")),
        }
    }

    fn me(&self) -> alloy_primitives::B256 {
        self.state.peers().identity_key()
    }

    /// The node that runs `runOnce` functions for this request: the same on every node (the
    /// validators ranked by a hash of the request id and their identity).
    fn leader(&self) -> Result<ValidatorInfo, String> {
        self.state
            .peers()
            .validators_with_identity()
            .into_iter()
            .min_by_key(|validator| {
                keccak256(
                    [
                        self.request_id.as_bytes(),
                        b"/action-leader/",
                        validator.communication_key.as_slice(),
                    ]
                    .concat(),
                )
            })
            .ok_or_else(|| "no validator has a peer identity".to_owned())
    }

    /// The peer run of the next exchange of this run (`kind`, named `name`): the same on every
    /// node, as long as the action makes the same calls in the same order.
    fn next_exchange(&self, kind: &[u8], name: &[u8]) -> alloy_primitives::B256 {
        let sequence = self.broadcasts.get();
        self.broadcasts.set(sequence + 1);
        keccak256(
            [
                self.request_id.as_bytes(),
                kind,
                &sequence.to_be_bytes(),
                name,
            ]
            .concat(),
        )
    }

    /// The other validators that have a peer identity.
    fn other_validators(&self) -> Vec<ValidatorInfo> {
        self.state
            .peers()
            .validators_with_identity()
            .into_iter()
            .filter(|validator| validator.communication_key != self.me())
            .collect()
    }

    /// Sends `payload` to every other validator in peer run `instance` and returns what each
    /// sent back, in validator order.
    fn exchange(
        &self,
        instance: alloy_primitives::B256,
        payload: &[u8],
        deadline: Instant,
    ) -> Result<Result<Vec<Vec<u8>>, NodeError>, String> {
        let peers = self.state.peers();
        let others = self.other_validators();
        let wait = deadline.saturating_duration_since(Instant::now());
        self.block_on(deadline, async {
            let sends = others
                .iter()
                .map(|validator| peers.send(validator, instance, 0, payload));
            futures::future::try_join_all(sends).await?;
            let receives = others
                .iter()
                .map(|validator| peers.receive_within(instance, 0, validator, wait));
            futures::future::try_join_all(receives).await
        })
    }

    /// The peer run of a `runOnce` named `name` in this request.
    fn run_once_instance(&self, name: &str) -> alloy_primitives::B256 {
        keccak256([self.request_id.as_bytes(), b"/run-once/", name.as_bytes()].concat())
    }

    /// `runOnce` with `waitForResponse`, at the leader: its function's answer to every peer.
    fn broadcast_from_leader(&self, args: &Value, deadline: Instant) -> Result<Value, String> {
        let (name, value) = name_and_value(args)?;
        let instance = self.run_once_instance(name);
        let peers = self.state.peers();
        let sends =
            self.other_validators()
                .into_iter()
                .map(|validator| async move {
                    peers.send(&validator, instance, 0, value.as_bytes()).await
                });
        self.block_on(deadline, futures::future::try_join_all(sends))?
            .map_err(|e| format!("broadcast failed: {e}"))?;
        Ok(json!(true))
    }

    /// `runOnce` with `waitForResponse`, elsewhere: the leader's answer.
    fn collect_from_leader(&self, args: &Value, deadline: Instant) -> Result<Value, String> {
        let name = args["name"].as_str().ok_or("name must be a string")?;
        let leader = self.leader()?;
        let instance = self.run_once_instance(name);
        let wait = deadline.saturating_duration_since(Instant::now());
        let value = self
            .block_on(
                deadline,
                self.state
                    .peers()
                    .receive_within(instance, 0, &leader, wait),
            )?
            .map_err(|e| format!("collecting from the leader failed: {e}"))?;
        Ok(json!(String::from_utf8_lossy(&value)))
    }

    /// `broadcastAndCollect({name, value})`: this node's value to every peer, and every peer's
    /// value back (in validator order), this node's own last, as Lit's node lists them.
    fn broadcast_and_collect(&self, args: &Value, deadline: Instant) -> Result<Value, String> {
        let (name, value) = name_and_value(args)?;
        let instance = self.next_exchange(b"/broadcast-and-collect/", name.as_bytes());
        let mut values: Vec<Value> = self
            .exchange(instance, value.as_bytes(), deadline)?
            .map_err(|e| format!("broadcastAndCollect failed: {e}"))?
            .into_iter()
            .map(|bytes| json!(String::from_utf8_lossy(&bytes)))
            .collect();
        values.push(json!(value));
        Ok(json!(values))
    }

    /// `decryptAndCombine` / `decryptToSingleNode({accessControlConditions, ciphertext,
    /// dataToEncryptHash, authSig, chain})`: once the conditions hold for the session's user
    /// (or the wallet of `authSig`), this node's decryption share goes to every peer (to the
    /// `runOnce` leader alone, for a single node); the first shares to reach the threshold are
    /// combined and the plaintext (UTF-8) returned, on every node (at the leader; the others
    /// return an empty string, as Lit's do).
    fn decrypt(&self, args: &Value, deadline: Instant, combine: Combine) -> Result<Value, String> {
        let checking =
            |e: &dyn std::fmt::Display| format!("Error checking access control conditions: {e}");
        require_chain(args)?;
        let set = unified_conditions(&args["accessControlConditions"]).map_err(|e| checking(&e))?;
        let hash = args["dataToEncryptHash"]
            .as_str()
            .filter(|hash| hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or("dataToEncryptHash must be 64 hex characters")?;
        let ciphertext = base64::engine::general_purpose::STANDARD
            .decode(args["ciphertext"].as_str().unwrap_or_default())
            .map_err(|_| "ciphertext must be base64".to_owned())?;
        if !self
            .conditions_met(&set, &args["authSig"], deadline)
            .map_err(|e| checking(&e))?
        {
            return Err("Access control conditions check failed.  Check that you are allowed to decrypt this item.".into());
        }
        let identity = format!("lit-accesscontrolcondition://{}/{hash}", set.hash_hex());
        let key = self.state.network_key().map_err(|e| e.to_string())?;
        let mine = key.sign_share(identity.as_bytes());
        let instance = self.next_exchange(b"/decrypt/", identity.as_bytes());
        let peers = self.state.peers();
        let others = self.other_validators();
        if combine == Combine::AtTheLeader {
            let leader = self.leader()?;
            if leader.communication_key != self.me() {
                self.block_on(deadline, peers.send(&leader, instance, 0, &mine.to_bytes()))?
                    .map_err(|e| format!("decryptToSingleNode: {e}"))?;
                return Ok(json!(""));
            }
        }
        let needed = key.threshold();
        let wait = deadline.saturating_duration_since(Instant::now());
        let gather = async {
            let mine_bytes = mine.to_bytes();
            // A peer that is down does not stop the others: its share is not needed. The
            // leader of a single-node decryption only collects.
            if combine == Combine::Everywhere {
                let sends = others
                    .iter()
                    .map(|validator| peers.send(validator, instance, 0, &mine_bytes));
                futures::future::join_all(sends).await;
            }
            let mut shares = vec![mine];
            let mut receives: futures::stream::FuturesUnordered<_> = others
                .iter()
                .map(|validator| peers.receive_within(instance, 0, validator, wait))
                .collect();
            while shares.len() < needed {
                let Some(received) = receives.next().await else {
                    break;
                };
                let share = received
                    .ok()
                    .and_then(|bytes| bytes.try_into().ok())
                    .and_then(|bytes| sigil_crypto::bls::SignatureShare::from_bytes(&bytes).ok());
                shares.extend(share);
            }
            shares
        };
        let shares = self.block_on(deadline, gather)?;
        if shares.len() < needed {
            return Err(format!(
                "the decryption: {} of the {needed} decryption shares needed arrived",
                shares.len()
            ));
        }
        let plaintext = sigil_crypto::bls::combine_and_decrypt(
            key.network_public_key(),
            identity.as_bytes(),
            &ciphertext,
            &shares,
            needed,
        )
        .map_err(|e| format!("Failed to decrypt and combine: {e}"))?;
        Ok(json!(String::from_utf8_lossy(&plaintext)))
    }

    /// `fetch`: the HTTP request the action describes, to any host (as Lit's nodes allow),
    /// within the run's time; the answer's body as base64, at most [`MAX_FETCH_BYTES`].
    fn fetch(&self, args: &Value, deadline: Instant) -> Result<Value, String> {
        let url = args["url"].as_str().ok_or("fetch needs a URL")?;
        let method =
            reqwest::Method::from_bytes(args["method"].as_str().unwrap_or("GET").as_bytes())
                .map_err(|_| "TypeError: not a valid HTTP method".to_owned())?;
        let mut request = self.http.request(method, url);
        for pair in args["headers"].as_array().into_iter().flatten() {
            if let (Some(name), Some(value)) = (pair[0].as_str(), pair[1].as_str()) {
                request = request.header(name, value);
            }
        }
        if let Some(body) = args["body"].as_str() {
            request = request.body(body.to_owned());
        }
        let failed = |e: reqwest::Error| format!("TypeError: fetch failed: {}", e.without_url());
        let answer = self.block_on(deadline, async move {
            let mut response = request.send().await.map_err(failed)?;
            let status = response.status();
            let url = response.url().to_string();
            let headers: Vec<Value> = response
                .headers()
                .iter()
                .filter_map(|(name, value)| Some(json!([name.as_str(), value.to_str().ok()?])))
                .collect();
            let mut body = Vec::new();
            while let Some(chunk) = response.chunk().await.map_err(failed)? {
                if body.len() + chunk.len() > MAX_FETCH_BYTES {
                    return Err(format!(
                        "TypeError: the answer is larger than {MAX_FETCH_BYTES} bytes"
                    ));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(json!({
                "url": url,
                "status": status.as_u16(),
                "statusText": status.canonical_reason().unwrap_or_default(),
                "headers": headers,
                "body": base64::engine::general_purpose::STANDARD.encode(body),
            }))
        })??;
        Ok(answer)
    }

    /// `signAndCombineEcdsa({toSign, publicKey, sigName})`: signs as `signEcdsa`, then every
    /// node sends its share to the others and combines the signing set's into the signature,
    /// returned as Lit's JSON text `{r, s, v}` (`r` the nonce point, compressed) and kept out
    /// of `signedData`.
    fn sign_and_combine_ecdsa(&self, args: &Value, deadline: Instant) -> Result<Value, String> {
        self.sign_ecdsa(args, false, deadline)?;
        let sig_name = args["sigName"].as_str().unwrap_or_default();
        let mine = self
            .signed_data
            .borrow_mut()
            .remove(sig_name)
            .ok_or("No signed data found")?;
        let instance = self.next_exchange(b"/sign-and-combine/", sig_name.as_bytes());
        let payload = serde_json::to_vec(&mine).map_err(|e| e.to_string())?;
        let received = self
            .exchange(instance, &payload, deadline)?
            .map_err(|e| format!("signAndCombineEcdsa: {e}"))?;
        let mut shares: Vec<ActionSignatureShare> = received
            .iter()
            .filter_map(|bytes| serde_json::from_slice(bytes).ok())
            .collect();
        shares.push(mine);
        shares.retain(|share| !share.signature_share.is_empty());
        let first = shares.first().ok_or("No shares found")?;
        let unhex = |text: &str| {
            sigil_wire::unquoted_hex(text).ok_or_else(|| "a share is not hex".to_owned())
        };
        let big_r = unhex(&first.big_r)?;
        let digest: [u8; 32] = unhex(&first.data_signed)?
            .try_into()
            .map_err(|_| "the hash signed is not 32 bytes".to_owned())?;
        let public_key = unhex(&first.public_key)?;
        let values = shares
            .iter()
            .map(|share| {
                unhex(&share.signature_share)?
                    .try_into()
                    .map_err(|_| "a share is not 32 bytes".to_owned())
            })
            .collect::<Result<Vec<[u8; 32]>, String>>()?;
        let combined =
            sigil_crypto::ecdsa::combine_signature_shares(&big_r, &values, &digest, &public_key)
                .map_err(|e| format!("signAndCombineEcdsa: {e}"))?;
        let rsv = json!({
            "r": hex::encode(&big_r),
            "s": hex::encode(combined.signature.s().to_bytes()),
            "v": u8::from(combined.recovery_id.is_y_odd()),
        });
        Ok(json!(rsv.to_string()))
    }

    /// `claimKey({keyId})`: this node's EIP-191 signature over `keccak256("<action CID>_<keyId>")`
    /// (the derived key id), into `claimData[keyId]`, as Lit's node makes it.
    fn claim_key(&self, args: &Value) -> Result<Value, String> {
        use alloy_signer::SignerSync;
        let key_id = args["keyId"].as_str().ok_or("keyId must be a string")?;
        let cid = self.current_cid();
        if cid.is_empty() {
            return Err("Could not find IPFS ID for this action, aborting claim operation".into());
        }
        let derived_key_id = keccak256(format!("{cid}_{key_id}"));
        let signature = self
            .state
            .peers()
            .node_wallet()
            .sign_message_sync(derived_key_id.as_slice())
            .map_err(|e| format!("Could not sign message: {e}"))?;
        self.claim_data.borrow_mut().insert(
            key_id.to_owned(),
            ActionClaim {
                signature: hex::encode(signature.as_bytes()),
                derived_key_id: hex::encode(derived_key_id),
            },
        );
        Ok(json!("success"))
    }

    /// `callContract({chain, txn})`: `eth_call` of the unsigned transaction `txn` (hex, as
    /// ethers' `serializeTransaction` writes it) on the chain the node names `chain`; the
    /// answer as `0x` hex.
    fn call_contract(&self, args: &Value, deadline: Instant) -> Result<Value, String> {
        let chain = args["chain"].as_str().ok_or("chain must be a string")?;
        let txn = args["txn"].as_str().ok_or("txn must be a hex string")?;
        let bytes = hex::decode(txn.strip_prefix("0x").unwrap_or(txn))
            .map_err(|_| "txn must be a hex string".to_owned())?;
        let call = crate::unsigned_tx::decode(&bytes)?;
        let answer = self
            .block_on(deadline, self.state.condition_reader.call(chain, call))?
            .map_err(|e| chain_failure(chain, e))?;
        Ok(json!(format!("0x{}", hex::encode(answer))))
    }

    /// `getLatestNonce({address, chain})`: the address's transaction count, `0x` hex.
    fn latest_nonce(&self, args: &Value, deadline: Instant) -> Result<Value, String> {
        let address: Address = args["address"]
            .as_str()
            .and_then(|text| text.parse().ok())
            .ok_or("address must be an Ethereum address")?;
        let chain = args["chain"].as_str().ok_or("chain must be a string")?;
        let count = self
            .block_on(
                deadline,
                self.state
                    .condition_reader
                    .transaction_count(chain, address),
            )?
            .map_err(|e| chain_failure(chain, e))?;
        Ok(json!(format!("{count:#x}")))
    }

    /// `encrypt({accessControlConditions, to_encrypt})`: the bytes encrypted to the conditions
    /// under the network key, as the SDK's `encrypt` does (`{ciphertext, dataToEncryptHash}`).
    fn encrypt(&self, args: &Value) -> Result<Value, String> {
        let set = unified_conditions(&args["accessControlConditions"])
            .map_err(|e| format!("Failed to encrypt: {e}"))?;
        let plaintext: Vec<u8> = serde_json::from_value(args["toEncrypt"].clone())
            .map_err(|_| "to_encrypt must be bytes".to_owned())?;
        let key = self.state.network_key().map_err(|e| e.to_string())?;
        let encrypted =
            sigil_crypto::bls::encrypt_for_conditions(key.network_public_key(), &set, &plaintext)
                .map_err(|e| format!("Failed to encrypt: {e}"))?;
        Ok(json!({
            "ciphertext": encrypted.ciphertext,
            "dataToEncryptHash": encrypted.data_to_encrypt_hash,
        }))
    }

    /// The RPC URL of a chain by Lit's name, or Lit's error text (returned, not thrown).
    fn rpc_url(&self, chain: &str) -> Value {
        match self.rpc_urls.get(chain) {
            Some(url) => json!(url),
            None => json!(format!(
                "Error getting RPC URL: no RPC URL is configured for chain {chain}"
            )),
        }
    }
}

/// The wallet an EIP-191 AuthSig an action passes proves: its signature must recover its
/// address, and a SIWE message must not have expired.
fn wallet_of(auth_sig: &Value, now: time::OffsetDateTime) -> Result<Address, String> {
    let auth_sig: sigil_wire::AuthSig = serde_json::from_value(auth_sig.clone())
        .map_err(|_| "authSig is not an AuthSig".to_owned())?;
    if auth_sig.algo.is_some() {
        return Err(
            "authSig must be a wallet's AuthSig (or left out for the session's user)".into(),
        );
    }
    let address: Address = auth_sig
        .address
        .parse()
        .map_err(|_| "the authSig's address is not an address".to_owned())?;
    sigil_auth::verify_eip191(&auth_sig.signed_message, &auth_sig.sig, address)
        .map_err(|e| format!("the authSig does not verify: {e}"))?;
    if let Ok(siwe) = auth_sig.signed_message.parse::<sigil_auth::SiweMessage>() {
        if siwe.expiration_time().is_some_and(|expiry| expiry <= now) {
            return Err("the authSig's SIWE message has expired".into());
        }
    }
    Ok(address)
}

/// Where a decryption inside an action is combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Combine {
    /// On every node (`decryptAndCombine`).
    Everywhere,
    /// At the `runOnce` leader only (`decryptToSingleNode`).
    AtTheLeader,
}

/// The `{name, value}` of a broadcast, both strings.
fn name_and_value(args: &Value) -> Result<(&str, &str), String> {
    let name = args["name"].as_str().ok_or("name must be a string")?;
    let value = args["value"].as_str().ok_or("value must be a string")?;
    Ok((name, value))
}

/// What a chain read an action asked for failed with, in words for the action.
fn chain_failure(chain: &str, error: ChainReadError) -> String {
    match error {
        ChainReadError::UnknownChain => format!("no RPC URL is configured for chain {chain}"),
        ChainReadError::Failed(reason)
        | ChainReadError::Action { reason, .. }
        | ChainReadError::PoapAnswer(reason)
        | ChainReadError::NotConfigured(reason) => reason,
        ChainReadError::RpcRefused { code, message } => {
            format!("the RPC answered error {code}: {message}")
        }
    }
}

/// Conditions an action passes: an array of unified conditions (plain EVM ones included, as
/// Lit's node reads them).
fn unified_conditions(value: &Value) -> Result<ConditionSet, String> {
    if !value.is_array() {
        return Err("the conditions must be an array".into());
    }
    ConditionSet::from_kind_text("unifiedAccessControlConditions", &value.to_string())
        .map_err(|e| e.to_string())
}

/// Lit requires a chain name with a condition check.
fn require_chain(args: &Value) -> Result<(), String> {
    match args["chain"].as_str() {
        Some(_) => Ok(()),
        None => Err("Chain is required for access control checks".into()),
    }
}
