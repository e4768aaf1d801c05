//! Helpers for the tests that run `cortex node` as a process: starting and stopping it,
//! JSON-RPC calls through `cortex-client`, raw HTTP POSTs and a minimal WebSocket client
//! (RFC 6455, text frames, pings answered) for the attacks on the RPC layer itself, and the
//! process's CPU time and resident memory from `/proc`.
//!
//! Every socket goes to 127.0.0.1, optionally from another loopback source address (127.0.0.2)
//! to play a second client machine.

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use cortex_client::{ClientError, Rpc, RpcConfig};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const LOCAL: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 1);
/// The attacker's address: another machine, as far as the node can tell.
pub const OTHER: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 2);

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A TCP connection to the node's port from `from` (a loopback address).
pub fn connect_from(from: Ipv4Addr, port: u16) -> std::io::Result<TcpStream> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()?;
    rt.block_on(async {
        let socket = tokio::net::TcpSocket::new_v4()?;
        socket.bind(SocketAddr::from((from, 0)))?;
        let stream = socket.connect(SocketAddr::from((LOCAL, port))).await?;
        let std = stream.into_std()?;
        std.set_nonblocking(false)?;
        Ok(std)
    })
}

/// One JSON-RPC call through `cortex-client`: a WebSocket opened for the call, on a small
/// runtime of its own (these tests are synchronous), with no reconnection (a node that is down
/// is an error at once). `Err` is the client's error: [`ClientError::Rpc`] carries the node's
/// code, message and data.
pub fn rpc(port: u16, method: &str, params: Value) -> Result<Value, ClientError> {
    let Value::Array(params) = params else {
        panic!("{method}: positional parameters are a JSON array, not {params}");
    };
    let config = RpcConfig {
        request_timeout: Duration::from_secs(30),
        connect_timeout: Duration::from_secs(5),
        reconnect_for: Duration::ZERO,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let rpc = Rpc::connect(&format!("ws://127.0.0.1:{port}"), config).await?;
        rpc.request(method, &params).await
    })
}

/// The result of a JSON-RPC call that must succeed.
pub fn result(port: u16, method: &str, params: Value) -> Value {
    rpc(port, method, params).unwrap_or_else(|e| panic!("{method}: {e}"))
}

// Raw HTTP, for the tests of the HTTP layer itself: bodies no client would send, and latencies
// of the HTTP path (a connection per request).

/// One HTTP POST of `body`; returns the response body (`Err`: transport failure or refusal).
pub fn post(port: u16, body: &str) -> Result<String, String> {
    let mut s = TcpStream::connect((LOCAL, port)).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        s,
        "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .map_err(|e| e.to_string())?;
    // A node that refuses the request answers before reading the body, then closes: the
    // answer is still there to read after a failed write.
    let written = s.write_all(body.as_bytes());
    let mut response = Vec::new();
    let read = s.read_to_end(&mut response);
    if response.is_empty() {
        written.map_err(|e| e.to_string())?;
        read.map_err(|e| e.to_string())?;
    }
    let text = String::from_utf8_lossy(&response).to_string();
    if !text.starts_with("HTTP/1.1 200") {
        return Err(text.lines().next().unwrap_or_default().to_string());
    }
    let start = text.find("\r\n\r\n").ok_or("no body")? + 4;
    Ok(text[start..].to_string())
}

/// One JSON-RPC call as an HTTP POST; returns the whole response object.
pub fn http_rpc(port: u16, method: &str, params: Value) -> Result<Value, String> {
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).to_string();
    serde_json::from_str(&post(port, &body)?).map_err(|e| e.to_string())
}

/// A `cortex node --dev` process.
pub struct NodeProcess {
    pub child: Child,
    pub port: u16,
    pub startup_line: String,
}

impl NodeProcess {
    /// Starts `cortex node --dev` on a free port and waits until it answers JSON-RPC.
    pub fn start(base_path: Option<&Path>, extra: &[&str]) -> NodeProcess {
        NodeProcess::start_on(free_port(), base_path, extra)
    }

