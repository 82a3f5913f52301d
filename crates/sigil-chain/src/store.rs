//! Persistence of minted capacity credits in `redb`, so a devchain restart keeps them.

use crate::{CapacityCredit, Error};
use alloy_primitives::U256;
use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};
use std::path::Path;

/// Key: the token id as 32 big-endian bytes (so byte order is numeric order); value: the
/// credit's JSON.
const CREDITS: TableDefinition<&[u8], &[u8]> = TableDefinition::new("capacity_credits");

/// The file name of the devchain database inside its data dir.
pub(crate) const DB_FILE_NAME: &str = "devchain.redb";

pub(crate) struct CreditStore {
    db: Database,
}

fn storage<E: std::error::Error + Send + Sync + 'static>(err: E) -> Error {
    Error::Storage(Box::new(err))
}

impl CreditStore {
    /// Opens (or creates) the database in `data_dir`, creating the directory if needed.
    pub(crate) fn open(data_dir: &Path) -> Result<Self, Error> {
        std::fs::create_dir_all(data_dir)?;
        let db = Database::create(data_dir.join(DB_FILE_NAME)).map_err(storage)?;
        // Create the table up front so reads of a fresh database find it.
        let txn = db.begin_write().map_err(storage)?;
        txn.open_table(CREDITS).map_err(storage)?;
        txn.commit().map_err(storage)?;
        Ok(Self { db })
    }

    /// Every stored credit, in token-id order.
    pub(crate) fn load_all(&self) -> Result<Vec<CapacityCredit>, Error> {
        let txn = self.db.begin_read().map_err(storage)?;
        let table = txn.open_table(CREDITS).map_err(storage)?;
        let mut credits = Vec::new();
        for entry in table.iter().map_err(storage)? {
            let (_, value) = entry.map_err(storage)?;
            let credit: CapacityCredit = serde_json::from_slice(value.value()).map_err(storage)?;
            credits.push(credit);
        }
        Ok(credits)
    }

    /// Stores one credit (durably: the write transaction commits before this returns).
    pub(crate) fn insert(&self, credit: &CapacityCredit) -> Result<(), Error> {
        let key: [u8; 32] = credit.token_id.to_be_bytes();
        let value = serde_json::to_vec(credit).map_err(storage)?;
        let txn = self.db.begin_write().map_err(storage)?;
        {
            let mut table = txn.open_table(CREDITS).map_err(storage)?;
            table
                .insert(key.as_slice(), value.as_slice())
                .map_err(storage)?;
        }
        txn.commit().map_err(storage)
    }
}

/// The token id after the highest one in `credits` (1 for none).
pub(crate) fn next_token_id<'a>(credits: impl IntoIterator<Item = &'a CapacityCredit>) -> U256 {
    credits
        .into_iter()
        .map(|c| c.token_id)
        .max()
        .map_or(U256::from(1), |max| max.saturating_add(U256::from(1)))
}
