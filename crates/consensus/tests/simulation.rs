//! Four validators on commonware's deterministic runtime and simulated network, running the
//! real engine (simplex, marshal, broadcast, backfill) over an application that checks state
//! roots the way the chain does: every block carries its proposer's post-state root, every
//! validator recomputes it when verifying and again when applying the finalized block.
//!
//! The scenarios: a crash and restart (the restarted validator backfills and catches up), a
//! 2–2 partition (no quorum, no progress; the heal resumes it), an equivocating validator
//! (commonware's conflicter mock: the honest three finalize and agree), and a validator whose
//! state diverges (it stops, naming the block). Seeds are fixed, so a failure reproduces; the
//! same seed gives the same execution (the runtime's auditor digest).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::needless_range_loop
)]

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use commonware_consensus::simplex::mocks::conflicter;
use commonware_consensus::simplex::scheme::ed25519;
use commonware_cryptography::ed25519::{PrivateKey, PublicKey};
use commonware_cryptography::sha256::Digest;
use commonware_cryptography::{Hasher, Sha256, Signer};
use commonware_p2p::simulated::{self, Link, Network, Oracle};
use commonware_runtime::{Clock, Handle, Runner, Supervisor, deterministic};
use commonware_utils::ordered::Set;
use commonware_utils::{NZUsize, probability};
use cortex_consensus::validator::{MAX_MESSAGE_BYTES, QUOTA, channel};
use cortex_consensus::{
    Application, Block, Channels, ConsensusError, Progress, Timeouts, ValidatorConfig,
    start_validator,
};

const NAMESPACE: &[u8] = b"cortex-test-chain";
const N: usize = 4;

/// The transactions on the chain ending at each post-state root.
type Chains = HashMap<[u8; 32], BTreeSet<[u8; 8]>>;

/// Transactions waiting, shared by every validator (as if gossiped).
#[derive(Clone, Default)]
struct Mempool(Arc<Mutex<Vec<[u8; 8]>>>);

/// The test chain: a block's body is its post-state root (32 bytes) then 8-byte
/// transactions; the state root is a hash chain over the transactions. A transaction already
/// on a block's chain is invalid in it (the real chain's nonces do the same), so proposals on
/// a parent that is not final yet do not repeat the parent's transactions.
#[derive(Clone)]
struct Ledger {
    pool: Mempool,
    /// The root this validator's applied state has, and the transactions applied.
    state: Arc<Mutex<([u8; 32], u64)>>,
    /// The transactions on the chain ending at each post-state root this validator has seen
    /// (speculative states, as the real chain keeps for notarized blocks).
    chains: Arc<Mutex<Chains>>,
    /// A faulty executor computes roots with this salt (an honest one with none).
    salt: Option<u8>,
    /// The digests of the blocks applied, genesis first (the chain's database: it survives a
    /// crash of the validator).
    finalized: Arc<Mutex<Vec<Digest>>>,
}

impl Ledger {
    fn new(pool: Mempool, salt: Option<u8>) -> Ledger {
        let chains = HashMap::from([(genesis_root(), BTreeSet::new())]);
        Ledger {
            pool,
            state: Arc::new(Mutex::new((genesis_root(), 0))),
            chains: Arc::new(Mutex::new(chains)),
            salt,
            finalized: Arc::new(Mutex::new(vec![genesis_block().digest()])),
        }
    }

    /// The transactions on the chain ending at `root`, if this validator knows that state.
    fn chain(&self, root: &[u8; 32]) -> Option<BTreeSet<[u8; 8]>> {
        self.chains.lock().unwrap().get(root).cloned()
    }

    fn remember(&self, root: [u8; 32], mut chain: BTreeSet<[u8; 8]>, txs: &[u8]) {
        chain.extend(txs.chunks(8).map(|c| <[u8; 8]>::try_from(c).unwrap()));
        self.chains.lock().unwrap().insert(root, chain);
    }

    fn execute(&self, parent_root: [u8; 32], txs: &[u8]) -> [u8; 32] {
        let salt = [self.salt.unwrap_or(0)];
        let parts: Vec<&[u8]> = if self.salt.is_some() {
            vec![&parent_root, txs, &salt]
        } else {
            vec![&parent_root, txs]
        };
        let d = Sha256::hash(&parts);
        d.as_ref().try_into().unwrap()
    }

    fn applied(&self) -> u64 {
        self.state.lock().unwrap().1
    }
}

