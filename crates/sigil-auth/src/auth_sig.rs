//! `AuthSig`: a signature with what it signs and who signed it (the JS SDK's `generateAuthSig`),
//! and the capacity-delegation AuthSig (`createCapacityDelegationAuthSig`).

use alloy_primitives::Address;
use alloy_signer::{Signer, SignerSync};
use serde_json::{Map, Value};
pub use sigil_wire::AuthSig;
use time::OffsetDateTime;

use crate::error::AuthError;
use crate::resource::{LitAbility, LitResource, ResourceAbilityRequest, ResourcePrefix};
use crate::siwe::{create_siwe_message, SiweMessageParams};

/// `derivedVia` of a wallet (EIP-191 `personal_sign`) AuthSig.
pub const DERIVED_VIA_WALLET: &str = "web3.eth.personal.sign";
/// `derivedVia` of a session sig.
pub const DERIVED_VIA_SESSION: &str = "litSessionSignViaNacl";
/// `algo` of a session sig.
pub const ALGO_ED25519: &str = "ed25519";
/// SIWE `uri` of a capacity delegation (`SIWE_DELEGATION_URI`).
pub const SIWE_DELEGATION_URI: &str = "lit:capability:delegation";

/// Signs `to_sign` with EIP-191 `personal_sign`, as the JS SDK's `generateAuthSig` does:
/// `{sig: 0x + r‖s‖v hex (v = 27/28), derivedVia: "web3.eth.personal.sign", signedMessage, address}`.
/// The address is the one recovered from the signature, EIP-55 checksummed.
///
/// ```
/// use alloy_signer_local::PrivateKeySigner;
/// let signer: PrivateKeySigner = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d".parse().unwrap();
/// let auth_sig = sigil_auth::generate_auth_sig(&signer, "hello")?;
/// assert_eq!(auth_sig.address, "0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
/// assert_eq!(auth_sig.sig.len(), 132);
/// sigil_auth::verify_eip191("hello", &auth_sig.sig, signer.address())?;
/// # Ok::<_, sigil_auth::Error>(())
/// ```
pub fn generate_auth_sig<S: SignerSync + ?Sized>(
    signer: &S,
    to_sign: &str,
) -> Result<AuthSig, AuthError> {
    let signature = signer
        .sign_message_sync(to_sign.as_bytes())
        .map_err(|error| AuthError::Signing {
            reason: error.to_string(),
        })?;
    let address = signature
        .recover_address_from_msg(to_sign.as_bytes())
        .map_err(|error| AuthError::Signing {
            reason: format!("signature does not recover: {error}"),
        })?;
    Ok(AuthSig {
        sig: format!("0x{}", hex::encode(signature.as_bytes())),
        derived_via: DERIVED_VIA_WALLET.to_owned(),
        signed_message: to_sign.to_owned(),
        address: address.to_checksum(None),
        algo: None,
    })
}

/// Inputs of [`create_capacity_delegation_auth_sig`] (the JS `createCapacityDelegationAuthSig`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CapacityDelegationParams {
    /// Who may use the credit: addresses with or without `0x` (written without it, case kept).
    /// Empty: anyone holding the delegation.
    pub delegatee_addresses: Vec<String>,
    /// How many uses; `None`: unlimited.
    pub uses: Option<u64>,
    /// The capacity credit token ids. None: all the delegator's credits (`lit-ratelimitincrease://*`,
    /// no `nft_id`); one: `lit-ratelimitincrease://<id>` with `nft_id: [id]` as the JS SDK writes;
    /// several (a Sigil extension): `lit-ratelimitincrease://*` with `nft_id` listing them.
    pub capacity_token_ids: Vec<String>,
    /// SIWE expiration; default now + 7 days.
    pub expiration: Option<OffsetDateTime>,
    /// SIWE nonce (the JS SDK uses the latest blockhash).
    pub nonce: String,
    /// SIWE domain; default `localhost`.
    pub domain: Option<String>,
    /// SIWE statement; default the JS SDK's.
    pub statement: Option<String>,
}

impl CapacityDelegationParams {
    /// Delegation of all the delegator's credits to `delegatee_addresses`, unlimited uses, defaults
    /// elsewhere.
    pub fn new(delegatee_addresses: Vec<String>, nonce: impl Into<String>) -> Self {
        CapacityDelegationParams {
            delegatee_addresses,
            uses: None,
            capacity_token_ids: Vec::new(),
            expiration: None,
            nonce: nonce.into(),
            domain: None,
            statement: None,
        }
    }

    /// The ReCap request the JS SDK builds: `Auth/Auth` on `lit-ratelimitincrease://<id|*>` with
    /// nota bene `{nft_id?, delegate_to?, uses?}`.
    pub fn resource_ability_request(&self) -> Result<ResourceAbilityRequest, AuthError> {
        let resource = match self.capacity_token_ids.as_slice() {
            [single] => LitResource::new(ResourcePrefix::RateLimitIncrease, single.clone())?,
            _ => LitResource::wildcard(ResourcePrefix::RateLimitIncrease),
        };
        let mut data = Map::new();
        if !self.capacity_token_ids.is_empty() {
            for id in &self.capacity_token_ids {
                LitResource::new(ResourcePrefix::RateLimitIncrease, id.clone())?;
            }
            data.insert(
                "nft_id".into(),
                Value::from(self.capacity_token_ids.clone()),
            );
        }
        if !self.delegatee_addresses.is_empty() {
            let mut delegate_to = Vec::with_capacity(self.delegatee_addresses.len());
            for address in &self.delegatee_addresses {
                let bare = address.strip_prefix("0x").unwrap_or(address);
                if bare.len() != 40 || !bare.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(AuthError::InvalidInput {
                        what: "delegatee address",
                        reason: format!(
                            "{:?} is not 40 hex characters",
                            crate::resource::truncate_for_error(address)
                        ),
                    });
                }
                delegate_to.push(Value::String(bare.to_owned()));
            }
            data.insert("delegate_to".into(), Value::Array(delegate_to));
        }
        if let Some(uses) = self.uses {
            data.insert("uses".into(), Value::String(uses.to_string()));
        }
        ResourceAbilityRequest::new(resource, LitAbility::RateLimitIncreaseAuth)?
            .with_data(Value::Object(data))
    }
}

/// A capacity-delegation AuthSig exactly as the JS SDK's `createCapacityDelegationAuthSig` makes
/// it: a SIWE by the credit owner (`signer`) with uri `lit:capability:delegation` and the
/// delegation ReCap, signed with EIP-191. `now` is the SIWE `Issued At`.
pub fn create_capacity_delegation_auth_sig<S>(
    signer: &S,
    params: &CapacityDelegationParams,
    now: OffsetDateTime,
) -> Result<AuthSig, AuthError>
where
    S: SignerSync + Signer + ?Sized,
{
    let mut siwe = SiweMessageParams::new(signer.address(), params.nonce.clone())
        .with_uri(SIWE_DELEGATION_URI)
        .with_resources(vec![params.resource_ability_request()?]);
    siwe.domain = params.domain.clone();
    siwe.statement = params.statement.clone();
    siwe.expiration = params.expiration;
    let message = create_siwe_message(&siwe, now)?;
    generate_auth_sig(signer, &message)
}

/// Parses an address written as 40 hex characters with optional `0x`, any case.
pub fn parse_address_loose(text: &str) -> Option<Address> {
    let bare = text.strip_prefix("0x").unwrap_or(text);
    let mut bytes = [0u8; 20];
    hex::decode_to_slice(bare, &mut bytes).ok()?;
    Some(Address::from(bytes))
}
