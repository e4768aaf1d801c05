//! `NeuronInfoRuntimeApi`: the neurons of a subnet (`NeuronInfo`, `NeuronInfoLite`, subtensor's
//! `rpc_info/neuron_info.rs`). Rank, trust and pruning score are no longer computed by
//! subtensor: it answers 0, 0 and 65535, and so does Cortex.

use crate::storage::Storage;
use crate::subtensor::serving::{AxonInfo, Axons, Prometheus, PrometheusInfo};
use crate::subtensor::storage::*;
use codec::{Compact, Decode, Encode};
use cortex_primitives::{AccountId32, NetUid};

/// A neuron without its weights and bonds, field for field subtensor's `NeuronInfoLite`.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub struct NeuronInfoLite {
    /// The neuron's hotkey.
    pub hotkey: AccountId32,
    /// The coldkey owning the hotkey.
    pub coldkey: AccountId32,
    /// Its uid.
    #[codec(compact)]
    pub uid: u16,
    /// The subnet.
    #[codec(compact)]
    pub netuid: u16,
    /// Whether it was active at the last epoch.
    pub active: bool,
    /// Its axon (zeros if never served).
    pub axon_info: AxonInfo,
    /// Its Prometheus endpoint (zeros if never served).
    pub prometheus_info: PrometheusInfo,
    /// `[(owner coldkey, alpha staked to the hotkey on the subnet)]`.
    pub stake: Vec<(AccountId32, Compact<u64>)>,
    /// Always 0 (no longer computed).
    #[codec(compact)]
    pub rank: u16,
    /// Alpha emitted to it by the last epoch.
    #[codec(compact)]
    pub emission: u64,
    /// Incentive, u16 proportion.
    #[codec(compact)]
    pub incentive: u16,
    /// Consensus, u16 proportion.
    #[codec(compact)]
    pub consensus: u16,
    /// Always 0 (no longer computed).
    #[codec(compact)]
    pub trust: u16,
    /// Validator trust, u16 proportion.
    #[codec(compact)]
    pub validator_trust: u16,
    /// Dividends, u16 proportion.
    #[codec(compact)]
    pub dividends: u16,
    /// Block of its last weights.
    #[codec(compact)]
    pub last_update: u64,
    /// Whether it holds a validator permit.
    pub validator_permit: bool,
    /// Always 65535 (no longer computed).
    #[codec(compact)]
    pub pruning_score: u16,
}

/// A neuron with its weights and bonds, field for field subtensor's `NeuronInfo`.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub struct NeuronInfo {
    /// The neuron's hotkey.
    pub hotkey: AccountId32,
    /// The coldkey owning the hotkey.
    pub coldkey: AccountId32,
    /// Its uid.
    #[codec(compact)]
    pub uid: u16,
    /// The subnet.
    #[codec(compact)]
    pub netuid: u16,
    /// Whether it was active at the last epoch.
    pub active: bool,
    /// Its axon (zeros if never served).
    pub axon_info: AxonInfo,
    /// Its Prometheus endpoint (zeros if never served).
    pub prometheus_info: PrometheusInfo,
    /// `[(owner coldkey, alpha staked to the hotkey on the subnet)]`.
    pub stake: Vec<(AccountId32, Compact<u64>)>,
    /// Always 0 (no longer computed).
    #[codec(compact)]
    pub rank: u16,
    /// Alpha emitted to it by the last epoch.
    #[codec(compact)]
    pub emission: u64,
    /// Incentive, u16 proportion.
    #[codec(compact)]
    pub incentive: u16,
    /// Consensus, u16 proportion.
    #[codec(compact)]
    pub consensus: u16,
    /// Always 0 (no longer computed).
    #[codec(compact)]
    pub trust: u16,
    /// Validator trust, u16 proportion.
    #[codec(compact)]
    pub validator_trust: u16,
    /// Dividends, u16 proportion.
    #[codec(compact)]
    pub dividends: u16,
    /// Block of its last weights.
    #[codec(compact)]
    pub last_update: u64,
    /// Whether it holds a validator permit.
    pub validator_permit: bool,
    /// Its non-zero weights `(uid, weight)`.
    pub weights: Vec<(Compact<u16>, Compact<u16>)>,
    /// Its non-zero bonds `(uid, bond)`.
    pub bonds: Vec<(Compact<u16>, Compact<u16>)>,
    /// Always 65535 (no longer computed).
    #[codec(compact)]
    pub pruning_score: u16,
}

