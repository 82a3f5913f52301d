//! Which Lit network a client talks to.

use crate::ClientError;
use alloy_primitives::{address, Address};
use sigil_chain::staking::NodeProtocol;
use std::str::FromStr;

/// Chronicle Yellowstone, the chain of Lit's Datil networks (`LIT_RPC.CHRONICLE_YELLOWSTONE`).
pub const CHRONICLE_YELLOWSTONE_RPC_URL: &str = "https://yellowstone-rpc.litprotocol.com";

/// The JS SDK's default `rpcUrl` of a `custom` network (`RPC_URL_BY_NETWORK.custom`), which is
/// also where `sigil devnet` serves its chain by default.
pub const LOCAL_RPC_URL: &str = "http://127.0.0.1:8545";

/// Staking contract of `datil-dev` (`@lit-protocol/constants` 7.4.0 `NETWORK_CONTEXT_BY_NETWORK`).
pub const DATIL_DEV_STAKING_ADDRESS: Address = address!("D4507CD392Af2c80919219d7896508728f6A623F");
/// Staking contract of `datil-test`.
pub const DATIL_TEST_STAKING_ADDRESS: Address =
    address!("dec37933239846834b3BfD408913Ed3dbEf6588F");
/// Staking contract of `datil`.
pub const DATIL_STAKING_ADDRESS: Address = address!("21d636d95eE71150c0c3Ffa79268c989a329d1CE");

/// A Lit network: one of Lit's Datil networks, a custom chain with a Staking contract (a
/// `sigil devnet`), or a fixed list of nodes.
///
/// Changing this one value moves the same code from a devnet to Lit's networks.
///
/// ```
/// use sigil_client::LitNetwork;
/// let dev: LitNetwork = "datil-dev".parse()?;
/// assert_eq!(dev.name(), "datil-dev");
/// assert_eq!(dev.rpc_url(), Some("https://yellowstone-rpc.litprotocol.com"));
/// let local = LitNetwork::custom("http://127.0.0.1:8545");
/// assert_eq!(local.name(), "custom");
/// # Ok::<_, sigil_client::ClientError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LitNetwork {
    /// `datil-dev`: centralised, free.
    DatilDev,
    /// `datil-test`: decentralised test network (needs capacity credits).
    DatilTest,
    /// `datil`: Lit's production Datil network (needs capacity credits).
    Datil,
    /// A chain of your own with a Staking contract, e.g. `sigil devnet`. Node URLs are read
    /// from the Staking call and use `http://` (port 443: `https://`), as the JS SDK's `custom`.
    Custom {
        /// The chain's JSON-RPC URL.
        rpc_url: String,
        /// The Staking contract's address.
        staking_address: Address,
    },
    /// A fixed list of node URLs; no Staking call. `rpc_url`, when given, refreshes the
    /// latest blockhash.
    Nodes {
        /// Node URLs, used as given (they key the session sigs).
        node_urls: Vec<String>,
        /// Answers needed (the decryption threshold).
        min_node_count: usize,
        /// Optional chain RPC for fresh blockhashes.
        rpc_url: Option<String>,
    },
}

impl LitNetwork {
    /// A custom network at `rpc_url` with the Staking contract where `sigil devnet` has it
    /// ([`sigil_chain::DEFAULT_STAKING_ADDRESS`]).
    pub fn custom(rpc_url: impl Into<String>) -> Self {
        LitNetwork::Custom {
            rpc_url: rpc_url.into(),
            staking_address: sigil_chain::DEFAULT_STAKING_ADDRESS,
        }
    }

