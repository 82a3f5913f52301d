//! Solana (`solRpc`) and Cosmos conditions, evaluated as Lit's Datil node evaluates them
//! (`access_control/sol_rpc.rs` and `cosmos.rs` there).
//!
//! Solana: a condition with no method and one string parameter compares that parameter (after
//! substitution) with the value; `getPDA`, `balanceOfToken` (the user's associated token
//! account) and `balanceOfMetaplexCollection` (verified NFTs of a collection the user holds) are
//! computed; any other method must be one of [`SOLANA_RPC_METHODS`], and the `value` of its
//! result is tested. With `pdaParams`, the program-derived account is read first and the field
//! `pdaKey` names (fields laid out from `pdaInterface.offset`, in the order written) becomes
//! the call's parameter.
//!
//! Cosmos: the path `:userAddress` compares the wallet's address; any other path is fetched
//! from the chain's REST (LCD) endpoint, `:userAddress` replaced, and the JSON answer tested;
//! method `timelock` tests how long ago the times the key selects were, as of a block's time.
//!
//! `returnValueTest.key` is a JSON path (the `jsonpath-plus` crate Lit's node uses), the first
//! match is tested. Numbers and strings compare as Lit compares them, which differs between the
//! two kinds (Cosmos compares a string by its JSON text).
//!
//! A condition's evaluation may need reads that depend on other reads (a PDA's account before
//! the call its field names; a user's token accounts before their metadata): [`step_sol_rpc`]
//! and [`step_cosmos`] say what they need given the answers so far, and the node answers in
//! rounds until nothing new is needed.

use super::evaluate::{
    compare_ordered, read_failure, ChainAnswer, ChainRead, ChainReadError, Requester,
};
use super::json::JsonValue;
use super::model::{CosmosCondition, ReturnValueTestV2, SolPdaInterface, SolRpcCondition};
use crate::CryptoError;
use serde_json::{json, Value};
use sigil_wire::{LitErrorCode, LIT_EVM_CHAINS};
use solana_pubkey::Pubkey;
use std::str::FromStr;

/// The Solana chain names Lit's conditions use.
pub const SOLANA_CHAINS: [&str; 3] = ["solana", "solanaDevnet", "solanaTestnet"];

/// The Cosmos SDK chain names Lit's conditions use.
pub const COSMOS_CHAINS: [&str; 6] = [
    "cosmos",
    "kyve",
    "cheqdMainnet",
    "cheqdTestnet",
    "juno",
    "evmos",
];

/// The Solana JSON-RPC methods a condition may call, as on Lit's node.
pub const SOLANA_RPC_METHODS: [&str; 7] = [
    "getBlock",
    "getBalance",
    "getAccountInfo",
    "getTokenAccountBalance",
    "getTokenAccountsByDelegate",
    "getTokenAccountsByOwner",
    "getHealth",
];

/// Most NFT metadata accounts one `getMultipleAccounts` call asks for (the RPC's own limit).
const ACCOUNTS_PER_CALL: usize = 100;

/// Most NFTs of one user a `balanceOfMetaplexCollection` condition looks at: bounds its reads.
pub const MAX_METAPLEX_NFTS: usize = 1000;

const TOKEN_PROGRAM: &str = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";
const ASSOCIATED_TOKEN_PROGRAM: &str = "ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL";
const METAPLEX_METADATA_PROGRAM: &str = "metaqbxxUerdq28cj1RbAWkYQm3ybzjb6a8bt518x1s";

/// The Cosmos REST path of a block, for `timelock` conditions.
const COSMOS_BLOCKS_PATH: &str = "/cosmos/base/tendermint/v1beta1/blocks/";

/// The kind of chain a condition's chain name is, which decides how it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChainKind {
    /// An EVM chain, read over Ethereum JSON-RPC.
    Evm,
    /// A Solana cluster ([`SOLANA_CHAINS`]), read over Solana JSON-RPC.
    Solana,
    /// A Cosmos SDK chain ([`COSMOS_CHAINS`]), read over its REST (LCD) endpoint.
    Cosmos,
}

impl ChainKind {
    /// The kind of the chain named `chain`: every name not Solana's or Cosmos' is EVM, and so
    /// is `evmos`, which Lit names both an EVM chain and a Cosmos one (its Cosmos conditions
    /// read the same configured URL, as on Lit's node).
    pub fn of(chain: &str) -> ChainKind {
        if SOLANA_CHAINS.contains(&chain) {
            ChainKind::Solana
        } else if COSMOS_CHAINS.contains(&chain) && !LIT_EVM_CHAINS.contains(&chain) {
            ChainKind::Cosmos
        } else {
            ChainKind::Evm
        }
    }

