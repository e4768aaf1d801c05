//! Damage checks of the chain database, above redb's own page checksums: every block read is
//! checked against its hash, and the head state against the head header's state root.
//!
//! - [`read_header`] and [`read_body`] are what the node and its RPC use to read blocks: a header
//!   must decode, carry its own number and be indexed under its own hash; a body must hash to its
//!   header's extrinsics root. Either failing is [`StoreError::Damaged`], naming the block.
//! - [`full`] is `cortex node check-db`: every block, the chain of parent hashes, the hash index,
//!   every undo entry and the head state. The node's start checks the head and genesis blocks
//!   and the head state (`Chain::open`), which is what it builds on.

use crate::header::{Header, extrinsics_root, hex0x};
use codec::Decode;
use cortex_runtime::Storage;
use cortex_store::{Store, StoreError};

fn damaged(store: &Store, what: String) -> StoreError {
    tracing::error!(path = %store.path().display(), %what, "the chain database is damaged");
    StoreError::Damaged {
        path: store.path().to_path_buf(),
        what,
    }
}

/// Block `number`'s header and hash, checked: it decodes, holds `number`, and the hash index
/// maps its hash back to `number`. `None` if no such block was stored.
pub fn read_header(store: &Store, number: u32) -> Result<Option<(Header, [u8; 32])>, StoreError> {
    let Some(bytes) = store.header(number)? else {
        return Ok(None);
    };
    let header = Header::decode(&mut bytes.as_slice()).map_err(|e| {
        damaged(
            store,
            format!("the header of block #{number} does not decode ({e})"),
        )
    })?;
    if header.number() != number {
        return Err(damaged(
            store,
            format!(
                "the header stored as block #{number} says it is block #{}",
                header.number()
            ),
        ));
    }
    let hash = header.hash();
    match store.number_of(&hash)? {
        Some(n) if n == number => Ok(Some((header, hash))),
        _ => Err(damaged(
            store,
            format!(
                "the header of block #{number} does not match its hash (it hashes to {}, which is not the hash recorded for it)",
                hex0x(&hash)
            ),
        )),
    }
}

/// Block `number`'s extrinsics, checked against `header`'s extrinsics root.
pub fn read_body(
    store: &Store,
    number: u32,
    header: &Header,
) -> Result<Option<Vec<Vec<u8>>>, StoreError> {
    let Some(body) = store.body(number).map_err(|e| match e {
        StoreError::Corrupt(what) => damaged(
            store,
            format!("the extrinsics of block #{number} do not decode ({what})"),
        ),
        other => other,
    })?
    else {
        return Ok(None);
    };
    if extrinsics_root(&body) != header.extrinsics_root {
        return Err(damaged(
            store,
            format!("the extrinsics of block #{number} do not match its header's extrinsics root"),
        ));
    }
    Ok(Some(body))
}

/// The head state checked against the head header's state root.
pub fn head_state(store: &Store, head: &Header) -> Result<Storage, StoreError> {
    let state = Storage::from_entries(store.head_state()?);
    if state.root() != head.state_root {
        return Err(damaged(
            store,
            format!(
                "the state after the head block #{} does not match the header's state root (an account, a balance or another entry was altered)",
                head.number()
            ),
        ));
    }
    Ok(state)
}

/// What the full check went through.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckReport {
    /// The head block (`None`: an empty database).
    pub head: Option<u32>,
    /// Blocks checked.
    pub blocks: u64,
    /// Undo entries decoded.
    pub undo_entries: u64,
    /// Entries of the head state.
    pub state_entries: u64,
}

