//! The step every endpoint that acts for a user shares: verify the session sig (or, where the
//! endpoint takes one, the wallet's own AuthSig) for the endpoint's resource and ability, then
//! count the request against the user's allowance, capacity credits and delegations. An
//! endpoint calls [`NodeState::authorize`] in one line once it has parsed its request and built
//! its resource.

use crate::clock::unix_secs;
use crate::error::NodeError;
use crate::state::NodeState;
use crate::usage::{DelegatedCredits, ExpectedRequest, UsageError, UsageRequest};
use alloy_primitives::{Address, U256};
use alloy_rpc_types_eth::TransactionRequest;
use alloy_sol_types::SolCall;
use sigil_auth::{
    AuthContext, AuthError, AuthMaterialKind, AuthSig, CapacityDelegation, LitAbility, LitResource,
    SessionKeySignedMessage, SessionLookup, SiweMessage, VerificationRequest, DERIVED_VIA_NETWORK,
};
use sigil_chain::evm::contracts::IERC1271;
use sigil_chain::CapacityCredit;
use sigil_crypto::conditions::ChainReadError;
use sigil_wire::LitErrorCode;
use std::sync::Arc;

/// Whether an endpoint takes a wallet's own AuthSig (no session key) in place of a session sig.
/// Lit's unversioned endpoints do (`/web/encryption/sign` and its `/v1`, `/web/pkp/sign`,
/// `/web/execute`); its versioned `/web/pkp/sign/v1` and `/web/execute/v1` do not.
#[derive(Clone, Copy, Debug)]
pub(crate) enum BareAuthSigs<'a> {
    /// Taken: a wallet's AuthSig grants every resource; what it may do is the conditions' or
    /// the PKP's to say. A contract wallet's is checked on `chain`, the request's.
    Accepted {
        /// The chain the request names, where a contract wallet is asked.
        chain: Option<&'a str>,
    },
    /// Refused with Lit's code, naming the endpoint as Lit does (`pkpSign`, `execute`).
    Refused(&'static str),
}

impl BareAuthSigs<'_> {
    /// Refuses `auth_sig` here if it is not a session sig and the endpoint takes none but
    /// those: Lit's versioned endpoints refuse it before they read the rest of the request.
    pub(crate) fn check(self, auth_sig: &AuthSig) -> Result<(), NodeError> {
        match (self, AuthMaterialKind::of(auth_sig)) {
            (BareAuthSigs::Refused(endpoint), kind) if kind != AuthMaterialKind::Session => {
                Err(NodeError::AuthSigNotAccepted { endpoint })
            }
            _ => Ok(()),
        }
    }
}

impl NodeState {
    /// Verifies `auth_sig` for `ability` on `resource`, as of the node's clock, then counts the
    /// request; the count is committed before this returns. The user of the returned context is
    /// the one the request acts for. `auth_sig` is a session sig, or where `bare` accepts it, a
    /// wallet's own AuthSig.
    pub(crate) async fn authorize(
        self: &Arc<Self>,
        auth_sig: AuthSig,
        resource: &LitResource,
        ability: LitAbility,
        bare: BareAuthSigs<'_>,
    ) -> Result<AuthContext, NodeError> {
        bare.check(&auth_sig)?;
        let unsupported = |reason: &str| {
            Err(AuthError::InvalidWalletSig {
                reason: reason.to_owned(),
            }
            .into())
        };
        match AuthMaterialKind::of(&auth_sig) {
            AuthMaterialKind::Session => self.authorize_session(auth_sig, resource, ability).await,
            AuthMaterialKind::Wallet => self.authorize_wallet(&auth_sig).await,
            AuthMaterialKind::Network => unsupported(
                "BLSNetworkSig is not supported for wallet sig validation: a PKP session's \
                 capability goes in a session sig",
            ),
            AuthMaterialKind::Contract { sha256 } => {
                let chain = match bare {
                    BareAuthSigs::Accepted { chain } => chain,
                    BareAuthSigs::Refused(_) => None,
                };
                self.authorize_contract(&auth_sig, sha256, chain).await
            }
        }
    }

    /// A wallet's own AuthSig, checked as Lit's nodes check it, then counted.
    async fn authorize_wallet(&self, auth_sig: &AuthSig) -> Result<AuthContext, NodeError> {
        let now = self.clock.now();
        let expected = self.usage.expect_request();
        let wallet = sigil_auth::verify_wallet_auth_sig(auth_sig, now)?;
        self.count_sign_in(
            sign_in_context(wallet.address, Some(&wallet.siwe)),
            expected,
        )
        .await
    }

