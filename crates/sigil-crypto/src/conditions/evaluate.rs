//! Evaluation of conditions, as Lit's Datil node does it (`lit-node/src/access_control/`).
//!
//! Evaluation is pure: what a condition reads from a chain is a [`ChainRead`], which the node
//! answers (concurrently, cached per block) before it evaluates, through [`ConditionEnv`].
//! [`super::ConditionSet::chain_reads`] lists the reads a set needs; the same functions plan a
//! leaf's read for both.

use super::model::{
    AccessControlCondition, BooleanOperator, ConditionItem, CosmosCondition, EvmContractCondition,
    SolRpcCondition, UnifiedCondition,
};
use super::other_chains::{self, Step, Wallets};
use crate::CryptoError;
use alloy_dyn_abi::{DynSolType, DynSolValue, FunctionExt, JsonAbiExt};
use alloy_primitives::{Address, Bytes, U256};
use alloy_sol_types::SolCall;

/// A chain read a condition needs.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ChainRead {
    /// The native balance of `address` at the latest block (`eth_getBalance`).
    Balance {
        /// The chain's Lit name.
        chain: String,
        /// Whose balance.
        address: Address,
    },
    /// A view call at the latest block (`eth_call`, no sender).
    Call {
        /// The chain's Lit name.
        chain: String,
        /// The contract.
        to: Address,
        /// Selector and arguments.
        data: Bytes,
    },
    /// The latest block's timestamp.
    LatestBlockTimestamp {
        /// The chain's Lit name.
        chain: String,
    },
    /// A `LitAction` condition's answer: the Lit Action stored under `ipfs_id` is run, then its
    /// function `method` is awaited with `params`, and what it returns, as a string, is the
    /// answer. Not a chain read, but answered with them, before evaluation.
    LitAction {
        /// The condition's chain (which must be known, as on Lit's node).
        chain: String,
        /// The action's IPFS CID (the condition's `contractAddress` without `ipfs://`).
        ipfs_id: String,
        /// The function the action defines.
        method: String,
        /// Its arguments, after substitution, each passed as a string.
        params: Vec<String>,
    },
    /// The POAPs `owner` holds, from the POAP API (a `POAP` condition).
    Poaps {
        /// The condition's chain.
        chain: String,
        /// Whose POAPs: the requesting user.
        owner: Address,
    },
    /// A Solana JSON-RPC call; its answer is the call's `result` ([`ChainAnswer::Json`]).
    SolanaRpc {
        /// The chain's Lit name (`solana`, `solanaDevnet`, `solanaTestnet`).
        chain: String,
        /// The RPC method.
        method: String,
        /// Its params, as JSON text.
        params: String,
    },
    /// A GET of a path of a Cosmos chain's REST (LCD) endpoint; its answer is the body as text
    /// ([`ChainAnswer::Text`]), whatever the status, as Lit's node reads it.
    CosmosRest {
        /// The chain's Lit name (`cosmos`, `kyve`, `cheqdMainnet`, ...).
        chain: String,
        /// The path, with its query, after the endpoint's URL.
        path: String,
    },
}

impl ChainRead {
    /// The chain's Lit name.
    pub fn chain(&self) -> &str {
        match self {
            ChainRead::Balance { chain, .. }
            | ChainRead::Call { chain, .. }
            | ChainRead::LatestBlockTimestamp { chain }
            | ChainRead::LitAction { chain, .. }
            | ChainRead::Poaps { chain, .. }
            | ChainRead::SolanaRpc { chain, .. }
            | ChainRead::CosmosRest { chain, .. } => chain,
        }
    }
}

/// What a [`ChainRead`] returned: a number (balance, timestamp), a call's output, an action's
/// answer or a REST body, a list of POAPs, or a Solana call's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainAnswer {
    /// A balance or a timestamp.
    Word(U256),
    /// A call's return data.
    Output(Bytes),
    /// What a `LitAction` condition's function returned, as a string.
    Text(String),
    /// The POAPs a user holds.
    Poaps(Vec<Poap>),
    /// A Solana call's `result`.
    Json(serde_json::Value),
}

/// One POAP, as a `POAP` condition tests it: the event it was issued for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Poap {
    /// The event's id.
    pub event_id: u64,
    /// The event's name.
    pub event_name: String,
}

/// Why a [`ChainRead`] has no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainReadError {
    /// The node has no RPC for the chain.
    UnknownChain,
    /// The RPC failed, timed out, or the call reverted.
    Failed(String),
    /// A `LitAction` condition's action did not finish with an answer.
    Action {
        /// How it stopped.
        failure: ActionFailure,
        /// Its error, as the action's run reports it.
        reason: String,
    },
    /// The POAP API answered something that is not its list of POAPs.
    PoapAnswer(String),
    /// The node is not set up for this kind of read (e.g. no POAP API key): what is missing.
    NotConfigured(String),
    /// A JSON-RPC server answered the call with an error (a Solana condition tells some apart).
    RpcRefused {
        /// Its `code`.
        code: i64,
        /// Its `message`.
        message: String,
    },
}

/// How a `LitAction` condition's action stopped without an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionFailure {
    /// It threw, or could not be fetched or run.
    Execution,
    /// It ran out of time.
    Timeout,
    /// It ran out of memory.
    MemoryLimit,
}