/// The full check: every block's header and extrinsics, the parent-hash chain from genesis to
/// the head, the hash index, every undo entry, and the head state against its root. Stops at
/// the first damage, naming it.
pub fn full(store: &Store) -> Result<CheckReport, StoreError> {
    store.guarded("checking every record", || {
        let Some(head) = store.head()? else {
            return Ok(CheckReport {
                head: None,
                blocks: 0,
                undo_entries: 0,
                state_entries: 0,
            });
        };
        let mut parent = [0u8; 32];
        let mut head_header = None;
        for n in 0..=head {
            let Some((header, hash)) = read_header(store, n)? else {
                return Err(damaged(
                    store,
                    format!("block #{n} is missing (the head is #{head})"),
                ));
            };
            if header.parent_hash != parent {
                return Err(damaged(
                    store,
                    format!(
                        "block #{n}'s parent hash is not the hash of block #{}",
                        n.saturating_sub(1)
                    ),
                ));
            }
            if read_body(store, n, &header)?.is_none() {
                return Err(damaged(
                    store,
                    format!("the extrinsics of block #{n} are missing"),
                ));
            }
            parent = hash;
            if n == head {
                head_header = Some(header);
            }
        }
        let blocks = u64::from(head).saturating_add(1);
        let indexed = store.indexed_hashes()?;
        if indexed != blocks {
            return Err(damaged(
                store,
                format!("the hash index holds {indexed} blocks, the chain {blocks}"),
            ));
        }
        let undo = store.undo_entries()?;
        for (n, key, value) in &undo {
            if *n > head {
                return Err(damaged(
                    store,
                    format!("an undo entry of block #{n} is past the head #{head}"),
                ));
            }
            cortex_store::decode_undo(value).map_err(|e| {
                damaged(
                    store,
                    format!(
                        "the undo entry of block #{n} for key {} does not decode ({e})",
                        hex0x(key)
                    ),
                )
            })?;
        }
        let Some(head_header) = head_header else {
            return Err(damaged(store, "the head block is missing".to_string()));
        };
        let state = head_state(store, &head_header)?;
        Ok(CheckReport {
            head: Some(head),
            blocks,
            undo_entries: u64::try_from(undo.len()).unwrap_or(u64::MAX),
            state_entries: u64::try_from(state.committed().len()).unwrap_or(u64::MAX),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use codec::{Compact, Encode};
    use cortex_store::{Changes, NewBlock};

    fn header(parent: [u8; 32], number: u32, body: &[Vec<u8>], state_root: [u8; 32]) -> Header {
        Header {
            parent_hash: parent,
            number: Compact(number),
            state_root,
            extrinsics_root: extrinsics_root(body),
            digest: Vec::new(),
        }
    }

    #[test]
    fn blocks_are_checked_against_their_hashes_and_the_state_against_its_root() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db"), 8).unwrap();
        let mut changes = Changes::new();
        changes.insert(b"k".to_vec(), (None, Some(b"v".to_vec())));
        let root = Storage::from_entries(vec![(b"k".to_vec(), b"v".to_vec())]).root();
        let body = vec![vec![1u8, 2, 3]];
        let genesis = header([0; 32], 0, &body, root);
        store
            .commit_block(&NewBlock {
                number: 0,
                hash: genesis.hash(),
                header: &genesis.encode(),
                extrinsics: &body,
                changes: &changes,
            })
            .unwrap();
        assert_eq!(full(&store).unwrap().blocks, 1);

        // Block 1 stored under a hash that is not its own, with a body that is not its root's.
        let one = header(genesis.hash(), 1, &[vec![9]], root);
        store
            .commit_block(&NewBlock {
                number: 1,
                hash: [7; 32],
                header: &one.encode(),
                extrinsics: &[vec![8]],
                changes: &Changes::new(),
            })
            .unwrap();
        let e = read_header(&store, 1).unwrap_err().to_string();
        assert!(e.contains("block #1 does not match its hash"), "{e}");
        let e = read_body(&store, 1, &one).unwrap_err().to_string();
        assert!(e.contains("extrinsics of block #1"), "{e}");
        assert!(full(&store).is_err());

        // A state that is not what the header commits to.
        let other = header([0; 32], 0, &body, [1; 32]);
        let e = head_state(&store, &other).unwrap_err().to_string();
        assert!(e.contains("does not match the header's state root"), "{e}");
        assert!(e.contains("restore it from a backup"), "{e}");
    }
}
