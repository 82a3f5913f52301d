//! Access control conditions: the four kinds the JS SDK v7 sends, their canonical hash
//! (`hashOfConditions`), the identity a ciphertext is encrypted to, and their evaluation.
//!
//! The hash is SHA-256 over the text `JSON.stringify(conditions.map(canonicalFormatter))` gives
//! in `@lit-protocol/access-control-conditions` 7.4.0: whitelisted keys in a fixed order,
//! unknown keys dropped, `conditionType` dropped from unified conditions (which are told apart by
//! their shape, as Lit's node does), function ABIs reduced
//! to `{name, inputs[{name,type}], outputs[{name,type}], constant, stateMutability}`.
//!
//! ```
//! use sigil_crypto::conditions::{self, ConditionSet};
//!
//! let set = ConditionSet::from_document(r#"[{
//!     "contractAddress": "", "standardContractType": "", "chain": "ethereum", "method": "",
//!     "parameters": [":userAddress"],
//!     "returnValueTest": {"comparator": "=", "value": "0x50e2dac5e78B5905CB09495547452cEE64426db2"}
//! }]"#)?;
//! assert_eq!(set.hash_hex(), "c981800fce8d0cdf35decbd294806dfbd0c79fa19093f043cf7f6ec4ebcb43a8");
//! let data_hash = conditions::data_to_encrypt_hash(b"hello, session sigs");
//! assert_eq!(
//!     conditions::identity(&set.hash_hex(), &data_hash),
//!     "lit-accesscontrolcondition://c981800fce8d0cdf35decbd294806dfbd0c79fa19093f043cf7f6ec4ebcb43a8/40859d472d2df9eeab2e60498f867332ab2c3afae970757fc7642f7f8a34a160",
//! );
//! # Ok::<_, sigil_crypto::CryptoError>(())
//! ```

mod evaluate;
mod json;
mod model;
mod other_chains;

pub use evaluate::{
    ActionFailure, ChainAnswer, ChainRead, ChainReadError, ConditionEnv, Poap, Requester,
};
pub use json::{JsonValue, MAX_JSON_DEPTH, MAX_JSON_VALUES};
pub use model::{
    AbiParam, AccessControlCondition, BooleanOperator, ConditionItem, CosmosCondition,
    EvmContractCondition, FunctionAbi, ReturnValueTest, ReturnValueTestV2, SolPda, SolPdaInterface,
    SolRpcCondition, UnifiedCondition,
};
pub use other_chains::{
    ChainKind, Wallets, COSMOS_CHAINS, MAX_METAPLEX_NFTS, SOLANA_CHAINS, SOLANA_RPC_METHODS,
};

use crate::CryptoError;
use model::{write_list, Form};
use sha2::{Digest, Sha256};

/// Most leaf conditions in one request, as on Lit's nodes (`MAX_CONDITION_COUNT`).
pub const MAX_CONDITIONS: usize = 30;

/// Deepest nesting of condition groups (the top-level list is depth 1).
pub const MAX_GROUP_DEPTH: usize = 10;

/// Largest conditions document accepted as text, in bytes.
pub const MAX_DOCUMENT_BYTES: usize = 512 * 1024;

/// The prefix of the identity (and ReCap resource) of an encrypted item.
pub const IDENTITY_PREFIX: &str = "lit-accesscontrolcondition://";

/// The JSON keys of the four kinds, in the order a node looks for them.
pub const CONDITION_KEYS: [&str; 4] = [
    "accessControlConditions",
    "evmContractConditions",
    "solRpcConditions",
    "unifiedAccessControlConditions",
];

