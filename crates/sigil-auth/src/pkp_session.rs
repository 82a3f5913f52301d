//! The SIWE message a network signs for a PKP session, rebuilt from the one the client sends as
//! Lit's nodes rebuild it, so that every node signs the same text and the client can combine
//! their shares over it.
//!
//! From the client's message the network keeps the domain, statement, URI, version, chain id,
//! expiration, not-before and request id as written; the address becomes the PKP's, the nonce
//! the block hash the client named, `Issued At` that block's time, and the resources one ReCap:
//! the client's (its last resource, which must be one) with the resolved auth context added
//! under `lit-resolvedauthcontext://*` (`Auth/Auth`). The statement is the client's followed,
//! after one space, by the merged ReCap's statement.

use alloy_primitives::Address;
use time::OffsetDateTime;

use crate::error::AuthError;
use crate::recap::{NotaBene, Recap, RECAP_URN_PREFIX};
use crate::siwe::SiweMessage;
use crate::verify::{GRACE_PERIOD, MAX_SESSION_VALIDITY, RESOLVED_AUTH_CONTEXT_RESOURCE};

/// The scheme of the resource only the network writes.
const RESOLVED_AUTH_CONTEXT_SCHEME: &str = "lit-resolvedauthcontext";

/// What the network grants a PKP session: the client's message, and what the network fills in.
#[derive(Clone, Copy, Debug)]
pub struct PkpSessionGrant<'a> {
    /// The SIWE message the client sent.
    pub requested: &'a SiweMessage,
    /// The PKP's address.
    pub pkp_address: Address,
    /// The block hash the client's nonce names, as the network writes it.
    pub block_hash: &'a str,
    /// That block's time.
    pub block_time: OffsetDateTime,
    /// The auth context the network resolved (the auth methods and actions it checked).
    pub auth_context: &'a serde_json::Value,
}

/// The text the network signs for `grant`.
pub fn pkp_session_siwe(grant: &PkpSessionGrant<'_>) -> Result<String, AuthError> {
    let requested = grant.requested;
    check_no_auth_context_resource(requested)?;
    let user_recap = requested
        .resources()
        .last()
        .filter(|resource| resource.starts_with(RECAP_URN_PREFIX))
        .ok_or(AuthError::MissingRecap)
        .and_then(Recap::decode)?;
    if user_recap
        .attenuations()
        .keys()
        .any(|resource| resource.starts_with(RESOLVED_AUTH_CONTEXT_SCHEME))
    {
        return Err(AuthError::ReservedAuthContextResource);
    }
    let mut recap = Recap::new();
    let mut auth_context = NotaBene::new();
    auth_context.insert("auth_context".to_owned(), grant.auth_context.clone());
    recap.add_attenuation(RESOLVED_AUTH_CONTEXT_RESOURCE, "Auth", "Auth", auth_context)?;
    recap.merge(user_recap);

    let mut message = requested.as_siwe().clone();
    message.address = grant.pkp_address.into_array();
    message.statement = Some(match requested.statement() {
        Some(statement) if !statement.is_empty() => {
            format!("{statement} {}", recap.statement())
        }
        _ => recap.statement(),
    });
    message.nonce = grant.block_hash.to_owned();
    message.issued_at = grant.block_time.into();
    message.resources = vec![recap.encode().parse().map_err(|_| AuthError::SiweTimes {
        reason: "the merged ReCap is not a URI".to_owned(),
    })?];
    Ok(message.to_string())
}

/// Refuses a client's message whose statement names the resource only the network writes.
pub fn check_no_auth_context_resource(requested: &SiweMessage) -> Result<(), AuthError> {
    match requested.statement() {
        Some(statement) if statement.contains(RESOLVED_AUTH_CONTEXT_SCHEME) => {
            Err(AuthError::ReservedAuthContextResource)
        }
        _ => Ok(()),
    }
}

/// Lit's checks of the times of a SIWE message a network signs or takes as proof of a wallet:
/// issued at most 60 s ahead of `now`; an expiration, not before the issue, at most 60 s past
/// and at most 30 days after the issue. (`Not Before` is not checked, as on Lit's nodes.)
pub fn check_siwe_times(siwe: &SiweMessage, now: OffsetDateTime) -> Result<(), AuthError> {
    let issued_at = siwe.issued_at();
    if issued_at > now + GRACE_PERIOD {
        return Err(AuthError::SiweTimes {
            reason: format!("the SIWE message is issued at {issued_at}, in the future"),
        });
    }
    let expiration = siwe.expiration_time().ok_or_else(|| AuthError::SiweTimes {
        reason: "Session key expiration time is not set".to_owned(),
    })?;
    if expiration < issued_at {
        return Err(AuthError::ExpirationBeforeIssuedAt {
            issued_at,
            expiration,
        });
    }
    if expiration < now - GRACE_PERIOD {
        return Err(AuthError::SiweTimes {
            reason: format!(
                "the SIWE message expired at {expiration}, in the past beyond the grace period"
            ),
        });
    }
    if expiration > issued_at + MAX_SESSION_VALIDITY {
        return Err(AuthError::SiweTimes {
            reason: format!(
                "the SIWE message expires at {expiration}, beyond the max expiry of 30 days after its issue"
            ),
        });
    }
    Ok(())
}
