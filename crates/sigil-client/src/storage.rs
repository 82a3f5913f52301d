//! Session key and wallet sig storage: the JS SDK's `localStorage` items, as files.

use crate::ClientError;
use serde::{Deserialize, Serialize};
use sigil_auth::{AuthSig, SessionKeyPair};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// File (and JS `localStorage` key) of the session key: `{"publicKey":..,"secretKey":..}`.
pub const SESSION_KEY_FILE: &str = "lit-session-key";
/// File (and JS `localStorage` key) of the wallet sig: the AuthSig JSON.
pub const WALLET_SIG_FILE: &str = "lit-wallet-sig";

/// Stored items are small; anything bigger is not ours.
const MAX_ITEM_BYTES: u64 = 1024 * 1024;

/// A directory holding `lit-session-key` and `lit-wallet-sig`, as the JS SDK keeps them in
/// `localStorage`. Files are written atomically with mode 0600 (the directory 0700), because
/// the session key is a secret: whoever reads it can act as the session until it expires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionStorage {
    dir: PathBuf,
}

/// The JS SDK's stored session key shape.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredSessionKey {
    public_key: String,
    secret_key: String,
}

impl Drop for StoredSessionKey {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.secret_key);
    }
}

impl SessionStorage {
    /// Storage in `dir` (created on first write).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        SessionStorage { dir: dir.into() }
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The stored session key; `None` when absent or unusable (a corrupt item is ignored and
    /// later overwritten, as the JS SDK replaces what it cannot parse).
    pub fn load_session_key(&self) -> Result<Option<SessionKeyPair>, ClientError> {
        let Some(text) = self.read(SESSION_KEY_FILE)? else {
            return Ok(None);
        };
        let Ok(stored) = serde_json::from_str::<StoredSessionKey>(&text) else {
            tracing::warn!(
                file = SESSION_KEY_FILE,
                "stored session key does not parse; a new one will be made"
            );
            return Ok(None);
        };
        match SessionKeyPair::from_secret_hex(&stored.secret_key) {
            Ok(key) if key.public_key_hex() == stored.public_key.to_ascii_lowercase() => {
                Ok(Some(key))
            }
            _ => {
                tracing::warn!(
                    file = SESSION_KEY_FILE,
                    "stored session key is inconsistent; a new one will be made"
                );
                Ok(None)
            }
        }
    }

    /// Stores `key` (0600).
    pub fn store_session_key(&self, key: &SessionKeyPair) -> Result<(), ClientError> {
        let stored = StoredSessionKey {
            public_key: key.public_key_hex(),
            secret_key: key.secret_key_hex().to_string(),
        };
        let json = Zeroizing::new(
            serde_json::to_string(&stored)
                .map_err(|e| self.io_error(SESSION_KEY_FILE, e.into()))?,
        );
        self.write(SESSION_KEY_FILE, json.as_bytes())
    }

    /// The stored wallet sig; `None` when absent or not an AuthSig.
    pub fn load_wallet_sig(&self) -> Result<Option<AuthSig>, ClientError> {
        let Some(text) = self.read(WALLET_SIG_FILE)? else {
            return Ok(None);
        };
        match serde_json::from_str::<AuthSig>(&text) {
            Ok(sig) => Ok(Some(sig)),
            Err(_) => {
                tracing::warn!(
                    file = WALLET_SIG_FILE,
                    "stored wallet sig does not parse; ignoring it"
                );
                Ok(None)
            }
        }
    }

    /// Stores `sig` (0600).
    pub fn store_wallet_sig(&self, sig: &AuthSig) -> Result<(), ClientError> {
        let json =
            serde_json::to_string(sig).map_err(|e| self.io_error(WALLET_SIG_FILE, e.into()))?;
        self.write(WALLET_SIG_FILE, json.as_bytes())
    }

    /// Removes both items (absent ones are fine).
    pub fn clear(&self) -> Result<(), ClientError> {
        for name in [SESSION_KEY_FILE, WALLET_SIG_FILE] {
            match std::fs::remove_file(self.dir.join(name)) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(self.io_error(name, e)),
            }
        }
        Ok(())
    }