/// A parsed list of conditions of one kind.
///
/// Built by [`ConditionSet::from_request`], [`ConditionSet::from_request_str`] or
/// [`ConditionSet::from_document`], which enforce [`MAX_CONDITIONS`] and [`MAX_GROUP_DEPTH`].
#[derive(Clone, Debug, PartialEq)]
pub enum ConditionSet {
    /// `accessControlConditions`.
    AccessControl(Vec<ConditionItem<AccessControlCondition>>),
    /// `evmContractConditions`.
    EvmContract(Vec<ConditionItem<EvmContractCondition>>),
    /// `solRpcConditions`.
    SolRpc(Vec<ConditionItem<SolRpcCondition>>),
    /// `unifiedAccessControlConditions`.
    Unified(Vec<ConditionItem<UnifiedCondition>>),
}

impl ConditionSet {
    /// Reads the conditions of a request body (e.g. `/web/encryption/sign/`) as a node does: the
    /// first of [`CONDITION_KEYS`] that is present and not `null`. None present, or an empty
    /// array, is [`CryptoError::MissingConditions`].
    ///
    /// Object key order inside free-form parts (Solana `pdaInterface.fields`) is the order of
    /// the given `serde_json::Value`, which is sorted in this workspace; prefer
    /// [`ConditionSet::from_request_str`] when the raw body is at hand.
    pub fn from_request(request: &serde_json::Value) -> Result<ConditionSet, CryptoError> {
        let serde_json::Value::Object(map) = request else {
            return Err(CryptoError::MissingConditions);
        };
        for key in CONDITION_KEYS {
            match map.get(key) {
                None | Some(serde_json::Value::Null) => continue,
                // The array is one level inside the body, and its limits count it so.
                Some(value) => {
                    return Self::from_kind(key, &JsonValue::from_serde_at_depth(value, 1)?)
                }
            }
        }
        Err(CryptoError::MissingConditions)
    }

    /// Like [`ConditionSet::from_request`], from the raw JSON text of the request body (keeps
    /// object key order exactly as sent).
    pub fn from_request_str(request: &str) -> Result<ConditionSet, CryptoError> {
        if request.len() > MAX_DOCUMENT_BYTES {
            return Err(CryptoError::InputTooLarge {
                len: request.len(),
                max: MAX_DOCUMENT_BYTES,
            });
        }
        let value = JsonValue::parse(request)?;
        Self::from_object(&value)
    }

    /// Reads a conditions document as the CLI accepts it: an object with one of
    /// [`CONDITION_KEYS`], or a bare array, taken as `accessControlConditions`.
    pub fn from_document(document: &str) -> Result<ConditionSet, CryptoError> {
        if document.len() > MAX_DOCUMENT_BYTES {
            return Err(CryptoError::InputTooLarge {
                len: document.len(),
                max: MAX_DOCUMENT_BYTES,
            });
        }
        let value = JsonValue::parse(document)?;
        match value {
            JsonValue::Array(_) => Self::from_kind_text("accessControlConditions", document),
            _ => Self::from_object(&value),
        }
    }

    /// Parses the JSON text of one kind's array, named by its JSON key (one of
    /// [`CONDITION_KEYS`]), keeping object key order exactly as in the text: what a node does
    /// with the conditions of a request.
    pub fn from_kind_text(key: &str, conditions: &str) -> Result<ConditionSet, CryptoError> {
        if conditions.len() > MAX_DOCUMENT_BYTES {
            return Err(CryptoError::InputTooLarge {
                len: conditions.len(),
                max: MAX_DOCUMENT_BYTES,
            });
        }
        // Counted as inside the request body `{"<key>": [...]}`, where a node meets it.
        Self::from_kind(key, &JsonValue::parse_at_depth(conditions, 1)?)
    }

    /// Parses the array of one kind, named by its JSON key (one of [`CONDITION_KEYS`]).
    pub fn from_kind(key: &str, conditions: &JsonValue) -> Result<ConditionSet, CryptoError> {
        Ok(match key {
            "accessControlConditions" => ConditionSet::AccessControl(model::parse_list(
                conditions,
                key,
                &model::parse_access_control,
            )?),
            "evmContractConditions" => ConditionSet::EvmContract(model::parse_list(
                conditions,
                key,
                &model::parse_evm_contract,
            )?),
            "solRpcConditions" => {
                ConditionSet::SolRpc(model::parse_list(conditions, key, &|value, path| {
                    model::parse_sol_rpc(value, path, false)
                })?)
            }
            "unifiedAccessControlConditions" => {
                ConditionSet::Unified(model::parse_list(conditions, key, &model::parse_unified)?)
            }
            _ => return Err(CryptoError::MissingConditions),
        })
    }

