//! One validator: simplex votes on block digests, marshal stores and orders the finalized
//! blocks (fetching missing ones from peers), buffered broadcast carries block bodies, and the
//! [`Finalizer`] hands each finalized block to the chain.
//!
//! Everything runs under one supervised task: aborting its handle stops the whole validator
//! (a crash, in tests), and a restart with the same storage partitions resumes from the
//! journals (simplex's votes, marshal's archives) and backfills what it missed.

use std::time::Duration;

use commonware_broadcast::buffered;
use commonware_consensus::marshal::standard::{Inline, Standard};
use commonware_consensus::marshal::{self, core::Actor as Marshal, resolver::p2p as backfill};
use commonware_consensus::simplex::config::{Floor, ForwardPolicy, SkipBudget, SkipPolicy};
use commonware_consensus::simplex::{self, elector::RoundRobin, scheme::ed25519};
use commonware_consensus::types::{Epoch, FixedEpocher, ViewDelta};
use commonware_cryptography::certificate::{ConstantProvider, Verifier as _};
use commonware_cryptography::ed25519::{PrivateKey, PublicKey};
use commonware_cryptography::{Digested, Sha256, Signer};
use commonware_p2p::{Blocker, Provider, Receiver, Sender};
use commonware_parallel::Sequential;
use commonware_runtime::buffer::paged::CacheRef;
use commonware_runtime::{Clock, Handle, Metrics, Quota, Spawner, Storage};
use commonware_storage::archive::immutable;
use commonware_utils::ordered::Set;
use commonware_utils::{NZDuration, NZU16, NZU32, NZU64, NZUsize};

use crate::app::{Application, Finalizer, Progress, Proposer};
use crate::block::Block;

/// The p2p channels a validator uses, by id.
pub mod channel {
    /// Votes (notarize, nullify, finalize).
    pub const VOTES: u64 = 0;
    /// Certificates (notarizations, nullifications, finalizations).
    pub const CERTIFICATES: u64 = 1;
    /// Simplex's fetching of missing certificates.
    pub const RESOLVER: u64 = 2;
    /// Marshal's backfill of finalized blocks.
    pub const BACKFILL: u64 = 3;
    /// Block bodies.
    pub const BLOCKS: u64 = 4;
}

/// The per-peer rate of every channel.
pub const QUOTA: Quota = Quota::per_second(NZU32!(1_024));

/// The largest p2p message (a block with its body, or a batch of votes).
pub const MAX_MESSAGE_BYTES: u32 = 12 << 20;

/// The five channel pairs of one validator, registered by the caller on its p2p stack.
pub struct Channels<S, R> {
    /// [`channel::VOTES`].
    pub votes: (S, R),
    /// [`channel::CERTIFICATES`].
    pub certificates: (S, R),
    /// [`channel::RESOLVER`].
    pub resolver: (S, R),
    /// [`channel::BACKFILL`].
    pub backfill: (S, R),
    /// [`channel::BLOCKS`].
    pub blocks: (S, R),
}

/// Timeouts of the voting rounds.
#[derive(Clone, Copy, Debug)]
pub struct Timeouts {
    /// How long to wait for the leader's proposal.
    pub leader: Duration,
    /// How long to wait for a proposal to be certified (more than `leader`).
    pub certification: Duration,
    /// How often to re-send a nullify while stuck.
    pub retry: Duration,
    /// After this long without progress, skip leaders that do not lead (more than the other
    /// two).
    pub skip: Duration,
}

impl Default for Timeouts {
    /// 1 s, 2 s, 10 s, 11 s: a view normally takes a few network round trips; a dead leader
    /// costs a second.
    fn default() -> Self {
        Timeouts {
            leader: Duration::from_secs(1),
            certification: Duration::from_secs(2),
            retry: Duration::from_secs(10),
            skip: Duration::from_secs(11),
        }
    }
}

