//! Subscriptions' notifications, computed once per block for every subscriber.
//!
//! One task (the hub, [`run`]) follows the chain's new heads. For each it serializes the header
//! once and broadcasts it to every head subscription, then, if any storage subscription exists,
//! reads on tokio's blocking pool which keys the new blocks changed (their undo logs), reads those
//! of them that anyone subscribed to, once, builds one notification per distinct key set, and
//! hands it to each subscriber's bounded queue.
//!
//! The rules every subscription follows:
//! - no database read on the async workers, and no read transaction held while waiting on a
//!   client (a snapshot held open stops redb from reusing pages, and the file grows);
//! - an unsubscribe or a closed connection ends the subscription's task at once (it waits on
//!   the sink's closing alongside its queue);
//! - a subscriber that does not read is dropped: its queue is bounded, a full queue (or a
//!   notification that cannot be written within [`SEND_TIMEOUT`]) ends the subscription.

use crate::chain::Shared;
use crate::header::hex0x;
use crate::metrics::Metrics;
use cortex_store::{Store, StoreError};
use serde_json::value::RawValue;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{broadcast, mpsc};

/// How long one notification may wait for room in the connection's buffer before its
/// subscription is dropped as too slow.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(5);

/// What the hub watches at one block: the distinct key sets, whether an every-key subscription
/// exists, and every watched key.
type Snapshot = (Vec<Arc<Vec<Vec<u8>>>>, bool, Vec<Vec<u8>>);

/// A notification, serialized once and shared by every subscriber it goes to.
pub type Note = Arc<str>;

/// Why a storage subscription was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubscribeError {
    /// The node's budget of subscribed keys is used up.
    #[error(
        "the node watches {watched} distinct storage keys, its limit is {limit}; unsubscribe other keys or subscribe to fewer"
    )]
    Budget {
        /// Keys watched now.
        watched: usize,
        /// The limit.
        limit: usize,
    },
}

/// One storage subscription's entry in the hub.
struct Sub {
    /// The keys it watches (interned: identical lists share one), or `None` for every key.
    keys: Option<Arc<Vec<Vec<u8>>>>,
    tx: mpsc::Sender<Note>,
}

#[derive(Default)]
struct HubState {
    next_id: u64,
    subs: HashMap<u64, Sub>,
    /// Interned key lists and how many subscriptions use each.
    sets: HashMap<Arc<Vec<Vec<u8>>>, usize>,
    /// Distinct keys over all interned lists (what the budget counts).
    watched: BTreeMap<Vec<u8>, usize>,
}

/// The storage subscriptions and the head broadcast.
pub struct Hub {
    state: Mutex<HubState>,
    heads: broadcast::Sender<Note>,
    queue: usize,
    max_keys: usize,
    metrics: Arc<Metrics>,
}

impl std::fmt::Debug for Hub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Hub")
    }
}

/// A storage subscription's handle: its queue, and its removal from the hub when dropped.
pub struct Registration {
    hub: Arc<Hub>,
    id: u64,
    /// Notifications for this subscription.
    pub rx: mpsc::Receiver<Note>,
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.hub.remove(self.id);
    }
}

