//! A validator's scores: one exponential moving average per uid.
//!
//! Each round scores every queried miner in [0, 1]; the average moves a fraction `alpha` toward
//! the new score (bittensor's validator template uses 0.1), so one lucky or unlucky round moves
//! a miner little while a miner that stops answering fades within a few dozen rounds. A uid
//! whose hotkey changed (deregistered, then taken by a new neuron) starts again from 0: the
//! newcomer inherits nothing of its predecessor's reputation.

use cortex_client::AccountId32;

/// Moving-average scores by uid.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scores {
    alpha: f64,
    /// `(hotkey, score)` per uid; `None` for uids never scored.
    entries: Vec<Option<(AccountId32, f64)>>,
}

impl Scores {
    /// Empty scores moving by `alpha` per round (clamped to (0, 1]).
    pub fn new(alpha: f64) -> Scores {
        let alpha = if alpha.is_finite() {
            alpha.clamp(f64::MIN_POSITIVE, 1.0)
        } else {
            0.1
        };
        Scores {
            alpha,
            entries: Vec::new(),
        }
    }

    /// Folds `score` (clamped to [0, 1]; not finite counts as 0) into `uid`'s average. A uid
    /// seen with another hotkey before starts from 0.
    pub fn update(&mut self, uid: u16, hotkey: &AccountId32, score: f64) {
        let score = if score.is_finite() {
            score.clamp(0.0, 1.0)
        } else {
            0.0
        };
        let i = usize::from(uid);
        if self.entries.len() <= i {
            self.entries.resize(i + 1, None);
        }
        let previous = match self.entries.get(i) {
            Some(Some((h, s))) if h == hotkey => *s,
            _ => 0.0,
        };
        let next = previous + self.alpha * (score - previous);
        if let Some(slot) = self.entries.get_mut(i) {
            *slot = Some((*hotkey, next));
        }
    }

    /// Forgets uids whose hotkey is no longer `hotkeys[uid]` (or that no longer exist).
    pub fn retain_registered(&mut self, hotkeys: &[AccountId32]) {
        for (i, slot) in self.entries.iter_mut().enumerate() {
            if let Some((h, _)) = slot
                && hotkeys.get(i) != Some(h)
            {
                *slot = None;
            }
        }
        self.entries.truncate(hotkeys.len());
    }

    /// The score of `uid` (0 if never scored).
    pub fn get(&self, uid: u16) -> f64 {
        match self.entries.get(usize::from(uid)) {
            Some(Some((_, s))) => *s,
            _ => 0.0,
        }
    }

    /// Every scored uid with its score, in uid order.
    pub fn iter(&self) -> impl Iterator<Item = (u16, f64)> + '_ {
        self.entries.iter().enumerate().filter_map(|(i, e)| {
            e.as_ref()
                .and_then(|(_, s)| u16::try_from(i).ok().map(|uid| (uid, *s)))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(b: u8) -> AccountId32 {
        AccountId32::from([b; 32])
    }

    #[test]
    fn scores_move_toward_each_round_and_reset_on_a_new_hotkey() {
        let mut s = Scores::new(0.5);
        s.update(2, &key(1), 1.0);
        assert_eq!(s.get(2), 0.5);
        s.update(2, &key(1), 1.0);
        assert_eq!(s.get(2), 0.75);
        s.update(2, &key(1), f64::NAN);
        assert_eq!(s.get(2), 0.375);
        // uid 2 re-registered by another hotkey: nothing is inherited.
        s.update(2, &key(9), 1.0);
        assert_eq!(s.get(2), 0.5);
        assert_eq!(s.get(0), 0.0);
        assert_eq!(s.iter().collect::<Vec<_>>(), vec![(2, 0.5)]);
        s.retain_registered(&[key(0), key(0), key(1)]);
        assert_eq!(s.iter().count(), 0);
    }

    #[test]
    fn a_silent_miner_fades() {
        let mut s = Scores::new(0.1);
        for _ in 0..50 {
            s.update(1, &key(1), 1.0);
        }
        let high = s.get(1);
        for _ in 0..30 {
            s.update(1, &key(1), 0.0);
        }
        assert!(high > 0.99 && s.get(1) < 0.05, "{high} then {}", s.get(1));
    }
}
