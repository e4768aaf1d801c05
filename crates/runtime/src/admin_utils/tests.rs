//! AdminUtils' setters: origins, bounds, the freeze window and the owner rate limits, through
//! the executive's dispatcher.

use super::*;
use crate::subtensor::Ctx;
use crate::support::{BlockContext, DispatchClass, DispatchError, Origin, Pays};
use crate::balances;
use crate::call::{RuntimeCall, SubtensorCall};
use crate::event::RuntimeEvent;
use crate::subtensor::pool::subnet_account;
use crate::subtensor::rate_limits::{
    LastRateLimitedBlock, RateLimitKey, transaction_key_last_block,
};
use AdminUtilsCall as C;
use crate::subtensor::shares::stake_of;
use crate::subtensor::staking;
use crate::test_support::{TAO, acct, funded, subnet};
use crate::subtensor::events::Event;
use crate::subtensor::coinbase::{RecycleOrBurnEnum, OwnerCutEnabled, SubnetMovingAlpha, EMAPriceHalvingBlocks, RecycleOrBurn};
use crate::subtensor::rate_limits::Hyperparameter;
use crate::subtensor::errors::Error;
use crate::subtensor::delegation::{MaxDelegateTake, TxDelegateTakeRateLimit, MinDelegateTake};
use crate::subtensor::staking::{NominatorMinRequiredStake, nominator_min_required_stake};
use crate::subtensor::stake_moves::TransferToggle;
use crate::subtensor::owner::{AdminFreezeWindow, OwnerHyperparamRateLimit};
use crate::subtensor::registration::{
    MaxRegistrationsPerBlock, MinNonImmuneUids, TargetRegistrationsPerInterval,
};
use crate::subtensor::subnets::StartCallDelay;
use substrate_fixed::types::I96F32;

/// A started subnet (netuid 1, owner `acct(1)`, tempo 360, last epoch at block 0).
fn setup() -> (Storage, NetUid) {
    let mut s = funded(&[(1, 2_000 * TAO), (10, 100 * TAO), (11, 100 * TAO)]);
    let netuid = subnet(&mut s, true);
    (s, netuid)
}

fn ctx(block: u64) -> BlockContext {
    BlockContext {
        block,
        author: None,
    }
}

/// Dispatches through the executive (so a failure is rolled back).
fn run(
    s: &mut Storage,
    block: u64,
    origin: Origin,
    call: C,
) -> Result<Vec<RuntimeEvent>, DispatchError> {
    let mut ev = Vec::new();
    crate::executive::dispatch(
        s,
        &ctx(block),
        &origin,
        &RuntimeCall::AdminUtils(call),
        &mut ev,
    )
    .map(|()| ev)
}

fn owner() -> Origin {
    Origin::Signed(acct(1))
}

fn st(e: Event) -> RuntimeEvent {
    RuntimeEvent::SubtensorModule(e)
}

fn serving(netuid: NetUid, v: u64) -> C {
    C::sudo_set_serving_rate_limit {
        netuid,
        serving_rate_limit: v,
    }
}

#[test]
fn call_and_error_bytes_are_subtensors() {
    let c = RuntimeCall::AdminUtils(C::sudo_set_tempo {
        netuid: NetUid(1),
        tempo: 500,
    });
    assert_eq!(c.encode(), vec![19, 30, 1, 0, 0xf4, 0x01]);
    assert_eq!(RuntimeCall::decode_bytes(&c.encode()).unwrap(), c);
    assert_eq!(c.name(), ("AdminUtils", "sudo_set_tempo"));
    let c = RuntimeCall::AdminUtils(C::sudo_set_max_epochs_per_block {
        max_epochs_per_block: 3,
    });
    assert_eq!(c.encode(), vec![19, 96, 3]);
    let c = RuntimeCall::AdminUtils(C::sudo_set_max_registrations_per_block {
        netuid: NetUid(1),
        max_registrations_per_block: 5,
    });
    assert_eq!(c.encode(), vec![19, 27, 1, 0, 5, 0]);
    let c = RuntimeCall::AdminUtils(C::sudo_set_target_registrations_per_interval {
        netuid: NetUid(1),
        target_registrations_per_interval: 5,
    });
    assert_eq!(c.encode(), vec![19, 21, 1, 0, 5, 0]);
    assert_eq!(
        RuntimeEvent::SubtensorModule(Event::MaxRegistrationsPerBlockSet(NetUid(1), 5)).encode(),
        vec![7, 14, 1, 0, 5, 0]
    );
    let c = RuntimeCall::AdminUtils(C::sudo_set_recycle_or_burn {
        netuid: NetUid(2),
        recycle_or_burn: RecycleOrBurnEnum::Recycle,
    });
    assert_eq!(c.encode(), vec![19, 80, 2, 0, 1]);
    let c = RuntimeCall::SubtensorModule(SubtensorCall::set_tempo {
        netuid: NetUid(1),
        tempo: 360,
    });
    assert_eq!(c.encode(), vec![7, 139, 1, 0, 0x68, 0x01]);
    let c = RuntimeCall::SubtensorModule(SubtensorCall::trigger_epoch { netuid: NetUid(4) });
    assert_eq!(c.encode(), vec![7, 141, 4, 0]);
    assert_eq!(
        DispatchError::from(AdminUtilsError::SubnetDoesNotExist).encode(),
        vec![3, 19, 0, 0, 0, 0]
    );
    assert_eq!(
        RuntimeEvent::AdminUtils(AdminUtilsEvent::Yuma3EnableToggled {
            netuid: NetUid(1),
            enabled: true
        })
        .encode(),
        vec![19, 1, 1, 0, 1]
    );
    // LastRateLimitedBlock key: variant 1, netuid, hyperparameter discriminant.
    assert_eq!(
        RateLimitKey::OwnerHyperparamUpdate(NetUid(1), Hyperparameter::ServingRateLimit).encode(),
        vec![1, 1, 0, 1]
    );
    assert_eq!(
        RateLimitKey::SetSNOwnerHotkey(NetUid(3)).encode(),
        vec![0, 3, 0]
    );
    let info = crate::executive::call_info(&RuntimeCall::AdminUtils(serving(NetUid(1), 1)));
    assert_eq!(info.pays_fee, Pays::Yes);
    assert_eq!(info.class, DispatchClass::Normal);
}

