//! The chain: one thread owns the runtime state, the transaction pool and the database writer,
//! and produces blocks; everyone else talks to it through [`Request`]s and reads committed blocks
//! and states from the database.
//!
//! Owning the state on one thread keeps block production free of locks and makes its order the
//! only order: a submission is validated against the state of the head it arrives after, and a
//! block is announced (head subscriptions, `inBlock`/`finalized`) only after its database commit
//! returned, so a client never hears of a block a crash could lose.
//!
//! The dev chain has a single author and instant finality: every block is final when committed.

use crate::header::{Header, extrinsics_root};
use crate::metrics::Metrics;
use crate::pool::{Pool, PoolError, PoolLimits, PoolTx, TxStatus};
use crate::shield::{ChainCheckContext, ShieldKeys};
use codec::Compact;
use cortex_primitives::AccountId32;
use cortex_runtime::types::{DispatchError, MevShieldCall, RuntimeCall, TokenError};
use cortex_runtime::{
    CheckedSigned, GenesisConfig, InvalidTransaction, Runtime, RuntimeApiError, Storage,
    TransactionValidityError, UncheckedExtrinsic, check_signature, extrinsic_hash,
};
use cortex_store::{NewBlock, Store, StoreError};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::sync::{broadcast, oneshot};

/// When blocks are made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockTime {
    /// One block every interval, transactions or not.
    Every(Duration),
    /// A block as soon as a transaction is ready (none otherwise).
    Instant,
}

/// The most signed extrinsics in one block (bounds a block's time and size).
pub const MAX_BLOCK_EXTRINSICS: usize = 16_384;
/// The most extrinsic bytes in one block (Substrate's 5 MiB block length, Normal class share).
pub const MAX_BLOCK_BYTES: usize = 3_932_160;

