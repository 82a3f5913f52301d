//! Mutation strategies: edits that turn valid text and JSON into hostile input, for properties
//! of the form "nothing panics, and what still parses is still right". What differs between
//! crates (the tokens worth inserting, the values worth putting in a tree) is a parameter.

use proptest::prelude::*;
use proptest::strategy::Union;
use serde_json::Value;

/// One edit of a text, at positions taken modulo its length in characters (or in lines).
#[derive(Clone, Debug)]
pub enum TextEdit {
    /// Inserts the text at a position.
    Insert(usize, String),
    /// Deletes up to that many characters from a position.
    Delete(usize, usize),
    /// Replaces up to that many characters from a position with the text.
    Replace(usize, usize, String),
    /// Replaces a whole line.
    ReplaceLine(usize, String),
    /// Inserts a copy of a line before it.
    DuplicateLine(usize),
    /// Swaps two lines.
    SwapLines(usize, usize),
}

/// `text` with the characters from `at` (modulo the length plus one) up to `cut` more replaced
/// by `with`.
pub fn splice(text: &str, at: usize, cut: usize, with: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let start = at % (chars.len() + 1);
    let end = (start + cut).min(chars.len());
    let mut out: String = chars[..start].iter().collect();
    out.push_str(with);
    out.extend(&chars[end..]);
    out
}

/// `text` with `edit` applied.
pub fn apply_text(text: &str, edit: &TextEdit) -> String {
    let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
    let line = |i: usize| i % lines.len();
    match edit {
        TextEdit::Insert(i, with) => splice(text, *i, 0, with),
        TextEdit::Delete(i, len) => splice(text, *i, *len, ""),
        TextEdit::Replace(i, len, with) => splice(text, *i, *len, with),
        TextEdit::ReplaceLine(i, with) => {
            let i = line(*i);
            lines[i] = with.clone();
            lines.join("\n")
        }
        TextEdit::DuplicateLine(i) => {
            let i = line(*i);
            let copy = lines[i].clone();
            lines.insert(i, copy);
            lines.join("\n")
        }
        TextEdit::SwapLines(i, j) => {
            let (i, j) = (line(*i), line(*j));
            lines.swap(i, j);
            lines.join("\n")
        }
    }
}

/// `text` with `edits` applied in turn.
pub fn edited(text: &str, edits: &[TextEdit]) -> String {
    edits
        .iter()
        .fold(text.to_owned(), |text, edit| apply_text(&text, edit))
}