#[test]
fn owner_or_root_origins() {
    let (mut s, n) = setup();
    assert_eq!(
        run(&mut s, 100, Origin::Signed(acct(9)), serving(n, 7)),
        Err(DispatchError::BadOrigin)
    );
    assert_eq!(
        run(&mut s, 100, Origin::None, serving(n, 7)),
        Err(DispatchError::BadOrigin)
    );
    // The owner of one subnet is nobody on another.
    assert_eq!(
        run(&mut s, 100, owner(), serving(NetUid(9), 7)),
        Err(DispatchError::BadOrigin)
    );
    assert_eq!(ServingRateLimit::get(&s, &n), 50);
    assert_eq!(
        run(&mut s, 100, owner(), serving(n, 7)),
        Ok(vec![st(Event::ServingRateLimitSet(n, 7))])
    );
    assert_eq!(ServingRateLimit::get(&s, &n), 7);
    run(&mut s, 100, Origin::Root, serving(n, 8)).unwrap();
    assert_eq!(ServingRateLimit::get(&s, &n), 8);
}

#[test]
fn root_only_setters_refuse_the_owner() {
    let (mut s, n) = setup();
    let calls = vec![
        C::sudo_set_kappa {
            netuid: n,
            kappa: 1,
        },
        C::sudo_set_weights_set_rate_limit {
            netuid: n,
            weights_set_rate_limit: 1,
        },
        C::sudo_set_max_allowed_validators {
            netuid: n,
            max_allowed_validators: 1,
        },
        C::sudo_set_tempo {
            netuid: n,
            tempo: 500,
        },
        C::sudo_set_tx_rate_limit { tx_rate_limit: 1 },
        C::sudo_set_subtoken_enabled {
            netuid: n,
            subtoken_enabled: false,
        },
        C::sudo_set_min_allowed_uids {
            netuid: n,
            min_allowed_uids: 0,
        },
        C::sudo_set_network_registration_allowed {
            netuid: n,
            registration_allowed: false,
        },
        C::sudo_set_subnet_emission_enabled {
            netuid: n,
            enabled: true,
        },
        C::sudo_set_target_registrations_per_interval {
            netuid: n,
            target_registrations_per_interval: 3,
        },
        C::sudo_set_max_registrations_per_block {
            netuid: n,
            max_registrations_per_block: 3,
        },
    ];
    for call in calls {
        assert_eq!(
            run(&mut s, 100, owner(), call.clone()),
            Err(DispatchError::BadOrigin),
            "{}",
            call.name()
        );
        run(&mut s, 100, Origin::Root, call.clone()).unwrap_or_else(|e| {
            panic!("{} as root: {e:?}", call.name());
        });
    }
}

#[test]
fn freeze_window() {
    let (mut s, n) = setup();
    let frozen = Err(Error::AdminActionProhibitedDuringWeightsWindow.into());
    // The next epoch is at block 360: blocks 351..360 are frozen, for root too.
    assert_eq!(run(&mut s, 351, owner(), serving(n, 7)), frozen);
    assert_eq!(run(&mut s, 351, Origin::Root, serving(n, 7)), frozen);
    let tempo = C::sudo_set_tempo {
        netuid: n,
        tempo: 100,
    };
    assert_eq!(run(&mut s, 351, Origin::Root, tempo), frozen);
    for call in [
        C::sudo_set_target_registrations_per_interval {
            netuid: n,
            target_registrations_per_interval: 4,
        },
        C::sudo_set_max_registrations_per_block {
            netuid: n,
            max_registrations_per_block: 4,
        },
    ] {
        assert_eq!(run(&mut s, 351, Origin::Root, call), frozen);
    }
    assert_eq!(MaxRegistrationsPerBlock::get(&s, &n), 1);
    assert_eq!(TargetRegistrationsPerInterval::get(&s, &n), 2);
    // Root-only setters without the window check still pass.
    run(
        &mut s,
        351,
        Origin::Root,
        C::sudo_set_kappa {
            netuid: n,
            kappa: 5,
        },
    )
    .unwrap();
    // Owner-cut toggling has no rate limit but respects the window.
    let cut = C::sudo_set_owner_cut_enabled {
        netuid: n,
        enabled: false,
    };
    assert_eq!(run(&mut s, 355, owner(), cut.clone()), frozen);
    run(&mut s, 350, owner(), serving(n, 7)).unwrap();
    // A pending trigger freezes until it fires.
    PendingEpochAt::insert(&mut s, &n, &120);
    assert_eq!(run(&mut s, 110, owner(), cut.clone()), frozen);
    run(&mut s, 120, owner(), cut).unwrap();
    assert!(!OwnerCutEnabled::get(&s, &n));
    // A wider window (root's setting) reaches further back.
    PendingEpochAt::insert(&mut s, &n, &0);
    run(
        &mut s,
        10,
        Origin::Root,
        C::sudo_set_admin_freeze_window { window: 300 },
    )
    .unwrap();
    assert_eq!(run(&mut s, 100, Origin::Root, serving(n, 9)), frozen);
    // Tempo 0: no epochs, never frozen.
    Tempo::insert(&mut s, &n, &0);
    run(&mut s, 359, Origin::Root, serving(n, 9)).unwrap();
}