/// A transaction rejected at submission.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SubmitError {
    /// Invalid against the head state.
    #[error(transparent)]
    Invalid(#[from] InvalidTransaction),
    /// Refused by the pool.
    #[error(transparent)]
    Pool(#[from] PoolError),
    /// Unsigned extrinsics are only the block author's (inherents).
    #[error("unsigned extrinsics are not accepted from outside; sign the transaction")]
    Unsigned,
    /// The node is stopping.
    #[error("the node is shutting down")]
    ShuttingDown,
}

/// A request to the chain thread.
pub enum Request {
    /// Validate a signature-checked extrinsic and add it to the pool.
    Submit {
        /// The decoded extrinsic (boxed: calls are large and most requests are not).
        xt: Box<UncheckedExtrinsic>,
        /// What its signature check established.
        checked: CheckedSigned,
        /// Its encoding.
        bytes: Arc<Vec<u8>>,
        /// Its hash.
        hash: [u8; 32],
        /// Where to send its status updates.
        watcher: Option<tokio::sync::mpsc::UnboundedSender<TxStatus>>,
        /// The answer.
        reply: oneshot::Sender<Result<[u8; 32], SubmitError>>,
    },
    /// Answer a runtime API at a block (`None`: the head).
    RuntimeApi {
        /// `<Api>_<method>`.
        method: String,
        /// SCALE input.
        input: Vec<u8>,
        /// Block number.
        at: Option<u32>,
        /// The answer.
        reply: oneshot::Sender<Result<Vec<u8>, ApiCallError>>,
    },
    /// The next nonce of an account, counting the pool.
    NextIndex {
        /// The account.
        who: AccountId32,
        /// The answer.
        reply: oneshot::Sender<u32>,
    },
    /// The pool's extrinsics.
    Pending {
        /// The answer.
        reply: oneshot::Sender<Vec<Arc<Vec<u8>>>>,
    },
    /// A BFT engine's request (propose, verify, finalize).
    Consensus(Box<crate::bft::ConsensusRequest>),
    /// Stop the chain thread (the node is shutting down). Needed because the thread itself
    /// holds a sender through [`Shared`], so the channel never closes on its own.
    Stop,
}

/// Why a runtime-API call failed.
#[derive(Debug, thiserror::Error)]
pub enum ApiCallError {
    /// The method failed.
    #[error(transparent)]
    Api(#[from] RuntimeApiError),
    /// The block's state is not readable.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The head as readers see it.
#[derive(Clone, Debug)]
pub struct Head {
    /// The header.
    pub header: Header,
    /// Its hash.
    pub hash: [u8; 32],
}

/// What the RPC side shares with the chain thread.
pub struct Shared {
    /// The database (readers open their own snapshots).
    pub store: Arc<Store>,
    /// The genesis hash.
    pub genesis_hash: [u8; 32],
    /// The head (= the finalized head on the dev chain).
    pub head: RwLock<Head>,
    /// New heads, announced after their commit.
    pub heads: broadcast::Sender<Head>,
    /// Requests to the chain thread.
    pub requests: Sender<Request>,
    /// Metrics.
    pub metrics: Arc<Metrics>,
    /// Metadata and API ids.
    pub runtime: Arc<Runtime>,
    /// Under a BFT engine: accepted submissions, to gossip to the other validators.
    pub gossip: std::sync::OnceLock<tokio::sync::mpsc::Sender<Arc<Vec<u8>>>>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("genesis_hash", &self.genesis_hash)
            .finish()
    }
}

impl Shared {
    /// The current head.
    pub fn head(&self) -> Head {
        match self.head.read() {
            Ok(h) => h.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }
}

/// Why the chain could not start.
#[derive(Debug, thiserror::Error)]
pub enum ChainError {
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The genesis could not be built.
    #[error("cannot build the genesis state: {0}")]
    Genesis(String),
    /// The database holds another chain.
    #[error(
        "the database holds a chain with genesis {found}, but this node's genesis is {expected}; use another --base-path"
    )]
    WrongChain {
        /// The stored genesis hash.
        found: String,
        /// This node's.
        expected: String,
    },
    /// A stored header does not decode.
    #[error("the stored header of block {0} does not decode; the database is corrupt")]
    BadHeader(u32),
}

/// The chain thread's state.
pub struct Chain {
    pub(crate) state: Storage,
    pub(crate) store: Arc<Store>,
    pub(crate) pool: Pool,
    pub(crate) head: Head,
    pub(crate) author: Option<AccountId32>,
    pub(crate) genesis_hash: [u8; 32],
    pub(crate) metrics: Arc<Metrics>,
    pub(crate) runtime: Arc<Runtime>,
    /// The author's MEV-shield key pair (`None`: no shield, `NextKey` stays empty).
    pub(crate) shield: Option<ShieldKeys>,
    /// The author's reports on carriers of the last block, for the next block.
    shield_reports: Vec<MevShieldCall>,
    /// Under a BFT engine: the finalized head's consensus digest and the blocks above it.
    pub(crate) bft: Option<crate::bft::Bft>,
    /// A head finalized by the engine, for the run loop to announce.
    pub(crate) announce: Option<Head>,
}

/// The genesis header of `state`.
fn genesis_header(state: &Storage) -> Header {
    Header {
        parent_hash: [0; 32],
        number: Compact(0),
        state_root: state.root(),
        extrinsics_root: extrinsics_root(&[]),
        digest: Vec::new(),
    }
}

impl Chain {
    /// Opens the chain in `store`: writes the genesis block if the database is empty, else
    /// resumes from its head (after checking it is the same chain).
    pub fn open(
        store: Arc<Store>,
        genesis: &GenesisConfig,
        author: Option<AccountId32>,
        limits: PoolLimits,
        metrics: Arc<Metrics>,
        runtime: Arc<Runtime>,
    ) -> Result<Chain, ChainError> {
        let genesis_state = runtime
            .genesis(genesis)
            .map_err(|e| ChainError::Genesis(e.to_string()))?;
        let genesis = genesis_header(&genesis_state);
        let genesis_hash = genesis.hash();
        let (state, head) = match store.head()? {
            None => {
                let changes = genesis_state
                    .committed()
                    .iter()
                    .map(|(k, v)| (k.clone(), (None, Some(v.clone()))))
                    .collect();
                store.commit_block(&NewBlock {
                    number: 0,
                    hash: genesis_hash,
                    header: &codec::Encode::encode(&genesis),
                    extrinsics: &[],
                    changes: &changes,
                })?;
                (
                    genesis_state,
                    Head {
                        hash: genesis_hash,
                        header: genesis,
                    },
                )
            }
            Some(number) => {
                let stored_genesis = read_header(&store, 0)?;
                if stored_genesis.hash() != genesis_hash {
                    return Err(ChainError::WrongChain {
                        found: crate::header::hex0x(&stored_genesis.hash()),
                        expected: crate::header::hex0x(&genesis_hash),
                    });
                }
                let header = read_header(&store, number)?;
                // What the node builds on must be what the head header commits to.
                let state = store.guarded("loading the head state", || {
                    crate::check::head_state(&store, &header)
                })?;
                (
                    state,
                    Head {
                        hash: header.hash(),
                        header,
                    },
                )
            }
        };
        metrics.set_height(head.header.number());
        Ok(Chain {
            state,
            store,
            pool: Pool::new(limits),
            head,
            author,
            genesis_hash,
            metrics,
            runtime,
            shield: Some(ShieldKeys::generate()),
            shield_reports: Vec::new(),
            bft: None,
            announce: None,
        })
    }

    /// The author's MEV-shield keys, if it has them.
    pub fn shield(&self) -> Option<&ShieldKeys> {
        self.shield.as_ref()
    }

    /// The genesis hash.
    pub fn genesis_hash(&self) -> [u8; 32] {
        self.genesis_hash
    }

    /// The head.
    pub fn head(&self) -> &Head {
        &self.head
    }

    /// Handles one request.
    pub fn handle(&mut self, request: Request) {
        match request {
            Request::Submit {
                xt,
                checked,
                bytes,
                hash,
                watcher,
                reply,
            } => {
                let r = self.submit(*xt, checked, bytes, hash, watcher);
                let _ = reply.send(r);
            }
            Request::RuntimeApi {
                method,
                input,
                at,
                reply,
            } => {
                let started = Instant::now();
                let r = self.runtime_api(&method, &input, at);
                self.metrics.observe_state_call(&method, started.elapsed());
                let _ = reply.send(r);
            }
            Request::NextIndex { who, reply } => {
                let nonce = self.runtime.account_nonce(&self.state, &who);
                let _ = reply.send(self.pool.next_index(&who, nonce));
            }
            Request::Pending { reply } => {
                let _ = reply.send(self.pool.pending());
            }
            Request::Consensus(request) => self.handle_consensus(*request),
            Request::Stop => {}
        }
    }

    fn submit(
        &mut self,
        xt: UncheckedExtrinsic,
        checked: CheckedSigned,
        bytes: Arc<Vec<u8>>,
        hash: [u8; 32],
        watcher: Option<tokio::sync::mpsc::UnboundedSender<TxStatus>>,
    ) -> Result<[u8; 32], SubmitError> {
        let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
        self.runtime.validate_transaction(
            &self.state,
            &checked.who,
            checked.nonce,
            &xt.call,
            len,
            checked.tip,
        )?;
        let chain_nonce = self.runtime.account_nonce(&self.state, &checked.who);
        let mut tx = PoolTx::new(
            hash,
            bytes,
            xt.call,
            checked.who,
            checked.nonce,
            checked.tip,
            checked.death,
        );
        if let Some(w) = watcher {
            tx.watchers.push(w);
        }
        let inserted = self.pool.insert(tx, chain_nonce)?;
        let status = if inserted.ready {
            TxStatus::Ready
        } else {
            TxStatus::Future
        };
        if let Some(tx) = self.pool.get_mut(&hash) {
            tx.notify(&status);
        }
        for h in inserted.promoted {
            if let Some(tx) = self.pool.get_mut(&h) {
                tx.notify(&TxStatus::Ready);
            }
        }
        self.update_pool_metrics();
        Ok(hash)
    }

    fn runtime_api(
        &self,
        method: &str,
        input: &[u8],
        at: Option<u32>,
    ) -> Result<Vec<u8>, ApiCallError> {
        match at {
            Some(n) if n != self.head.header.number() => {
                // An older block: rebuild its state from the database.
                let view = self.store.state_at(n)?;
                let keys = view.keys_paged(&[], usize::MAX, None)?;
                let mut entries = Vec::with_capacity(keys.len());
                for k in keys {
                    if let Some(v) = view.get(&k)? {
                        entries.push((k, v));
                    }
                }
                let state = Storage::from_entries(entries);
                Ok(self.runtime.state_call(&state, method, input)?)
            }
            _ => Ok(self.runtime.state_call(&self.state, method, input)?),
        }
    }

    /// Whether a transaction (or a MEV-shield report, which must reach the chain even when
    /// blocks are made only for transactions) is ready for a block.
    pub fn has_ready(&self) -> bool {
        self.pool.has_ready() || !self.shield_reports.is_empty()
    }

    /// Builds, executes and commits the next block; returns its head. A database failure is
    /// returned and the block is not announced.
    pub fn produce(&mut self) -> Result<Head, StoreError> {
        let started = Instant::now();
        let number = self.head.header.number().saturating_add(1);
        self.state.start_journal();
        let step = Instant::now();
        let mut block =
            self.runtime
                .initialize_block(&mut self.state, number, self.head.hash, self.author);
        self.metrics.observe_block_step(step.elapsed());

        let mut extrinsics = match block.apply_inherents(&mut self.state, wall_clock_ms()) {
            Ok(inherents) => inherents,
            Err(e) => {
                tracing::error!(error = ?e, "the timestamp inherent failed");
                Vec::new()
            }
        };

        self.apply_shield_inherents(&mut block, &mut extrinsics);

        let mut included = Vec::new();
        let mut invalid = Vec::new();
        let mut carriers = Vec::new();
        let mut bytes = 0usize;
        for hash in self.pool.ready_order() {
            if included.len() >= MAX_BLOCK_EXTRINSICS {
                break;
            }
            let Some(tx) = self.pool.get_mut(&hash) else {
                continue;
            };
            if bytes.saturating_add(tx.bytes.len()) > MAX_BLOCK_BYTES {
                break;
            }
            let len = u32::try_from(tx.bytes.len()).unwrap_or(u32::MAX);
            match block.apply_extrinsic(&mut self.state, &tx.who, tx.nonce, tx.tip, &tx.call, len) {
                Ok(_) => {
                    if let RuntimeCall::MevShield(MevShieldCall::submit_encrypted { ciphertext }) =
                        &tx.call
                    {
                        carriers.push((tx.who, ciphertext.clone()));
                    }
                    bytes = bytes.saturating_add(tx.bytes.len());
                    extrinsics.push(tx.bytes.as_ref().clone());
                    included.push(hash);
                }
                // An earlier transaction of the block left a gap (it became invalid): wait.
                Err(InvalidTransaction::Future) => {}
                Err(e) => {
                    tracing::debug!(tx = %crate::header::hex0x(&hash), error = %e, "dropping a transaction that became invalid");
                    invalid.push(hash);
                }
            }
        }
        let events = block.finalize(&mut self.state);
        let changes = self.state.take_journal();
        let header = Header {
            parent_hash: self.head.hash,
            number: Compact(number),
            state_root: self.runtime.state_root(&self.state),
            extrinsics_root: extrinsics_root(&extrinsics),
            digest: Vec::new(),
        };
        let hash = header.hash();
        self.store.commit_block(&NewBlock {
            number,
            hash,
            header: &codec::Encode::encode(&header),
            extrinsics: &extrinsics,
            changes: &changes,
        })?;
        self.head = Head { header, hash };

        // Announce: the block is durable now, and final (single author).
        for h in &included {
            if let Some(mut tx) = self.pool.remove(h) {
                tx.notify(&TxStatus::InBlock(hash));
                tx.notify(&TxStatus::Finalized(hash));
            }
        }
        for h in &invalid {
            if let Some(mut tx) = self.pool.remove(h) {
                tx.notify(&TxStatus::Invalid);
            }
        }
        let (state, runtime) = (&self.state, &self.runtime);
        let (dropped, promoted) = self.pool.prune(u64::from(number).saturating_add(1), |who| {
            runtime.account_nonce(state, who)
        });
        for mut tx in dropped {
            tx.notify(&TxStatus::Invalid);
        }
        for h in promoted {
            if let Some(tx) = self.pool.get_mut(&h) {
                tx.notify(&TxStatus::Ready);
            }
        }
        for (who, ciphertext) in carriers {
            self.unshield(&who, &ciphertext);
        }
        self.metrics.set_height(number);
        self.metrics
            .observe_block(started.elapsed(), included.len(), events.len());
        self.update_pool_metrics();
        Ok(self.head.clone())
    }

    /// The author's MevShield extrinsics at the head of a block: its key inherent (until the
    /// published keys are its own) and its reports on the previous block's carriers.
    fn apply_shield_inherents(
        &mut self,
        block: &mut cortex_runtime::BlockBuilder,
        extrinsics: &mut Vec<Vec<u8>>,
    ) {
        if let Some(keys) = &self.shield {
            match block.apply_shield_key(&mut self.state, keys.encapsulation_key()) {
                Ok(Some(xt)) => extrinsics.push(xt),
                Ok(None) => {}
                Err(e) => tracing::error!(error = ?e, "the MEV-shield key inherent failed"),
            }
        }
        for report in std::mem::take(&mut self.shield_reports) {
            match block.apply_shield_report(&mut self.state, &report) {
                Ok(xt) => extrinsics.push(xt),
                Err(e) => tracing::error!(error = ?e, "a MEV-shield report failed"),
            }
        }
    }

    /// The author's duty for a carrier just included: decrypt it and submit the inner
    /// extrinsic to the pool (it goes into the next block), or report why not. Runs after the
    /// carrier's block is committed, so the inner transaction is validated against the state
    /// that paid for the carrier (its nonce is the carrier's plus one).
    fn unshield(
        &mut self,
        who: &AccountId32,
        ciphertext: &cortex_runtime::types::BoundedBytes<8192>,
    ) {
        let Some(keys) = &self.shield else {
            return;
        };
        let id = cortex_runtime::types::shield_submission_id(who, ciphertext);
        let report = match keys.decrypt(ciphertext.as_slice()) {
            Err(e) => {
                tracing::debug!(id = %crate::header::hex0x(&id), error = %e, "a shielded transaction did not decrypt");
                Some(MevShieldCall::decryption_failed(id, &e.to_string()))
            }
            Ok(inner) => self.submit_inner(inner).err().map(|error| {
                tracing::debug!(id = %crate::header::hex0x(&id), error = ?error, "a shielded transaction was refused");
                MevShieldCall::decrypted_rejected(id, error)
            }),
        };
        self.shield_reports.extend(report);
    }

    /// Checks a decrypted extrinsic as a submission is checked (decoding, signature, era,
    /// nonce, fee) and adds it to the pool. The error is a coarse `DispatchError` for the
    /// `DecryptedRejected` report: `BadOrigin` for a bad or missing signature,
    /// `Token(FundsUnavailable)` when the fee cannot be paid, `Other` for the rest.
    fn submit_inner(&mut self, bytes: Vec<u8>) -> Result<[u8; 32], DispatchError> {
        let xt = UncheckedExtrinsic::decode_bytes(&bytes).map_err(|_| DispatchError::Other)?;
        let ctx = ChainCheckContext {
            store: &self.store,
            genesis_hash: self.genesis_hash,
            head: self.head.header.number(),
        };
        let invalid = |e: InvalidTransaction| match e {
            InvalidTransaction::BadProof | InvalidTransaction::BadSigner => {
                DispatchError::BadOrigin
            }
            InvalidTransaction::Payment => DispatchError::Token(TokenError::FundsUnavailable),
            _ => DispatchError::Other,
        };
        let checked = match check_signature(&xt, &ctx) {
            Ok(Some(checked)) => checked,
            Ok(None) => return Err(DispatchError::BadOrigin),
            Err(TransactionValidityError::Invalid(e)) => return Err(invalid(e)),
            Err(TransactionValidityError::CannotLookup) => return Err(DispatchError::CannotLookup),
        };
        let hash = extrinsic_hash(&bytes);
        self.submit(xt, checked, Arc::new(bytes), hash, None)
            .map_err(|e| match e {
                SubmitError::Invalid(i) => invalid(i),
                _ => DispatchError::Other,
            })
    }

    pub(crate) fn update_pool_metrics(&self) {
        let (ready, future) = self.pool.counts();
        self.metrics.set_pool(ready, future);
    }

    /// Tells every watcher the node is stopping.
    pub fn shutdown(&mut self) {
        for mut tx in self.pool.drain() {
            tx.notify(&TxStatus::Dropped);
        }
    }
}

fn read_header(store: &Store, number: u32) -> Result<Header, ChainError> {
    let read = store.guarded("reading a header", || {
        crate::check::read_header(store, number)
    })?;
    read.map(|(h, _)| h).ok_or(ChainError::BadHeader(number))
}

fn wall_clock_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// With instant blocks, how many queued requests the chain thread answers before it makes the
/// block that the ready transactions are waiting for.
const MAX_REQUESTS_PER_TURN: usize = 4096;

/// Who decides when blocks are made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Production {
    /// This node authors every block on its own schedule, final at once (the dev chain).
    Author(BlockTime),
    /// A consensus engine proposes, verifies and finalizes through
    /// [`Request::Consensus`]; the chain thread only answers it.
    Engine,
}

