//! Typed models of the four condition kinds, their parsers, and their canonical JSON.
//!
//! Parsing follows the JS SDK's canonical formatters (`@lit-protocol/access-control-conditions`
//! 7.4.0, `canonicalFormatter`) for what decides a shape: an array is a group, an object with an
//! `operator` key is an operator, an object with a `returnValueTest` is a condition. Field types
//! follow Lit's node models (strings where the node wants strings), so anything a Lit node would
//! refuse is refused here too, with the path of the offending field. Unknown keys are ignored,
//! as both the SDK and the node ignore them.

use super::json::{write_js_string, JsonValue};
use super::{MAX_CONDITIONS, MAX_GROUP_DEPTH};
use crate::CryptoError;

/// One element of a condition list: a condition, a boolean operator, or a nested group.
#[derive(Clone, Debug, PartialEq)]
pub enum ConditionItem<T> {
    /// A leaf condition.
    Condition(T),
    /// `{"operator": "and" | "or"}`.
    Operator(BooleanOperator),
    /// A nested array of items.
    Group(Vec<ConditionItem<T>>),
}

/// A boolean operator between two conditions or groups.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BooleanOperator {
    /// `"and"`
    And,
    /// `"or"`
    Or,
}

impl BooleanOperator {
    /// The JSON spelling, `and` or `or`.
    pub fn as_str(self) -> &'static str {
        match self {
            BooleanOperator::And => "and",
            BooleanOperator::Or => "or",
        }
    }
}

/// `returnValueTest` of an `accessControlConditions` (evmBasic) condition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReturnValueTest {
    /// `=`, `!=`, `>`, `<`, `>=`, `<=`, `contains`, `!contains`.
    pub comparator: String,
    /// The value to compare against (may be `:userAddress`).
    pub value: String,
}

/// `returnValueTest` of EVM contract, Solana and Cosmos conditions (has a `key`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReturnValueTestV2 {
    /// Which output to compare (`""` for the only one).
    pub key: String,
    /// The comparator.
    pub comparator: String,
    /// The value to compare against.
    pub value: String,
}

/// An `accessControlConditions` condition (the unified kind calls it `evmBasic`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessControlCondition {
    /// Contract address, `""` when none is read.
    pub contract_address: String,
    /// Chain name, e.g. `ethereum`.
    pub chain: String,
    /// `""`, `timestamp`, `ERC20`, `ERC721`, `ERC1155`, `POAP`, `SIWE`, `LitAction`, ...
    pub standard_contract_type: String,
    /// Method, `""` for a signature-only check.
    pub method: String,
    /// Method parameters; `:userAddress` is substituted.
    pub parameters: Vec<String>,
    /// What the result is compared with.
    pub return_value_test: ReturnValueTest,
}

/// One `inputs`/`outputs` entry of a function ABI, reduced to what is hashed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AbiParam {
    /// Parameter name (may be empty).
    pub name: String,
    /// Solidity type, e.g. `address`.
    pub kind: String,
}

/// A function ABI, reduced to what the SDK hashes (`type`, `internalType` are dropped).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionAbi {
    /// Function name.
    pub name: String,
    /// Inputs.
    pub inputs: Vec<AbiParam>,
    /// Outputs.
    pub outputs: Vec<AbiParam>,
    /// `constant`; `false` when absent, as the SDK defaults it.
    pub constant: bool,
    /// `stateMutability`, omitted from the hash when absent.
    pub state_mutability: Option<String>,
}

/// An `evmContractConditions` condition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvmContractCondition {
    /// Contract address.
    pub contract_address: String,
    /// Function to call.
    pub function_name: String,
    /// Its parameters.
    pub function_params: Vec<String>,
    /// Its ABI.
    pub function_abi: FunctionAbi,
    /// Chain name.
    pub chain: String,
    /// What the result is compared with.
    pub return_value_test: ReturnValueTestV2,
}