/// Entry `uid` of a per-uid vector, or its default.
fn at<T: Copy + Default>(values: &[T], uid: u16) -> T {
    values.get(usize::from(uid)).copied().unwrap_or_default()
}

/// The non-zero entries of a weights or bonds row.
fn nonzero(row: Vec<(u16, u16)>) -> Vec<(Compact<u16>, Compact<u16>)> {
    row.into_iter()
        .filter(|(_, w)| *w > 0)
        .map(|(i, w)| (Compact(i), Compact(w)))
        .collect()
}

/// The lite view of `uid`, if a hotkey holds it.
fn lite(s: &Storage, netuid: NetUid, uid: u16) -> Option<NeuronInfoLite> {
    let hotkey = Keys::try_get(s, &netuid, &uid)?;
    let coldkey = Owner::get(s, &hotkey);
    // Mechanism 0's per-uid items are keyed by the netuid itself.
    let index = mechanism_index(netuid, 0);
    Some(NeuronInfoLite {
        hotkey,
        coldkey,
        uid,
        netuid: netuid.0,
        active: at(&Active::get(s, &netuid), uid),
        axon_info: Axons::try_get(s, &netuid, &hotkey).unwrap_or_default(),
        prometheus_info: Prometheus::try_get(s, &netuid, &hotkey).unwrap_or_default(),
        stake: vec![(coldkey, Compact(TotalHotkeyAlpha::get(s, &hotkey, &netuid)))],
        rank: 0,
        emission: at(&Emission::get(s, &netuid), uid),
        incentive: at(&Incentive::get(s, &index), uid),
        consensus: at(&Consensus::get(s, &netuid), uid),
        trust: 0,
        validator_trust: at(&ValidatorTrust::get(s, &netuid), uid),
        dividends: at(&Dividends::get(s, &netuid), uid),
        last_update: at(&LastUpdate::get(s, &index), uid),
        validator_permit: at(&ValidatorPermit::get(s, &netuid), uid),
        pruning_score: u16::MAX,
    })
}

/// The full view of `uid`, if a hotkey holds it.
fn full(s: &Storage, netuid: NetUid, uid: u16) -> Option<NeuronInfo> {
    let l = lite(s, netuid, uid)?;
    let index = mechanism_index(netuid, 0);
    Some(NeuronInfo {
        hotkey: l.hotkey,
        coldkey: l.coldkey,
        uid: l.uid,
        netuid: l.netuid,
        active: l.active,
        axon_info: l.axon_info,
        prometheus_info: l.prometheus_info,
        stake: l.stake,
        rank: l.rank,
        emission: l.emission,
        incentive: l.incentive,
        consensus: l.consensus,
        trust: l.trust,
        validator_trust: l.validator_trust,
        dividends: l.dividends,
        last_update: l.last_update,
        validator_permit: l.validator_permit,
        weights: nonzero(Weights::get(s, &index, &uid)),
        bonds: nonzero(Bonds::get(s, &index, &uid)),
        pruning_score: l.pruning_score,
    })
}

/// Uids `0..SubnetworkN` of an existing subnet, stopping at the first empty one.
fn all<T>(s: &Storage, netuid: u16, one: fn(&Storage, NetUid, u16) -> Option<T>) -> Vec<T> {
    let netuid = NetUid(netuid);
    if !NetworksAdded::get(s, &netuid) {
        return Vec::new();
    }
    (0..SubnetworkN::get(s, &netuid))
        .map_while(|uid| one(s, netuid, uid))
        .collect()
}

/// `get_neurons_lite(netuid)`.
pub fn get_neurons_lite(s: &Storage, netuid: u16) -> Vec<NeuronInfoLite> {
    all(s, netuid, lite)
}

/// `get_neuron_lite(netuid, uid)`.
pub fn get_neuron_lite(s: &Storage, netuid: u16, uid: u16) -> Option<NeuronInfoLite> {
    let netuid = NetUid(netuid);
    NetworksAdded::get(s, &netuid)
        .then(|| lite(s, netuid, uid))
        .flatten()
}

/// `get_neurons(netuid)`.
pub fn get_neurons(s: &Storage, netuid: u16) -> Vec<NeuronInfo> {
    all(s, netuid, full)
}

