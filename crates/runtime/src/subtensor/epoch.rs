//! Runs Yuma Consensus on a subnet's stored state: reads the epoch's input from storage, calls
//! [`cortex_yuma::run_epoch`], and writes its output back, as subtensor's `epoch_mechanism` and
//! `persist_*_epoch_terms` do for mechanism 0.

use super::storage::{
    Active, ActivityCutoffFactorMilli, AlphaSigmoidSteepness, AlphaValues, BlockAtRegistration,
    Bonds, BondsMovingAverage, BondsPenalty, BondsResetOn, CommitRevealWeightsEnabled, Consensus,
    Dividends, Emission, Incentive, Kappa, Keys, LastMechansimStepBlock, LastUpdate, LiquidAlphaOn,
    MaxAllowedValidators, MechanismCountCurrent, StakeThreshold, StakeWeight, SubnetOwnerHotkey,
    SubnetworkN, TaoWeight, Tempo, TotalHotkeyAlpha, Uids, ValidatorPermit, ValidatorTrust,
    WeightCommits, Weights, Yuma3On, mechanism_index,
};
use super::weights::is_commit_expired;
use crate::storage::Storage;
use cortex_primitives::{AccountId32, NetUid};
use cortex_yuma::{EpochInput, EpochOutput, EpochParams, run_epoch};

/// Assembles mechanism 0's epoch input for `netuid` at `block`, distributing `emission`.
///
/// Stake is each hotkey's own alpha on the subnet plus its root stake at `TaoWeight` (Cortex has
/// no childkeys, so inherited stake is own stake). With commit-reveal on, each validator's
/// earliest unexpired hash commit masks weights to uids registered after it.
pub fn epoch_input(s: &Storage, netuid: NetUid, block: u64, emission: u64) -> EpochInput {
    let n = SubnetworkN::get(s, &netuid);
    let index = mechanism_index(netuid, 0);
    let hotkeys: Vec<_> = (0..n).map(|uid| Keys::try_get(s, &netuid, &uid)).collect();
    let alpha_stake = hotkeys
        .iter()
        .map(|hk| {
            hk.as_ref()
                .map_or(0, |hk| TotalHotkeyAlpha::get(s, hk, &netuid))
        })
        .collect();
    let tao_stake = hotkeys
        .iter()
        .map(|hk| {
            hk.as_ref()
                .map_or(0, |hk| TotalHotkeyAlpha::get(s, hk, &NetUid::ROOT))
        })
        .collect();
    let block_at_registration = (0..n)
        .zip(&hotkeys)
        .map(|(uid, hk)| {
            if hk.is_some() {
                BlockAtRegistration::get(s, &netuid, &uid)
            } else {
                0
            }
        })
        .collect();
    let owner_uid =
        SubnetOwnerHotkey::try_get(s, &netuid).and_then(|hk| Uids::try_get(s, &netuid, &hk));
    let commit_blocks = CommitRevealWeightsEnabled::get(s, &netuid).then(|| {
        hotkeys
            .iter()
            .map(|hk| {
                let Some(hk) = hk else { return u64::MAX };
                WeightCommits::try_get(s, &index, hk)
                    .unwrap_or_default()
                    .iter()
                    .find(|(_, commit_epoch, _, _)| {
                        !is_commit_expired(s, netuid, *commit_epoch, true)
                    })
                    .map_or(u64::MAX, |(_, _, commit_block, _)| *commit_block)
            })
            .collect()
    });
    let (alpha_low, alpha_high) = AlphaValues::get(s, &netuid);
    EpochInput {
        n,
        current_block: block,
        emission,
        alpha_stake,
        tao_stake,
        last_update: LastUpdate::get(s, &index),
        block_at_registration,
        validator_permit: ValidatorPermit::get(s, &netuid),
        weights: (0..n).map(|uid| Weights::get(s, &index, &uid)).collect(),
        bonds: (0..n).map(|uid| Bonds::get(s, &index, &uid)).collect(),
        commit_blocks,
        params: EpochParams {
            tempo: Tempo::get(s, &netuid),
            activity_cutoff_factor_milli: ActivityCutoffFactorMilli::get(s, &netuid),
            kappa: Kappa::get(s, &netuid),
            bonds_penalty: BondsPenalty::get(s, &netuid),
            bonds_moving_average: BondsMovingAverage::get(s, &netuid),
            yuma3: Yuma3On::get(s, &netuid),
            liquid_alpha: LiquidAlphaOn::get(s, &netuid),
            alpha_low,
            alpha_high,
            alpha_sigmoid_steepness: AlphaSigmoidSteepness::get(s, &netuid),
            max_allowed_validators: MaxAllowedValidators::get(s, &netuid),
            stake_threshold: StakeThreshold::get(s),
            owner_uid,
            last_epoch_block: LastMechansimStepBlock::get(s, &netuid),
            tao_weight: TaoWeight::get(s),
        },
    }
}

