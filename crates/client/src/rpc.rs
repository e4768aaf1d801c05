//! The JSON-RPC connection: WebSocket (jsonrpsee's client), with timeouts on everything and
//! reconnection with backoff.
//!
//! Bittensor's own clients are best known for hanging: a request whose answer never comes, a
//! watch on a connection that died. Here every request has a deadline ([`RpcConfig::request_timeout`]);
//! a request that meets a dropped connection reconnects (100 ms doubling to 2 s between tries,
//! for at most [`RpcConfig::reconnect_for`]) and is sent again, which is safe for the reads and
//! for `author_submitExtrinsic` (the pool answers a second copy with "already imported", which
//! [`crate::tx`] treats as accepted). Subscriptions are not resumed here: the watch in
//! [`crate::tx`] notices the end of its stream and resumes by looking for its extrinsic in the
//! blocks it missed.

use crate::error::ClientError;
use jsonrpsee::core::client::{ClientT, Error as JsError, Subscription, SubscriptionClientT};
use jsonrpsee::core::params::ArrayParams;
use jsonrpsee::ws_client::{WsClient, WsClientBuilder};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// Timeouts and reconnection.
#[derive(Clone, Copy, Debug)]
pub struct RpcConfig {
    /// How long one request may wait for its answer.
    pub request_timeout: Duration,
    /// How long opening the WebSocket may take.
    pub connect_timeout: Duration,
    /// How long to keep reconnecting after the connection dropped before giving up.
    pub reconnect_for: Duration,
}

impl Default for RpcConfig {
    fn default() -> RpcConfig {
        RpcConfig {
            request_timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(5),
            reconnect_for: Duration::from_secs(30),
        }
    }
}

/// A JSON-RPC connection to one node.
#[derive(Debug)]
pub struct Rpc {
    url: String,
    config: RpcConfig,
    conn: Mutex<Option<Arc<WsClient>>>,
}

/// Turns positional JSON parameters into jsonrpsee's.
fn array_params(params: &[Value]) -> Result<ArrayParams, ClientError> {
    let mut out = ArrayParams::new();
    for p in params {
        out.insert(p)
            .map_err(|e| ClientError::Encode(e.to_string()))?;
    }
    Ok(out)
}

/// Whether a jsonrpsee error means the connection is gone (as opposed to an answer).
fn is_disconnect(e: &JsError) -> bool {
    matches!(e, JsError::RestartNeeded(_) | JsError::Transport(_))
}

impl Rpc {
    /// Connects to `url` (`ws://` or `wss://`-less `ws` endpoints; `http://` is rewritten to
    /// `ws://`, as the node serves both on one port).
    pub async fn connect(url: &str, config: RpcConfig) -> Result<Rpc, ClientError> {
        let url = normalize_url(url)?;
        let rpc = Rpc {
            url,
            config,
            conn: Mutex::new(None),
        };
        let client = rpc.open().await?;
        *rpc.conn.lock().await = Some(client);
        Ok(rpc)
    }

    /// The node's URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The timeouts in force.
    pub fn config(&self) -> RpcConfig {
        self.config
    }

    async fn open(&self) -> Result<Arc<WsClient>, ClientError> {
        let built = WsClientBuilder::default()
            .request_timeout(self.config.request_timeout)
            .connection_timeout(self.config.connect_timeout)
            .max_request_size(32 * 1024 * 1024)
            .max_response_size(256 * 1024 * 1024)
            .max_buffer_capacity_per_subscription(4096)
            .build(&self.url);
        match tokio::time::timeout(self.config.connect_timeout, built).await {
            Ok(Ok(client)) => Ok(Arc::new(client)),
            Ok(Err(e)) => Err(ClientError::Unreachable {
                url: self.url.clone(),
                reason: e.to_string(),
            }),
            Err(_) => Err(ClientError::Unreachable {
                url: self.url.clone(),
                reason: format!("no answer within {:?}", self.config.connect_timeout),
            }),
        }
    }