/// What a node knows when it evaluates conditions: who is asking, which chains it can read, and
/// the answers to the reads the conditions need.
pub trait ConditionEnv {
    /// The address the session signature (or auth sig) proved, substituted for `:userAddress`.
    fn user_address(&self) -> Address;
    /// Whether the node has an RPC for `chain`: every condition's chain must be known, as on
    /// Lit's node, even one that reads nothing.
    fn knows_chain(&self, chain: &str) -> bool;
    /// The answer to `read`.
    fn chain_read(&self, read: &ChainRead) -> Result<ChainAnswer, ChainReadError>;
    /// The `domain` of the wallet's SIWE message that granted the session (`SIWE` conditions
    /// compare it); empty when unknown.
    fn siwe_domain(&self) -> &str {
        ""
    }
    /// That message's resources (where `SIWE` conditions and `:litParam:` parameters look).
    fn siwe_resources(&self) -> &[String] {
        &[]
    }
    /// The IPFS CID of the Lit Action evaluating the conditions (`:currentActionIpfsId`); empty
    /// outside an action.
    fn current_action_ipfs_id(&self) -> &str {
        ""
    }
    /// The wallets the request proved, per chain family: an Ethereum one (the user) alone
    /// unless the request carried Solana or Cosmos AuthSigs.
    fn wallets(&self) -> &Wallets {
        &Wallets::ETHEREUM
    }
}

/// Who asks, as conditions substitute it: `:userAddress`, and the resources of the SIWE message
/// that granted the session for `:litParam:<name>`.
#[derive(Debug, Clone, Copy)]
pub struct Requester<'a> {
    /// The user's address.
    pub user: Address,
    /// The granting SIWE message's resources.
    pub siwe_resources: &'a [String],
    /// The running Lit Action's IPFS CID; empty outside an action.
    pub current_action_ipfs_id: &'a str,
    /// The wallets the request proved: Solana and Cosmos conditions are evaluated for theirs.
    pub wallets: &'a Wallets,
}

impl<'a> Requester<'a> {
    fn of(env: &'a dyn ConditionEnv) -> Self {
        Requester {
            user: env.user_address(),
            siwe_resources: env.siwe_resources(),
            current_action_ipfs_id: env.current_action_ipfs_id(),
            wallets: env.wallets(),
        }
    }

    /// [`Requester::substitute`] for a condition of another chain's wallet, whose address
    /// (`user`) is what `:userAddress` stands for.
    pub(crate) fn substitute_as(&self, param: &str, user: &str) -> Result<String, CryptoError> {
        if param == ":userAddress" {
            return Ok(user.to_owned());
        }
        self.substitute(param)
    }

    /// Lit's special parameters, each only as a whole parameter: `:userAddress`;
    /// `:currentActionIpfsId` (the running Lit Action's CID, empty outside one); `:litParam:<name>`, the base64url
    /// text after `litParam:<name>:` in a SIWE resource (the parameter as written when none
    /// matches; every resource must have at least three `:`-separated parts, as Lit requires).
    fn substitute(&self, param: &str) -> Result<String, CryptoError> {
        if param == ":userAddress" {
            return Ok(self.user.to_string());
        }
        if param == ":currentActionIpfsId" {
            return Ok(self.current_action_ipfs_id.to_owned());
        }
        let Some(wanted) = param
            .strip_prefix(':')
            .filter(|p| p.starts_with("litParam"))
        else {
            return Ok(param.to_owned());
        };
        for resource in self.siwe_resources {
            let mut parts = resource.splitn(3, ':');
            let (Some(scheme), Some(name), Some(rest)) = (parts.next(), parts.next(), parts.next())
            else {
                return Err(CryptoError::InvalidSiweResource {
                    resource: resource.clone(),
                });
            };
            if format!("{scheme}:{name}") == wanted {
                use base64::Engine;
                let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .decode(rest)
                    .map_err(|_| CryptoError::InvalidSiweResource {
                        resource: resource.clone(),
                    })?;
                return String::from_utf8(bytes).map_err(|_| CryptoError::InvalidSiweResource {
                    resource: resource.clone(),
                });
            }
        }
        Ok(param.to_owned())
    }
}

/// Evaluates one kind's list: check the boolean structure of the whole tree first (Lit refuses
/// a malformed expression before it evaluates anything), then every item in order (an error in
/// any condition is the result, as on Lit's node: no short-circuit), then fold the operators
/// left to right.
pub(crate) fn evaluate_list<T>(
    items: &[ConditionItem<T>],
    eval_leaf: &dyn Fn(&T) -> Result<bool, CryptoError>,
) -> Result<bool, CryptoError> {
    evaluate_list_with(items, eval_leaf, Fold::FirstErrorAborts)
}

/// How a group's results combine.
#[derive(Clone, Copy)]
pub(crate) enum Fold {
    /// `accessControlConditions` and unified lists: the first error is the result.
    FirstErrorAborts,
    /// `evmContractConditions`: Lit runs both sides of an operator at once and lets a side that
    /// decides alone win: `false` for `and`, `true` for `or`, even over an error on the other
    /// side. (Lit takes whichever side finishes first; here the deciding value always wins,
    /// so the outcome does not depend on timing.)
    DecidingSideWins,
}