/// `get_neuron(netuid, uid)`.
pub fn get_neuron(s: &Storage, netuid: u16, uid: u16) -> Option<NeuronInfo> {
    let netuid = NetUid(netuid);
    NetworksAdded::get(s, &netuid)
        .then(|| full(s, netuid, uid))
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime_api::call;
    use crate::subtensor::Ctx;
    use crate::subtensor::registration::burned_register;
    use crate::subtensor::staking::add_stake;
    use crate::test_support::{TAO, acct, funded, subnet};

    #[test]
    fn neurons_of_a_subnet() {
        let mut s = funded(&[(1, 10_000 * TAO), (10, 100 * TAO)]);
        let netuid = subnet(&mut s, true);
        let uid =
            burned_register(&mut s, 2, &acct(10), netuid, &acct(11), &mut Vec::new()).unwrap();
        assert_eq!(uid, 1);
        let alpha = add_stake(
            &mut Ctx::new(&mut s, 0, None, &mut Vec::new()),
            &acct(10),
            &acct(11),
            netuid,
            5 * TAO,
        )
        .unwrap();
        let axon = AxonInfo {
            block: 3,
            version: 7,
            ip: 0x7f00_0001,
            port: 8091,
            ip_type: 4,
            protocol: 4,
            ..Default::default()
        };
        Axons::insert(&mut s, &netuid, &acct(11), &axon);
        Active::insert(&mut s, &netuid, &vec![false, true]);
        Emission::insert(&mut s, &netuid, &vec![0, 123]);
        Incentive::insert(&mut s, &netuid.0, &vec![0, 40_000]);
        Consensus::insert(&mut s, &netuid, &vec![0, 41_000]);
        ValidatorTrust::insert(&mut s, &netuid, &vec![0, 42_000]);
        Dividends::insert(&mut s, &netuid, &vec![0, 43_000]);
        LastUpdate::insert(&mut s, &netuid.0, &vec![0, 9]);
        ValidatorPermit::insert(&mut s, &netuid, &vec![false, true]);
        Weights::insert(&mut s, &netuid.0, &1, &vec![(0, 65_535), (1, 0)]);
        Bonds::insert(&mut s, &netuid.0, &1, &vec![(0, 5)]);

        let out = call(
            &s,
            "NeuronInfoRuntimeApi_get_neurons_lite",
            &netuid.0.encode(),
        )
        .unwrap();
        let lites = Vec::<NeuronInfoLite>::decode(&mut &out[..]).unwrap();
        assert_eq!(lites.len(), 2);
        assert_eq!(lites[0].hotkey, acct(2));
        assert_eq!(lites[0].coldkey, acct(1));
        assert_eq!(lites[0].axon_info, AxonInfo::default());
        let n = &lites[1];
        assert_eq!(
            (n.hotkey, n.coldkey, n.uid, n.netuid),
            (acct(11), acct(10), 1, netuid.0)
        );
        assert!(n.active && n.validator_permit);
        assert_eq!(n.axon_info, axon);
        assert_eq!(n.stake, vec![(acct(10), Compact(alpha))]);
        assert_eq!(
            (n.rank, n.trust, n.pruning_score, n.emission),
            (0, 0, u16::MAX, 123)
        );
        assert_eq!(
            (
                n.incentive,
                n.consensus,
                n.validator_trust,
                n.dividends,
                n.last_update
            ),
            (40_000, 41_000, 42_000, 43_000, 9)
        );

        let input = (netuid.0, 1u16).encode();
        let out = call(&s, "NeuronInfoRuntimeApi_get_neuron_lite", &input).unwrap();
        assert_eq!(
            Option::<NeuronInfoLite>::decode(&mut &out[..])
                .unwrap()
                .as_ref(),
            Some(n)
        );
        let out = call(&s, "NeuronInfoRuntimeApi_get_neuron", &input).unwrap();
        let full = Option::<NeuronInfo>::decode(&mut &out[..])
            .unwrap()
            .unwrap();
        assert_eq!(full.weights, vec![(Compact(0), Compact(65_535))]);
        assert_eq!(full.bonds, vec![(Compact(0), Compact(5))]);
        assert_eq!(
            (full.hotkey, full.emission, full.dividends),
            (acct(11), 123, 43_000)
        );
        let out = call(&s, "NeuronInfoRuntimeApi_get_neurons", &netuid.0.encode()).unwrap();
        let all = Vec::<NeuronInfo>::decode(&mut &out[..]).unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[1], full);

        // Missing uid, missing subnet.
        let out = call(
            &s,
            "NeuronInfoRuntimeApi_get_neuron",
            &(netuid.0, 5u16).encode(),
        )
        .unwrap();
        assert_eq!(out, vec![0]);
        let out = call(&s, "NeuronInfoRuntimeApi_get_neurons_lite", &[9, 0]).unwrap();
        assert_eq!(out, vec![0]);
    }
}
