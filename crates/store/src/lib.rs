//! Cortex's chain database on redb: blocks, headers and the state of recent blocks.
//!
//! The node commits each block in **one** redb write transaction, fsynced before the block is
//! announced: its header and extrinsics, the changed state entries, and the block's undo log
//! (each changed key's value before the block). A `kill -9` at any moment therefore leaves the
//! database at the last committed block, with nothing half-written, and a finalized block (one a
//! client heard about) is never lost.
//!
//! Layout (all keys big-endian block numbers, so ranges are in chain order):
//! - `headers`: number → SCALE header; `bodies`: number → SCALE `Vec<extrinsic bytes>`;
//!   `numbers`: block hash → number. Every block is kept.
//! - `state`: storage key → value, the state **after the head block**.
//! - `undo`: (number, storage key) → SCALE `Option<value before the block>`. Reading a key at an
//!   older block walks the undo entries of the blocks after it, newest first, so the state of
//!   any of the last [`Store::state_history`] blocks stays readable without keeping copies.
//!   Older undo entries are pruned as the head advances.
//! - `meta`: the head number.
//!
//! The store knows nothing of headers' or extrinsics' formats: the node encodes them, and checks
//! what it reads against the hashes in them (`cortex_node::check`).
//!
//! Damage: a file that exists but is empty is refused (it is a lost chain, not a new one), every
//! open verifies redb's page checksums (`set_check_integrity_on_open`, which also runs redb's
//! repair of its allocator state), and a panic inside redb on a damaged page becomes
//! [`StoreError::Damaged`] instead of taking the process down.

use codec::{Decode, Encode};
use redb::{
    Database, Durability, ReadableDatabase, ReadableTable, ReadableTableMetadata, TableDefinition,
};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const HEADERS: TableDefinition<u32, &[u8]> = TableDefinition::new("headers");
const BODIES: TableDefinition<u32, &[u8]> = TableDefinition::new("bodies");
const NUMBERS: TableDefinition<&[u8], u32> = TableDefinition::new("numbers");
const STATE: TableDefinition<&[u8], &[u8]> = TableDefinition::new("state");
const UNDO: TableDefinition<(u32, &[u8]), &[u8]> = TableDefinition::new("undo");
const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");

const HEAD: &str = "head";
const FORMAT: &str = "format";
/// Bumped when the layout changes, so an old database is refused with a clear error.
const FORMAT_VERSION: u32 = 1;

/// redb's page cache. Its default (1 GiB) lets a reader's scans grow the node's memory far past
/// what it needs; the dev chain's whole database fits in a few MiB.
const CACHE_BYTES: usize = 16 * 1024 * 1024;

/// How many recent blocks' states stay readable by default (clients read events and storage at
/// the block that included their transaction, so at least 256).
pub const DEFAULT_STATE_HISTORY: u32 = 512;

/// A history that keeps every block's state (Substrate's `--state-pruning archive`): undo logs
/// are never pruned, so any block since genesis stays readable. Reading a key at block `n` walks
/// the undo logs of the blocks after `n`, so old reads cost more as the chain grows.
pub const ARCHIVE: u32 = u32::MAX;

/// What went wrong with the database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file could not be opened or created.
    #[error(
        "cannot open the chain database at {path}: {source}; check the path and its permissions, or pass another --base-path"
    )]
    Open {
        /// The database file.
        path: PathBuf,
        /// redb's reason.
        source: Box<redb::DatabaseError>,
    },
    /// The file is a database of another layout or program.
    #[error(
        "the database at {path} has format {found}, this node writes format {FORMAT_VERSION}; move it away or pass another --base-path"
    )]
    Format {
        /// The database file.
        path: PathBuf,
        /// The format it declares.
        found: u32,
    },
    /// A read or write failed.
    #[error("chain database error: {0}")]
    Db(String),
    /// A stored value does not decode: the file was altered outside the node.
    #[error(
        "chain database is corrupt ({0}); restore it from a backup or start over with a new --base-path"
    )]
    Corrupt(String),
    /// The file exists but holds nothing: a lost chain, which must not silently restart at #0.
    #[error(
        "the chain database {path} exists but is empty (0 bytes): the chain it held is lost. Restore the file from a backup, or delete it to start a new chain from genesis"
    )]
    Empty {
        /// The database file.
        path: PathBuf,
    },
    /// The file fails redb's checks (page checksums, structure) or the node's (hashes, roots).
    #[error(
        "the chain database {path} is damaged: {what}. Do not build on it: restore it from a backup, or move it away and resync from genesis with an empty --base-path (`cortex node check-db` runs the full check)"
    )]
    Damaged {
        /// The database file.
        path: PathBuf,
        /// What is damaged.
        what: String,
    },
    /// A block was committed out of order.
    #[error("block {got} cannot follow head {head:?}: blocks are committed in order")]
    OutOfOrder {
        /// The head before.
        head: Option<u32>,
        /// The block offered.
        got: u32,
    },
    /// The state at a block older than the kept history was asked for.
    #[error("State already discarded for block {0}")]
    Discarded(u32),
}

