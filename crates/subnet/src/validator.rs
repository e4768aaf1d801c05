//! The validator side: make tasks, query the miners, score them, set weights every tempo.
//!
//! A subnet implements [`Validator`]: what a task is and how an answer scores. [`run_validator`]
//! does the rest, in two loops that share the scores:
//!
//! - **Rounds.** Every `round_interval`, one task goes to every uid the metagraph lists with an
//!   axon (itself excepted), all at once through the dendrite, each call bounded by
//!   `query_timeout`. A miner that does not answer, answers late or answers garbage scores 0
//!   for the round, and its moving average ([`crate::scores`]) decays; nothing else happens to
//!   it, and nothing happens to the others.
//! - **Blocks.** On every finalized block the metagraph is re-synced
//!   ([`crate::metagraph`]), and once the validator's last weights are `weights_every` blocks
//!   old (the tempo by default, never less than the subnet's rate limit) it sends its scores as
//!   weights: `set_weights` directly, or, where the subnet has commit-reveal on, a
//!   `commit_weights` of their hash followed by the `reveal_weights` in the epoch the chain
//!   expects it. A failed submission is retried from the next block with a backoff that doubles
//!   up to a tempo.
//!
//! **Stale weights are loud.** Each block the age of the weights on chain is measured (blocks
//! since the validator's `last_update`, which only a landed setting moves). Past `stale_after`
//! (two settings' worth plus a tempo by default), the validator logs a warning every tempo
//! naming its uid, the age, the limit and the last error, and sets
//! `cortex_validator_weights_stale` to 1 ([`crate::metrics`]), until a setting lands again.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cortex_axon::{AxonTarget, Dendrite, SynapseBody};
use cortex_client::types::{RuntimeCall, SubtensorCall, weights_commit_hash};
use cortex_client::weights::{commit_salt, scale_to_u16};
use cortex_client::{AccountId32, Client, NetUid, Sr25519Pair, TxOptions};
use serde::Serialize;

use crate::SubnetError;
use crate::metagraph::{MetagraphCache, MetagraphView};
use crate::metrics::ValidatorMetrics;
use crate::scores::Scores;

/// What a subnet's validator decides: the tasks and the scoring.
pub trait Validator: Send + Sync + 'static {
    /// The synapse sent to miners.
    type Synapse: SynapseBody + Clone;
    /// What scoring an answer needs besides the answer (the hidden labels, say).
    type Task: Send + Sync + 'static;

    /// A new task: the synapse to send, and what its answers are scored against.
    fn task(&self) -> (Self::Synapse, Self::Task);

    /// The score of one miner's answer, in [0, 1] (higher is better). Called only for answers
    /// that arrived with status 200; every failure scores 0.
    fn score(&self, task: &Self::Task, answer: &Self::Synapse) -> f64;
}

/// How a validator runs.
#[derive(Clone, Debug)]
pub struct ValidatorConfig {
    /// The subnet.
    pub netuid: NetUid,
    /// The limit on each miner's answer (bittensor's default is 12 s).
    pub query_timeout: Duration,
    /// The pause between two rounds.
    pub round_interval: Duration,
    /// The moving average's step (bittensor's template: 0.1).
    pub ema_alpha: f64,
    /// Blocks between two weight settings; `None`: the subnet's tempo. Never below the
    /// subnet's weights rate limit.
    pub weights_every: Option<u64>,
    /// Weights older than this many blocks are stale; `None`: twice `weights_every` plus a
    /// tempo.
    pub stale_after: Option<u64>,
    /// How weight extrinsics are signed and awaited.
    pub tx: TxOptions,
}

impl ValidatorConfig {
    /// Defaults for `netuid`: 12 s answers, a round a second, α = 0.1, weights every tempo.
    pub fn new(netuid: NetUid) -> ValidatorConfig {
        ValidatorConfig {
            netuid,
            query_timeout: Duration::from_secs(12),
            round_interval: Duration::from_secs(1),
            ema_alpha: 0.1,
            weights_every: None,
            stale_after: None,
            tx: TxOptions {
                timeout: Duration::from_secs(30),
                ..TxOptions::default()
            },
        }
    }
}

