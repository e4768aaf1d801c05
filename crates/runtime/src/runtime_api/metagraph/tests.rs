//! The metagraph, delegate and stake-fee APIs on a subnet built by real calls: registrations,
//! stakes, weights and epochs run by the block step.

use super::*;
use crate::commitments::{BoundedBytes, CommitmentInfo, Data, Registration};
use crate::runtime_api::call;
use crate::runtime_api::delegate_info::DelegateInfo;
use crate::runtime_api::selective::{COMMITMENTS, SelectiveMetagraph, VALIDATORS};
use crate::runtime_api::stake_info::{LockState, StakeAvailability};
use crate::runtime_api::swap::{SimSwapResult, sim_swap_tao_for_alpha};
use crate::subtensor::Ctx;
use crate::subtensor::block::block_step;
use crate::subtensor::identity::set_identity;
use crate::subtensor::registration::burned_register;
use crate::subtensor::serving::{ServeAxon, serve_axon};
use crate::subtensor::staking::add_stake;
use crate::subtensor::weights::set_weights;
use crate::test_support::{TAO, acct, funded, subnet};
use std::collections::BTreeMap;
use substrate_fixed::types::U64F64;

/// A subnet with three neurons (the owner's hotkey `acct(2)` at uid 0, `acct(11)` and
/// `acct(21)`), stake from their coldkeys plus a nomination of `acct(30)` on `acct(2)`, the
/// owner's weights, an axon, an identity and a commitment, after three epochs.
fn chain() -> (Storage, NetUid) {
    let mut s = funded(&[
        (1, 10_000 * TAO),
        (10, 1_000 * TAO),
        (20, 1_000 * TAO),
        (30, 1_000 * TAO),
    ]);
    let netuid = subnet(&mut s, true);
    assert_eq!(netuid, NetUid(1), "owner_weights sets weights on netuid 1");
    Tempo::insert(&mut s, &netuid, &10);
    CommitRevealWeightsEnabled::insert(&mut s, &netuid, &false);
    WeightsSetRateLimit::insert(&mut s, &netuid, &0);
    let mut ev = Vec::new();
    assert_eq!(
        burned_register(&mut s, 2, &acct(10), netuid, &acct(11), &mut ev),
        Ok(1)
    );
    assert_eq!(
        burned_register(&mut s, 2, &acct(20), netuid, &acct(21), &mut ev),
        Ok(2)
    );
    for (coldkey, hotkey, tao) in [(1, 2, 100), (10, 11, 20), (30, 2, 5), (20, 21, 1)] {
        add_stake(
            &mut Ctx::new(&mut s, 2, None, &mut ev),
            &acct(coldkey),
            &acct(hotkey),
            netuid,
            tao * TAO,
        )
        .unwrap();
    }
    owner_weights(&mut s, 2);
    let axon = ServeAxon {
        netuid,
        version: 7,
        ip: 0x0808_0808,
        port: 8091,
        ip_type: 4,
        protocol: 4,
        placeholder1: 0,
        placeholder2: 0,
    };
    serve_axon(&mut Ctx::new(&mut s, 2, None, &mut ev), &acct(11), &axon, None).unwrap();
    let identity = ChainIdentityV2 {
        name: b"miner".to_vec(),
        ..Default::default()
    };
    set_identity(&mut s, &acct(10), identity, &mut ev).unwrap();
    let registration = Registration {
        deposit: 0,
        block: 2,
        info: CommitmentInfo {
            fields: vec![Data::Raw(BoundedBytes::new(b"hello".to_vec()).unwrap())],
        },
    };
    crate::subtensor::delegation::decrease_take(&mut s, 2, &acct(1), &acct(2), 1_000, &mut ev)
        .unwrap();
    crate::commitments::CommitmentOf::insert(&mut s, &netuid, &acct(21), &registration);
    for block in 3..=35 {
        // The owner keeps its weights fresh (within the activity cutoff).
        if block % 5 == 0 {
            owner_weights(&mut s, block);
        }
        block_step(&mut s, block, &mut Vec::new());
    }
    crate::system::Number::put(&mut s, &35);
    assert!(SubnetEpochIndex::get(&s, &netuid) >= 2, "epochs ran");
    (s, netuid)
}