macro_rules! db_err {
    ($($t:ty),*) => {$(
        impl From<$t> for StoreError {
            fn from(e: $t) -> StoreError {
                StoreError::Db(e.to_string())
            }
        }
    )*};
}
db_err!(
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError,
    redb::SetDurabilityError
);

/// Every key a block changed, with its value before and after the block (`None`: absent).
pub type Changes = BTreeMap<Vec<u8>, (Option<Vec<u8>>, Option<Vec<u8>>)>;
/// Storage entries, key and value.
pub type Entries = Vec<(Vec<u8>, Vec<u8>)>;
/// An undo entry as stored: block number, storage key, encoded value before the block.
pub type UndoEntry = (u32, Vec<u8>, Vec<u8>);

/// A block to commit.
#[derive(Clone, Debug)]
pub struct NewBlock<'a> {
    /// Its number (the head's plus one, or 0 for genesis).
    pub number: u32,
    /// Its hash.
    pub hash: [u8; 32],
    /// The SCALE-encoded header.
    pub header: &'a [u8],
    /// The extrinsics, each fully encoded.
    pub extrinsics: &'a [Vec<u8>],
    /// Every storage key the block changed, with its value before the block (`None`: absent)
    /// and after it (`None`: deleted).
    pub changes: &'a Changes,
}

