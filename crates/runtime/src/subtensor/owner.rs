//! The subnet owner's rules, which SubtensorModule's owner calls (`set_tempo`, `trigger_epoch`)
//! and AdminUtils' setters share (`spec/economy.md` §2.6, §7): who counts as the owner, the
//! admin freeze window (the last `AdminFreezeWindow` blocks before the subnet's next epoch, or
//! while a triggered epoch is pending), and the owner rate limits (at most once per
//! `OwnerHyperparamRateLimit` tempos per subnet and parameter, and the others of subtensor's
//! `TransactionType`s that apply to owners).

use super::errors::Error;
use super::events::Event;
use super::rate_limits::{
    Hyperparameter, LastRateLimitedBlock, RateLimitKey, transaction_key_last_block,
};
use super::schedule::{MAX_TEMPO, blocks_until_next_auto_epoch};
use super::storage::{
    CommitRevealWeightsEnabled, LastEpochBlock, PendingEpochAt, SubnetOwner, Tempo,
};
use crate::storage::Storage;
use crate::storage_value;
use crate::support::{DispatchError, Origin};
use cortex_primitives::{AccountId32, NetUid};

/// Shortest tempo an owner may set.
pub const MIN_TEMPO: u16 = 360;

/// Blocks between two changes of a subnet's owner hotkey (a week).
pub const SET_SN_OWNER_HOTKEY_RATE_LIMIT: u64 = 50_400;

storage_value!(/// Blocks before each epoch in which owners may not change hyperparameters.
    "SubtensorModule", AdminFreezeWindow: u16 = 10);

storage_value!(/// Tempos between two changes of one hyperparameter by a subnet owner.
    "SubtensorModule", OwnerHyperparamRateLimit: u16 = 2);

storage_value!(/// Tempos between two changes of the weights version key by a subnet owner.
    "SubtensorModule", WeightsVersionKeyRateLimit: u64 = 5);

/// The owner rate limits (subtensor's `TransactionType`s that apply to subnet owners).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OwnerRateLimit {
    /// A hyperparameter: once per `OwnerHyperparamRateLimit` tempos, kept in
    /// `LastRateLimitedBlock[OwnerHyperparamUpdate(netuid, parameter)]`.
    Hyperparam(Hyperparameter),
    /// The weights version key: once per `WeightsVersionKeyRateLimit` tempos, kept in
    /// `TransactionKeyLastBlock[(owner, netuid, 4)]`.
    WeightsVersionKey,
    /// The owner's tempo: once per 360 blocks, kept in `TransactionKeyLastBlock[(owner, netuid,
    /// 11)]`.
    TempoUpdate,
    /// The owner hotkey: once per 50 400 blocks whoever sets it, kept in
    /// `LastRateLimitedBlock[SetSNOwnerHotkey(netuid)]`.
    SetSnOwnerHotkey,
}

impl OwnerRateLimit {
    /// Blocks that must pass between two changes.
    pub fn limit(self, s: &Storage, netuid: NetUid) -> u64 {
        let tempo = u64::from(Tempo::get(s, &netuid));
        match self {
            OwnerRateLimit::Hyperparam(_) => {
                tempo.saturating_mul(u64::from(OwnerHyperparamRateLimit::get(s)))
            }
            OwnerRateLimit::WeightsVersionKey => {
                tempo.saturating_mul(WeightsVersionKeyRateLimit::get(s))
            }
            OwnerRateLimit::TempoUpdate => u64::from(MIN_TEMPO),
            OwnerRateLimit::SetSnOwnerHotkey => SET_SN_OWNER_HOTKEY_RATE_LIMIT,
        }
    }