/// What a running validator shows (for a dashboard, a test, or `--json` output).
#[derive(Clone, Debug, Default, Serialize)]
pub struct ValidatorStatus {
    /// Its uid, once registered.
    pub uid: Option<u16>,
    /// The last block seen.
    pub block: u64,
    /// Rounds run.
    pub rounds: u64,
    /// The moving-average score per uid.
    pub scores: Vec<(u16, f64)>,
    /// The block its weights last landed in (the chain's `last_update`; 0: never).
    pub last_weights_block: u64,
    /// Weight settings that landed (a `set_weights`, or a reveal).
    pub weights_landed: u64,
    /// The last submission error, until a submission succeeds.
    pub last_error: Option<String>,
    /// Whether the weights on chain are older than the limit.
    pub stale: bool,
    /// The epoch a pending commit is to be revealed in.
    pub pending_reveal_epoch: Option<u64>,
}

/// A commit waiting for its reveal epoch.
#[derive(Clone, Debug)]
struct PendingReveal {
    uids: Vec<u16>,
    values: Vec<u16>,
    salt: Vec<u16>,
    version_key: u64,
    epoch: u64,
}

/// The block loop's memory.
#[derive(Debug, Default)]
struct WeightsState {
    pending: Option<PendingReveal>,
    failures: u32,
    retry_at: u64,
    was_stale: bool,
    next_stale_warning: u64,
    warned_unregistered: bool,
}

/// Runs a validator with `hotkey` on `config.netuid` until `shutdown` resolves. `status` and
/// `metrics` are updated as it goes. Fails at once if the subnet does not exist or the dendrite
/// cannot be built; chain errors later are logged and retried, never fatal.
pub async fn run_validator<V: Validator>(
    validator: Arc<V>,
    client: Arc<Client>,
    hotkey: Sr25519Pair,
    config: ValidatorConfig,
    status: Arc<Mutex<ValidatorStatus>>,
    metrics: ValidatorMetrics,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), SubnetError> {
    let cache = MetagraphCache::load(&client, config.netuid).await?;
    let dendrite = Dendrite::new(hotkey.clone())?;
    let shared = Arc::new(Shared {
        me: hotkey.public(),
        scores: Mutex::new(Scores::new(config.ema_alpha)),
        cache: cache.clone(),
        status,
        metrics,
        config,
    });
    let rounds = tokio::spawn(round_loop(validator, dendrite, shared.clone()));
    let mut state = WeightsState::default();
    let mut follower = cache.follow(&client, "validator");
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            view = follower.next() => {
                let hotkeys: Vec<AccountId32> = view.neurons.iter().map(|n| n.hotkey).collect();
                lock(&shared.scores).retain_registered(&hotkeys);
                on_block(&client, &hotkey, &view, &shared, &mut state).await;
            }
        }
    }
    rounds.abort();
    Ok(())
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    match m.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    }
}

/// What the round loop and the block loop share.
struct Shared {
    me: AccountId32,
    cache: MetagraphCache,
    scores: Mutex<Scores>,
    status: Arc<Mutex<ValidatorStatus>>,
    metrics: ValidatorMetrics,
    config: ValidatorConfig,
}

async fn round_loop<V: Validator>(validator: Arc<V>, dendrite: Dendrite, shared: Arc<Shared>) {
    let Shared {
        me,
        cache,
        scores,
        status,
        metrics,
        config,
    } = &*shared;
    let me = *me;
    loop {
        let view = cache.current();
        let targets: Vec<(u16, AccountId32, AxonTarget)> = view
            .neurons
            .iter()
            .filter(|n| n.hotkey != me)
            .filter_map(|n| n.axon.clone().map(|a| (n.uid, n.hotkey, a)))
            .collect();
        if !targets.is_empty() {
            let (synapse, task) = validator.task();
            let axons: Vec<AxonTarget> = targets.iter().map(|t| t.2.clone()).collect();
            let answers = dendrite.query(&axons, synapse, config.query_timeout).await;
            let mut s = lock(scores);
            for ((uid, hotkey, axon), answer) in targets.iter().zip(answers.iter()) {
                let score = if answer.is_success() {
                    metrics.answers_ok.inc();
                    validator.score(&task, &answer.body)
                } else {
                    metrics.answers_failed.inc();
                    tracing::debug!(
                        uid,
                        axon = %format!("{}:{}", axon.ip, axon.port),
                        status = answer.status_code(),
                        message = answer.dendrite.status_message.as_deref().unwrap_or(""),
                        "validator: no usable answer"
                    );
                    0.0
                };
                s.update(*uid, hotkey, score);
            }
            metrics.rounds.inc();
            let mut st = lock(status);
            st.rounds = st.rounds.saturating_add(1);
            st.scores = s.iter().collect();
        }
        tokio::time::sleep(config.round_interval).await;
    }
}

