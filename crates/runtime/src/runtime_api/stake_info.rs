//! `StakeInfoRuntimeApi`: a coldkey's stake per (hotkey, subnet) (`StakeInfo`, subtensor's
//! `rpc_info/stake_info.rs`).

use super::subnet_info::all_netuids;
use crate::storage::Storage;
use crate::subtensor::coinbase::AlphaDividendsPerSubnet;
use crate::subtensor::shares::stake_of;
use crate::subtensor::pool::pool;
use crate::subtensor::storage::{NetworksAdded, StakingHotkeys, Uids};
use codec::{Decode, Encode};
use cortex_primitives::{AccountId32, NetUid};
use std::collections::BTreeMap;
use substrate_fixed::types::U64F64;

/// One stake position, field for field subtensor's `StakeInfo`.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub struct StakeInfo {
    /// The hotkey staked to.
    pub hotkey: AccountId32,
    /// The staking coldkey.
    pub coldkey: AccountId32,
    /// The subnet.
    #[codec(compact)]
    pub netuid: u16,
    /// Alpha staked.
    #[codec(compact)]
    pub stake: u64,
    /// Always 0 (subtensor's too).
    #[codec(compact)]
    pub locked: u64,
    /// The hotkey's alpha dividends at the subnet's last epoch.
    #[codec(compact)]
    pub emission: u64,
    /// Always 0 (TAO dividends were removed).
    #[codec(compact)]
    pub tao_emission: u64,
    /// Always 0 (subtensor's too).
    #[codec(compact)]
    pub drain: u64,
    /// Whether the hotkey holds a uid on the subnet.
    pub is_registered: bool,
}

/// The position of `coldkey` on `hotkey` in `netuid` (whatever its size).
fn stake_info(s: &Storage, hotkey: AccountId32, coldkey: AccountId32, netuid: NetUid) -> StakeInfo {
    StakeInfo {
        hotkey,
        coldkey,
        netuid: netuid.0,
        stake: stake_of(s, &hotkey, &coldkey, netuid),
        locked: 0,
        emission: AlphaDividendsPerSubnet::get(s, &netuid, &hotkey),
        tao_emission: 0,
        drain: 0,
        is_registered: Uids::contains_key(s, &netuid, &hotkey),
    }
}

/// Every non-zero position of `coldkey`: subnets in storage order, then its staking hotkeys.
fn positions(s: &Storage, coldkey: AccountId32, netuids: &[NetUid]) -> Vec<StakeInfo> {
    let hotkeys = StakingHotkeys::get(s, &coldkey);
    let mut out = Vec::new();
    for netuid in netuids {
        for hotkey in &hotkeys {
            let info = stake_info(s, *hotkey, coldkey, *netuid);
            if info.stake > 0 {
                out.push(info);
            }
        }
    }
    out
}

/// `get_stake_info_for_coldkeys(coldkey_accounts)`.
pub fn get_stake_info_for_coldkeys(
    s: &Storage,
    coldkey_accounts: Vec<AccountId32>,
) -> Vec<(AccountId32, Vec<StakeInfo>)> {
    let netuids = all_netuids(s);
    coldkey_accounts
        .into_iter()
        .map(|c| (c, positions(s, c, &netuids)))
        .collect()
}

/// `get_stake_info_for_coldkey(coldkey_account)`.
pub fn get_stake_info_for_coldkey(s: &Storage, coldkey_account: AccountId32) -> Vec<StakeInfo> {
    positions(s, coldkey_account, &all_netuids(s))
}

/// `get_stake_info_for_hotkey_coldkey_netuid(hotkey_account, coldkey_account, netuid)`: always
/// `Some`, with a zero stake when there is none (as subtensor answers).
pub fn get_stake_info_for_hotkey_coldkey_netuid(
    s: &Storage,
    hotkey_account: AccountId32,
    coldkey_account: AccountId32,
    netuid: u16,
) -> Option<StakeInfo> {
    Some(stake_info(
        s,
        hotkey_account,
        coldkey_account,
        NetUid(netuid),
    ))
}

/// A coldkey's alpha on one subnet: all of it, the locked part and what it may unstake
/// (subtensor's `StakeAvailability`).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub struct StakeAvailability {
    /// Alpha staked across the coldkey's staking hotkeys.
    #[codec(compact)]
    pub total: u64,
    /// Alpha under a lock (always 0: Cortex has no stake locks).
    #[codec(compact)]
    pub locked: u64,
    /// `total − locked`.
    #[codec(compact)]
    pub available: u64,
}

/// A coldkey's lock on a subnet: the storage's `LockState` (Cortex has no locks, so no method
/// answers one, but clients decode the type).
pub use crate::subtensor::declared::LockState;

/// The alpha `coldkey` holds on `netuid` across its staking hotkeys.
fn total_on_subnet(s: &Storage, coldkey: &AccountId32, netuid: NetUid) -> u64 {
    StakingHotkeys::get(s, coldkey)
        .iter()
        .map(|h| stake_of(s, h, coldkey, netuid))
        .fold(0u64, u64::saturating_add)
}

