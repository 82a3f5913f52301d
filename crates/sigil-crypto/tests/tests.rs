//! Integration tests, one target (so the crate and blsful link once).

mod acc_vectors;
mod bls_threshold;
mod bls_vectors;
mod conditions_eval;
mod conditions_parse;
mod hd_vectors;
mod other_chain_conditions;
mod properties;
mod properties_mutated;
mod sdk_wire_vectors;
mod secrets;