fn genesis_block() -> Block {
    Block::genesis(b"test-genesis-state")
}

fn genesis_root() -> [u8; 32] {
    genesis_block().digest().as_ref().try_into().unwrap()
}

/// The post-state root a block claims (genesis: the genesis root).
fn claimed_root(block: &Block) -> Option<[u8; 32]> {
    if block.height == 0 {
        return Some(genesis_root());
    }
    block.body.get(..32)?.try_into().ok()
}

impl Application for Ledger {
    async fn propose(&self, parent: &Block, _timestamp_ms: u64) -> Option<Vec<u8>> {
        let parent_root = claimed_root(parent)?;
        let on_chain = self.chain(&parent_root)?;
        let txs: Vec<u8> = self
            .pool
            .0
            .lock()
            .unwrap()
            .iter()
            .filter(|tx| !on_chain.contains(*tx))
            .take(16)
            .flatten()
            .copied()
            .collect();
        let root = self.execute(parent_root, &txs);
        self.remember(root, on_chain, &txs);
        let mut body = root.to_vec();
        body.extend_from_slice(&txs);
        Some(body)
    }

    async fn verify(&self, parent: &Block, block: &Block) -> bool {
        let (Some(parent_root), Some(root)) = (claimed_root(parent), claimed_root(block)) else {
            return false;
        };
        let Some(on_chain) = self.chain(&parent_root) else {
            return false;
        };
        let txs = &block.body[32..];
        let fresh = txs.chunks(8).all(|c| !on_chain.contains(c));
        let valid = txs.len().is_multiple_of(8) && fresh && self.execute(parent_root, txs) == root;
        if valid {
            self.remember(root, on_chain, txs);
        }
        valid
    }

    async fn finalize(&self, block: &Block) -> Result<(), String> {
        let claimed = claimed_root(block).ok_or("no state root in the body")?;
        let txs = &block.body[32..];
        let mut state = self.state.lock().unwrap();
        let mine = self.execute(state.0, txs);
        if mine != claimed {
            return Err(format!(
                "state root mismatch: the block says {}, this node computed {}",
                hex(&claimed),
                hex(&mine)
            ));
        }
        let chain = self.chain(&state.0).unwrap_or_default();
        *state = (mine, state.1 + (txs.len() / 8) as u64);
        drop(state);
        // A validator that backfilled this block never verified it: it learns its chain here.
        self.remember(mine, chain, txs);
        let mut pool = self.pool.0.lock().unwrap();
        pool.retain(|tx| !txs.chunks(8).any(|c| c == tx));
        self.finalized.lock().unwrap().push(block.digest());
        Ok(())
    }

    async fn finalized_height(&self) -> u64 {
        (self.finalized.lock().unwrap().len() - 1) as u64
    }

