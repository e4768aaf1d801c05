//! The RPC listener: Cortex accepts the TCP connections itself and hands each to jsonrpsee, so
//! that no client can lock the others out.
//!
//! - **Connections** are counted per TCP connection (WebSocket and HTTP keep-alive alike), in
//!   all (`--rpc-max-connections`) and per source IP (`--rpc-max-connections-per-ip`). A
//!   connection over either limit gets `429 Too Many Requests` and is closed at once, before any
//!   of its bytes are read.
//! - **Idle connections** are closed: a connection whose reads or writes make no progress for
//!   `--rpc-idle-timeout` is ended (the timer lives in the socket wrapper, [`Tracked`], so it
//!   also covers a connection upgraded to a WebSocket). WebSockets are pinged at a third of that
//!   time, so a client that is alive always answers in time.
//! - **Request bodies** must arrive whole within `--rpc-request-body-timeout` of their headers
//!   ([`TimedBody`]); a body trickled or never finished is refused and its connection freed.
//!   The bodies held in memory by all HTTP connections at once stay within twice
//!   `--rpc-max-request-size`: a request that finds no room is answered `503` before its body
//!   is read.
//! - The RPC middleware ([`Observe`]) counts calls, errors and latency for the metrics, by
//!   protocol and method (unknown method names are not labels: a client cannot grow the
//!   metrics), and answers a request that jsonrpsee could only read as a notification (no `id`,
//!   or an `id` that is neither a number, a string nor null) with `Invalid request`.

use crate::metrics::{Metrics, Protocol};
use jsonrpsee::core::middleware::{Batch, Notification, RpcServiceT};
use jsonrpsee::server::middleware::rpc::RpcServiceBuilder;
use jsonrpsee::server::{MethodResponse, Methods, ServerHandle, stop_channel};
use jsonrpsee::types::{ErrorObject, Id, Request};
use std::collections::{BTreeSet, HashMap};
use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The listener's limits and timeouts (each one a `cortex node` flag).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RpcConfig {
    /// Open connections in all (`--rpc-max-connections`).
    pub max_connections: u32,
    /// Open connections from one IP address (`--rpc-max-connections-per-ip`).
    pub max_connections_per_ip: u32,
    /// A connection with no progress this long is closed (`--rpc-idle-timeout`).
    pub idle_timeout: Duration,
    /// A request body must arrive within this time of its headers
    /// (`--rpc-request-body-timeout`).
    pub body_timeout: Duration,
    /// The largest request, in bytes (`--rpc-max-request-size`, in MiB).
    pub max_request_bytes: u32,
    /// Subscriptions per connection (`--rpc-max-subscriptions-per-connection`).
    pub max_subscriptions_per_connection: u32,
    /// Messages buffered per connection (`--rpc-message-buffer-capacity-per-connection`).
    pub message_buffer_capacity: u32,
    /// Requests in one batch (`--rpc-max-batch-request-len`).
    pub max_batch_len: u32,
    /// Per-call limits.
    pub calls: crate::rpc::RpcLimits,
}

impl Default for RpcConfig {
    /// Substrate's defaults where it has the flag (15 MiB requests and responses, 1,024
    /// subscriptions per connection, 64 buffered messages); 1,000 connections, 100 per IP, a
    /// 60 s idle timeout and a 30 s body timeout, Cortex's own.
    fn default() -> RpcConfig {
        RpcConfig {
            max_connections: 1_000,
            max_connections_per_ip: 100,
            idle_timeout: Duration::from_secs(60),
            body_timeout: Duration::from_secs(30),
            max_request_bytes: 15 * 1024 * 1024,
            max_subscriptions_per_connection: 1_024,
            message_buffer_capacity: 64,
            max_batch_len: 10_000,
            calls: crate::rpc::RpcLimits::default(),
        }
    }
}

/// Open connections, in all and per IP.
#[derive(Default)]
struct Counts {
    total: u32,
    per_ip: HashMap<IpAddr, u32>,
}

/// One accepted connection's place in the counts, given back when it closes.
struct Slot {
    counts: Arc<Mutex<Counts>>,
    ip: IpAddr,
    metrics: Arc<Metrics>,
    /// Set when the connection became a WebSocket session.
    upgraded: Arc<AtomicBool>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        if let Ok(mut c) = self.counts.lock() {
            c.total = c.total.saturating_sub(1);
            if let Some(n) = c.per_ip.get_mut(&self.ip) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    c.per_ip.remove(&self.ip);
                }
            }
        }
        self.metrics.rpc_connection(-1);
        if self.upgraded.load(Ordering::Relaxed) {
            self.metrics.rpc_session(false);
        }
    }
}