    /// The live connection, reconnecting with backoff if it dropped.
    async fn client(&self) -> Result<Arc<WsClient>, ClientError> {
        let mut guard = self.conn.lock().await;
        if let Some(c) = guard.as_ref() {
            if c.is_connected() {
                return Ok(c.clone());
            }
            tracing::info!(url = %self.url, "connection lost; reconnecting");
        }
        *guard = None;
        let started = Instant::now();
        let mut pause = Duration::from_millis(100);
        loop {
            match self.open().await {
                Ok(c) => {
                    *guard = Some(c.clone());
                    return Ok(c);
                }
                Err(e) => {
                    if started.elapsed() + pause > self.config.reconnect_for {
                        return Err(match e {
                            ClientError::Unreachable { reason, .. } => ClientError::Disconnected {
                                url: self.url.clone(),
                                waited: started.elapsed(),
                                reason,
                            },
                            other => other,
                        });
                    }
                    tracing::debug!(url = %self.url, error = %e, "reconnect failed; retrying");
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_secs(2));
                }
            }
        }
    }

    /// Forgets the connection so that the next request opens a new one.
    async fn drop_connection(&self, seen: &Arc<WsClient>) {
        let mut guard = self.conn.lock().await;
        if guard.as_ref().is_some_and(|c| Arc::ptr_eq(c, seen)) {
            *guard = None;
        }
    }

    /// Calls `method` with positional `params` and decodes the result.
    pub async fn request<R: DeserializeOwned>(
        &self,
        method: &str,
        params: &[Value],
    ) -> Result<R, ClientError> {
        let started = Instant::now();
        loop {
            let client = self.client().await?;
            let outcome = client.request::<R, _>(method, array_params(params)?).await;
            match outcome {
                Ok(r) => return Ok(r),
                Err(e) if is_disconnect(&e) => {
                    self.drop_connection(&client).await;
                    if started.elapsed() > self.config.reconnect_for {
                        return Err(ClientError::Disconnected {
                            url: self.url.clone(),
                            waited: started.elapsed(),
                            reason: e.to_string(),
                        });
                    }
                    tracing::debug!(method, error = %e, "connection dropped during a request; retrying");
                }
                Err(e) => return Err(self.map_error(method, e)),
            }
        }
    }

    /// Opens a subscription (`method`, ended with `unsubscribe`).
    pub async fn subscribe(
        &self,
        method: &str,
        params: &[Value],
        unsubscribe: &str,
    ) -> Result<Subscription<Value>, ClientError> {
        let started = Instant::now();
        loop {
            let client = self.client().await?;
            match client
                .subscribe::<Value, _>(method, array_params(params)?, unsubscribe)
                .await
            {
                Ok(s) => return Ok(s),
                Err(e) if is_disconnect(&e) && started.elapsed() < self.config.reconnect_for => {
                    self.drop_connection(&client).await;
                }
                Err(e) => return Err(self.map_error(method, e)),
            }
        }
    }

    fn map_error(&self, method: &str, e: JsError) -> ClientError {
        match e {
            JsError::Call(obj) => ClientError::Rpc {
                method: method.to_string(),
                code: obj.code(),
                message: obj.message().to_string(),
                data: obj.data().map(|d| {
                    serde_json::from_str::<String>(d.get()).unwrap_or_else(|_| d.get().to_string())
                }),
            },
            JsError::RequestTimeout => ClientError::Timeout {
                url: self.url.clone(),
                method: method.to_string(),
                timeout: self.config.request_timeout,
            },
            JsError::ParseError(e) => ClientError::Decode {
                what: method.to_string(),
                reason: e.to_string(),
            },
            other => ClientError::Disconnected {
                url: self.url.clone(),
                waited: Duration::ZERO,
                reason: other.to_string(),
            },
        }
    }
}

/// Accepts `ws://`, `wss://`, `http://` (served on the same port) and a bare `host:port`.
fn normalize_url(url: &str) -> Result<String, ClientError> {
    let url = url.trim();
    let out = if let Some(rest) = url.strip_prefix("http://") {
        format!("ws://{rest}")
    } else if let Some(rest) = url.strip_prefix("https://") {
        format!("wss://{rest}")
    } else if url.starts_with("ws://") || url.starts_with("wss://") {
        url.to_string()
    } else if !url.is_empty() && !url.contains("://") {
        format!("ws://{url}")
    } else {
        return Err(ClientError::Unreachable {
            url: url.to_string(),
            reason: "not a ws:// or http:// URL (example: ws://127.0.0.1:9944)".into(),
        });
    };
    Ok(out)
}

/// `0x`-prefixed lowercase hex, as Substrate's RPC writes bytes.
pub fn hex0x(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

/// Parses `0x`-prefixed hex from an RPC answer.
pub fn from_hex(what: &str, text: &str) -> Result<Vec<u8>, ClientError> {
    hex::decode(text.strip_prefix("0x").unwrap_or(text)).map_err(|e| ClientError::Decode {
        what: what.to_string(),
        reason: format!("{text:?} is not hex: {e}"),
    })
}

/// Parses a 32-byte hash from an RPC answer.
pub fn hash_from_hex(what: &str, text: &str) -> Result<[u8; 32], ClientError> {
    let bytes = from_hex(what, text)?;
    <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| ClientError::Decode {
        what: what.to_string(),
        reason: format!("{text:?} is not a 32-byte hash"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_normalized() {
        assert_eq!(normalize_url("ws://a:1").unwrap(), "ws://a:1");
        assert_eq!(normalize_url("http://a:1").unwrap(), "ws://a:1");
        assert_eq!(
            normalize_url("127.0.0.1:9944").unwrap(),
            "ws://127.0.0.1:9944"
        );
        assert!(normalize_url("ftp://x").is_err());
        assert!(normalize_url("").is_err());
    }

    #[tokio::test]
    async fn a_node_that_is_down_is_named_with_what_to_do() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let err = Rpc::connect(&format!("ws://127.0.0.1:{port}"), RpcConfig::default())
            .await
            .unwrap_err();
        let text = err.to_string();
        assert!(text.contains(&format!("ws://127.0.0.1:{port}")), "{text}");
        assert!(text.contains("cortex node --dev"), "{text}");
    }
}