    fn from_object(value: &JsonValue) -> Result<ConditionSet, CryptoError> {
        if !matches!(value, JsonValue::Object(_)) {
            return Err(CryptoError::MissingConditions);
        }
        for key in CONDITION_KEYS {
            match value.get(key) {
                None | Some(JsonValue::Null) => continue,
                Some(conditions) => return Self::from_kind(key, conditions),
            }
        }
        Err(CryptoError::MissingConditions)
    }

    /// The JSON key of this kind, e.g. `accessControlConditions`.
    pub fn json_key(&self) -> &'static str {
        match self {
            ConditionSet::AccessControl(_) => CONDITION_KEYS[0],
            ConditionSet::EvmContract(_) => CONDITION_KEYS[1],
            ConditionSet::SolRpc(_) => CONDITION_KEYS[2],
            ConditionSet::Unified(_) => CONDITION_KEYS[3],
        }
    }

    /// Number of leaf conditions, counted through groups (operators not counted).
    pub fn condition_count(&self) -> usize {
        match self {
            ConditionSet::AccessControl(items) => model::count_conditions(items),
            ConditionSet::EvmContract(items) => model::count_conditions(items),
            ConditionSet::SolRpc(items) => model::count_conditions(items),
            ConditionSet::Unified(items) => model::count_conditions(items),
        }
    }

    /// The exact text that is hashed, and the conditions array the JS SDK sends to nodes: what
    /// its `JSON.stringify` of the canonical conditions gives (no `conditionType`).
    pub fn canonical_json(&self) -> String {
        self.write(Form::Canonical)
    }

    /// The conditions array as a document the JS SDK takes as input (unified conditions carry
    /// their `conditionType`, which its formatters need), as JSON text in canonical key order.
    /// This is what `sigil encrypt` prints; nodes get [`ConditionSet::canonical_json`].
    pub fn to_json_string(&self) -> String {
        self.write(Form::Document)
    }

    /// [`ConditionSet::to_json_string`] as a JSON value. `serde_json::Value` sorts object keys,
    /// which changes the hash of free-form parts (Solana `pdaInterface.fields`, `params`).
    pub fn to_json(&self) -> serde_json::Value {
        // Our own writer produces valid JSON; parsing it back cannot fail.
        serde_json::from_str(&self.to_json_string()).unwrap_or(serde_json::Value::Null)
    }

    fn write(&self, form: Form) -> String {
        let mut out = String::new();
        match self {
            ConditionSet::AccessControl(items) => write_list(items, &mut out, form),
            ConditionSet::EvmContract(items) => write_list(items, &mut out, form),
            ConditionSet::SolRpc(items) => write_list(items, &mut out, form),
            ConditionSet::Unified(items) => write_list(items, &mut out, form),
        }
        out
    }

    /// `hashOfConditions`: SHA-256 of [`ConditionSet::canonical_json`].
    pub fn hash(&self) -> [u8; 32] {
        Sha256::digest(self.canonical_json().as_bytes()).into()
    }

    /// `hashOfConditions` as lowercase hex.
    pub fn hash_hex(&self) -> String {
        hex::encode(self.hash())
    }

    /// The identity for `data_to_encrypt_hash_hex` under these conditions.
    pub fn identity(&self, data_to_encrypt_hash_hex: &str) -> String {
        identity(&self.hash_hex(), data_to_encrypt_hash_hex)
    }

    /// Evaluates the conditions for the user in `env`, as Lit's node does.
    ///
    /// The boolean structure is checked first (`cond (op cond)*` in every group; a top-level
    /// list without any operator is AND-ed), then every condition is evaluated in order and the
    /// operators applied left to right. Supported without any chain call beyond `env`:
    /// signature-only conditions (`standardContractType` and `method` empty; `:userAddress` is
    /// compared as an address with `= > < >= <=`, anything else as a string with
    /// `= != > < >= <= contains !contains`), and every EVM condition Lit's node evaluates
    /// from the answers of [`ConditionSet::chain_reads`] (balances, token and PKP contract
    /// calls, any view function, timestamps, a Lit Action's answer, the user's POAPs).
    /// Unknown comparators are false, as on Lit's node. Solana and Cosmos conditions, and
    /// contract types Lit's node does not know, are [`CryptoError::UnsupportedCondition`],
    /// never `false`.
    ///
    /// Differences from Lit's node: the chain name is not checked against a list of configured
    /// chains, and the timestamp is the one chain's `env` knows.
    ///
    /// ```
    /// use alloy_primitives::{address, Address};
    /// use sigil_crypto::conditions::{ChainAnswer, ChainRead, ChainReadError, ConditionEnv, ConditionSet};
    ///
    /// // A node's view: the user, and the one chain it reads (whose latest block is at `.1`).
    /// struct Env(Address, u64);
    /// impl ConditionEnv for Env {
    ///     fn user_address(&self) -> Address { self.0 }
    ///     fn knows_chain(&self, chain: &str) -> bool { chain == "ethereum" }
    ///     fn chain_read(&self, read: &ChainRead) -> Result<ChainAnswer, ChainReadError> {
    ///         match read {
    ///             ChainRead::LatestBlockTimestamp { .. } => Ok(ChainAnswer::Word(alloy_primitives::U256::from(self.1))),
    ///             _ => Err(ChainReadError::Failed("not in this example".into())),
    ///         }
    ///     }
    /// }
    ///
    /// let set = ConditionSet::from_document(r#"[
    ///   {"contractAddress": "", "standardContractType": "", "chain": "ethereum", "method": "",
    ///    "parameters": [":userAddress"],
    ///    "returnValueTest": {"comparator": "=", "value": "0x50e2dac5e78b5905cb09495547452cee64426db2"}},
    ///   {"operator": "and"},
    ///   {"contractAddress": "", "standardContractType": "timestamp", "chain": "ethereum",
    ///    "method": "eth_getBlockByNumber", "parameters": ["latest"],
    ///    "returnValueTest": {"comparator": ">=", "value": "1735689600"}}
    /// ]"#)?;
    /// let user = address!("50e2dac5e78B5905CB09495547452cEE64426db2");
    /// assert!(set.evaluate(&Env(user, 1_735_689_600))?);
    /// assert!(!set.evaluate(&Env(user, 1_735_689_599))?);
    /// assert!(!set.evaluate(&Env(Address::ZERO, 1_735_689_600))?);
    /// # Ok::<_, sigil_crypto::CryptoError>(())
    /// ```
    pub fn evaluate(&self, env: &impl ConditionEnv) -> Result<bool, CryptoError> {
        let env: &dyn ConditionEnv = env;
        match self {
            ConditionSet::AccessControl(items) => {
                evaluate::evaluate_list(items, &|c| evaluate::evaluate_access_control(c, env))
            }
            ConditionSet::EvmContract(items) => evaluate::evaluate_list_with(
                items,
                &|c| evaluate::evaluate_evm_contract(c, env),
                evaluate::Fold::DecidingSideWins,
            ),
            ConditionSet::SolRpc(items) => {
                evaluate::evaluate_list(items, &|c| evaluate::evaluate_sol_rpc(c, env))
            }
            ConditionSet::Unified(items) => {
                evaluate::evaluate_list(items, &|c| evaluate::evaluate_unified(c, env))
            }
        }
    }

    /// Every chain read evaluating this set for `who` needs, each once, in order: what a node
    /// answers (concurrently, from its per-block cache) before [`ConditionSet::evaluate`].
    /// Conditions that read nothing (signature-only, `SIWE`) add none; a `LitAction`
    /// condition's read is a run of its action, a `POAP` one the POAP API's list. Solana and
    /// Cosmos conditions may need more reads once these are answered:
    /// [`ConditionSet::chain_reads_after`] says which.
    pub fn chain_reads(&self, who: &Requester<'_>) -> Result<Vec<ChainRead>, CryptoError> {
        self.chain_reads_after(who, &|_| None)
    }

    /// The reads evaluation needs given the answers so far (`answered` gives `None` for a read
    /// not made): those already answered again, and the ones their answers lead to (a Solana
    /// PDA's account before the call its field names; a user's token accounts before their
    /// metadata). A node asks again after each round of reads until nothing new is needed.
    /// A Solana or Cosmos condition that cannot be planned adds nothing here: evaluation
    /// reports its error.
    pub fn chain_reads_after(
        &self,
        who: &Requester<'_>,
        answered: &dyn Fn(&ChainRead) -> Option<Result<ChainAnswer, ChainReadError>>,
    ) -> Result<Vec<ChainRead>, CryptoError> {
        let ethereum = who.wallets.ethereum;
        let mut all = Vec::new();
        let add_step = |all: &mut Vec<ChainRead>, step| {
            if let Ok(other_chains::Step::Need(needed)) = step {
                all.extend(needed);
            }
        };
        match self {
            ConditionSet::AccessControl(items) if ethereum => {
                for condition in leaves(items) {
                    all.extend(evaluate::basic_read(condition, who)?);
                }
            }
            ConditionSet::EvmContract(items) if ethereum => {
                for condition in leaves(items) {
                    all.push(evaluate::contract_read(condition, who)?);
                }
            }
            ConditionSet::AccessControl(_) | ConditionSet::EvmContract(_) => {}
            ConditionSet::SolRpc(items) => {
                for condition in leaves(items) {
                    add_step(
                        &mut all,
                        other_chains::step_sol_rpc(condition, who, answered),
                    );
                }
            }
            ConditionSet::Unified(items) => {
                for condition in leaves(items) {
                    match condition {
                        UnifiedCondition::EvmBasic(c) if ethereum => {
                            all.extend(evaluate::basic_read(c, who)?);
                        }
                        UnifiedCondition::EvmContract(c) if ethereum => {
                            all.push(evaluate::contract_read(c, who)?);
                        }
                        UnifiedCondition::EvmBasic(_) | UnifiedCondition::EvmContract(_) => {}
                        UnifiedCondition::SolRpc(c) => {
                            add_step(&mut all, other_chains::step_sol_rpc(c, who, answered));
                        }
                        UnifiedCondition::Cosmos(c) => {
                            add_step(&mut all, other_chains::step_cosmos(c, who, answered));
                        }
                    }
                }
            }
        }
        let mut reads = Vec::with_capacity(all.len());
        for read in all {
            if !reads.contains(&read) {
                reads.push(read);
            }
        }
        Ok(reads)
    }
}

/// Every condition of a list, groups flattened, in order.
fn leaves<T>(items: &[ConditionItem<T>]) -> Vec<&T> {
    let mut out = Vec::new();
    for item in items {
        match item {
            ConditionItem::Condition(condition) => out.push(condition),
            ConditionItem::Group(group) => out.extend(leaves(group)),
            ConditionItem::Operator(_) => {}
        }
    }
    out
}

/// The identity (and ReCap resource) of an encrypted item:
/// `lit-accesscontrolcondition://<hashOfConditions>/<dataToEncryptHash>`.
pub fn identity(hash_of_conditions_hex: &str, data_to_encrypt_hash_hex: &str) -> String {
    format!("{IDENTITY_PREFIX}{hash_of_conditions_hex}/{data_to_encrypt_hash_hex}")
}

/// `dataToEncryptHash`: lowercase hex SHA-256 of the plaintext.
pub fn data_to_encrypt_hash(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}