/// The owner's hotkey weighs uid 1 twice as much as uid 2, at `block`.
fn owner_weights(s: &mut Storage, block: u64) {
    let netuid = NetUid(1);
    let mut ev = Vec::new();
    set_weights(
        &mut Ctx::new(s, block, None, &mut ev),
        &acct(2),
        netuid,
        &[1, 2],
        &[40_000, 20_000],
        0,
        false,
    )
    .unwrap();
}

fn metagraph(s: &Storage, netuid: NetUid) -> Metagraph {
    let out = call(s, "SubnetInfoRuntimeApi_get_metagraph", &netuid.0.encode()).unwrap();
    let mut input = &out[..];
    let m = Option::<Metagraph>::decode(&mut input).unwrap().unwrap();
    assert!(input.is_empty());
    m
}

fn selective(s: &Storage, method: &str, input: Vec<u8>) -> Option<SelectiveMetagraph> {
    let out = call(s, method, &input).unwrap();
    let mut rest = &out[..];
    let m = Option::<SelectiveMetagraph>::decode(&mut rest).unwrap();
    assert!(rest.is_empty());
    m
}

#[test]
fn the_metagraph_reads_the_subnets_state() {
    let (s, netuid) = chain();
    let m = metagraph(&s, netuid);
    let n = &netuid;
    // The subnet terms are the dynamic info's.
    let d = crate::runtime_api::subnet_info::get_dynamic_info(&s, netuid.0).unwrap();
    assert_eq!(m.netuid, netuid.0);
    assert_eq!((m.name.clone(), m.symbol.clone()), (d.subnet_name, d.token_symbol));
    assert_eq!((m.owner_coldkey, m.owner_hotkey), (acct(1), acct(2)));
    assert_eq!((m.block, m.tempo), (35, 10));
    assert_eq!(m.last_step, LastMechansimStepBlock::get(&s, n));
    assert_eq!(m.blocks_since_last_step, 35 - m.last_step);
    assert!(m.last_step > 2);
    assert_eq!(
        (m.alpha_in, m.alpha_out, m.tao_in),
        (
            SubnetAlphaIn::get(&s, n),
            SubnetAlphaOut::get(&s, n),
            SubnetTAO::get(&s, n)
        )
    );
    assert!(m.alpha_out_emission > 0 && m.tao_in > 0);
    assert_eq!(m.moving_price, SubnetMovingPrice::get(&s, n));
    assert_eq!(m.subnet_volume, d.subnet_volume);
    assert!(m.subnet_volume > 0);
    // Hyperparameters.
    assert_eq!(
        (m.rho, m.kappa, m.max_weights_limit, m.immunity_period),
        (
            Rho::get(&s, n),
            Kappa::get(&s, n),
            MaxWeightsLimit::get(&s, n),
            ImmunityPeriod::get(&s, n)
        )
    );
    assert_eq!(m.activity_cutoff, activity_cutoff_blocks(&s, netuid));
    assert_eq!((m.num_uids, m.max_uids), (3, MaxAllowedUids::get(&s, n)));
    assert_eq!((m.burn, m.min_burn), (Burn::get(&s, n), MinBurn::get(&s, n)));
    assert!(!m.pow_registration_allowed && m.registration_allowed);
    assert!(!m.commit_reveal_weights_enabled);
    assert_eq!((m.alpha_low, m.alpha_high), AlphaValues::get(&s, n));
    // Per uid.
    assert_eq!(m.hotkeys, vec![acct(2), acct(11), acct(21)]);
    assert_eq!(m.coldkeys, vec![acct(1), acct(10), acct(20)]);
    assert_eq!(m.identities[0], None);
    assert_eq!(m.identities[1].as_ref().map(|i| i.name.clone()), Some(b"miner".to_vec()));
    assert_eq!((m.axons[1].port, m.axons[1].ip), (8091, 0x0808_0808));
    assert_eq!(m.axons[0], AxonInfo::default());
    assert_eq!(m.active, Active::get(&s, n));
    assert_eq!(m.validator_permit, ValidatorPermit::get(&s, n));
    assert!(m.validator_permit[0]);
    let emission = Emission::get(&s, n);
    assert_eq!(m.emission, compact(emission.clone()));
    assert!(emission[1] > emission[2] && emission[2] > 0, "{emission:?}");
    assert_eq!(m.dividends, compact(Dividends::get(&s, n)));
    assert_eq!(m.incentives, compact(Incentive::get(&s, &netuid.0)));
    assert!(m.incentives[1].0 > m.incentives[2].0, "{:?}", m.incentives);
    assert_eq!(m.consensus, compact(Consensus::get(&s, n)));
    assert_eq!(m.last_update[0], Compact(35));
    assert_eq!(m.block_at_registration, vec![Compact(1), Compact(2), Compact(2)]);
    let alpha: Vec<u64> = [2, 11, 21]
        .iter()
        .map(|h| TotalHotkeyAlpha::get(&s, &acct(*h), n))
        .collect();
    assert_eq!(m.alpha_stake, compact(alpha.clone()));
    assert_eq!(m.tao_stake, compact(vec![0, 0, 0]));
    assert_eq!(m.total_stake, compact(alpha));
    assert!(m.pruning_score.is_empty() && m.trust.is_empty() && m.rank.is_empty());
    assert_eq!(
        m.tao_dividends_per_hotkey,
        vec![(acct(2), Compact(0)), (acct(11), Compact(0)), (acct(21), Compact(0))]
    );
    let owner_divs = AlphaDividendsPerSubnet::get(&s, n, &acct(2));
    assert!(owner_divs > 0);
    assert_eq!(m.alpha_dividends_per_hotkey[0], (acct(2), Compact(owner_divs)));

    // Mechanism 0 is the subnet; there is no other; a missing subnet has none.
    let input = (netuid.0, 0u8).encode();
    let out = call(&s, "SubnetInfoRuntimeApi_get_mechagraph", &input).unwrap();
    assert_eq!(Option::<Metagraph>::decode(&mut &out[..]).unwrap(), Some(m.clone()));
    let input = (netuid.0, 1u8).encode();
    assert_eq!(
        call(&s, "SubnetInfoRuntimeApi_get_mechagraph", &input).unwrap(),
        vec![0]
    );
    assert_eq!(
        call(&s, "SubnetInfoRuntimeApi_get_metagraph", &[9, 0]).unwrap(),
        vec![0]
    );
}