#[test]
fn owner_rate_limit_per_parameter() {
    let (mut s, n) = setup();
    let limited = Err(Error::TxRateLimitExceeded.into());
    run(&mut s, 100, owner(), serving(n, 7)).unwrap();
    assert_eq!(
        LastRateLimitedBlock::get(
            &s,
            &RateLimitKey::OwnerHyperparamUpdate(n, Hyperparameter::ServingRateLimit)
        ),
        100
    );
    assert_eq!(run(&mut s, 101, owner(), serving(n, 8)), limited);
    // Another parameter is limited on its own.
    run(&mut s, 101, owner(), C::sudo_set_rho { netuid: n, rho: 3 }).unwrap();
    // Root is not limited, and its changes do not count.
    run(&mut s, 101, Origin::Root, serving(n, 9)).unwrap();
    assert_eq!(
        LastRateLimitedBlock::get(
            &s,
            &RateLimitKey::OwnerHyperparamUpdate(n, Hyperparameter::ServingRateLimit)
        ),
        100
    );
    // Two tempos (720 blocks) later it passes again (outside the window).
    LastEpochBlock::insert(&mut s, &n, &800);
    assert_eq!(run(&mut s, 819, owner(), serving(n, 10)), limited);
    run(&mut s, 820, owner(), serving(n, 10)).unwrap();
    assert_eq!(ServingRateLimit::get(&s, &n), 10);
    // The limit is in tempos, set by root.
    run(
        &mut s,
        821,
        Origin::Root,
        C::sudo_set_owner_hparam_rate_limit { epochs: 0 },
    )
    .unwrap();
    run(&mut s, 821, owner(), serving(n, 11)).unwrap();
    // The weights version key has its own limit: 5 tempos, per owner.
    let wvk = |v| C::sudo_set_weights_version_key {
        netuid: n,
        weights_version_key: v,
    };
    run(&mut s, 821, owner(), wvk(1)).unwrap();
    assert_eq!(transaction_key_last_block::get(&s, &acct(1), n, 4), 821);
    assert_eq!(run(&mut s, 822, owner(), wvk(2)), limited);
    LastEpochBlock::insert(&mut s, &n, &2_600);
    assert_eq!(run(&mut s, 821 + 1_799, owner(), wvk(2)), limited);
    run(&mut s, 821 + 1_800, owner(), wvk(2)).unwrap();
    assert_eq!(WeightsVersionKey::get(&s, &n), 2);
}

