//! Deploying Sigil's contracts to any EVM chain and wiring them as Lit's are: every contract
//! registered in the ContractResolver under Lit's type key, the validator set and the root keys
//! set on chain. The result is the network context (`networkContext.json`) the JS SDK reads.

use super::contracts::{
    Allowlist, ContractResolver, KeyDeriver, LITToken, Multisender, PKPHelper, PKPNFTMetadata,
    PKPPermissions, PubkeyRouter, RateLimitNFT, Staking, StakingBalances, PKPNFT,
};
use super::network_context::NetworkContext;
use super::EvmError;
use crate::ValidatorInfo;
use alloy_primitives::{keccak256, Address, Bytes, U256};
use alloy_provider::{Provider, WalletProvider};

/// ContractResolver's environment for a devnet (Lit's `Env.Dev`; the JS SDK's default).
pub const ENV_DEV: u8 = 0;

/// Root keys' type on chain: ECDSA (secp256k1), as Lit's `RootKey.keyType` numbers them.
pub const KEY_TYPE_ECDSA: u64 = 2;

/// What a deployment sets up besides the contracts.
#[derive(Debug, Clone, Default)]
pub struct DeployOptions {
    /// ContractResolver environment ([`ENV_DEV`] unless stated).
    pub env: u8,
    /// Price of one PKP mint in wei (the JS SDK reads `mintCost` and pays it).
    pub pkp_mint_cost: U256,
    /// The validators of the first epoch, in order.
    pub validators: Vec<ValidatorInfo>,
    /// The network's root ECDSA public keys (SEC1, compressed or not), in derivation order.
    pub root_keys: Vec<Vec<u8>>,
    /// The HD key deriver to register (a chain's precompile-backed one); `None` deploys
    /// `KeyDeriver`, the derivation in EVM code.
    pub key_deriver: Option<Address>,
    /// The first epoch; `None` keeps Staking's (number 1, 300 s from the deployment).
    pub first_epoch: Option<crate::staking::EpochInfo>,
    /// The validator count needed for consensus (`minNodeCount` to the JS SDK), for a network
    /// whose keys were dealt for a threshold of its own; `None`: two thirds, rounded up.
    pub consensus_threshold: Option<u64>,
}

/// Deploys every contract from the default signer of `provider` and wires them. Each transaction is mined before the next is sent.
pub async fn deploy<P: Provider + WalletProvider>(
    provider: &P,
    options: &DeployOptions,
) -> Result<NetworkContext, EvmError> {
    let env = options.env;
    let mut context = NetworkContext::default();

    // Staking first, naming the resolver the next transaction creates: a fresh deployer then
    // puts Staking where anvil's first contract goes, the address clients assume for a local
    // network (`DEFAULT_STAKING_ADDRESS`).
    let sender = provider.default_signer_address();
    let nonce = provider.get_transaction_count(sender).await?;
    let resolver_address = sender.create(nonce + 1);
    let staking = Staking::deploy(provider, resolver_address, env).await?;
    context.insert("Staking", *staking.address());
    let resolver = ContractResolver::deploy(provider, env).await?;
    if *resolver.address() != resolver_address {
        return Err(EvmError::Unexpected(
            "another transaction from the deployer landed during the deployment".into(),
        ));
    }
    context.insert("ContractResolver", resolver_address);
    let staking_balances = StakingBalances::deploy(provider, resolver_address, env).await?;
    context.insert("StakingBalances", *staking_balances.address());
    let lit_token_cap = U256::from(1_000_000_000u64) * U256::from(10u64).pow(U256::from(18));
    let lit_token = LITToken::deploy(provider, lit_token_cap).await?;
    context.insert("LITToken", *lit_token.address());
    context.insert("Allowlist", *Allowlist::deploy(provider).await?.address());
    context.insert(
        "Multisender",
        *Multisender::deploy(provider).await?.address(),
    );
    let router = PubkeyRouter::deploy(provider, resolver_address, env).await?;
    context.insert("PubkeyRouter", *router.address());
    let pkp_nft = PKPNFT::deploy(provider, resolver_address, env, options.pkp_mint_cost).await?;
    context.insert("PKPNFT", *pkp_nft.address());
    let permissions = PKPPermissions::deploy(provider, resolver_address, env).await?;
    context.insert("PKPPermissions", *permissions.address());
    let metadata = PKPNFTMetadata::deploy(provider, resolver_address, env).await?;
    context.insert("PKPNFTMetadata", *metadata.address());
    let helper = PKPHelper::deploy(provider, resolver_address, env).await?;
    context.insert("PKPHelper", *helper.address());
    context.insert(
        "RateLimitNFT",
        *RateLimitNFT::deploy(provider).await?.address(),
    );
    let deriver = match options.key_deriver {
        Some(address) => address,
        None => *KeyDeriver::deploy(provider).await?.address(),
    };
    context.insert("KeyDeriver", deriver);

    for (name, key) in RESOLVER_KEYS {
        let address = context
            .address(name)
            .ok_or(EvmError::MissingContract(name))?;
        resolver
            .setContract(keccak256(key), env, address)
            .send()
            .await?
            .get_receipt()
            .await?;
    }

    if let Some(epoch) = &options.first_epoch {
        staking
            .adminSetEpoch(Staking::Epoch {
                epochLength: U256::from(epoch.epoch_length),
                number: U256::from(epoch.number),
                endTime: U256::from(epoch.end_time),
                retries: U256::from(epoch.retries),
                timeout: U256::from(epoch.timeout),
            })
            .send()
            .await?
            .get_receipt()
            .await?;
    }
    if let Some(threshold) = options.consensus_threshold {
        staking
            .adminSetConsensusThreshold(U256::from(threshold))
            .send()
            .await?
            .get_receipt()
            .await?;
    }
    if !options.validators.is_empty() {
        set_validators(provider, *staking.address(), &options.validators).await?;
    }
    if !options.root_keys.is_empty() {
        set_root_keys(provider, &context, &options.root_keys).await?;
    }
    Ok(context)
}

