//! `SubnetInfoRuntimeApi_get_subnet_state`: a subnet's per-uid columns (subtensor's
//! `SubnetState`, `rpc_info/show_subnet.rs`). Pruning score, trust and rank are no longer
//! computed (empty vectors, as subtensor answers); Cortex keeps no per-hotkey emission history,
//! so `emission_history` is one row of zeros per subnet.

use super::subnet_info::all_netuids;
use crate::storage::Storage;
use crate::subtensor::coinbase::tao_weight;
use crate::subtensor::storage::*;
use codec::{Compact, Decode, Encode};
use cortex_primitives::{AccountId32, NetUid};
use substrate_fixed::types::U96F32;

/// Field for field subtensor's `SubnetState`.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub struct SubnetState {
    /// The subnet.
    #[codec(compact)]
    pub netuid: u16,
    /// Hotkey per uid.
    pub hotkeys: Vec<AccountId32>,
    /// Owner coldkey per uid.
    pub coldkeys: Vec<AccountId32>,
    /// Active flag per uid.
    pub active: Vec<bool>,
    /// Validator permit per uid.
    pub validator_permit: Vec<bool>,
    /// Empty (no longer computed).
    pub pruning_score: Vec<Compact<u16>>,
    /// Block of the last weights per uid.
    pub last_update: Vec<Compact<u64>>,
    /// Last epoch's alpha emission per uid.
    pub emission: Vec<Compact<u64>>,
    /// Dividends per uid.
    pub dividends: Vec<Compact<u16>>,
    /// Incentive per uid.
    pub incentives: Vec<Compact<u16>>,
    /// Consensus per uid.
    pub consensus: Vec<Compact<u16>>,
    /// Empty (no longer computed).
    pub trust: Vec<Compact<u16>>,
    /// Empty (no longer computed).
    pub rank: Vec<Compact<u16>>,
    /// Registration block per uid.
    pub block_at_registration: Vec<Compact<u64>>,
    /// Alpha staked to each uid's hotkey on the subnet.
    pub alpha_stake: Vec<Compact<u64>>,
    /// Root TAO staked to each uid's hotkey.
    pub tao_stake: Vec<Compact<u64>>,
    /// `alpha_stake + tao_stake × TaoWeight` per uid.
    pub total_stake: Vec<Compact<u64>>,
    /// Per subnet, per uid: last emission (zeros: not kept by Cortex).
    pub emission_history: Vec<Vec<Compact<u64>>>,
}

/// Each element of `v`, compact-encoded.
pub(crate) fn compact<T: Copy>(v: Vec<T>) -> Vec<Compact<T>> {
    v.into_iter().map(Compact).collect()
}

/// The hotkey at each uid `0..SubnetworkN` (`None` for an empty slot).
pub(crate) fn uid_hotkeys(s: &Storage, netuid: NetUid) -> Vec<Option<AccountId32>> {
    (0..SubnetworkN::get(s, &netuid))
        .map(|u| Keys::try_get(s, &netuid, &u))
        .collect()
}

/// The stake columns of a subnet, per uid (subtensor's `get_stake_weights_for_network`; Cortex
/// has no child keys, so a hotkey's inherited stake is its own).
pub(crate) struct StakeColumns {
    /// Alpha staked to the uid's hotkey on the subnet.
    pub alpha_stake: Vec<u64>,
    /// Root TAO staked to the uid's hotkey.
    pub tao_stake: Vec<u64>,
    /// `alpha_stake + tao_stake × TaoWeight`.
    pub total_stake: Vec<u64>,
}

/// A hotkey's stake weight on `netuid`: `alpha + root TAO × TaoWeight`, unrounded.
pub(crate) fn stake_weight(s: &Storage, hotkey: &AccountId32, netuid: NetUid) -> U96F32 {
    weigh(
        TotalHotkeyAlpha::get(s, hotkey, &netuid),
        TotalHotkeyAlpha::get(s, hotkey, &NetUid::ROOT),
        tao_weight(s),
    )
}

fn weigh(alpha: u64, tao: u64, tw: U96F32) -> U96F32 {
    U96F32::saturating_from_num(alpha)
        .saturating_add(U96F32::saturating_from_num(tao).saturating_mul(tw))
}