/// The weights to send: every other uid with a positive score, scaled to u16.
fn weights_from(scores: &Scores, own_uid: u16) -> Option<(Vec<u16>, Vec<u16>)> {
    let (uids, values): (Vec<u16>, Vec<f64>) = scores
        .iter()
        .filter(|(uid, s)| *uid != own_uid && *s > 0.0)
        .unzip();
    let values = scale_to_u16(&values)?;
    Some((uids, values))
}

async fn on_block(
    client: &Client,
    signer: &Sr25519Pair,
    view: &MetagraphView,
    shared: &Shared,
    state: &mut WeightsState,
) {
    let Shared {
        scores,
        status,
        metrics,
        config,
        ..
    } = shared;
    let me = signer.public();
    metrics
        .block
        .set(i64::try_from(view.block).unwrap_or(i64::MAX));
    let Some(uid) = view.uid_of(&me) else {
        if !state.warned_unregistered {
            tracing::warn!(
                hotkey = %me.to_ss58(42),
                netuid = view.netuid.0,
                "validator: the hotkey is not registered on the subnet; it scores miners but cannot set weights until it registers"
            );
            state.warned_unregistered = true;
        }
        let mut st = lock(status);
        st.uid = None;
        st.block = view.block;
        return;
    };
    state.warned_unregistered = false;
    let neuron = view.neuron(uid);
    let last = neuron.map(|n| n.last_update).unwrap_or(0);
    let registered = neuron.map(|n| n.registered_at).unwrap_or(0);
    let tempo = u64::from(view.tempo).max(1);
    let every = config
        .weights_every
        .unwrap_or(tempo)
        .max(view.weights_rate_limit)
        .max(1);
    let stale_after = config
        .stale_after
        .unwrap_or_else(|| every.saturating_mul(2).saturating_add(tempo));

    // The age of the weights on chain (since registration, for weights never set).
    let age = view
        .block
        .saturating_sub(if last == 0 { registered } else { last });
    metrics
        .weights_age_blocks
        .set(i64::try_from(age).unwrap_or(i64::MAX));
    let stale = age > stale_after;
    metrics.weights_stale.set(i64::from(stale));
    if stale && view.block >= state.next_stale_warning {
        let last_error = lock(status).last_error.clone();
        tracing::warn!(
            uid,
            netuid = view.netuid.0,
            age_blocks = age,
            limit_blocks = stale_after,
            last_set = last,
            last_error = last_error.as_deref().unwrap_or("none"),
            "validator: WEIGHTS ARE STALE: uid {uid} has not had weights land for {age} blocks (limit {stale_after}); its bonds and dividends are decaying"
        );
        state.next_stale_warning = view.block.saturating_add(tempo);
    } else if !stale && state.was_stale {
        tracing::info!(uid, age_blocks = age, "validator: weights are fresh again");
        state.next_stale_warning = 0;
    }
    state.was_stale = stale;
    {
        let mut st = lock(status);
        st.uid = Some(uid);
        st.block = view.block;
        st.last_weights_block = last;
        st.stale = stale;
        st.pending_reveal_epoch = state.pending.as_ref().map(|p| p.epoch);
    }

    let netuid = view.netuid;
    let next_block = view.block.saturating_add(1);
    if let Some(pending) = state.pending.clone() {
        let epoch = match client.next_block_epoch(netuid).await {
            Ok((e, _)) => e,
            Err(e) => {
                tracing::warn!(error = %e, "validator: cannot read the subnet's epoch");
                return;
            }
        };
        if epoch < pending.epoch || next_block < state.retry_at {
            return;
        }
        if epoch > pending.epoch {
            tracing::warn!(
                uid,
                reveal_epoch = pending.epoch,
                epoch,
                "validator: the reveal epoch passed before the reveal landed; committing again"
            );
            state.pending = None;
            return;
        }
        let call = RuntimeCall::SubtensorModule(SubtensorCall::reveal_weights {
            netuid,
            uids: pending.uids.clone(),
            values: pending.values.clone(),
            salt: pending.salt.clone(),
            version_key: pending.version_key,
        });
        match client.submit_and_watch(call, signer, &config.tx).await {
            Ok(included) => {
                metrics.submitted("reveal", true);
                tracing::info!(
                    uid,
                    block = included.block_number,
                    n = pending.uids.len(),
                    "validator: revealed weights"
                );
                state.pending = None;
                landed(state, status);
            }
            Err(e) => {
                metrics.submitted("reveal", false);
                failed(state, status, next_block, tempo, "reveal", &e.to_string());
            }
        }
        return;
    }

    let since = next_block.saturating_sub(last);
    let due = last == 0 || since >= every;
    if !due || next_block < state.retry_at {
        return;
    }
    let Some((uids, values)) = weights_from(&lock(scores), uid) else {
        tracing::debug!(
            uid,
            "validator: no miner has a positive score yet; no weights to set"
        );
        return;
    };
    let version_key = view.weights_version;
    if view.commit_reveal {
        let salt = commit_salt(signer, netuid.0, view.block, &uids, &values);
        let hash = weights_commit_hash(&me, netuid.0, &uids, &values, &salt, version_key);
        let call = RuntimeCall::SubtensorModule(SubtensorCall::commit_weights {
            netuid,
            commit_hash: hash,
        });
        match client.submit_and_watch(call, signer, &config.tx).await {
            Ok(included) => {
                metrics.submitted("commit", true);
                match client
                    .reveal_epoch(netuid, &me, &hash, view.reveal_period)
                    .await
                {
                    Ok(Some(epoch)) => {
                        tracing::info!(
                            uid,
                            block = included.block_number,
                            reveal_epoch = epoch,
                            "validator: committed weights"
                        );
                        state.pending = Some(PendingReveal {
                            uids,
                            values,
                            salt,
                            version_key,
                            epoch,
                        });
                        state.failures = 0;
                        state.retry_at = 0;
                    }
                    Ok(None) => failed(
                        state,
                        status,
                        next_block,
                        tempo,
                        "commit",
                        "the commit is not in WeightCommits after its block",
                    ),
                    Err(e) => failed(state, status, next_block, tempo, "commit", &e.to_string()),
                }
            }
            Err(e) => {
                metrics.submitted("commit", false);
                failed(state, status, next_block, tempo, "commit", &e.to_string());
            }
        }
    } else {
        let n = uids.len();
        let call = RuntimeCall::SubtensorModule(SubtensorCall::set_weights {
            netuid,
            dests: uids,
            weights: values,
            version_key,
        });
        match client.submit_and_watch(call, signer, &config.tx).await {
            Ok(included) => {
                metrics.submitted("set", true);
                tracing::info!(
                    uid,
                    block = included.block_number,
                    n,
                    "validator: set weights"
                );
                landed(state, status);
            }
            Err(e) => {
                metrics.submitted("set", false);
                failed(state, status, next_block, tempo, "set", &e.to_string());
            }
        }
    }
}

