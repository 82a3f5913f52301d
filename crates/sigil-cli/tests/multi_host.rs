//! A network across hosts: anvil, and three `sigil node` processes each on its own loopback
//! address (127.0.0.2-4), found by the client in the Staking contract on anvil. The seed flow
//! decrypts through them; a node killed and restarted rejoins.

mod common;

use alloy_provider::ProviderBuilder;
use alloy_signer_local::PrivateKeySigner;
use common::{devnet_on_evm, host_config, start_node, Running};
use sigil_chain::evm::{set_validators, NetworkContext};
use sigil_chain::ValidatorInfo;
use sigil_client::{
    generate_auth_sig, AuthCallbackParams, AuthSig, ClientError, ConditionSet,
    CreateSiweMessageParams, DecryptRequest, LitAbility, LitNetwork, LitNodeClient,
    LitNodeClientConfig, LitResource, ResourceAbilityRequest, ResourcePrefix, SessionSigs,
    SessionSigsParams,
};
use sigil_test_support::anvil::{Anvil, DEV_KEY_0};
use std::net::{Ipv4Addr, TcpListener};
use std::path::Path;
use std::time::Duration;

const HOSTS: [Ipv4Addr; 3] = [
    Ipv4Addr::new(127, 0, 0, 2),
    Ipv4Addr::new(127, 0, 0, 3),
    Ipv4Addr::new(127, 0, 0, 4),
];

/// Deals the keys and deploys the contracts with a short-lived `sigil devnet` on anvil.
fn prepare(anvil: &Anvil, data_dir: &Path) {
    let (devnet, _) = devnet_on_evm(&anvil.url(), DEV_KEY_0, data_dir);
    devnet.stop(Duration::from_secs(10));
}

async fn session_sigs(
    client: &LitNodeClient,
    wallet: &PrivateKeySigner,
) -> Result<SessionSigs, ClientError> {
    let decryption = ResourceAbilityRequest::new(
        LitResource::wildcard(ResourcePrefix::AccessControlCondition),
        LitAbility::AccessControlConditionDecryption,
    )?;
    client
        .get_session_sigs(
            SessionSigsParams::new(vec![decryption]),
            async |callback: AuthCallbackParams| {
                let mut siwe = CreateSiweMessageParams::new(wallet.address(), callback.uri);
                siwe.expiration = Some(callback.expiration);
                siwe.resources = callback.resource_ability_requests;
                let to_sign = client.create_siwe_message(siwe).await?;
                Ok::<AuthSig, ClientError>(generate_auth_sig(wallet, &to_sign)?)
            },
        )
        .await
}

/// A fresh client's connect, session sigs and decrypt; the nodes it connected to.
async fn decrypt_through(
    anvil: &Anvil,
    staking: alloy_primitives::Address,
    wallet: &PrivateKeySigner,
) -> Result<Vec<String>, ClientError> {
    let client = LitNodeClient::new(
        LitNodeClientConfig::new(LitNetwork::Custom {
            rpc_url: anvil.url(),
            staking_address: staking,
        })
        .with_connect_timeout(Duration::from_secs(5)),
    )?;
    let connection = client.connect().await?;
    let conditions = ConditionSet::from_document(&format!(
        r#"[{{"contractAddress":"","standardContractType":"","chain":"ethereum","method":"",
            "parameters":[":userAddress"],"returnValueTest":{{"comparator":"=","value":"{}"}}}}]"#,
        wallet.address()
    ))?;
    let request = DecryptRequest::new(
        conditions.clone(),
        client.encrypt_string(&conditions, "across hosts")?,
    );
    let sigs = session_sigs(&client, wallet).await?;
    assert_eq!(
        client.decrypt_to_string(&request, &sigs).await?,
        "across hosts"
    );
    Ok(connection.connected_nodes)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_nodes_on_three_hosts_share_one_chain() -> Result<(), Box<dyn std::error::Error>> {
    let anvil = Anvil::start();
    let data_dir = tempfile::tempdir()?;
    prepare(&anvil, data_dir.path());
    let context = NetworkContext::load(&data_dir.path().join("network-context.json"))?;
    let staking = context.require("Staking")?;

    let mut configs = Vec::new();
    let mut validators = Vec::new();
    for (index, host) in HOSTS.into_iter().enumerate() {
        let port = TcpListener::bind((host, 0))?.local_addr()?.port();
        configs.push(host_config(data_dir.path(), index, host, port));
        validators.push(ValidatorInfo {
            ip: host,
            port,
            node_address: alloy_primitives::Address::with_last_byte(0x20 + index as u8),
            // This network's nodes never message each other.
            communication_key: Default::default(),
        });
    }
    // The network's operator (the deployer) lists the nodes in Staking.
    let operator = ProviderBuilder::new()
        .wallet(DEV_KEY_0.parse::<PrivateKeySigner>()?)
        .connect(&anvil.url())
        .await?;
    set_validators(&operator, staking, &validators).await?;

    let mut nodes: Vec<Running> = configs.iter().map(|config| start_node(config)).collect();
    let wallet = PrivateKeySigner::random();
    let connected = decrypt_through(&anvil, staking, &wallet).await?;
    let expected: Vec<String> = validators
        .iter()
        .map(|v| format!("http://{}:{}", v.ip, v.port))
        .collect();
    assert_eq!(connected, expected);

    // Node 0 dies: two of three still decrypt. It restarts on its data and rejoins: with node 1
    // gone instead, the decryption needs it.
    let _ = nodes[0].kill();
    decrypt_through(&anvil, staking, &wallet).await?;
    nodes[0] = start_node(&configs[0]);
    let _ = nodes[1].kill();
    let connected = decrypt_through(&anvil, staking, &wallet).await?;
    assert!(connected.contains(&expected[0]), "{connected:?}");
    for node in nodes {
        node.stop(Duration::from_secs(10));
    }
    Ok(())
}
