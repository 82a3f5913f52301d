//! The devnet's IPFS gateway: Lit Actions by IPFS id, offline. `POST /api/v0/add` takes a
//! file (the raw body) and answers its CIDv0 as `ipfs add` computes it (`{Name, Hash, Size}`,
//! the shape of IPFS's HTTP API); `GET /ipfs/<cid>` serves it back, as a gateway does. Files
//! live in `<data dir>/ipfs/<cid>`, so they outlast a restart.

use crate::error::DevnetError;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

/// The largest file taken: a Lit Action's code limit.
const MAX_FILE_BYTES: usize = 16 * 1024 * 1024;

/// A running gateway.
pub struct IpfsGateway {
    addr: SocketAddr,
    shutdown: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl IpfsGateway {
    /// Serves the files of `dir` (created if missing) on `addr`.
    pub async fn serve(dir: PathBuf, addr: SocketAddr) -> Result<IpfsGateway, DevnetError> {
        std::fs::create_dir_all(&dir)
            .map_err(|e| DevnetError::io("creating the IPFS directory", &dir, e))?;
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| DevnetError::io("binding the IPFS gateway", addr.to_string(), e))?;
        let addr = listener
            .local_addr()
            .map_err(|e| DevnetError::io("binding the IPFS gateway", addr.to_string(), e))?;
        let app = Router::new()
            .route("/api/v0/add", post(add))
            .route("/ipfs/{cid}", get(cat))
            .layer(DefaultBodyLimit::max(MAX_FILE_BYTES))
            .with_state(Arc::new(dir));
        let (shutdown, stop) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let serving = axum::serve(listener, app).with_graceful_shutdown(async {
                let _ = stop.await;
            });
            if let Err(error) = serving.await {
                tracing::warn!(%error, "the IPFS gateway stopped");
            }
        });
        Ok(IpfsGateway {
            addr,
            shutdown,
            task,
        })
    }

    /// `http://127.0.0.1:<port>`: where `POST /api/v0/add` is.
    pub fn api_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `http://127.0.0.1:<port>/ipfs/`: the gateway prefix a CID is appended to.
    pub fn gateway_url(&self) -> String {
        format!("http://{}/ipfs/", self.addr)
    }

    /// Stops serving and waits for the server to finish.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(());
        let _ = self.task.await;
    }
}

async fn add(State(dir): State<Arc<PathBuf>>, body: Bytes) -> Response {
    let stored = tokio::task::spawn_blocking(move || {
        let cid = sigil_actions::ipfs_cid_v0(&body);
        let path = dir.join(&cid);
        if !path.exists() {
            let partial = dir.join(format!("{cid}.partial"));
            std::fs::write(&partial, &body)?;
            std::fs::rename(&partial, &path)?;
        }
        Ok::<_, std::io::Error>((cid, body.len()))
    })
    .await;
    match stored {
        Ok(Ok((cid, size))) => Json(serde_json::json!({
            "Name": cid, "Hash": cid, "Size": size.to_string(),
        }))
        .into_response(),
        Ok(Err(error)) => {
            tracing::warn!(%error, "storing an IPFS file");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the file could not be stored",
            )
                .into_response()
        }
        Err(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "the file could not be stored",
        )
            .into_response(),
    }
}

async fn cat(State(dir): State<Arc<PathBuf>>, Path(cid): Path<String>) -> Response {
    // A CIDv0 is base58 (no path separators); anything else is not here.
    let is_cid =
        cid.len() == 46 && cid.starts_with("Qm") && cid.bytes().all(|b| b.is_ascii_alphanumeric());
    if !is_cid {
        return (StatusCode::BAD_REQUEST, "not a CIDv0").into_response();
    }
    match tokio::fs::read(dir.join(&cid)).await {
        Ok(bytes) => bytes.into_response(),
        Err(_) => (StatusCode::NOT_FOUND, "no such file here").into_response(),
    }
}