/// Text to insert: one of `tokens` four times in five, else any string.
pub fn fragments(tokens: &[&'static str]) -> BoxedStrategy<String> {
    prop_oneof![
        4 => prop::sample::select(tokens.to_vec()).prop_map(str::to_owned),
        1 => any::<String>(),
    ]
    .boxed()
}

/// One [`TextEdit`], inserting and replacing with `fragment`.
pub fn text_edit(
    fragment: impl Strategy<Value = String> + Clone + 'static,
) -> BoxedStrategy<TextEdit> {
    let pos = any::<usize>();
    prop_oneof![
        (pos, fragment.clone()).prop_map(|(i, s)| TextEdit::Insert(i, s)),
        (pos, 1usize..40).prop_map(|(i, n)| TextEdit::Delete(i, n)),
        (pos, 1usize..12, fragment.clone()).prop_map(|(i, n, s)| TextEdit::Replace(i, n, s)),
        (pos, fragment).prop_map(|(i, s)| TextEdit::ReplaceLine(i, s)),
        pos.prop_map(TextEdit::DuplicateLine),
        (pos, pos).prop_map(|(i, j)| TextEdit::SwapLines(i, j)),
    ]
    .boxed()
}

/// The size of the JSON trees [`json_value`] makes (see `prop_recursive`).
#[derive(Clone, Copy, Debug)]
pub struct TreeShape {
    /// How deep arrays and objects nest.
    pub depth: u32,
    /// About how many nodes a tree has at most.
    pub desired_size: u32,
    /// How many items an array or object has at most (exclusive).
    pub branch: usize,
}

/// A JSON value: null, booleans, finite numbers, strings from `fragment`, one of `specials`
/// (as likely as each other leaf), or arrays and objects of those shaped as `shape`.
pub fn json_value(
    fragment: impl Strategy<Value = String> + Clone + 'static,
    specials: Vec<Value>,
    shape: TreeShape,
) -> BoxedStrategy<Value> {
    let mut leaves: Vec<(u32, BoxedStrategy<Value>)> = vec![
        (1, Just(Value::Null).boxed()),
        (1, any::<bool>().prop_map(Value::Bool).boxed()),
        (1, any::<i64>().prop_map(Value::from).boxed()),
        (
            1,
            any::<f64>()
                .prop_filter("JSON numbers are finite", |f| f.is_finite())
                .prop_map(Value::from)
                .boxed(),
        ),
        (1, fragment.clone().prop_map(Value::String).boxed()),
    ];
    if !specials.is_empty() {
        // Weighted by their number, so each special is as likely as each other leaf.
        let weight = u32::try_from(specials.len()).expect("a few specials");
        leaves.push((weight, prop::sample::select(specials).boxed()));
    }
    let TreeShape {
        depth,
        desired_size,
        branch,
    } = shape;
    Union::new_weighted(leaves)
        .prop_recursive(depth, desired_size, 4, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..branch).prop_map(Value::Array),
                prop::collection::btree_map(fragment.clone(), inner, 0..branch)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
        .boxed()
}

/// One change to a JSON tree, at the node numbered by the first field (pre-order, modulo the
/// node count).
#[derive(Clone, Debug)]
pub enum JsonEdit {
    /// Replaces the node.
    Replace(usize, Value),
    /// Edits a string node as text; any other node is printed as JSON, edited, and becomes
    /// that string.
    EditString(usize, Vec<TextEdit>),
    /// Inserts the text into a string node at a character position; other nodes stay.
    InsertInString(usize, usize, String),
    /// Removes an item of an array or object node.
    RemoveChild(usize, usize),
    /// Appends a copy of an item of an array node.
    DuplicateChild(usize, usize),
    /// Wraps the node in that many arrays (nesting bombs).
    Wrap(usize, usize),
}

/// How likely each kind of [`JsonEdit`] is in [`json_edit`]; a kind weighted 0 is never made.
#[derive(Clone, Copy, Debug, Default)]
pub struct JsonEditWeights {
    /// [`JsonEdit::Replace`].
    pub replace: u32,
    /// [`JsonEdit::EditString`] (with one to three [`text_edit`]s).
    pub edit_string: u32,
    /// [`JsonEdit::InsertInString`].
    pub insert_in_string: u32,
    /// [`JsonEdit::RemoveChild`].
    pub remove_child: u32,
    /// [`JsonEdit::DuplicateChild`].
    pub duplicate_child: u32,
    /// [`JsonEdit::Wrap`] (one to 39 arrays deep).
    pub wrap: u32,
}

/// One [`JsonEdit`] of the kinds `weights` allows, replacing with `values` and inserting
/// `fragment`.
///
/// # Panics
/// If every weight is 0.
pub fn json_edit(
    values: impl Strategy<Value = Value> + 'static,
    fragment: impl Strategy<Value = String> + Clone + 'static,
    weights: JsonEditWeights,
) -> BoxedStrategy<JsonEdit> {
    let node = any::<usize>();
    let kinds: Vec<(u32, BoxedStrategy<JsonEdit>)> = vec![
        (
            weights.replace,
            (node, values)
                .prop_map(|(n, v)| JsonEdit::Replace(n, v))
                .boxed(),
        ),
        (
            weights.edit_string,
            (
                node,
                prop::collection::vec(text_edit(fragment.clone()), 1..4),
            )
                .prop_map(|(n, e)| JsonEdit::EditString(n, e))
                .boxed(),
        ),
        (
            weights.insert_in_string,
            (node, any::<usize>(), fragment)
                .prop_map(|(n, i, s)| JsonEdit::InsertInString(n, i, s))
                .boxed(),
        ),
        (
            weights.remove_child,
            (node, any::<usize>())
                .prop_map(|(n, c)| JsonEdit::RemoveChild(n, c))
                .boxed(),
        ),
        (
            weights.duplicate_child,
            (node, any::<usize>())
                .prop_map(|(n, c)| JsonEdit::DuplicateChild(n, c))
                .boxed(),
        ),
        (
            weights.wrap,
            (node, 1usize..40)
                .prop_map(|(n, d)| JsonEdit::Wrap(n, d))
                .boxed(),
        ),
    ];
    let kinds: Vec<_> = kinds
        .into_iter()
        .filter(|(weight, _)| *weight > 0)
        .collect();
    assert!(!kinds.is_empty(), "at least one kind of JSON edit");
    Union::new_weighted(kinds).boxed()
}

/// The number of nodes in the tree: the value, and every item of its arrays and objects.
pub fn node_count(value: &Value) -> usize {
    1 + match value {
        Value::Array(items) => items.iter().map(node_count).sum(),
        Value::Object(map) => map.values().map(node_count).sum(),
        _ => 0,
    }
}

/// The node numbered `n` in pre-order; `n` is counted down through the nodes passed.
pub fn nth_node<'a>(value: &'a mut Value, n: &mut usize) -> Option<&'a mut Value> {
    if *n == 0 {
        return Some(value);
    }
    *n -= 1;
    match value {
        Value::Array(items) => items.iter_mut().find_map(|item| nth_node(item, n)),
        Value::Object(map) => map.values_mut().find_map(|item| nth_node(item, n)),
        _ => None,
    }
}