    /// The block of the last change (0: never).
    pub fn last_block(self, s: &Storage, who: &AccountId32, netuid: NetUid) -> u64 {
        match self {
            OwnerRateLimit::Hyperparam(hp) => {
                LastRateLimitedBlock::get(s, &RateLimitKey::OwnerHyperparamUpdate(netuid, hp))
            }
            OwnerRateLimit::SetSnOwnerHotkey => {
                LastRateLimitedBlock::get(s, &RateLimitKey::SetSNOwnerHotkey(netuid))
            }
            OwnerRateLimit::WeightsVersionKey => transaction_key_last_block::get(s, who, netuid, 4),
            OwnerRateLimit::TempoUpdate => transaction_key_last_block::get(s, who, netuid, 11),
        }
    }

    /// Records a change at `now`.
    pub fn set_last_block(self, s: &mut Storage, who: &AccountId32, netuid: NetUid, now: u64) {
        match self {
            OwnerRateLimit::Hyperparam(hp) => LastRateLimitedBlock::insert(
                s,
                &RateLimitKey::OwnerHyperparamUpdate(netuid, hp),
                &now,
            ),
            OwnerRateLimit::SetSnOwnerHotkey => {
                LastRateLimitedBlock::insert(s, &RateLimitKey::SetSNOwnerHotkey(netuid), &now)
            }
            OwnerRateLimit::WeightsVersionKey => {
                transaction_key_last_block::insert(s, who, netuid, 4, now)
            }
            OwnerRateLimit::TempoUpdate => {
                transaction_key_last_block::insert(s, who, netuid, 11, now)
            }
        }
    }

    /// Whether a change at `now` is allowed: the first change always is.
    pub fn passes(self, s: &Storage, who: &AccountId32, netuid: NetUid, now: u64) -> bool {
        let last = self.last_block(s, who, netuid);
        last == 0 || now.saturating_sub(last) >= self.limit(s, netuid)
    }
}

/// Whether `now` is inside the subnet's admin freeze window: a triggered epoch is pending, or the
/// next automatic epoch is fewer than `AdminFreezeWindow` blocks away (never at tempo 0).
pub fn in_admin_freeze_window(s: &Storage, netuid: NetUid, now: u64) -> bool {
    let tempo = Tempo::get(s, &netuid);
    if tempo == 0 {
        return false;
    }
    let pending = PendingEpochAt::get(s, &netuid);
    if pending > 0 && pending > now {
        return true;
    }
    blocks_until_next_auto_epoch(s, netuid, tempo, now) < u64::from(AdminFreezeWindow::get(s))
}

/// `AdminActionProhibitedDuringWeightsWindow` inside the freeze window.
pub fn ensure_admin_window_open(s: &Storage, netuid: NetUid, now: u64) -> Result<(), Error> {
    if in_admin_freeze_window(s, netuid, now) {
        return Err(Error::AdminActionProhibitedDuringWeightsWindow);
    }
    Ok(())
}

/// Root (`None`) or the subnet's owner (`Some(owner)`); anyone else is `BadOrigin`.
pub fn ensure_subnet_owner_or_root(
    s: &Storage,
    origin: &Origin,
    netuid: NetUid,
) -> Result<Option<AccountId32>, DispatchError> {
    match origin {
        Origin::Root => Ok(None),
        Origin::Signed(who) if SubnetOwner::get(s, &netuid) == *who => Ok(Some(*who)),
        _ => Err(DispatchError::BadOrigin),
    }
}

/// The subnet's owner, signed; anyone else (root included) is `BadOrigin`.
pub fn ensure_subnet_owner(
    s: &Storage,
    origin: &Origin,
    netuid: NetUid,
) -> Result<AccountId32, DispatchError> {
    match origin {
        Origin::Signed(who) if SubnetOwner::get(s, &netuid) == *who => Ok(*who),
        _ => Err(DispatchError::BadOrigin),
    }
}