pub(crate) fn evaluate_list_with<T>(
    items: &[ConditionItem<T>],
    eval_leaf: &dyn Fn(&T) -> Result<bool, CryptoError>,
    fold: Fold,
) -> Result<bool, CryptoError> {
    // Lit's node: a top-level list without any operator (anywhere) is AND-ed; nested groups are
    // not, so a group of two conditions without an operator is a malformed expression there.
    let items: Vec<ConditionItem<&T>> = if items.len() >= 2 && !has_operator(items) {
        insert_ands(items)
    } else {
        items.iter().map(borrow_item).collect()
    };
    if !is_valid_expression(&items) {
        return Err(CryptoError::InvalidBooleanExpression);
    }
    evaluate_group(&items, eval_leaf, fold)
}

fn has_operator<T>(items: &[ConditionItem<T>]) -> bool {
    items.iter().any(|item| match item {
        ConditionItem::Operator(_) => true,
        ConditionItem::Group(group) => has_operator(group),
        ConditionItem::Condition(_) => false,
    })
}

fn insert_ands<T>(items: &[ConditionItem<T>]) -> Vec<ConditionItem<&T>> {
    let mut out = Vec::with_capacity(items.len() * 2);
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(ConditionItem::Operator(BooleanOperator::And));
        }
        out.push(borrow_item(item));
    }
    out
}

fn borrow_item<T>(item: &ConditionItem<T>) -> ConditionItem<&T> {
    match item {
        ConditionItem::Condition(c) => ConditionItem::Condition(c),
        ConditionItem::Operator(op) => ConditionItem::Operator(*op),
        ConditionItem::Group(group) => {
            ConditionItem::Group(group.iter().map(borrow_item).collect())
        }
    }
}

/// `cond (op cond)*`, where a cond may be a group that is itself valid. Empty is invalid.
fn is_valid_expression<T>(items: &[ConditionItem<T>]) -> bool {
    let mut expect_operand = true;
    for item in items {
        match (expect_operand, item) {
            (true, ConditionItem::Operator(_)) | (false, ConditionItem::Condition(_)) => {
                return false
            }
            (false, ConditionItem::Group(_)) => return false,
            (true, ConditionItem::Group(group)) => {
                if !is_valid_expression(group) {
                    return false;
                }
                expect_operand = false;
            }
            (true, ConditionItem::Condition(_)) => expect_operand = false,
            (false, ConditionItem::Operator(_)) => expect_operand = true,
        }
    }
    !expect_operand
}

fn evaluate_group<T>(
    items: &[ConditionItem<&T>],
    eval_leaf: &dyn Fn(&T) -> Result<bool, CryptoError>,
    fold: Fold,
) -> Result<bool, CryptoError> {
    let mut results = Vec::with_capacity(items.len() / 2 + 1);
    let mut operators = Vec::with_capacity(items.len() / 2);
    for item in items {
        let result = match item {
            ConditionItem::Condition(c) => eval_leaf(c),
            ConditionItem::Operator(op) => {
                operators.push(*op);
                continue;
            }
            ConditionItem::Group(group) => evaluate_group(group, eval_leaf, fold),
        };
        match fold {
            Fold::FirstErrorAborts => results.push(Ok(result?)),
            Fold::DecidingSideWins => results.push(result),
        }
    }
    let mut results = results.into_iter();
    let Some(mut acc) = results.next() else {
        return Err(CryptoError::InvalidBooleanExpression);
    };
    if operators.len() != results.len() {
        return Err(CryptoError::InvalidBooleanExpression);
    }
    for (op, next) in operators.into_iter().zip(results) {
        acc = match (op, acc, next) {
            (BooleanOperator::And, Ok(false), _) | (BooleanOperator::And, _, Ok(false)) => {
                Ok(false)
            }
            (BooleanOperator::Or, Ok(true), _) | (BooleanOperator::Or, _, Ok(true)) => Ok(true),
            (_, Err(error), _) | (_, _, Err(error)) => Err(error),
            (BooleanOperator::And, Ok(a), Ok(b)) => Ok(a && b),
            (BooleanOperator::Or, Ok(a), Ok(b)) => Ok(a || b),
        };
    }
    acc
}