/// `pdaInterface` of a Solana v2 condition.
#[derive(Clone, Debug, PartialEq)]
pub struct SolPdaInterface {
    /// Byte offset.
    pub offset: u64,
    /// Field name to size, a JSON object in document order.
    pub fields: JsonValue,
}

/// The PDA part of a Solana v2 condition (`pdaParams`, `pdaInterface`, `pdaKey`).
#[derive(Clone, Debug, PartialEq)]
pub struct SolPda {
    /// `pdaParams`.
    pub params: Vec<String>,
    /// `pdaInterface`.
    pub interface: SolPdaInterface,
    /// `pdaKey`.
    pub key: String,
}

/// A `solRpcConditions` condition. Version 1 has no PDA part and hashes in a shorter shape.
#[derive(Clone, Debug, PartialEq)]
pub struct SolRpcCondition {
    /// RPC method, e.g. `getBalance`.
    pub method: String,
    /// RPC params (free-form JSON).
    pub params: Vec<JsonValue>,
    /// PDA part; `Some` for v2 conditions (the SDK's test is: a `pdaParams` key is present).
    pub pda: Option<SolPda>,
    /// Chain name, e.g. `solana`.
    pub chain: String,
    /// What the result is compared with.
    pub return_value_test: ReturnValueTestV2,
}

/// A Cosmos condition (only inside unified conditions).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CosmosCondition {
    /// REST path.
    pub path: String,
    /// Chain name.
    pub chain: String,
    /// Optional method.
    pub method: Option<String>,
    /// Optional parameters.
    pub parameters: Option<Vec<String>>,
    /// What the result is compared with.
    pub return_value_test: ReturnValueTestV2,
}

/// A `unifiedAccessControlConditions` condition, identified by its shape.
#[derive(Clone, Debug, PartialEq)]
pub enum UnifiedCondition {
    /// `conditionType: "evmBasic"`.
    EvmBasic(AccessControlCondition),
    /// `conditionType: "evmContract"`.
    EvmContract(EvmContractCondition),
    /// `conditionType: "solRpc"` (always v2 here).
    SolRpc(SolRpcCondition),
    /// `conditionType: "cosmos"`.
    Cosmos(CosmosCondition),
}

