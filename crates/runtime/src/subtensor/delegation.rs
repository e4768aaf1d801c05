//! Hotkeys and their delegation: a coldkey's association with its hotkeys
//! (`try_associate_hotkey`), delegate takes (`increase_take`, `decrease_take`, with their
//! bounds and rate limit), becoming a delegate when nominated, and where a coldkey's miner
//! incentive is auto-staked (`set_coldkey_auto_stake_hotkey`).
//!
//! Takes move within `[MinDelegateTake, MaxDelegateTake]`; raising one is rate-limited so a
//! delegate cannot raise its take right before a payout its nominators did not expect, while
//! lowering one is always allowed (and restarts the timer). Sources: `spec/economy.md` §3.4
//! 'Delegate take', §5; subtensor's `staking/increase_take.rs` and `staking/decrease_take.rs`.

use super::errors::Error;
use super::events::Event;
use super::storage::*;
use crate::storage::Storage;
use crate::{storage_double_map, storage_value};
use codec::Encode;
use cortex_primitives::{AccountId32, NetUid};

use super::pool::subnet_of_account;
use super::rate_limits::{LastRateLimitedBlock, RateLimitKey};

storage_value!(/// Highest delegate take, u16 proportion (18 %).
    "SubtensorModule", MaxDelegateTake: u16 = 11_796);

storage_value!(/// Lowest delegate take.
    "SubtensorModule", MinDelegateTake: u16 = 0);

storage_value!(/// Blocks that must pass after a take change before the take may be raised.
    "SubtensorModule", TxDelegateTakeRateLimit: u64 = 216_000);

storage_double_map!(/// The coldkeys auto-staking their miner incentive on a subnet to a hotkey.
    "SubtensorModule", AutoStakeDestinationColdkeys: Blake2_128Concat(AccountId32), Identity(NetUid) => Vec<AccountId32> = Vec::new());

// ---- Delegate take ------------------------------------------------------------------------------
/// The block of `hotkey`'s last take change (0: never).
pub fn last_take_change(s: &Storage, hotkey: &AccountId32) -> u64 {
    LastRateLimitedBlock::get(s, &RateLimitKey::LastTxBlockDelegateTake(*hotkey))
}

/// The hotkey must exist (`HotKeyAccountNotExists`) and belong to `coldkey`
/// (`NonAssociatedColdKey`).
pub(crate) fn take_checks(
    s: &Storage,
    coldkey: &AccountId32,
    hotkey: &AccountId32,
) -> Result<(), Error> {
    if !hotkey_account_exists(s, hotkey) {
        return Err(Error::HotKeyAccountNotExists);
    }
    if Owner::get(s, hotkey) != *coldkey {
        return Err(Error::NonAssociatedColdKey);
    }
    Ok(())
}

/// `increase_take(hotkey, take)` signed by `coldkey` at `now`: the take must be strictly higher
/// than a stored one (`DelegateTakeTooLow`), at most `MaxDelegateTake` (`DelegateTakeTooHigh`),
/// and more than `TxDelegateTakeRateLimit` blocks after the last change
/// (`DelegateTxRateLimitExceeded`).
pub fn increase_take(
    s: &mut Storage,
    now: u64,
    coldkey: &AccountId32,
    hotkey: &AccountId32,
    take: u16,
    events: &mut Vec<Event>,
) -> Result<(), Error> {
    take_checks(s, coldkey, hotkey)?;
    if let Some(current) = Delegates::try_get(s, hotkey)
        && take <= current
    {
        return Err(Error::DelegateTakeTooLow);
    }
    if take > MaxDelegateTake::get(s) {
        return Err(Error::DelegateTakeTooHigh);
    }
    let last = last_take_change(s, hotkey);
    let limit = TxDelegateTakeRateLimit::get(s);
    if limit != 0 && last != 0 && now.saturating_sub(last) <= limit {
        return Err(Error::DelegateTxRateLimitExceeded);
    }
    LastRateLimitedBlock::insert(s, &RateLimitKey::LastTxBlockDelegateTake(*hotkey), &now);
    Delegates::insert(s, hotkey, &take);
    events.push(Event::TakeIncreased(*coldkey, *hotkey, take));
    Ok(())
}