    /// A contract wallet's AuthSig (EIP-1271), checked as Lit's nodes check it: its SIWE message
    /// here, then `isValidSignature` of the wallet contract on the request's chain, which must
    /// answer `0x1626ba7e`; then counted for the contract.
    async fn authorize_contract(
        &self,
        auth_sig: &AuthSig,
        sha256: bool,
        chain: Option<&str>,
    ) -> Result<AuthContext, NodeError> {
        let now = self.clock.now();
        let check = sigil_auth::prepare_contract_auth_sig(auth_sig, sha256, now)?;
        let refused = |code, reason| NodeError::Refused { code, reason };
        let chain = chain.ok_or_else(|| {
            refused(
                LitErrorCode::NodeBlockchainChainUnknown,
                "Empty chain value: a contract wallet's AuthSig is checked on the request's chain"
                    .to_owned(),
            )
        })?;
        let call = IERC1271::isValidSignatureCall {
            hash: check.hash,
            signature: check.signature.clone().into(),
        };
        let request = TransactionRequest::default()
            .to(check.contract)
            .input(call.abi_encode().into());
        let failed = || {
            refused(
                LitErrorCode::NodeBlockchainError,
                format!(
                    "Execution Reverted- Call to contract's {} isValidSignature function failed on chain {chain}",
                    check.contract
                ),
            )
        };
        let answer = match self.condition_reader.call(chain, request).await {
            Ok(answer) => answer,
            Err(ChainReadError::UnknownChain) => {
                return Err(refused(
                    LitErrorCode::NodeInvalidAuthSig,
                    format!(
                        "unable to resolve RPC for chain {}: configure it to check contract wallets there",
                        sigil_auth::truncate_for_error(chain)
                    ),
                ))
            }
            Err(_) => return Err(failed()),
        };
        let magic =
            IERC1271::isValidSignatureCall::abi_decode_returns(&answer).map_err(|_| failed())?;
        if magic != IERC1271::isValidSignatureCall::SELECTOR {
            return Err(refused(
                LitErrorCode::NodeContractAuthsigUnauthorized,
                format!(
                    "Authsig failed for contract {}.  Return value was {magic}.  We sent params isValidSignature({}, {})",
                    check.contract,
                    hex::encode(check.hash),
                    sigil_auth::truncate_for_error(&auth_sig.sig)
                ),
            ));
        }
        // Announced only now: a usage commit may wait for an announced request, and none
        // should wait for a chain call.
        let expected = self.usage.expect_request();
        self.count_sign_in(sign_in_context(check.contract, Some(&check.siwe)), expected)
            .await
    }

    /// Counts a request signed by Solana or Cosmos wallets alone (their AuthSigs already
    /// checked). Such a wallet holds no capacity credits: the request is counted against the
    /// free allowance of an identity derived from its first wallet (Lit's key order), which is
    /// returned as the request's user.
    pub(crate) async fn count_other_chains_wallet(
        &self,
        wallets: &sigil_crypto::conditions::Wallets,
    ) -> Result<Address, NodeError> {
        let expected = self.usage.expect_request();
        let address = crate::endpoints::other_wallets(wallets)
            .next()
            .unwrap_or_default();
        // Unlike an EVM address, no key is behind it: it only names the wallet's allowance.
        let digest = alloy_primitives::keccak256(format!("sigil-other-chain-wallet:{address}"));
        let user = Address::from_slice(&digest[12..]);
        self.count_sign_in(sign_in_context(user, None), expected)
            .await
            .map(|context| context.user_address)
    }

    /// Counts a request signed in without a session key, as of the node's clock.
    async fn count_sign_in(
        &self,
        context: AuthContext,
        expected: ExpectedRequest,
    ) -> Result<AuthContext, NodeError> {
        self.count_request(&context, unix_secs(self.clock.now()), expected)
            .await?;
        Ok(context)
    }

    /// Verifies `session_sig` for `ability` on `resource`, as of the node's clock, then counts
    /// the request; the count is committed before this returns.
    ///
    /// A session with at most [`INLINE_CAPABILITIES`] capabilities (the JS SDK's wallet AuthSig,
    /// perhaps a capacity delegation) is verified right here: tens of microseconds, less than
    /// handing it to the CPU pool and back costs. Larger ones go to the pool.
    async fn authorize_session(
        self: &Arc<Self>,
        session_sig: AuthSig,
        resource: &LitResource,
        ability: LitAbility,
    ) -> Result<AuthContext, NodeError> {
        let now = self.clock.now();
        // Announced before verifying, so a commit under way may wait for this request's use.
        let expected = self.usage.expect_request();
        let lookup = self.capability_cache.look_up_session(&session_sig, now);
        let small = is_small_session(&lookup, &session_sig);
        let verify = move |state: &NodeState, resource: &LitResource| {
            let network_key = state.network_key.borrow().clone();
            let verification = VerificationRequest {
                resource,
                ability,
                node_address: &state.node_address,
                now,
                network_public_key: network_key.as_deref().map(|key| key.network_public_key()),
            };
            sigil_auth::verify_looked_up_session_sig(
                &session_sig,
                lookup,
                &verification,
                &state.capability_cache,
            )
        };
        let context = if small {
            verify(self, resource)?
        } else {
            let state = Arc::clone(self);
            let resource = resource.clone();
            self.cpu(move || verify(&state, &resource)).await??
        };
        self.count_request(&context, unix_secs(now), expected)
            .await?;
        Ok(context)
    }