    /// The kind in words, for errors.
    pub fn name(self) -> &'static str {
        match self {
            ChainKind::Evm => "EVM",
            ChainKind::Solana => "Solana",
            ChainKind::Cosmos => "Cosmos",
        }
    }
}

/// The wallets a request proved, one per chain family, as Lit's node holds them
/// (`MultipleAuthSigs`): which conditions can be evaluated, and for which address.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Wallets {
    /// Whether an Ethereum wallet signed (its address is the requester's `user`).
    pub ethereum: bool,
    /// A Solana wallet's base58 address.
    pub solana: Option<String>,
    /// A Cosmos Hub wallet's bech32 address.
    pub cosmos: Option<String>,
    /// A Kyve wallet's.
    pub kyve: Option<String>,
    /// A Cheqd wallet's.
    pub cheqd: Option<String>,
    /// A Juno wallet's.
    pub juno: Option<String>,
}

impl Wallets {
    /// An Ethereum wallet alone: a session sig's, or an EVM wallet's own AuthSig's.
    pub const ETHEREUM: Wallets = Wallets {
        ethereum: true,
        solana: None,
        cosmos: None,
        kyve: None,
        cheqd: None,
        juno: None,
    };

    /// The slot a wallet AuthSig sent with the request's `chain` fills, as Lit's node files it:
    /// Solana clusters, then the Cosmos chains; `None` for an EVM chain's.
    pub fn slot_of(&mut self, chain: &str) -> Option<&mut Option<String>> {
        match chain {
            "solana" | "solanaDevnet" | "solanaTestnet" => Some(&mut self.solana),
            "cosmos" => Some(&mut self.cosmos),
            "kyve" => Some(&mut self.kyve),
            "cheqd" | "cheqdMainnet" | "cheqdTestnet" => Some(&mut self.cheqd),
            "juno" => Some(&mut self.juno),
            _ => None,
        }
    }

    fn solana(&self) -> Result<&str, CryptoError> {
        self.solana.as_deref().ok_or_else(|| {
            refused(
                LitErrorCode::NodeInvalidSolanaAuthSig,
                "SOL auth sig is missing while checking a SolRpcCondition".to_owned(),
            )
        })
    }

    /// The wallet a Cosmos condition on `chain` is evaluated for; Lit's code when it is missing.
    fn cosmos_for(&self, chain: &str) -> Result<&str, CryptoError> {
        let (wallet, code, name) = match chain {
            "cosmos" => (
                &self.cosmos,
                LitErrorCode::NodeInvalidCosmosAuthSig,
                "cosmos",
            ),
            "kyve" => (&self.kyve, LitErrorCode::NodeInvalidKyveAuthSig, "kyve"),
            "cheqd" | "cheqdMainnet" | "cheqdTestnet" => {
                (&self.cheqd, LitErrorCode::NodeInvalidCheqdAuthSig, "cheqd")
            }
            "juno" => (&self.juno, LitErrorCode::NodeInvalidJunoAuthSig, "juno"),
            _ => {
                return Err(refused(
                    LitErrorCode::NodeInvalidCosmosSdkSignature,
                    format!("signature for cosmos-sdk chain {chain} not found"),
                ))
            }
        };
        wallet.as_deref().ok_or_else(|| {
            refused(
                code,
                format!("{name} auth sig not found but chain is {name}"),
            )
        })
    }
}

/// How far a condition's evaluation got with the answers at hand.
#[derive(Debug)]
pub(crate) enum Step {
    /// Evaluated.
    Done(bool),
    /// These reads are needed first.
    Need(Vec<ChainRead>),
}

/// The answers so far: `None` for a read not made yet.
pub(crate) type Answers<'a> = &'a dyn Fn(&ChainRead) -> Option<Result<ChainAnswer, ChainReadError>>;

/// The answer to `$read`, or a return of [`Step::Need`] for it.
macro_rules! answer_or_need {
    ($answers:expr, $read:expr) => {
        match $answers(&$read) {
            Some(answer) => answer,
            None => return Ok(Step::Need(vec![$read])),
        }
    };
}

fn refused(code: LitErrorCode, reason: String) -> CryptoError {
    CryptoError::Refused { code, reason }
}

// ---------------------------------------------------------------------------------------------
// Solana