/// Sets the readers' head and tells subscribers (after its commit).
fn publish(shared: &Shared, head: Head) {
    match shared.head.write() {
        Ok(mut h) => *h = head.clone(),
        Err(poisoned) => *poisoned.into_inner() = head.clone(),
    }
    let _ = shared.heads.send(head);
}

/// Runs the chain thread until every request sender is gone: answers requests and produces
/// blocks on schedule (or when the engine finalizes them). Returns an error if a block could
/// not be committed (the node must stop: its memory is ahead of its database).
pub fn run(
    mut chain: Chain,
    requests: Receiver<Request>,
    production: Production,
    shared: Arc<Shared>,
) -> Result<(), StoreError> {
    let block_time = match production {
        Production::Author(t) => Some(t),
        Production::Engine => None,
    };
    let mut next_block = Instant::now();
    if let Some(BlockTime::Every(d)) = block_time {
        next_block += d;
    }
    loop {
        let wait = match block_time {
            Some(BlockTime::Every(_)) => next_block.saturating_duration_since(Instant::now()),
            Some(BlockTime::Instant) if chain.has_ready() => Duration::ZERO,
            Some(BlockTime::Instant) | None => Duration::from_secs(3600),
        };
        match requests.recv_timeout(wait) {
            Ok(Request::Stop) => {
                chain.shutdown();
                return Ok(());
            }
            Ok(request) => {
                chain.handle(request);
                if let Some(head) = chain.announce.take() {
                    publish(&shared, head);
                }
                // Take whatever else is queued before deciding on a block, so that a burst of
                // submissions lands in one block; but stop when the block is due, so that a
                // flood (clients retrying "pool full", say) cannot starve block production.
                let mut taken = 0usize;
                while let Ok(request) = requests.try_recv() {
                    if matches!(request, Request::Stop) {
                        chain.shutdown();
                        return Ok(());
                    }
                    chain.handle(request);
                    if let Some(head) = chain.announce.take() {
                        publish(&shared, head);
                    }
                    taken = taken.saturating_add(1);
                    let block_due = match block_time {
                        Some(BlockTime::Every(_)) => Instant::now() >= next_block,
                        Some(BlockTime::Instant) => {
                            taken >= MAX_REQUESTS_PER_TURN && chain.has_ready()
                        }
                        None => false,
                    };
                    if block_due {
                        break;
                    }
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => {
                chain.shutdown();
                return Ok(());
            }
        }
        let due = match block_time {
            Some(BlockTime::Every(d)) => {
                let now = Instant::now();
                if now >= next_block {
                    // Keep the schedule, but never try to catch up with missed slots.
                    next_block = (next_block + d).max(now);
                    true
                } else {
                    false
                }
            }
            Some(BlockTime::Instant) => chain.has_ready(),
            None => false,
        };
        if due {
            let head = chain.produce()?;
            publish(&shared, head);
        }
    }
}