#[test]
fn all_metagraphs_have_one_entry_per_netuid() {
    let (mut s, netuid) = chain();
    crate::balances::mint_into(&mut s, &acct(1), 10_000 * TAO, &mut Vec::new()).unwrap();
    NetworkRateLimit::put(&mut s, &0);
    let second = subnet(&mut s, false);
    for method in [
        "SubnetInfoRuntimeApi_get_all_metagraphs",
        "SubnetInfoRuntimeApi_get_all_mechagraphs",
    ] {
        let out = call(&s, method, &[]).unwrap();
        let all = Vec::<Option<Metagraph>>::decode(&mut &out[..]).unwrap();
        let netuids: Vec<u16> = all.iter().map(|m| m.as_ref().unwrap().netuid).collect();
        assert_eq!(netuids, vec![netuid.0, second.0], "{method}");
        assert_eq!(all[0].as_ref(), Some(&metagraph(&s, netuid)));
        assert_eq!(all[1].as_ref().unwrap().num_uids, 1);
    }
}

#[test]
fn selective_metagraph_answers_only_what_was_asked() {
    let (s, netuid) = chain();
    let m = metagraph(&s, netuid);
    // Name (1), tempo (8), hotkeys (52), total stake (69), validators, commitments, and two
    // indexes no version knows.
    let asked: Vec<u16> = vec![1, 8, 52, 69, VALIDATORS, COMMITMENTS, 74, 500];
    let input = (netuid.0, asked.clone()).encode();
    let sel = selective(&s, "SubnetInfoRuntimeApi_get_selective_metagraph", input).unwrap();
    let expected = SelectiveMetagraph {
        netuid: 0, // index 0 not asked for
        name: Some(m.name.clone()),
        tempo: Some(Compact(10)),
        hotkeys: Some(m.hotkeys.clone()),
        total_stake: Some(m.total_stake.clone()),
        validators: sel.validators.clone(),
        commitments: sel.commitments.clone(),
        ..Default::default()
    };
    assert_eq!(sel, expected);
    // Validators: permitted uids above the (zero) threshold, smallest stake first.
    let mut by_stake: Vec<(u64, u16)> = m
        .total_stake
        .iter()
        .enumerate()
        .filter(|(uid, _)| m.validator_permit[*uid])
        .map(|(uid, st)| (st.0, uid as u16))
        .collect();
    by_stake.sort();
    let uids: Vec<Compact<u16>> = by_stake.iter().map(|(_, u)| Compact(*u)).collect();
    assert_eq!(sel.validators, Some(uids));
    assert_eq!(sel.validators.as_ref().unwrap().last(), Some(&Compact(0)));
    // The raw commitment, whose text starts 14 bytes in (what the SDK skips).
    let commitments = sel.commitments.unwrap();
    assert_eq!(commitments.len(), 1);
    assert_eq!(commitments[0].0, acct(21));
    let bytes: Vec<u8> = commitments[0].1.iter().map(|c| c.0).collect();
    assert_eq!(&bytes[14..], b"hello");

    // Every index the SDK knows, as it asks through the mechagraph: the whole metagraph.
    let all: Vec<u16> = (0..=COMMITMENTS).collect();
    let input = (netuid.0, 0u8, all).encode();
    let full = selective(&s, "SubnetInfoRuntimeApi_get_selective_mechagraph", input).unwrap();
    assert_eq!(full.netuid, netuid.0);
    assert_eq!(full.identity, Some(m.identity.clone()));
    assert_eq!(full.moving_price, Some(m.moving_price));
    assert_eq!(full.axons, Some(m.axons.clone()));
    assert_eq!(full.alpha_dividends_per_hotkey, Some(m.alpha_dividends_per_hotkey.clone()));
    assert_eq!(full.bonds_moving_avg, Some(Compact(m.bonds_moving_avg)));
    assert_eq!(full.pow_registration_allowed, Some(false));
    // A mechagraph carries its netuid even when index 0 is not asked for.
    let input = (netuid.0, 0u8, vec![8u16]).encode();
    let one = selective(&s, "SubnetInfoRuntimeApi_get_selective_mechagraph", input).unwrap();
    assert_eq!((one.netuid, one.tempo, one.name), (netuid.0, Some(Compact(10)), None));
    // No subnet, no mechanism 1, no answer.
    let input = (9u16, vec![0u16]).encode();
    assert_eq!(selective(&s, "SubnetInfoRuntimeApi_get_selective_metagraph", input), None);
    let input = (netuid.0, 1u8, vec![0u16]).encode();
    assert_eq!(selective(&s, "SubnetInfoRuntimeApi_get_selective_mechagraph", input), None);
    // The wire: 73 fields, so an empty request is the compact netuid and 73 `None` bytes.
    let out = call(
        &s,
        "SubnetInfoRuntimeApi_get_selective_metagraph",
        &(netuid.0, Vec::<u16>::new()).encode(),
    )
    .unwrap();
    assert_eq!(out.len(), 1 + 1 + 73);
    assert!(out[2..].iter().all(|b| *b == 0));
}

