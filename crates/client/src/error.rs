//! What can go wrong talking to a chain, each case saying what to do next.
//!
//! A call that reached a block and failed there is a [`ChainError`]: the pallet, the error's
//! name and its docs, as the metadata declares them (`SubtensorModule.NotEnoughBalanceToStake:
//! The caller does not have enough balance …`). Everything before that (no node, a timeout,
//! a refusal by the pool) is a [`ClientError`] variant of its own.

use cortex_runtime::types::DispatchError;
use frame_metadata::{RuntimeMetadata, RuntimeMetadataPrefixed};
use std::sync::OnceLock;
use std::time::Duration;

/// Everything the client can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// No node answers at the URL.
    #[error(
        "cannot reach a node at {url} ({reason}): start one with `cortex node --dev`, or point --url (env CORTEX_URL) at a running node"
    )]
    Unreachable {
        /// The URL tried.
        url: String,
        /// What the connection attempt said.
        reason: String,
    },
    /// The connection dropped and did not come back.
    #[error(
        "lost the connection to {url} and could not reconnect within {waited:?} ({reason}): check that the node is running, then retry"
    )]
    Disconnected {
        /// The node's URL.
        url: String,
        /// How long reconnecting was tried.
        waited: Duration,
        /// The last error.
        reason: String,
    },
    /// A request got no answer in time.
    #[error(
        "the node at {url} did not answer {method} within {timeout:?}: it may be overloaded or stuck; retry, or check its log"
    )]
    Timeout {
        /// The node's URL.
        url: String,
        /// The method.
        method: String,
        /// The deadline.
        timeout: Duration,
    },
    /// The node answered with a JSON-RPC error (1010 is a transaction the pool refused).
    #[error("{method}: {message}{} (code {code})", data.as_ref().map(|d| format!(": {d}")).unwrap_or_default())]
    Rpc {
        /// The method.
        method: String,
        /// `error.code`.
        code: i32,
        /// `error.message`.
        message: String,
        /// `error.data`, as text.
        data: Option<String>,
    },
    /// An answer that does not decode as the runtime's type.
    #[error(
        "the node's answer to {what} does not decode ({reason}): is the node a Cortex or subtensor node of a compatible version?"
    )]
    Decode {
        /// What was read.
        what: String,
        /// Why it does not decode.
        reason: String,
    },
    /// A request could not be encoded.
    #[error("cannot encode the request: {0}")]
    Encode(String),
    /// The call reached a block and failed there (the fee was paid, nothing else changed).
    #[error("{0}")]
    Chain(ChainError),
    /// The pool let the transaction go before any block included it.
    #[error(
        "transaction {hash} was {status} by the node before any block included it: nothing changed on chain; check the nonce and balance, then submit again"
    )]
    Dropped {
        /// The extrinsic hash.
        hash: String,
        /// `dropped`, `invalid` or `usurped`.
        status: String,
    },
    /// No block included the transaction in time.
    #[error(
        "transaction {hash} was not seen in a block within {timeout:?}; it may still land: look for it before submitting again"
    )]
    WatchTimeout {
        /// The extrinsic hash.
        hash: String,
        /// How long it was watched.
        timeout: Duration,
    },
    /// A value read from the chain says the request cannot succeed (a missing subnet, …).
    #[error("{0}")]
    Refused(String),
}

/// A call that failed in its block: the dispatch error, named through the metadata.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainError {
    /// The pallet (`SubtensorModule`); empty for errors outside pallets (`BadOrigin`).
    pub pallet: String,
    /// The error's name (`NotEnoughBalanceToStake`, `BadOrigin`, `Token(FundsUnavailable)`).
    pub name: String,
    /// The error's docs from the metadata (may be empty).
    pub docs: String,
    /// The raw dispatch error.
    pub error: DispatchError,
}

impl std::fmt::Display for ChainError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.pallet.is_empty() {
            write!(f, "{}", self.name)?;
        } else {
            write!(f, "{}.{}", self.pallet, self.name)?;
        }
        if !self.docs.is_empty() {
            write!(f, ": {}", self.docs)?;
        }
        Ok(())
    }
}