/// `decrease_take(hotkey, take)` signed by `coldkey` at `now`: the take must be strictly lower
/// than a stored one and at least `MinDelegateTake` (both `DelegateTakeTooLow`). Not
/// rate-limited, but it restarts the timer of `increase_take`.
pub fn decrease_take(
    s: &mut Storage,
    now: u64,
    coldkey: &AccountId32,
    hotkey: &AccountId32,
    take: u16,
    events: &mut Vec<Event>,
) -> Result<(), Error> {
    take_checks(s, coldkey, hotkey)?;
    if let Some(current) = Delegates::try_get(s, hotkey)
        && take >= current
    {
        return Err(Error::DelegateTakeTooLow);
    }
    if take < MinDelegateTake::get(s) {
        return Err(Error::DelegateTakeTooLow);
    }
    Delegates::insert(s, hotkey, &take);
    LastRateLimitedBlock::insert(s, &RateLimitKey::LastTxBlockDelegateTake(*hotkey), &now);
    events.push(Event::TakeDecreased(*coldkey, *hotkey, take));
    Ok(())
}

// ---- Accounts -------------------------------------------------------------------------------------
/// `try_associate_hotkey(hotkey)` signed by `coldkey`: makes `coldkey` the hotkey's owner if it
/// has none; a hotkey owned by another coldkey is left as it is, and the call still succeeds.
pub fn try_associate_hotkey(
    s: &mut Storage,
    coldkey: &AccountId32,
    hotkey: &AccountId32,
) -> Result<(), Error> {
    create_account_if_non_existent(s, coldkey, hotkey)
}

/// `set_coldkey_auto_stake_hotkey(netuid, hotkey)` signed by `coldkey`: the coldkey's miner
/// incentive on `netuid` is staked to `hotkey` from now on. The subnet must exist
/// (`SubnetNotExists`), the hotkey hold a uid on it (`HotKeyNotRegisteredInSubNet`) and differ
/// from the current destination (`SameAutoStakeHotkeyAlreadySet`). Keeps the reverse index
/// `AutoStakeDestinationColdkeys` (an emptied list stays stored, as subtensor's `mutate` does).
pub fn set_coldkey_auto_stake_hotkey(
    s: &mut Storage,
    coldkey: &AccountId32,
    netuid: NetUid,
    hotkey: &AccountId32,
    events: &mut Vec<Event>,
) -> Result<(), Error> {
    if !NetworksAdded::get(s, &netuid) {
        return Err(Error::SubnetNotExists);
    }
    if !Uids::contains_key(s, &netuid, hotkey) {
        return Err(Error::HotKeyNotRegisteredInSubNet);
    }
    if let Some(current) = AutoStakeDestination::try_get(s, coldkey, &netuid) {
        if current == *hotkey {
            return Err(Error::SameAutoStakeHotkeyAlreadySet);
        }
        let mut old = AutoStakeDestinationColdkeys::get(s, &current, &netuid);
        old.retain(|c| c != coldkey);
        AutoStakeDestinationColdkeys::insert(s, &current, &netuid, &old);
    }
    AutoStakeDestination::insert(s, coldkey, &netuid, hotkey);
    let mut list = AutoStakeDestinationColdkeys::get(s, hotkey, &netuid);
    if !list.contains(coldkey) {
        list.push(*coldkey);
    }
    AutoStakeDestinationColdkeys::insert(s, hotkey, &netuid, &list);
    events.push(Event::AutoStakeDestinationSet {
        coldkey: *coldkey,
        netuid,
        hotkey: *hotkey,
    });
    Ok(())
}

/// Makes `hotkey` a delegate at its current take if it is not one.
pub(crate) fn maybe_become_delegate(s: &mut Storage, hotkey: &AccountId32) {
    if !Delegates::contains_key(s, hotkey) {
        let take = Delegates::get(s, hotkey);
        Delegates::insert(s, hotkey, &take);
    }
}

/// Whether a hotkey was ever associated with a coldkey.
pub fn hotkey_account_exists(s: &Storage, hotkey: &AccountId32) -> bool {
    Owner::contains_key(s, hotkey)
}

/// Associates `hotkey` with `coldkey` if it has no owner yet.
pub fn create_account_if_non_existent(
    s: &mut Storage,
    coldkey: &AccountId32,
    hotkey: &AccountId32,
) -> Result<(), Error> {
    if subnet_of_account(hotkey).is_some() {
        return Err(Error::CannotUseSystemAccount);
    }
    if !hotkey_account_exists(s, hotkey) {
        Owner::insert(s, hotkey, coldkey);
        for list in [OwnedHotkeys::key(coldkey), StakingHotkeys::key(coldkey)] {
            let mut keys: Vec<AccountId32> =
                crate::storage::decode_or_none(&list, s.get(&list)).unwrap_or_default();
            if !keys.contains(hotkey) {
                keys.push(*hotkey);
                s.set(list, keys.encode());
            }
        }
    }
    Ok(())
}

storage_double_map!(/// Where a coldkey's miner incentive on a subnet is staked. Optional: read with
    /// `try_get`.
    optional "SubtensorModule", AutoStakeDestination: Blake2_128Concat(AccountId32), Identity(NetUid) => AccountId32 = ZERO_ACCOUNT);