#[test]
fn bounds_and_existence() {
    let (mut s, n) = setup();
    let bounds = DispatchError::from(AdminUtilsError::ValueNotInBounds);
    let cases: Vec<(Origin, C, DispatchError)> = vec![
        (
            owner(),
            C::sudo_set_min_burn {
                netuid: n,
                min_burn: TAO,
            },
            bounds,
        ),
        (
            owner(),
            C::sudo_set_min_burn {
                netuid: n,
                min_burn: 100 * TAO,
            },
            bounds,
        ),
        (
            owner(),
            C::sudo_set_max_burn {
                netuid: n,
                max_burn: 100_000_000,
            },
            bounds,
        ),
        (
            owner(),
            C::sudo_set_max_burn {
                netuid: n,
                max_burn: 400_000,
            },
            bounds,
        ),
        (
            owner(),
            C::sudo_set_max_allowed_uids {
                netuid: n,
                max_allowed_uids: 257,
            },
            AdminUtilsError::MaxAllowedUidsGreaterThanDefaultMaxAllowedUids.into(),
        ),
        (
            owner(),
            C::sudo_set_max_allowed_uids {
                netuid: n,
                max_allowed_uids: 63,
            },
            AdminUtilsError::MaxAllowedUidsLessThanMinAllowedUids.into(),
        ),
        (
            owner(),
            C::sudo_set_bonds_moving_average {
                netuid: n,
                bonds_moving_average: 975_001,
            },
            AdminUtilsError::BondsMovingAverageMaxReached.into(),
        ),
        (
            owner(),
            C::sudo_set_activity_cutoff {
                netuid: n,
                activity_cutoff: 359,
            },
            Error::ActivityCutoffTooLow.into(),
        ),
        (
            owner(),
            C::sudo_set_commit_reveal_weights_interval {
                netuid: n,
                interval: 0,
            },
            Error::RevealPeriodTooSmall.into(),
        ),
        (
            owner(),
            C::sudo_set_commit_reveal_weights_interval {
                netuid: n,
                interval: 101,
            },
            Error::RevealPeriodTooLarge.into(),
        ),
        (
            owner(),
            C::sudo_set_alpha_values {
                netuid: n,
                alpha_low: 2_000,
                alpha_high: 3_000,
            },
            Error::LiquidAlphaDisabled.into(),
        ),
        (
            owner(),
            C::sudo_set_owner_immune_neuron_limit {
                netuid: n,
                immune_neurons: 11,
            },
            Error::InvalidValue.into(),
        ),
        (
            owner(),
            C::sudo_set_owner_immune_neuron_limit {
                netuid: n,
                immune_neurons: 0,
            },
            Error::InvalidValue.into(),
        ),
        (
            owner(),
            C::sudo_set_burn_half_life {
                netuid: n,
                burn_half_life: 0,
            },
            AdminUtilsError::InvalidValue.into(),
        ),
        (
            owner(),
            C::sudo_set_burn_half_life {
                netuid: n,
                burn_half_life: 36_101,
            },
            AdminUtilsError::InvalidValue.into(),
        ),
        (
            owner(),
            C::sudo_set_burn_increase_mult {
                netuid: n,
                burn_increase_mult: U64F64::from_num(3) + U64F64::from_bits(1),
            },
            AdminUtilsError::InvalidValue.into(),
        ),
        (
            owner(),
            C::sudo_set_burn_increase_mult {
                netuid: n,
                burn_increase_mult: U64F64::from_num(0.99),
            },
            AdminUtilsError::InvalidValue.into(),
        ),
        (
            owner(),
            C::sudo_set_alpha_sigmoid_steepness {
                netuid: n,
                steepness: -1,
            },
            AdminUtilsError::NegativeSigmoidSteepness.into(),
        ),
        (
            Origin::Root,
            C::sudo_set_max_allowed_validators {
                netuid: n,
                max_allowed_validators: 257,
            },
            AdminUtilsError::MaxValidatorsLargerThanMaxUIds.into(),
        ),
        (
            Origin::Root,
            C::sudo_set_min_allowed_uids {
                netuid: n,
                min_allowed_uids: 1,
            },
            AdminUtilsError::MinAllowedUidsGreaterThanCurrentUids.into(),
        ),
        (
            Origin::Root,
            C::sudo_set_min_allowed_uids {
                netuid: n,
                min_allowed_uids: 256,
            },
            AdminUtilsError::MinAllowedUidsGreaterThanMaxAllowedUids.into(),
        ),
        (
            Origin::Root,
            C::sudo_set_max_epochs_per_block {
                max_epochs_per_block: 0,
            },
            AdminUtilsError::ValueNotInBounds.into(),
        ),
        (
            Origin::Root,
            C::sudo_set_kappa {
                netuid: NetUid(9),
                kappa: 1,
            },
            AdminUtilsError::SubnetDoesNotExist.into(),
        ),
        (
            Origin::Root,
            C::sudo_set_rao_recycled {
                netuid: NetUid(9),
                rao_recycled: 1,
            },
            AdminUtilsError::SubnetDoesNotExist.into(),
        ),
        (
            Origin::Root,
            C::sudo_set_network_pow_registration_allowed {
                netuid: n,
                registration_allowed: true,
            },
            AdminUtilsError::POWRegistrationDisabled.into(),
        ),
        (
            Origin::Root,
            C::sudo_set_total_issuance { total_issuance: 1 },
            AdminUtilsError::Deprecated.into(),
        ),
        (
            Origin::Root,
            C::sudo_set_subnet_emission_enabled {
                netuid: NetUid::ROOT,
                enabled: true,
            },
            AdminUtilsError::NotPermittedOnRootSubnet.into(),
        ),
    ];
    NetworksAdded::insert(&mut s, &NetUid::ROOT, &true);
    for (origin, call, err) in cases {
        let before = s.root();
        assert_eq!(
            run(&mut s, 100, origin, call.clone()),
            Err(err),
            "{}",
            call.name()
        );
        assert_eq!(s.root(), before, "{} changed state", call.name());
    }
    // Root may go past the owners' bounds.
    run(
        &mut s,
        100,
        Origin::Root,
        C::sudo_set_bonds_moving_average {
            netuid: n,
            bonds_moving_average: 999_999,
        },
    )
    .unwrap();
    run(
        &mut s,
        100,
        Origin::Root,
        C::sudo_set_alpha_sigmoid_steepness {
            netuid: n,
            steepness: -5,
        },
    )
    .unwrap();
    assert_eq!(AlphaSigmoidSteepness::get(&s, &n), -5);
    // Slots over all mechanisms are bounded by 256.
    MechanismCountCurrent::insert(&mut s, &n, &2);
    assert_eq!(
        run(
            &mut s,
            100,
            Origin::Root,
            C::sudo_set_max_allowed_uids {
                netuid: n,
                max_allowed_uids: 129,
            },
        ),
        Err(Error::TooManyUIDsPerMechanism.into())
    );
    // Fewer slots than neurons: refused.
    MechanismCountCurrent::insert(&mut s, &n, &1);
    SubnetworkN::insert(&mut s, &n, &100);
    assert_eq!(
        run(
            &mut s,
            100,
            Origin::Root,
            C::sudo_set_max_allowed_uids {
                netuid: n,
                max_allowed_uids: 99,
            },
        ),
        Err(AdminUtilsError::MaxAllowedUIdsLessThanCurrentUIds.into())
    );
    // Alpha values, once liquid alpha is on.
    LiquidAlphaOn::insert(&mut s, &n, &true);
    let av = |low, high| C::sudo_set_alpha_values {
        netuid: n,
        alpha_low: low,
        alpha_high: high,
    };
    assert_eq!(
        run(&mut s, 100, Origin::Root, av(1_638, 1_637)),
        Err(Error::AlphaHighTooLow.into())
    );
    assert_eq!(
        run(&mut s, 100, Origin::Root, av(1_637, 2_000)),
        Err(Error::AlphaLowOutOfRange.into())
    );
    assert_eq!(
        run(&mut s, 100, Origin::Root, av(2_001, 2_000)),
        Err(Error::AlphaLowOutOfRange.into())
    );
    run(&mut s, 100, owner(), av(1_638, 1_638)).unwrap();
    assert_eq!(AlphaValues::get(&s, &n), (1_638, 1_638));
}

