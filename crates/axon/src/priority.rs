//! Priority by stake under load: a bounded set of workers and a bounded waiting room that
//! admits the highest priority first.
//!
//! bittensor runs forwards in a priority thread pool ordered by `priority_fn` (stake by
//! default). Here a request takes a worker slot when one is free; otherwise it waits in a heap
//! ordered by priority (then arrival), and a finishing request hands its slot to the best waiter.
//! A waiter that times out leaves (bittensor answers 408), and a full waiting room refuses at
//! once (503), so load never queues unboundedly.

use std::collections::BinaryHeap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::oneshot;

/// Why a request got no worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GateError {
    /// It waited past its deadline.
    Timeout,
    /// The waiting room was full.
    Full,
}

struct Waiter {
    priority: f64,
    seq: u64,
    tx: oneshot::Sender<()>,
}

impl PartialEq for Waiter {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == std::cmp::Ordering::Equal
    }
}
impl Eq for Waiter {}
impl PartialOrd for Waiter {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Waiter {
    // Highest priority first; among equals, the earliest arrival (smaller seq) first.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.priority
            .total_cmp(&other.priority)
            .then_with(|| other.seq.cmp(&self.seq))
    }
}

struct State {
    active: usize,
    seq: u64,
    waiting: BinaryHeap<Waiter>,
}

/// The gate: `workers` concurrent forwards, at most `queue` waiting.
#[derive(Clone)]
pub struct PriorityGate {
    workers: usize,
    queue: usize,
    state: Arc<Mutex<State>>,
}

/// A worker slot; dropping it passes the slot to the best waiter.
pub struct Permit {
    state: Arc<Mutex<State>>,
}

impl PriorityGate {
    /// A gate of `workers` slots (at least one) and a waiting room of `queue`.
    pub fn new(workers: usize, queue: usize) -> Self {
        PriorityGate {
            workers: workers.max(1),
            queue,
            state: Arc::new(Mutex::new(State {
                active: 0,
                seq: 0,
                waiting: BinaryHeap::new(),
            })),
        }
    }

    /// Waits for a slot for at most `wait`.
    pub async fn acquire(&self, priority: f64, wait: Duration) -> Result<Permit, GateError> {
        let rx = {
            let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
            if st.active < self.workers && st.waiting.is_empty() {
                st.active += 1;
                return Ok(Permit {
                    state: self.state.clone(),
                });
            }
            if st.waiting.len() >= self.queue {
                // Waiters that gave up still sit in the heap; drop them before refusing.
                let live: Vec<Waiter> = st.waiting.drain().filter(|w| !w.tx.is_closed()).collect();
                st.waiting = live.into_iter().collect();
                if st.waiting.len() >= self.queue {
                    return Err(GateError::Full);
                }
            }
            let (tx, rx) = oneshot::channel();
            st.seq = st.seq.wrapping_add(1);
            let seq = st.seq;
            st.waiting.push(Waiter { priority, seq, tx });
            rx
        };
        let mut rx = rx;
        let handed = match tokio::time::timeout(wait, &mut rx).await {
            Ok(got) => got.is_ok(),
            Err(_) => {
                // A slot may have been handed over just as the deadline passed: close the
                // channel, then take what was sent, so a slot is never lost.
                rx.close();
                rx.try_recv().is_ok()
            }
        };
        if handed {
            Ok(Permit {
                state: self.state.clone(),
            })
        } else {
            Err(GateError::Timeout)
        }
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        while let Some(w) = st.waiting.pop() {
            // A send fails only when that waiter timed out; try the next one.
            if w.tx.send(()).is_ok() {
                return;
            }
        }
        st.active = st.active.saturating_sub(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_higher_priority_waiter_is_served_first() {
        let gate = PriorityGate::new(1, 8);
        let first = gate.acquire(0.0, Duration::from_secs(5)).await;
        assert!(first.is_ok());
        let (done_tx, mut done_rx) = tokio::sync::mpsc::unbounded_channel();
        for p in [1.0, 5.0, 3.0] {
            let g = gate.clone();
            let tx = done_tx.clone();
            tokio::spawn(async move {
                if let Ok(permit) = g.acquire(p, Duration::from_secs(5)).await {
                    let _ = tx.send(p);
                    drop(permit);
                }
            });
            // Let each task enqueue before the next, so arrival order is known.
            tokio::task::yield_now().await;
        }
        // Wait until all three are in the waiting room, so only priority decides the order.
        while gate.state.lock().map(|s| s.waiting.len()).unwrap_or(0) < 3 {
            tokio::task::yield_now().await;
        }
        drop(first);
        let mut order = Vec::new();
        for _ in 0..3 {
            order.push(done_rx.recv().await);
        }
        assert_eq!(order, vec![Some(5.0), Some(3.0), Some(1.0)]);
    }

    #[tokio::test]
    async fn a_full_room_refuses_and_a_late_waiter_times_out() {
        let gate = PriorityGate::new(1, 0);
        let held = gate.acquire(0.0, Duration::from_secs(1)).await;
        assert!(held.is_ok());
        assert!(matches!(
            gate.acquire(1.0, Duration::from_millis(10)).await,
            Err(GateError::Full)
        ));
        let gate = PriorityGate::new(1, 1);
        let _held = gate.acquire(0.0, Duration::from_secs(1)).await;
        assert!(matches!(
            gate.acquire(1.0, Duration::from_millis(10)).await,
            Err(GateError::Timeout)
        ));
    }
}
