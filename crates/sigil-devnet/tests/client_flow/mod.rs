//! The seed guide's flow through the real `LitNodeClient`, shared by the fault and load tests:
//! a client for a devnet's chain RPC, conditions only one wallet meets, and session sigs whose
//! wallet sig the auth callback makes with that wallet.

// Each test file uses its own subset.
#![allow(dead_code)]

use alloy_primitives::Address;
use alloy_signer_local::PrivateKeySigner;
use sigil_auth::siwe::{create_siwe_message, SiweMessageParams};
use sigil_client::{
    generate_auth_sig, AuthCallbackParams, AuthSig, ClientError, ConditionSet, LitAbility,
    LitNetwork, LitNodeClient, LitNodeClientConfig, LitResource, ResourceAbilityRequest,
    ResourcePrefix, SessionSigs, SessionSigsParams,
};
use std::time::Duration;
use time::OffsetDateTime;

/// A client for the network whose Staking contract is at `staking_address` on `rpc_url`
/// (the devnet's), with short handshake timeouts so a stopped node is reported quickly.
pub fn client_for(rpc_url: &str, staking_address: Address) -> Result<LitNodeClient, ClientError> {
    LitNodeClient::new(
        LitNodeClientConfig::new(LitNetwork::Custom {
            rpc_url: rpc_url.to_owned(),
            staking_address,
        })
        .with_connect_timeout(Duration::from_secs(5)),
    )
}

/// Decryption of anything under access control conditions: what the seed guide asks for.
pub fn decryption_everywhere() -> Result<ResourceAbilityRequest, sigil_auth::AuthError> {
    ResourceAbilityRequest::new(
        LitResource::wildcard(ResourcePrefix::AccessControlCondition),
        LitAbility::AccessControlConditionDecryption,
    )
}

/// Conditions only `address` meets (`:userAddress` equals it), as the seed guide writes them.
pub fn only(address: Address) -> Result<ConditionSet, sigil_crypto::CryptoError> {
    ConditionSet::from_document(&format!(
        r#"[{{"contractAddress":"","standardContractType":"","chain":"ethereum","method":"",
            "parameters":[":userAddress"],"returnValueTest":{{"comparator":"=","value":"{address}"}}}}]"#
    ))
}

/// Session sigs for every connected node, the wallet sig signed by `wallet` in the auth
/// callback: a SIWE for the session key with the requested ReCap and the callback's nonce (the
/// client's latest blockhash), as the seed guide's callback makes it.
///
/// The callback owns what it uses (a plain closure returning an `async move` block), so the
/// returned future is `Send` and clients can run as spawned tasks.
pub async fn session_sigs(
    client: &LitNodeClient,
    wallet: &PrivateKeySigner,
) -> Result<SessionSigs, ClientError> {
    let params = SessionSigsParams::new(vec![decryption_everywhere()?]);
    let wallet = wallet.clone();
    client
        .get_session_sigs(params, move |callback: AuthCallbackParams| {
            let wallet = wallet.clone();
            async move {
                let siwe = SiweMessageParams::new(wallet.address(), callback.nonce)
                    .with_uri(callback.uri)
                    .with_expiration(callback.expiration)
                    .with_resources(callback.resource_ability_requests);
                let to_sign = create_siwe_message(&siwe, OffsetDateTime::now_utc())?;
                Ok::<AuthSig, ClientError>(generate_auth_sig(&wallet, &to_sign)?)
            }
        })
        .await
}
