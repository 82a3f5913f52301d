//! `get_session_sigs`: the session key, the wallet sig (from storage or the auth callback, with
//! the JS SDK's re-sign rules) and one session sig per connected node.

use crate::{BoxError, ClientError, LitNodeClient};
use sigil_auth::recap::Recap;
use sigil_auth::siwe::{parse_signature_hex, SiweMessage};
use sigil_auth::{
    sign_session_sigs, AuthSig, ResourceAbilityRequest, SessionKeyPair, SessionSigningParams,
    SessionSigs,
};
use time::{Duration, OffsetDateTime};

/// The JS SDK's default session expiration: now + 24 hours.
pub const DEFAULT_SESSION_VALIDITY: Duration = Duration::hours(24);

/// Inputs of [`LitNodeClient::get_session_sigs`] (the JS `getSessionSigs` params).
#[derive(Debug, Clone)]
pub struct SessionSigsParams {
    /// Chain name handed to the callback; default `ethereum`.
    pub chain: String,
    /// When the session sigs (and the callback's SIWE) expire; default now + 24 h.
    pub expiration: Option<OffsetDateTime>,
    /// What the session may do.
    pub resource_ability_requests: Vec<ResourceAbilityRequest>,
    /// A capacity delegation to pay with; placed before the wallet sig in `capabilities`.
    pub capacity_delegation_auth_sig: Option<AuthSig>,
    /// Further capabilities, placed first (`capabilityAuthSigs`).
    pub capability_auth_sigs: Vec<AuthSig>,
    /// The session key to use; default the stored one, else a new one.
    pub session_key: Option<SessionKeyPair>,
    /// Domain handed to the callback.
    pub domain: Option<String>,
}

impl SessionSigsParams {
    /// Params for these requests, everything else default.
    pub fn new(resource_ability_requests: Vec<ResourceAbilityRequest>) -> Self {
        SessionSigsParams {
            chain: "ethereum".to_owned(),
            expiration: None,
            resource_ability_requests,
            capacity_delegation_auth_sig: None,
            capability_auth_sigs: Vec::new(),
            session_key: None,
            domain: None,
        }
    }
}

/// What the auth callback receives (the JS `AuthCallbackParams`): sign a SIWE message for `uri`
/// with a ReCap of `resource_ability_requests`, typically with
/// [`LitNodeClient::create_siwe_message`] and [`sigil_auth::generate_auth_sig`].
#[derive(Debug, Clone)]
pub struct AuthCallbackParams {
    /// Chain name (`ethereum`).
    pub chain: String,
    /// The session capability object's statement (the JS SDK hands an empty ReCap's:
    /// `I further authorize the stated URI to perform the following actions on my behalf:`).
    pub statement: String,
    /// The session capability object as a SIWE resource (the empty ReCap's `urn:recap:`).
    pub resources: Vec<String>,
    /// When the session expires; use it as the SIWE expiration.
    pub expiration: OffsetDateTime,
    /// `lit:session:<session public key>`: the SIWE `uri`.
    pub uri: String,
    /// The session key (its `Debug` hides the secret).
    pub session_key: SessionKeyPair,
    /// The latest blockhash, for the SIWE nonce.
    pub nonce: String,
    /// The domain from the params, if any.
    pub domain: Option<String>,
    /// What the session asks for: put these in the SIWE's ReCap.
    pub resource_ability_requests: Vec<ResourceAbilityRequest>,
}

/// Why a wallet sig cannot be reused (the JS SDK's `checkNeedToResignSessionKey`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResignReason {
    /// The signed message is not a SIWE message.
    NotSiwe,
    /// The signature is not the SIWE address's EIP-191 signature of the message.
    InvalidSignature,
    /// Now is after `Expiration Time` or before `Not Before`.
    OutsideValidity,
    /// The SIWE `uri` is not this session key's.
    UriMismatch,
    /// The SIWE has no resources.
    NoResources,
    /// The first resource is not a ReCap.
    UndecodableRecap,
    /// The ReCap does not cover a requested resource and ability.
    MissingCapability,
    /// A `LIT_BLS` (PKP) wallet sig, which this client cannot verify.
    UnverifiableAlgo,
}

