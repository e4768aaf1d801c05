//! The transaction pool: signed transactions waiting for a block, in a **ready** queue (the
//! sender's next nonces, with no gap from its on-chain nonce) and a **future** queue (nonces after
//! a gap, waiting for the missing ones).
//!
//! Ordering follows Substrate's pool: a sender's transactions go in nonce order, and across
//! senders the higher priority (tip) goes first, then the earlier arrival. A transaction with the
//! same sender and nonce as one in the pool replaces it only with a higher priority; the
//! replaced one's watchers hear `usurped`. Limits in count and bytes keep a flood from exhausting
//! memory; a full pool refuses new transactions rather than dropping accepted ones. Each sender
//! has a share of the future queue, so one account's nonce gaps cannot fill it for everyone.
//! Mortal transactions leave the pool when their era ends.
//!
//! The pool is a plain data structure: the block producer owns it and passes in each sender's
//! on-chain nonce, so it needs no locks.

use cortex_primitives::AccountId32;
use cortex_runtime::types::RuntimeCall;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::sync::Arc;
use tokio::sync::mpsc::UnboundedSender;

/// A transaction's lifecycle, as `author_submitAndWatchExtrinsic` reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TxStatus {
    /// Waiting for an earlier nonce.
    Future,
    /// Can go into the next block.
    Ready,
    /// Included in the block with this hash.
    InBlock([u8; 32]),
    /// That block is final.
    Finalized([u8; 32]),
    /// Replaced by the transaction with this hash (same sender and nonce, higher priority).
    Usurped([u8; 32]),
    /// Removed from the pool without inclusion (pool full, node stopping).
    Dropped,
    /// No longer valid (era ended, nonce used by another transaction, fee unpayable).
    Invalid,
}

impl TxStatus {
    /// Whether no further status follows.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            TxStatus::Finalized(_) | TxStatus::Usurped(_) | TxStatus::Dropped | TxStatus::Invalid
        )
    }
}

/// A transaction in the pool.
#[derive(Debug)]
pub struct PoolTx {
    /// blake2-256 of the encoded extrinsic.
    pub hash: [u8; 32],
    /// The encoded extrinsic (what goes into the block body).
    pub bytes: Arc<Vec<u8>>,
    /// The decoded call.
    pub call: RuntimeCall,
    /// The signer.
    pub who: AccountId32,
    /// Its nonce.
    pub nonce: u32,
    /// Its tip, which is also its priority.
    pub tip: u64,
    /// First block it is no longer valid in.
    pub death: u64,
    /// Arrival order.
    seq: u64,
    /// Whether it was last reported ready.
    ready: bool,
    /// Who follows its status.
    pub watchers: Vec<UnboundedSender<TxStatus>>,
}

impl PoolTx {
    /// A transaction ready to be inserted.
    pub fn new(
        hash: [u8; 32],
        bytes: Arc<Vec<u8>>,
        call: RuntimeCall,
        who: AccountId32,
        nonce: u32,
        tip: u64,
        death: u64,
    ) -> PoolTx {
        PoolTx {
            hash,
            bytes,
            call,
            who,
            nonce,
            tip,
            death,
            seq: 0,
            ready: false,
            watchers: Vec::new(),
        }
    }

    /// Sends `status` to every watcher, forgetting those that stopped listening.
    pub fn notify(&mut self, status: &TxStatus) {
        self.watchers.retain(|w| w.send(status.clone()).is_ok());
    }
}

/// Why the pool refused a transaction (Substrate's author error codes).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PoolError {
    /// The same extrinsic is already in the pool.
    #[error("Transaction Already Imported")]
    AlreadyImported,
    /// Another transaction with the same sender and nonce has at least this priority.
    #[error("Priority is too low: ({old} vs {new})")]
    TooLowPriority {
        /// The one in the pool.
        old: u64,
        /// The one offered.
        new: u64,
    },
    /// The pool is at its count or byte limit.
    #[error("Immediately Dropped: the transaction pool is full ({0}); retry after the next blocks")]
    Full(&'static str),
}