impl std::error::Error for ChainError {}

impl ChainError {
    /// The qualified name, `Pallet.Error` (or just the name outside pallets).
    pub fn qualified_name(&self) -> String {
        if self.pallet.is_empty() {
            self.name.clone()
        } else {
            format!("{}.{}", self.pallet, self.name)
        }
    }

    /// Names `error` through this runtime's metadata (the node's runtime has the same pallets
    /// and error enums; a pallet or index it lacks is reported by number).
    pub fn from_dispatch(error: DispatchError) -> ChainError {
        let (pallet, name, docs) = match &error {
            DispatchError::Module(m) => {
                let index = m.error.first().copied().unwrap_or(0);
                match module_error_names().and_then(|t| {
                    t.iter()
                        .find(|e| e.pallet_index == m.index && e.error_index == index)
                }) {
                    Some(e) => (e.pallet.clone(), e.name.clone(), e.docs.clone()),
                    None => (
                        format!("pallet {}", m.index),
                        format!("error {index}"),
                        String::new(),
                    ),
                }
            }
            other => (String::new(), format!("{other:?}"), other.to_string()),
        };
        ChainError {
            pallet,
            name,
            docs,
            error,
        }
    }
}

/// One pallet error as the metadata names it.
#[derive(Debug)]
struct NamedError {
    pallet_index: u8,
    error_index: u8,
    pallet: String,
    name: String,
    docs: String,
}

/// Every pallet error of the runtime's metadata V15, decoded once.
fn module_error_names() -> Option<&'static [NamedError]> {
    static TABLE: OnceLock<Option<Vec<NamedError>>> = OnceLock::new();
    TABLE
        .get_or_init(|| {
            let runtime = cortex_runtime::Runtime::new(250);
            let bytes = runtime.metadata(15)?;
            let prefixed =
                <RuntimeMetadataPrefixed as codec::Decode>::decode(&mut &bytes[..]).ok()?;
            let RuntimeMetadata::V15(md) = prefixed.1 else {
                return None;
            };
            let mut out = Vec::new();
            for pallet in &md.pallets {
                let Some(err) = &pallet.error else { continue };
                let Some(ty) = md.types.resolve(err.ty.id) else {
                    continue;
                };
                if let scale_info::TypeDef::Variant(v) = &ty.type_def {
                    for variant in &v.variants {
                        out.push(NamedError {
                            pallet_index: pallet.index,
                            error_index: variant.index,
                            pallet: pallet.name.clone(),
                            name: variant.name.clone(),
                            docs: variant.docs.join(" ").trim().to_string(),
                        });
                    }
                }
            }
            Some(out)
        })
        .as_deref()
}

#[cfg(test)]
mod tests {
    use super::*;
    use cortex_runtime::types::ModuleError;

    #[test]
    fn module_errors_are_named_with_their_docs() {
        // SubtensorModule is pallet 7; find NotEnoughBalanceToStake's index in the table itself
        // and check the round trip, so the test follows the enum's order.
        let table = module_error_names().unwrap();
        let e = table
            .iter()
            .find(|e| e.pallet == "SubtensorModule" && e.name == "NotEnoughBalanceToStake")
            .unwrap();
        assert_eq!(e.pallet_index, 7);
        let named = ChainError::from_dispatch(DispatchError::Module(ModuleError {
            index: 7,
            error: [e.error_index, 0, 0, 0],
        }));
        assert_eq!(
            named.qualified_name(),
            "SubtensorModule.NotEnoughBalanceToStake"
        );
        assert!(!named.docs.is_empty());
        assert!(
            named
                .to_string()
                .starts_with("SubtensorModule.NotEnoughBalanceToStake: ")
        );
        let unknown = ChainError::from_dispatch(DispatchError::Module(ModuleError {
            index: 250,
            error: [3, 0, 0, 0],
        }));
        assert_eq!(unknown.qualified_name(), "pallet 250.error 3");
        let origin = ChainError::from_dispatch(DispatchError::BadOrigin);
        assert_eq!(origin.qualified_name(), "BadOrigin");
    }
}