/// One `accessControlConditions` (evmBasic) condition.
pub(crate) fn evaluate_access_control(
    condition: &AccessControlCondition,
    env: &dyn ConditionEnv,
) -> Result<bool, CryptoError> {
    require_ethereum_wallet(env, "JsonAccessControlCondition")?;
    require_chain(env, &condition.chain)?;
    let (read, test) = match plan_basic(condition, &Requester::of(env))? {
        BasicPlan::Decided(result) => return Ok(result),
        BasicPlan::SignatureOnly => return evaluate_signature_only(condition, env),
        BasicPlan::Siwe => return Ok(evaluate_siwe(condition, env)),
        BasicPlan::Read(read, test) => (read, test),
    };
    let answer = answer(env, &read, false)?;
    let comparator = condition.return_value_test.comparator.as_str();
    let expected = condition.return_value_test.value.as_str();
    match test {
        BasicTest::Uint => {
            let actual = match answer {
                ChainAnswer::Word(word) => word,
                ChainAnswer::Output(output) => decode_word(&output, read.chain())?,
                ChainAnswer::Text(_) | ChainAnswer::Poaps(_) | ChainAnswer::Json(_) => {
                    return Err(CryptoError::TokenEncodingDecoding {
                        reason: "a number was read, not a string".to_owned(),
                    })
                }
            };
            Ok(compare_ordered(
                &actual,
                comparator,
                &parse_dec_u256(expected)?,
                true,
            ))
        }
        BasicTest::Owner => {
            let owner = decode_output::<ierc721::ownerOfCall>(&answer)?;
            let expected = parse_address(&substitute(expected, env)?)?;
            // Lit compares addresses with = > < >= <= only.
            Ok(compare_ordered(&owner, comparator, &expected, false))
        }
        BasicTest::AnyUint => {
            let balances = decode_output::<ierc1155::balanceOfBatchCall>(&answer)?;
            // Lit: true if any balance passes; an unreadable expected value passes none.
            let Ok(expected) = parse_dec_u256(expected) else {
                return Ok(false);
            };
            Ok(balances
                .iter()
                .any(|balance| compare_ordered(balance, comparator, &expected, true)))
        }
        BasicTest::Bool => {
            let actual = match &read {
                ChainRead::Call { data, .. }
                    if data.starts_with(&ipkp_permissions::isPermittedActionCall::SELECTOR) =>
                {
                    decode_output::<ipkp_permissions::isPermittedActionCall>(&answer)?
                }
                ChainRead::Call { data, .. }
                    if data.starts_with(&ipkp_permissions::isPermittedAddressCall::SELECTOR) =>
                {
                    decode_output::<ipkp_permissions::isPermittedAddressCall>(&answer)?
                }
                _ => decode_output::<iproof_of_humanity::isRegisteredCall>(&answer)?,
            };
            Ok(compare_bool(actual, comparator, expected))
        }
        BasicTest::MolochMember => {
            let member = decode_output::<imoloch::membersCall>(&answer)?;
            Ok(member.exists && member.jailed.is_zero())
        }
        BasicTest::CreatonSubscriber => {
            Ok(decode_output::<icreaton::subscribersCall>(&answer)? == 1)
        }
        BasicTest::Text => match answer {
            ChainAnswer::Text(text) => Ok(compare_strings(&text, comparator, expected)),
            _ => Err(CryptoError::TokenEncodingDecoding {
                reason: "an action's answer is a string".to_owned(),
            }),
        },
        BasicTest::PoapEventName | BasicTest::PoapEventId => {
            let ChainAnswer::Poaps(poaps) = answer else {
                return Err(CryptoError::PoapAnswer {
                    reason: "not a list of POAPs".to_owned(),
                });
            };
            // Lit: true if any POAP's event passes; names take `=` and `contains`, ids `=`.
            Ok(poaps.iter().any(|poap| match (&test, comparator) {
                (BasicTest::PoapEventName, "=") => poap.event_name == expected,
                (BasicTest::PoapEventName, "contains") => poap.event_name.contains(expected),
                (BasicTest::PoapEventId, "=") => poap.event_id.to_string() == expected,
                _ => false,
            }))
        }
    }
}

/// What an evmBasic condition needs from the chain.
enum BasicPlan {
    /// Decided without reading (a type or method Lit answers `false` for).
    Decided(bool),
    /// The signature-only check: `parameters[0]` against the value.
    SignatureOnly,
    /// A `SIWE` condition: the granting SIWE message's domain or resources.
    Siwe,
    /// One read, then a test of its answer.
    Read(ChainRead, BasicTest),
}

/// How an evmBasic condition's answer is tested.
enum BasicTest {
    /// A uint256 (a balance, a timestamp) against a decimal value.
    Uint,
    /// ERC-721 `ownerOf`: an address against the (substituted) value.
    Owner,
    /// ERC-1155 `balanceOfBatch`: any of the balances.
    AnyUint,
    /// A bool against `"true"`/anything else.
    Bool,
    /// Moloch `members`: a member that exists and is not jailed (the value is not looked at).
    MolochMember,
    /// Creaton `subscribers`: status 1 (the value is not looked at).
    CreatonSubscriber,
    /// A Lit Action's answer, compared as a string.
    Text,
    /// The name of the event of any of the user's POAPs.
    PoapEventName,
    /// The id of the event of any of the user's POAPs.
    PoapEventId,
}

// The fixed ABIs Lit's node calls for the standard contract types.
alloy_sol_types::sol! {
    interface ierc20 {
        function balanceOf(address account) external view returns (uint256);
    }
    interface ierc721 {
        function ownerOf(uint256 tokenId) external view returns (address);
        function balanceOf(address owner) external view returns (uint256);
    }
    interface ierc1155 {
        function balanceOf(address account, uint256 id) external view returns (uint256);
        function balanceOfBatch(address[] accounts, uint256[] ids) external view returns (uint256[]);
    }
    interface ipkp_permissions {
        function isPermittedAction(uint256 tokenId, bytes ipfsCID) external view returns (bool);
        function isPermittedAddress(uint256 tokenId, address user) external view returns (bool);
    }
    interface iproof_of_humanity {
        function isRegistered(address submissionID) external view returns (bool);
    }
    interface imoloch {
        function members(address member) external view returns (
            address delegateKey, uint256 shares, uint256 loot, bool exists,
            uint256 highestIndexYesVote, uint256 jailed
        );
    }
    interface icreaton {
        function subscribers(address subscriber) external view returns (uint8);
    }
    interface icask {
        function getActiveSubscriptionCount(address consumer, address provider, uint32 planId)
            external view returns (uint256);
    }
}