/// The [`StakeColumns`] of the uids holding `keys` on `netuid`.
pub(crate) fn stake_columns(
    s: &Storage,
    netuid: NetUid,
    keys: &[Option<AccountId32>],
) -> StakeColumns {
    let stake_on = |subnet: NetUid| -> Vec<u64> {
        keys.iter()
            .map(|k| k.map_or(0, |hk| TotalHotkeyAlpha::get(s, &hk, &subnet)))
            .collect()
    };
    let alpha_stake = stake_on(netuid);
    let tao_stake = stake_on(NetUid::ROOT);
    let tw = tao_weight(s);
    let total_stake = alpha_stake
        .iter()
        .zip(&tao_stake)
        .map(|(a, t)| weigh(*a, *t, tw).saturating_to_num::<u64>())
        .collect();
    StakeColumns {
        alpha_stake,
        tao_stake,
        total_stake,
    }
}

/// `get_subnet_state(netuid)`: `None` unless the subnet exists.
pub fn get_subnet_state(s: &Storage, netuid: u16) -> Option<SubnetState> {
    let n = NetUid(netuid);
    if !NetworksAdded::get(s, &n) {
        return None;
    }
    let index = mechanism_index(n, 0);
    let uids = 0..SubnetworkN::get(s, &n);
    let keys = uid_hotkeys(s, n);
    let hotkeys: Vec<AccountId32> = keys.iter().map(|k| k.unwrap_or(ZERO_ACCOUNT)).collect();
    let StakeColumns {
        alpha_stake,
        tao_stake,
        total_stake,
    } = stake_columns(s, n, &keys);
    let history = all_netuids(s)
        .iter()
        .map(|_| vec![Compact(0u64); hotkeys.len()])
        .collect();
    Some(SubnetState {
        netuid,
        coldkeys: hotkeys.iter().map(|h| Owner::get(s, h)).collect(),
        hotkeys,
        active: Active::get(s, &n),
        validator_permit: ValidatorPermit::get(s, &n),
        pruning_score: Vec::new(),
        last_update: compact(LastUpdate::get(s, &index)),
        emission: compact(Emission::get(s, &n)),
        dividends: compact(Dividends::get(s, &n)),
        incentives: compact(Incentive::get(s, &index)),
        consensus: compact(Consensus::get(s, &n)),
        trust: Vec::new(),
        rank: Vec::new(),
        block_at_registration: uids
            .map(|u| Compact(BlockAtRegistration::get(s, &n, &u)))
            .collect(),
        alpha_stake: compact(alpha_stake),
        tao_stake: compact(tao_stake),
        total_stake: compact(total_stake),
        emission_history: history,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime_api::call;
    use crate::test_support::{TAO, acct, funded, subnet};

    #[test]
    fn columns_per_uid() {
        let mut s = funded(&[(1, 10_000 * TAO)]);
        let netuid = subnet(&mut s, true);
        TotalHotkeyAlpha::insert(&mut s, &acct(2), &netuid, &500);
        TotalHotkeyAlpha::insert(&mut s, &acct(2), &NetUid::ROOT, &1_000);
        TaoWeight::put(&mut s, &(u64::MAX / 2));
        Emission::insert(&mut s, &netuid, &vec![7]);
        let out = call(
            &s,
            "SubnetInfoRuntimeApi_get_subnet_state",
            &netuid.0.encode(),
        )
        .unwrap();
        let st = Option::<SubnetState>::decode(&mut &out[..])
            .unwrap()
            .unwrap();
        assert_eq!(st.netuid, netuid.0);
        assert_eq!(
            (st.hotkeys.clone(), st.coldkeys.clone()),
            (vec![acct(2)], vec![acct(1)])
        );
        assert_eq!(st.alpha_stake, vec![Compact(500)]);
        assert_eq!(st.tao_stake, vec![Compact(1_000)]);
        assert_eq!(st.total_stake, vec![Compact(999)]);
        assert_eq!(st.emission, vec![Compact(7)]);
        assert_eq!(st.block_at_registration, vec![Compact(1)]);
        assert_eq!(st.emission_history, vec![vec![Compact(0)]]);
        assert!(st.trust.is_empty() && st.rank.is_empty() && st.pruning_score.is_empty());
        assert_eq!(
            call(&s, "SubnetInfoRuntimeApi_get_subnet_state", &[9, 0]).unwrap(),
            vec![0]
        );
    }
}
