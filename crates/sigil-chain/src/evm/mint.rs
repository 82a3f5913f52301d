//! What a user does with the contracts, as the JS SDK's `LitContracts` does it: mint capacity
//! credits and PKPs, permit addresses, auth methods and Lit Actions to use a PKP, and read a
//! PKP back. Every call waits for its transaction's receipt.

use super::contracts::{PKPHelper, PKPPermissions, RateLimitNFT, PKPNFT};
use super::{EvmError, NetworkContext};
use crate::CapacityCredit;
use alloy_primitives::{keccak256, Address, Bytes, U256};
use alloy_provider::Provider;
use serde::Serialize;

/// Lit's auth method type of an Ethereum address (`AuthMethodType.EthWallet`); a permitted
/// address is stored as this type with the address's 20 bytes as its id.
pub const AUTH_METHOD_ADDRESS: u64 = 1;
/// Lit's auth method type of a Lit Action (its IPFS CID's bytes as the id).
pub const AUTH_METHOD_ACTION: u64 = 2;
/// Lit's scope "sign anything" (`AuthMethodScope.SignAnything`).
pub const SCOPE_SIGN_ANYTHING: u64 = 1;
/// How many scope ids [`pkp_info`] reads, from 0 (Lit's: none, sign anything, personal
/// sign); `getPermittedAuthMethodScopes` answers one flag per id below its `maxScopeId`.
const SCOPES_READ: u64 = 3;
/// The key type of a PKP: ECDSA on secp256k1.
const KEY_TYPE_ECDSA: u64 = 2;

/// Something permitted to use a PKP, with its scopes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Permit {
    /// An Ethereum address.
    Address {
        /// The address.
        address: Address,
        /// Scope ids.
        scopes: Vec<u64>,
    },
    /// An auth method by type and id.
    AuthMethod {
        /// Lit's auth method type.
        method_type: u64,
        /// The method's id bytes.
        id: Bytes,
        /// Scope ids.
        scopes: Vec<u64>,
    },
    /// A Lit Action by IPFS CID (as text, `Qm…`).
    Action {
        /// The CID.
        cid: String,
        /// Scope ids.
        scopes: Vec<u64>,
    },
}

impl Permit {
    /// The auth method this is on chain: `(type, id, scopes)`.
    fn auth_method(&self) -> Result<(u64, Bytes, &[u64]), EvmError> {
        Ok(match self {
            Permit::Address { address, scopes } => (
                AUTH_METHOD_ADDRESS,
                Bytes::copy_from_slice(address.as_slice()),
                scopes,
            ),
            Permit::AuthMethod {
                method_type,
                id,
                scopes,
            } => (*method_type, id.clone(), scopes),
            Permit::Action { cid, scopes } => (AUTH_METHOD_ACTION, ipfs_cid_bytes(cid)?, scopes),
        })
    }
}

/// The bytes of an IPFS CID as PKPPermissions stores a permitted action: the base58 the CID
/// is written in, decoded (for a CIDv0, its sha2-256 multihash), as the JS SDK's
/// `getBytesFromMultihash` and Lit's node read it.
pub fn ipfs_cid_bytes(cid: &str) -> Result<Bytes, EvmError> {
    bs58::decode(cid)
        .into_vec()
        .map(Bytes::from)
        .map_err(|_| EvmError::InvalidInput(format!("{cid} is not an IPFS CID (base58)")))
}

/// The CID text of permitted-action bytes (the inverse of [`ipfs_cid_bytes`]).
pub fn ipfs_cid_text(bytes: &[u8]) -> String {
    bs58::encode(bytes).into_string()
}

/// A minted PKP.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MintedPkp {
    /// Its token id (`keccak256` of the public key).
    pub token_id: U256,
    /// Its uncompressed public key, `0x04…`.
    pub public_key: Bytes,
    /// Its Ethereum address.
    pub eth_address: Address,
}