/// `get_stake_availability_for_coldkeys(coldkey_accounts, netuids)`: per coldkey, the subnets
/// (all, or the requested existing ones) where it holds alpha. As subtensor: an empty account
/// list answers an empty map, and an empty netuid list, or one longer than the number of
/// subnets, answers each coldkey with no subnet.
pub fn get_stake_availability_for_coldkeys(
    s: &Storage,
    coldkey_accounts: Vec<AccountId32>,
    netuids: Option<Vec<u16>>,
) -> BTreeMap<AccountId32, BTreeMap<u16, StakeAvailability>> {
    let existing = all_netuids(s);
    let netuids: Vec<NetUid> = match netuids {
        None => existing,
        Some(mut requested) => {
            requested.sort_unstable();
            requested.dedup();
            if requested.is_empty() || requested.len() > existing.len() {
                return coldkey_accounts
                    .into_iter()
                    .map(|c| (c, BTreeMap::new()))
                    .collect();
            }
            requested
                .into_iter()
                .map(NetUid)
                .filter(|n| NetworksAdded::get(s, n))
                .collect()
        }
    };
    coldkey_accounts
        .into_iter()
        .map(|coldkey| {
            let per_subnet = netuids
                .iter()
                .filter_map(|n| {
                    let total = total_on_subnet(s, &coldkey, *n);
                    (total > 0).then_some((
                        n.0,
                        StakeAvailability {
                            total,
                            locked: 0,
                            available: total,
                        },
                    ))
                })
                .collect();
            (coldkey, per_subnet)
        })
        .collect()
}

/// `get_stake_fee(origin, origin_coldkey_account, destination, destination_coldkey_account,
/// amount)`: the pool fee a stake move of `amount` pays on the destination subnet (else the
/// origin's); 0 when origin and destination are the same position or the subnet trades 1:1.
/// The coldkeys do not change the fee (subtensor ignores them too).
pub fn get_stake_fee(
    s: &Storage,
    origin: Option<(AccountId32, u16)>,
    _origin_coldkey_account: AccountId32,
    destination: Option<(AccountId32, u16)>,
    _destination_coldkey_account: AccountId32,
    amount: u64,
) -> u64 {
    if origin == destination {
        return 0;
    }
    let netuid = destination.or(origin).map_or(0, |(_, n)| n);
    pool(s, NetUid(netuid)).fee(amount, false)
}

/// `get_coldkey_lock(coldkey, netuid)`: always `None` (Cortex has no stake locks).
pub fn get_coldkey_lock(_s: &Storage, _coldkey: AccountId32, _netuid: u16) -> Option<LockState> {
    None
}

/// `get_hotkey_conviction(hotkey, netuid)`: always 0 (no locks, so no conviction).
pub fn get_hotkey_conviction(_s: &Storage, _hotkey: AccountId32, _netuid: u16) -> U64F64 {
    U64F64::from_num(0)
}

/// `get_most_convicted_hotkey_on_subnet(netuid)`: always `None` (no hotkey has conviction).
pub fn get_most_convicted_hotkey_on_subnet(_s: &Storage, _netuid: u16) -> Option<AccountId32> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime_api::call;
    use crate::subtensor::Ctx;
    use crate::subtensor::staking::add_stake;
    use crate::test_support::{TAO, acct, funded, subnet};

    #[test]
    fn positions_after_add_stake() {
        let mut s = funded(&[(1, 10_000 * TAO), (10, 100 * TAO)]);
        let netuid = subnet(&mut s, true);
        AlphaDividendsPerSubnet::insert(&mut s, &netuid, &acct(2), &77);
        let alpha = add_stake(
            &mut Ctx::new(&mut s, 0, None, &mut Vec::new()),
            &acct(10),
            &acct(2),
            netuid,
            10 * TAO,
        )
        .unwrap();
        let expected = StakeInfo {
            hotkey: acct(2),
            coldkey: acct(10),
            netuid: netuid.0,
            stake: alpha,
            locked: 0,
            emission: 77,
            tao_emission: 0,
            drain: 0,
            is_registered: true,
        };

        let input = vec![acct(10), acct(11)].encode();
        let out = call(
            &s,
            "StakeInfoRuntimeApi_get_stake_info_for_coldkeys",
            &input,
        )
        .unwrap();
        let got = Vec::<(AccountId32, Vec<StakeInfo>)>::decode(&mut &out[..]).unwrap();
        assert_eq!(
            got,
            vec![(acct(10), vec![expected.clone()]), (acct(11), vec![])]
        );
        // The empty list answers an empty list.
        let out = call(&s, "StakeInfoRuntimeApi_get_stake_info_for_coldkeys", &[0]).unwrap();
        assert_eq!(out, vec![0]);

        let out = call(
            &s,
            "StakeInfoRuntimeApi_get_stake_info_for_coldkey",
            &acct(10).encode(),
        )
        .unwrap();
        assert_eq!(
            Vec::<StakeInfo>::decode(&mut &out[..]).unwrap(),
            vec![expected.clone()]
        );

        let input = (acct(2), acct(10), netuid.0).encode();
        let out = call(
            &s,
            "StakeInfoRuntimeApi_get_stake_info_for_hotkey_coldkey_netuid",
            &input,
        )
        .unwrap();
        assert_eq!(
            Option::<StakeInfo>::decode(&mut &out[..]).unwrap(),
            Some(expected)
        );
        // No stake, unregistered hotkey: a zero position.
        let input = (acct(3), acct(10), netuid.0).encode();
        let out = call(
            &s,
            "StakeInfoRuntimeApi_get_stake_info_for_hotkey_coldkey_netuid",
            &input,
        )
        .unwrap();
        let zero = Option::<StakeInfo>::decode(&mut &out[..]).unwrap().unwrap();
        assert_eq!(
            (zero.stake, zero.is_registered, zero.emission),
            (0, false, 0)
        );
        // The wire layout starts with both accounts then the compact netuid and stake.
        assert_eq!(&out[1..33], &[3; 32]);
        assert_eq!(out[65], (netuid.0 as u8) << 2);
    }
}
