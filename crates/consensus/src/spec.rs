//! Chain specs and validator keys: what independent operators share to start a network.
//!
//! `chain-spec.json` names the chain, its consensus namespace, its genesis and its authority
//! set: each validator's consensus public key (which is also its p2p identity: commonware's
//! authenticated network knows peers by their consensus keys) and the address its p2p port
//! listens on. Each `validator-N.key` holds one validator's secret key, hex, in a file only its
//! owner may read (mode 0600); it never leaves the operator's machine.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use commonware_codec::{DecodeExt, Encode};
use commonware_cryptography::ed25519::{PrivateKey, PublicKey};
use commonware_cryptography::{Hasher as _, Signer};
use commonware_utils::ordered::Set;
use serde::{Deserialize, Serialize};

/// The spec's format version.
pub const SPEC_FORMAT: u32 = 1;

/// One authority.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Authority {
    /// A name for operators (`validator-1`, …).
    pub name: String,
    /// The consensus (and p2p) public key, hex.
    pub public_key: String,
    /// Where its p2p port listens.
    pub p2p_address: SocketAddr,
}

/// The genesis a chain starts from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GenesisPreset {
    /// The dev chain's genesis (dev accounts endowed, //Alice as sudo, fast parameters).
    Dev,
}

/// A chain spec.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainSpec {
    /// [`SPEC_FORMAT`].
    pub format: u32,
    /// The chain's name.
    pub name: String,
    /// The consensus namespace: votes signed for another chain never count on this one.
    pub namespace: String,
    /// The genesis.
    pub genesis: GenesisPreset,
    /// The authority set (one vote each).
    pub authorities: Vec<Authority>,
    /// Full nodes: they follow the chain, execute every finalized block and serve RPC, but do
    /// not vote. Listed (key and address, as an authority is) because the validators' p2p
    /// network only talks to peers it knows.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub full_nodes: Vec<Authority>,
}

/// A validator's key file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyFile {
    /// The authority's name in the spec.
    pub name: String,
    /// The public key, hex (to check the file against the spec).
    pub public_key: String,
    /// The 32-byte ed25519 secret, hex.
    pub secret_key: String,
}

/// Why a spec or key could not be made or read.
#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// A file is not what it should be.
    #[error("{path}: {reason}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The operating system's random source failed.
    #[error("cannot draw a random key: {0}")]
    Random(String),
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    let text = text.strip_prefix("0x").unwrap_or(text);
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| {
            text.get(i..i + 2)
                .and_then(|b| u8::from_str_radix(b, 16).ok())
        })
        .collect()
}

/// A fresh validator key from the operating system's random source.
pub fn generate_key() -> Result<PrivateKey, SpecError> {
    use rand_core::RngCore as _;
    let mut seed = [0u8; 32];
    rand_core::OsRng
        .try_fill_bytes(&mut seed)
        .map_err(|e| SpecError::Random(e.to_string()))?;
    let key = PrivateKey::decode(bytes::Bytes::copy_from_slice(&seed))
        .map_err(|e| SpecError::Random(e.to_string()));
    seed.fill(0);
    key
}

/// The hex of a public key.
pub fn public_hex(key: &PublicKey) -> String {
    hex(&key.encode())
}

impl ChainSpec {
    /// A spec for `n` new validators and `full` full nodes whose p2p ports are `base_port`,
    /// `base_port + 1`, … on `host` (validators first), and their keys (`validator-i`, then
    /// `node-i`).
    pub fn generate(
        name: &str,
        n: usize,
        full: usize,
        host: std::net::IpAddr,
        base_port: u16,
    ) -> Result<(ChainSpec, Vec<KeyFile>), SpecError> {
        let mut authorities = Vec::with_capacity(n);
        let mut full_nodes = Vec::with_capacity(full);
        let mut keys = Vec::with_capacity(n.saturating_add(full));
        for i in 0..n.saturating_add(full) {
            let key = generate_key()?;
            let public = public_hex(&key.public_key());
            let port = u16::try_from(i)
                .ok()
                .and_then(|i| base_port.checked_add(i))
                .ok_or_else(|| SpecError::Invalid {
                    path: PathBuf::from("chain-spec.json"),
                    reason: format!("p2p port {base_port} + {i} is above 65535"),
                })?;
            let label = if i < n {
                format!("validator-{}", i + 1)
            } else {
                format!("node-{}", i - n + 1)
            };
            let entry = Authority {
                name: label.clone(),
                public_key: public.clone(),
                p2p_address: SocketAddr::new(host, port),
            };
            if i < n {
                authorities.push(entry);
            } else {
                full_nodes.push(entry);
            }
            keys.push(KeyFile {
                name: label,
                public_key: public,
                secret_key: hex(&key.encode()),
            });
        }
        // The namespace ties votes to this set of keys: two chains made by two runs of this
        // command never accept each other's votes.
        let mut id = Vec::new();
        for a in &authorities {
            id.extend_from_slice(a.public_key.as_bytes());
        }
        let digest = commonware_cryptography::Sha256::hash(&[&id]);
        let namespace = format!("cortex-{name}-{}", &hex(digest.as_ref())[..16]);
        Ok((
            ChainSpec {
                format: SPEC_FORMAT,
                name: name.to_string(),
                namespace,
                genesis: GenesisPreset::Dev,
                authorities,
                full_nodes,
            },
            keys,
        ))
    }