impl UnifiedCondition {
    /// The `conditionType` name.
    pub fn condition_type(&self) -> &'static str {
        match self {
            UnifiedCondition::EvmBasic(_) => "evmBasic",
            UnifiedCondition::EvmContract(_) => "evmContract",
            UnifiedCondition::SolRpc(_) => "solRpc",
            UnifiedCondition::Cosmos(_) => "cosmos",
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing

/// Parses one kind's condition list, checking nesting depth and the condition count.
pub(crate) fn parse_list<T>(
    value: &JsonValue,
    path: &str,
    parse_leaf: &dyn Fn(&JsonValue, &str) -> Result<T, CryptoError>,
) -> Result<Vec<ConditionItem<T>>, CryptoError> {
    let JsonValue::Array(items) = value else {
        return Err(invalid(path, "expected an array of conditions"));
    };
    if items.is_empty() {
        return Err(CryptoError::MissingConditions);
    }
    let mut count = 0usize;
    let list = parse_items(items, path, 1, &mut count, parse_leaf)?;
    if count > MAX_CONDITIONS {
        return Err(CryptoError::TooManyConditions {
            count,
            max: MAX_CONDITIONS,
        });
    }
    Ok(list)
}

fn parse_items<T>(
    items: &[JsonValue],
    path: &str,
    depth: usize,
    count: &mut usize,
    parse_leaf: &dyn Fn(&JsonValue, &str) -> Result<T, CryptoError>,
) -> Result<Vec<ConditionItem<T>>, CryptoError> {
    if depth > MAX_GROUP_DEPTH {
        return Err(CryptoError::NestingTooDeep {
            max: MAX_GROUP_DEPTH,
        });
    }
    let mut out = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let item_path = format!("{path}[{index}]");
        let parsed =
            match item {
                JsonValue::Array(group) => ConditionItem::Group(parse_items(
                    group,
                    &item_path,
                    depth + 1,
                    count,
                    parse_leaf,
                )?),
                JsonValue::Object(_) if item.get("operator").is_some() => {
                    ConditionItem::Operator(parse_operator(item, &item_path)?)
                }
                JsonValue::Object(_) if item.get("returnValueTest").is_some() => {
                    *count += 1;
                    // Stop early on absurd lists; the exact count past the maximum does not matter.
                    if *count > MAX_CONDITIONS {
                        return Err(CryptoError::TooManyConditions {
                            count: *count,
                            max: MAX_CONDITIONS,
                        });
                    }
                    ConditionItem::Condition(parse_leaf(item, &item_path)?)
                }
                _ => return Err(invalid(
                    &item_path,
                    "expected a condition (an object with returnValueTest), an operator or a group",
                )),
            };
        out.push(parsed);
    }
    Ok(out)
}

fn parse_operator(item: &JsonValue, path: &str) -> Result<BooleanOperator, CryptoError> {
    match item.get("operator") {
        Some(JsonValue::String(s)) if s == "and" => Ok(BooleanOperator::And),
        Some(JsonValue::String(s)) if s == "or" => Ok(BooleanOperator::Or),
        _ => Err(invalid(
            &format!("{path}.operator"),
            "expected \"and\" or \"or\"",
        )),
    }
}

pub(crate) fn parse_access_control(
    value: &JsonValue,
    path: &str,
) -> Result<AccessControlCondition, CryptoError> {
    let rvt_path = format!("{path}.returnValueTest");
    let rvt = field(value, path, "returnValueTest")?;
    Ok(AccessControlCondition {
        contract_address: string_field(value, path, "contractAddress")?,
        chain: string_field(value, path, "chain")?,
        standard_contract_type: string_field(value, path, "standardContractType")?,
        method: string_field(value, path, "method")?,
        parameters: string_array_field(value, path, "parameters")?,
        return_value_test: ReturnValueTest {
            comparator: string_field(rvt, &rvt_path, "comparator")?,
            value: string_field(rvt, &rvt_path, "value")?,
        },
    })
}

pub(crate) fn parse_evm_contract(
    value: &JsonValue,
    path: &str,
) -> Result<EvmContractCondition, CryptoError> {
    let abi_path = format!("{path}.functionAbi");
    let abi = field(value, path, "functionAbi")?;
    if !matches!(abi, JsonValue::Object(_)) {
        return Err(invalid(&abi_path, "expected an object"));
    }
    let constant = match abi.get("constant") {
        None => false,
        Some(JsonValue::Bool(b)) => *b,
        Some(_) => {
            return Err(invalid(
                &format!("{abi_path}.constant"),
                "expected a boolean",
            ))
        }
    };
    let state_mutability = match abi.get("stateMutability") {
        None => None,
        Some(JsonValue::String(s)) => Some(s.clone()),
        Some(_) => {
            return Err(invalid(
                &format!("{abi_path}.stateMutability"),
                "expected a string",
            ))
        }
    };
    Ok(EvmContractCondition {
        contract_address: string_field(value, path, "contractAddress")?,
        function_name: string_field(value, path, "functionName")?,
        function_params: string_array_field(value, path, "functionParams")?,
        function_abi: FunctionAbi {
            name: string_field(abi, &abi_path, "name")?,
            inputs: abi_params(abi, &abi_path, "inputs")?,
            outputs: abi_params(abi, &abi_path, "outputs")?,
            constant,
            state_mutability,
        },
        chain: string_field(value, path, "chain")?,
        return_value_test: return_value_test_v2(value, path)?,
    })
}

pub(crate) fn parse_sol_rpc(
    value: &JsonValue,
    path: &str,
    require_v2: bool,
) -> Result<SolRpcCondition, CryptoError> {
    let params = match field(value, path, "params")? {
        JsonValue::Array(items) => items.clone(),
        _ => return Err(invalid(&format!("{path}.params"), "expected an array")),
    };
    // The SDK's test for a v2 condition: a `pdaParams` key is present (unified ones must be v2).
    let pda = if value.get("pdaParams").is_some() || require_v2 {
        let missing =
            "solRpc v2 conditions need pdaParams, pdaInterface {offset, fields} and pdaKey";
        let interface_path = format!("{path}.pdaInterface");
        let interface = value
            .get("pdaInterface")
            .ok_or_else(|| invalid(path, missing))?;
        let offset = match interface.get("offset") {
            Some(JsonValue::Number(n)) => n.as_u64().ok_or_else(|| {
                invalid(
                    &format!("{interface_path}.offset"),
                    "expected a non-negative integer",
                )
            })?,
            Some(_) => {
                return Err(invalid(
                    &format!("{interface_path}.offset"),
                    "expected a non-negative integer",
                ))
            }
            None => return Err(invalid(path, missing)),
        };
        let fields = match interface.get("fields") {
            Some(fields @ JsonValue::Object(entries)) => {
                if entries
                    .iter()
                    .any(|(_, v)| !matches!(v, JsonValue::Number(n) if n.as_u64().is_some()))
                {
                    return Err(invalid(
                        &format!("{interface_path}.fields"),
                        "expected an object of non-negative integers",
                    ));
                }
                fields.clone()
            }
            Some(_) => {
                return Err(invalid(
                    &format!("{interface_path}.fields"),
                    "expected an object",
                ))
            }
            None => return Err(invalid(path, missing)),
        };
        if value.get("pdaKey").is_none() || value.get("pdaParams").is_none() {
            return Err(invalid(path, missing));
        }
        Some(SolPda {
            params: string_array_field(value, path, "pdaParams")?,
            interface: SolPdaInterface { offset, fields },
            key: string_field(value, path, "pdaKey")?,
        })
    } else {
        None
    };
    Ok(SolRpcCondition {
        method: string_field(value, path, "method")?,
        params,
        pda,
        chain: string_field(value, path, "chain")?,
        return_value_test: return_value_test_v2(value, path)?,
    })
}

fn parse_cosmos(value: &JsonValue, path: &str) -> Result<CosmosCondition, CryptoError> {
    let method = match value.get("method") {
        None => None,
        Some(JsonValue::String(s)) => Some(s.clone()),
        Some(_) => return Err(invalid(&format!("{path}.method"), "expected a string")),
    };
    let parameters = match value.get("parameters") {
        None => None,
        Some(_) => Some(string_array_field(value, path, "parameters")?),
    };
    Ok(CosmosCondition {
        path: string_field(value, path, "path")?,
        chain: string_field(value, path, "chain")?,
        method,
        parameters,
        return_value_test: return_value_test_v2(value, path)?,
    })
}

/// The four unified kinds in the order Lit's node tries them (its untagged
/// `UnifiedAccessControlCondition` enum), with the keys each needs.
const UNIFIED_SHAPES: [(&str, &[&str]); 4] = [
    (
        "evmBasic",
        &[
            "contractAddress",
            "chain",
            "standardContractType",
            "method",
            "parameters",
            "returnValueTest",
        ],
    ),
    ("solRpc", &["method", "params", "chain", "returnValueTest"]),
    (
        "evmContract",
        &[
            "contractAddress",
            "functionName",
            "functionParams",
            "functionAbi",
            "chain",
            "returnValueTest",
        ],
    ),
    ("cosmos", &["path", "chain", "returnValueTest"]),
];

fn parse_unified_as(
    kind: &str,
    value: &JsonValue,
    path: &str,
) -> Result<UnifiedCondition, CryptoError> {
    Ok(match kind {
        "evmBasic" => UnifiedCondition::EvmBasic(parse_access_control(value, path)?),
        // The SDK only sends v2 Solana conditions in unified lists; see `parse_unified`.
        "solRpc" => UnifiedCondition::SolRpc(parse_sol_rpc(value, path, true)?),
        "evmContract" => UnifiedCondition::EvmContract(parse_evm_contract(value, path)?),
        _ => UnifiedCondition::Cosmos(parse_cosmos(value, path)?),
    })
}

/// Parses a unified condition by its shape, as Lit's node does: the first of evmBasic, solRpc,
/// evmContract, cosmos whose fields it has. `conditionType` is ignored, as the node ignores it:
/// the SDK uses it only to pick a formatter and drops it from what it sends.
///
/// A Solana condition without its PDA fields is refused: the SDK refuses to send one in a
/// unified list, so no ciphertext it made can be under such a condition.
///
/// When no shape fits, the error is the one of the kind `conditionType` names, or else of the
/// kind whose keys the condition has most of, so it points at the field to fix.
pub(crate) fn parse_unified(
    value: &JsonValue,
    path: &str,
) -> Result<UnifiedCondition, CryptoError> {
    let mut errors = Vec::with_capacity(UNIFIED_SHAPES.len());
    for (kind, _) in UNIFIED_SHAPES {
        match parse_unified_as(kind, value, path) {
            Ok(condition) => return Ok(condition),
            Err(error) => errors.push(error),
        }
    }
    let named = match value.get("conditionType") {
        Some(JsonValue::String(name)) => UNIFIED_SHAPES.iter().position(|(kind, _)| kind == name),
        _ => None,
    };
    let closest = || {
        let present = |keys: &[&str]| {
            keys.iter().filter(|k| value.get(k).is_some()).count() * 100 / keys.len()
        };
        // max_by_key keeps the last maximum; reversing keeps Lit's order on ties.
        (0..UNIFIED_SHAPES.len())
            .rev()
            .max_by_key(|&i| present(UNIFIED_SHAPES[i].1))
            .unwrap_or(0)
    };
    Err(errors.swap_remove(named.unwrap_or_else(closest)))
}

fn return_value_test_v2(value: &JsonValue, path: &str) -> Result<ReturnValueTestV2, CryptoError> {
    let rvt_path = format!("{path}.returnValueTest");
    let rvt = field(value, path, "returnValueTest")?;
    Ok(ReturnValueTestV2 {
        key: string_field(rvt, &rvt_path, "key")?,
        comparator: string_field(rvt, &rvt_path, "comparator")?,
        value: string_field(rvt, &rvt_path, "value")?,
    })
}

fn abi_params(
    abi: &JsonValue,
    path: &str,
    key: &'static str,
) -> Result<Vec<AbiParam>, CryptoError> {
    let list_path = format!("{path}.{key}");
    let JsonValue::Array(items) = field(abi, path, key)? else {
        return Err(invalid(&list_path, "expected an array"));
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let item_path = format!("{list_path}[{i}]");
            Ok(AbiParam {
                name: string_field(item, &item_path, "name")?,
                kind: string_field(item, &item_path, "type")?,
            })
        })
        .collect()
}