/// The gate of an owner-or-root setter, in subtensor's order: the origin, the owner's rate
/// limit (root is not limited), then the freeze window (for root too). Returns the owner (for
/// [`record`]).
pub fn gate(
    s: &Storage,
    now: u64,
    origin: &Origin,
    netuid: NetUid,
    limit: OwnerRateLimit,
) -> Result<Option<AccountId32>, DispatchError> {
    let owner = ensure_subnet_owner_or_root(s, origin, netuid)?;
    if let Some(who) = &owner
        && !limit.passes(s, who, netuid, now)
    {
        return Err(Error::TxRateLimitExceeded.into());
    }
    ensure_admin_window_open(s, netuid, now)?;
    Ok(owner)
}

/// Records an owner's change for its rate limit (root's changes are not recorded).
pub fn record(
    s: &mut Storage,
    now: u64,
    owner: Option<AccountId32>,
    netuid: NetUid,
    limit: OwnerRateLimit,
) {
    if let Some(who) = owner {
        limit.set_last_block(s, &who, netuid, now);
    }
}

/// Sets `Tempo` and restarts the subnet's epoch cycle at `now` (`LastEpochBlock = now`).
pub fn apply_tempo_with_cycle_reset(
    s: &mut Storage,
    now: u64,
    netuid: NetUid,
    tempo: u16,
    events: &mut Vec<Event>,
) {
    Tempo::insert(s, &netuid, &tempo);
    events.push(Event::TempoSet(netuid, tempo));
    LastEpochBlock::insert(s, &netuid, &now);
}

/// SubtensorModule's `set_tempo` (call 139): the owner sets a tempo in 360…50 400, outside the
/// freeze window and at most once per 360 blocks; the epoch cycle restarts now.
pub fn set_tempo(
    s: &mut Storage,
    now: u64,
    origin: &Origin,
    netuid: NetUid,
    tempo: u16,
    events: &mut Vec<Event>,
) -> Result<(), DispatchError> {
    let who = ensure_subnet_owner(s, origin, netuid)?;
    if !(MIN_TEMPO..=MAX_TEMPO).contains(&tempo) {
        return Err(Error::TempoOutOfBounds.into());
    }
    ensure_admin_window_open(s, netuid, now)?;
    let limit = OwnerRateLimit::TempoUpdate;
    if !limit.passes(s, &who, netuid, now) {
        return Err(Error::TxRateLimitExceeded.into());
    }
    apply_tempo_with_cycle_reset(s, now, netuid, tempo, events);
    limit.set_last_block(s, &who, netuid, now);
    Ok(())
}

/// SubtensorModule's `trigger_epoch` (call 141): the owner schedules an epoch
/// `AdminFreezeWindow` blocks from now (which also opens the freeze window until then).
/// Refused with commit-reveal on (reveals are keyed to the epoch schedule), while a trigger is
/// pending, when the automatic epoch is closer than the window, and more often than the owner
/// hyperparameter rate limit.
pub fn trigger_epoch(
    s: &mut Storage,
    now: u64,
    origin: &Origin,
    netuid: NetUid,
    events: &mut Vec<Event>,
) -> Result<(), DispatchError> {
    let who = ensure_subnet_owner(s, origin, netuid)?;
    if CommitRevealWeightsEnabled::get(s, &netuid) {
        return Err(Error::DynamicTempoBlockedByCommitReveal.into());
    }
    if PendingEpochAt::get(s, &netuid) != 0 {
        return Err(Error::EpochTriggerAlreadyPending.into());
    }
    let window = u64::from(AdminFreezeWindow::get(s));
    let tempo = Tempo::get(s, &netuid);
    if blocks_until_next_auto_epoch(s, netuid, tempo, now) < window {
        return Err(Error::AutoEpochAlreadyImminent.into());
    }
    let limit = OwnerRateLimit::Hyperparam(Hyperparameter::TriggerEpoch);
    if !limit.passes(s, &who, netuid, now) {
        return Err(Error::TxRateLimitExceeded.into());
    }
    let fires_at = now.saturating_add(window);
    PendingEpochAt::insert(s, &netuid, &fires_at);
    limit.set_last_block(s, &who, netuid, now);
    events.push(Event::EpochTriggered {
        netuid,
        by: who,
        fires_at,
    });
    Ok(())
}
