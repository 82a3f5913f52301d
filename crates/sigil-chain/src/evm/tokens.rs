//! Demo tokens for trying token-gated conditions locally: an ERC-20, an ERC-721 and an ERC-1155
//! (Sigil's own contracts, built with the others), deployed beside a devnet's contracts and
//! minted by their deployer; and a one-owner contract wallet for trying EIP-1271 AuthSigs.

use super::contracts::{ContractWallet, DemoERC1155, DemoERC20, DemoERC721};
use super::{EvmError, NetworkContext};
use alloy_primitives::{Address, U256};
use alloy_provider::Provider;

/// The names the demo tokens have in a network context.
pub const DEMO_TOKENS: [&str; 3] = ["DemoERC20", "DemoERC721", "DemoERC1155"];

/// Deploys the three demo tokens from the sender of `provider` (who alone can mint them) and
/// records them in `context`.
pub async fn deploy_demo_tokens<P: Provider>(
    provider: &P,
    context: &mut NetworkContext,
) -> Result<(), EvmError> {
    let erc20 = DemoERC20::deploy(provider, "Sigil Demo Token".into(), "SDT".into()).await?;
    context.insert("DemoERC20", *erc20.address());
    let erc721 = DemoERC721::deploy(provider, "Sigil Demo NFT".into(), "SDN".into()).await?;
    context.insert("DemoERC721", *erc721.address());
    let erc1155 = DemoERC1155::deploy(provider, "sigil://demo/{id}".into()).await?;
    context.insert("DemoERC1155", *erc1155.address());
    Ok(())
}

/// Mints `amount` (in the token's smallest unit) of the ERC-20 `token` to `to`.
pub async fn mint_erc20<P: Provider>(
    provider: &P,
    token: Address,
    to: Address,
    amount: U256,
) -> Result<(), EvmError> {
    DemoERC20::new(token, provider)
        .mint(to, amount)
        .send()
        .await?
        .get_receipt()
        .await?;
    Ok(())
}

/// Mints the next id of the ERC-721 `token` to `to`; returns the id.
pub async fn mint_erc721<P: Provider>(
    provider: &P,
    token: Address,
    to: Address,
) -> Result<U256, EvmError> {
    let receipt = DemoERC721::new(token, provider)
        .mint(to)
        .send()
        .await?
        .get_receipt()
        .await?;
    // The ERC-721 Transfer log: the id is its topic 3.
    receipt
        .inner
        .logs()
        .first()
        .and_then(|log| log.topics().get(3))
        .map(|topic| U256::from_be_bytes(topic.0))
        .ok_or_else(|| EvmError::Unexpected("the mint's receipt has no Transfer log".into()))
}

/// Mints `amount` of id `id` of the ERC-1155 `token` to `to`.
pub async fn mint_erc1155<P: Provider>(
    provider: &P,
    token: Address,
    to: Address,
    id: U256,
    amount: U256,
) -> Result<(), EvmError> {
    DemoERC1155::new(token, provider)
        .mint(to, id, amount)
        .send()
        .await?
        .get_receipt()
        .await?;
    Ok(())
}

/// Deploys a contract wallet (EIP-1271) whose signatures are `owner`'s, from the sender of
/// `provider`; its address.
pub async fn deploy_contract_wallet<P: Provider>(
    provider: &P,
    owner: Address,
) -> Result<Address, EvmError> {
    Ok(*ContractWallet::deploy(provider, owner).await?.address())
}