fn field<'a>(
    value: &'a JsonValue,
    path: &str,
    key: &'static str,
) -> Result<&'a JsonValue, CryptoError> {
    if !matches!(value, JsonValue::Object(_)) {
        return Err(invalid(path, "expected an object"));
    }
    value.get(key).ok_or_else(|| CryptoError::InvalidCondition {
        path: format!("{path}.{key}"),
        reason: "missing",
    })
}

fn string_field(value: &JsonValue, path: &str, key: &'static str) -> Result<String, CryptoError> {
    match field(value, path, key)? {
        JsonValue::String(s) => Ok(s.clone()),
        _ => Err(invalid(&format!("{path}.{key}"), "expected a string")),
    }
}

fn string_array_field(
    value: &JsonValue,
    path: &str,
    key: &'static str,
) -> Result<Vec<String>, CryptoError> {
    match field(value, path, key)? {
        JsonValue::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| match item {
                JsonValue::String(s) => Ok(s.clone()),
                _ => Err(invalid(&format!("{path}.{key}[{i}]"), "expected a string")),
            })
            .collect(),
        _ => Err(invalid(
            &format!("{path}.{key}"),
            "expected an array of strings",
        )),
    }
}

fn invalid(path: &str, reason: &'static str) -> CryptoError {
    CryptoError::InvalidCondition {
        path: path.to_owned(),
        reason,
    }
}