/// Decides whether `auth_sig` can authorise the session `session_key_uri` for `requests` at
/// `now`, by the JS SDK's rules; `None` means it can be reused.
///
/// The signature (EIP-191, when `algo` is absent or `ed25519`) and the SIWE validity window
/// are checked, then the `uri`, then that the first resource is a ReCap covering every request
/// (`<prefix>://*` or the exact resource, ability `*/*` or exact).
pub fn check_need_to_resign_session_key(
    auth_sig: &AuthSig,
    session_key_uri: &str,
    requests: &[ResourceAbilityRequest],
    now: OffsetDateTime,
) -> Result<Option<ResignReason>, ClientError> {
    match auth_sig.algo.as_deref() {
        None | Some("ed25519") => {}
        Some("LIT_BLS") => return Ok(Some(ResignReason::UnverifiableAlgo)),
        Some(other) => return Err(ClientError::UnsupportedAuthSigAlgo(other.to_owned())),
    }
    let Ok(siwe) = auth_sig.signed_message.parse::<SiweMessage>() else {
        return Ok(Some(ResignReason::NotSiwe));
    };
    let signature_ok = parse_signature_hex(&auth_sig.sig)
        .and_then(|signature| siwe.verify_signature(&signature))
        .is_ok();
    if !signature_ok {
        return Ok(Some(ResignReason::InvalidSignature));
    }
    if !siwe.valid_at(now) {
        return Ok(Some(ResignReason::OutsideValidity));
    }
    if siwe.uri() != session_key_uri {
        return Ok(Some(ResignReason::UriMismatch));
    }
    let Some(first) = siwe.resources().next() else {
        return Ok(Some(ResignReason::NoResources));
    };
    let Ok(recap) = Recap::decode(first) else {
        return Ok(Some(ResignReason::UndecodableRecap));
    };
    if requests
        .iter()
        .all(|request| recap.covers(&request.resource, request.ability))
    {
        Ok(None)
    } else {
        Ok(Some(ResignReason::MissingCapability))
    }
}

impl LitNodeClient {
    /// The session key: the stored one, else a new one (stored when storage is configured).
    pub fn get_session_key(&self) -> Result<SessionKeyPair, ClientError> {
        if let Some(storage) = &self.storage {
            if let Some(key) = storage.load_session_key()? {
                return Ok(key);
            }
        }
        let key = SessionKeyPair::generate(&mut rand::rngs::OsRng);
        if let Some(storage) = &self.storage {
            storage.store_session_key(&key)?;
        }
        Ok(key)
    }

    /// [`LitNodeClient::get_session_sigs`] with the seed guide's `authNeededCallback` for a
    /// wallet held here: a SIWE message with the session's URI, expiration and resources
    /// ([`LitNodeClient::create_siwe_message`]), signed by `wallet` with EIP-191.
    pub async fn get_session_sigs_with_wallet<W>(
        &self,
        params: SessionSigsParams,
        wallet: &W,
    ) -> Result<SessionSigs, ClientError>
    where
        W: alloy_signer::SignerSync + alloy_signer::Signer + Sync,
    {
        self.get_session_sigs(params, async |callback: AuthCallbackParams| {
            let mut siwe = crate::CreateSiweMessageParams::new(wallet.address(), callback.uri);
            siwe.expiration = Some(callback.expiration);
            siwe.resources = callback.resource_ability_requests;
            let to_sign = self.create_siwe_message(siwe).await?;
            Ok::<AuthSig, ClientError>(sigil_auth::generate_auth_sig(wallet, &to_sign)?)
        })
        .await
    }