#[test]
fn a_validator_below_the_stake_threshold_is_left_out() {
    let (mut s, netuid) = chain();
    let m = metagraph(&s, netuid);
    let smallest = m
        .total_stake
        .iter()
        .enumerate()
        .filter(|(uid, _)| m.validator_permit[*uid])
        .map(|(_, st)| st.0)
        .min()
        .unwrap();
    StakeThreshold::put(&mut s, &smallest);
    let v = crate::runtime_api::selective::validators(&s, netuid);
    let expected = m.validator_permit.iter().filter(|p| **p).count() - 1;
    assert_eq!(v.len(), expected);
}

#[test]
fn delegates_report_their_nominators_and_returns() {
    let (s, netuid) = chain();
    let out = call(&s, "DelegateInfoRuntimeApi_get_delegate", &acct(2).encode()).unwrap();
    let d = Option::<DelegateInfo>::decode(&mut &out[..]).unwrap().unwrap();
    assert_eq!(d.delegate_ss58, acct(2));
    assert_eq!(d.owner_ss58, acct(1));
    assert_eq!(d.take, Delegates::get(&s, &acct(2)));
    // Both coldkeys staking on the owner's hotkey, in account order, with their alpha.
    let stake = |c: u8| crate::subtensor::shares::stake_of(&s, &acct(2), &acct(c), netuid);
    assert_eq!(
        d.nominators,
        vec![
            (acct(1), vec![(Compact(netuid.0), Compact(stake(1)))]),
            (acct(30), vec![(Compact(netuid.0), Compact(stake(30)))]),
        ]
    );
    assert!(stake(30) > 0);
    assert_eq!(d.registrations, vec![Compact(netuid.0)]);
    assert_eq!(d.validator_permits, vec![Compact(netuid.0)]);
    // 7200 / 10 = 720 epochs a day of the last epoch's emission; no root stake, no return.
    let emission = Emission::get(&s, &netuid)[0];
    assert!(emission > 0);
    assert_eq!(d.total_daily_return, emission * 720);
    assert_eq!(d.return_per_1000, 0);

    let out = call(&s, "DelegateInfoRuntimeApi_get_delegates", &[]).unwrap();
    let all = Vec::<DelegateInfo>::decode(&mut &out[..]).unwrap();
    assert!(all.contains(&d));
    assert_eq!(all.len(), Delegates::iter(&s).len());
    // Not a delegate.
    let out = call(&s, "DelegateInfoRuntimeApi_get_delegate", &acct(99).encode()).unwrap();
    assert_eq!(out, vec![0]);

    // Where acct(30) is staked: the owner's hotkey, with its position, nominators left out.
    let out = call(&s, "DelegateInfoRuntimeApi_get_delegated", &acct(30).encode()).unwrap();
    let delegated =
        Vec::<(DelegateInfo, (Compact<u16>, Compact<u64>))>::decode(&mut &out[..]).unwrap();
    assert_eq!(delegated.len(), 1);
    let (info, (n, alpha)) = &delegated[0];
    assert_eq!((info.delegate_ss58, n.0, alpha.0), (acct(2), netuid.0, stake(30)));
    assert!(info.nominators.is_empty());
}