    fn io_error(&self, name: &str, source: std::io::Error) -> ClientError {
        ClientError::Storage {
            path: self.dir.join(name),
            source,
        }
    }

    fn read(&self, name: &str) -> Result<Option<Zeroizing<String>>, ClientError> {
        let path = self.dir.join(name);
        let file = match std::fs::File::open(&path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(self.io_error(name, e)),
        };
        let mut text = Zeroizing::new(String::new());
        file.take(MAX_ITEM_BYTES)
            .read_to_string(&mut text)
            .map_err(|e| self.io_error(name, e))?;
        Ok(Some(text))
    }

    fn write(&self, name: &str, bytes: &[u8]) -> Result<(), ClientError> {
        create_private_dir(&self.dir).map_err(|e| ClientError::Storage {
            path: self.dir.clone(),
            source: e,
        })?;
        // Write a temporary file and rename it over the item, so a reader never sees half an
        // item and the final file has the temporary file's 0600 mode from its creation.
        let temp_name = format!(".{name}.{:016x}.tmp", rand::random::<u64>());
        let temp_path = self.dir.join(&temp_name);
        let result = (|| {
            let mut file = open_private(&temp_path)?;
            file.write_all(bytes)?;
            file.sync_all()?;
            std::fs::rename(&temp_path, self.dir.join(name))
        })();
        if let Err(e) = result {
            let _ = std::fs::remove_file(&temp_path);
            return Err(self.io_error(name, e));
        }
        Ok(())
    }
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(dir)
    }
}

fn open_private(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn storage() -> (tempfile::TempDir, SessionStorage) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
        let storage = SessionStorage::new(dir.path().join("sessions"));
        (dir, storage)
    }

    #[test]
    fn session_key_round_trips_in_the_js_shape() -> Result<(), ClientError> {
        let (_dir, storage) = storage();
        assert!(storage.load_session_key()?.is_none());
        let key = SessionKeyPair::from_seed([7u8; 32]);
        storage.store_session_key(&key)?;
        let loaded = storage.load_session_key()?.map(|k| k.public_key_hex());
        assert_eq!(loaded, Some(key.public_key_hex()));
        let text = std::fs::read_to_string(storage.dir().join(SESSION_KEY_FILE))
            .map_err(|e| storage.io_error(SESSION_KEY_FILE, e))?;
        let json: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        assert_eq!(json["publicKey"], key.public_key_hex());
        assert_eq!(json["secretKey"].as_str().map(str::len), Some(128));
        Ok(())
    }

    #[cfg(unix)]
    #[test]
    fn stored_items_are_private_to_the_owner() -> Result<(), ClientError> {
        use std::os::unix::fs::PermissionsExt;
        let (_dir, storage) = storage();
        storage.store_session_key(&SessionKeyPair::from_seed([1u8; 32]))?;
        let mode = |p: PathBuf| {
            std::fs::metadata(p)
                .map(|m| m.permissions().mode() & 0o777)
                .ok()
        };
        assert_eq!(mode(storage.dir().join(SESSION_KEY_FILE)), Some(0o600));
        assert_eq!(mode(storage.dir().to_path_buf()), Some(0o700));
        Ok(())
    }

    #[test]
    fn corrupt_items_are_ignored() -> Result<(), ClientError> {
        let (_dir, storage) = storage();
        storage.write(SESSION_KEY_FILE, b"{not json")?;
        storage.write(WALLET_SIG_FILE, b"[]")?;
        assert!(storage.load_session_key()?.is_none());
        assert!(storage.load_wallet_sig()?.is_none());
        // A key whose public half does not match its secret is not used.
        storage.write(
            SESSION_KEY_FILE,
            format!(
                r#"{{"publicKey":"{}","secretKey":"{}"}}"#,
                "00".repeat(32),
                "11".repeat(64)
            )
            .as_bytes(),
        )?;
        assert!(storage.load_session_key()?.is_none());
        storage.clear()?;
        storage.clear()?;
        assert!(!storage.dir().join(SESSION_KEY_FILE).exists());
        Ok(())
    }
}
