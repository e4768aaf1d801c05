//! The chain's side of BFT consensus, without the engine: two nodes' chains (each its own
//! database) answer the requests simplex makes. A leader proposes on the finalized head and on
//! a block that is only notarized (a speculative state); another node verifies both by
//! re-executing them; both apply them when final and reach the same state. Blocks that lie
//! (a wrong state root, a timestamp that is not the consensus block's) are refused, and a node
//! asked to apply one stops with "state root mismatch" instead of following. A restarted
//! node rebuilds its finalized head's consensus digest from its database.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use codec::{Decode, Encode};
use cortex_consensus::Block;
use cortex_node::bft::{ConsensusRequest, consensus_genesis};
use cortex_node::chain::{Chain, Request};
use cortex_node::header::Header;
use cortex_node::metrics::Metrics;
use cortex_node::pool::PoolLimits;
use cortex_primitives::{AccountId32, Sr25519Pair};
use cortex_runtime::types::{BalancesCall, MultiAddress, RuntimeCall};
use cortex_runtime::{
    AdditionalSigned, CheckContext, Era, GenesisConfig, Runtime, SignedExtra, UncheckedExtrinsic,
    check_signature, extrinsic_hash,
};
use cortex_store::Store;
use std::sync::Arc;
use tokio::sync::oneshot;

const NAMESPACE: &[u8] = b"cortex-test-bft";

struct Node {
    chain: Chain,
    _dir: Option<tempfile::TempDir>,
}

fn open(path: &std::path::Path) -> Chain {
    let store = Arc::new(Store::open(&path.join("db.redb"), cortex_store::ARCHIVE).unwrap());
    let genesis = GenesisConfig::dev().unwrap();
    let mut chain = Chain::open(
        store,
        &genesis,
        None,
        PoolLimits::default(),
        Arc::new(Metrics::new()),
        Arc::new(Runtime::new(250)),
    )
    .unwrap();
    let g = consensus_genesis(NAMESPACE, &chain.genesis_hash());
    chain.follow(g).unwrap();
    chain
}

fn node() -> Node {
    let dir = tempfile::tempdir().unwrap();
    Node {
        chain: open(dir.path()),
        _dir: Some(dir),
    }
}

fn ask<T>(chain: &mut Chain, make: impl FnOnce(oneshot::Sender<T>) -> ConsensusRequest) -> T {
    let (reply, answer) = oneshot::channel();
    chain.handle(Request::Consensus(Box::new(make(reply))));
    answer.blocking_recv().unwrap()
}

fn propose(chain: &mut Chain, parent: &Block, timestamp_ms: u64) -> Block {
    let body = ask(chain, |reply| ConsensusRequest::Propose {
        parent: parent.clone(),
        timestamp_ms,
        reply,
    })
    .expect("the leader can build on this parent");
    Block {
        parent: parent.digest(),
        height: parent.height + 1,
        timestamp_ms,
        body,
    }
}

fn verify(chain: &mut Chain, parent: &Block, block: &Block) -> bool {
    ask(chain, |reply| ConsensusRequest::Verify {
        parent: parent.clone(),
        block: block.clone(),
        reply,
    })
}

fn finalize(chain: &mut Chain, block: &Block) -> Result<(), String> {
    ask(chain, |reply| ConsensusRequest::Finalize {
        block: block.clone(),
        reply,
    })
}

struct Immortal([u8; 32]);

impl CheckContext for Immortal {
    fn current_block(&self) -> u64 {
        1
    }
    fn genesis_hash(&self) -> [u8; 32] {
        self.0
    }
    fn block_hash(&self, _: u64) -> Option<[u8; 32]> {
        None
    }
}

/// Signs a transfer from //Alice and puts it in `chain`'s pool, as a submission would.
fn submit(chain: &mut Chain, to: AccountId32, nonce: u32) {
    let genesis = chain.genesis_hash();
    let alice = Sr25519Pair::from_uri("//Alice").unwrap();
    let bytes = UncheckedExtrinsic::sign_sr25519(
        RuntimeCall::Balances(BalancesCall::transfer_keep_alive {
            dest: MultiAddress::Id(to),
            value: 5_000,
        }),
        &alice,
        SignedExtra::new(Era::Immortal, nonce),
        &AdditionalSigned::new(Era::Immortal, genesis, genesis),
    )
    .to_bytes();
    let xt = UncheckedExtrinsic::decode_bytes(&bytes).unwrap();
    let checked = check_signature(&xt, &Immortal(genesis)).unwrap().unwrap();
    let (reply, answer) = oneshot::channel();
    chain.handle(Request::Submit {
        xt: Box::new(xt),
        checked,
        hash: extrinsic_hash(&bytes),
        bytes: Arc::new(bytes),
        watcher: None,
        reply,
    });
    answer.blocking_recv().unwrap().unwrap();
}

fn split(block: &Block) -> (Header, Vec<Vec<u8>>) {
    <(Header, Vec<Vec<u8>>)>::decode(&mut &block.body[..]).unwrap()
}