    /// Session sigs for every connected node, as the JS SDK's `getSessionSigs`.
    ///
    /// 1. The session key: `params.session_key`, else the stored one, else a new one.
    /// 2. The wallet sig: the stored `lit-wallet-sig`, else `auth_needed_callback`'s (stored).
    /// 3. If it cannot be reused ([`check_need_to_resign_session_key`]: bad signature,
    ///    expired, another session key, resources not covered), the callback runs once more and
    ///    its answer is used (and stored) as it is.
    /// 4. `capabilities = [...capability_auth_sigs, capacity_delegation_auth_sig?, wallet sig]`;
    ///    the session key signs the JS SDK's template once per connected node.
    ///
    /// No node is contacted; the nonce is [`LitNodeClient::get_latest_blockhash`].
    pub async fn get_session_sigs<F, E>(
        &self,
        params: SessionSigsParams,
        mut auth_needed_callback: F,
    ) -> Result<SessionSigs, ClientError>
    where
        F: AsyncFnMut(AuthCallbackParams) -> Result<AuthSig, E>,
        E: Into<BoxError>,
    {
        // Checked first, so a wallet is not asked to sign for a client that cannot use it.
        let connection = self.require_connection()?;
        let session_key = match params.session_key.clone() {
            Some(key) => key,
            None => self.get_session_key()?,
        };
        let session_key_uri = session_key.uri();
        let now = OffsetDateTime::now_utc();
        let expiration = match params.expiration {
            Some(expiration) => expiration,
            None => now + DEFAULT_SESSION_VALIDITY,
        };
        // `generateSessionCapabilityObjectWithWildcards` gives an empty ReCap in v7.
        let capability = Recap::new();
        let callback_params = |nonce: String| AuthCallbackParams {
            chain: params.chain.clone(),
            statement: capability.statement(),
            resources: vec![capability.encode()],
            expiration,
            uri: session_key_uri.clone(),
            session_key: session_key.clone(),
            nonce,
            domain: params.domain.clone(),
            resource_ability_requests: params.resource_ability_requests.clone(),
        };

        let stored = match &self.storage {
            Some(storage) => storage.load_wallet_sig()?,
            None => None,
        };
        let mut auth_sig = match stored {
            Some(sig) => sig,
            None => {
                let nonce = self.get_latest_blockhash().await?;
                self.call_auth_callback(&mut auth_needed_callback, callback_params(nonce))
                    .await?
            }
        };
        let reason = check_need_to_resign_session_key(
            &auth_sig,
            &session_key_uri,
            &params.resource_ability_requests,
            OffsetDateTime::now_utc(),
        )?;
        if let Some(reason) = reason {
            tracing::debug!(
                ?reason,
                "wallet sig cannot be reused; calling auth_needed_callback"
            );
            let nonce = self.get_latest_blockhash().await?;
            auth_sig = self
                .call_auth_callback(&mut auth_needed_callback, callback_params(nonce))
                .await?;
        }
        for (field, value) in [
            ("address", &auth_sig.address),
            ("derivedVia", &auth_sig.derived_via),
            ("sig", &auth_sig.sig),
            ("signedMessage", &auth_sig.signed_message),
        ] {
            if value.is_empty() {
                return Err(ClientError::WalletSignatureNotFound(field));
            }
        }

        let mut capabilities = params.capability_auth_sigs.clone();
        capabilities.extend(params.capacity_delegation_auth_sig.clone());
        capabilities.push(auth_sig);
        let signing = SessionSigningParams {
            resource_ability_requests: params.resource_ability_requests.clone(),
            capabilities,
            issued_at: OffsetDateTime::now_utc(),
            expiration,
        };
        Ok(sign_session_sigs(
            &session_key,
            &signing,
            &connection.connected_nodes,
        )?)
    }

    async fn call_auth_callback<F, E>(
        &self,
        callback: &mut F,
        params: AuthCallbackParams,
    ) -> Result<AuthSig, ClientError>
    where
        F: AsyncFnMut(AuthCallbackParams) -> Result<AuthSig, E>,
        E: Into<BoxError>,
    {
        let auth_sig = callback(params)
            .await
            .map_err(|e| ClientError::AuthCallback(e.into()))?;
        if let Some(storage) = &self.storage {
            storage.store_wallet_sig(&auth_sig)?;
        }
        Ok(auth_sig)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_signer_local::PrivateKeySigner;
    use sigil_auth::siwe::{create_siwe_message, SiweMessageParams};
    use sigil_auth::{generate_auth_sig, LitAbility, LitResource, ResourcePrefix};
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2025-01-01 00:00 UTC);

    fn decryption_of(resource: LitResource) -> ResourceAbilityRequest {
        ResourceAbilityRequest::new(resource, LitAbility::AccessControlConditionDecryption)
            .unwrap_or_else(|e| panic!("request: {e}"))
    }

    fn wildcard_decryption() -> ResourceAbilityRequest {
        decryption_of(LitResource::wildcard(
            ResourcePrefix::AccessControlCondition,
        ))
    }

    fn signed(
        uri: &str,
        requests: Vec<ResourceAbilityRequest>,
        expiration: OffsetDateTime,
    ) -> AuthSig {
        let wallet =
            PrivateKeySigner::from_slice(&[0x42; 32]).unwrap_or_else(|e| panic!("key: {e}"));
        let params = SiweMessageParams::new(wallet.address(), "0x8e2e8d2a1d3f4c5b")
            .with_uri(uri)
            .with_expiration(expiration)
            .with_resources(requests);
        let text = create_siwe_message(&params, NOW).unwrap_or_else(|e| panic!("siwe: {e}"));
        generate_auth_sig(&wallet, &text).unwrap_or_else(|e| panic!("sig: {e}"))
    }