#[test]
fn return_per_1000_counts_root_stake_and_the_take() {
    // 1000 TAO of root stake earning 7200 rao a day at take 0 returns 7200 per 1000 TAO; at
    // the full take, nothing.
    let day = U64F64::from_num(7_200);
    let r = |take, stake| {
        crate::runtime_api::delegate_info::return_per_1000_tao(take, stake, day).to_num::<u64>()
    };
    assert_eq!(r(0, 1_000 * TAO), 7_200);
    assert_eq!(r(0, 2_000 * TAO), 3_600);
    assert_eq!(r(u16::MAX, 1_000 * TAO), 0);
    assert_eq!(r(0, 0), 0);
}

#[test]
fn stake_fee_is_the_pools_fee() {
    let (s, netuid) = chain();
    let fee = |origin: Option<(AccountId32, u16)>, destination: Option<(AccountId32, u16)>| {
        let input = (origin, acct(10), destination, acct(10), 10 * TAO).encode();
        let out = call(&s, "StakeInfoRuntimeApi_get_stake_fee", &input).unwrap();
        u64::decode(&mut &out[..]).unwrap()
    };
    // Staking 10 TAO pays the fee the swap quote charges.
    let quote: SimSwapResult = sim_swap_tao_for_alpha(&s, netuid.0, 10 * TAO);
    assert!(quote.tao_fee > 0);
    assert_eq!(fee(None, Some((acct(11), netuid.0))), quote.tao_fee);
    // Unstaking: the origin's pool; a move between hotkeys: the destination's.
    assert_eq!(fee(Some((acct(11), netuid.0)), None), quote.tao_fee);
    assert_eq!(
        fee(Some((acct(11), 0)), Some((acct(2), netuid.0))),
        quote.tao_fee
    );
    // Nothing moves, or root (1:1): no fee.
    assert_eq!(fee(Some((acct(11), netuid.0)), Some((acct(11), netuid.0))), 0);
    assert_eq!(fee(None, Some((acct(11), 0))), 0);
}