#[test]
fn a_leader_proposes_on_notarized_blocks_and_every_node_applies_the_same_chain() {
    let (mut leader, mut other) = (node(), node());
    let genesis = consensus_genesis(NAMESPACE, &leader.chain.genesis_hash());
    let bob = Sr25519Pair::from_uri("//Bob").unwrap().public();
    submit(&mut leader.chain, bob, 0);
    let b1 = propose(&mut leader.chain, &genesis, 1_000);
    let (h1, x1) = split(&b1);
    assert_eq!(x1.len(), 2, "the timestamp inherent and the transfer");
    assert_eq!(h1.parent_hash, leader.chain.genesis_hash());

    // Block 2 on block 1, which is not final yet: the leader builds on its speculative state,
    // so the next nonce applies and the first transfer is not repeated.
    submit(&mut leader.chain, bob, 1);
    let b2 = propose(&mut leader.chain, &b1, 1_250);
    assert_eq!(split(&b2).1.len(), 2);

    // The other node has neither transaction in its pool: it checks their signatures and
    // re-executes both blocks, the second on the first's speculative state.
    assert!(verify(&mut other.chain, &genesis, &b1));
    assert!(verify(&mut other.chain, &b1, &b2));
    // Verification changed nothing final.
    assert_eq!(other.chain.head().header.number(), 0);

    for n in [&mut leader, &mut other] {
        finalize(&mut n.chain, &b1).unwrap();
        finalize(&mut n.chain, &b2).unwrap();
    }
    assert_eq!(leader.chain.head().hash, other.chain.head().hash);
    assert_eq!(leader.chain.head().header.number(), 2);
    let root = leader.chain.head().header.state_root;
    assert_eq!(other.chain.head().header.state_root, root);
}

#[test]
fn blocks_that_lie_are_refused_and_applying_one_stops_the_node() {
    let (mut leader, mut other) = (node(), node());
    let genesis = consensus_genesis(NAMESPACE, &leader.chain.genesis_hash());
    let bob = Sr25519Pair::from_uri("//Bob").unwrap().public();
    submit(&mut leader.chain, bob, 0);
    let honest = propose(&mut leader.chain, &genesis, 1_000);

    // A header claiming another state root.
    let (mut header, extrinsics) = split(&honest);
    header.state_root[0] ^= 1;
    let lying = Block {
        body: (&header, &extrinsics).encode(),
        ..honest.clone()
    };
    assert!(!verify(&mut other.chain, &genesis, &lying));
    // A consensus timestamp that is not the one the header and the inherent carry.
    let restamped = Block {
        timestamp_ms: 2_000,
        ..honest.clone()
    };
    assert!(!verify(&mut other.chain, &genesis, &restamped));
    // A parent this node does not know.
    assert!(!verify(&mut other.chain, &honest, &honest));

    // Told the lying block is final (a fork of the engine, a bug), the node refuses to apply
    // it, names why, and keeps its state.
    let err = finalize(&mut other.chain, &lying).unwrap_err();
    assert!(err.contains("state root mismatch"), "{err}");
    assert_eq!(other.chain.head().header.number(), 0);
    // The honest block still applies afterwards: the refusal left the state untouched.
    finalize(&mut other.chain, &honest).unwrap();
    finalize(&mut leader.chain, &honest).unwrap();
    assert_eq!(other.chain.head().hash, leader.chain.head().hash);
    // A block that does not extend the head is refused too.
    let err = finalize(&mut other.chain, &honest).unwrap_err();
    assert!(err.contains("does not extend"), "{err}");
}

#[test]
fn a_restarted_node_knows_its_finalized_blocks_consensus_digests() {
    let dir = tempfile::tempdir().unwrap();
    let mut chain = open(dir.path());
    let genesis = consensus_genesis(NAMESPACE, &chain.genesis_hash());
    let b1 = propose(&mut chain, &genesis, 1_000);
    finalize(&mut chain, &b1).unwrap();
    let b2 = propose(&mut chain, &b1, 1_250);
    finalize(&mut chain, &b2).unwrap();
    drop(chain);

    let mut chain = open(dir.path());
    assert_eq!(
        ask(&mut chain, |reply| ConsensusRequest::FinalizedHeight {
            reply
        }),
        2
    );
    for (height, block) in [(0, &genesis), (1, &b1), (2, &b2)] {
        let digest = ask(&mut chain, |reply| ConsensusRequest::FinalizedDigest {
            height,
            reply,
        });
        assert_eq!(digest, Some(block.digest()), "height {height}");
    }
    assert_eq!(
        ask(&mut chain, |reply| ConsensusRequest::FinalizedDigest {
            height: 3,
            reply
        }),
        None
    );
    // It builds on its head after the restart.
    let b3 = propose(&mut chain, &b2, 1_500);
    finalize(&mut chain, &b3).unwrap();
}