/// Applies `edit` to `value` in place; an edit that does not fit its node does nothing.
pub fn apply_json(value: &mut Value, edit: &JsonEdit) {
    let node = match edit {
        JsonEdit::Replace(n, _)
        | JsonEdit::EditString(n, _)
        | JsonEdit::InsertInString(n, _, _)
        | JsonEdit::RemoveChild(n, _)
        | JsonEdit::DuplicateChild(n, _)
        | JsonEdit::Wrap(n, _) => *n,
    };
    let mut n = node % node_count(value);
    let Some(target) = nth_node(value, &mut n) else {
        return;
    };
    match (edit, target) {
        (JsonEdit::Replace(_, with), target) => *target = with.clone(),
        (JsonEdit::EditString(_, edits), Value::String(text)) => *text = edited(text, edits),
        (JsonEdit::EditString(_, edits), target) => {
            *target = Value::String(edited(&target.to_string(), edits))
        }
        (JsonEdit::InsertInString(_, at, with), Value::String(text)) => {
            *text = splice(text, *at, 0, with);
        }
        (JsonEdit::RemoveChild(_, child), Value::Array(items)) if !items.is_empty() => {
            items.remove(child % items.len());
        }
        (JsonEdit::RemoveChild(_, child), Value::Object(map)) if !map.is_empty() => {
            let key = map
                .keys()
                .nth(child % map.len())
                .cloned()
                .unwrap_or_default();
            map.remove(&key);
        }
        (JsonEdit::DuplicateChild(_, child), Value::Array(items)) if !items.is_empty() => {
            let copy = items[child % items.len()].clone();
            items.push(copy);
        }
        (JsonEdit::Wrap(_, depth), target) => {
            for _ in 0..*depth {
                *target = Value::Array(vec![target.take()]);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn text_edits_take_positions_modulo_the_length() {
        assert_eq!(splice("abc", 4, 1, "X"), "Xbc");
        assert_eq!(splice("", 7, 3, "X"), "X");
        assert_eq!(apply_text("a\nb", &TextEdit::SwapLines(0, 3)), "b\na");
        assert_eq!(apply_text("a\nb", &TextEdit::DuplicateLine(1)), "a\nb\nb");
    }

    #[test]
    fn json_edits_reach_nodes_in_pre_order() {
        let mut value = json!({"a": ["x", 1]});
        assert_eq!(node_count(&value), 4);
        apply_json(&mut value, &JsonEdit::InsertInString(2, 1, "y".into()));
        assert_eq!(value, json!({"a": ["xy", 1]}));
        apply_json(&mut value, &JsonEdit::Wrap(7, 2));
        assert_eq!(value, json!({"a": ["xy", [[1]]]}));
        apply_json(
            &mut value,
            &JsonEdit::EditString(3, vec![TextEdit::Delete(0, 1)]),
        );
        assert_eq!(value, json!({"a": ["xy", "[1]]"]}));
    }
}
