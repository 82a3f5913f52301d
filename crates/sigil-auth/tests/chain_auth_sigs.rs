//! Solana and Cosmos AuthSigs, in the shapes the JS SDK's auth-browser makes them
//! (`tests/vectors/chain-auth-sigs.json`, from `make-chain-auth-sigs.js`), checked as Lit's
//! nodes check them; tampered ones get Lit's codes.

use sigil_auth::*;

fn vectors() -> serde_json::Value {
    serde_json::from_str(include_str!("vectors/chain-auth-sigs.json")).expect("vectors")
}

fn auth_sig(name: &str) -> AuthSig {
    serde_json::from_value(vectors()[name].clone()).expect("an AuthSig")
}

fn code(error: AuthError) -> (String, u16) {
    (error.code().as_str().to_owned(), error.code().status())
}

#[test]
fn a_request_s_chain_says_how_its_wallet_auth_sig_is_checked() {
    for (chain, expected) in [
        (Some("ethereum"), WalletChain::Evm),
        (Some("polygon"), WalletChain::Evm),
        (None, WalletChain::Evm),
        (Some("solana"), WalletChain::Solana),
        (Some("solanaDevnet"), WalletChain::Solana),
        (Some("cosmos"), WalletChain::Cosmos { prefix: "cosmos" }),
        (
            Some("cheqdTestnet"),
            WalletChain::Cosmos { prefix: "cheqd" },
        ),
        (Some("juno"), WalletChain::Cosmos { prefix: "juno" }),
        // Lit's nodes send evmosCosmos down the EVM path.
        (Some("evmosCosmos"), WalletChain::Evm),
    ] {
        assert_eq!(WalletChain::of(chain), expected, "{chain:?}");
    }
}

#[test]
fn a_solana_wallet_s_signature_names_its_address_and_a_tampered_one_is_refused() {
    let signed = auth_sig("solana");
    assert_eq!(
        verify_solana_auth_sig(&signed).expect("valid"),
        "GmaDrppBC7P5ARKV8g3djiwP89vz1jLK23V2GBjuAEGB"
    );
    let invalid = ("NodeInvalidAuthSig".to_owned(), 401);

    let mut changed = signed.clone();
    changed.signed_message.push('!');
    assert_eq!(code(verify_solana_auth_sig(&changed).unwrap_err()), invalid);
    // Another wallet's address.
    let mut other = signed.clone();
    let other_key = ed25519_dalek::SigningKey::from_bytes(&[8u8; 32]).verifying_key();
    other.address = bs58::encode(other_key.as_bytes()).into_string();
    assert_eq!(code(verify_solana_auth_sig(&other).unwrap_err()), invalid);
    let mut not_base58 = signed.clone();
    not_base58.address = "0OIl".to_owned();
    assert_eq!(
        code(verify_solana_auth_sig(&not_base58).unwrap_err()),
        ("NodeAuthSigAddressConversionError".to_owned(), 400)
    );
    let mut short_key = signed.clone();
    short_key.address = "3yZe7d".to_owned();
    assert_eq!(
        code(verify_solana_auth_sig(&short_key).unwrap_err()),
        ("NodeAuthSigSessionKeyConversionError".to_owned(), 400)
    );
    let mut prefixed = signed.clone();
    prefixed.sig = format!("0x{}", signed.sig);
    assert_eq!(
        code(verify_solana_auth_sig(&prefixed).unwrap_err()),
        ("NodeInvalidED25519AuthSig".to_owned(), 400)
    );
}

#[test]
fn a_cosmos_wallet_s_signature_names_its_address_on_its_chain_and_a_tampered_one_is_refused() {
    let cosmos = auth_sig("cosmos");
    assert_eq!(
        verify_cosmos_auth_sig(&cosmos, "cosmos").expect("valid"),
        cosmos.address
    );
    let juno = auth_sig("juno");
    assert_eq!(
        verify_cosmos_auth_sig(&juno, "juno").expect("valid"),
        juno.address
    );
    let invalid = ("NodeInvalidAuthSig".to_owned(), 401);
    // The same key's address under another chain's prefix is not this one.
    assert_eq!(
        code(verify_cosmos_auth_sig(&cosmos, "juno").unwrap_err()),
        invalid
    );
    // Another digest, another signature.
    let mut other_digest = cosmos.clone();
    other_digest.signed_message = juno.signed_message.clone();
    assert_eq!(
        code(verify_cosmos_auth_sig(&other_digest, "cosmos").unwrap_err()),
        invalid
    );
    let mut other_sig = cosmos.clone();
    other_sig.sig = juno.sig.clone();
    assert_eq!(
        code(verify_cosmos_auth_sig(&other_sig, "cosmos").unwrap_err()),
        invalid
    );
    for (sig, message, expected) in [
        (
            "not base64!",
            cosmos.signed_message.as_str(),
            invalid.clone(),
        ),
        (
            "AAEC",
            cosmos.signed_message.as_str(),
            ("NodeAuthSigSignatureConversionError".to_owned(), 400),
        ),
        (
            cosmos.sig.as_str(),
            "a message, not a digest",
            ("NodeAuthSigSignedMessageConversionError".to_owned(), 400),
        ),
        (
            cosmos.sig.as_str(),
            "abcd",
            ("NodeParserError".to_owned(), 400),
        ),
    ] {
        let malformed = AuthSig {
            sig: sig.to_owned(),
            signed_message: message.to_owned(),
            ..cosmos.clone()
        };
        assert_eq!(
            code(verify_cosmos_auth_sig(&malformed, "cosmos").unwrap_err()),
            expected,
            "{sig} / {message}"
        );
    }
}
