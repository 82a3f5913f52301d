//! The ReCap (ERC-5573) decoder.
//!
//! Input that starts with `urn:recap:` is decoded as is (exercises the prefix and base64url
//! checks); anything else is taken as the JSON payload and base64url-encoded first, so the
//! fuzzer works on the JSON the decoder really reads.
//!
//! Oracles: no panic; a decoded ReCap encodes to a URN that decodes again, to the same
//! encoding (encoding is canonical) and the same statement; coverage checks never panic.
#![no_main]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use libfuzzer_sys::fuzz_target;
use sigil_auth::recap::{Recap, RECAP_URN_PREFIX};
use sigil_auth::{LitAbility, LitResource, ResourcePrefix};

fuzz_target!(|data: &[u8]| {
    let urn = match std::str::from_utf8(data) {
        Ok(text) if text.starts_with(RECAP_URN_PREFIX) => text.to_owned(),
        _ => format!("{RECAP_URN_PREFIX}{}", URL_SAFE_NO_PAD.encode(data)),
    };
    let Ok(recap) = Recap::decode(&urn) else {
        return;
    };

    let statement = recap.statement();
    let encoded = recap.encode();
    let again = Recap::decode(&encoded).expect("an encoded ReCap decodes");
    assert_eq!(
        again.encode(),
        encoded,
        "encoding a decoded ReCap is not canonical"
    );
    assert_eq!(
        again.statement(),
        statement,
        "the statement changed across encode/decode"
    );

    for prefix in ResourcePrefix::ALL {
        let wildcard = LitResource::wildcard(prefix);
        let exact = LitResource::new(prefix, "ab12").ok();
        for ability in LitAbility::ALL {
            let _ = recap.covers(&wildcard, ability);
            if let Some(exact) = &exact {
                let _ = recap.covers(exact, ability);
            }
        }
    }
    // Every resource key the ReCap names, read back as a Lit resource.
    for resource in recap.attenuations().keys() {
        if let Ok(resource) = LitResource::parse(resource) {
            for ability in LitAbility::ALL {
                let _ = recap.covers(&resource, ability);
            }
        }
    }
});