/// The read an evmBasic condition needs, if any.
fn plan_basic(
    condition: &AccessControlCondition,
    who: &Requester<'_>,
) -> Result<BasicPlan, CryptoError> {
    let user = who.user;
    let chain = condition.chain.clone();
    let param = |index: usize| -> Result<&str, CryptoError> {
        condition
            .parameters
            .get(index)
            .map(String::as_str)
            .ok_or_else(|| CryptoError::InvalidCondition {
                path: format!("parameters[{index}]"),
                reason: "the method needs this parameter",
            })
    };
    let address_param = |index: usize| -> Result<Address, CryptoError> {
        parse_address(&who.substitute(param(index)?)?)
    };
    let call = |data: Vec<u8>| -> Result<ChainRead, CryptoError> {
        Ok(ChainRead::Call {
            chain: chain.clone(),
            to: parse_address(&condition.contract_address)?,
            data: data.into(),
        })
    };
    let method = condition.method.as_str();
    let plan = match condition.standard_contract_type.as_str() {
        "" => match method {
            "" => BasicPlan::SignatureOnly,
            "eth_getBalance" => BasicPlan::Read(
                ChainRead::Balance {
                    chain: chain.clone(),
                    address: address_param(0)?,
                },
                BasicTest::Uint,
            ),
            // Lit answers any other method with no contract type `false`.
            _ => BasicPlan::Decided(false),
        },
        "SIWE" => BasicPlan::Siwe,
        "LitAction" => BasicPlan::Read(
            ChainRead::LitAction {
                chain: chain.clone(),
                ipfs_id: condition.contract_address.replace("ipfs://", ""),
                method: condition.method.clone(),
                params: condition
                    .parameters
                    .iter()
                    .map(|param| who.substitute(param))
                    .collect::<Result<_, _>>()?,
            },
            BasicTest::Text,
        ),
        // The requesting user's POAPs, whatever the parameters say, as on Lit's node.
        "POAP" if method == "tokenURI" || method == "eventId" => BasicPlan::Read(
            ChainRead::Poaps {
                chain: chain.clone(),
                owner: user,
            },
            if method == "tokenURI" {
                BasicTest::PoapEventName
            } else {
                BasicTest::PoapEventId
            },
        ),
        "POAP" => BasicPlan::Decided(false),
        "timestamp" => BasicPlan::Read(
            ChainRead::LatestBlockTimestamp {
                chain: chain.clone(),
            },
            BasicTest::Uint,
        ),
        "ERC20" if method == "balanceOf" => BasicPlan::Read(
            call(ierc20::balanceOfCall::new((address_param(0)?,)).abi_encode())?,
            BasicTest::Uint,
        ),
        "ERC721" if method == "ownerOf" => BasicPlan::Read(
            call(ierc721::ownerOfCall::new((parse_dec_u256(param(0)?)?,)).abi_encode())?,
            BasicTest::Owner,
        ),
        "ERC721" if method == "balanceOf" => BasicPlan::Read(
            call(ierc721::balanceOfCall::new((address_param(0)?,)).abi_encode())?,
            BasicTest::Uint,
        ),
        "ERC1155" if method == "balanceOf" => BasicPlan::Read(
            call(
                ierc1155::balanceOfCall::new((address_param(0)?, parse_u256(param(1)?)?))
                    .abi_encode(),
            )?,
            BasicTest::Uint,
        ),
        "ERC1155" if method == "balanceOfBatch" => {
            // Comma-separated lists, items not trimmed, as Lit splits them.
            let accounts = param(0)?
                .split(',')
                .map(|account| parse_address(&who.substitute(account)?))
                .collect::<Result<Vec<_>, _>>()?;
            let ids = param(1)?
                .split(',')
                .map(parse_dec_u256)
                .collect::<Result<Vec<_>, _>>()?;
            if accounts.len() != ids.len() {
                return Ok(BasicPlan::Decided(false));
            }
            BasicPlan::Read(
                call(ierc1155::balanceOfBatchCall::new((accounts, ids)).abi_encode())?,
                BasicTest::AnyUint,
            )
        }
        "PKPPermissions" if method == "isPermittedAction" => {
            let cid = param(1)?;
            let cid = hex::decode(cid.strip_prefix("0x").unwrap_or(cid)).map_err(|_| {
                CryptoError::InvalidCondition {
                    path: "parameters[1]".to_owned(),
                    reason: "isPermittedAction takes the action's IPFS id as hex bytes",
                }
            })?;
            BasicPlan::Read(
                call(
                    ipkp_permissions::isPermittedActionCall::new((
                        parse_u256(param(0)?)?,
                        cid.into(),
                    ))
                    .abi_encode(),
                )?,
                BasicTest::Bool,
            )
        }
        // Lit asks about the requesting user, whatever parameters[1] says.
        "PKPPermissions" if method == "isPermittedAddress" => BasicPlan::Read(
            call(
                ipkp_permissions::isPermittedAddressCall::new((parse_u256(param(0)?)?, user))
                    .abi_encode(),
            )?,
            BasicTest::Bool,
        ),
        "MolochDAOv2.1" if method == "members" => BasicPlan::Read(
            call(imoloch::membersCall::new((address_param(0)?,)).abi_encode())?,
            BasicTest::MolochMember,
        ),
        "Creaton" if method == "subscribers" => BasicPlan::Read(
            call(icreaton::subscribersCall::new((address_param(0)?,)).abi_encode())?,
            BasicTest::CreatonSubscriber,
        ),
        "CASK" if method == "getActiveSubscriptionCount" => {
            let plan_id = param(2)?
                .parse::<u32>()
                .map_err(|_| CryptoError::InvalidCondition {
                    path: "parameters[2]".to_owned(),
                    reason: "the plan id is a decimal uint32",
                })?;
            BasicPlan::Read(
                call(
                    icask::getActiveSubscriptionCountCall::new((
                        address_param(0)?,
                        address_param(1)?,
                        plan_id,
                    ))
                    .abi_encode(),
                )?,
                BasicTest::Uint,
            )
        }
        "ProofOfHumanity" if method == "isRegistered" => BasicPlan::Read(
            call(iproof_of_humanity::isRegisteredCall::new((address_param(0)?,)).abi_encode())?,
            BasicTest::Bool,
        ),
        // Lit's node has no call for ERC721MetadataName (its ERC-721 ABI lacks `name`), and
        // answers methods it does not know for a contract type it knows `false`.
        "ERC20" | "ERC721" | "ERC1155" | "PKPPermissions" | "ProofOfHumanity"
        | "ERC721MetadataName" | "MolochDAOv2.1" | "Creaton" | "CASK" => BasicPlan::Decided(false),
        other => {
            return Err(CryptoError::UnsupportedCondition {
                kind: format!("standardContractType {other:?}"),
            })
        }
    };
    Ok(plan)
}

