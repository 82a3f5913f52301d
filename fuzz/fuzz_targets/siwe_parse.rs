//! The SIWE (EIP-4361) parser on arbitrary text.
//!
//! Oracles: no panic; a message that parses prints back byte for byte (sigil-auth documents it,
//! and the wallet signature is checked against the printed form, so any difference means a text
//! other than the signed one is accepted); the printed form parses to the same message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sigil_auth::SiweMessage;
use time::OffsetDateTime;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(message) = text.parse::<SiweMessage>() else {
        return;
    };

    // What a verifier reads after a parse.
    let _ = message.recaps();
    let _ = message.resources().count();
    let _ = message.valid_at(OffsetDateTime::UNIX_EPOCH);
    let _ = message.valid_at(message.issued_at());
    let _ = (
        message.domain(),
        message.uri(),
        message.statement(),
        message.nonce(),
        message.chain_id(),
    );
    let _ = (
        message.expiration_time(),
        message.not_before(),
        message.address(),
    );

    let printed = message.to_string();
    let again: SiweMessage = printed
        .parse()
        .expect("the printed form of a parsed SIWE parses");
    assert_eq!(again, message, "the printed form parses to another message");
    assert_eq!(
        printed, text,
        "a parsed SIWE prints back differently from the text received"
    );
});