impl PoolError {
    /// The JSON-RPC error code Substrate uses.
    pub fn code(&self) -> i32 {
        match self {
            PoolError::AlreadyImported => 1013,
            PoolError::TooLowPriority { .. } => 1014,
            PoolError::Full(_) => 1016,
        }
    }
}

/// Pool limits.
#[derive(Clone, Copy, Debug)]
pub struct PoolLimits {
    /// Most transactions in the ready queue.
    pub ready_count: usize,
    /// Most transactions in the future queue.
    pub future_count: usize,
    /// Most transactions of one sender in the future queue.
    pub future_per_sender: usize,
    /// Most bytes of all transactions.
    pub total_bytes: usize,
}

impl Default for PoolLimits {
    /// Substrate's defaults: 8,192 ready and 1,024 future transactions, 20 MiB in all; and a
    /// sixteenth of the future queue per sender (64), Cortex's own.
    fn default() -> PoolLimits {
        PoolLimits {
            ready_count: 8_192,
            future_count: 1_024,
            future_per_sender: 64,
            total_bytes: 20 * 1024 * 1024,
        }
    }
}

/// The pool.
#[derive(Debug, Default)]
pub struct Pool {
    txs: BTreeMap<[u8; 32], PoolTx>,
    by_sender: BTreeMap<AccountId32, BTreeMap<u32, [u8; 32]>>,
    limits: PoolLimits,
    next_seq: u64,
    bytes: usize,
    ready_count: usize,
}

/// What happened on insertion.
#[derive(Debug, PartialEq, Eq)]
pub struct Inserted {
    /// Whether the new transaction is ready (else future).
    pub ready: bool,
    /// A transaction it replaced.
    pub replaced: Option<[u8; 32]>,
    /// Transactions that became ready because this one filled their gap.
    pub promoted: Vec<[u8; 32]>,
}

impl Pool {
    /// An empty pool with `limits`.
    pub fn new(limits: PoolLimits) -> Pool {
        Pool {
            limits,
            ..Pool::default()
        }
    }

    /// `(ready, future)` counts.
    pub fn counts(&self) -> (usize, usize) {
        (
            self.ready_count,
            self.txs.len().saturating_sub(self.ready_count),
        )
    }

    /// Total bytes held.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Whether a transaction is ready to go into a block.
    pub fn has_ready(&self) -> bool {
        self.ready_count > 0
    }

    /// The transaction with `hash`.
    pub fn get_mut(&mut self, hash: &[u8; 32]) -> Option<&mut PoolTx> {
        self.txs.get_mut(hash)
    }

    /// Every transaction's bytes, ready first.
    pub fn pending(&self) -> Vec<Arc<Vec<u8>>> {
        let mut all: Vec<&PoolTx> = self.txs.values().collect();
        all.sort_by_key(|t| (!t.ready, t.seq));
        all.into_iter().map(|t| t.bytes.clone()).collect()
    }

    /// The next nonce for `who`: its on-chain nonce plus its transactions in the ready queue.
    pub fn next_index(&self, who: &AccountId32, chain_nonce: u32) -> u32 {
        let mut n = chain_nonce;
        if let Some(nonces) = self.by_sender.get(who) {
            while nonces.contains_key(&n) {
                n = n.saturating_add(1);
            }
        }
        n
    }