/// The chain database.
pub struct Store {
    db: Database,
    path: PathBuf,
    history: u32,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

impl Store {
    /// Opens (or creates) the database file at `path`, keeping `history` blocks of state.
    ///
    /// An existing file is opened with redb's integrity check (every page checksum); an empty
    /// one is refused ([`StoreError::Empty`]); only a missing file starts a new database.
    pub fn open(path: &Path, history: u32) -> Result<Store, StoreError> {
        let exists = match std::fs::metadata(path) {
            Ok(m) if m.len() == 0 => {
                return Err(StoreError::Empty {
                    path: path.to_path_buf(),
                });
            }
            Ok(_) => true,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
            Err(e) => {
                return Err(StoreError::Open {
                    path: path.to_path_buf(),
                    source: Box::new(redb::DatabaseError::Storage(redb::StorageError::Io(e))),
                });
            }
        };
        let opened = guard(path, "opening the file", || {
            let mut builder = Database::builder();
            builder.set_cache_size(CACHE_BYTES);
            if exists {
                builder.set_check_integrity_on_open(true);
                Ok(builder.open(path))
            } else {
                Ok(builder.create(path))
            }
        })?;
        let db = opened.map_err(|source| match source {
            redb::DatabaseError::Storage(redb::StorageError::Corrupted(what)) => {
                StoreError::Damaged {
                    path: path.to_path_buf(),
                    what: format!("redb's integrity check failed ({what})"),
                }
            }
            source => StoreError::Open {
                path: path.to_path_buf(),
                source: Box::new(source),
            },
        })?;
        let store = Store {
            db,
            path: path.to_path_buf(),
            history: history.max(1),
        };
        guard(path, "reading its tables", || store.init_tables())?;
        Ok(store)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file's size in bytes (for metrics); 0 if it cannot be read.
    pub fn file_size(&self) -> u64 {
        std::fs::metadata(&self.path).map_or(0, |m| m.len())
    }

    /// Runs `f`, turning a panic inside redb (which it may raise on a damaged page) into
    /// [`StoreError::Damaged`] naming `what` was being done.
    pub fn guarded<T>(
        &self,
        what: &str,
        f: impl FnOnce() -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        guard(&self.path, what, f)
    }

    /// How many recent blocks' states are readable.
    pub fn state_history(&self) -> u32 {
        self.history
    }

    fn init_tables(&self) -> Result<(), StoreError> {
        let txn = self.db.begin_write()?;
        {
            txn.open_table(HEADERS)?;
            txn.open_table(BODIES)?;
            txn.open_table(NUMBERS)?;
            txn.open_table(STATE)?;
            txn.open_table(UNDO)?;
            let mut meta = txn.open_table(META)?;
            let found = match meta.get(FORMAT)? {
                Some(v) => Some(decode::<u32>(v.value(), "format")?),
                None => None,
            };
            match found {
                Some(f) if f != FORMAT_VERSION => {
                    return Err(StoreError::Format {
                        path: self.path.clone(),
                        found: f,
                    });
                }
                Some(_) => {}
                None => {
                    meta.insert(FORMAT, FORMAT_VERSION.encode().as_slice())?;
                }
            }
        }
        txn.commit()?;
        Ok(())
    }

    /// The head block's number, or `None` for an empty database.
    pub fn head(&self) -> Result<Option<u32>, StoreError> {
        let txn = self.db.begin_read()?;
        let meta = txn.open_table(META)?;
        match meta.get(HEAD)? {
            Some(v) => Ok(Some(decode::<u32>(v.value(), "head")?)),
            None => Ok(None),
        }
    }

    /// Commits `block` atomically and durably: header, body, state changes, undo log and the new
    /// head, pruning undo entries that fell out of the kept history.
    pub fn commit_block(&self, block: &NewBlock<'_>) -> Result<(), StoreError> {
        let mut txn = self.db.begin_write()?;
        // The order check reads the head inside the same write transaction: no second
        // transaction per block, and no window between the check and the commit.
        let head = match txn.open_table(META)?.get(HEAD)? {
            Some(v) => Some(decode::<u32>(v.value(), "head")?),
            None => None,
        };
        let expected = head.map_or(0, |h| h.saturating_add(1));
        if block.number != expected {
            return Err(StoreError::OutOfOrder {
                head,
                got: block.number,
            });
        }
        txn.set_durability(Durability::Immediate)?;
        txn.set_quick_repair(true);
        {
            txn.open_table(HEADERS)?
                .insert(block.number, block.header)?;
            txn.open_table(BODIES)?
                .insert(block.number, block.extrinsics.encode().as_slice())?;
            txn.open_table(NUMBERS)?
                .insert(block.hash.as_slice(), block.number)?;
            let mut state = txn.open_table(STATE)?;
            let mut undo = txn.open_table(UNDO)?;
            for (key, (before, after)) in block.changes {
                match after {
                    Some(v) => state.insert(key.as_slice(), v.as_slice())?,
                    None => state.remove(key.as_slice())?,
                };
                undo.insert((block.number, key.as_slice()), before.encode().as_slice())?;
            }
            if let Some(old) = block.number.checked_sub(self.history) {
                let stale: Vec<(u32, Vec<u8>)> = undo
                    .range::<(u32, &[u8])>(..(old.saturating_add(1), &[][..]))?
                    .map(|e| e.map(|(k, _)| (k.value().0, k.value().1.to_vec())))
                    .collect::<Result<_, _>>()?;
                for (n, k) in &stale {
                    undo.remove((*n, k.as_slice()))?;
                }
            }
            txn.open_table(META)?
                .insert(HEAD, block.number.encode().as_slice())?;
        }
        txn.commit()?;
        Ok(())
    }

    /// Every storage key that blocks `from..=to` changed (from their undo logs), or `None` if
    /// some of those blocks are older than the kept history (their logs are pruned).
    pub fn changed_keys(&self, from: u32, to: u32) -> Result<Option<Vec<Vec<u8>>>, StoreError> {
        let txn = self.db.begin_read()?;
        let head = {
            let meta = txn.open_table(META)?;
            match meta.get(HEAD)? {
                Some(v) => decode::<u32>(v.value(), "head")?,
                None => return Ok(Some(Vec::new())),
            }
        };
        if from == 0 || head.saturating_sub(from) >= self.history {
            return Ok(None);
        }
        let undo = txn.open_table(UNDO)?;
        let mut keys = std::collections::BTreeSet::new();
        for entry in undo.range::<(u32, &[u8])>((from, &[][..])..)? {
            let (k, _) = entry?;
            let (n, key) = k.value();
            if n > to {
                break;
            }
            keys.insert(key.to_vec());
        }
        Ok(Some(keys.into_iter().collect()))
    }

    /// Every undo entry's block number, key and encoded value, for the full check.
    pub fn undo_entries(&self) -> Result<Vec<UndoEntry>, StoreError> {
        let txn = self.db.begin_read()?;
        let undo = txn.open_table(UNDO)?;
        let mut out = Vec::new();
        for entry in undo.iter()? {
            let (k, v) = entry?;
            let (n, key) = k.value();
            out.push((n, key.to_vec(), v.value().to_vec()));
        }
        Ok(out)
    }

    /// How many entries the hash → number index holds (the full check compares it with the
    /// number of blocks).
    pub fn indexed_hashes(&self) -> Result<u64, StoreError> {
        let txn = self.db.begin_read()?;
        Ok(txn.open_table(NUMBERS)?.len()?)
    }

    /// The whole state after the head block (the node loads it at start).
    pub fn head_state(&self) -> Result<Entries, StoreError> {
        let txn = self.db.begin_read()?;
        let state = txn.open_table(STATE)?;
        let mut out = Vec::new();
        for entry in state.iter()? {
            let (k, v) = entry?;
            out.push((k.value().to_vec(), v.value().to_vec()));
        }
        Ok(out)
    }

    /// The SCALE header of block `number`.
    pub fn header(&self, number: u32) -> Result<Option<Vec<u8>>, StoreError> {
        let txn = self.db.begin_read()?;
        let t = txn.open_table(HEADERS)?;
        Ok(t.get(number)?.map(|v| v.value().to_vec()))
    }

    /// The extrinsics of block `number`.
    pub fn body(&self, number: u32) -> Result<Option<Vec<Vec<u8>>>, StoreError> {
        let txn = self.db.begin_read()?;
        let t = txn.open_table(BODIES)?;
        match t.get(number)? {
            Some(v) => Ok(Some(decode(v.value(), "body")?)),
            None => Ok(None),
        }
    }

    /// The number of the block with hash `hash`.
    pub fn number_of(&self, hash: &[u8; 32]) -> Result<Option<u32>, StoreError> {
        let txn = self.db.begin_read()?;
        let t = txn.open_table(NUMBERS)?;
        Ok(t.get(hash.as_slice())?.map(|v| v.value()))
    }

    /// A consistent view of the state at block `number` (which must be within the kept
    /// history of the head).
    pub fn state_at(&self, number: u32) -> Result<StateView, StoreError> {
        let txn = self.db.begin_read()?;
        let head = {
            let meta = txn.open_table(META)?;
            match meta.get(HEAD)? {
                Some(v) => decode::<u32>(v.value(), "head")?,
                None => return Err(StoreError::Discarded(number)),
            }
        };
        if number > head || head.saturating_sub(number) >= self.history {
            return Err(StoreError::Discarded(number));
        }
        Ok(StateView {
            state: txn.open_table(STATE)?,
            undo: txn.open_table(UNDO)?,
            head,
            at: number,
        })
    }
}

/// The state at one block, read from a database snapshot: the head state with the undo logs of
/// the blocks after `at` applied, newest first.
pub struct StateView {
    state: redb::ReadOnlyTable<&'static [u8], &'static [u8]>,
    undo: redb::ReadOnlyTable<(u32, &'static [u8]), &'static [u8]>,
    head: u32,
    at: u32,
}

impl StateView {
    /// The block this view shows.
    pub fn block(&self) -> u32 {
        self.at
    }

