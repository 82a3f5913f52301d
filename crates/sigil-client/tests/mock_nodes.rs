//! `connect()` against scripted nodes on 127.0.0.1: what the handshake request looks like on the
//! wire, and how answers are combined.

use sigil_client::{ClientError, LitNetwork, LitNodeClient, LitNodeClientConfig};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// One request as the mock node saw it.
#[derive(Debug, Clone)]
struct Seen {
    request_line: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A node that answers every request with `status` and `body` (JSON) and records what it got.
async fn mock_node(status: u16, body: String) -> std::io::Result<(String, Arc<Mutex<Vec<Seen>>>)> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&seen);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut buffer = Vec::new();
            let mut chunk = [0u8; 4096];
            // Read the head, then the body by content-length.
            let (head, mut rest) = loop {
                let Ok(n) = socket.read(&mut chunk).await else {
                    return;
                };
                if n == 0 {
                    return;
                }
                buffer.extend_from_slice(&chunk[..n]);
                if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                    break (
                        String::from_utf8_lossy(&buffer[..end]).to_string(),
                        buffer[end + 4..].to_vec(),
                    );
                }
            };
            let mut lines = head.lines();
            let request_line = lines.next().unwrap_or_default().to_string();
            let headers: Vec<(String, String)> = lines
                .filter_map(|l| l.split_once(':'))
                .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
                .collect();
            let length: usize = headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or(0);
            while rest.len() < length {
                let Ok(n) = socket.read(&mut chunk).await else {
                    return;
                };
                if n == 0 {
                    break;
                }
                rest.extend_from_slice(&chunk[..n]);
            }
            if let Ok(mut seen) = record.lock() {
                seen.push(Seen {
                    request_line,
                    headers,
                    body: String::from_utf8_lossy(&rest).to_string(),
                });
            }
            let reason = if status == 200 { "OK" } else { "Error" };
            let answer = format!(
                "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = socket.write_all(answer.as_bytes()).await;
        }
    });
    Ok((url, seen))
}

fn nodes_client(urls: Vec<String>, min_node_count: usize) -> Result<LitNodeClient, ClientError> {
    LitNodeClient::new(LitNodeClientConfig::new(LitNetwork::Nodes {
        node_urls: urls,
        min_node_count,
        rpc_url: None,
    }))
}

const HASH_A: &str = "0x8e2e8d2a1d3f4c5b6a79881726354453627180900a0b0c0d0e0f101112131415";
const HASH_B: &str = "0x1111111111111111111111111111111111111111111111111111111111111111";

#[tokio::test]
async fn handshake_is_sent_as_the_js_sdk_sends_it() -> TestResult {
    // The minimal answer the JS SDK accepts (jsref MINIMAL_HANDSHAKE=1).
    let (url, seen) = mock_node(200, format!(r#"{{"latestBlockhash":"{HASH_A}"}}"#)).await?;
    let client = nodes_client(vec![url.clone()], 1)?;
    let connection = client.connect().await?;
    assert_eq!(connection.latest_blockhash, HASH_A);
    assert_eq!(connection.subnet_public_key, None);

    let seen = seen.lock().map_err(|_| "lock")?.clone();
    assert_eq!(seen.len(), 1);
    let request = &seen[0];
    assert_eq!(request.request_line, "POST /web/handshake/ HTTP/1.1");
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.header("accept"), Some("application/json"));
    assert_eq!(request.header("x-lit-sdk-version"), Some("7.4.0"));
    assert_eq!(
        request.header("x-lit-sdk-type"),
        Some(sigil_client::SDK_TYPE)
    );
    let request_id = request.header("x-request-id").unwrap_or_default();
    assert!(
        request_id.starts_with("lit_") && request_id.len() > 8,
        "{request_id}"
    );
    // Key order as JSON.stringify writes it; no epoch without a Staking contract.
    let challenge = request
        .body
        .strip_prefix(r#"{"clientPublicKey":"test","challenge":""#)
        .and_then(|rest| rest.strip_suffix(r#""}"#))
        .ok_or_else(|| format!("unexpected body {}", request.body))?;
    assert_eq!(challenge.len(), 64);
    assert!(challenge.bytes().all(|b| b.is_ascii_hexdigit()));
    Ok(())
}

#[tokio::test]
async fn consensus_takes_the_most_common_answer_and_one_request_id() -> TestResult {
    let full = |hash: &str, key: &str| {
        format!(
            r#"{{"serverPublicKey":"s","subnetPublicKey":"{key}","networkPublicKey":"{key}","networkPublicKeySet":"{key}","hdRootPubkeys":["02aa"],"latestBlockhash":"{hash}"}}"#
        )
    };
    let (a, seen_a) = mock_node(200, full(HASH_A, &"a".repeat(96))).await?;
    let (b, seen_b) = mock_node(200, full(HASH_B, &"b".repeat(96))).await?;
    let (c, _) = mock_node(200, full(HASH_A, &"a".repeat(96))).await?;
    let client = nodes_client(vec![a, b, c], 2)?;
    let connection = client.connect().await?;
    assert_eq!(connection.latest_blockhash, HASH_A);
    assert_eq!(connection.subnet_public_key, Some("a".repeat(96)));
    assert_eq!(connection.hd_root_pubkeys, vec!["02aa".to_string()]);
    assert_eq!(connection.connected_nodes.len(), 3);
    let id = |seen: &Arc<Mutex<Vec<Seen>>>| -> Option<String> {
        seen.lock()
            .ok()?
            .first()?
            .header("x-request-id")
            .map(str::to_owned)
    };
    assert_eq!(id(&seen_a), id(&seen_b), "one request id per operation");
    Ok(())
}

#[tokio::test]
async fn node_errors_are_reported_with_their_lit_error_code() -> TestResult {
    let (good, _) = mock_node(200, format!(r#"{{"latestBlockhash":"{HASH_A}"}}"#)).await?;
    let error_body = r#"{"errorKind":"Validation","errorCode":"NodeRequestBlocked","status":418,"message":"no tracing id","correlationId":"x"}"#;
    let (bad, _) = mock_node(418, error_body.to_string()).await?;
    let client = nodes_client(vec![good.clone(), bad.clone()], 1)?;
    let connection = client.connect().await?;
    assert_eq!(connection.connected_nodes, vec![good]);
    let failure = connection.unreachable_nodes.first().ok_or("no failure")?;
    assert_eq!(failure.url, bad);
    assert_eq!(failure.status, Some(418));
    assert_eq!(
        failure.error_code.as_ref().map(|c| c.as_str()),
        Some("NodeRequestBlocked")
    );
    assert_eq!(failure.error_kind.as_deref(), Some("Validation"));

    // Nobody answers with a blockhash: a clear error.
    let (empty, _) = mock_node(200, "{}".to_string()).await?;
    let result = nodes_client(vec![empty], 1)?.connect().await;
    assert!(matches!(
        result,
        Err(ClientError::MissingHandshakeField("latestBlockhash"))
    ));
    Ok(())
}

#[tokio::test]
async fn non_json_answers_are_failures_not_panics() -> TestResult {
    let (url, _) = mock_node(200, "<html>hello</html>".to_string()).await?;
    let result = nodes_client(vec![url.clone()], 1)?.connect().await;
    let Err(ClientError::NotEnoughNodes { failures, .. }) = result else {
        return Err(format!("expected NotEnoughNodes, got {result:?}").into());
    };
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0].url, url);
    assert_eq!(failures[0].message, "answer is not JSON");
    Ok(())
}