/// Why a connection was refused.
fn admit(
    counts: &Arc<Mutex<Counts>>,
    cfg: &RpcConfig,
    ip: IpAddr,
    metrics: &Arc<Metrics>,
) -> Result<Slot, String> {
    let mut c = match counts.lock() {
        Ok(c) => c,
        Err(poisoned) => poisoned.into_inner(),
    };
    if c.total >= cfg.max_connections {
        return Err(format!(
            "the node serves at most {} connections (--rpc-max-connections); retry later",
            cfg.max_connections
        ));
    }
    let mine = c.per_ip.get(&ip).copied().unwrap_or(0);
    if mine >= cfg.max_connections_per_ip {
        return Err(format!(
            "{ip} already holds {mine} connections, the most one address may hold (--rpc-max-connections-per-ip); close some and retry"
        ));
    }
    c.total = c.total.saturating_add(1);
    c.per_ip.insert(ip, mine.saturating_add(1));
    drop(c);
    metrics.rpc_connection(1);
    Ok(Slot {
        counts: counts.clone(),
        ip,
        metrics: metrics.clone(),
        upgraded: Arc::new(AtomicBool::new(false)),
    })
}

/// A TCP stream that fails once its reads, or a pending write, make no progress for the idle
/// timeout, and that holds the connection's [`Slot`] for as long as it lives (through a
/// WebSocket upgrade too).
pub struct Tracked {
    inner: TcpStream,
    idle: Duration,
    read_deadline: Pin<Box<tokio::time::Sleep>>,
    write_deadline: Pin<Box<tokio::time::Sleep>>,
    write_pending: bool,
    _slot: Slot,
}

fn timed_out(what: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::TimedOut, what.to_string())
}

impl AsyncRead for Tracked {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        match Pin::new(&mut self.inner).poll_read(cx, buf) {
            Poll::Ready(r) => {
                if buf.filled().len() > before {
                    let next = tokio::time::Instant::now() + self.idle;
                    self.read_deadline.as_mut().reset(next);
                }
                Poll::Ready(r)
            }
            Poll::Pending => match self.read_deadline.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Err(timed_out("the client sent nothing in time"))),
                Poll::Pending => Poll::Pending,
            },
        }
    }
}

