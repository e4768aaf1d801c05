//! `DelegateInfoRuntimeApi`: hotkeys that accept nominations (every key of `Delegates`) with
//! their nominators, registrations and daily return (`DelegateInfo`, subtensor's
//! `rpc_info/delegate_info.rs`).
//!
//! The daily return is subtensor's estimate: each registration's last-epoch emission times the
//! epochs in a day (7200 blocks / tempo), summed; `return_per_1000` is that net of the take,
//! per 1000 TAO of the hotkey's root stake.

use crate::storage::Storage;
use crate::subtensor::shares::stake_of;
use crate::subtensor::storage::*;
use codec::{Compact, Decode, Encode};
use cortex_primitives::hashing::StorageHasher;
use cortex_primitives::{AccountId32, NetUid};
use std::collections::BTreeMap;
use substrate_fixed::types::U64F64;

/// Blocks in a day, as subtensor counts them for the daily return.
const BLOCKS_PER_DAY: u64 = 7200;
/// 1000 TAO in rao.
const THOUSAND_TAO: u64 = 1_000_000_000_000;

/// A stake position as the delegate views carry it: `(netuid, alpha)`.
pub type Position = (Compact<u16>, Compact<u64>);

/// One entry of `get_delegated`: the delegate and the delegatee's position on it.
pub type Delegated = (DelegateInfo, Position);

/// A delegate, field for field subtensor's `DelegateInfo`.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub struct DelegateInfo {
    /// The delegate's hotkey.
    pub delegate_ss58: AccountId32,
    /// Its take, u16 proportion.
    #[codec(compact)]
    pub take: u16,
    /// Each nominating coldkey (in account order) with its `(netuid, alpha)` positions.
    // Spelled out (not `Vec<Position>`): the metadata records the field's type name as written.
    #[allow(clippy::type_complexity)]
    pub nominators: Vec<(AccountId32, Vec<(Compact<u16>, Compact<u64>)>)>,
    /// The coldkey owning the hotkey.
    pub owner_ss58: AccountId32,
    /// Subnets the hotkey holds a uid on.
    pub registrations: Vec<Compact<u16>>,
    /// Subnets where that uid holds a validator permit.
    pub validator_permits: Vec<Compact<u16>>,
    /// Daily return per 1000 TAO of root stake, net of the take.
    #[codec(compact)]
    pub return_per_1000: u64,
    /// Estimated daily emission of the hotkey.
    #[codec(compact)]
    pub total_daily_return: u64,
}

/// The `AlphaV2` key prefix of `hotkey`'s positions (then of `coldkey`'s, if given).
fn alpha_prefix(hotkey: &AccountId32, coldkey: Option<&AccountId32>) -> Vec<u8> {
    let mut key = crate::storage::__prefix("SubtensorModule", "AlphaV2").to_vec();
    StorageHasher::Blake2_128Concat.hash_into(&hotkey.encode(), &mut key);
    if let Some(c) = coldkey {
        StorageHasher::Blake2_128Concat.hash_into(&c.encode(), &mut key);
    }
    key
}

/// Every `(coldkey, netuid)` holding shares of `hotkey` (of `coldkey` only, if given), in
/// storage order.
fn positions(
    s: &Storage,
    hotkey: &AccountId32,
    coldkey: Option<&AccountId32>,
) -> Vec<(AccountId32, NetUid)> {
    s.iter_prefix(&alpha_prefix(hotkey, coldkey))
        .into_iter()
        .filter_map(|(k, _)| crate::subtensor::shares::alpha_v2::parse_key(&k))
        .filter(|(h, _, _)| h == hotkey)
        .map(|(_, c, n)| (c, n))
        .collect()
}

/// `emission × (1 − take) / (root stake / 1000 TAO)`, 0 without root stake.
pub(crate) fn return_per_1000_tao(take: u16, root_stake: u64, emissions_per_day: U64F64) -> U64F64 {
    let kept = U64F64::saturating_from_num(1).saturating_sub(
        U64F64::saturating_from_num(take)
            .checked_div(U64F64::saturating_from_num(u16::MAX))
            .unwrap_or_default(),
    );
    let thousands = U64F64::saturating_from_num(root_stake)
        .checked_div(U64F64::saturating_from_num(THOUSAND_TAO))
        .unwrap_or_default();
    emissions_per_day
        .saturating_mul(kept)
        .checked_div(thousands)
        .unwrap_or_default()
}