    /// The JS SDK's `litNetwork` name: `datil-dev`, `datil-test`, `datil` or `custom`.
    pub fn name(&self) -> &'static str {
        match self {
            LitNetwork::DatilDev => "datil-dev",
            LitNetwork::DatilTest => "datil-test",
            LitNetwork::Datil => "datil",
            LitNetwork::Custom { .. } | LitNetwork::Nodes { .. } => "custom",
        }
    }

    /// The chain RPC URL, if the network has one.
    pub fn rpc_url(&self) -> Option<&str> {
        match self {
            LitNetwork::DatilDev | LitNetwork::DatilTest | LitNetwork::Datil => {
                Some(CHRONICLE_YELLOWSTONE_RPC_URL)
            }
            LitNetwork::Custom { rpc_url, .. } => Some(rpc_url),
            LitNetwork::Nodes { rpc_url, .. } => rpc_url.as_deref(),
        }
    }

    /// The Staking contract address, if node URLs come from the chain.
    pub fn staking_address(&self) -> Option<Address> {
        match self {
            LitNetwork::DatilDev => Some(DATIL_DEV_STAKING_ADDRESS),
            LitNetwork::DatilTest => Some(DATIL_TEST_STAKING_ADDRESS),
            LitNetwork::Datil => Some(DATIL_STAKING_ADDRESS),
            LitNetwork::Custom {
                staking_address, ..
            } => Some(*staking_address),
            LitNetwork::Nodes { .. } => None,
        }
    }

    /// The scheme of node URLs built from the Staking call (`HTTP_BY_NETWORK`).
    pub fn node_protocol(&self) -> NodeProtocol {
        match self {
            LitNetwork::DatilDev | LitNetwork::DatilTest | LitNetwork::Datil => NodeProtocol::Https,
            LitNetwork::Custom { .. } | LitNetwork::Nodes { .. } => NodeProtocol::Http,
        }
    }

    /// Whether the JS SDK forces SEV-SNP attestation checks on this network (`datil-test`,
    /// `datil`). This client does not verify attestation reports; see the crate docs.
    pub fn requires_attestation(&self) -> bool {
        matches!(self, LitNetwork::DatilTest | LitNetwork::Datil)
    }
}

impl FromStr for LitNetwork {
    type Err = ClientError;

    /// Parses a preset name (`datil-dev`, `datil-test`, `datil`); `custom` needs an RPC URL,
    /// so it is built with [`LitNetwork::custom`] instead.
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        match name {
            "datil-dev" => Ok(LitNetwork::DatilDev),
            "datil-test" => Ok(LitNetwork::DatilTest),
            "datil" => Ok(LitNetwork::Datil),
            other => Err(ClientError::InvalidConfig(format!(
                "unknown network {other:?}: expected datil-dev, datil-test or datil (a custom network takes an RPC URL)"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_use_the_constants_package_addresses() {
        assert_eq!(
            LitNetwork::DatilDev
                .staking_address()
                .map(|a| a.to_checksum(None)),
            Some("0xD4507CD392Af2c80919219d7896508728f6A623F".to_string())
        );
        assert_eq!(
            LitNetwork::DatilTest
                .staking_address()
                .map(|a| a.to_checksum(None)),
            Some("0xdec37933239846834b3BfD408913Ed3dbEf6588F".to_string())
        );
        assert_eq!(
            LitNetwork::Datil
                .staking_address()
                .map(|a| a.to_checksum(None)),
            Some("0x21d636d95eE71150c0c3Ffa79268c989a329d1CE".to_string())
        );
        for preset in [
            LitNetwork::DatilDev,
            LitNetwork::DatilTest,
            LitNetwork::Datil,
        ] {
            assert_eq!(preset.rpc_url(), Some(CHRONICLE_YELLOWSTONE_RPC_URL));
            assert_eq!(preset.node_protocol(), NodeProtocol::Https);
        }
    }

    #[test]
    fn custom_networks_use_http_and_the_devnet_staking_address() {
        let custom = LitNetwork::custom(LOCAL_RPC_URL);
        assert_eq!(custom.node_protocol(), NodeProtocol::Http);
        assert_eq!(
            custom.staking_address(),
            Some(sigil_chain::DEFAULT_STAKING_ADDRESS)
        );
        assert!(!custom.requires_attestation());
        assert!(LitNetwork::Datil.requires_attestation());
    }

    #[test]
    fn unknown_network_names_are_refused() {
        assert!("manzano".parse::<LitNetwork>().is_err());
        assert!("custom".parse::<LitNetwork>().is_err());
    }
}