/// The signature-only check: `parameters[0]` after substitution against the value.
fn evaluate_signature_only(
    condition: &AccessControlCondition,
    env: &dyn ConditionEnv,
) -> Result<bool, CryptoError> {
    let comparator = condition.return_value_test.comparator.as_str();
    let Some(param) = condition.parameters.first() else {
        return Err(CryptoError::InvalidCondition {
            path: "parameters".to_owned(),
            reason: "a signature-only condition needs parameters[0]",
        });
    };
    let subbed = substitute(param, env)?;
    if param == ":userAddress" {
        let user = env.user_address();
        let expected = parse_address(&substitute(&condition.return_value_test.value, env)?)?;
        // Lit compares addresses with = > < >= <= only; other comparators are false.
        Ok(compare_ordered(&user, comparator, &expected, false))
    } else {
        Ok(compare_strings(
            &subbed,
            comparator,
            &condition.return_value_test.value,
        ))
    }
}

/// A `SIWE` condition, as Lit's node checks it: `:domain` compares the granting SIWE message's
/// domain as a string; `:resources` asks whether its resources (do not) contain the value.
fn evaluate_siwe(condition: &AccessControlCondition, env: &dyn ConditionEnv) -> bool {
    let test = &condition.return_value_test;
    match condition.parameters.first().map(String::as_str) {
        Some(":domain") => compare_strings(env.siwe_domain(), &test.comparator, &test.value),
        Some(":resources") => {
            let contains = env.siwe_resources().contains(&test.value);
            match test.comparator.as_str() {
                "contains" => contains,
                "!contains" => !contains,
                _ => false,
            }
        }
        _ => false,
    }
}

/// One `evmContractConditions` condition: any view function, from the ABI it gives.
pub(crate) fn evaluate_evm_contract(
    condition: &EvmContractCondition,
    env: &dyn ConditionEnv,
) -> Result<bool, CryptoError> {
    require_ethereum_wallet(env, "EVMContractCondition")?;
    require_chain(env, &condition.chain)?;
    let (read, function) = plan_contract(condition, &Requester::of(env))?;
    let ChainAnswer::Output(output) = answer(env, &read, true)? else {
        return Err(CryptoError::TokenEncodingDecoding {
            reason: "a call answered with a number".to_owned(),
        });
    };
    let outputs =
        function
            .abi_decode_output(&output)
            .map_err(|e| CryptoError::TokenEncodingDecoding {
                reason: e.to_string(),
            })?;
    let test = &condition.return_value_test;
    let key = test.key.as_str();
    // An empty key is the first output; otherwise the output of that name, or (Sigil's
    // addition, for unnamed outputs) of that index.
    let position = if key.is_empty() {
        Some(0)
    } else {
        function
            .outputs
            .iter()
            .position(|output| output.name == key)
            .or_else(|| key.parse::<usize>().ok())
    };
    let value = position
        .and_then(|index| outputs.get(index))
        .ok_or_else(|| CryptoError::InvalidConditionTokenType {
            key: key.to_owned(),
            reason: "no output has this name or index".to_owned(),
        })?;
    let comparator = test.comparator.as_str();
    match value {
        DynSolValue::Bool(actual) => {
            let actual = *actual;
            let expected: bool =
                test.value
                    .parse()
                    .map_err(|_| CryptoError::InvalidReturnValue {
                        value: test.value.clone(),
                    })?;
            Ok(compare_ordered(&actual, comparator, &expected, true))
        }
        DynSolValue::Uint(actual, _) => Ok(compare_ordered(
            actual,
            comparator,
            &parse_dec_u256(&test.value)?,
            true,
        )),
        DynSolValue::Address(actual) => Ok(compare_ordered(
            actual,
            comparator,
            &parse_address(&substitute(&test.value, env)?)?,
            true,
        )),
        // Lit's string test has `contains` but no `!contains`.
        DynSolValue::String(_) if comparator == "!contains" => Ok(false),
        DynSolValue::String(actual) => Ok(compare_strings(actual, comparator, &test.value)),
        other => Err(CryptoError::InvalidConditionTokenType {
            key: key.to_owned(),
            reason: format!(
                "a {} output cannot be compared",
                other
                    .as_type()
                    .map_or_else(|| "tuple".to_owned(), |ty| ty.sol_type_name().into_owned())
            ),
        }),
    }
}

