//! A Lit Action's IPFS id: the CIDv0 `ipfs add` gives its code (UnixFS file, 256 KiB chunks,
//! balanced DAG of at most 174 links per node, dag-pb, sha2-256), which Lit's nodes compute
//! for code sent inline and which names the action in session resources
//! (`lit-litaction://<cid>`) and in `Lit.Auth.actionIpfsIds`.

use rust_unixfs::file::adder::FileAdder;

/// The CIDv0 (`Qm…`) of `content` as a file.
pub fn ipfs_cid_v0(content: &[u8]) -> String {
    // CIDv0 implies dag-pb leaves (no raw leaves), as `ipfs add` makes them by default.
    let mut adder = FileAdder::builder()
        .with_cid_version(cid::Version::V0)
        .build();
    // The root is the last block made, by a push (a file of exactly one chunk) or by finish.
    let mut root = None;
    let mut written = 0;
    while written < content.len() {
        let (blocks, pushed) = adder.push(&content[written..]);
        if let Some((cid, _block)) = blocks.last() {
            root = Some(cid);
        }
        written += pushed;
    }
    if let Some((cid, _block)) = adder.finish().last() {
        root = Some(cid);
    }
    // finish always makes a block (an empty file's node, at least), so there is a root.
    root.map(|cid| cid.to_string()).unwrap_or_default()
}