impl Hub {
    /// A hub whose subscribers queue at most `queue` notifications, watching at most `max_keys`
    /// distinct keys in all.
    pub fn new(queue: usize, max_keys: usize, metrics: Arc<Metrics>) -> Arc<Hub> {
        let (heads, _) = broadcast::channel(queue.max(1));
        Arc::new(Hub {
            state: Mutex::new(HubState::default()),
            heads,
            queue: queue.max(1),
            max_keys,
            metrics,
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HubState> {
        match self.state.lock() {
            Ok(s) => s,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// New heads, as serialized header JSON.
    pub fn heads(&self) -> broadcast::Receiver<Note> {
        self.heads.subscribe()
    }

    /// How many storage subscriptions are registered.
    pub fn len(&self) -> usize {
        self.lock().subs.len()
    }

    /// Whether no storage subscription is registered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Registers a storage subscription to `keys` (`None`: every key).
    pub fn register(
        self: &Arc<Hub>,
        keys: Option<Vec<Vec<u8>>>,
    ) -> Result<Registration, SubscribeError> {
        let mut st = self.lock();
        let keys = match keys {
            None => None,
            Some(mut keys) => {
                keys.sort();
                keys.dedup();
                let existing = st.sets.get_key_value(&keys).map(|(k, _)| k.clone());
                let set = match existing {
                    Some(set) => set,
                    None => {
                        let new = keys.iter().filter(|k| !st.watched.contains_key(*k)).count();
                        let watched = st.watched.len();
                        if watched.saturating_add(new) > self.max_keys {
                            return Err(SubscribeError::Budget {
                                watched,
                                limit: self.max_keys,
                            });
                        }
                        for k in &keys {
                            *st.watched.entry(k.clone()).or_default() += 1;
                        }
                        Arc::new(keys)
                    }
                };
                *st.sets.entry(set.clone()).or_default() += 1;
                Some(set)
            }
        };
        let (tx, rx) = mpsc::channel(self.queue);
        let id = st.next_id;
        st.next_id = st.next_id.wrapping_add(1);
        st.subs.insert(id, Sub { keys, tx });
        Ok(Registration {
            hub: self.clone(),
            id,
            rx,
        })
    }

    fn remove(&self, id: u64) {
        let mut st = self.lock();
        let Some(sub) = st.subs.remove(&id) else {
            return;
        };
        let Some(set) = sub.keys else { return };
        let last = match st.sets.get_mut(&set) {
            Some(n) => {
                *n = n.saturating_sub(1);
                *n == 0
            }
            None => false,
        };
        if last {
            st.sets.remove(&set);
            for k in set.iter() {
                if let Some(n) = st.watched.get_mut(k) {
                    *n = n.saturating_sub(1);
                    if *n == 0 {
                        st.watched.remove(k);
                    }
                }
            }
        }
    }

    /// Hands out one block's notifications; drops the subscriptions whose queue is full.
    fn deliver(&self, notes: &HashMap<Option<usize>, Note>, sets: &[Arc<Vec<Vec<u8>>>]) {
        let st = self.lock();
        let mut dropped = Vec::new();
        for (id, sub) in &st.subs {
            let which = match &sub.keys {
                None => None,
                Some(set) => match sets.iter().position(|s| Arc::ptr_eq(s, set)) {
                    Some(i) => Some(i),
                    // Subscribed after this block was read: its first notification covers it.
                    None => continue,
                },
            };
            let Some(note) = notes.get(&which) else {
                continue;
            };
            match sub.tx.try_send(note.clone()) {
                Ok(()) => {}
                Err(mpsc::error::TrySendError::Full(_)) => {
                    self.metrics.rpc_subscription_dropped();
                    dropped.push(*id);
                }
                Err(mpsc::error::TrySendError::Closed(_)) => dropped.push(*id),
            }
        }
        drop(st);
        // Removing the entry drops its sender: the subscription's task sees its queue end.
        for id in dropped {
            self.remove(id);
        }
    }

    /// The distinct key sets, whether an every-key subscription exists, every watched key.
    fn snapshot(&self) -> Snapshot {
        let st = self.lock();
        let sets: Vec<_> = st.sets.keys().cloned().collect();
        let all = st.subs.values().any(|s| s.keys.is_none());
        let watched = st.watched.keys().cloned().collect();
        (sets, all, watched)
    }
}

/// `{"block": hash, "changes": [[key, value], …]}` for `keys`, with their values from `values`,
/// or `None` if it would exceed `max_bytes`.
pub fn storage_note(
    block: &[u8; 32],
    keys: &[&Vec<u8>],
    values: &BTreeMap<Vec<u8>, Option<Vec<u8>>>,
    max_bytes: usize,
) -> Option<String> {
    let mut out = String::with_capacity(96);
    out.push_str("{\"block\":\"");
    out.push_str(&hex0x(block));
    out.push_str("\",\"changes\":[");
    for (i, k) in keys.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("[\"");
        out.push_str(&hex0x(k));
        out.push_str("\",");
        match values.get(*k).and_then(|v| v.as_ref()) {
            Some(v) => {
                out.push('"');
                out.push_str(&hex0x(v));
                out.push('"');
            }
            None => out.push_str("null"),
        }
        out.push(']');
        if out.len() > max_bytes {
            return None;
        }
    }
    out.push_str("]}");
    Some(out)
}

/// Reads, at block `at`, what blocks `from..=at` changed among the watched keys, and builds one
/// notification per distinct key set (and one for the every-key subscriptions, keyed `None`).
/// One block's notification work, as the hub hands it to the blocking pool.
struct Job {
    /// The first block not notified yet.
    from: u32,
    /// The new head.
    at: u32,
    hash: [u8; 32],
    /// The distinct key sets subscribed to.
    sets: Vec<Arc<Vec<Vec<u8>>>>,
    /// Whether an every-key subscription exists.
    all: bool,
    /// Every watched key.
    watched: Vec<Vec<u8>>,
    max_bytes: usize,
}

fn compute(store: &Store, job: &Job) -> Result<HashMap<Option<usize>, Note>, StoreError> {
    let Job {
        from,
        at,
        hash,
        ref sets,
        all,
        ref watched,
        max_bytes,
    } = *job;
    let view = store.state_at(at)?;
    // Blocks older than the undo logs (a long stall): every watched key may have changed.
    let changed: BTreeSet<Vec<u8>> = match store.changed_keys(from, at)? {
        Some(keys) => keys.into_iter().collect(),
        None => watched.iter().cloned().collect(),
    };
    let mut values: BTreeMap<Vec<u8>, Option<Vec<u8>>> = BTreeMap::new();
    let wanted: Vec<&Vec<u8>> = if all {
        changed.iter().collect()
    } else {
        watched.iter().filter(|k| changed.contains(*k)).collect()
    };
    for k in wanted {
        values.insert(k.clone(), view.get(k)?);
    }
    drop(view);
    let mut notes = HashMap::new();
    for (i, set) in sets.iter().enumerate() {
        let keys: Vec<&Vec<u8>> = set.iter().filter(|k| changed.contains(*k)).collect();
        if keys.is_empty() {
            continue;
        }
        match storage_note(&hash, &keys, &values, max_bytes) {
            Some(n) => {
                notes.insert(Some(i), Arc::from(n));
            }
            None => tracing::warn!(
                keys = keys.len(),
                "a storage notification exceeds the response limit; it is not sent"
            ),
        }
    }
    if all && !changed.is_empty() {
        let keys: Vec<&Vec<u8>> = changed.iter().collect();
        if let Some(n) = storage_note(&hash, &keys, &values, max_bytes) {
            notes.insert(None, Arc::from(n));
        }
    }
    Ok(notes)
}

/// Follows the chain's heads and feeds every subscription, until the chain stops.
pub async fn run(hub: Arc<Hub>, shared: Arc<Shared>, max_bytes: usize) {
    let mut heads = shared.heads.subscribe();
    let mut last = shared.head().header.number();
    loop {
        let head = match heads.recv().await {
            Ok(h) => h,
            // The hub itself fell behind: go on from the newest head; the undo logs cover the
            // blocks in between.
            Err(broadcast::error::RecvError::Lagged(_)) => shared.head(),
            Err(broadcast::error::RecvError::Closed) => return,
        };
        let number = head.header.number();
        if number <= last {
            continue;
        }
        if let Ok(json) = serde_json::to_string(&head.header.to_json()) {
            // No receiver is not an error: nobody follows heads right now.
            let _ = hub.heads.send(Arc::from(json));
        }
        let from = last.saturating_add(1);
        last = number;
        if hub.is_empty() {
            continue;
        }
        let (sets, all, watched) = hub.snapshot();
        let store = shared.store.clone();
        let job = Job {
            from,
            at: number,
            hash: head.hash,
            sets,
            all,
            watched,
            max_bytes,
        };
        let computed = tokio::task::spawn_blocking(move || {
            let notes = store.guarded("reading storage for subscriptions", || {
                compute(&store, &job)
            });
            (notes, job.sets)
        })
        .await;
        match computed {
            Ok((Ok(notes), sets)) => hub.deliver(&notes, &sets),
            Ok((Err(e), _)) => {
                tracing::warn!(block = number, error = %e, "cannot read storage for subscriptions")
            }
            Err(e) => tracing::error!(error = %e, "the subscription reader failed"),
        }
    }
}

/// The raw JSON of a notification (for a sink).
pub fn raw(note: &str) -> Option<Box<RawValue>> {
    RawValue::from_string(note.to_string()).ok()
}