// ---------------------------------------------------------------------------------------------
// Canonical JSON (the text that is hashed) and the wire form sent to nodes

/// Writes JSON objects key by key in a fixed order, as the SDK's formatters build them.
pub(crate) struct ObjectWriter<'a> {
    out: &'a mut String,
    first: bool,
}

impl<'a> ObjectWriter<'a> {
    pub(crate) fn new(out: &'a mut String) -> Self {
        out.push('{');
        ObjectWriter { out, first: true }
    }

    fn key(&mut self, key: &str) -> &mut String {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        write_js_string(key, self.out);
        self.out.push(':');
        self.out
    }

    pub(crate) fn string(&mut self, key: &str, value: &str) -> &mut Self {
        write_js_string(value, self.key(key));
        self
    }

    fn strings(&mut self, key: &str, values: &[String]) -> &mut Self {
        let out = self.key(key);
        out.push('[');
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            write_js_string(v, out);
        }
        out.push(']');
        self
    }

    fn raw(&mut self, key: &str, write: impl FnOnce(&mut String)) -> &mut Self {
        write(self.key(key));
        self
    }

    pub(crate) fn end(&mut self) {
        self.out.push('}');
    }
}

/// Where a condition's JSON is going: the hash input and the node request drop
/// `conditionType`; a document for people and for the SDK's own input keeps it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Form {
    Canonical,
    Document,
}