    async fn finalized_digest(&self, height: u64) -> Option<Digest> {
        self.finalized.lock().unwrap().get(height as usize).copied()
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

struct Cluster {
    signers: Vec<PrivateKey>,
    participants: Set<PublicKey>,
    peers: Vec<PublicKey>,
    oracle: Oracle<PublicKey, deterministic::Context>,
}

async fn cluster(context: &deterministic::Context) -> Cluster {
    let signers: Vec<PrivateKey> = (0..N as u64).map(PrivateKey::from_seed).collect();
    let participants = Set::from_iter_dedup(signers.iter().map(|s| s.public_key()));
    let peers: Vec<PublicKey> = participants.iter().cloned().collect();
    let (network, oracle) = Network::new_with_peers(
        context.child("network"),
        simulated::Config {
            max_size: MAX_MESSAGE_BYTES,
            max_peers_per_set: NZUsize!(N),
            disconnect_on_block: true,
            tracked_peer_sets: NZUsize!(1),
        },
        peers.clone(),
    )
    .await;
    network.start();
    let c = Cluster {
        signers,
        participants,
        peers,
        oracle,
    };
    link(&c, |_, _| true, true).await;
    c
}

/// Adds (or removes) the links between the pairs `pick` selects, both directions.
async fn link(c: &Cluster, pick: impl Fn(usize, usize) -> bool, add: bool) {
    let l = Link {
        latency: Duration::from_millis(40),
        jitter: Duration::from_millis(10),
        success_rate: probability!(1.0),
    };
    for (i, a) in c.peers.iter().enumerate() {
        for (j, b) in c.peers.iter().enumerate() {
            if i != j && pick(i, j) {
                if add {
                    c.oracle
                        .add_link(a.clone(), b.clone(), l.clone())
                        .await
                        .unwrap();
                } else {
                    c.oracle.remove_link(a.clone(), b.clone()).await.unwrap();
                }
            }
        }
    }
}

async fn start(
    context: deterministic::Context,
    c: &Cluster,
    index: usize,
    app: Ledger,
    progress: Progress,
) -> Handle<Result<(), ConsensusError>> {
    let signer = c.signers[index].clone();
    let control = c.oracle.control(signer.public_key());
    let channels = Channels {
        votes: control.register(channel::VOTES, QUOTA).await.unwrap(),
        certificates: control
            .register(channel::CERTIFICATES, QUOTA)
            .await
            .unwrap(),
        resolver: control.register(channel::RESOLVER, QUOTA).await.unwrap(),
        backfill: control.register(channel::BACKFILL, QUOTA).await.unwrap(),
        blocks: control.register(channel::BLOCKS, QUOTA).await.unwrap(),
    };
    let config = ValidatorConfig {
        namespace: NAMESPACE.to_vec(),
        signer: signer.clone(),
        participants: c.participants.clone(),
        genesis: genesis_block(),
        partition_prefix: format!("validator{index}"),
        timeouts: Timeouts::default(),
        block_time: Duration::from_millis(250),
        follower: false,
    };
    start_validator(
        context,
        config,
        channels,
        control.clone(),
        c.oracle.manager(),
        app,
        progress,
    )
}

async fn wait_all(context: &impl Clock, nodes: &[&Progress], height: u64) {
    while nodes.iter().any(|n| n.height() < height) {
        context.sleep(Duration::from_millis(100)).await;
    }
}

/// Every pair of validators has the same block at every height both hold.
fn agree(nodes: &[&Progress]) {
    let top = nodes.iter().map(|n| n.height()).min().unwrap();
    for h in 0..=top {
        let first = nodes[0].digest_at(h);
        for n in &nodes[1..] {
            assert_eq!(n.digest_at(h), first, "fork at height {h}");
        }
    }
}

fn crash_partition_heal(seed: u64) -> (Vec<u64>, String) {
    let runner = deterministic::Runner::new(
        deterministic::Config::new()
            .with_seed(seed)
            .with_timeout(Some(Duration::from_secs(900))),
    );
    runner.start(|context| async move {
        let c = cluster(&context).await;
        let pool = Mempool::default();
        let progress: Vec<Progress> = (0..N).map(|_| Progress::default()).collect();
        let ledgers: Vec<Ledger> = (0..N).map(|_| Ledger::new(pool.clone(), None)).collect();
        let mut handles = Vec::new();
        for i in 0..N {
            handles.push(
                start(
                    context.child("validator").with_attribute("index", i),
                    &c,
                    i,
                    ledgers[i].clone(),
                    progress[i].clone(),
                )
                .await,
            );
        }
        let all: Vec<&Progress> = progress.iter().collect();

        // Transactions submitted while the chain runs are included and applied everywhere.
        for t in 0..40u64 {
            pool.0.lock().unwrap().push(t.to_be_bytes());
        }
        wait_all(&context, &all, 15).await;

        // A crash: the other three go on; the restarted one catches up from its peers.
        let crashed = handles.pop().unwrap();
        crashed.abort();
        let _ = crashed.await;
        let target = progress[0].height() + 10;
        wait_all(&context, &all[..3], target).await;
        let behind = progress[3].height();
        assert!(behind < target, "the crashed validator stopped at {behind}");
        handles.push(
            start(
                context.child("restarted").with_attribute("index", 3),
                &c,
                3,
                ledgers[3].clone(),
                progress[3].clone(),
            )
            .await,
        );
        let target = progress[0].height() + 5;
        wait_all(&context, &all, target).await;

        // A 2–2 partition: neither side has a quorum, so nothing is finalized until it heals.
        link(&c, |i, j| (i < 2) != (j < 2), false).await;
        context.sleep(Duration::from_secs(5)).await;
        let frozen = progress.iter().map(|p| p.height()).max().unwrap();
        context.sleep(Duration::from_secs(30)).await;
        assert_eq!(
            progress.iter().map(|p| p.height()).max().unwrap(),
            frozen,
            "finality without a quorum"
        );
        link(&c, |i, j| (i < 2) != (j < 2), true).await;
        wait_all(&context, &all, frozen + 10).await;

        agree(&all);
        // Each validator recomputed every finalized block's state root and found the one the
        // block claims (else it would have halted): same blocks, same states.
        for (i, l) in ledgers.iter().enumerate() {
            assert_eq!(
                l.applied(),
                40,
                "validator {i} applied every transaction once"
            );
        }
        assert!(progress.iter().all(|p| p.halted().is_none()));
        let heights = progress.iter().map(|p| p.height()).collect();
        (heights, context.auditor().state().to_string())
    })
}

#[test]
fn four_validators_agree_through_a_crash_a_restart_and_a_partition() {
    let (heights, audit) = crash_partition_heal(42);
    assert!(heights.iter().all(|h| *h >= 30), "{heights:?}");
    // The same seed replays the same execution.
    let (again, audit_again) = crash_partition_heal(42);
    assert_eq!((heights, audit), (again, audit_again));
}

#[test]
fn an_equivocating_validator_cannot_stop_or_fork_the_honest_ones() {
    let runner = deterministic::Runner::new(
        deterministic::Config::new()
            .with_seed(7)
            .with_timeout(Some(Duration::from_secs(600))),
    );
    runner.start(|context| async move {
        let c = cluster(&context).await;
        let pool = Mempool::default();
        // Validator 0 is commonware's conflicter: conflicting votes for every proposal.
        let byzantine = c.signers[0].clone();
        let scheme =
            ed25519::Scheme::signer(NAMESPACE, c.participants.clone(), byzantine.clone()).unwrap();
        let votes = c
            .oracle
            .control(byzantine.public_key())
            .register(channel::VOTES, QUOTA)
            .await
            .unwrap();
        conflicter::Conflicter::<_, _, Sha256>::new(
            context.child("byzantine"),
            conflicter::Config { scheme },
        )
        .start(votes);
        let progress: Vec<Progress> = (0..N).map(|_| Progress::default()).collect();
        for i in 1..N {
            start(
                context.child("validator").with_attribute("index", i),
                &c,
                i,
                Ledger::new(pool.clone(), None),
                progress[i].clone(),
            )
            .await;
        }
        let honest: Vec<&Progress> = progress[1..].iter().collect();
        wait_all(&context, &honest, 20).await;
        agree(&honest);
        // The honest validators block the equivocator, and nobody else.
        let blocked = c.oracle.blocked().await.unwrap();
        assert!(!blocked.is_empty(), "the equivocation went unnoticed");
        assert!(
            blocked.iter().all(|(_, b)| *b == byzantine.public_key()),
            "{blocked:?}"
        );
    });
}

#[test]
fn a_validator_whose_state_diverges_stops_and_names_the_block() {
    let runner = deterministic::Runner::new(
        deterministic::Config::new()
            .with_seed(3)
            .with_timeout(Some(Duration::from_secs(600))),
    );
    runner.start(|context| async move {
        let c = cluster(&context).await;
        let pool = Mempool::default();
        pool.0.lock().unwrap().push(*b"transfer");
        let progress: Vec<Progress> = (0..N).map(|_| Progress::default()).collect();
        let mut handles = Vec::new();
        for i in 0..N {
            // Validator 3 executes differently (a bug, a corrupted state).
            let salt = (i == 3).then_some(1);
            handles.push(
                start(
                    context.child("validator").with_attribute("index", i),
                    &c,
                    i,
                    Ledger::new(pool.clone(), salt),
                    progress[i].clone(),
                )
                .await,
            );
        }
        let honest: Vec<&Progress> = progress[..3].iter().collect();
        wait_all(&context, &honest, 10).await;
        agree(&honest);
        // The honest three never needed it; it stopped at the first block and says which.
        let halted = loop {
            if let Some(h) = progress[3].halted() {
                break h;
            }
            context.sleep(Duration::from_millis(100)).await;
        };
        assert_eq!(halted.height, 1, "{halted}");
        assert_eq!(
            Some(halted.digest.clone()),
            progress[0].digest_at(1).map(|d| hex(d.as_ref()))
        );
        assert!(
            halted.to_string().contains("state root mismatch"),
            "{halted}"
        );
        assert_eq!(
            progress[3].height(),
            0,
            "nothing past the divergence was applied"
        );
        // The whole validator stopped (simplex too: it votes and nullifies no more), and its
        // handle says why.
        match handles.pop().unwrap().await {
            Ok(Err(ConsensusError::Halted(h))) => assert_eq!(h, halted),
            other => panic!("the diverging validator did not stop on its halt: {other:?}"),
        }
    });
}