/// A PKP as the chain has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PkpInfo {
    /// Token id, key and address.
    #[serde(flatten)]
    pub pkp: MintedPkp,
    /// Its owner (the NFT holder).
    pub owner: Address,
    /// Addresses permitted to use it (the owner last, as PKPPermissions lists them).
    pub permitted_addresses: Vec<Address>,
    /// Auth methods permitted to use it, with their scopes.
    pub permitted_auth_methods: Vec<PermittedAuthMethod>,
    /// Lit Actions (IPFS CIDs) permitted to use it.
    pub permitted_actions: Vec<String>,
}

/// One permitted auth method in [`PkpInfo`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PermittedAuthMethod {
    /// Lit's auth method type.
    pub auth_method_type: u64,
    /// Its id bytes.
    pub id: Bytes,
    /// The scope ids it holds.
    pub scopes: Vec<u64>,
}

/// Sends `to` at least `minimum` wei from the sender when it holds less (gas for a fresh wallet on
/// a local chain); returns whether it sent.
pub async fn top_up<P: Provider>(
    provider: &P,
    to: Address,
    minimum: U256,
) -> Result<bool, EvmError> {
    use alloy_network::TransactionBuilder;
    let balance = provider.get_balance(to).await?;
    if balance >= minimum {
        return Ok(false);
    }
    let transfer = alloy_rpc_types_eth::TransactionRequest::default()
        .with_to(to)
        .with_value(minimum - balance);
    provider
        .send_transaction(transfer)
        .await?
        .get_receipt()
        .await?;
    Ok(true)
}

/// Mints a capacity credit to the sender for `requests_per_kilosecond` until `expires_at` (a
/// UTC midnight), paying what `calculateCost` asks.
pub async fn mint_capacity_credit<P: Provider>(
    provider: &P,
    context: &NetworkContext,
    requests_per_kilosecond: u64,
    expires_at: u64,
) -> Result<CapacityCredit, EvmError> {
    let nft = RateLimitNFT::new(context.require("RateLimitNFT")?, provider);
    let expires = U256::from(expires_at);
    let cost = nft
        .calculateCost(U256::from(requests_per_kilosecond), expires)
        .call()
        .await?;
    let receipt = nft
        .mint(expires)
        .value(cost)
        .send()
        .await?
        .get_receipt()
        .await?;
    // The SDK reads the token id from the first log, the ERC-721 Transfer: its topic 3.
    let token_id = receipt
        .inner
        .logs()
        .first()
        .and_then(|log| log.topics().get(3))
        .map(|topic| U256::from_be_bytes(topic.0))
        .ok_or_else(|| EvmError::Unexpected("the mint's receipt has no Transfer log".into()))?;
    let capacity = nft.capacity(token_id).call().await?;
    Ok(CapacityCredit {
        token_id,
        owner: nft.ownerOf(token_id).call().await?,
        requests_per_kilosecond: u64::try_from(capacity.requestsPerKilosecond).unwrap_or(u64::MAX),
        expires_at: u64::try_from(capacity.expiresAt).unwrap_or(u64::MAX),
    })
}

/// Mints a PKP to the sender, paying `mintCost`. With permits it goes through PKPHelper's
/// `mintNextAndAddAuthMethods`, which adds them in the same transaction.
pub async fn mint_pkp<P: Provider>(
    provider: &P,
    context: &NetworkContext,
    permits: &[Permit],
) -> Result<MintedPkp, EvmError> {
    let pkp_nft = PKPNFT::new(context.require("PKPNFT")?, provider);
    let cost = pkp_nft.mintCost().call().await?;
    let receipt = if permits.is_empty() {
        pkp_nft
            .mintNext(U256::from(KEY_TYPE_ECDSA))
            .value(cost)
            .send()
            .await?
            .get_receipt()
            .await?
    } else {
        let helper = PKPHelper::new(context.require("PKPHelper")?, provider);
        let methods = permits
            .iter()
            .map(Permit::auth_method)
            .collect::<Result<Vec<_>, _>>()?;
        helper
            .mintNextAndAddAuthMethods(
                U256::from(KEY_TYPE_ECDSA),
                methods
                    .iter()
                    .map(|(kind, _, _)| U256::from(*kind))
                    .collect(),
                methods.iter().map(|(_, id, _)| id.clone()).collect(),
                methods.iter().map(|_| Bytes::new()).collect(),
                methods
                    .iter()
                    .map(|(_, _, scopes)| scopes.iter().map(|s| U256::from(*s)).collect())
                    .collect(),
                false,
                false,
            )
            .value(cost)
            .send()
            .await?
            .get_receipt()
            .await?
    };
    if !receipt.status() {
        return Err(EvmError::Unexpected("the PKP mint reverted".into()));
    }
    // The SDK reads the token id from the first log's topic 1.
    let token_id = receipt
        .inner
        .logs()
        .first()
        .and_then(|log| log.topics().get(1))
        .map(|topic| U256::from_be_bytes(topic.0))
        .ok_or_else(|| EvmError::Unexpected("the mint's receipt has no logs".into()))?;
    minted_pkp(provider, context, token_id).await
}

