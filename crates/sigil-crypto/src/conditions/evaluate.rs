//! Evaluation of conditions, as Lit's Datil node does it (`lit-node/src/access_control/mod.rs`),
//! for the conditions that need no chain call beyond the latest block's timestamp.

use super::model::{AccessControlCondition, BooleanOperator, ConditionItem, UnifiedCondition};
use crate::CryptoError;
use alloy_primitives::{Address, U256};

/// What a node knows when it evaluates conditions: who is asking, and the chain's latest block.
///
/// Pure on purpose: the node reads both before calling [`super::ConditionSet::evaluate`].
pub trait ConditionEnv {
    /// The address the session signature (or auth sig) proved, substituted for `:userAddress`.
    fn user_address(&self) -> Address;
    /// The timestamp (seconds) of the latest block, compared by `timestamp` conditions.
    fn latest_block_timestamp(&self) -> u64;
}

/// Evaluates one kind's list: check the boolean structure of the whole tree first (Lit refuses
/// a malformed expression before it evaluates anything), then every item in order (an error in
/// any condition is the result, as on Lit's node: no short-circuit), then fold the operators
/// left to right.
pub(crate) fn evaluate_list<T>(
    items: &[ConditionItem<T>],
    eval_leaf: &dyn Fn(&T) -> Result<bool, CryptoError>,
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
    evaluate_group(&items, eval_leaf)
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
) -> Result<bool, CryptoError> {
    let mut results = Vec::with_capacity(items.len() / 2 + 1);
    let mut operators = Vec::with_capacity(items.len() / 2);
    for item in items {
        match item {
            ConditionItem::Condition(c) => results.push(eval_leaf(c)?),
            ConditionItem::Operator(op) => operators.push(*op),
            ConditionItem::Group(group) => results.push(evaluate_group(group, eval_leaf)?),
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
        acc = match op {
            BooleanOperator::And => acc && next,
            BooleanOperator::Or => acc || next,
        };
    }
    Ok(acc)
}

/// One `accessControlConditions` (evmBasic) condition.
pub(crate) fn evaluate_access_control(
    condition: &AccessControlCondition,
    env: &dyn ConditionEnv,
) -> Result<bool, CryptoError> {
    let comparator = condition.return_value_test.comparator.as_str();
    if !condition.standard_contract_type.is_empty() {
        if condition.standard_contract_type == "timestamp" {
            // Lit reads the latest block and compares its timestamp; method and parameters are
            // not looked at.
            let expected = parse_dec_u256(&condition.return_value_test.value)?;
            return Ok(compare_ordered(
                &U256::from(env.latest_block_timestamp()),
                comparator,
                &expected,
                true,
            ));
        }
        return Err(CryptoError::UnsupportedCondition {
            kind: format!(
                "standardContractType {:?}",
                condition.standard_contract_type
            ),
        });
    }
    if !condition.method.is_empty() {
        return Err(CryptoError::UnsupportedCondition {
            kind: format!("method {:?}", condition.method),
        });
    }
    // Signature-only check: parameters[0] after substitution.
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

/// One unified condition: only evmBasic ones can be evaluated here.
pub(crate) fn evaluate_unified(
    condition: &UnifiedCondition,
    env: &dyn ConditionEnv,
) -> Result<bool, CryptoError> {
    match condition {
        UnifiedCondition::EvmBasic(c) => evaluate_access_control(c, env),
        UnifiedCondition::EvmContract(c) => Err(CryptoError::UnsupportedCondition {
            kind: format!("evmContract call {:?}", c.function_name),
        }),
        UnifiedCondition::SolRpc(c) => Err(CryptoError::UnsupportedCondition {
            kind: format!("solRpc method {:?}", c.method),
        }),
        UnifiedCondition::Cosmos(c) => Err(CryptoError::UnsupportedCondition {
            kind: format!("cosmos path {:?}", c.path),
        }),
    }
}

/// Lit's special parameters. `:currentActionIpfsId` is empty outside a Lit Action;
/// `:litParam:<name>` needs the SIWE resources, which this evaluator is not given.
fn substitute(param: &str, env: &dyn ConditionEnv) -> Result<String, CryptoError> {
    if param == ":userAddress" {
        Ok(env.user_address().to_string())
    } else if param == ":currentActionIpfsId" {
        Ok(String::new())
    } else if param.starts_with(":litParam") {
        Err(CryptoError::UnsupportedCondition {
            kind: format!("special parameter {param:?}"),
        })
    } else {
        Ok(param.to_owned())
    }
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
fn compare_ordered<T: Ord>(
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