    /// Adds `tx`, given its sender's on-chain nonce (the caller has checked that
    /// `tx.nonce >= chain_nonce`).
    pub fn insert(&mut self, mut tx: PoolTx, chain_nonce: u32) -> Result<Inserted, PoolError> {
        if self.txs.contains_key(&tx.hash) {
            return Err(PoolError::AlreadyImported);
        }
        let existing = self
            .by_sender
            .get(&tx.who)
            .and_then(|n| n.get(&tx.nonce))
            .copied();
        if let Some(old_hash) = existing
            && let Some(old) = self.txs.get(&old_hash)
            && old.tip >= tx.tip
        {
            return Err(PoolError::TooLowPriority {
                old: old.tip,
                new: tx.tip,
            });
        }
        let will_be_ready = self.next_index(&tx.who, chain_nonce) >= tx.nonce;
        if existing.is_none() {
            if will_be_ready && self.ready_count >= self.limits.ready_count {
                return Err(PoolError::Full("ready queue at its count limit"));
            }
            if !will_be_ready
                && self.txs.len().saturating_sub(self.ready_count) >= self.limits.future_count
            {
                return Err(PoolError::Full("future queue at its count limit"));
            }
            if !will_be_ready && self.future_of(&tx.who) >= self.limits.future_per_sender {
                return Err(PoolError::Full(
                    "this sender's share of the future queue is used; submit the missing nonces first",
                ));
            }
        }
        if self.bytes.saturating_add(tx.bytes.len()) > self.limits.total_bytes {
            return Err(PoolError::Full("byte limit reached"));
        }
        let replaced = match existing {
            Some(old_hash) => {
                if let Some(mut old) = self.remove(&old_hash) {
                    old.notify(&TxStatus::Usurped(tx.hash));
                }
                Some(old_hash)
            }
            None => None,
        };
        tx.seq = self.next_seq;
        self.next_seq = self.next_seq.saturating_add(1);
        self.bytes = self.bytes.saturating_add(tx.bytes.len());
        self.by_sender
            .entry(tx.who)
            .or_default()
            .insert(tx.nonce, tx.hash);
        let who = tx.who;
        let hash = tx.hash;
        self.txs.insert(hash, tx);
        let promoted = self.refresh_sender(&who, chain_nonce);
        let ready = self.txs.get(&hash).is_some_and(|t| t.ready);
        Ok(Inserted {
            ready,
            replaced,
            promoted: promoted.into_iter().filter(|h| *h != hash).collect(),
        })
    }

    /// How many of `who`'s transactions wait in the future queue.
    pub fn future_of(&self, who: &AccountId32) -> usize {
        self.by_sender.get(who).map_or(0, |nonces| {
            nonces
                .values()
                .filter(|h| self.txs.get(*h).is_some_and(|t| !t.ready))
                .count()
        })
    }

    /// Removes every transaction (the node is stopping).
    pub fn drain(&mut self) -> Vec<PoolTx> {
        self.by_sender.clear();
        self.bytes = 0;
        self.ready_count = 0;
        std::mem::take(&mut self.txs).into_values().collect()
    }

    /// Removes a transaction.
    pub fn remove(&mut self, hash: &[u8; 32]) -> Option<PoolTx> {
        let tx = self.txs.remove(hash)?;
        if let Some(nonces) = self.by_sender.get_mut(&tx.who) {
            nonces.remove(&tx.nonce);
            if nonces.is_empty() {
                self.by_sender.remove(&tx.who);
            }
        }
        self.bytes = self.bytes.saturating_sub(tx.bytes.len());
        if tx.ready {
            self.ready_count = self.ready_count.saturating_sub(1);
        }
        Some(tx)
    }

    /// Recomputes which of `who`'s transactions are ready; returns those that just became ready.
    fn refresh_sender(&mut self, who: &AccountId32, chain_nonce: u32) -> Vec<[u8; 32]> {
        let Some(nonces) = self.by_sender.get(who) else {
            return Vec::new();
        };
        let mut promoted = Vec::new();
        let mut expected = chain_nonce;
        for (nonce, hash) in nonces {
            let ready = *nonce == expected;
            if ready {
                expected = expected.saturating_add(1);
            }
            if let Some(tx) = self.txs.get_mut(hash)
                && tx.ready != ready
            {
                tx.ready = ready;
                if ready {
                    self.ready_count = self.ready_count.saturating_add(1);
                    promoted.push(*hash);
                } else {
                    self.ready_count = self.ready_count.saturating_sub(1);
                }
            }
        }
        promoted
    }

