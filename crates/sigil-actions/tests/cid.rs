//! CIDs equal `ipfs add`'s, as the npm package `ipfs-only-hash` computes them
//! (`tests/vectors/ipfs-cids.js` made the vectors).

use serde_json::Value;
use sigil_actions::ipfs_cid_v0;

#[test]
fn every_vector_cid_equals_ipfs_adds() {
    let vectors: Value =
        serde_json::from_str(include_str!("vectors/ipfs-cids.json")).expect("vectors");
    let cases = vectors["cases"].as_array().expect("cases");
    assert_eq!(cases.len(), 8);
    for case in cases {
        let bytes: Vec<u8> = match case["text"].as_str() {
            Some(text) => text.as_bytes().to_vec(),
            None => {
                let len = case["len"].as_u64().expect("len") as usize;
                let modulus = case["modulus"].as_u64().expect("modulus") as usize;
                (0..len).map(|i| (i % modulus) as u8).collect()
            }
        };
        assert_eq!(
            ipfs_cid_v0(&bytes),
            case["cid"].as_str().expect("cid"),
            "{}",
            case["name"]
        );
    }
}