/// The call an `evmContractConditions` condition makes, and the function to decode it with.
fn plan_contract(
    condition: &EvmContractCondition,
    who: &Requester<'_>,
) -> Result<(ChainRead, alloy_json_abi::Function), CryptoError> {
    let abi = &condition.function_abi;
    let param = |p: &super::model::AbiParam| -> Result<alloy_json_abi::Param, CryptoError> {
        alloy_json_abi::Param::new(&p.name, &p.kind, vec![], None).map_err(|_| {
            CryptoError::ConditionTokenizing {
                index: 0,
                value: p.kind.clone(),
                kind: "Solidity type".to_owned(),
            }
        })
    };
    let function = alloy_json_abi::Function {
        name: abi.name.clone(),
        inputs: abi.inputs.iter().map(param).collect::<Result<_, _>>()?,
        outputs: abi.outputs.iter().map(param).collect::<Result<_, _>>()?,
        state_mutability: alloy_json_abi::StateMutability::View,
    };
    if condition.function_params.len() != function.inputs.len() {
        return Err(CryptoError::MismatchParameters {
            params: condition.function_params.len(),
            inputs: function.inputs.len(),
        });
    }
    let values = condition
        .function_params
        .iter()
        .zip(&abi.inputs)
        .enumerate()
        .map(|(index, (text, input))| {
            let tokenizing = |value: &str| CryptoError::ConditionTokenizing {
                index,
                value: value.to_owned(),
                kind: input.kind.clone(),
            };
            let text = who.substitute(text)?;
            let ty = DynSolType::parse(&input.kind).map_err(|_| tokenizing(&text))?;
            // Lit drops every `0x` of an address or bytes parameter, then reads hex.
            let text = match ty {
                DynSolType::Address | DynSolType::Bytes | DynSolType::FixedBytes(_) => {
                    format!("0x{}", text.replace("0x", ""))
                }
                _ => text,
            };
            ty.coerce_str(&text).map_err(|_| tokenizing(&text))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let data =
        function
            .abi_encode_input(&values)
            .map_err(|e| CryptoError::TokenEncodingDecoding {
                reason: e.to_string(),
            })?;
    let read = ChainRead::Call {
        chain: condition.chain.clone(),
        to: parse_address(&condition.contract_address)?,
        data: data.into(),
    };
    Ok((read, function))
}

/// The reads `condition` needs (at most one), as [`evaluate_access_control`] would make them.
pub(crate) fn basic_read(
    condition: &AccessControlCondition,
    who: &Requester<'_>,
) -> Result<Option<ChainRead>, CryptoError> {
    Ok(match plan_basic(condition, who)? {
        BasicPlan::Read(read, _) => Some(read),
        BasicPlan::Decided(_) | BasicPlan::SignatureOnly | BasicPlan::Siwe => None,
    })
}

/// The read `condition` needs, as [`evaluate_evm_contract`] would make it.
pub(crate) fn contract_read(
    condition: &EvmContractCondition,
    who: &Requester<'_>,
) -> Result<ChainRead, CryptoError> {
    plan_contract(condition, who).map(|(read, _)| read)
}

fn require_chain(env: &dyn ConditionEnv, chain: &str) -> Result<(), CryptoError> {
    if env.knows_chain(chain) {
        Ok(())
    } else {
        Err(CryptoError::UnknownChain {
            chain: chain.to_owned(),
        })
    }
}

fn answer(
    env: &dyn ConditionEnv,
    read: &ChainRead,
    contract_call: bool,
) -> Result<ChainAnswer, CryptoError> {
    env.chain_read(read)
        .map_err(|error| read_failure(read, error, contract_call))
}

/// The condition's error for a read that failed.
pub(crate) fn read_failure(
    read: &ChainRead,
    error: ChainReadError,
    contract_call: bool,
) -> CryptoError {
    let failed = |reason| CryptoError::ChainReadFailed {
        chain: read.chain().to_owned(),
        reason,
        contract_call,
    };
    match error {
        ChainReadError::UnknownChain => CryptoError::UnknownChain {
            chain: read.chain().to_owned(),
        },
        ChainReadError::Failed(reason) => failed(reason),
        ChainReadError::RpcRefused { code, message } => {
            failed(format!("the RPC answered error {code}: {message}"))
        }
        ChainReadError::Action { failure, reason } => {
            CryptoError::ConditionActionFailed { failure, reason }
        }
        ChainReadError::PoapAnswer(reason) => CryptoError::PoapAnswer { reason },
        ChainReadError::NotConfigured(what) => CryptoError::UnsupportedCondition { kind: what },
    }
}

/// A standard call's uint256 answer; anything else (no contract at the address answers
/// nothing) is a failed read of `chain`, as Lit's node reports a failed query.
fn decode_word(output: &[u8], chain: &str) -> Result<U256, CryptoError> {
    <alloy_sol_types::sol_data::Uint<256> as alloy_sol_types::SolType>::abi_decode(output).map_err(
        |_| CryptoError::ChainReadFailed {
            chain: chain.to_owned(),
            reason: format!(
                "the contract answered {} bytes, not a uint256 (is there a contract at the address?)",
                output.len()
            ),
            contract_call: false,
        },
    )
}

fn decode_output<C: SolCall>(answer: &ChainAnswer) -> Result<C::Return, CryptoError> {
    let ChainAnswer::Output(output) = answer else {
        return Err(CryptoError::TokenEncodingDecoding {
            reason: "a call answered with a number".to_owned(),
        });
    };
    C::abi_decode_returns(output).map_err(|e| CryptoError::TokenEncodingDecoding {
        reason: e.to_string(),
    })
}

/// Lit's bool test: the expected value is `true` when it reads "true" in any case.
fn compare_bool(actual: bool, comparator: &str, expected: &str) -> bool {
    let expected = expected.eq_ignore_ascii_case("true");
    match comparator {
        "=" | "==" => actual == expected,
        "!=" => actual != expected,
        _ => false,
    }
}

/// A token id: `0x` hex or decimal.
fn parse_u256(text: &str) -> Result<U256, CryptoError> {
    match text.strip_prefix("0x") {
        Some(digits) => {
            U256::from_str_radix(digits, 16).map_err(|_| CryptoError::InvalidReturnValue {
                value: text.to_owned(),
            })
        }
        None => parse_dec_u256(text),
    }
}

/// One unified condition, evaluated for the wallet of its chain's family.
pub(crate) fn evaluate_unified(
    condition: &UnifiedCondition,
    env: &dyn ConditionEnv,
) -> Result<bool, CryptoError> {
    match condition {
        UnifiedCondition::EvmBasic(c) => evaluate_access_control(c, env),
        UnifiedCondition::EvmContract(c) => evaluate_evm_contract(c, env),
        UnifiedCondition::SolRpc(c) => evaluate_sol_rpc(c, env),
        UnifiedCondition::Cosmos(c) => evaluate_cosmos(c, env),
    }
}

/// One Solana condition, from the answers of the reads made before.
pub(crate) fn evaluate_sol_rpc(
    condition: &SolRpcCondition,
    env: &dyn ConditionEnv,
) -> Result<bool, CryptoError> {
    finished(other_chains::step_sol_rpc(
        condition,
        &Requester::of(env),
        &|read| Some(env.chain_read(read)),
    )?)
}

/// One Cosmos condition, from the answers of the reads made before.
pub(crate) fn evaluate_cosmos(
    condition: &CosmosCondition,
    env: &dyn ConditionEnv,
) -> Result<bool, CryptoError> {
    finished(other_chains::step_cosmos(
        condition,
        &Requester::of(env),
        &|read| Some(env.chain_read(read)),
    )?)
}

fn finished(step: Step) -> Result<bool, CryptoError> {
    match step {
        Step::Done(result) => Ok(result),
        // Every read is answered here, if only with an error, so this does not happen.
        Step::Need(reads) => Err(CryptoError::ChainReadFailed {
            chain: reads
                .first()
                .map(|read| read.chain().to_owned())
                .unwrap_or_default(),
            reason: "a read was not made before evaluation".to_owned(),
            contract_call: false,
        }),
    }
}

/// An EVM condition needs the request's Ethereum wallet, as on Lit's node.
fn require_ethereum_wallet(env: &dyn ConditionEnv, kind: &str) -> Result<(), CryptoError> {
    if env.wallets().ethereum {
        Ok(())
    } else {
        Err(CryptoError::Refused {
            code: sigil_wire::LitErrorCode::NodeInvalidEthereumAuthSig,
            reason: format!("ETH auth sig is missing while checking a {kind}"),
        })
    }
}

/// Lit's special parameters, from what `env` knows of the request.
fn substitute(param: &str, env: &dyn ConditionEnv) -> Result<String, CryptoError> {
    Requester::of(env).substitute(param)
}

fn parse_address(text: &str) -> Result<Address, CryptoError> {
    let hex_part = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))
        .unwrap_or(text);
    let mut bytes = [0u8; 20];
    hex::decode_to_slice(hex_part, &mut bytes).map_err(|_| CryptoError::InvalidAddress {
        value: text.to_owned(),
    })?;
    Ok(Address::from(bytes))
}