/// The [`DelegateInfo`] of `delegate` (its nominators left out when `skip_nominators`).
fn delegate_info(s: &Storage, delegate: AccountId32, skip_nominators: bool) -> DelegateInfo {
    let mut by_nominator: BTreeMap<AccountId32, Vec<Position>> = BTreeMap::new();
    if !skip_nominators {
        for (coldkey, netuid) in positions(s, &delegate, None) {
            let stake = stake_of(s, &delegate, &coldkey, netuid);
            by_nominator
                .entry(coldkey)
                .or_default()
                .push((Compact(netuid.0), Compact(stake)));
        }
    }
    let registrations: Vec<NetUid> = IsNetworkMember::iter_prefix(s, &delegate)
        .into_iter()
        .filter(|(_, member)| *member)
        .map(|(n, _)| n)
        .collect();
    let mut validator_permits = Vec::new();
    let mut emissions_per_day = U64F64::saturating_from_num(0);
    for netuid in &registrations {
        let Some(uid) = Uids::try_get(s, netuid, &delegate) else {
            continue;
        };
        let at = usize::from(uid);
        if ValidatorPermit::get(s, netuid).get(at).copied().unwrap_or(false) {
            validator_permits.push(Compact(netuid.0));
        }
        let emission = Emission::get(s, netuid).get(at).copied().unwrap_or(0);
        let tempo = Tempo::get(s, netuid);
        if tempo > 0 {
            let epochs_per_day = U64F64::saturating_from_num(BLOCKS_PER_DAY)
                .checked_div(U64F64::saturating_from_num(tempo))
                .unwrap_or_default();
            emissions_per_day = emissions_per_day
                .saturating_add(U64F64::saturating_from_num(emission).saturating_mul(epochs_per_day));
        }
    }
    let take = Delegates::get(s, &delegate);
    let root_stake = TotalHotkeyAlpha::get(s, &delegate, &NetUid::ROOT);
    DelegateInfo {
        delegate_ss58: delegate,
        take,
        nominators: by_nominator.into_iter().collect(),
        owner_ss58: Owner::get(s, &delegate),
        registrations: registrations.iter().map(|n| Compact(n.0)).collect(),
        validator_permits,
        return_per_1000: return_per_1000_tao(take, root_stake, emissions_per_day)
            .saturating_to_num::<u64>(),
        total_daily_return: emissions_per_day.saturating_to_num::<u64>(),
    }
}

/// `get_delegates()`: every delegate, in `Delegates` storage order.
pub fn get_delegates(s: &Storage) -> Vec<DelegateInfo> {
    Delegates::iter(s)
        .into_iter()
        .map(|(d, _)| delegate_info(s, d, false))
        .collect()
}

/// `get_delegate(delegate_account)`: `None` unless the hotkey is a delegate.
pub fn get_delegate(s: &Storage, delegate_account: AccountId32) -> Option<DelegateInfo> {
    Delegates::contains_key(s, &delegate_account).then(|| delegate_info(s, delegate_account, false))
}

/// `get_delegated(delegatee_account)`: each delegate the coldkey holds shares of, once per
/// subnet, with `(netuid, alpha)` of the position (the delegate's nominators left out, as
/// subtensor does).
pub fn get_delegated(
    s: &Storage,
    delegatee_account: AccountId32,
) -> Vec<Delegated> {
    let mut out = Vec::new();
    for (delegate, _) in Delegates::iter(s) {
        for (_, netuid) in positions(s, &delegate, Some(&delegatee_account)) {
            let stake = stake_of(s, &delegate, &delegatee_account, netuid);
            out.push((
                delegate_info(s, delegate, true),
                (Compact(netuid.0), Compact(stake)),
            ));
        }
    }
    out
}