/// Writes mechanism 0's epoch output: incentive and every uid's bond row (emptied for uids
/// without a permit), then the subnet's per-uid vectors.
pub fn persist_epoch(s: &mut Storage, netuid: NetUid, out: &EpochOutput) {
    let index = mechanism_index(netuid, 0);
    Incentive::insert(s, &index, &out.incentive);
    for (uid, row) in (0u16..).zip(&out.bonds) {
        Bonds::insert(s, &index, &uid, row);
    }
    Active::insert(s, &netuid, &out.active);
    Emission::insert(s, &netuid, &out.emission);
    Consensus::insert(s, &netuid, &out.consensus);
    Dividends::insert(s, &netuid, &out.dividends);
    ValidatorTrust::insert(s, &netuid, &out.validator_trust);
    ValidatorPermit::insert(s, &netuid, &out.validator_permit);
    StakeWeight::insert(s, &netuid, &out.stake_weight);
}

/// Runs mechanism 0's epoch of `netuid` on stored state and persists it; returns the output
/// (whose per-uid emissions the caller distributes).
pub fn run_subnet_epoch(s: &mut Storage, netuid: NetUid, block: u64, emission: u64) -> EpochOutput {
    let input = epoch_input(s, netuid, block, emission);
    let out = run_epoch(&input);
    persist_epoch(s, netuid, &out);
    out
}