/// Every setter writes its item and emits subtensor's events.
#[test]
fn each_setter_writes_and_emits() {
    type Check = Box<dyn Fn(&Storage, NetUid) -> bool>;
    let n = NetUid(1);
    let ad = RuntimeEvent::AdminUtils;
    let mult = U64F64::from_num(2);
    let alpha = I96F32::from_num(0.5);
    let cases: Vec<(Origin, C, Check, Vec<RuntimeEvent>)> = vec![
        (
            Origin::Root,
            C::sudo_set_default_take { default_take: 9 },
            Box::new(|s, _| MaxDelegateTake::get(s) == 9),
            vec![st(Event::MaxDelegateTakeSet(9))],
        ),
        (
            Origin::Root,
            C::sudo_set_tx_rate_limit { tx_rate_limit: 9 },
            Box::new(|s, _| TxRateLimit::get(s) == 9),
            vec![st(Event::TxRateLimitSet(9))],
        ),
        (
            owner(),
            serving(n, 9),
            Box::new(|s, n| ServingRateLimit::get(s, &n) == 9),
            vec![st(Event::ServingRateLimitSet(n, 9))],
        ),
        (
            owner(),
            C::sudo_set_max_difficulty {
                netuid: n,
                max_difficulty: 9,
            },
            Box::new(|s, n| MaxDifficulty::get(s, &n) == 9),
            vec![st(Event::MaxDifficultySet(n, 9))],
        ),
        (
            owner(),
            C::sudo_set_weights_version_key {
                netuid: n,
                weights_version_key: 9,
            },
            Box::new(|s, n| WeightsVersionKey::get(s, &n) == 9),
            vec![st(Event::WeightsVersionKeySet(n, 9))],
        ),
        (
            Origin::Root,
            C::sudo_set_weights_set_rate_limit {
                netuid: n,
                weights_set_rate_limit: 9,
            },
            Box::new(|s, n| WeightsSetRateLimit::get(s, &n) == 9),
            vec![st(Event::WeightsSetRateLimitSet(n, 9))],
        ),
        (
            owner(),
            C::sudo_set_adjustment_alpha {
                netuid: n,
                adjustment_alpha: 9,
            },
            Box::new(|s, n| AdjustmentAlpha::get(s, &n) == 9),
            vec![st(Event::AdjustmentAlphaSet(n, 9))],
        ),
        (
            owner(),
            C::sudo_set_immunity_period {
                netuid: n,
                immunity_period: 9,
            },
            Box::new(|s, n| ImmunityPeriod::get(s, &n) == 9),
            vec![st(Event::ImmunityPeriodSet(n, 9))],
        ),
        (
            owner(),
            C::sudo_set_min_allowed_weights {
                netuid: n,
                min_allowed_weights: 9,
            },
            Box::new(|s, n| MinAllowedWeights::get(s, &n) == 9),
            vec![st(Event::MinAllowedWeightSet(n, 9))],
        ),
        (
            owner(),
            C::sudo_set_max_allowed_uids {
                netuid: n,
                max_allowed_uids: 99,
            },
            Box::new(|s, n| MaxAllowedUids::get(s, &n) == 99),
            vec![st(Event::MaxAllowedUidsSet(n, 99))],
        ),
        (
            Origin::Root,
            C::sudo_set_kappa {
                netuid: n,
                kappa: 9,
            },
            Box::new(|s, n| Kappa::get(s, &n) == 9),
            vec![st(Event::KappaSet(n, 9))],
        ),
        (
            owner(),
            C::sudo_set_rho { netuid: n, rho: 9 },
            Box::new(|s, n| Rho::get(s, &n) == 9),
            vec![],
        ),
        (
            owner(),
            C::sudo_set_activity_cutoff {
                netuid: n,
                activity_cutoff: 999,
            },
            Box::new(|s, n| {
                ActivityCutoff::get(s, &n) == 999 && ActivityCutoffFactorMilli::get(s, &n) == 13_889
            }),
            vec![st(Event::ActivityCutoffSet(n, 999))],
        ),
        (
            Origin::Root,
            C::sudo_set_network_registration_allowed {
                netuid: n,
                registration_allowed: false,
            },
            Box::new(|s, n| !NetworkRegistrationAllowed::get(s, &n)),
            vec![st(Event::RegistrationAllowed(n, false))],
        ),
        (
            owner(),
            C::sudo_set_min_burn {
                netuid: n,
                min_burn: 9,
            },
            Box::new(|s, n| MinBurn::get(s, &n) == 9),
            vec![st(Event::MinBurnSet(n, 9))],
        ),
        (
            owner(),
            C::sudo_set_max_burn {
                netuid: n,
                max_burn: 9 * TAO,
            },
            Box::new(|s, n| MaxBurn::get(s, &n) == 9 * TAO),
            vec![st(Event::MaxBurnSet(n, 9 * TAO))],
        ),
        (
            Origin::Root,
            C::sudo_set_max_allowed_validators {
                netuid: n,
                max_allowed_validators: 9,
            },
            Box::new(|s, n| MaxAllowedValidators::get(s, &n) == 9),
            vec![st(Event::MaxAllowedValidatorsSet(n, 9))],
        ),
        (
            owner(),
            C::sudo_set_bonds_moving_average {
                netuid: n,
                bonds_moving_average: 975_000,
            },
            Box::new(|s, n| BondsMovingAverage::get(s, &n) == 975_000),
            vec![st(Event::BondsMovingAverageSet(n, 975_000))],
        ),
        (
            Origin::Root,
            C::sudo_set_subnet_owner_cut {
                subnet_owner_cut: 9,
            },
            Box::new(|s, _| SubnetOwnerCut::get(s) == 9),
            vec![st(Event::SubnetOwnerCutSet(9))],
        ),
        (
            Origin::Root,
            C::sudo_set_network_rate_limit { rate_limit: 9 },
            Box::new(|s, _| NetworkRateLimit::get(s) == 9),
            vec![st(Event::NetworkRateLimitSet(9))],
        ),
        (
            Origin::Root,
            C::sudo_set_tempo {
                netuid: n,
                tempo: 9,
            },
            Box::new(|s, n| Tempo::get(s, &n) == 9 && LastEpochBlock::get(s, &n) == 100),
            vec![st(Event::TempoSet(n, 9))],
        ),
        (
            Origin::Root,
            C::sudo_set_network_immunity_period { immunity_period: 9 },
            Box::new(|s, _| NetworkImmunityPeriod::get(s) == 9),
            vec![st(Event::NetworkImmunityPeriodSet(9))],
        ),
        (
            Origin::Root,
            C::sudo_set_network_min_lock_cost { lock_cost: 9 },
            Box::new(|s, _| NetworkMinLockCost::get(s) == 9),
            vec![st(Event::NetworkMinLockCostSet(9))],
        ),
        (
            Origin::Root,
            C::sudo_set_subnet_limit { max_subnets: 9 },
            Box::new(|s, _| SubnetLimit::get(s) == 9),
            vec![st(Event::SubnetLimitSet(9))],
        ),
        (
            Origin::Root,
            C::sudo_set_lock_reduction_interval { interval: 9 },
            Box::new(|s, _| NetworkLockReductionInterval::get(s) == 9),
            vec![st(Event::NetworkLockCostReductionIntervalSet(9))],
        ),
        (
            Origin::Root,
            C::sudo_set_rao_recycled {
                netuid: n,
                rao_recycled: 9,
            },
            Box::new(|s, n| RAORecycledForRegistration::get(s, &n) == 9),
            vec![st(Event::RAORecycledForRegistrationSet(n, 9))],
        ),
        (
            Origin::Root,
            C::sudo_set_stake_threshold { min_stake: 9 },
            Box::new(|s, _| StakeThreshold::get(s) == 9),
            vec![st(Event::StakeThresholdSet(9))],
        ),
        (
            Origin::Root,
            C::sudo_set_nominator_min_required_stake { min_stake: 9 },
            Box::new(|s, _| NominatorMinRequiredStake::get(s) == 9),
            vec![],
        ),
        (
            Origin::Root,
            C::sudo_set_tx_delegate_take_rate_limit { tx_rate_limit: 9 },
            Box::new(|s, _| TxDelegateTakeRateLimit::get(s) == 9),
            vec![st(Event::TxDelegateTakeRateLimitSet(9))],
        ),
        (
            Origin::Root,
            C::sudo_set_min_delegate_take { take: 9 },
            Box::new(|s, _| MinDelegateTake::get(s) == 9),
            vec![st(Event::MinDelegateTakeSet(9))],
        ),
        (
            owner(),
            C::sudo_set_commit_reveal_weights_enabled {
                netuid: n,
                enabled: false,
            },
            Box::new(|s, n| !CommitRevealWeightsEnabled::get(s, &n)),
            vec![st(Event::CommitRevealEnabled(n, false))],
        ),
        (
            owner(),
            C::sudo_set_liquid_alpha_enabled {
                netuid: n,
                enabled: true,
            },
            Box::new(|s, n| LiquidAlphaOn::get(s, &n)),
            vec![],
        ),
        (
            owner(),
            C::sudo_set_commit_reveal_weights_interval {
                netuid: n,
                interval: 9,
            },
            Box::new(|s, n| RevealPeriodEpochs::get(s, &n) == 9),
            vec![st(Event::CommitRevealPeriodsSet(n, 9))],
        ),
        (
            owner(),
            C::sudo_set_bonds_penalty {
                netuid: n,
                bonds_penalty: 9,
            },
            Box::new(|s, n| BondsPenalty::get(s, &n) == 9),
            vec![st(Event::BondsPenaltySet(n, 9))],
        ),
        (
            owner(),
            C::sudo_set_toggle_transfer {
                netuid: n,
                toggle: false,
            },
            Box::new(|s, n| !TransferToggle::get(s, &n)),
            vec![st(Event::TransferToggle(n, false))],
        ),
        (
            Origin::Root,
            C::sudo_set_subnet_moving_alpha { alpha },
            Box::new(move |s, _| SubnetMovingAlpha::get(s) == alpha),
            vec![],
        ),
        (
            owner(),
            C::sudo_set_subnet_owner_hotkey {
                netuid: n,
                hotkey: acct(5),
            },
            Box::new(|s, n| SubnetOwnerHotkey::get(s, &n) == acct(5)),
            vec![st(Event::SubnetOwnerHotkeySet(n, acct(5)))],
        ),
        (
            Origin::Root,
            C::sudo_set_ema_price_halving_period {
                netuid: n,
                ema_halving: 9,
            },
            Box::new(|s, n| EMAPriceHalvingBlocks::get(s, &n) == 9),
            vec![],
        ),
        (
            Origin::Root,
            C::sudo_set_subtoken_enabled {
                netuid: n,
                subtoken_enabled: false,
            },
            Box::new(|s, n| !SubtokenEnabled::get(s, &n)),
            vec![],
        ),
        (
            Origin::Root,
            C::sudo_set_sn_owner_hotkey {
                netuid: n,
                hotkey: acct(6),
            },
            Box::new(|s, n| SubnetOwnerHotkey::get(s, &n) == acct(6)),
            vec![st(Event::SubnetOwnerHotkeySet(n, acct(6)))],
        ),
        (
            owner(),
            C::sudo_set_alpha_sigmoid_steepness {
                netuid: n,
                steepness: 9,
            },
            Box::new(|s, n| AlphaSigmoidSteepness::get(s, &n) == 9),
            vec![],
        ),
        (
            owner(),
            C::sudo_set_yuma3_enabled {
                netuid: n,
                enabled: false,
            },
            Box::new(|s, n| !Yuma3On::get(s, &n)),
            vec![ad(AdminUtilsEvent::Yuma3EnableToggled {
                netuid: n,
                enabled: false,
            })],
        ),
        (
            owner(),
            C::sudo_set_bonds_reset_enabled {
                netuid: n,
                enabled: true,
            },
            Box::new(|s, n| BondsResetOn::get(s, &n)),
            vec![
                st(Event::BondsResetOnSet(n, true)),
                ad(AdminUtilsEvent::BondsResetToggled {
                    netuid: n,
                    enabled: true,
                }),
            ],
        ),
        (
            owner(),
            C::sudo_set_owner_immune_neuron_limit {
                netuid: n,
                immune_neurons: 9,
            },
            Box::new(|s, n| ImmuneOwnerUidsLimit::get(s, &n) == 9),
            vec![],
        ),
        (
            Origin::Root,
            C::sudo_set_target_registrations_per_interval {
                netuid: n,
                target_registrations_per_interval: 7,
            },
            Box::new(|s, n| TargetRegistrationsPerInterval::get(s, &n) == 7),
            vec![st(Event::RegistrationPerIntervalSet(n, 7))],
        ),
        (
            Origin::Root,
            C::sudo_set_max_registrations_per_block {
                netuid: n,
                max_registrations_per_block: 5,
            },
            Box::new(|s, n| MaxRegistrationsPerBlock::get(s, &n) == 5),
            vec![st(Event::MaxRegistrationsPerBlockSet(n, 5))],
        ),
        (
            Origin::Root,
            C::sudo_set_admin_freeze_window { window: 9 },
            Box::new(|s, _| AdminFreezeWindow::get(s) == 9),
            vec![st(Event::AdminFreezeWindowSet(9))],
        ),
        (
            Origin::Root,
            C::sudo_set_owner_hparam_rate_limit { epochs: 9 },
            Box::new(|s, _| OwnerHyperparamRateLimit::get(s) == 9),
            vec![st(Event::OwnerHyperparamRateLimitSet(9))],
        ),
        (
            Origin::Root,
            C::sudo_set_min_allowed_uids {
                netuid: n,
                min_allowed_uids: 0,
            },
            Box::new(|s, n| MinAllowedUids::get(s, &n) == 0),
            vec![st(Event::MinAllowedUidsSet(n, 0))],
        ),
        (
            owner(),
            C::sudo_set_recycle_or_burn {
                netuid: n,
                recycle_or_burn: RecycleOrBurnEnum::Recycle,
            },
            Box::new(|s, n| RecycleOrBurn::get(s, &n) == RecycleOrBurnEnum::Recycle),
            vec![],
        ),
        (
            Origin::Root,
            C::sudo_set_min_non_immune_uids { netuid: n, min: 9 },
            Box::new(|s, n| MinNonImmuneUids::get(s, &n) == 9),
            vec![st(Event::MinNonImmuneUidsSet(n, 9))],
        ),
        (
            Origin::Root,
            C::sudo_set_start_call_delay { delay: 9 },
            Box::new(|s, _| StartCallDelay::get(s) == 9),
            vec![st(Event::StartCallDelaySet(9))],
        ),
        (
            owner(),
            C::sudo_set_burn_half_life {
                netuid: n,
                burn_half_life: 9,
            },
            Box::new(|s, n| BurnHalfLife::get(s, &n) == 9),
            vec![ad(AdminUtilsEvent::BurnHalfLifeSet {
                netuid: n,
                burn_half_life: 9,
            })],
        ),
        (
            owner(),
            C::sudo_set_burn_increase_mult {
                netuid: n,
                burn_increase_mult: mult,
            },
            Box::new(move |s, n| BurnIncreaseMult::get(s, &n) == mult),
            vec![ad(AdminUtilsEvent::BurnIncreaseMultSet {
                netuid: n,
                burn_increase_mult: mult,
            })],
        ),
        (
            owner(),
            C::sudo_set_owner_cut_enabled {
                netuid: n,
                enabled: false,
            },
            Box::new(|s, n| !OwnerCutEnabled::get(s, &n)),
            vec![],
        ),
        (
            Origin::Root,
            C::sudo_set_subnet_emission_enabled {
                netuid: n,
                enabled: true,
            },
            Box::new(|s, n| SubnetEmissionEnabled::get(s, &n)),
            vec![ad(AdminUtilsEvent::SubnetEmissionEnabledSet {
                netuid: n,
                enabled: true,
            })],
        ),
        (
            Origin::Root,
            C::sudo_set_max_epochs_per_block {
                max_epochs_per_block: 9,
            },
            Box::new(|s, _| MaxEpochsPerBlock::get(s) == 9),
            vec![st(Event::MaxEpochsPerBlockSet(9))],
        ),
    ];
    for (origin, call, check, events) in cases {
        let (mut s, netuid) = setup();
        assert_eq!(netuid, n);
        assert!(!check(&s, n), "{} already holds the value", call.name());
        assert_eq!(
            run(&mut s, 100, origin, call.clone()),
            Ok(events),
            "{}",
            call.name()
        );
        assert!(check(&s, n), "{} did not write", call.name());
    }
}