/// One Solana condition, as far as `answers` allow.
pub(crate) fn step_sol_rpc(
    condition: &SolRpcCondition,
    who: &Requester<'_>,
    answers: Answers<'_>,
) -> Result<Step, CryptoError> {
    let address = who.wallets.solana()?;
    let params = condition
        .params
        .iter()
        .map(|param| match param.to_serde() {
            Value::String(text) => who.substitute_as(&text, address).map(Value::String),
            other => Ok(other),
        })
        .collect::<Result<Vec<_>, _>>()?;
    if condition.method.is_empty() && params.len() == 1 {
        if let Value::String(text) = &params[0] {
            return Ok(Step::Done(sol_compare_string(
                condition, text, who, address,
            )?));
        }
    }

    let mut rpc_params = Value::Array(params);
    let mut rpc_method = condition.method.as_str();
    let mut pda_address = String::new();
    if let Some(pda) = condition.pda.as_ref().filter(|pda| !pda.params.is_empty()) {
        let program = parse_pubkey(&pda.params[0], "the PDA's program id")?;
        // As on Lit's node: a `pubkey:` seed is that key's bytes (an unreadable one is left
        // out), any other seed its text's bytes.
        let seeds: Vec<Vec<u8>> = pda.params[1..]
            .iter()
            .filter_map(|seed| {
                if seed.contains("pubkey:") {
                    seed.get(7..)
                        .and_then(|key| Pubkey::from_str(key).ok())
                        .map(|key| key.to_bytes().to_vec())
                } else {
                    Some(seed.as_bytes().to_vec())
                }
            })
            .collect();
        let address = program_address(&seeds, &program)?;
        pda_address = address.to_string();
        let read = sol_read(
            condition,
            "getAccountInfo",
            json!([pda_address, {"encoding": "base64"}]),
        )?;
        let account = sol_result(&read, answer_or_need!(answers, read))?;
        let field = pda_field(&account, &pda.interface, &pda.key)?;
        rpc_params = json!([field.to_string()]);
        // `getBalance(getPDA)` calls `getBalance` with the field the PDA names.
        rpc_method = rpc_method.split('(').next().unwrap_or_default();
    }

    match condition.method.as_str() {
        "balanceOfMetaplexCollection" => {
            balance_of_metaplex_collection(condition, address, answers)
        }
        "balanceOfToken" => balance_of_token(condition, who, address, answers),
        "getPDA" => Ok(Step::Done(sol_compare_string(
            condition,
            &pda_address,
            who,
            address,
        )?)),
        _ => {
            if !SOLANA_RPC_METHODS.contains(&rpc_method) {
                return Err(refused(
                    LitErrorCode::NodeInvalidSolanaRpcMethod,
                    format!("Unsupported Solana RPC method: {rpc_method}"),
                ));
            }
            let read = sol_read(condition, rpc_method, rpc_params)?;
            let result = sol_result(&read, answer_or_need!(answers, read))?;
            Ok(Step::Done(sol_check_value(
                condition,
                &result["value"],
                who,
                address,
            )?))
        }
    }
}

/// `balanceOfToken`: the `value` of the user's associated token account's balance for the mint
/// in the first parameter (as written, not substituted); no such account is `false`.
fn balance_of_token(
    condition: &SolRpcCondition,
    who: &Requester<'_>,
    address: &str,
    answers: Answers<'_>,
) -> Result<Step, CryptoError> {
    let mint = match condition.params.first() {
        Some(JsonValue::String(mint)) => parse_pubkey(mint, "the token's mint")?,
        _ => {
            return Err(refused(
                LitErrorCode::NodeParserError,
                "Could not convert condition.params[0] to string".to_owned(),
            ))
        }
    };
    let wallet = parse_pubkey(address, "the Solana wallet's address")?;
    let token_program = Pubkey::from_str_const(TOKEN_PROGRAM);
    let account = program_address(
        &[
            wallet.to_bytes().to_vec(),
            token_program.to_bytes().to_vec(),
            mint.to_bytes().to_vec(),
        ],
        &Pubkey::from_str_const(ASSOCIATED_TOKEN_PROGRAM),
    )?;
    let read = sol_read(
        condition,
        "getTokenAccountBalance",
        json!([account.to_string()]),
    )?;
    match answer_or_need!(answers, read) {
        Err(ChainReadError::RpcRefused { code, message })
            if code == -32602 && message == "Invalid param: could not find account" =>
        {
            Ok(Step::Done(false))
        }
        answer => {
            let result = sol_result(&read, answer)?;
            Ok(Step::Done(sol_check_value(
                condition,
                &result["value"],
                who,
                address,
            )?))
        }
    }
}