/// Drops `hotkey`'s uid from every bond row of each of the subnet's mechanisms, if the subnet
/// has bonds reset on (subtensor's `do_reset_bonds` through `OnMetadataCommitment`).
pub fn reset_bonds(s: &mut Storage, netuid: NetUid, hotkey: &AccountId32) {
    if !BondsResetOn::get(s, &netuid) {
        return;
    }
    let Some(uid) = Uids::try_get(s, &netuid, hotkey) else {
        return;
    };
    for mecid in 0..MechanismCountCurrent::get(s, &netuid) {
        let index = mechanism_index(netuid, mecid);
        for (row, bonds) in Bonds::iter_prefix(s, &index) {
            let kept: Vec<(u16, u16)> = bonds.into_iter().filter(|(j, _)| *j != uid).collect();
            Bonds::insert(s, &index, &row, &kept);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::subtensor::storage::{RevealPeriodEpochs, SubnetEpochIndex};
    use cortex_primitives::AccountId32;
    use cortex_yuma::{Expected, Scenario, max_upscale_u16};

    fn hotkey(uid: u16) -> AccountId32 {
        let mut k = [0u8; 32];
        k[..2].copy_from_slice(&uid.to_le_bytes());
        k[31] = 0xAA;
        AccountId32(k)
    }

    /// Replays a golden scenario through storage (registrations, stake, `set_weights` writes,
    /// epochs read from and written to storage) and checks every epoch against the expected
    /// file: the runtime's plumbing feeds the epoch exactly what the scenario runner does.
    fn replay(name: &str) {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../yuma/tests/golden/");
        let text = std::fs::read_to_string(format!("{dir}{name}.json")).unwrap();
        let scenario = Scenario::from_json(&text).unwrap();
        let expected: Expected = serde_json::from_str(
            &std::fs::read_to_string(format!("{dir}{name}.expected.json")).unwrap(),
        )
        .unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        let params = &json["params"];
        let netuid = NetUid(1);
        let mut s = Storage::new();
        SubnetworkN::insert(&mut s, &netuid, &scenario.n);
        CommitRevealWeightsEnabled::insert(&mut s, &netuid, &false);
        TaoWeight::put(&mut s, &0);
        let set_u16 = |s: &mut Storage, key: &str, f: fn(&mut Storage, &NetUid, &u16)| {
            if let Some(v) = params[key].as_u64() {
                f(s, &netuid, &(v as u16));
            }
        };
        set_u16(&mut s, "kappa", Kappa::insert);
        set_u16(&mut s, "bonds_penalty", |s, n, v| {
            BondsPenalty::insert(s, n, v)
        });
        set_u16(&mut s, "tempo", Tempo::insert);
        set_u16(&mut s, "max_allowed_validators", |s, n, v| {
            MaxAllowedValidators::insert(s, n, v)
        });
        MaxAllowedValidators::insert(
            &mut s,
            &netuid,
            &(params["max_allowed_validators"].as_u64().unwrap_or(64) as u16),
        );
        if let Some(v) = params["bonds_moving_average"].as_u64() {
            BondsMovingAverage::insert(&mut s, &netuid, &v);
        }
        Yuma3On::insert(&mut s, &netuid, &params["yuma3"].as_bool().unwrap_or(false));
        LiquidAlphaOn::insert(
            &mut s,
            &netuid,
            &params["liquid_alpha"].as_bool().unwrap_or(false),
        );
        let low = params["alpha_low"].as_u64().unwrap_or(45_875) as u16;
        let high = params["alpha_high"].as_u64().unwrap_or(58_982) as u16;
        AlphaValues::insert(&mut s, &netuid, &(low, high));
        if let Some(v) = params["alpha_sigmoid_steepness"].as_i64() {
            AlphaSigmoidSteepness::insert(&mut s, &netuid, &(v as i16));
        }
        for uid in 0..scenario.n {
            let hk = hotkey(uid);
            Keys::insert(&mut s, &netuid, &uid, &hk);
            Uids::insert(&mut s, &netuid, &hk, &uid);
            BlockAtRegistration::insert(
                &mut s,
                &netuid,
                &uid,
                &scenario.block_at_registration[usize::from(uid)],
            );
            TotalHotkeyAlpha::insert(&mut s, &hk, &netuid, &scenario.stake[usize::from(uid)]);
        }
        let index = mechanism_index(netuid, 0);
        LastUpdate::insert(&mut s, &index, &scenario.last_update);
        ValidatorPermit::insert(&mut s, &netuid, &scenario.validator_permit);
        let mut epoch = 0;
        for event in &scenario.events {
            match event {
                cortex_yuma::scenario::Event::SetWeights(w) => {
                    let row: Vec<(u16, u16)> = w
                        .dests
                        .iter()
                        .copied()
                        .zip(max_upscale_u16(&w.values))
                        .collect();
                    Weights::insert(&mut s, &index, &w.uid, &row);
                    let mut lu = LastUpdate::get(&s, &index);
                    lu[usize::from(w.uid)] = w.block;
                    LastUpdate::insert(&mut s, &index, &lu);
                }
                cortex_yuma::scenario::Event::SetStake(st) => {
                    TotalHotkeyAlpha::insert(&mut s, &hotkey(st.uid), &netuid, &st.stake);
                }
                cortex_yuma::scenario::Event::SetParams(_) => {
                    panic!("not used by the replayed goldens")
                }
                cortex_yuma::scenario::Event::Epoch(e) => {
                    let out = run_subnet_epoch(&mut s, netuid, e.block, e.emission);
                    let want = &expected.epochs[epoch];
                    assert_eq!(out.incentive, want.incentive, "{name} epoch {epoch}");
                    assert_eq!(out.dividends, want.dividends, "{name} epoch {epoch}");
                    assert_eq!(
                        out.server_emission, want.server_emission,
                        "{name} epoch {epoch}"
                    );
                    assert_eq!(
                        out.validator_emission, want.validator_emission,
                        "{name} epoch {epoch}"
                    );
                    assert_eq!(ValidatorPermit::get(&s, &netuid), want.validator_permit);
                    for (uid, want_row) in want.bonds.iter().enumerate() {
                        let mut row = Bonds::get(&s, &index, &(uid as u16));
                        row.sort_by_key(|(j, _)| *j);
                        assert_eq!(&row, want_row, "{name} epoch {epoch} bonds of {uid}");
                    }
                    epoch += 1;
                }
            }
        }
        assert_eq!(epoch, expected.epochs.len());
    }

    #[test]
    fn golden_scenarios_through_storage() {
        for name in [
            "bonds_original_yuma",
            "y3_kappa_moves_first",
            "random_1",
            "random_2",
        ] {
            replay(name);
        }
    }

    #[test]
    fn expired_commits_do_not_mask() {
        let mut s = Storage::new();
        let netuid = NetUid(2);
        SubnetEpochIndex::insert(&mut s, &netuid, &5);
        RevealPeriodEpochs::insert(&mut s, &netuid, &1);
        // An epoch due this block judges against index 6: a commit of epoch 4 is expired,
        // one of epoch 5 is not.
        assert!(is_commit_expired(&s, netuid, 4, true));
        assert!(!is_commit_expired(&s, netuid, 5, true));
        assert!(!is_commit_expired(&s, netuid, 4, false));
        // The earliest unexpired commit's block masks weights.
        SubnetworkN::insert(&mut s, &netuid, &1);
        let hk = hotkey(0);
        Keys::insert(&mut s, &netuid, &0, &hk);
        WeightCommits::insert(
            &mut s,
            &2,
            &hk,
            &vec![
                ([0; 32], 4, 40, 0),
                ([1; 32], 5, 50, 0),
                ([2; 32], 6, 60, 0),
            ],
        );
        let input = epoch_input(&s, netuid, 70, 0);
        assert_eq!(input.commit_blocks, Some(vec![50]));
        CommitRevealWeightsEnabled::insert(&mut s, &netuid, &false);
        assert_eq!(epoch_input(&s, netuid, 70, 0).commit_blocks, None);
    }
}