async fn minted_pkp<P: Provider>(
    provider: &P,
    context: &NetworkContext,
    token_id: U256,
) -> Result<MintedPkp, EvmError> {
    let pkp_nft = PKPNFT::new(context.require("PKPNFT")?, provider);
    let public_key = pkp_nft.getPubkey(token_id).call().await?;
    if public_key.is_empty() {
        return Err(EvmError::Unexpected(format!("no PKP {token_id}")));
    }
    Ok(MintedPkp {
        token_id,
        eth_address: Address::from_raw_public_key(public_key.get(1..).unwrap_or_default()),
        public_key,
    })
}

/// Adds `permit` to the PKP `token_id` (the sender must own it).
pub async fn permit<P: Provider>(
    provider: &P,
    context: &NetworkContext,
    token_id: U256,
    permit: &Permit,
) -> Result<(), EvmError> {
    let permissions = PKPPermissions::new(context.require("PKPPermissions")?, provider);
    let (method_type, id, scopes) = permit.auth_method()?;
    let method = PKPPermissions::AuthMethod {
        authMethodType: U256::from(method_type),
        id,
        userPubkey: Bytes::new(),
    };
    let receipt = permissions
        .addPermittedAuthMethod(
            token_id,
            method,
            scopes.iter().map(|s| U256::from(*s)).collect(),
        )
        .send()
        .await?
        .get_receipt()
        .await?;
    if !receipt.status() {
        return Err(EvmError::Unexpected(
            "adding the permission reverted".into(),
        ));
    }
    Ok(())
}

/// The PKP `token_id`: key, owner and everything permitted to use it.
pub async fn pkp_info<P: Provider>(
    provider: &P,
    context: &NetworkContext,
    token_id: U256,
) -> Result<PkpInfo, EvmError> {
    let pkp = minted_pkp(provider, context, token_id).await?;
    let pkp_nft = PKPNFT::new(context.require("PKPNFT")?, provider);
    let permissions = PKPPermissions::new(context.require("PKPPermissions")?, provider);
    let owner = pkp_nft.ownerOf(token_id).call().await?;
    let permitted_addresses = permissions.getPermittedAddresses(token_id).call().await?;
    let mut permitted_auth_methods = Vec::new();
    for method in permissions.getPermittedAuthMethods(token_id).call().await? {
        let held = permissions
            .getPermittedAuthMethodScopes(
                token_id,
                method.authMethodType,
                method.id.clone(),
                U256::from(SCOPES_READ),
            )
            .call()
            .await?;
        permitted_auth_methods.push(PermittedAuthMethod {
            auth_method_type: u64::try_from(method.authMethodType).unwrap_or(u64::MAX),
            id: method.id,
            scopes: (0u64..)
                .zip(held)
                .filter_map(|(scope, on)| on.then_some(scope))
                .collect(),
        });
    }
    let permitted_actions = permissions
        .getPermittedActions(token_id)
        .call()
        .await?
        .into_iter()
        .map(|cid| ipfs_cid_text(&cid))
        .collect();
    Ok(PkpInfo {
        pkp,
        owner,
        permitted_addresses,
        permitted_auth_methods,
        permitted_actions,
    })
}

/// The token id of the PKP whose public key is `public_key` (uncompressed, `0x04…`).
pub fn pkp_token_id(public_key: &[u8]) -> U256 {
    U256::from_be_bytes(keccak256(public_key).0)
}