#[test]
fn owner_tempo() {
    let (mut s, n) = setup();
    let set = |tempo| RuntimeCall::SubtensorModule(SubtensorCall::set_tempo { netuid: n, tempo });
    let go = |s: &mut Storage, block, origin: Origin, call: RuntimeCall| {
        let mut ev = Vec::new();
        crate::executive::dispatch(s, &ctx(block), &origin, &call, &mut ev).map(|()| ev)
    };
    assert_eq!(
        go(&mut s, 100, Origin::Root, set(500)),
        Err(DispatchError::BadOrigin)
    );
    assert_eq!(
        go(&mut s, 100, Origin::Signed(acct(9)), set(500)),
        Err(DispatchError::BadOrigin)
    );
    assert_eq!(
        go(&mut s, 100, owner(), set(359)),
        Err(Error::TempoOutOfBounds.into())
    );
    assert_eq!(
        go(&mut s, 100, owner(), set(50_401)),
        Err(Error::TempoOutOfBounds.into())
    );
    assert_eq!(
        go(&mut s, 355, owner(), set(500)),
        Err(Error::AdminActionProhibitedDuringWeightsWindow.into())
    );
    assert_eq!(
        go(&mut s, 100, owner(), set(500)),
        Ok(vec![st(Event::TempoSet(n, 500))])
    );
    assert_eq!(
        (Tempo::get(&s, &n), LastEpochBlock::get(&s, &n)),
        (500, 100)
    );
    assert_eq!(transaction_key_last_block::get(&s, &acct(1), n, 11), 100);
    assert_eq!(
        go(&mut s, 459, owner(), set(400)),
        Err(Error::TxRateLimitExceeded.into())
    );
    go(&mut s, 460, owner(), set(400)).unwrap();
    assert_eq!(
        (Tempo::get(&s, &n), LastEpochBlock::get(&s, &n)),
        (400, 460)
    );
}

