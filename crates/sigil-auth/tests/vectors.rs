//! Every case of the JS SDK v7.4.0 reference vectors, reproduced byte for byte from the vectors'
//! fixed inputs (tests/vectors/session-sigs.json and capacity-delegation.json).

use alloy_primitives::Address;
use alloy_signer_local::PrivateKeySigner;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::Value;
use sigil_auth::recap::{Recap, RECAP_STATEMENT_PREFIX};
use sigil_auth::siwe::{create_siwe_message, SiweMessage, SiweMessageParams};
use sigil_auth::*;
use sigil_test_support::vectors::{capacity_delegation, session_sigs};

fn str_at<'a>(value: &'a Value, key: &str) -> &'a str {
    value[key]
        .as_str()
        .unwrap_or_else(|| panic!("vector field {key} is a string"))
}

fn time_at(value: &Value, key: &str) -> time::OffsetDateTime {
    parse_rfc3339(str_at(value, key)).expect("vector timestamp parses")
}

fn seed_of(inputs: &Value) -> [u8; 32] {
    let mut seed = [0u8; 32];
    hex::decode_to_slice(str_at(inputs, "sessionKeySeedHex"), &mut seed)
        .expect("seed is 32 bytes of hex");
    seed
}

fn requests_of(inputs: &Value) -> Vec<ResourceAbilityRequest> {
    serde_json::from_value(inputs["resourceAbilityRequests"].clone()).expect("requests deserialise")
}

fn auth_sig_of(value: &Value) -> AuthSig {
    serde_json::from_value(value.clone()).expect("auth sig deserialises")
}

/// Decodes a `urn:recap:` base64url payload to its JSON text, independently of `Recap`.
fn recap_json(base64url: &str) -> String {
    String::from_utf8(URL_SAFE_NO_PAD.decode(base64url).expect("base64url")).expect("utf-8")
}

