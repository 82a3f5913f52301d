//! `sigil conditions hash [FILE|-]`: the hashOfConditions of a conditions document.

use crate::Failure;
use anyhow::Context as _;
use sigil_crypto::conditions::{ConditionSet, MAX_DOCUMENT_BYTES};
use std::io::Read;

#[derive(clap::Subcommand)]
pub enum Command {
    /// Print the hex hashOfConditions of a JSON conditions document.
    ///
    /// The document is `{"accessControlConditions": [...]}` (or `evmContractConditions`,
    /// `solRpcConditions`, `unifiedAccessControlConditions`), or a bare array, taken as
    /// accessControlConditions. The hash is the one the Lit JS SDK v7 computes for the same
    /// conditions, and the one nodes sign under.
    Hash {
        /// File to read, or - for stdin (the default).
        file: Option<String>,
    },
}

pub fn run(command: Command) -> Result<(), Failure> {
    match command {
        Command::Hash { file } => {
            let document = read_document(file.as_deref())?;
            let conditions =
                ConditionSet::from_document(&document).context("invalid conditions document")?;
            println!("{}", conditions.hash_hex());
            Ok(())
        }
    }
}

/// Reads the document from a file or stdin, at most one byte past the limit so that an
/// oversized document is reported by the parser rather than read whole.
fn read_document(file: Option<&str>) -> anyhow::Result<String> {
    let limit = u64::try_from(MAX_DOCUMENT_BYTES + 1).unwrap_or(u64::MAX);
    let mut text = String::new();
    match file {
        None | Some("-") => {
            std::io::stdin()
                .lock()
                .take(limit)
                .read_to_string(&mut text)
                .context("reading stdin")?;
        }
        Some(path) => {
            let handle = std::fs::File::open(path).with_context(|| format!("opening {path}"))?;
            handle
                .take(limit)
                .read_to_string(&mut text)
                .with_context(|| format!("reading {path}"))?;
        }
    }
    Ok(text)
}