#[test]
fn owner_trigger_epoch() {
    let (mut s, n) = setup();
    let trig = RuntimeCall::SubtensorModule(SubtensorCall::trigger_epoch { netuid: n });
    let go = |s: &mut Storage, block, origin: Origin| {
        let mut ev = Vec::new();
        crate::executive::dispatch(s, &ctx(block), &origin, &trig, &mut ev).map(|()| ev)
    };
    assert_eq!(go(&mut s, 100, Origin::Root), Err(DispatchError::BadOrigin));
    assert_eq!(
        go(&mut s, 100, owner()),
        Err(Error::DynamicTempoBlockedByCommitReveal.into())
    );
    CommitRevealWeightsEnabled::insert(&mut s, &n, &false);
    assert_eq!(
        go(&mut s, 355, owner()),
        Err(Error::AutoEpochAlreadyImminent.into())
    );
    assert_eq!(
        go(&mut s, 100, owner()),
        Ok(vec![st(Event::EpochTriggered {
            netuid: n,
            by: acct(1),
            fires_at: 110
        })])
    );
    assert_eq!(PendingEpochAt::get(&s, &n), 110);
    assert!(crate::subtensor::schedule::should_run_epoch(&s, n, 110));
    assert_eq!(
        go(&mut s, 101, owner()),
        Err(Error::EpochTriggerAlreadyPending.into())
    );
    // Rate limited like a hyperparameter (2 tempos).
    PendingEpochAt::insert(&mut s, &n, &0);
    LastEpochBlock::insert(&mut s, &n, &110);
    assert_eq!(
        go(&mut s, 200, owner()),
        Err(Error::TxRateLimitExceeded.into())
    );
    LastEpochBlock::insert(&mut s, &n, &800);
    go(&mut s, 820, owner()).unwrap();
    assert_eq!(PendingEpochAt::get(&s, &n), 830);
}