/// Registers the network's root ECDSA public keys (SEC1 bytes, in derivation order) in
/// PubkeyRouter for the context's Staking, replacing any there (owner only): what PKP keys
/// derive from.
pub async fn set_root_keys<P: Provider>(
    provider: &P,
    context: &NetworkContext,
    root_keys: &[Vec<u8>],
) -> Result<(), EvmError> {
    let staking = context.require("Staking")?;
    let roots = root_keys
        .iter()
        .map(|key| PubkeyRouter::RootKey {
            pubkey: Bytes::copy_from_slice(key),
            keyType: U256::from(KEY_TYPE_ECDSA),
        })
        .collect();
    PubkeyRouter::new(context.require("PubkeyRouter")?, provider)
        .adminSetRootKeys(staking, roots)
        .send()
        .await?
        .get_receipt()
        .await?;
    Ok(())
}

/// The root ECDSA public keys PubkeyRouter holds for the context's Staking, in order.
pub async fn root_keys<P: Provider>(
    provider: &P,
    context: &NetworkContext,
) -> Result<Vec<Vec<u8>>, EvmError> {
    let keys = PubkeyRouter::new(context.require("PubkeyRouter")?, provider)
        .getRootKeys(context.require("Staking")?)
        .call()
        .await?;
    Ok(keys.into_iter().map(|key| key.pubkey.to_vec()).collect())
}

/// Makes `validators` the current and next validator set (Staking's owner-only
/// `adminSetValidators`; the sender of `provider` must be the deployer).
pub async fn set_validators<P: Provider>(
    provider: &P,
    staking: Address,
    validators: &[ValidatorInfo],
) -> Result<(), EvmError> {
    let stakers = validators.iter().map(|v| v.node_address).collect();
    let structs = validators.iter().map(validator_struct).collect();
    Staking::new(staking, provider)
        .adminSetValidators(stakers, structs)
        .send()
        .await?
        .get_receipt()
        .await?;
    Ok(())
}

/// The ContractResolver type key of each contract: `keccak256` of Lit's name for it.
pub const RESOLVER_KEYS: [(&str, &str); 12] = [
    ("Staking", "STAKING"),
    ("StakingBalances", "STAKING_BALANCES"),
    ("LITToken", "LIT_TOKEN"),
    ("Allowlist", "ALLOWLIST"),
    ("Multisender", "MULTI_SENDER"),
    ("PubkeyRouter", "PUB_KEY_ROUTER"),
    ("PKPNFT", "PKP_NFT"),
    ("PKPPermissions", "PKP_PERMISSIONS"),
    ("PKPNFTMetadata", "PKP_NFT_METADATA"),
    ("PKPHelper", "PKP_HELPER"),
    ("RateLimitNFT", "RATE_LIMIT_NFT"),
    ("KeyDeriver", "HD_KEY_DERIVER"),
];

/// A validator as Staking stores it; the fields Lit's nodes fill and Sigil does not use
/// (IPv6, reward, communication keys) are zero.
pub(crate) fn validator_struct(validator: &ValidatorInfo) -> Staking::Validator {
    Staking::Validator {
        ip: u32::from(validator.ip),
        ipv6: 0,
        port: u32::from(validator.port),
        nodeAddress: validator.node_address,
        reward: U256::ZERO,
        senderPubKey: U256::from_be_bytes(validator.communication_key.0),
        receiverPubKey: U256::ZERO,
    }
}
