//! The devnet's funded-by-convention wallet.

use alloy_primitives::Address;
use alloy_signer_local::PrivateKeySigner;

/// The devnet's funded-by-convention wallet: anvil's (and Hardhat's) account #0. Its key is
/// public knowledge; never send anything of value to it on a real network.
pub const DEV_WALLET_PRIVATE_KEY: &str =
    "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

/// Address of [`DEV_WALLET_PRIVATE_KEY`].
pub const DEV_WALLET_ADDRESS: Address =
    alloy_primitives::address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266");

/// The dev wallet as a signer ([`DEV_WALLET_PRIVATE_KEY`]).
pub fn dev_wallet() -> PrivateKeySigner {
    // A constant, valid secp256k1 key: parsing it cannot fail (checked by a test).
    DEV_WALLET_PRIVATE_KEY
        .parse()
        .unwrap_or_else(|_| PrivateKeySigner::random())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dev_wallet_is_anvils_first_account() {
        assert_eq!(dev_wallet().address(), DEV_WALLET_ADDRESS);
    }
}