/// A condition kind that can write its own canonical JSON.
pub(crate) trait WriteCondition {
    fn write(&self, out: &mut String, form: Form);
}

pub(crate) fn write_list<T: WriteCondition>(
    items: &[ConditionItem<T>],
    out: &mut String,
    form: Form,
) {
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match item {
            ConditionItem::Condition(c) => c.write(out, form),
            ConditionItem::Operator(op) => {
                ObjectWriter::new(out).string("operator", op.as_str()).end();
            }
            ConditionItem::Group(group) => write_list(group, out, form),
        }
    }
    out.push(']');
}

fn write_rvt_v2(rvt: &ReturnValueTestV2, out: &mut String) {
    ObjectWriter::new(out)
        .string("key", &rvt.key)
        .string("comparator", &rvt.comparator)
        .string("value", &rvt.value)
        .end();
}

fn write_abi_params(params: &[AbiParam], out: &mut String) {
    out.push('[');
    for (i, p) in params.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        ObjectWriter::new(out)
            .string("name", &p.name)
            .string("type", &p.kind)
            .end();
    }
    out.push(']');
}

fn write_values(values: &[JsonValue], out: &mut String) {
    out.push('[');
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        v.write_js(out);
    }
    out.push(']');
}

fn begin<'a>(
    out: &'a mut String,
    form: Form,
    condition_type: &str,
    unified: bool,
) -> ObjectWriter<'a> {
    let mut w = ObjectWriter::new(out);
    if unified && form == Form::Document {
        w.string("conditionType", condition_type);
    }
    w
}

impl AccessControlCondition {
    fn write_as(&self, out: &mut String, form: Form, unified: bool) {
        begin(out, form, "evmBasic", unified)
            .string("contractAddress", &self.contract_address)
            .string("chain", &self.chain)
            .string("standardContractType", &self.standard_contract_type)
            .string("method", &self.method)
            .strings("parameters", &self.parameters)
            .raw("returnValueTest", |out| {
                ObjectWriter::new(out)
                    .string("comparator", &self.return_value_test.comparator)
                    .string("value", &self.return_value_test.value)
                    .end()
            })
            .end();
    }
}

