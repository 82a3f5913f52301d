//! `network-context.json`: where a network's contracts are, in the shape of Lit's
//! `networkContext.json` (`{ <ContractName>: {address, abi, name} }`), which the JS SDK's
//! `contractContext`, contracts-sdk's `LitContracts` `customContext` and Lit's test harness read.

use super::EvmError;
use alloy_primitives::Address;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The committed artifact (`{contractName, abi, bytecode}`) of each contract, by name.
const ARTIFACTS: [(&str, &str); 16] = [
    (
        "DemoERC1155",
        include_str!("../../../../contracts/artifacts/DemoERC1155.json"),
    ),
    (
        "DemoERC20",
        include_str!("../../../../contracts/artifacts/DemoERC20.json"),
    ),
    (
        "DemoERC721",
        include_str!("../../../../contracts/artifacts/DemoERC721.json"),
    ),
    (
        "Allowlist",
        include_str!("../../../../contracts/artifacts/Allowlist.json"),
    ),
    (
        "ContractResolver",
        include_str!("../../../../contracts/artifacts/ContractResolver.json"),
    ),
    (
        "KeyDeriver",
        include_str!("../../../../contracts/artifacts/KeyDeriver.json"),
    ),
    (
        "LITToken",
        include_str!("../../../../contracts/artifacts/LITToken.json"),
    ),
    (
        "Multisender",
        include_str!("../../../../contracts/artifacts/Multisender.json"),
    ),
    (
        "PKPHelper",
        include_str!("../../../../contracts/artifacts/PKPHelper.json"),
    ),
    (
        "PKPNFT",
        include_str!("../../../../contracts/artifacts/PKPNFT.json"),
    ),
    (
        "PKPNFTMetadata",
        include_str!("../../../../contracts/artifacts/PKPNFTMetadata.json"),
    ),
    (
        "PKPPermissions",
        include_str!("../../../../contracts/artifacts/PKPPermissions.json"),
    ),
    (
        "PubkeyRouter",
        include_str!("../../../../contracts/artifacts/PubkeyRouter.json"),
    ),
    (
        "RateLimitNFT",
        include_str!("../../../../contracts/artifacts/RateLimitNFT.json"),
    ),
    (
        "Staking",
        include_str!("../../../../contracts/artifacts/Staking.json"),
    ),
    (
        "StakingBalances",
        include_str!("../../../../contracts/artifacts/StakingBalances.json"),
    ),
];

/// The ABI of one of Sigil's contracts, as its artifact holds it.
pub fn contract_abi(name: &str) -> Option<serde_json::Value> {
    let (_, artifact) = ARTIFACTS.iter().find(|(known, _)| *known == name)?;
    let mut artifact: serde_json::Value = serde_json::from_str(artifact).ok()?;
    Some(artifact.get_mut("abi")?.take())
}

/// The addresses of a network's contracts, by Lit's contract names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NetworkContext {
    addresses: BTreeMap<String, Address>,
}

/// One entry of the JSON form.
#[derive(Debug, Serialize, Deserialize)]
struct ContractEntry {
    /// EIP-55 mixed case, as Lit's `networkContext.json` writes addresses.
    #[serde(serialize_with = "checksummed")]
    address: Address,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    abi: Option<serde_json::Value>,
    #[serde(default)]
    name: Option<String>,
}

fn checksummed<S: serde::Serializer>(address: &Address, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&address.to_checksum(None))
}

impl NetworkContext {
    /// Finds a network's contracts from its Staking contract alone (what a client knows of a
    /// network, as the JS SDK's `contractContext`): Staking names its ContractResolver and
    /// environment, the resolver every other contract by Lit's type key. Contracts the resolver
    /// does not name are left out.
    pub async fn discover<P: alloy_provider::Provider>(
        provider: &P,
        staking: Address,
    ) -> Result<Self, EvmError> {
        use super::contracts::{ContractResolver, Staking};
        let staking_contract = Staking::new(staking, provider);
        let resolver_address = staking_contract.contractResolver().call().await?;
        let env = staking_contract.env().call().await?;
        let resolver = ContractResolver::new(resolver_address, provider);
        let mut context = Self::default();
        context.insert("ContractResolver", resolver_address);
        for (name, key) in super::deploy::RESOLVER_KEYS {
            let address = resolver
                .getContract(alloy_primitives::keccak256(key), env)
                .call()
                .await?;
            if address != Address::ZERO {
                context.insert(name, address);
            }
        }
        Ok(context)
    }

