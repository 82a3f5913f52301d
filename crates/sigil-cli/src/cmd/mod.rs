//! One module per subcommand; each has `Args` (clap) and `run`.

pub mod actions;
pub mod capacity_delegation;
pub mod conditions;
pub mod contracts;
pub mod decrypt;
pub mod demo;
pub mod devnet;
pub mod encrypt;
pub mod node;
pub mod pkp_sign;
pub mod session_sigs;
pub mod verify_session_sig;

/// A single-threaded runtime for a command that talks to a network as a client.
pub fn client_runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
}

/// A runtime with one worker per core, for the commands that serve (devnet, node, load).
pub fn server_runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
}

/// Logs go to stderr, filtered by `RUST_LOG` (default: warnings only), so stdout stays machine-readable.
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