    /// The value at `key`.
    pub fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        // The oldest block after `at` that changed `key` holds its value at `at`.
        let mut n = self.at.saturating_add(1);
        while n <= self.head {
            if let Some(v) = self.undo.get((n, key))? {
                return decode::<Option<Vec<u8>>>(v.value(), "undo");
            }
            n = n.saturating_add(1);
        }
        Ok(self.state.get(key)?.map(|v| v.value().to_vec()))
    }

    /// Up to `count` keys starting with `prefix` and strictly after `start_after` (if given), in
    /// key order.
    pub fn keys_paged(
        &self,
        prefix: &[u8],
        count: usize,
        start_after: Option<&[u8]>,
    ) -> Result<Vec<Vec<u8>>, StoreError> {
        let from: Vec<u8> = match start_after {
            Some(s) if s > prefix => s.to_vec(),
            _ => prefix.to_vec(),
        };
        let mut out = Vec::new();
        if self.at == self.head {
            for entry in self.state.range::<&[u8]>(from.as_slice()..)? {
                let (k, _) = entry?;
                let k = k.value();
                if !k.starts_with(prefix) || out.len() >= count {
                    break;
                }
                if start_after == Some(k) {
                    continue;
                }
                out.push(k.to_vec());
            }
            return Ok(out);
        }
        // At an older block, keys may have been added or deleted since: merge the head's keys
        // with every key the later blocks touched, then keep those that existed at `at`.
        let mut candidates: std::collections::BTreeSet<Vec<u8>> = std::collections::BTreeSet::new();
        for entry in self.state.range::<&[u8]>(from.as_slice()..)? {
            let (k, _) = entry?;
            let k = k.value();
            if !k.starts_with(prefix) {
                break;
            }
            candidates.insert(k.to_vec());
        }
        let mut n = self.at.saturating_add(1);
        while n <= self.head {
            for entry in self.undo.range::<(u32, &[u8])>((n, from.as_slice())..)? {
                let (k, _) = entry?;
                let (bn, k) = k.value();
                if bn != n || !k.starts_with(prefix) {
                    break;
                }
                candidates.insert(k.to_vec());
            }
            n = n.saturating_add(1);
        }
        for k in candidates {
            if out.len() >= count {
                break;
            }
            if start_after == Some(k.as_slice()) {
                continue;
            }
            if self.get(&k)?.is_some() {
                out.push(k);
            }
        }
        Ok(out)
    }
}

fn decode<T: Decode>(mut bytes: &[u8], what: &str) -> Result<T, StoreError> {
    T::decode(&mut bytes).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

/// Decodes a stored undo value (`Option<value before the block>`), as the full check and the
/// fuzzer read it.
pub fn decode_undo(bytes: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
    decode(bytes, "undo")
}

/// Decodes a stored block body (the list of its encoded extrinsics).
pub fn decode_body(bytes: &[u8]) -> Result<Vec<Vec<u8>>, StoreError> {
    decode(bytes, "body")
}

/// Decodes a stored block number (the head and format records).
pub fn decode_number(bytes: &[u8]) -> Result<u32, StoreError> {
    decode(bytes, "number")
}

fn guard<T>(
    path: &Path,
    what: &str,
    f: impl FnOnce() -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => {
            let reason = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic inside redb".to_string());
            tracing::error!(path = %path.display(), %what, %reason, "the chain database is damaged");
            Err(StoreError::Damaged {
                path: path.to_path_buf(),
                what: format!("redb failed while {what} ({reason})"),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commit(store: &Store, n: u32, changes: &Changes) {
        store
            .commit_block(&NewBlock {
                number: n,
                hash: [n as u8; 32],
                header: &n.to_le_bytes(),
                extrinsics: &[vec![n as u8]],
                changes,
            })
            .unwrap();
    }

    fn set(k: &[u8], before: Option<&[u8]>, after: Option<&[u8]>) -> Changes {
        let mut c = Changes::new();
        c.insert(
            k.to_vec(),
            (before.map(<[u8]>::to_vec), after.map(<[u8]>::to_vec)),
        );
        c
    }

    #[test]
    fn history_reads_see_each_blocks_state() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db"), 3).unwrap();
        assert_eq!(store.head().unwrap(), None);
        commit(&store, 0, &set(b"a1", None, Some(b"x")));
        commit(&store, 1, &set(b"a1", Some(b"x"), Some(b"y")));
        let mut c = set(b"a2", None, Some(b"z"));
        c.insert(b"a1".to_vec(), (Some(b"y".to_vec()), None));
        commit(&store, 2, &c);
        assert_eq!(store.head().unwrap(), Some(2));
        let at = |n| store.state_at(n).unwrap();
        assert_eq!(at(0).get(b"a1").unwrap(), Some(b"x".to_vec()));
        assert_eq!(at(1).get(b"a1").unwrap(), Some(b"y".to_vec()));
        assert_eq!(at(2).get(b"a1").unwrap(), None);
        assert_eq!(
            at(0).keys_paged(b"a", 10, None).unwrap(),
            vec![b"a1".to_vec()]
        );
        assert_eq!(
            at(2).keys_paged(b"a", 10, None).unwrap(),
            vec![b"a2".to_vec()]
        );
        assert_eq!(
            at(2).keys_paged(b"a", 10, Some(b"a2")).unwrap(),
            Vec::<Vec<u8>>::new()
        );
        // A fourth block pushes block 0 out of the three kept.
        commit(&store, 3, &Changes::new());
        assert!(matches!(store.state_at(0), Err(StoreError::Discarded(0))));
        assert_eq!(at(1).get(b"a1").unwrap(), Some(b"y".to_vec()));
        assert_eq!(store.number_of(&[2; 32]).unwrap(), Some(2));
        assert_eq!(store.body(2).unwrap(), Some(vec![vec![2]]));
        assert_eq!(store.header(3).unwrap(), Some(3u32.to_le_bytes().to_vec()));
    }

    #[test]
    fn an_archive_keeps_every_blocks_state() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db"), ARCHIVE).unwrap();
        commit(&store, 0, &set(b"k", None, Some(&0u32.to_le_bytes())));
        // Past the default history: with pruning, block 0's undo log would be gone.
        let blocks = DEFAULT_STATE_HISTORY + 10;
        for n in 1..=blocks {
            let before = (n - 1).to_le_bytes();
            commit(&store, n, &set(b"k", Some(&before), Some(&n.to_le_bytes())));
        }
        for n in [0, 1, 9, blocks - 1, blocks] {
            let got = store.state_at(n).unwrap().get(b"k").unwrap();
            assert_eq!(got, Some(n.to_le_bytes().to_vec()), "state at block {n}");
        }
        assert_eq!(store.changed_keys(1, 1).unwrap(), Some(vec![b"k".to_vec()]));
    }

    #[test]
    fn reopening_gives_the_committed_head_and_state() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db");
        {
            let store = Store::open(&path, 8).unwrap();
            commit(&store, 0, &set(b"k", None, Some(b"1")));
            commit(&store, 1, &set(b"k", Some(b"1"), Some(b"2")));
        }
        let store = Store::open(&path, 8).unwrap();
        assert_eq!(store.head().unwrap(), Some(1));
        assert_eq!(
            store.head_state().unwrap(),
            vec![(b"k".to_vec(), b"2".to_vec())]
        );
        assert!(matches!(
            store.commit_block(&NewBlock {
                number: 5,
                hash: [5; 32],
                header: &[],
                extrinsics: &[],
                changes: &Changes::new(),
            }),
            Err(StoreError::OutOfOrder { got: 5, .. })
        ));
    }

    #[test]
    fn a_file_that_is_not_a_database_gets_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db");
        std::fs::write(&path, b"definitely not redb").unwrap();
        let err = Store::open(&path, 8).unwrap_err().to_string();
        assert!(err.contains("cannot open the chain database"), "{err}");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]
        /// Whatever the blocks change, the view at each kept block equals a model that kept a
        /// full copy of every block's state, for reads and for paged key scans.
        #[test]
        fn views_match_full_copies(
            blocks in proptest::collection::vec(
                proptest::collection::btree_map(
                    proptest::collection::vec(0u8..3, 1..3),
                    proptest::option::of(proptest::prelude::any::<u8>()),
                    0..4,
                ),
                1..8,
            )
        ) {
            let dir = tempfile::tempdir().unwrap();
            let store = Store::open(&dir.path().join("db"), 4).unwrap();
            let mut model: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
            let mut copies = Vec::new();
            for (n, writes) in blocks.iter().enumerate() {
                let mut changes = Changes::new();
                for (k, v) in writes {
                    let before = model.get(k).cloned();
                    let after = v.map(|b| vec![b]);
                    match &after {
                        Some(a) => { model.insert(k.clone(), a.clone()); }
                        None => { model.remove(k); }
                    }
                    changes.insert(k.clone(), (before, after));
                }
                commit(&store, n as u32, &changes);
                copies.push(model.clone());
            }
            let head = copies.len() - 1;
            for (n, copy) in copies.iter().enumerate() {
                let Ok(view) = store.state_at(n as u32) else {
                    proptest::prop_assert!(head - n >= 4);
                    continue;
                };
                for k in [vec![0u8], vec![1], vec![0, 2], vec![2, 2]] {
                    proptest::prop_assert_eq!(view.get(&k).unwrap(), copy.get(&k).cloned());
                }
                let keys: Vec<Vec<u8>> = copy.keys().filter(|k| k.starts_with(&[0])).cloned().collect();
                proptest::prop_assert_eq!(view.keys_paged(&[0], 100, None).unwrap(), keys.clone());
                if let Some(first) = keys.first() {
                    proptest::prop_assert_eq!(view.keys_paged(&[0], 100, Some(first)).unwrap(), keys[1..].to_vec());
                }
            }
        }
    }
}