    /// Records where `name` is deployed.
    pub fn insert(&mut self, name: &str, address: Address) {
        self.addresses.insert(name.to_owned(), address);
    }

    /// Where `name` is deployed, if it is.
    pub fn address(&self, name: &str) -> Option<Address> {
        self.addresses.get(name).copied()
    }

    /// Where `name` is deployed, or an error naming it.
    pub fn require(&self, name: &'static str) -> Result<Address, EvmError> {
        self.address(name).ok_or(EvmError::MissingContract(name))
    }

    /// Every contract and its address.
    pub fn iter(&self) -> impl Iterator<Item = (&str, Address)> {
        self.addresses
            .iter()
            .map(|(name, address)| (name.as_str(), *address))
    }

    /// The JSON form: every contract with its address, its ABI (for Sigil's contracts) and its
    /// name, pretty-printed.
    pub fn to_json(&self) -> String {
        let entries: BTreeMap<&str, ContractEntry> = self
            .addresses
            .iter()
            .map(|(name, address)| {
                let entry = ContractEntry {
                    address: *address,
                    abi: contract_abi(name),
                    name: Some(name.clone()),
                };
                (name.as_str(), entry)
            })
            .collect();
        let mut text = serde_json::to_string_pretty(&entries).expect("plain JSON values");
        text.push('\n');
        text
    }

    /// Reads the JSON form (ABIs and names are not needed and not checked).
    pub fn from_json(text: &str) -> Result<Self, EvmError> {
        let entries: BTreeMap<String, ContractEntry> = serde_json::from_str(text)
            .map_err(|error| EvmError::NetworkContext(error.to_string()))?;
        Ok(Self {
            addresses: entries
                .into_iter()
                .map(|(name, entry)| (name, entry.address))
                .collect(),
        })
    }

    /// Reads a `network-context.json` file.
    pub fn load(path: &Path) -> Result<Self, EvmError> {
        let text = std::fs::read_to_string(path)
            .map_err(|error| EvmError::NetworkContext(format!("{}: {error}", path.display())))?;
        Self::from_json(&text)
    }

    /// Writes the JSON form to `path`, through a temporary file so a reader never sees half.
    pub fn save(&self, path: &Path) -> Result<(), EvmError> {
        let partial = path.with_extension("json.partial");
        std::fs::write(&partial, self.to_json())
            .and_then(|()| std::fs::rename(&partial, path))
            .map_err(|error| EvmError::NetworkContext(format!("{}: {error}", path.display())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_artifact_has_an_abi() {
        for (name, _) in ARTIFACTS {
            let abi = contract_abi(name).unwrap();
            assert!(
                abi.as_array().is_some_and(|entries| !entries.is_empty()),
                "{name}"
            );
        }
        assert_eq!(contract_abi("NoSuchContract"), None);
    }

    #[test]
    fn json_round_trips_addresses_and_carries_abis() {
        let mut context = NetworkContext::default();
        context.insert("Staking", Address::repeat_byte(1));
        context.insert("PKPNFT", Address::repeat_byte(2));
        let text = context.to_json();
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["Staking"]["name"], "Staking");
        assert_eq!(
            value["Staking"]["address"],
            "0x0101010101010101010101010101010101010101"
        );
        assert!(value["PKPNFT"]["abi"]
            .as_array()
            .unwrap()
            .iter()
            .any(|entry| entry["name"] == "mintNext"));
        assert_eq!(NetworkContext::from_json(&text).unwrap(), context);
        assert!(NetworkContext::from_json("{\"Staking\":{}}").is_err());
    }
}