/// What a validator needs to know.
#[derive(Clone, Debug)]
pub struct ValidatorConfig {
    /// The chain's consensus namespace (votes of another chain never count here).
    pub namespace: Vec<u8>,
    /// This validator's consensus key.
    pub signer: PrivateKey,
    /// Every validator's key (the authority set; one vote each).
    pub participants: Set<PublicKey>,
    /// The genesis block.
    pub genesis: Block,
    /// The prefix of this validator's storage partitions (keep it across restarts).
    pub partition_prefix: String,
    /// The voting timeouts.
    pub timeouts: Timeouts,
    /// The chain's block time: leaders propose a block at most this often.
    pub block_time: Duration,
    /// A full node: it follows (verifies votes and certificates, applies finalized blocks)
    /// but never votes; `signer` is then only its p2p identity.
    pub follower: bool,
}

/// Why a validator could not start.
#[derive(Debug, thiserror::Error)]
pub enum ConsensusError {
    /// The signer is not in the authority set.
    #[error("this validator's key {0} is not in the chain's authority set")]
    NotAValidator(String),
    /// The chain could not apply a finalized block (its state diverged, its database failed):
    /// the validator stopped.
    #[error(transparent)]
    Halted(#[from] crate::app::Halted),
    /// The consensus runtime's thread failed.
    #[error("the consensus runtime failed: {0}")]
    Thread(String),
    /// A journal or archive could not be opened.
    #[error("cannot open the consensus storage {partition}: {reason}")]
    Storage {
        /// Which one.
        partition: String,
        /// The storage's error.
        reason: String,
    },
}

fn archive_config<C>(
    prefix: &str,
    name: &str,
    page_cache: &CacheRef,
    codec_config: C,
) -> immutable::Config<C> {
    immutable::Config {
        metadata_partition: format!("{prefix}-{name}-metadata"),
        freezer_table_partition: format!("{prefix}-{name}-freezer-table"),
        freezer_table_initial_size: 64,
        freezer_table_resize_frequency: 10,
        freezer_table_resize_chunk_size: 10,
        freezer_key_partition: format!("{prefix}-{name}-freezer-key"),
        freezer_key_page_cache: page_cache.clone(),
        freezer_value_partition: format!("{prefix}-{name}-freezer-value"),
        freezer_value_target_size: 1 << 20,
        freezer_value_compression: None,
        ordinal_partition: format!("{prefix}-{name}-ordinal"),
        items_per_section: NZU64!(1024),
        codec_config,
        replay_buffer: NZUsize!(1 << 16),
        freezer_key_write_buffer: NZUsize!(1 << 16),
        freezer_value_write_buffer: NZUsize!(1 << 16),
        ordinal_write_buffer: NZUsize!(1 << 16),
    }
}

/// Starts a validator under `context` and returns its handle (its progress is in `progress`).
/// Generic over the runtime (commonware's tokio or deterministic) and the p2p stack
/// (authenticated or simulated).
pub fn start_validator<E, S, R, B, P, A>(
    context: E,
    config: ValidatorConfig,
    channels: Channels<S, R>,
    blocker: B,
    peers: P,
    app: A,
    progress: Progress,
) -> Handle<Result<(), ConsensusError>>
where
    E: Spawner + Clock + Storage + Metrics + rand_core_010::CryptoRng,
    S: Sender<PublicKey = PublicKey>,
    R: Receiver<PublicKey = PublicKey>,
    B: Blocker<PublicKey = PublicKey>,
    P: Provider<PublicKey = PublicKey>,
    A: Application,
{
    context.spawn(move |context| async move {
        let me = config.signer.public_key();
        let scheme = if config.follower {
            ed25519::Scheme::verifier(&config.namespace, config.participants.clone())
        } else {
            ed25519::Scheme::signer(
                &config.namespace,
                config.participants.clone(),
                config.signer.clone(),
            )
            .ok_or_else(|| ConsensusError::NotAValidator(me.to_string()))?
        };
        let Channels {
            votes,
            certificates,
            resolver,
            backfill: backfill_channel,
            blocks: blocks_channel,
        } = channels;
        let page_cache = CacheRef::new(NZU16!(1024), NZUsize!(64));
        let prefix = config.partition_prefix.clone();

        let backfill = backfill::init(
            context.child("backfill"),
            backfill::Config {
                public_key: me.clone(),
                peer_provider: peers.clone(),
                blocker: blocker.clone(),
                mailbox_size: NZUsize!(1024),
                fetch_timeout: NZDuration!(Duration::from_secs(2)),
                fetch_retry_delay: Duration::from_millis(100),
                priority_requests: false,
                priority_responses: false,
            },
            backfill_channel,
        );
        let (broadcast, buffer) = buffered::Engine::new(
            context.child("broadcast"),
            buffered::Config {
                public_key: me.clone(),
                mailbox_size: NZUsize!(1024),
                deque_size: 16,
                priority: false,
                codec_config: (),
                peer_provider: peers,
                strategy: Sequential,
            },
        );
        broadcast.start(blocks_channel);

        let storage_error = |partition: &str| {
            let partition = format!("{prefix}-{partition}");
            move |e: commonware_storage::archive::Error| ConsensusError::Storage {
                partition,
                reason: e.to_string(),
            }
        };
        let finalizations = immutable::Archive::init(
            context.child("finalizations"),
            archive_config(
                &prefix,
                "finalizations",
                &page_cache,
                ed25519::Scheme::certificate_codec_config_unbounded(),
            ),
        )
        .await
        .map_err(storage_error("finalizations"))?;
        let blocks = immutable::Archive::init(
            context.child("blocks"),
            archive_config(&prefix, "blocks", &page_cache, ()),
        )
        .await
        .map_err(storage_error("blocks"))?;

        // One epoch for the whole chain: the authority set is the chain spec's.
        let epocher = FixedEpocher::new(NZU64!(u64::MAX));
        let genesis_digest = config.genesis.digest();
        let (marshal, mailbox, _floor) = Marshal::<_, Standard<Block>, _, _, _, _, _, _>::init(
            context.child("marshal"),
            finalizations,
            blocks,
            marshal::Config {
                provider: ConstantProvider::new(scheme.clone()),
                epocher: epocher.clone(),
                start: marshal::Start::Genesis(Digested::precomputed(
                    config.genesis.clone(),
                    genesis_digest,
                )),
                partition_prefix: prefix.clone(),
                mailbox_size: NZUsize!(1024),
                view_retention: ViewDelta::new(10),
                prunable_items_per_section: NZU64!(1024),
                page_cache: page_cache.clone(),
                replay_buffer: NZUsize!(1 << 16),
                key_write_buffer: NZUsize!(1 << 16),
                value_write_buffer: NZUsize!(1 << 16),
                block_codec_config: (),
                max_repair: NZUsize!(16),
                max_pending_acks: NZUsize!(1),
                strategy: Sequential,
            },
        )
        .await;
        let (finalizer, halted) =
            Finalizer::start(context.child("finalizer"), app.clone(), progress);
        marshal.start(finalizer, buffer, backfill);

        let wrapper = Inline::new(
            context.child("inline"),
            Proposer::new(app, config.block_time),
            mailbox,
            epocher,
        );
        let t = config.timeouts;
        let engine = simplex::Engine::new(
            context.child("simplex"),
            simplex::Config {
                scheme,
                elector: RoundRobin::<Sha256>::default(),
                blocker,
                automaton: wrapper.clone(),
                relay: wrapper.clone(),
                reporter: wrapper,
                strategy: Sequential,
                partition: format!("{prefix}-simplex"),
                mailbox_size: NZUsize!(1024),
                epoch: Epoch::zero(),
                floor: Floor::Genesis(genesis_digest),
                replay_buffer: NZUsize!(1 << 20),
                write_buffer: NZUsize!(1 << 20),
                page_cache,
                leader_timeout: t.leader,
                certification_timeout: t.certification,
                timeout_retry: t.retry,
                view_retention: ViewDelta::new(10),
                skip: SkipPolicy::Enabled {
                    timeout: t.skip,
                    budget: SkipBudget::Participants,
                },
                fetch_timeout: NZDuration!(Duration::from_secs(1)),
                fetch_retry_delay: Duration::from_millis(100),
                forward: ForwardPolicy::Disabled,
                track_historical_votes: false,
            },
        );
        // Every actor is a child of this task: while it waits the validator runs, and when it
        // returns (the chain halted) supervision stops them all, so a node that cannot follow
        // the chain neither votes nor nullifies any more.
        let engine = engine.start(votes, certificates, resolver);
        match futures::future::select(engine, halted).await {
            futures::future::Either::Right((Ok(halted), _)) => Err(ConsensusError::Halted(halted)),
            _ => Ok(()),
        }
    })
}