/// `balanceOfMetaplexCollection`: how many NFTs (amount at least 1, no decimals) the user holds
/// whose Metaplex metadata names the collection in the first parameter as verified. Metadata
/// that cannot be read is skipped, as on Lit's node.
fn balance_of_metaplex_collection(
    condition: &SolRpcCondition,
    address: &str,
    answers: Answers<'_>,
) -> Result<Step, CryptoError> {
    let invalid_collection =
        |reason: String| refused(LitErrorCode::NodeInvalidMetaplexCollectionAddress, reason);
    let collection = match condition.params.first() {
        Some(JsonValue::String(text)) => Pubkey::from_str(text).map_err(|_| {
            invalid_collection(format!("Invalid Metaplex collection address {text:?}"))
        })?,
        _ => {
            return Err(invalid_collection(
                "Error, collection address is not a string".to_owned(),
            ))
        }
    };
    let read = sol_read(
        condition,
        "getTokenAccountsByOwner",
        json!([address, {"programId": TOKEN_PROGRAM}, {"encoding": "jsonParsed"}]),
    )?;
    let owned = sol_result(&read, answer_or_need!(answers, read))?;
    let Some(accounts) = owned["value"].as_array() else {
        return Err(refused(
            LitErrorCode::NodeRpcError,
            "User tokens not an array".to_owned(),
        ));
    };
    let mut metadata_accounts = Vec::new();
    for account in accounts {
        let amount = &account["account"]["data"]["parsed"]["info"]["tokenAmount"];
        let is_nft = matches!(
            (amount["uiAmount"].as_f64(), amount["decimals"].as_u64()),
            (Some(count), Some(0)) if count >= 1.0
        );
        if !is_nft {
            continue;
        }
        let mint = account["account"]["data"]["parsed"]["info"]["mint"]
            .as_str()
            .ok_or_else(|| {
                refused(
                    LitErrorCode::NodeRpcError,
                    "Could not get token address from nft".to_owned(),
                )
            })?;
        // A mint that is not an address has no metadata: skipped.
        let Ok(mint) = Pubkey::from_str(mint) else {
            continue;
        };
        let metadata_program = Pubkey::from_str_const(METAPLEX_METADATA_PROGRAM);
        metadata_accounts.push(program_address(
            &[
                b"metadata".to_vec(),
                metadata_program.to_bytes().to_vec(),
                mint.to_bytes().to_vec(),
            ],
            &metadata_program,
        )?);
    }
    if metadata_accounts.len() > MAX_METAPLEX_NFTS {
        return Err(refused(
            LitErrorCode::NodeRpcError,
            format!(
                "the user holds {} NFTs; a collection condition looks at most at {MAX_METAPLEX_NFTS}",
                metadata_accounts.len()
            ),
        ));
    }
    let reads = metadata_accounts
        .chunks(ACCOUNTS_PER_CALL)
        .map(|chunk| {
            let keys: Vec<String> = chunk.iter().map(Pubkey::to_string).collect();
            sol_read(
                condition,
                "getMultipleAccounts",
                json!([keys, {"encoding": "base64"}]),
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    let missing: Vec<ChainRead> = reads
        .iter()
        .filter(|read| answers(read).is_none())
        .cloned()
        .collect();
    if !missing.is_empty() {
        return Ok(Step::Need(missing));
    }
    let mut verified = 0u64;
    for read in &reads {
        // A failed read is metadata not read: skipped.
        let Some(Ok(ChainAnswer::Json(result))) = answers(read) else {
            continue;
        };
        let Some(entries) = result["value"].as_array() else {
            continue;
        };
        verified += entries
            .iter()
            .filter_map(account_data)
            .filter(|data| metadata_collection(data) == Some((true, collection)))
            .count() as u64;
    }
    Ok(Step::Done(compare_u64(
        &condition.return_value_test,
        verified,
    )?))
}

/// The `(verified, key)` of a Metaplex metadata account's collection (Borsh: key, update
/// authority, mint, name, symbol, uri, seller fee, creators, primary sale, mutable, edition
/// nonce, token standard, collection); `None` when it has none or does not parse.
fn metadata_collection(data: &[u8]) -> Option<(bool, Pubkey)> {
    let mut reader = BorshReader { data, at: 0 };
    reader.take(1 + 32 + 32)?;
    for _ in 0..3 {
        let len = reader.u32()? as usize;
        reader.take(len)?;
    }
    reader.take(2)?;
    if reader.option()? {
        let creators = reader.u32()? as usize;
        reader.take(creators.checked_mul(34)?)?;
    }
    reader.take(2)?;
    if reader.option()? {
        reader.take(1)?;
    }
    if reader.option()? {
        reader.take(1)?;
    }
    if !reader.option()? {
        return None;
    }
    let verified = reader.take(1)?[0] == 1;
    let key = Pubkey::try_from(reader.take(32)?).ok()?;
    Some((verified, key))
}

struct BorshReader<'a> {
    data: &'a [u8],
    at: usize,
}

impl<'a> BorshReader<'a> {
    fn take(&mut self, len: usize) -> Option<&'a [u8]> {
        let bytes = self.data.get(self.at..self.at.checked_add(len)?)?;
        self.at += len;
        Some(bytes)
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn option(&mut self) -> Option<bool> {
        match self.take(1)?[0] {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }
}

/// The bytes of an account as `getAccountInfo`/`getMultipleAccounts` give it in base64.
fn account_data(account: &Value) -> Option<Vec<u8>> {
    use base64::Engine;
    let text = account["data"].as_array()?.first()?.as_str()?;
    base64::engine::general_purpose::STANDARD.decode(text).ok()
}

/// The key a PDA's field holds: the account's data, from `offset`, is cut into the fields in
/// their written order, each of its size, and the one named `key` must be 32 bytes.
fn pda_field(
    account: &Value,
    interface: &SolPdaInterface,
    key: &str,
) -> Result<Pubkey, CryptoError> {
    let rpc_error = |reason: &str| refused(LitErrorCode::NodeRpcError, reason.to_owned());
    let value = &account["value"];
    if !value.is_object() {
        return Err(rpc_error(
            "Error making RPC Call getAccountInfo in getPDA - couldn't parse result into an object",
        ));
    }
    if !value["data"].is_array() {
        return Err(rpc_error(
            "Error making RPC Call - the data in the response is not an array",
        ));
    }
    let data = account_data(value).ok_or_else(|| {
        refused(
            LitErrorCode::NodeParserError,
            "Could not decode base64 data from response".to_owned(),
        )
    })?;
    let JsonValue::Object(fields) = &interface.fields else {
        return Err(rpc_error("the PDA interface's fields are not an object"));
    };
    let mut offset = usize::try_from(interface.offset).unwrap_or(usize::MAX);
    for (name, size) in fields {
        let size = match size {
            JsonValue::Number(size) => size.as_u64().and_then(|s| usize::try_from(s).ok()),
            _ => None,
        }
        .ok_or_else(|| rpc_error("a PDA field's size is not a whole number"))?;
        let end = offset.checked_add(size);
        if name == key {
            let bytes = end
                .and_then(|end| data.get(offset..end))
                .ok_or_else(|| rpc_error("the PDA field lies outside the account's data"))?;
            return Pubkey::try_from(bytes)
                .map_err(|_| rpc_error("the PDA field is not a 32-byte key"));
        }
        offset = end.ok_or_else(|| rpc_error("the PDA fields overflow"))?;
    }
    Err(rpc_error(
        "Error making RPC Call - the key in returnValueTest does not exist in the PDA fields",
    ))
}

/// A Solana JSON-RPC read of `method` with `params` on the condition's chain.
fn sol_read(
    condition: &SolRpcCondition,
    method: &str,
    params: Value,
) -> Result<ChainRead, CryptoError> {
    if ChainKind::of(&condition.chain) != ChainKind::Solana {
        return Err(refused(
            LitErrorCode::NodeBlockchainChainUnknown,
            format!("invalid chain for solana: {}", condition.chain),
        ));
    }
    Ok(ChainRead::SolanaRpc {
        chain: condition.chain.clone(),
        method: method.to_owned(),
        params: params.to_string(),
    })
}

/// The `result` of a Solana read; a failure is Lit's `NodeRpcError` (or the chain's error).
fn sol_result(
    read: &ChainRead,
    answer: Result<ChainAnswer, ChainReadError>,
) -> Result<Value, CryptoError> {
    match answer.map_err(|error| read_failure(read, error, false))? {
        ChainAnswer::Json(result) => Ok(result),
        other => Err(refused(
            LitErrorCode::NodeRpcError,
            format!("a Solana read answered {other:?}"),
        )),
    }
}

/// Solana's test of a result: a number as u64, a string as a string; anything else is `false`.
fn sol_check_value(
    condition: &SolRpcCondition,
    value: &Value,
    who: &Requester<'_>,
    address: &str,
) -> Result<bool, CryptoError> {
    let Some(selected) = select(&condition.return_value_test.key, value)? else {
        return Ok(false);
    };
    match selected[0] {
        Value::Number(number) => {
            let number = number.as_u64().ok_or_else(|| {
                refused(
                    LitErrorCode::NodeParserError,
                    "Could not parse value as u64".to_owned(),
                )
            })?;
            compare_u64(&condition.return_value_test, number)
        }
        Value::String(text) => sol_compare_string(condition, text, who, address),
        _ => Ok(false),
    }
}

fn sol_compare_string(
    condition: &SolRpcCondition,
    actual: &str,
    who: &Requester<'_>,
    address: &str,
) -> Result<bool, CryptoError> {
    compare_string(&condition.return_value_test, actual, who, address, false)
}

/// A program-derived address, as `Pubkey::find_program_address` finds it; seeds it cannot take
/// (more than 16, or one over 32 bytes) are Lit's parser error instead of its panic.
fn program_address(seeds: &[Vec<u8>], program: &Pubkey) -> Result<Pubkey, CryptoError> {
    let seeds: Vec<&[u8]> = seeds.iter().map(Vec::as_slice).collect();
    Pubkey::try_find_program_address(&seeds, program)
        .map(|(address, _bump)| address)
        .ok_or_else(|| {
            refused(
                LitErrorCode::NodeParserError,
                "no program address for these seeds (at most 16 seeds of at most 32 bytes)"
                    .to_owned(),
            )
        })
}

fn parse_pubkey(text: &str, what: &str) -> Result<Pubkey, CryptoError> {
    Pubkey::from_str(text).map_err(|_| {
        refused(
            LitErrorCode::NodeParserError,
            format!("{what} is not a Solana address: {text:?}"),
        )
    })
}

// ---------------------------------------------------------------------------------------------
// Cosmos

/// One Cosmos condition, as far as `answers` allow.
pub(crate) fn step_cosmos(
    condition: &CosmosCondition,
    who: &Requester<'_>,
    answers: Answers<'_>,
) -> Result<Step, CryptoError> {
    if condition.method.as_deref() == Some("timelock") {
        return step_timelock(condition, who, answers);
    }
    let address = who.wallets.cosmos_for(&condition.chain)?;
    if condition.path == ":userAddress" {
        return Ok(Step::Done(cosmos_compare_string(
            condition, address, who, address,
        )?));
    }
    let read = cosmos_read(condition, condition.path.replace(":userAddress", address))?;
    let body = cosmos_json(&read, answer_or_need!(answers, read))?;
    Ok(Step::Done(cosmos_check_value(
        condition, &body, who, address,
    )?))
}

/// `timelock`: whether any time the key selects in the path's answer is within `value`
/// seconds (`<` or `<=`) before the time of the block the one parameter names (`latest` or a
/// height). A time after the block's never is, as on Lit's node.
fn step_timelock(
    condition: &CosmosCondition,
    who: &Requester<'_>,
    answers: Answers<'_>,
) -> Result<Step, CryptoError> {
    let invalid =
        |reason: &str| refused(LitErrorCode::NodeCosmosInvalidCondition, reason.to_owned());
    let height = match condition.parameters.as_deref() {
        None | Some([]) => return Err(invalid("parameters are empty")),
        Some([height]) => height,
        Some(_) => return Err(invalid("parameters are more than 1 item")),
    };
    let address = who.wallets.cosmos_for(&condition.chain)?;
    let block_read = cosmos_read(condition, format!("{COSMOS_BLOCKS_PATH}{height}"))?;
    let path_read = cosmos_read(condition, condition.path.replace(":userAddress", address))?;
    let (Some(block), Some(answer)) = (answers(&block_read), answers(&path_read)) else {
        return Ok(Step::Need(vec![block_read, path_read]));
    };
    let block_time = block_time(&block_read, block)?;
    let body = cosmos_json(&path_read, answer)?;
    let test = &condition.return_value_test;
    if test.key.is_empty() {
        return Ok(Step::Done(false));
    }
    let Some(selected) = select(&test.key, &body)? else {
        return Ok(Step::Done(false));
    };
    let interval: u64 = test.value.parse().map_err(|_| {
        refused(
            LitErrorCode::NodeInvalidAccReturnValueTest,
            format!("invalid digit in the timelock's value {:?}", test.value),
        )
    })?;
    for item in selected {
        let time = item.as_str().and_then(rfc3339_secs).unwrap_or(0);
        let elapsed = block_time.wrapping_sub(time);
        let within = match test.comparator.as_str() {
            "<" => elapsed < interval,
            "<=" => elapsed <= interval,
            _ => {
                return Err(refused(
                    LitErrorCode::NodeInvalidAccReturnValueTest,
                    "Invalid comparator".to_owned(),
                ))
            }
        };
        if within {
            return Ok(Step::Done(true));
        }
    }
    Ok(Step::Done(false))
}

/// The time of the block a `timelock` reads, in unix seconds.
fn block_time(
    read: &ChainRead,
    answer: Result<ChainAnswer, ChainReadError>,
) -> Result<u64, CryptoError> {
    let body = match answer {
        Ok(ChainAnswer::Text(body)) => body,
        Ok(other) => format!("{other:?}"),
        Err(error) => {
            return Err(refused(
                LitErrorCode::NodeCosmosBlockHeightRequestError,
                format!(
                    "failed to get block height from access control condition: {}",
                    read_failure(read, error, false)
                ),
            ))
        }
    };
    let unreadable = |reason: String| {
        refused(
            LitErrorCode::NodeCosmosBlockHeightParseError,
            format!("failed to parse block from access control condition: {reason}"),
        )
    };
    let block: Value = serde_json::from_str(&body).map_err(|e| unreadable(e.to_string()))?;
    let time = block["block"]["header"]["time"]
        .as_str()
        .ok_or_else(|| unreadable("no block.header.time".to_owned()))?;
    rfc3339_secs(time).ok_or_else(|| unreadable(format!("{time:?} is not an RFC 3339 time")))
}

fn rfc3339_secs(text: &str) -> Option<u64> {
    let time =
        time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()?;
    // As Lit's `timestamp as u64`: a time before 1970 wraps.
    Some(time.unix_timestamp() as u64)
}

/// A GET of `path` from the condition's chain's REST endpoint.
fn cosmos_read(condition: &CosmosCondition, path: String) -> Result<ChainRead, CryptoError> {
    if !COSMOS_CHAINS.contains(&condition.chain.as_str()) {
        return Err(refused(
            LitErrorCode::NodeBlockchainChainUnknown,
            format!("invalid chain for cosmos: {}", condition.chain),
        ));
    }
    // Appended to the endpoint's URL: anything but a path (`@host`, `:port`) could name
    // another host.
    if !path.starts_with('/') {
        return Err(refused(
            LitErrorCode::NodeCosmosInvalidCondition,
            format!(
                "a Cosmos condition's path starts with /: {:?}",
                path.chars().take(64).collect::<String>()
            ),
        ));
    }
    Ok(ChainRead::CosmosRest {
        chain: condition.chain.clone(),
        path,
    })
}

/// A Cosmos REST answer as JSON: a failed read is `NodeRpcError` (or the chain's error), a body
/// that is not JSON `NodeCosmosJSONError`.
fn cosmos_json(
    read: &ChainRead,
    answer: Result<ChainAnswer, ChainReadError>,
) -> Result<Value, CryptoError> {
    match answer.map_err(|error| read_failure(read, error, false))? {
        ChainAnswer::Text(body) => serde_json::from_str(&body).map_err(|e| {
            refused(
                LitErrorCode::NodeCosmosJsonError,
                format!("the Cosmos REST answer is not JSON: {e}"),
            )
        }),
        ChainAnswer::Json(value) => Ok(value),
        other => Err(refused(
            LitErrorCode::NodeRpcError,
            format!("a Cosmos read answered {other:?}"),
        )),
    }
}

/// Cosmos' test of an answer: when the expected value is an integer, the selected value must be
/// a string holding a u64 (a JSON number is `false`); otherwise the selected value's JSON text
/// is compared as a string. For `contains` over several string matches, they are joined.
fn cosmos_check_value(
    condition: &CosmosCondition,
    body: &Value,
    who: &Requester<'_>,
    address: &str,
) -> Result<bool, CryptoError> {
    let test = &condition.return_value_test;
    let Some(selected) = select(&test.key, body)? else {
        return Ok(false);
    };
    let mut value = selected[0].clone();
    if selected.len() > 1 && test.comparator == "contains" && value.is_string() {
        let mut joined = String::new();
        for item in &selected {
            let text = item.as_str().ok_or_else(|| {
                refused(
                    LitErrorCode::NodeInvalidAccReturnValueTest,
                    "could not get string from item".to_owned(),
                )
            })?;
            joined.push_str(text);
            joined.push(' ');
        }
        value = Value::String(joined);
    }
    if test.value.parse::<i64>().is_ok() {
        return match value {
            Value::String(text) => {
                let number = text.parse::<u64>().map_err(|_| {
                    refused(
                        LitErrorCode::NodeInvalidAccReturnValueTest,
                        "Could not parse value as u64".to_owned(),
                    )
                })?;
                compare_u64(test, number)
            }
            _ => Ok(false),
        };
    }
    cosmos_compare_string(condition, &value.to_string(), who, address)
}

fn cosmos_compare_string(
    condition: &CosmosCondition,
    actual: &str,
    who: &Requester<'_>,
    address: &str,
) -> Result<bool, CryptoError> {
    compare_string(&condition.return_value_test, actual, who, address, true)
}

// ---------------------------------------------------------------------------------------------
// Shared

/// What `key` selects in `value` (all of `value` for an empty key); `None` when nothing matches.
fn select<'v>(key: &str, value: &'v Value) -> Result<Option<Vec<&'v Value>>, CryptoError> {
    if key.is_empty() {
        return Ok(Some(vec![value]));
    }
    let invalid = || {
        refused(
            LitErrorCode::NodeInvalidAccReturnValueTest,
            format!("Could not find key {key:?} in JSON response"),
        )
    };
    // jsonpath-plus panics on a top-level `~` (property names), which it does not implement;
    // any other panic of it is refused the same way rather than taking the request down.
    if key.trim_end().ends_with('~') {
        return Err(invalid());
    }
    let found = std::panic::catch_unwind(|| jsonpath_plus::find(key, value))
        .map_err(|_| invalid())?
        .map_err(|_| invalid())?;
    Ok(if found.is_empty() { None } else { Some(found) })
}

/// `actual <comparator> value` on u64s; the value must be a u64; unknown comparators are
/// `false`.
fn compare_u64(test: &ReturnValueTestV2, actual: u64) -> Result<bool, CryptoError> {
    let expected: u64 = serde_json::from_str(&test.value).map_err(|_| {
        refused(
            LitErrorCode::NodeInvalidAccReturnValueTest,
            format!(
                "failed to parse valid return value from access control condition: {:?}",
                test.value
            ),
        )
    })?;
    Ok(compare_ordered(&actual, &test.comparator, &expected, true))
}

/// `actual <comparator> value` byte-wise, the value substituted for the wallet at `address`;
/// `contains` where the kind has it; unknown comparators are `false`.
fn compare_string(
    test: &ReturnValueTestV2,
    actual: &str,
    who: &Requester<'_>,
    address: &str,
    with_contains: bool,
) -> Result<bool, CryptoError> {
    let expected = who.substitute_as(&test.value, address)?;
    Ok(match test.comparator.as_str() {
        "contains" if with_contains => actual.contains(&expected),
        comparator => compare_ordered(&actual, comparator, &expected.as_str(), true),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chain_kinds_follow_lits_names() {
        assert_eq!(ChainKind::of("solanaDevnet"), ChainKind::Solana);
        assert_eq!(ChainKind::of("cheqdTestnet"), ChainKind::Cosmos);
        assert_eq!(ChainKind::of("ethereum"), ChainKind::Evm);
        assert_eq!(ChainKind::of("evmos"), ChainKind::Evm);
        // A wallet's `cheqd` slot name is not a condition chain.
        assert_eq!(ChainKind::of("cheqd"), ChainKind::Evm);
    }

    #[test]
    fn associated_token_account_is_the_spl_one() {
        // This wallet's USDC account and USDC's Metaplex metadata account, as solders (the
        // Solana SDK's Python binding) derives them.
        let wallet = Pubkey::from_str("5Th1tyAQGFaZ2c6gBVW4MPe6L5xhvpnBc9pjMzAkEPPz").unwrap();
        let mint = Pubkey::from_str("EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v").unwrap();
        let account = program_address(
            &[
                wallet.to_bytes().to_vec(),
                Pubkey::from_str_const(TOKEN_PROGRAM).to_bytes().to_vec(),
                mint.to_bytes().to_vec(),
            ],
            &Pubkey::from_str_const(ASSOCIATED_TOKEN_PROGRAM),
        )
        .unwrap();
        assert_eq!(
            account.to_string(),
            "C5jpo9in18xT7GmNM81NXbX191sNPPfnXL2vH99rnji7"
        );
        let metadata_program = Pubkey::from_str_const(METAPLEX_METADATA_PROGRAM);
        let metadata = program_address(
            &[
                b"metadata".to_vec(),
                metadata_program.to_bytes().to_vec(),
                mint.to_bytes().to_vec(),
            ],
            &metadata_program,
        )
        .unwrap();
        assert_eq!(
            metadata.to_string(),
            "5x38Kp4hvdomTCnCrAny4UtMUt5rQBdB6px2K1Ui45Wq"
        );
    }

    #[test]
    fn metadata_collection_is_read_past_the_variable_fields() {
        let collection = Pubkey::new_from_array([7; 32]);
        let mut data = vec![4u8];
        data.extend([1; 32]);
        data.extend([2; 32]);
        for text in ["name", "SYM", "https://x"] {
            data.extend((text.len() as u32).to_le_bytes());
            data.extend(text.as_bytes());
        }
        data.extend(500u16.to_le_bytes());
        data.push(1);
        data.extend(2u32.to_le_bytes());
        data.extend([9; 68]);
        data.extend([1, 1]);
        data.extend([1, 255]);
        data.push(0);
        data.extend([1, 1]);
        data.extend(collection.to_bytes());
        data.extend([0; 40]);
        assert_eq!(metadata_collection(&data), Some((true, collection)));
        data.truncate(data.len() - 73);
        assert_eq!(metadata_collection(&data), None);
    }
}