impl AsyncWrite for Tracked {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        match Pin::new(&mut self.inner).poll_write(cx, buf) {
            Poll::Ready(r) => {
                self.write_pending = false;
                Poll::Ready(r)
            }
            Poll::Pending => {
                if !self.write_pending {
                    self.write_pending = true;
                    let next = tokio::time::Instant::now() + self.idle;
                    self.write_deadline.as_mut().reset(next);
                }
                match self.write_deadline.as_mut().poll(cx) {
                    Poll::Ready(()) => {
                        Poll::Ready(Err(timed_out("the client read nothing in time")))
                    }
                    Poll::Pending => Poll::Pending,
                }
            }
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// A request body that must end before its deadline.
pub struct TimedBody<B> {
    inner: B,
    deadline: Pin<Box<tokio::time::Sleep>>,
    limit: Duration,
}

impl<B> http_body::Body for TimedBody<B>
where
    B: http_body::Body + Unpin,
    B::Error: Into<BoxError>,
{
    type Data = B::Data;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        match Pin::new(&mut self.inner).poll_frame(cx) {
            Poll::Ready(frame) => Poll::Ready(frame.map(|f| f.map_err(Into::into))),
            Poll::Pending => match self.deadline.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Some(Err(format!(
                    "the request body did not arrive within {:?} (--rpc-request-body-timeout)",
                    self.limit
                )
                .into()))),
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

/// The unit of the request-body budget.
const BODY_UNIT: u64 = 64 * 1024;

/// The HTTP front of one connection: times the body, tags the protocol, counts sessions, and
/// keeps the bytes of request bodies held in memory by all connections within a budget (a
/// request waits for its share, by its declared length, before its body is read).
#[derive(Clone)]
struct Front<S> {
    inner: S,
    body_timeout: Duration,
    upgraded: Arc<AtomicBool>,
    metrics: Arc<Metrics>,
    bodies: Arc<tokio::sync::Semaphore>,
    max_request_bytes: u32,
}

/// A call through [`Front`]: the inner call holding its share of the body budget, or the
/// refusal of a request that finds the budget used up.
pub enum FrontFuture<F, R> {
    /// Running, with its share.
    Call(F, Option<tokio::sync::OwnedSemaphorePermit>),
    /// Refused at once.
    Busy(Option<R>),
}

impl<F, R, E> Future for FrontFuture<F, R>
where
    F: Future<Output = Result<R, E>> + Unpin,
    R: Unpin,
{
    type Output = Result<R, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.get_mut() {
            FrontFuture::Call(f, share) => match Pin::new(f).poll(cx) {
                Poll::Ready(r) => {
                    share.take();
                    Poll::Ready(r)
                }
                Poll::Pending => Poll::Pending,
            },
            FrontFuture::Busy(r) => match r.take() {
                Some(r) => Poll::Ready(Ok(r)),
                None => Poll::Pending,
            },
        }
    }
}

impl<S, B> tower_service::Service<http::Request<B>> for Front<S>
where
    S: tower_service::Service<
            http::Request<TimedBody<B>>,
            Response = http::Response<jsonrpsee::server::HttpBody>,
        >,
    S::Future: Unpin,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = FrontFuture<S::Future, S::Response>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let is_ws = request
            .headers()
            .get(http::header::UPGRADE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
        let limit = self.body_timeout;
        let mut request = request.map(|inner| TimedBody {
            inner,
            deadline: Box::pin(tokio::time::sleep(limit)),
            limit,
        });
        if is_ws {
            if !self.upgraded.swap(true, Ordering::Relaxed) {
                self.metrics.rpc_session(true);
            }
            request.extensions_mut().insert(Protocol::Ws);
            return FrontFuture::Call(self.inner.call(request), None);
        }
        request.extensions_mut().insert(Protocol::Http);
        // The declared length (or the most a body may be), in budget units; a body longer
        // than declared is cut by hyper, one past the limit refused by jsonrpsee.
        let declared = request
            .headers()
            .get(http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(u64::from(self.max_request_bytes))
            .min(u64::from(self.max_request_bytes));
        let units = u32::try_from(declared.div_ceil(BODY_UNIT).max(1)).unwrap_or(u32::MAX);
        match self.bodies.clone().try_acquire_many_owned(units) {
            // Held until the answer is built: the body and its parse live that long.
            Ok(share) => FrontFuture::Call(self.inner.call(request), Some(share)),
            Err(_) => {
                self.metrics.rpc_connection_refused();
                let mut busy = http::Response::new(jsonrpsee::server::HttpBody::from(
                    "the node is reading as many large requests as it holds at once; retry shortly\n",
                ));
                *busy.status_mut() = http::StatusCode::SERVICE_UNAVAILABLE;
                FrontFuture::Busy(Some(busy))
            }
        }
    }
}

/// The RPC middleware: metrics per call, and notifications answered with an error.
#[derive(Clone)]
pub struct Observe<S> {
    inner: S,
    metrics: Arc<Metrics>,
    known: Arc<BTreeSet<&'static str>>,
}

impl<S> RpcServiceT for Observe<S>
where
    S: RpcServiceT<
            MethodResponse = MethodResponse,
            BatchResponse = MethodResponse,
            NotificationResponse = MethodResponse,
        > + Send
        + Sync
        + Clone
        + 'static,
{
    type MethodResponse = MethodResponse;
    type NotificationResponse = MethodResponse;
    type BatchResponse = MethodResponse;

    fn call<'a>(&self, request: Request<'a>) -> impl Future<Output = MethodResponse> + Send + 'a {
        let protocol = request
            .extensions()
            .get::<Protocol>()
            .copied()
            .unwrap_or(Protocol::Http);
        let method = self.known.get(request.method_name()).copied();
        let metrics = self.metrics.clone();
        let inner = self.inner.clone();
        async move {
            metrics.rpc_request_started(protocol);
            if let Some(m) = method {
                metrics.rpc_call_started(protocol, m);
            }
            let started = Instant::now();
            let response = inner.call(request).await;
            if let Some(m) = method {
                metrics.rpc_call_finished(protocol, m, response.is_error(), started.elapsed());
            }
            metrics.rpc_request_finished(protocol);
            response
        }
    }