    /// The same on `port` (a restart on the port a client knows).
    pub fn start_on(port: u16, base_path: Option<&Path>, extra: &[&str]) -> NodeProcess {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_cortex"));
        cmd.args(["node", "--dev", "--rpc-port", &port.to_string()])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        if let Some(p) = base_path {
            cmd.arg("--base-path").arg(p);
        }
        let mut child = cmd.spawn().unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        // The line is printed once the RPC server listens.
        let deadline = Instant::now() + Duration::from_secs(20);
        while rpc(port, "chain_getHeader", json!([])).is_err() {
            assert!(Instant::now() < deadline, "node did not serve RPC: {line}");
            std::thread::sleep(Duration::from_millis(20));
        }
        NodeProcess {
            child,
            port,
            startup_line: line,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn head(&self) -> u32 {
        let h = result(self.port, "chain_getHeader", json!([]));
        u32::from_str_radix(h["number"].as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
    }

    /// The node's WebSocket URL.
    pub fn url(&self) -> String {
        format!("ws://127.0.0.1:{}", self.port)
    }

    /// SIGKILL: no shutdown at all.
    pub fn kill9(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    pub fn terminate(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        self.child.wait().unwrap()
    }

    /// The process's user + system CPU time.
    pub fn cpu(&self) -> Duration {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid())).unwrap();
        let rest = stat.rsplit_once(')').unwrap().1;
        let f: Vec<u64> = rest
            .split_whitespace()
            .map(|v| v.parse().unwrap_or(0))
            .collect();
        // utime, stime: the 14th and 15th fields, in USER_HZ (100 per second on Linux).
        Duration::from_millis((f[11] + f[12]) * 10)
    }

    /// Resident memory in MiB.
    pub fn rss_mib(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap();
        let kib: f64 = status
            .lines()
            .find(|l| l.starts_with("VmRSS:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .unwrap()
            .parse()
            .unwrap();
        kib / 1024.0
    }
}

impl Drop for NodeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A minimal WebSocket client.
pub struct Ws {
    pub s: TcpStream,
    next_id: u64,
    /// Answers that arrived before they were asked for (calls are answered in any order).
    early: std::collections::HashMap<u64, Value>,
}

impl Ws {
    pub fn connect(port: u16, from: Ipv4Addr) -> std::io::Result<Ws> {
        let mut s = connect_from(from, port)?;
        s.set_read_timeout(Some(Duration::from_secs(10)))?;
        write!(
            s,
            "GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )?;
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            if s.read(&mut byte)? == 0 {
                return Err(std::io::Error::other("closed during the handshake"));
            }
            head.push(byte[0]);
        }
        if !head.starts_with(b"HTTP/1.1 101") {
            return Err(std::io::Error::other(
                String::from_utf8_lossy(&head).to_string(),
            ));
        }
        Ok(Ws {
            s,
            next_id: 1,
            early: Default::default(),
        })
    }

    fn frame(&mut self, opcode: u8, payload: &[u8]) -> std::io::Result<()> {
        let mut f = vec![0x80 | opcode];
        let mask = [0x11u8, 0x22, 0x33, 0x44];
        if payload.len() < 126 {
            f.push(0x80 | payload.len() as u8);
        } else if payload.len() <= 0xffff {
            f.push(0x80 | 126);
            f.extend_from_slice(&(payload.len() as u16).to_be_bytes());
        } else {
            f.push(0x80 | 127);
            f.extend_from_slice(&(payload.len() as u64).to_be_bytes());
        }
        f.extend_from_slice(&mask);
        f.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
        self.s.write_all(&f)
    }

    /// Sends a call; returns its id.
    pub fn call(&mut self, method: &str, params: Value) -> std::io::Result<u64> {
        let id = self.next_id;
        self.next_id += 1;
        let text = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        self.frame(0x1, text.to_string().as_bytes())?;
        Ok(id)
    }

    /// The next text message (answering pings on the way).
    pub fn recv(&mut self) -> std::io::Result<Value> {
        loop {
            let mut h = [0u8; 2];
            self.s.read_exact(&mut h)?;
            let opcode = h[0] & 0x0f;
            let mut len = u64::from(h[1] & 0x7f);
            if len == 126 {
                let mut b = [0u8; 2];
                self.s.read_exact(&mut b)?;
                len = u64::from(u16::from_be_bytes(b));
            } else if len == 127 {
                let mut b = [0u8; 8];
                self.s.read_exact(&mut b)?;
                len = u64::from_be_bytes(b);
            }
            let mut payload = vec![0u8; len as usize];
            self.s.read_exact(&mut payload)?;
            match opcode {
                0x1 => {
                    return serde_json::from_slice(&payload)
                        .map_err(|e| std::io::Error::other(e.to_string()));
                }
                0x9 => self.frame(0xA, &payload)?,
                0x8 => return Err(std::io::Error::other("closed by the server")),
                _ => {}
            }
        }
    }

    /// The answer to call `id` (notifications before it are skipped).
    pub fn answer(&mut self, id: u64) -> std::io::Result<Value> {
        if let Some(v) = self.early.remove(&id) {
            return Ok(v);
        }
        loop {
            let v = self.recv()?;
            match v["id"].as_u64() {
                Some(got) if got == id => return Ok(v),
                Some(got) => {
                    self.early.insert(got, v);
                }
                None => {}
            }
        }
    }

    /// Whether the server has closed the connection (reads EOF or an error within `wait`).
    pub fn closed_within(&mut self, wait: Duration) -> bool {
        let _ = self.s.set_read_timeout(Some(wait));
        let mut buf = [0u8; 4096];
        let deadline = Instant::now() + wait;
        loop {
            match self.s.read(&mut buf) {
                Ok(0) => return true,
                Ok(_) => {
                    if Instant::now() > deadline {
                        return false;
                    }
                }
                Err(e)
                    if e.kind() == std::io::ErrorKind::WouldBlock
                        || e.kind() == std::io::ErrorKind::TimedOut =>
                {
                    return false;
                }
                Err(_) => return true,
            }
        }
    }
}

/// `system_health` latencies over `n` sequential HTTP calls (a connection each); returns the
/// p99.
pub fn health_p99(port: u16, n: usize) -> Duration {
    let mut took: Vec<Duration> = (0..n)
        .map(|_| {
            let t = Instant::now();
            let r = http_rpc(port, "system_health", json!([])).unwrap();
            assert_eq!(r["result"]["isSyncing"], json!(false), "{r}");
            t.elapsed()
        })
        .collect();
    took.sort();
    took[(n * 99 / 100).min(n - 1)]
}

/// Every block hash from 0 to `head`, by number.
pub fn hashes(port: u16, head: u32) -> Vec<String> {
    let numbers: Vec<u32> = (0..=head).collect();
    let list = result(port, "chain_getBlockHash", json!([numbers]));
    list.as_array()
        .unwrap()
        .iter()
        .map(|h| h.as_str().unwrap().to_string())
        .collect()
}