impl EvmContractCondition {
    fn write_as(&self, out: &mut String, form: Form, unified: bool) {
        let abi = &self.function_abi;
        begin(out, form, "evmContract", unified)
            .string("contractAddress", &self.contract_address)
            .string("functionName", &self.function_name)
            .strings("functionParams", &self.function_params)
            .raw("functionAbi", |out| {
                let mut w = ObjectWriter::new(out);
                w.string("name", &abi.name)
                    .raw("inputs", |out| write_abi_params(&abi.inputs, out))
                    .raw("outputs", |out| write_abi_params(&abi.outputs, out))
                    .raw("constant", |out| {
                        out.push_str(if abi.constant { "true" } else { "false" })
                    });
                if let Some(sm) = &abi.state_mutability {
                    w.string("stateMutability", sm);
                }
                w.end();
            })
            .string("chain", &self.chain)
            .raw("returnValueTest", |out| {
                write_rvt_v2(&self.return_value_test, out)
            })
            .end();
    }
}

impl SolRpcCondition {
    fn write_as(&self, out: &mut String, form: Form, unified: bool) {
        let mut w = begin(out, form, "solRpc", unified);
        w.string("method", &self.method)
            .raw("params", |out| write_values(&self.params, out));
        if let Some(pda) = &self.pda {
            w.strings("pdaParams", &pda.params)
                .raw("pdaInterface", |out| {
                    ObjectWriter::new(out)
                        .raw("offset", |out| {
                            out.push_str(&pda.interface.offset.to_string())
                        })
                        .raw("fields", |out| pda.interface.fields.write_js(out))
                        .end()
                })
                .string("pdaKey", &pda.key);
        }
        w.string("chain", &self.chain)
            .raw("returnValueTest", |out| {
                write_rvt_v2(&self.return_value_test, out)
            })
            .end();
    }
}

impl CosmosCondition {
    fn write_as(&self, out: &mut String, form: Form, unified: bool) {
        let mut w = begin(out, form, "cosmos", unified);
        w.string("path", &self.path).string("chain", &self.chain);
        if let Some(method) = &self.method {
            w.string("method", method);
        }
        if let Some(parameters) = &self.parameters {
            w.strings("parameters", parameters);
        }
        w.raw("returnValueTest", |out| {
            write_rvt_v2(&self.return_value_test, out)
        })
        .end();
    }
}

impl WriteCondition for AccessControlCondition {
    fn write(&self, out: &mut String, form: Form) {
        self.write_as(out, form, false)
    }
}

impl WriteCondition for EvmContractCondition {
    fn write(&self, out: &mut String, form: Form) {
        self.write_as(out, form, false)
    }
}

impl WriteCondition for SolRpcCondition {
    fn write(&self, out: &mut String, form: Form) {
        self.write_as(out, form, false)
    }
}

impl WriteCondition for UnifiedCondition {
    fn write(&self, out: &mut String, form: Form) {
        match self {
            UnifiedCondition::EvmBasic(c) => c.write_as(out, form, true),
            UnifiedCondition::EvmContract(c) => c.write_as(out, form, true),
            UnifiedCondition::SolRpc(c) => c.write_as(out, form, true),
            UnifiedCondition::Cosmos(c) => c.write_as(out, form, true),
        }
    }
}

/// Counts leaf conditions, through groups.
pub(crate) fn count_conditions<T>(items: &[ConditionItem<T>]) -> usize {
    items
        .iter()
        .map(|item| match item {
            ConditionItem::Condition(_) => 1,
            ConditionItem::Operator(_) => 0,
            ConditionItem::Group(group) => count_conditions(group),
        })
        .sum()
}