#[test]
fn stake_availability_and_locks() {
    let (s, netuid) = chain();
    let avail = |coldkeys: Vec<AccountId32>, netuids: Option<Vec<u16>>| {
        let out = call(
            &s,
            "StakeInfoRuntimeApi_get_stake_availability_for_coldkeys",
            &(coldkeys, netuids).encode(),
        )
        .unwrap();
        BTreeMap::<AccountId32, BTreeMap<u16, StakeAvailability>>::decode(&mut &out[..]).unwrap()
    };
    let total = crate::subtensor::shares::stake_of(&s, &acct(11), &acct(10), netuid);
    let one = StakeAvailability {
        total,
        locked: 0,
        available: total,
    };
    let got = avail(vec![acct(10), acct(99)], None);
    assert_eq!(
        got,
        BTreeMap::from([
            (acct(10), BTreeMap::from([(netuid.0, one.clone())])),
            (acct(99), BTreeMap::new()),
        ])
    );
    assert_eq!(
        avail(vec![acct(10)], Some(vec![netuid.0, netuid.0])),
        BTreeMap::from([(acct(10), BTreeMap::from([(netuid.0, one)]))])
    );
    // A subnet that does not exist is left out.
    assert_eq!(
        avail(vec![acct(10)], Some(vec![42])),
        BTreeMap::from([(acct(10), BTreeMap::new())])
    );
    // Invalid netuid lists: each coldkey, no subnet; no coldkey: nothing.
    assert_eq!(
        avail(vec![acct(10)], Some(vec![])),
        BTreeMap::from([(acct(10), BTreeMap::new())])
    );
    assert_eq!(
        avail(vec![acct(10)], Some(vec![1, 2, 3])),
        BTreeMap::from([(acct(10), BTreeMap::new())])
    );
    assert!(avail(vec![], None).is_empty());

    // No locks: no lock, no conviction, no most convicted hotkey.
    let input = (acct(10), netuid.0).encode();
    let out = call(&s, "StakeInfoRuntimeApi_get_coldkey_lock", &input).unwrap();
    assert_eq!(Option::<LockState>::decode(&mut &out[..]).unwrap(), None);
    let input = (acct(2), netuid.0).encode();
    let out = call(&s, "StakeInfoRuntimeApi_get_hotkey_conviction", &input).unwrap();
    assert_eq!(out, vec![0; 16]);
    let out = call(
        &s,
        "StakeInfoRuntimeApi_get_most_convicted_hotkey_on_subnet",
        &netuid.0.encode(),
    )
    .unwrap();
    assert_eq!(out, vec![0]);
}