    fn batch<'a>(&self, batch: Batch<'a>) -> impl Future<Output = MethodResponse> + Send + 'a {
        let metrics = self.metrics.clone();
        let inner = self.inner.clone();
        async move {
            metrics.rpc_request_started(Protocol::Http);
            let response = inner.batch(batch).await;
            metrics.rpc_request_finished(Protocol::Http);
            response
        }
    }

    #[allow(clippy::manual_async_fn)] // the trait's signature: `Send` and the lifetime are spelled out
    fn notification<'a>(
        &self,
        _n: Notification<'a>,
    ) -> impl Future<Output = MethodResponse> + Send + 'a {
        async {
            MethodResponse::error(
                Id::Null,
                ErrorObject::owned(
                    -32600,
                    "Invalid request",
                    Some(
                        "the request has no usable id: send an id that is a number, a string or null",
                    ),
                ),
            )
        }
    }
}

/// Starts serving `methods` on `listener` with `cfg`'s limits. Stop it with the handle.
pub fn start(
    listener: TcpListener,
    methods: impl Into<Methods>,
    cfg: RpcConfig,
    metrics: Arc<Metrics>,
) -> ServerHandle {
    let methods: Methods = methods.into();
    let known: Arc<BTreeSet<&'static str>> = Arc::new(methods.method_names().collect());
    let (stop, handle) = stop_channel();
    let ping = jsonrpsee::server::PingConfig::new()
        .ping_interval((cfg.idle_timeout / 3).max(Duration::from_millis(100)))
        .inactive_limit(cfg.idle_timeout)
        .max_failures(3);
    let server_cfg = jsonrpsee::server::ServerConfig::builder()
        .max_request_body_size(cfg.max_request_bytes)
        .max_response_body_size(u32::try_from(cfg.calls.max_response_bytes).unwrap_or(u32::MAX))
        .max_connections(cfg.max_connections)
        .max_subscriptions_per_connection(cfg.max_subscriptions_per_connection)
        .set_message_buffer_capacity(cfg.message_buffer_capacity.max(1))
        .set_batch_request_config(jsonrpsee::server::BatchRequestConfig::Limit(
            cfg.max_batch_len,
        ))
        .enable_ws_ping(ping)
        .build();
    let observe_metrics = metrics.clone();
    let rpc_middleware = RpcServiceBuilder::new().layer_fn(move |inner| Observe {
        inner,
        metrics: observe_metrics.clone(),
        known: known.clone(),
    });
    let builder = jsonrpsee::server::Server::builder()
        .set_config(server_cfg)
        .set_rpc_middleware(rpc_middleware)
        .to_service_builder();
    let counts = Arc::new(Mutex::new(Counts::default()));
    // Two requests of the largest size may be held at once; smaller ones share the rest.
    let budget_units = (u64::from(cfg.max_request_bytes).saturating_mul(2)).div_ceil(BODY_UNIT);
    let bodies = Arc::new(tokio::sync::Semaphore::new(
        usize::try_from(budget_units.max(1)).unwrap_or(usize::MAX),
    ));
    tokio::spawn(async move {
        let stopped = stop.clone().shutdown();
        tokio::pin!(stopped);
        loop {
            let accepted = tokio::select! {
                _ = &mut stopped => return,
                a = listener.accept() => a,
            };
            let (socket, peer) = match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: wait a little rather than spin.
                    tracing::debug!(error = %e, "accepting an RPC connection failed");
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            };
            let slot = match admit(&counts, &cfg, peer.ip(), &metrics) {
                Ok(s) => s,
                Err(why) => {
                    metrics.rpc_connection_refused();
                    tracing::debug!(%peer, %why, "refusing an RPC connection");
                    let body = format!("{why}\n");
                    let answer = format!(
                        "HTTP/1.1 429 Too Many Requests\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    // Best effort and never waiting: the socket is closed right after.
                    let _ = socket.try_write(answer.as_bytes());
                    continue;
                }
            };
            let _ = socket.set_nodelay(true);
            let upgraded = slot.upgraded.clone();
            let io = Tracked {
                inner: socket,
                idle: cfg.idle_timeout,
                read_deadline: Box::pin(tokio::time::sleep(cfg.idle_timeout)),
                write_deadline: Box::pin(tokio::time::sleep(cfg.idle_timeout)),
                write_pending: false,
                _slot: slot,
            };
            let service = Front {
                inner: builder.clone().build(methods.clone(), stop.clone()),
                body_timeout: cfg.body_timeout,
                upgraded,
                metrics: metrics.clone(),
                bodies: bodies.clone(),
                max_request_bytes: cfg.max_request_bytes,
            };
            let stopping = stop.clone().shutdown();
            tokio::spawn(async move {
                if let Err(e) =
                    jsonrpsee::server::serve_with_graceful_shutdown(io, service, stopping).await
                {
                    tracing::debug!(error = %e, "an RPC connection ended");
                }
            });
        }
    });
    handle
}
