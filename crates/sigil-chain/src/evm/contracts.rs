//! Bindings for Sigil's contracts, generated at build time from the committed artifacts in
//! `contracts/artifacts/` (ABI and creation bytecode as `contracts/build.js` writes them). The
//! artifacts are the one source of the contracts: a deployment by Sigil and the JS SDK's
//! `networkContext.json` both come from them.

// Each contract in a module of its own: an ABI names the other contracts' types (for example
// Staking's constructor takes a `ContractResolver.Env`), and the generated helper modules would
// otherwise collide with the contracts of the same name.

#[allow(missing_docs, clippy::too_many_arguments)]
pub mod contract_resolver {
    alloy_sol_types::sol!(
        #[sol(rpc)]
        ContractResolver,
        "../../contracts/artifacts/ContractResolver.json"
    );
}
pub use contract_resolver::ContractResolver;

#[allow(missing_docs, clippy::too_many_arguments)]
pub mod staking {
    alloy_sol_types::sol!(
        #[sol(rpc)]
        Staking,
        "../../contracts/artifacts/Staking.json"
    );
}
pub use staking::Staking;

#[allow(missing_docs, clippy::too_many_arguments)]
pub mod staking_balances {
    alloy_sol_types::sol!(
        #[sol(rpc)]
        StakingBalances,
        "../../contracts/artifacts/StakingBalances.json"
    );
}
pub use staking_balances::StakingBalances;

#[allow(missing_docs, clippy::too_many_arguments)]
pub mod lit_token {
    alloy_sol_types::sol!(
        #[sol(rpc)]
        LITToken,
        "../../contracts/artifacts/LITToken.json"
    );
}
pub use lit_token::LITToken;

#[allow(missing_docs, clippy::too_many_arguments)]
pub mod allowlist {
    alloy_sol_types::sol!(
        #[sol(rpc)]
        Allowlist,
        "../../contracts/artifacts/Allowlist.json"
    );
}
pub use allowlist::Allowlist;

#[allow(missing_docs, clippy::too_many_arguments)]
pub mod multisender {
    alloy_sol_types::sol!(
        #[sol(rpc)]
        Multisender,
        "../../contracts/artifacts/Multisender.json"
    );
}
pub use multisender::Multisender;

#[allow(missing_docs, clippy::too_many_arguments)]
pub mod pubkey_router {
    alloy_sol_types::sol!(
        #[sol(rpc)]
        PubkeyRouter,
        "../../contracts/artifacts/PubkeyRouter.json"
    );
}
pub use pubkey_router::PubkeyRouter;

#[allow(missing_docs, clippy::too_many_arguments)]
pub mod pkp_nft {
    alloy_sol_types::sol!(
        #[sol(rpc)]
        PKPNFT,
        "../../contracts/artifacts/PKPNFT.json"
    );
}
pub use pkp_nft::PKPNFT;

#[allow(missing_docs, clippy::too_many_arguments)]
pub mod pkp_permissions {
    alloy_sol_types::sol!(
        #[sol(rpc)]
        PKPPermissions,
        "../../contracts/artifacts/PKPPermissions.json"
    );
}
pub use pkp_permissions::PKPPermissions;

#[allow(missing_docs, clippy::too_many_arguments)]
pub mod pkp_nft_metadata {
    alloy_sol_types::sol!(
        #[sol(rpc)]
        PKPNFTMetadata,
        "../../contracts/artifacts/PKPNFTMetadata.json"
    );
}
pub use pkp_nft_metadata::PKPNFTMetadata;

#[allow(missing_docs, clippy::too_many_arguments)]
pub mod pkp_helper {
    alloy_sol_types::sol!(
        #[sol(rpc)]
        PKPHelper,
        "../../contracts/artifacts/PKPHelper.json"
    );
}
pub use pkp_helper::PKPHelper;

#[allow(missing_docs, clippy::too_many_arguments)]
pub mod rate_limit_nft {
    alloy_sol_types::sol!(
        #[sol(rpc)]
        RateLimitNFT,
        "../../contracts/artifacts/RateLimitNFT.json"
    );
}
pub use rate_limit_nft::RateLimitNFT;

#[allow(missing_docs, clippy::too_many_arguments)]
pub mod key_deriver {
    alloy_sol_types::sol!(
        #[sol(rpc)]
        KeyDeriver,
        "../../contracts/artifacts/KeyDeriver.json"
    );
}
pub use key_deriver::KeyDeriver;

#[allow(missing_docs, clippy::too_many_arguments)]
pub mod demo_erc20 {
    alloy_sol_types::sol!(
        #[sol(rpc)]
        DemoERC20,
        "../../contracts/artifacts/DemoERC20.json"
    );
}
pub use demo_erc20::DemoERC20;

#[allow(missing_docs, clippy::too_many_arguments)]
pub mod demo_erc721 {
    alloy_sol_types::sol!(
        #[sol(rpc)]
        DemoERC721,
        "../../contracts/artifacts/DemoERC721.json"
    );
}
pub use demo_erc721::DemoERC721;

#[allow(missing_docs, clippy::too_many_arguments)]
pub mod demo_erc1155 {
    alloy_sol_types::sol!(
        #[sol(rpc)]
        DemoERC1155,
        "../../contracts/artifacts/DemoERC1155.json"
    );
}
pub use demo_erc1155::DemoERC1155;

#[allow(missing_docs, clippy::too_many_arguments)]
pub mod contract_wallet {
    alloy_sol_types::sol!(
        #[sol(rpc)]
        ContractWallet,
        "../../contracts/artifacts/ContractWallet.json"
    );
}
pub use contract_wallet::ContractWallet;

/// EIP-1271's interface, which any smart-contract wallet answers: whether `signature` is the
/// wallet's over `hash` (the function's selector, `0x1626ba7e`, for yes).
#[allow(missing_docs)]
pub mod erc1271 {
    alloy_sol_types::sol! {
        interface IERC1271 {
            function isValidSignature(bytes32 hash, bytes signature) external view returns (bytes4 magicValue);
        }
    }
}
pub use erc1271::IERC1271;