fn landed(state: &mut WeightsState, status: &Mutex<ValidatorStatus>) {
    state.failures = 0;
    state.retry_at = 0;
    let mut st = lock(status);
    st.weights_landed = st.weights_landed.saturating_add(1);
    st.last_error = None;
}

/// Records a failed submission and schedules the retry: 1, 2, 4 … blocks, at most a tempo.
fn failed(
    state: &mut WeightsState,
    status: &Mutex<ValidatorStatus>,
    next_block: u64,
    tempo: u64,
    what: &str,
    error: &str,
) {
    state.failures = state.failures.saturating_add(1);
    let backoff = 1u64
        .checked_shl(state.failures.saturating_sub(1).min(16))
        .unwrap_or(u64::MAX)
        .min(tempo);
    state.retry_at = next_block.saturating_add(backoff);
    tracing::warn!(
        what,
        error,
        attempt = state.failures,
        retry_in_blocks = backoff,
        "validator: weights {what} failed; retrying"
    );
    lock(status).last_error = Some(format!("{what}: {error}"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_skip_self_and_zero_scores_and_scale_to_the_best() {
        let mut s = Scores::new(1.0);
        let k = |b: u8| AccountId32::from([b; 32]);
        s.update(0, &k(0), 1.0);
        s.update(1, &k(1), 0.5);
        s.update(2, &k(2), 0.0);
        s.update(3, &k(3), 0.25);
        assert_eq!(
            weights_from(&s, 0),
            Some((vec![1, 3], vec![65_535, 32_768]))
        );
        let empty = Scores::new(1.0);
        assert_eq!(weights_from(&empty, 0), None);
    }

    #[test]
    fn failures_back_off_up_to_a_tempo() {
        let mut st = WeightsState::default();
        let status = Mutex::new(ValidatorStatus::default());
        failed(&mut st, &status, 100, 10, "set", "boom");
        assert_eq!(st.retry_at, 101);
        failed(&mut st, &status, 100, 10, "set", "boom");
        assert_eq!(st.retry_at, 102);
        for _ in 0..10 {
            failed(&mut st, &status, 100, 10, "set", "boom");
        }
        assert_eq!(st.retry_at, 110);
        assert_eq!(lock(&status).last_error.as_deref(), Some("set: boom"));
        landed(&mut st, &status);
        assert_eq!(lock(&status).last_error, None);
        assert_eq!(st.retry_at, 0);
    }
}