/// Decimal, digits only, as `U256::from_dec_str` on Lit's node (the empty string is 0).
fn parse_dec_u256(text: &str) -> Result<U256, CryptoError> {
    let invalid = || CryptoError::InvalidReturnValue {
        value: text.to_owned(),
    };
    let mut value = U256::ZERO;
    for byte in text.bytes() {
        let digit = byte.wrapping_sub(b'0');
        if digit > 9 {
            return Err(invalid());
        }
        value = value
            .checked_mul(U256::from(10u8))
            .and_then(|v| v.checked_add(U256::from(digit)))
            .ok_or_else(invalid)?;
    }
    Ok(value)
}

/// `actual <comparator> expected`; unknown comparators are false, as on Lit's node.
pub(crate) fn compare_ordered<T: Ord>(
    actual: &T,
    comparator: &str,
    expected: &T,
    allow_not_equal: bool,
) -> bool {
    match comparator {
        ">" => actual > expected,
        "<" => actual < expected,
        ">=" => actual >= expected,
        "<=" => actual <= expected,
        "=" => actual == expected,
        "!=" if allow_not_equal => actual != expected,
        _ => false,
    }
}

fn compare_strings(actual: &str, comparator: &str, expected: &str) -> bool {
    match comparator {
        "contains" => actual.contains(expected),
        "!contains" => !actual.contains(expected),
        _ => compare_ordered(&actual, comparator, &expected, true),
    }
}
