//! Round-trip properties: SIWE format -> parse -> format is the identity, ReCap encode -> decode
//! is the identity, and no input makes the parsers panic.

use alloy_primitives::Address;
use proptest::prelude::*;
use serde_json::{Map, Value};
use sigil_auth::recap::{NotaBene, Recap};
use sigil_auth::siwe::{create_siwe_message, SiweMessage, SiweMessageParams};
use sigil_auth::*;
use time::OffsetDateTime;

fn timestamp() -> impl Strategy<Value = OffsetDateTime> {
    // 1970..2200, millisecond precision (what a JS Date holds).
    (0i64..7_258_118_400_000).prop_map(|ms| {
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).expect("in range")
    })
}

fn request() -> impl Strategy<Value = ResourceAbilityRequest> {
    (
        0usize..5,
        prop_oneof![
            Just("*".to_owned()),
            "[0-9a-f]{1,64}",
            "[a-z0-9]{1,20}/[a-f0-9]{64}"
        ],
    )
        .prop_map(|(index, id)| {
            let ability = LitAbility::ALL[index];
            let prefix = ResourcePrefix::ALL
                .into_iter()
                .find(|prefix| prefix.accepts(ability))
                .expect("every ability has a resource kind");
            ResourceAbilityRequest::new(LitResource::new(prefix, id).unwrap(), ability).unwrap()
        })
}

fn siwe_params() -> impl Strategy<Value = SiweMessageParams> {
    (
        any::<[u8; 20]>(),
        "[a-zA-Z0-9]{8,40}",
        proptest::option::of(prop_oneof![
            Just("localhost".to_owned()),
            "[a-z]{1,12}(\\.[a-z]{2,6}){0,2}(:[0-9]{1,5})?"
        ]),
        proptest::option::of("[ -~]{0,80}"),
        proptest::option::of(prop_oneof![
            "lit:session:[0-9a-f]{64}".prop_map(|s| s),
            Just("lit:capability:delegation".to_owned()),
            "https://[a-z]{1,10}\\.com/[a-z]{0,8}",
        ]),
        proptest::option::of(1u64..u64::MAX),
        proptest::option::of(timestamp()),
        proptest::collection::vec(request(), 0..4),
    )
        .prop_map(
            |(address, nonce, domain, statement, uri, chain_id, expiration, resources)| {
                let mut params =
                    SiweMessageParams::new(Address::from(address), nonce).with_resources(resources);
                params.domain = domain;
                params.statement = statement;
                params.uri = uri;
                params.chain_id = chain_id;
                params.expiration = expiration;
                params
            },
        )
}

fn json_leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<bool>().prop_map(Value::Bool),
        // JSON numbers are IEEE doubles in JS and in RFC 8785: integers are exact up to 2^53.
        (-(1i64 << 53)..(1i64 << 53)).prop_map(Value::from),
        any::<String>().prop_map(Value::String),
        Just(Value::Null),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    json_leaf().prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map(any::<String>(), inner, 0..4)
                .prop_map(|map| Value::Object(map.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn recap() -> impl Strategy<Value = Recap> {
    let ability_part = "[a-zA-Z0-9.*_+-]{1,12}";
    let attenuation = (
        any::<String>(),
        ability_part,
        ability_part,
        proptest::collection::vec(
            proptest::collection::btree_map(any::<String>(), json_value(), 0..3),
            1..3,
        ),
    );
    proptest::collection::vec(attenuation, 0..5).prop_map(|attenuations| {
        let mut recap = Recap::new();
        for (resource, namespace, name, nota_benes) in attenuations {
            for nota_bene in nota_benes {
                let nota_bene: NotaBene = nota_bene.into_iter().collect();
                recap
                    .add_attenuation(&resource, &namespace, &name, nota_bene)
                    .expect("valid ability parts");
            }
        }
        recap
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn siwe_format_parse_format_is_identity(params in siwe_params(), now in timestamp()) {
        if let Ok(text) = create_siwe_message(&params, now) {
            let parsed: SiweMessage = text.parse().expect("a created message parses");
            prop_assert_eq!(parsed.to_string(), text.clone());
            let reparsed: SiweMessage = parsed.to_string().parse().expect("parses again");
            prop_assert_eq!(&reparsed, &parsed);
            prop_assert_eq!(parsed.address(), params.wallet_address);
            prop_assert_eq!(parsed.nonce(), params.nonce.as_str());
            prop_assert_eq!(parsed.issued_at(), now);
            if !params.resources.is_empty() {
                let recap = Recap::from_requests(&params.resources).unwrap();
                prop_assert_eq!(parsed.recaps(), vec![recap.clone()]);
                prop_assert!(parsed.statement().unwrap_or_default().ends_with(&recap.statement()));
                for request in &params.resources {
                    // As on a Lit node, a `<prefix>://*` attenuation shadows exact keys of that prefix.
                    let shadowed = !request.resource.is_wildcard()
                        && params.resources.iter().any(|other| other.resource.prefix() == request.resource.prefix() && other.resource.is_wildcard());
                    prop_assert!(shadowed || recap.covers(&request.resource, request.ability));
                }
            }
        } else {
            // Only a domain the EIP-4361 authority grammar refuses may fail here.
            prop_assert!(params.domain.is_some());
        }
    }

    #[test]
    fn recap_encode_decode_is_identity(recap in recap()) {
        let urn = recap.encode();
        let decoded = Recap::decode(&urn).expect("an encoded recap decodes");
        prop_assert_eq!(&decoded, &recap);
        prop_assert_eq!(decoded.encode(), urn);
        prop_assert_eq!(decoded.statement(), recap.statement());
    }

    #[test]
    fn arbitrary_text_never_panics_the_parsers(text in any::<String>()) {
        let _ = text.parse::<SiweMessage>();
        let _ = Recap::decode(&format!("urn:recap:{text}"));
        let _ = LitResource::parse(&text);
        let _ = SessionSigs::from_json(&text);
        let _ = SessionKeyPair::from_secret_hex(&text);
        let _ = SessionKeySignedMessage::parse(&text);
    }

    #[test]
    fn arbitrary_session_sigs_never_panic_the_verifier(
        sig in "[0-9a-fA-F]{0,130}",
        address in "(0x)?[0-9a-f]{0,66}",
        signed_message in any::<String>(),
    ) {
        let auth_sig = AuthSig {
            sig,
            derived_via: DERIVED_VIA_SESSION.into(),
            signed_message,
            address,
            algo: Some(ALGO_ED25519.into()),
        };
        let resource = LitResource::wildcard(ResourcePrefix::AccessControlCondition);
        let request = VerificationRequest {
            resource: &resource,
            ability: LitAbility::AccessControlConditionDecryption,
            node_address: "127.0.0.1:7470",
            now: OffsetDateTime::UNIX_EPOCH,
            network_public_key: None,
        };
        prop_assert!(verify_session_sig(&auth_sig, &request, None).is_err());
    }
}