    /// Reads and checks a spec.
    pub fn load(path: &Path) -> Result<ChainSpec, SpecError> {
        let text = std::fs::read_to_string(path).map_err(|source| SpecError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let spec: ChainSpec = serde_json::from_str(&text).map_err(|e| SpecError::Invalid {
            path: path.to_path_buf(),
            reason: format!("not a chain spec: {e}"),
        })?;
        if spec.format != SPEC_FORMAT {
            return Err(SpecError::Invalid {
                path: path.to_path_buf(),
                reason: format!("format {} (this node reads {SPEC_FORMAT})", spec.format),
            });
        }
        spec.participants()
            .and_then(|_| spec.full_node_addresses())
            .map_err(|reason| SpecError::Invalid {
                path: path.to_path_buf(),
                reason,
            })?;
        Ok(spec)
    }

    /// The authority set as consensus needs it.
    pub fn participants(&self) -> Result<Set<PublicKey>, String> {
        if self.authorities.is_empty() {
            return Err("the authority set is empty".into());
        }
        let keys = self
            .authorities
            .iter()
            .map(|a| {
                unhex(&a.public_key)
                    .and_then(|b| PublicKey::decode(bytes::Bytes::from(b)).ok())
                    .ok_or_else(|| {
                        format!("{}: public key {} is not ed25519", a.name, a.public_key)
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let n = keys.len();
        let set = Set::from_iter_dedup(keys);
        if set.len() != n {
            return Err("an authority is listed twice".into());
        }
        Ok(set)
    }

    /// Each authority's key with its p2p address, in the spec's order.
    pub fn authority_addresses(&self) -> Result<Vec<(PublicKey, SocketAddr)>, String> {
        self.participants()?;
        addresses(&self.authorities)
    }

    /// Each full node's key with its p2p address (none an authority's).
    pub fn full_node_addresses(&self) -> Result<Vec<(PublicKey, SocketAddr)>, String> {
        let nodes = addresses(&self.full_nodes)?;
        let authorities = self.participants()?;
        if let Some((k, _)) = nodes
            .iter()
            .find(|(k, _)| authorities.position(k).is_some())
        {
            return Err(format!(
                "full node key {} is also an authority's",
                public_hex(k)
            ));
        }
        let n = nodes.len();
        if Set::from_iter_dedup(nodes.iter().map(|(k, _)| k.clone())).len() != n {
            return Err("a full node is listed twice".into());
        }
        Ok(nodes)
    }

    /// The authority holding `key`, if any.
    pub fn authority_of(&self, key: &PublicKey) -> Option<&Authority> {
        let hex = public_hex(key);
        self.authorities.iter().find(|a| a.public_key == hex)
    }

    /// The full node holding `key`, if any.
    pub fn full_node_of(&self, key: &PublicKey) -> Option<&Authority> {
        let hex = public_hex(key);
        self.full_nodes.iter().find(|a| a.public_key == hex)
    }

    /// Writes the spec and the key files into `dir` (created if missing); key files get mode
    /// 0600. Refuses to overwrite an existing spec.
    pub fn write(&self, keys: &[KeyFile], dir: &Path) -> Result<Vec<PathBuf>, SpecError> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| SpecError::Io { path, source }
        };
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        let spec_path = dir.join("chain-spec.json");
        if spec_path.exists() {
            return Err(SpecError::Invalid {
                path: spec_path,
                reason: "already exists: choose another --out or remove it".into(),
            });
        }
        let text = serde_json::to_string_pretty(self).map_err(|e| SpecError::Invalid {
            path: spec_path.clone(),
            reason: e.to_string(),
        })?;
        std::fs::write(&spec_path, text + "\n").map_err(io(&spec_path))?;
        let mut written = vec![spec_path];
        for key in keys {
            let path = dir.join(format!("{}.key", key.name));
            let text = serde_json::to_string_pretty(key).map_err(|e| SpecError::Invalid {
                path: path.clone(),
                reason: e.to_string(),
            })?;
            write_private(&path, text.as_bytes()).map_err(io(&path))?;
            written.push(path);
        }
        Ok(written)
    }
}

/// Keys and addresses of `entries`, each key checked.
fn addresses(entries: &[Authority]) -> Result<Vec<(PublicKey, SocketAddr)>, String> {
    entries
        .iter()
        .map(|a| {
            unhex(&a.public_key)
                .and_then(|b| PublicKey::decode(bytes::Bytes::from(b)).ok())
                .map(|k| (k, a.p2p_address))
                .ok_or_else(|| format!("{}: public key {} is not ed25519", a.name, a.public_key))
        })
        .collect()
}

/// Writes `bytes` to a new file only its owner can read and write.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    #[cfg(unix)]
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    options.mode(0o600);
    let mut f = options.open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Reads a validator key file and checks it against its own public key.
pub fn load_key(path: &Path) -> Result<PrivateKey, SpecError> {
    let invalid = |reason: String| SpecError::Invalid {
        path: path.to_path_buf(),
        reason,
    };
    let text = std::fs::read_to_string(path).map_err(|source| SpecError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let file: KeyFile =
        serde_json::from_str(&text).map_err(|e| invalid(format!("not a validator key: {e}")))?;
    let key = unhex(&file.secret_key)
        .and_then(|b| PrivateKey::decode(bytes::Bytes::from(b)).ok())
        .ok_or_else(|| invalid("secret_key is not 32 bytes of hex".into()))?;
    if public_hex(&key.public_key()) != file.public_key.trim_start_matches("0x") {
        return Err(invalid(
            "the secret key does not match the file's public key".into(),
        ));
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_and_keys_round_trip_and_keys_are_private() {
        let dir = tempfile::tempdir().unwrap();
        let (spec, keys) =
            ChainSpec::generate("local", 4, 1, "127.0.0.1".parse().unwrap(), 30_333).unwrap();
        let files = spec.write(&keys, dir.path()).unwrap();
        assert_eq!(files.len(), 6);
        assert_eq!(files[5], dir.path().join("node-1.key"));
        let loaded = ChainSpec::load(&dir.path().join("chain-spec.json")).unwrap();
        assert_eq!(loaded, spec);
        assert_eq!(loaded.participants().unwrap().len(), 4);
        assert_eq!(
            loaded.authorities[3].p2p_address,
            "127.0.0.1:30336".parse().unwrap()
        );
        // The full node comes after the validators, with the next port, and does not vote.
        assert_eq!(
            loaded.full_node_addresses().unwrap()[0].1,
            "127.0.0.1:30337".parse().unwrap()
        );
        let node_key = load_key(&dir.path().join("node-1.key")).unwrap();
        assert!(loaded.full_node_of(&node_key.public_key()).is_some());
        assert!(loaded.authority_of(&node_key.public_key()).is_none());
        for (i, a) in loaded.authorities.iter().enumerate() {
            let path = dir.path().join(format!("validator-{}.key", i + 1));
            let key = load_key(&path).unwrap();
            assert_eq!(public_hex(&key.public_key()), a.public_key);
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt as _;
                let mode = std::fs::metadata(&path).unwrap().permissions().mode();
                assert_eq!(mode & 0o777, 0o600, "{}", path.display());
            }
        }
        // Two runs make two chains that do not accept each other's votes.
        let (other, _) =
            ChainSpec::generate("local", 4, 0, "127.0.0.1".parse().unwrap(), 30_333).unwrap();
        assert_ne!(other.namespace, spec.namespace);
        // No overwriting.
        assert!(spec.write(&keys, dir.path()).is_err());
    }

    #[test]
    fn bad_specs_and_keys_are_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("chain-spec.json");
        std::fs::write(&path, "{}").unwrap();
        assert!(
            ChainSpec::load(&path)
                .unwrap_err()
                .to_string()
                .contains("not a chain spec")
        );
        let (mut spec, keys) =
            ChainSpec::generate("x", 2, 0, "127.0.0.1".parse().unwrap(), 1).unwrap();
        // A full node holding an authority's key would be counted as a voter.
        let mut twin = spec.clone();
        twin.full_nodes = vec![spec.authorities[0].clone()];
        assert!(
            twin.full_node_addresses()
                .unwrap_err()
                .contains("also an authority")
        );
        spec.authorities[1] = spec.authorities[0].clone();
        assert!(spec.participants().unwrap_err().contains("twice"));
        let key_path = dir.path().join("k.key");
        let mut bad = keys[0].clone();
        bad.public_key = keys[1].public_key.clone();
        std::fs::write(&key_path, serde_json::to_string(&bad).unwrap()).unwrap();
        assert!(
            load_key(&key_path)
                .unwrap_err()
                .to_string()
                .contains("does not match")
        );
    }
}