    fn uri() -> String {
        SessionKeyPair::from_seed([1u8; 32]).uri()
    }

    #[test]
    fn a_valid_covering_wallet_sig_is_reused() -> Result<(), ClientError> {
        let sig = signed(
            &uri(),
            vec![wildcard_decryption()],
            NOW + Duration::hours(1),
        );
        let exact = decryption_of(LitResource::new(
            ResourcePrefix::AccessControlCondition,
            "aa/bb",
        )?);
        assert_eq!(
            check_need_to_resign_session_key(&sig, &uri(), &[exact], NOW)?,
            None
        );
        Ok(())
    }

    #[test]
    fn expired_wallet_sig_needs_a_new_signature() -> Result<(), ClientError> {
        let sig = signed(
            &uri(),
            vec![wildcard_decryption()],
            NOW + Duration::minutes(1),
        );
        assert_eq!(
            check_need_to_resign_session_key(
                &sig,
                &uri(),
                &[wildcard_decryption()],
                NOW + Duration::minutes(2)
            )?,
            Some(ResignReason::OutsideValidity)
        );
        Ok(())
    }

    #[test]
    fn wallet_sig_for_another_session_key_needs_a_new_signature() -> Result<(), ClientError> {
        let other = SessionKeyPair::from_seed([2u8; 32]).uri();
        let sig = signed(
            &other,
            vec![wildcard_decryption()],
            NOW + Duration::hours(1),
        );
        assert_eq!(
            check_need_to_resign_session_key(&sig, &uri(), &[wildcard_decryption()], NOW)?,
            Some(ResignReason::UriMismatch)
        );
        Ok(())
    }

    #[test]
    fn new_resource_not_in_the_recap_needs_a_new_signature() -> Result<(), ClientError> {
        let narrow = decryption_of(LitResource::new(
            ResourcePrefix::AccessControlCondition,
            "aa/bb",
        )?);
        let sig = signed(&uri(), vec![narrow.clone()], NOW + Duration::hours(1));
        assert_eq!(
            check_need_to_resign_session_key(&sig, &uri(), &[narrow], NOW)?,
            None
        );
        let signing = ResourceAbilityRequest::new(
            LitResource::wildcard(ResourcePrefix::Pkp),
            LitAbility::PkpSigning,
        )?;
        assert_eq!(
            check_need_to_resign_session_key(&sig, &uri(), &[signing], NOW)?,
            Some(ResignReason::MissingCapability)
        );
        Ok(())
    }

    #[test]
    fn tampered_or_resourceless_wallet_sigs_need_a_new_signature() -> Result<(), ClientError> {
        let mut tampered = signed(
            &uri(),
            vec![wildcard_decryption()],
            NOW + Duration::hours(1),
        );
        tampered.signed_message = tampered
            .signed_message
            .replace("Chain ID: 1", "Chain ID: 2");
        assert_eq!(
            check_need_to_resign_session_key(&tampered, &uri(), &[wildcard_decryption()], NOW)?,
            Some(ResignReason::InvalidSignature)
        );
        let bare = signed(&uri(), vec![], NOW + Duration::hours(1));
        assert_eq!(
            check_need_to_resign_session_key(&bare, &uri(), &[wildcard_decryption()], NOW)?,
            Some(ResignReason::NoResources)
        );
        let mut not_siwe = bare.clone();
        not_siwe.signed_message = "hello".into();
        assert_eq!(
            check_need_to_resign_session_key(&not_siwe, &uri(), &[], NOW)?,
            Some(ResignReason::NotSiwe)
        );
        Ok(())
    }

    #[test]
    fn unknown_algos_are_refused_and_bls_is_resigned() -> Result<(), ClientError> {
        let mut sig = signed(
            &uri(),
            vec![wildcard_decryption()],
            NOW + Duration::hours(1),
        );
        sig.algo = Some("LIT_BLS".into());
        assert_eq!(
            check_need_to_resign_session_key(&sig, &uri(), &[], NOW)?,
            Some(ResignReason::UnverifiableAlgo)
        );
        sig.algo = Some("rsa".into());
        assert!(matches!(
            check_need_to_resign_session_key(&sig, &uri(), &[], NOW),
            Err(ClientError::UnsupportedAuthSigAlgo(_))
        ));
        Ok(())
    }
}