/// Checks one case shared by both files: session key, callback params, SIWE, AuthSig, recaps,
/// every node's signedMessage and sig, and that the result verifies as a node would.
fn check_case(case: &Value) -> (SessionSigs, Vec<AuthSig>) {
    let name = str_at(case, "name");
    let inputs = &case["inputs"];
    let now = time_at(inputs, "clockNow");
    let expiration = time_at(inputs, "expiration");
    let wallet: PrivateKeySigner = str_at(inputs, "walletPrivateKey")
        .parse()
        .expect("wallet key");
    let requests = requests_of(inputs);

    // Session key: both JS hex forms.
    let key = SessionKeyPair::from_seed(seed_of(inputs));
    assert_eq!(
        key.public_key_hex(),
        str_at(&inputs["sessionKey"], "publicKey"),
        "{name}: session public key"
    );
    assert_eq!(
        *key.secret_key_hex(),
        str_at(&inputs["sessionKey"], "secretKey"),
        "{name}: session secret key"
    );
    let from_js = SessionKeyPair::from_secret_hex(str_at(&inputs["sessionKey"], "secretKey"))
        .expect("JS secret form");
    assert_eq!(
        from_js.public_key_hex(),
        key.public_key_hex(),
        "{name}: secret form round trip"
    );

    // What authNeededCallback receives.
    let callback = &case["authNeededCallbackParams"];
    assert_eq!(str_at(callback, "uri"), key.uri(), "{name}: callback uri");
    assert_eq!(
        str_at(callback, "statement"),
        Recap::new().statement(),
        "{name}: callback statement"
    );
    assert_eq!(
        callback["resources"],
        serde_json::json!([Recap::new().encode()]),
        "{name}: callback resources"
    );
    assert_eq!(
        str_at(callback, "expiration"),
        to_js_iso_string(expiration),
        "{name}: callback expiration"
    );
    assert_eq!(
        str_at(callback, "nonce"),
        str_at(inputs, "nonce"),
        "{name}: callback nonce"
    );
    assert_eq!(
        str_at(callback, "chain"),
        "ethereum",
        "{name}: callback chain"
    );
    assert_eq!(
        serde_json::to_value(&requests).unwrap(),
        callback["resourceAbilityRequests"],
        "{name}: callback resourceAbilityRequests"
    );
    for decoded in case["authNeededCallbackParamsRecapDecoded"]
        .as_array()
        .unwrap()
    {
        let urn = format!("urn:recap:{}", str_at(decoded, "base64url"));
        assert_eq!(
            recap_json(str_at(decoded, "base64url")),
            str_at(decoded, "json"),
            "{name}: callback recap json"
        );
        assert_eq!(
            Recap::decode(&urn).unwrap(),
            Recap::new(),
            "{name}: callback recap decodes empty"
        );
    }

    // The SIWE the wallet signs.
    let siwe_params = SiweMessageParams::new(wallet.address(), str_at(inputs, "nonce"))
        .with_uri(key.uri())
        .with_expiration(expiration)
        .with_resources(requests.clone());
    let siwe = create_siwe_message(&siwe_params, now).expect("SIWE builds");
    assert_eq!(siwe, str_at(case, "siweMessage"), "{name}: SIWE text");
    let parsed: SiweMessage = siwe.parse().expect("SIWE parses");
    assert_eq!(parsed.to_string(), siwe, "{name}: SIWE parse/display");

    let recap = Recap::from_requests(&requests).unwrap();
    for decoded in case["siweRecap"].as_array().unwrap() {
        let base64url = str_at(decoded, "base64url");
        assert_eq!(
            recap.encode(),
            format!("urn:recap:{base64url}"),
            "{name}: SIWE recap urn"
        );
        assert_eq!(
            recap_json(base64url),
            str_at(decoded, "json"),
            "{name}: SIWE recap json"
        );
        assert_eq!(
            Recap::decode(&recap.encode()).unwrap(),
            recap,
            "{name}: SIWE recap decodes"
        );
    }
    assert!(
        siwe.contains(&recap.statement()),
        "{name}: SIWE carries the recap statement"
    );

    // The wallet's AuthSig.
    let auth_sig = generate_auth_sig(&wallet, &siwe).expect("signs");
    assert_eq!(
        serde_json::to_value(&auth_sig).unwrap(),
        case["authSig"],
        "{name}: authSig"
    );
    assert_eq!(
        auth_sig,
        auth_sig_of(&case["authSig"]),
        "{name}: authSig parses back"
    );

    // Capacity delegation, when the case has one.
    let mut capabilities = Vec::new();
    if let Some(expected) = case.get("capacityDelegationAuthSig") {
        let owner: PrivateKeySigner = str_at(inputs, "dAppOwnerPrivateKey")
            .parse()
            .expect("owner key");
        assert_eq!(
            owner.address().to_checksum(None),
            str_at(inputs, "dAppOwnerAddress"),
            "{name}: owner address"
        );
        let js = &inputs["createCapacityDelegationAuthSigParams"];
        let mut params = CapacityDelegationParams::new(
            js["delegateeAddresses"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_str().unwrap().to_owned())
                .collect(),
            str_at(inputs, "nonce"),
        );
        params.uses = js.get("uses").map(|u| u.as_str().unwrap().parse().unwrap());
        params.capacity_token_ids = js
            .get("capacityTokenId")
            .map(|t| vec![t.as_str().unwrap().to_owned()])
            .unwrap_or_default();
        params.expiration = Some(time_at(js, "expiration"));
        let delegation =
            create_capacity_delegation_auth_sig(&owner, &params, now).expect("delegation signs");
        assert_eq!(
            serde_json::to_value(&delegation).unwrap(),
            *expected,
            "{name}: capacityDelegationAuthSig"
        );
        let delegation_recap =
            Recap::from_requests(&[params.resource_ability_request().unwrap()]).unwrap();
        for decoded in case["capacityDelegationSiweRecap"].as_array().unwrap() {
            let base64url = str_at(decoded, "base64url");
            assert_eq!(
                delegation_recap.encode(),
                format!("urn:recap:{base64url}"),
                "{name}: delegation recap urn"
            );
            assert_eq!(
                recap_json(base64url),
                str_at(decoded, "json"),
                "{name}: delegation recap json"
            );
        }
        capabilities.push(delegation);
    }
    capabilities.push(auth_sig);

    // One session sig per node.
    let node_urls: Vec<String> = inputs["nodeUrls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u.as_str().unwrap().to_owned())
        .collect();
    let params = SessionSigningParams {
        resource_ability_requests: requests.clone(),
        capabilities: capabilities.clone(),
        issued_at: now,
        expiration,
    };
    let sigs = sign_session_sigs(&key, &params, &node_urls).expect("session sigs sign");
    let expected_sigs = case["sessionSigs"].as_object().unwrap();
    assert_eq!(
        sigs.urls().collect::<Vec<_>>(),
        expected_sigs.keys().map(String::as_str).collect::<Vec<_>>(),
        "{name}: node order"
    );
    for (url, expected) in expected_sigs {
        let sig = sigs
            .get(url)
            .unwrap_or_else(|| panic!("{name}: no sig for {url}"));
        assert_eq!(
            sig.signed_message,
            str_at(expected, "signedMessage"),
            "{name} {url}: signedMessage"
        );
        assert_eq!(sig.sig, str_at(expected, "sig"), "{name} {url}: sig");
        assert_eq!(
            serde_json::to_value(sig).unwrap(),
            *expected,
            "{name} {url}: session sig"
        );
        assert_eq!(
            case["recomputedCheck"][url]["signedMessageMatches"],
            Value::Bool(true),
            "{name} {url}: JS recomputed"
        );
        assert_eq!(
            case["recomputedCheck"][url]["sigMatches"],
            Value::Bool(true),
            "{name} {url}: JS recomputed sig"
        );
    }
    assert_eq!(
        serde_json::to_value(&sigs).unwrap(),
        case["sessionSigs"],
        "{name}: session sigs map"
    );
    assert_eq!(
        SessionSigs::from_json(&sigs.to_json()).unwrap(),
        sigs,
        "{name}: map JSON round trip"
    );

    // And every sig verifies as a node would, for each requested resource.
    for (url, sig) in &sigs {
        for request in &requests {
            let verification = VerificationRequest {
                resource: &request.resource,
                ability: request.ability,
                node_address: url,
                now,
                network_public_key: None,
            };
            let context = verify_session_sig(sig, &verification, None).unwrap_or_else(|error| {
                panic!("{name} {url}: vector session sig does not verify: {error}")
            });
            assert_eq!(context.user_address, wallet.address(), "{name} {url}: user");
            assert_eq!(
                context.session_key_hex,
                key.public_key_hex(),
                "{name} {url}: session key"
            );
        }
    }
    (sigs, capabilities)
}

#[test]
fn every_session_sigs_case_is_reproduced_byte_for_byte() {
    let vectors = session_sigs();
    let cases = vectors["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 7, "all cases are checked");
    for case in cases {
        let (_, capabilities) = check_case(case);
        assert_eq!(
            capabilities.len(),
            1,
            "{}: only the wallet capability",
            str_at(case, "name")
        );
    }
}

#[test]
fn every_capacity_delegation_case_is_reproduced_byte_for_byte() {
    let vectors = capacity_delegation();
    let cases = vectors["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 2, "all cases are checked");
    for case in cases {
        let name = str_at(case, "name");
        let (sigs, _) = check_case(case);
        let inputs = &case["inputs"];
        let owner: Address = str_at(inputs, "dAppOwnerAddress").parse().unwrap();
        let user: Address = vectors["walletAddress"].as_str().unwrap().parse().unwrap();
        let js = &inputs["createCapacityDelegationAuthSigParams"];
        let (url, sig) = sigs.iter().next().unwrap();
        let resource = LitResource::wildcard(ResourcePrefix::AccessControlCondition);
        let request = VerificationRequest {
            resource: &resource,
            ability: LitAbility::AccessControlConditionDecryption,
            node_address: url,
            now: time_at(inputs, "clockNow"),
            network_public_key: None,
        };
        let context = verify_session_sig(sig, &request, None).unwrap();
        assert_eq!(
            context.capacity_delegations.len(),
            1,
            "{name}: one delegation found"
        );
        let delegation = &context.capacity_delegations[0];
        assert_eq!(delegation.delegator, owner, "{name}: delegator");
        assert!(
            delegation.delegates_to(user),
            "{name}: delegated to the user"
        );
        assert_eq!(
            delegation.uses,
            js.get("uses").map(|u| u.as_str().unwrap().parse().unwrap()),
            "{name}: uses"
        );
        assert_eq!(
            delegation.nft_ids,
            js.get("capacityTokenId")
                .map(|t| vec![t.as_str().unwrap().to_owned()]),
            "{name}: nft ids"
        );
        let delegation_sig = str_at(&case["capacityDelegationAuthSig"], "sig");
        assert_eq!(
            delegation.sig_hash,
            <[u8; 32]>::from(sha2::Sha256::digest(delegation_sig.as_bytes())),
            "{name}: sig hash"
        );
    }
}

use sha2::Digest as _;

#[test]
fn plain_siwe_without_resources_matches_both_files() {
    for (file, vectors) in [
        ("session-sigs", session_sigs()),
        ("capacity-delegation", capacity_delegation()),
    ] {
        let inputs = &vectors["cases"][0]["inputs"];
        let wallet: PrivateKeySigner = str_at(inputs, "walletPrivateKey").parse().unwrap();
        let key = SessionKeyPair::from_seed(seed_of(inputs));
        let params = SiweMessageParams::new(wallet.address(), str_at(inputs, "nonce"))
            .with_uri(key.uri())
            .with_expiration(time_at(inputs, "expiration"));
        let siwe = create_siwe_message(&params, time_at(inputs, "clockNow")).unwrap();
        assert_eq!(
            siwe,
            str_at(&vectors, "plainSiweNoResources"),
            "{file}: plain SIWE"
        );
        let auth_sig = generate_auth_sig(&wallet, &siwe).unwrap();
        assert_eq!(
            serde_json::to_value(&auth_sig).unwrap(),
            vectors["plainSiweNoResourcesAuthSig"],
            "{file}: plain AuthSig"
        );
        assert_eq!(
            str_at(&vectors, "walletAddress"),
            wallet.address().to_checksum(None),
            "{file}: wallet address"
        );
    }
}

#[test]
fn empty_recap_matches_both_files() {
    for (file, vectors) in [
        ("session-sigs", session_sigs()),
        ("capacity-delegation", capacity_delegation()),
    ] {
        let empty = &vectors["emptyRecap"];
        assert_eq!(
            str_at(empty, "statement"),
            Recap::new().statement(),
            "{file}: empty recap statement"
        );
        assert_eq!(
            str_at(empty, "statement"),
            RECAP_STATEMENT_PREFIX,
            "{file}: empty recap statement constant"
        );
        assert_eq!(
            str_at(empty, "urn"),
            Recap::new().encode(),
            "{file}: empty recap urn"
        );
        assert_eq!(
            Recap::decode(str_at(empty, "urn")).unwrap(),
            Recap::new(),
            "{file}: empty recap decodes"
        );
    }
}