    /// The ready transactions in block order: each sender's in nonce order, senders interleaved
    /// by priority (tip), then arrival.
    pub fn ready_order(&self) -> Vec<[u8; 32]> {
        // Each sender's ready run, as a queue; a heap picks the best head among senders.
        let mut runs: Vec<Vec<&PoolTx>> = Vec::new();
        for nonces in self.by_sender.values() {
            let run: Vec<&PoolTx> = nonces
                .values()
                .filter_map(|h| self.txs.get(h))
                .take_while(|t| t.ready)
                .collect();
            if !run.is_empty() {
                runs.push(run);
            }
        }
        let mut heap = BinaryHeap::new();
        for (i, run) in runs.iter().enumerate() {
            if let Some(first) = run.first() {
                heap.push((first.tip, Reverse(first.seq), i, 0usize));
            }
        }
        let mut out = Vec::with_capacity(self.ready_count);
        while let Some((_, _, i, j)) = heap.pop() {
            let Some(run) = runs.get(i) else { continue };
            if let Some(tx) = run.get(j) {
                out.push(tx.hash);
            }
            if let Some(next) = run.get(j.saturating_add(1)) {
                heap.push((next.tip, Reverse(next.seq), i, j.saturating_add(1)));
            }
        }
        out
    }

    /// After a block: drops transactions whose nonce is used or whose era ended, and
    /// recomputes readiness. `nonce_of` gives each sender's on-chain nonce. Returns the dropped
    /// transactions and the hashes that became ready.
    pub fn prune(
        &mut self,
        next_block: u64,
        nonce_of: impl Fn(&AccountId32) -> u32,
    ) -> (Vec<PoolTx>, Vec<[u8; 32]>) {
        let senders: Vec<AccountId32> = self.by_sender.keys().copied().collect();
        let mut dropped = Vec::new();
        let mut promoted = Vec::new();
        for who in senders {
            let chain_nonce = nonce_of(&who);
            let stale: Vec<[u8; 32]> = self
                .by_sender
                .get(&who)
                .map(|nonces| {
                    nonces
                        .values()
                        .filter(|h| {
                            self.txs
                                .get(*h)
                                .is_some_and(|t| t.nonce < chain_nonce || t.death <= next_block)
                        })
                        .copied()
                        .collect()
                })
                .unwrap_or_default();
            for h in stale {
                if let Some(tx) = self.remove(&h) {
                    dropped.push(tx);
                }
            }
            promoted.extend(self.refresh_sender(&who, chain_nonce));
        }
        (dropped, promoted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cortex_runtime::types::SystemCall;

    fn tx(who: u8, nonce: u32, tip: u64) -> PoolTx {
        let mut hash = [0u8; 32];
        hash[0] = who;
        hash[1..5].copy_from_slice(&nonce.to_le_bytes());
        hash[5..13].copy_from_slice(&tip.to_le_bytes());
        PoolTx::new(
            hash,
            Arc::new(vec![0; 100]),
            RuntimeCall::System(SystemCall::remark { remark: vec![] }),
            AccountId32([who; 32]),
            nonce,
            tip,
            u64::MAX,
        )
    }

    #[test]
    fn gaps_wait_in_the_future_queue_until_filled() {
        let mut pool = Pool::new(PoolLimits::default());
        let r = pool.insert(tx(1, 2, 0), 0).unwrap();
        assert!(!r.ready);
        assert_eq!(pool.counts(), (0, 1));
        assert_eq!(pool.next_index(&AccountId32([1; 32]), 0), 0);
        assert!(pool.insert(tx(1, 0, 0), 0).unwrap().ready);
        assert_eq!(pool.next_index(&AccountId32([1; 32]), 0), 1);
        let r = pool.insert(tx(1, 1, 0), 0).unwrap();
        assert!(r.ready);
        assert_eq!(r.promoted, vec![tx(1, 2, 0).hash]);
        assert_eq!(pool.counts(), (3, 0));
        assert_eq!(pool.next_index(&AccountId32([1; 32]), 0), 3);
        let order = pool.ready_order();
        assert_eq!(
            order,
            vec![tx(1, 0, 0).hash, tx(1, 1, 0).hash, tx(1, 2, 0).hash]
        );
    }

    #[test]
    fn higher_tips_go_first_and_replace_only_upwards() {
        let mut pool = Pool::new(PoolLimits::default());
        pool.insert(tx(1, 0, 0), 0).unwrap();
        pool.insert(tx(2, 0, 5), 0).unwrap();
        pool.insert(tx(3, 0, 0), 0).unwrap();
        assert_eq!(
            pool.ready_order(),
            vec![tx(2, 0, 5).hash, tx(1, 0, 0).hash, tx(3, 0, 0).hash]
        );
        assert_eq!(pool.insert(tx(1, 0, 0), 0), Err(PoolError::AlreadyImported));
        let mut same_nonce = tx(2, 0, 5);
        same_nonce.hash[31] = 9;
        assert_eq!(
            pool.insert(same_nonce, 0),
            Err(PoolError::TooLowPriority { old: 5, new: 5 })
        );
        let (watch, mut rx) = tokio::sync::mpsc::unbounded_channel();
        pool.get_mut(&tx(1, 0, 0).hash)
            .unwrap()
            .watchers
            .push(watch);
        let r = pool.insert(tx(1, 0, 9), 0).unwrap();
        assert_eq!(r.replaced, Some(tx(1, 0, 0).hash));
        assert_eq!(rx.try_recv().unwrap(), TxStatus::Usurped(tx(1, 0, 9).hash));
        assert_eq!(pool.counts(), (3, 0));
    }

    #[test]
    fn limits_refuse_rather_than_evict() {
        let mut pool = Pool::new(PoolLimits {
            ready_count: 2,
            future_count: 1,
            future_per_sender: 1,
            total_bytes: 1_000,
        });
        pool.insert(tx(1, 0, 0), 0).unwrap();
        pool.insert(tx(2, 0, 0), 0).unwrap();
        assert!(matches!(
            pool.insert(tx(3, 0, 0), 0),
            Err(PoolError::Full(_))
        ));
        pool.insert(tx(3, 5, 0), 0).unwrap();
        assert!(matches!(
            pool.insert(tx(4, 5, 0), 0),
            Err(PoolError::Full(_))
        ));
        assert_eq!(pool.counts(), (2, 1));
        assert_eq!(pool.bytes(), 300);
    }

    #[test]
    fn one_sender_cannot_fill_the_future_queue() {
        let mut pool = Pool::new(PoolLimits {
            future_count: 8,
            future_per_sender: 3,
            ..PoolLimits::default()
        });
        for nonce in 1..=3 {
            pool.insert(tx(1, nonce * 2, 0), 0).unwrap();
        }
        assert!(matches!(
            pool.insert(tx(1, 100, 0), 0),
            Err(PoolError::Full(why)) if why.contains("share")
        ));
        // Everyone else still gets their nonce gaps queued, and the sender's ready ones go in.
        for who in 2..=4 {
            assert!(!pool.insert(tx(who, 5, 0), 0).unwrap().ready);
        }
        assert!(pool.insert(tx(1, 0, 0), 0).unwrap().ready);
        assert_eq!(pool.future_of(&AccountId32([1; 32])), 3);
        assert_eq!(pool.counts(), (1, 6));
    }

    #[test]
    fn pruning_drops_used_nonces_and_ended_eras() {
        let mut pool = Pool::new(PoolLimits::default());
        pool.insert(tx(1, 0, 0), 0).unwrap();
        pool.insert(tx(1, 1, 0), 0).unwrap();
        pool.insert(tx(1, 3, 0), 0).unwrap();
        let mut mortal = tx(2, 0, 0);
        mortal.death = 10;
        pool.insert(mortal, 0).unwrap();
        // Block 9 used sender 1's nonce 0 and 1 elsewhere... only nonce 0.
        let (dropped, promoted) = pool.prune(10, |w| if w.0[0] == 1 { 1 } else { 0 });
        let mut hashes: Vec<_> = dropped.iter().map(|t| t.hash).collect();
        hashes.sort();
        let mut expect = vec![tx(1, 0, 0).hash, tx(2, 0, 0).hash];
        expect.sort();
        assert_eq!(hashes, expect);
        assert!(promoted.is_empty());
        assert_eq!(pool.counts(), (1, 1));
        let (_, promoted) = pool.prune(11, |w| if w.0[0] == 1 { 3 } else { 0 });
        assert_eq!(promoted, vec![tx(1, 3, 0).hash]);
        assert_eq!(pool.counts(), (1, 0));
    }
}