    /// Counts the request against the user's allowance, owned credits and delegations.
    async fn count_request(
        &self,
        context: &AuthContext,
        now: u64,
        expected: ExpectedRequest,
    ) -> Result<(), NodeError> {
        let user = context.user_address;
        let owned = self
            .chain()
            .capacity_credits_owned_by(user)
            .into_iter()
            .filter(|credit| credit.is_active_at(now))
            .collect();
        let delegated = context
            .capacity_delegations
            .iter()
            .filter(|delegation| delegation.delegates_to(user))
            .map(|delegation| DelegatedCredits {
                delegation_key: delegation.sig_hash,
                max_uses: delegation.uses,
                credits: self.delegated_credits(delegation, now),
            })
            .collect();
        let request = UsageRequest {
            user,
            owned,
            delegated,
            now,
        };
        let allocation = self.usage.allocate(request);
        drop(expected);
        allocation.await.map(drop).map_err(usage_error)
    }

    /// The delegator's active credits a delegation covers: those named in `nft_id` (decimal
    /// token ids; unreadable ones skipped, as Lit does), or all of the delegator's when it names
    /// none. A named credit the delegator does not own pays nothing: unlike Lit's node, which
    /// does not check, a delegation here cannot spend someone else's credits.
    fn delegated_credits(&self, delegation: &CapacityDelegation, now: u64) -> Vec<CapacityCredit> {
        let credits: Vec<_> = match &delegation.nft_ids {
            Some(ids) => ids
                .iter()
                .filter_map(|id| U256::from_str_radix(id, 10).ok())
                .filter_map(|id| self.chain().capacity_credit(id))
                .collect(),
            None => self.chain().capacity_credits_owned_by(delegation.delegator),
        };
        credits
            .into_iter()
            .filter(|credit| credit.owner == delegation.delegator && credit.is_active_at(now))
            .collect()
    }
}

/// The context of a request signed in with `user`'s own AuthSig over `siwe` (none for a Solana
/// or Cosmos wallet's): no session key, no delegations.
fn sign_in_context(user: Address, siwe: Option<&SiweMessage>) -> AuthContext {
    AuthContext {
        user_address: user,
        session_key_hex: String::new(),
        siwe_domain: siwe.map(SiweMessage::domain).unwrap_or_default(),
        siwe_resources: siwe
            .map(|siwe| siwe.resources().map(str::to_owned).collect())
            .unwrap_or_default(),
        capacity_delegations: Vec::new(),
        resolved_auth_context: None,
    }
}

/// Most capabilities a session may carry to be verified without the CPU pool.
const INLINE_CAPABILITIES: usize = 2;

/// Whether verifying `session_sig` is cheap enough to do in place. A template that does not
/// parse is: verification stops at the parse. A session seen before is counted without a parse
/// (its capabilities' signatures are cached). A new one with a network (`lit.bls`) capability
/// is not: a BLS verification is a pairing, milliseconds.
fn is_small_session(lookup: &SessionLookup, session_sig: &AuthSig) -> bool {
    match lookup.known_capabilities() {
        Some(count) => count <= INLINE_CAPABILITIES,
        None => SessionKeySignedMessage::parse(&session_sig.signed_message)
            .ok()
            .is_none_or(|template| {
                template.capabilities.len() <= INLINE_CAPABILITIES
                    && !template
                        .capabilities
                        .iter()
                        .any(|capability| capability.derived_via == DERIVED_VIA_NETWORK)
            }),
    }
}

pub(crate) fn usage_error(error: UsageError) -> NodeError {
    match error {
        UsageError::Exceeded { retry_at } => NodeError::RateLimitExceeded {
            retry_at: rfc3339(retry_at),
        },
        other => NodeError::Storage(other.to_string()),
    }
}

fn rfc3339(unix: u64) -> String {
    i64::try_from(unix)
        .ok()
        .and_then(|secs| time::OffsetDateTime::from_unix_timestamp(secs).ok())
        .and_then(|at| {
            at.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| unix.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_time_is_rfc3339() {
        assert_eq!(rfc3339(1_750_001_000), "2025-06-15T15:23:20Z");
    }
}