#[test]
fn owner_hotkey_limits_and_rollback() {
    let (mut s, n) = setup();
    let set = |hotkey| C::sudo_set_sn_owner_hotkey { netuid: n, hotkey };
    assert_eq!(
        run(&mut s, 100, Origin::Signed(acct(9)), set(acct(5))),
        Err(DispatchError::BadOrigin)
    );
    assert_eq!(
        run(
            &mut s,
            100,
            Origin::Root,
            C::sudo_set_sn_owner_hotkey {
                netuid: NetUid(9),
                hotkey: acct(5)
            }
        ),
        Err(Error::SubnetNotExists.into())
    );
    // A subnet account is refused, and the rate-limit mark written before the check is
    // rolled back.
    assert_eq!(
        run(&mut s, 100, owner(), set(subnet_account(NetUid(3)))),
        Err(Error::CannotUseSystemAccount.into())
    );
    assert_eq!(
        LastRateLimitedBlock::get(&s, &RateLimitKey::SetSNOwnerHotkey(n)),
        0
    );
    run(&mut s, 100, owner(), set(acct(5))).unwrap();
    // Once per 50 400 blocks, for root too; not subject to the freeze window.
    assert_eq!(
        run(&mut s, 50_499, Origin::Root, set(acct(6))),
        Err(Error::TxRateLimitExceeded.into())
    );
    run(&mut s, 50_500, Origin::Root, set(acct(6))).unwrap();
    assert_eq!(SubnetOwnerHotkey::get(&s, &n), acct(6));
}

#[test]
fn raising_the_nominator_minimum_clears_small_nominations() {
    let (mut s, n) = setup();
    let ev = &mut Vec::new();
    // acct(10) nominates 0.005 TAO, acct(11) 1 TAO, to the owner's hotkey acct(2).
    staking::add_stake(
        &mut Ctx::new(&mut s, 0, None, ev),
        &acct(10),
        &acct(2),
        n,
        5_000_000,
    )
    .unwrap();
    staking::add_stake(
        &mut Ctx::new(&mut s, 0, None, ev),
        &acct(11),
        &acct(2),
        n,
        TAO,
    )
    .unwrap();
    let small = stake_of(&s, &acct(2), &acct(10), n);
    let big = stake_of(&s, &acct(2), &acct(11), n);
    assert!(small > 0 && big > 0);
    let free = balances::free_balance(&s, &acct(10));
    // Lowering (or not raising) clears nothing.
    let set = |min_stake| C::sudo_set_nominator_min_required_stake { min_stake };
    assert_eq!(run(&mut s, 100, Origin::Root, set(0)), Ok(vec![]));
    // 5 000 000 ppm of the 0.002 TAO minimum stake: 0.01 TAO.
    let events = run(&mut s, 100, Origin::Root, set(5_000_000)).unwrap();
    assert_eq!(nominator_min_required_stake(&s), 10_000_000);
    assert_eq!(stake_of(&s, &acct(2), &acct(10), n), 0);
    assert_eq!(stake_of(&s, &acct(2), &acct(11), n), big);
    let got = balances::free_balance(&s, &acct(10)) - free;
    // About the 0.005 TAO staked (the later 1 TAO stake raised the price a little).
    assert!(got > 4_950_000 && got < 5_050_000, "{got}");
    // The alpha sold is the stake less the swap fee.
    assert!(
        matches!(
            events.as_slice(),
            [RuntimeEvent::SubtensorModule(Event::StakeRemoved(c, h, tao, a, nn, fee))]
                if *c == acct(10) && *h == acct(2) && *tao == got && *a + *fee == small
                    && *fee > 0 && *nn == n
        ),
        "{events:?} {small}"
    );
}
