//! The embedded chain's journal: every change to its state, in order, in `redb`, so a restart
//! replays them into the same chain (same blocks, hashes, contracts and storage). Each entry is
//! committed before the change is answered; a snapshot revert cuts the journal back.

use crate::Error;
use alloy_primitives::{Address, Bytes, B256, U256};
use redb::{Database, ReadableDatabase, ReadableTable, ReadableTableMetadata, TableDefinition};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Key: the entry's position; value: its JSON.
const ENTRIES: TableDefinition<u64, &[u8]> = TableDefinition::new("embedded_evm_journal");

/// The journal's file inside the chain's data dir.
pub(crate) const JOURNAL_FILE: &str = "embedded-evm.redb";

/// One change, with the block timestamp it was made at where it made a block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "camelCase")]
pub(crate) enum Entry {
    /// The chain's first block, at `timestamp` (always the first entry).
    Genesis { timestamp: u64 },
    /// A raw transaction mined in a block at `timestamp`.
    Transaction { timestamp: u64, raw: Bytes },
    /// An empty block at `timestamp`.
    Mine { timestamp: u64 },
    /// `anvil_setBalance`.
    SetBalance { address: Address, balance: U256 },
    /// `anvil_setCode`.
    SetCode { address: Address, code: Bytes },
    /// `anvil_setStorageAt`.
    SetStorage {
        address: Address,
        slot: U256,
        value: B256,
    },
    /// `evm_increaseTime`.
    IncreaseTime { seconds: u64 },
}

pub(crate) struct Journal {
    db: Database,
}

fn storage<E: std::error::Error + Send + Sync + 'static>(err: E) -> Error {
    Error::Storage(Box::new(err))
}

impl Journal {
    /// Opens (or creates) the journal in `data_dir`.
    pub(crate) fn open(data_dir: &Path) -> Result<Self, Error> {
        std::fs::create_dir_all(data_dir)?;
        let db = Database::create(data_dir.join(JOURNAL_FILE)).map_err(storage)?;
        let txn = db.begin_write().map_err(storage)?;
        txn.open_table(ENTRIES).map_err(storage)?;
        txn.commit().map_err(storage)?;
        Ok(Self { db })
    }

    /// Every entry, in order.
    pub(crate) fn entries(&self) -> Result<Vec<Entry>, Error> {
        let txn = self.db.begin_read().map_err(storage)?;
        let table = txn.open_table(ENTRIES).map_err(storage)?;
        let mut entries = Vec::new();
        for entry in table.iter().map_err(storage)? {
            let (_, value) = entry.map_err(storage)?;
            entries.push(serde_json::from_slice(value.value()).map_err(storage)?);
        }
        Ok(entries)
    }

    /// How many entries there are.
    pub(crate) fn len(&self) -> Result<u64, Error> {
        let txn = self.db.begin_read().map_err(storage)?;
        let table = txn.open_table(ENTRIES).map_err(storage)?;
        table.len().map_err(storage)
    }

    /// Appends `entry`, durably.
    pub(crate) fn append(&self, entry: &Entry) -> Result<(), Error> {
        let value = serde_json::to_vec(entry).map_err(storage)?;
        let txn = self.db.begin_write().map_err(storage)?;
        {
            let mut table = txn.open_table(ENTRIES).map_err(storage)?;
            let next = table.len().map_err(storage)?;
            table.insert(next, value.as_slice()).map_err(storage)?;
        }
        txn.commit().map_err(storage)
    }

    /// Drops every entry from position `len` on.
    pub(crate) fn truncate(&self, len: u64) -> Result<(), Error> {
        let txn = self.db.begin_write().map_err(storage)?;
        {
            let mut table = txn.open_table(ENTRIES).map_err(storage)?;
            table
                .retain(|position, _| position < len)
                .map_err(storage)?;
        }
        txn.commit().map_err(storage)
    }
}
