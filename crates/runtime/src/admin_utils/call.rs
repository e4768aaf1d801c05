//! AdminUtils' calls (declared, with their documentation, in the pallet's `mod.rs`): their
//! weights and dispatch. Every owner-or-root setter goes through one gate ([`owner_setter`]):
//! the origin, then the owner's rate limit, then the freeze window, then the change, then the
//! owner's change recorded for its rate limit.

#![allow(non_camel_case_types)]

use super::{
    AdminUtilsCall, AdminUtilsError, AdminUtilsEvent, DEFAULT_MAX_ALLOWED_UIDS, MAX_BURN_HALF_LIFE,
    MAX_BURN_LOWER_BOUND, MAX_COMMIT_REVEAL_PERIODS, MAX_IMMUNE_OWNER_UIDS_LIMIT, MIN_ALPHA_VALUE, MIN_BURN_UPPER_BOUND,
    MIN_COMMIT_REVEAL_PERIODS, MIN_IMMUNE_OWNER_UIDS_LIMIT, OWNER_MAX_BONDS_MOVING_AVERAGE,
    ensure_exists, ensure_not_root,
};
use crate::storage::Storage;
use crate::subtensor::Ctx;
use crate::subtensor::coinbase::{
    EMAPriceHalvingBlocks, OwnerCutEnabled, RecycleOrBurn, SubnetMovingAlpha,
};
use crate::subtensor::owner::OwnerRateLimit::{self, Hyperparam};
use crate::subtensor::delegation::{MaxDelegateTake, MinDelegateTake, TxDelegateTakeRateLimit};
use crate::subtensor::errors::Error;
use crate::subtensor::events::Event;
use crate::subtensor::owner::{
    AdminFreezeWindow, OwnerHyperparamRateLimit, apply_tempo_with_cycle_reset,
    ensure_admin_window_open, ensure_subnet_owner_or_root, gate, record,
};
use crate::subtensor::pool::subnet_of_account;
use crate::subtensor::rate_limits::Hyperparameter;
use crate::subtensor::registration::{
    MaxRegistrationsPerBlock, MinNonImmuneUids, TargetRegistrationsPerInterval,
};
use crate::subtensor::stake_moves::TransferToggle;
use crate::subtensor::staking::{
    NominatorMinRequiredStake, clear_small_nominations, nominator_min_required_stake,
};
use crate::subtensor::storage::*;
use crate::subtensor::subnets::StartCallDelay;
use crate::support::{BlockContext, Deposit, DispatchClass, DispatchError, Origin, Pays, Weight};
use cortex_primitives::{AccountId32, NetUid};
use substrate_fixed::types::U64F64;

/// The weight, class and fee mode of an AdminUtils call: a few reads and writes each
/// (Cortex's estimates); `Operational` where subtensor annotates it so (89, 90, 92).
pub fn call_info(call: &AdminUtilsCall) -> (Weight, DispatchClass, Pays) {
    use AdminUtilsCall as C;
    let rw = crate::support::rw;
    let (weight, class) = match call {
        // Global values: one write.
        C::sudo_set_default_take { .. }
        | C::sudo_set_tx_rate_limit { .. }
        | C::sudo_set_subnet_owner_cut { .. }
        | C::sudo_set_network_rate_limit { .. }
        | C::sudo_set_network_immunity_period { .. }
        | C::sudo_set_network_min_lock_cost { .. }
        | C::sudo_set_subnet_limit { .. }
        | C::sudo_set_lock_reduction_interval { .. }
        | C::sudo_set_stake_threshold { .. }
        | C::sudo_set_tx_delegate_take_rate_limit { .. }
        | C::sudo_set_min_delegate_take { .. }
        | C::sudo_set_subnet_moving_alpha { .. }
        | C::sudo_set_admin_freeze_window { .. }
        | C::sudo_set_owner_hparam_rate_limit { .. }
        | C::sudo_set_start_call_delay { .. }
        | C::sudo_set_max_epochs_per_block { .. } => (rw(0, 1, 10_000_000), DispatchClass::Normal),
        C::sudo_set_network_pow_registration_allowed { .. } | C::sudo_set_total_issuance { .. } => {
            (rw(0, 1, 14_000_000), DispatchClass::Normal)
        }
        // Walks every stake entry.
        C::sudo_set_nominator_min_required_stake { .. } => {
            (rw(1_000, 1_000, 500_000_000), DispatchClass::Normal)
        }
        C::sudo_set_burn_half_life { .. }
        | C::sudo_set_burn_increase_mult { .. }
        | C::sudo_set_owner_cut_enabled { .. } => {
            (rw(8, 2, 25_000_000), DispatchClass::Operational)
        }
        // Per-subnet values: owner, tempo, schedule and rate-limit reads, one or two writes.
        _ => (rw(8, 2, 20_000_000), DispatchClass::Normal),
    };
    (weight, class, Pays::Yes)
}

/// `do_set_sn_owner_hotkey` (calls 64 and 67): owner or root, an existing subnet, at most once
/// per 50 400 blocks whoever calls, and never a subnet account.
fn set_sn_owner_hotkey(
    s: &mut Storage,
    now: u64,
    origin: &Origin,
    netuid: NetUid,
    hotkey: &AccountId32,
    events: &mut impl Deposit<Event>,
) -> Result<(), DispatchError> {
    ensure_subnet_owner_or_root(s, origin, netuid)?;
    if !NetworksAdded::get(s, &netuid) {
        return Err(Error::SubnetNotExists.into());
    }
    let limit = OwnerRateLimit::SetSnOwnerHotkey;
    if !limit.passes(s, hotkey, netuid, now) {
        return Err(Error::TxRateLimitExceeded.into());
    }
    limit.set_last_block(s, hotkey, netuid, now);
    if subnet_of_account(hotkey).is_some() {
        return Err(Error::CannotUseSystemAccount.into());
    }
    SubnetOwnerHotkey::insert(s, &netuid, hotkey);
    events.deposit(Event::SubnetOwnerHotkeySet(netuid, *hotkey));
    Ok(())
}

/// An owner-or-root setter of `netuid`: the gate (the origin, then the owner's rate limit for
/// `limit`, then the freeze window), the change itself (`apply`, told the owner: `None` for
/// root), and the owner's change recorded for its rate limit.
fn owner_setter(
    s: &mut Storage,
    now: u64,
    origin: &Origin,
    netuid: NetUid,
    limit: OwnerRateLimit,
    apply: impl FnOnce(&mut Storage, Option<AccountId32>) -> Result<(), DispatchError>,
) -> Result<(), DispatchError> {
    let owner = gate(s, now, origin, netuid, limit)?;
    apply(s, owner)?;
    record(s, now, owner, netuid, limit);
    Ok(())
}

/// Runs an AdminUtils `call` as `origin`, appending its events (SubtensorModule's and
/// AdminUtils') on success.
pub fn dispatch<E: Deposit<Event> + Deposit<AdminUtilsEvent>>(
    s: &mut Storage,
    ctx: &BlockContext,
    origin: &Origin,
    call: &AdminUtilsCall,
    events: &mut E,
) -> Result<(), DispatchError> {
    use AdminUtilsCall as C;
    use Hyperparameter as H;
    let now = ctx.block;
    let ev = events;
    match call {
        C::sudo_set_default_take { default_take } => {
            origin.root()?;
            MaxDelegateTake::put(s, default_take);
            ev.deposit(Event::MaxDelegateTakeSet(*default_take));
        }
        C::sudo_set_tx_rate_limit { tx_rate_limit } => {
            origin.root()?;
            TxRateLimit::put(s, tx_rate_limit);
            ev.deposit(Event::TxRateLimitSet(*tx_rate_limit));
        }
        C::sudo_set_serving_rate_limit {
            netuid,
            serving_rate_limit,
        } => owner_setter(
            s,
            now,
            origin,
            *netuid,
            Hyperparam(H::ServingRateLimit),
            |s, _| {
                ServingRateLimit::insert(s, netuid, serving_rate_limit);
                ev.deposit(Event::ServingRateLimitSet(*netuid, *serving_rate_limit));
                Ok(())
            },
        )?,
        C::sudo_set_max_difficulty {
            netuid,
            max_difficulty,
        } => owner_setter(
            s,
            now,
            origin,
            *netuid,
            Hyperparam(H::MaxDifficulty),
            |s, _| {
                ensure_exists(s, *netuid)?;
                MaxDifficulty::insert(s, netuid, max_difficulty);
                ev.deposit(Event::MaxDifficultySet(*netuid, *max_difficulty));
                Ok(())
            },
        )?,
        C::sudo_set_weights_version_key {
            netuid,
            weights_version_key,
        } => owner_setter(
            s,
            now,
            origin,
            *netuid,
            OwnerRateLimit::WeightsVersionKey,
            |s, _| {
                ensure_exists(s, *netuid)?;
                WeightsVersionKey::insert(s, netuid, weights_version_key);
                ev.deposit(Event::WeightsVersionKeySet(*netuid, *weights_version_key));
                Ok(())
            },
        )?,
        C::sudo_set_weights_set_rate_limit {
            netuid,
            weights_set_rate_limit,
        } => {
            origin.root()?;
            ensure_exists(s, *netuid)?;
            WeightsSetRateLimit::insert(s, netuid, weights_set_rate_limit);
            ev.deposit(Event::WeightsSetRateLimitSet(
                *netuid,
                *weights_set_rate_limit,
            ));
        }
        C::sudo_set_adjustment_alpha {
            netuid,
            adjustment_alpha,
        } => owner_setter(
            s,
            now,
            origin,
            *netuid,
            Hyperparam(H::AdjustmentAlpha),
            |s, _| {
                ensure_exists(s, *netuid)?;
                AdjustmentAlpha::insert(s, netuid, adjustment_alpha);
                ev.deposit(Event::AdjustmentAlphaSet(*netuid, *adjustment_alpha));
                Ok(())
            },
        )?,
        C::sudo_set_immunity_period {
            netuid,
            immunity_period,
        } => owner_setter(
            s,
            now,
            origin,
            *netuid,
            Hyperparam(H::ImmunityPeriod),
            |s, _| {
                ensure_exists(s, *netuid)?;
                ImmunityPeriod::insert(s, netuid, immunity_period);
                ev.deposit(Event::ImmunityPeriodSet(*netuid, *immunity_period));
                Ok(())
            },
        )?,
        C::sudo_set_min_allowed_weights {
            netuid,
            min_allowed_weights,
        } => owner_setter(
            s,
            now,
            origin,
            *netuid,
            Hyperparam(H::MinAllowedWeights),
            |s, _| {
                ensure_exists(s, *netuid)?;
                MinAllowedWeights::insert(s, netuid, min_allowed_weights);
                ev.deposit(Event::MinAllowedWeightSet(*netuid, *min_allowed_weights));
                Ok(())
            },
        )?,
        C::sudo_set_max_allowed_uids {
            netuid,
            max_allowed_uids,
        } => owner_setter(
            s,
            now,
            origin,
            *netuid,
            Hyperparam(H::MaxAllowedUids),
            |s, _| {
                ensure_exists(s, *netuid)?;
                if *max_allowed_uids < MinAllowedUids::get(s, netuid) {
                    return Err(AdminUtilsError::MaxAllowedUidsLessThanMinAllowedUids.into());
                }
                if SubnetworkN::get(s, netuid) > *max_allowed_uids {
                    return Err(AdminUtilsError::MaxAllowedUIdsLessThanCurrentUIds.into());
                }
                if *max_allowed_uids > DEFAULT_MAX_ALLOWED_UIDS {
                    return Err(
                        AdminUtilsError::MaxAllowedUidsGreaterThanDefaultMaxAllowedUids.into(),
                    );
                }
                // The slots of all mechanisms together are bounded too (chain bloat).
                let mechanisms = u16::from(MechanismCountCurrent::get(s, netuid));
                if max_allowed_uids.saturating_mul(mechanisms) > DEFAULT_MAX_ALLOWED_UIDS {
                    return Err(Error::TooManyUIDsPerMechanism.into());
                }
                MaxAllowedUids::insert(s, netuid, max_allowed_uids);
                ev.deposit(Event::MaxAllowedUidsSet(*netuid, *max_allowed_uids));
                Ok(())
            },
        )?,
        C::sudo_set_kappa { netuid, kappa } => {
            origin.root()?;
            ensure_exists(s, *netuid)?;
            Kappa::insert(s, netuid, kappa);
            ev.deposit(Event::KappaSet(*netuid, *kappa));
        }
        C::sudo_set_rho { netuid, rho } => {
            owner_setter(s, now, origin, *netuid, Hyperparam(H::Rho), |s, _| {
                ensure_exists(s, *netuid)?;
                // Subtensor's `set_rho` emits nothing.
                Rho::insert(s, netuid, rho);
                Ok(())
            })?
        }
        C::sudo_set_activity_cutoff {
            netuid,
            activity_cutoff,
        } => owner_setter(
            s,
            now,
            origin,
            *netuid,
            Hyperparam(H::ActivityCutoff),
            |s, _| {
                ensure_exists(s, *netuid)?;
                if *activity_cutoff < MinActivityCutoff::get(s) {
                    return Err(Error::ActivityCutoffTooLow.into());
                }
                ActivityCutoff::insert(s, netuid, activity_cutoff);
                ev.deposit(Event::ActivityCutoffSet(*netuid, *activity_cutoff));
                Ok(())
            },
        )?,
        C::sudo_set_network_registration_allowed {
            netuid,
            registration_allowed,
        } => {
            origin.root()?;
            NetworkRegistrationAllowed::insert(s, netuid, registration_allowed);
            ev.deposit(Event::RegistrationAllowed(*netuid, *registration_allowed));
        }
        C::sudo_set_network_pow_registration_allowed { .. } => {
            return Err(AdminUtilsError::POWRegistrationDisabled.into());
        }
        C::sudo_set_min_burn { netuid, min_burn } => {
            owner_setter(s, now, origin, *netuid, Hyperparam(H::MinBurn), |s, _| {
                ensure_exists(s, *netuid)?;
                if *min_burn >= MIN_BURN_UPPER_BOUND || *min_burn >= MaxBurn::get(s, netuid) {
                    return Err(AdminUtilsError::ValueNotInBounds.into());
                }
                MinBurn::insert(s, netuid, min_burn);
                ev.deposit(Event::MinBurnSet(*netuid, *min_burn));
                Ok(())
            })?
        }
        C::sudo_set_max_burn { netuid, max_burn } => {
            owner_setter(s, now, origin, *netuid, Hyperparam(H::MaxBurn), |s, _| {
                ensure_exists(s, *netuid)?;
                if *max_burn <= MAX_BURN_LOWER_BOUND || *max_burn <= MinBurn::get(s, netuid) {
                    return Err(AdminUtilsError::ValueNotInBounds.into());
                }
                MaxBurn::insert(s, netuid, max_burn);
                ev.deposit(Event::MaxBurnSet(*netuid, *max_burn));
                Ok(())
            })?
        }
        C::sudo_set_max_allowed_validators {
            netuid,
            max_allowed_validators,
        } => {
            origin.root()?;
            ensure_admin_window_open(s, *netuid, now)?;
            ensure_exists(s, *netuid)?;
            if *max_allowed_validators > MaxAllowedUids::get(s, netuid) {
                return Err(AdminUtilsError::MaxValidatorsLargerThanMaxUIds.into());
            }
            MaxAllowedValidators::insert(s, netuid, max_allowed_validators);
            ev.deposit(Event::MaxAllowedValidatorsSet(
                *netuid,
                *max_allowed_validators,
            ));
        }
        // Root only, and only while the subnet's admin window is open (subtensor's rules).
        // The values only bind root registrations today (`registration::root_register`);
        // normal subnets are throttled by their burn price alone.
        C::sudo_set_target_registrations_per_interval {
            netuid,
            target_registrations_per_interval: target,
        } => {
            origin.root()?;
            ensure_admin_window_open(s, *netuid, now)?;
            ensure_exists(s, *netuid)?;
            TargetRegistrationsPerInterval::insert(s, netuid, target);
            ev.deposit(Event::RegistrationPerIntervalSet(*netuid, *target));
        }
        C::sudo_set_max_registrations_per_block {
            netuid,
            max_registrations_per_block: max,
        } => {
            origin.root()?;
            ensure_admin_window_open(s, *netuid, now)?;
            ensure_exists(s, *netuid)?;
            MaxRegistrationsPerBlock::insert(s, netuid, max);
            ev.deposit(Event::MaxRegistrationsPerBlockSet(*netuid, *max));
        }
        C::sudo_set_bonds_moving_average {
            netuid,
            bonds_moving_average,
        } => owner_setter(
            s,
            now,
            origin,
            *netuid,
            Hyperparam(H::BondsMovingAverage),
            |s, owner| {
                if owner.is_some() && *bonds_moving_average > OWNER_MAX_BONDS_MOVING_AVERAGE {
                    return Err(AdminUtilsError::BondsMovingAverageMaxReached.into());
                }
                ensure_exists(s, *netuid)?;
                BondsMovingAverage::insert(s, netuid, bonds_moving_average);
                ev.deposit(Event::BondsMovingAverageSet(*netuid, *bonds_moving_average));
                Ok(())
            },
        )?,
        C::sudo_set_subnet_owner_cut { subnet_owner_cut } => {
            origin.root()?;
            SubnetOwnerCut::put(s, subnet_owner_cut);
            ev.deposit(Event::SubnetOwnerCutSet(*subnet_owner_cut));
        }
        C::sudo_set_network_rate_limit { rate_limit } => {
            origin.root()?;
            NetworkRateLimit::put(s, rate_limit);
            ev.deposit(Event::NetworkRateLimitSet(*rate_limit));
        }
        C::sudo_set_tempo { netuid, tempo } => {
            origin.root()?;
            ensure_admin_window_open(s, *netuid, now)?;
            ensure_exists(s, *netuid)?;
            let mut st = Vec::new();
            apply_tempo_with_cycle_reset(s, now, *netuid, *tempo, &mut st);
            for e in st {
                ev.deposit(e);
            }
        }
        C::sudo_set_total_issuance { .. } => {
            return Err(AdminUtilsError::Deprecated.into());
        }
        C::sudo_set_network_immunity_period { immunity_period } => {
            origin.root()?;
            NetworkImmunityPeriod::put(s, immunity_period);
            ev.deposit(Event::NetworkImmunityPeriodSet(*immunity_period));
        }
        C::sudo_set_network_min_lock_cost { lock_cost } => {
            origin.root()?;
            NetworkMinLockCost::put(s, lock_cost);
            ev.deposit(Event::NetworkMinLockCostSet(*lock_cost));
        }
        C::sudo_set_subnet_limit { max_subnets } => {
            origin.root()?;
            SubnetLimit::put(s, max_subnets);
            ev.deposit(Event::SubnetLimitSet(*max_subnets));
        }
        C::sudo_set_lock_reduction_interval { interval } => {
            origin.root()?;
            NetworkLockReductionInterval::put(s, interval);
            ev.deposit(Event::NetworkLockCostReductionIntervalSet(*interval));
        }
        C::sudo_set_rao_recycled {
            netuid,
            rao_recycled,
        } => {
            origin.root()?;
            ensure_exists(s, *netuid)?;
            RAORecycledForRegistration::insert(s, netuid, rao_recycled);
            ev.deposit(Event::RAORecycledForRegistrationSet(*netuid, *rao_recycled));
        }
        C::sudo_set_stake_threshold { min_stake } => {
            origin.root()?;
            StakeThreshold::put(s, min_stake);
            ev.deposit(Event::StakeThresholdSet(*min_stake));
        }
        C::sudo_set_nominator_min_required_stake { min_stake } => {
            origin.root()?;
            // Subtensor compares the new factor with the previous minimum in rao (not with the
            // previous factor); kept as is.
            let previous = nominator_min_required_stake(s);
            NominatorMinRequiredStake::put(s, min_stake);
            if *min_stake > previous {
                let mut st = Vec::new();
                clear_small_nominations(&mut Ctx::new(s, now, ctx.author.as_ref(), &mut st));
                for e in st {
                    ev.deposit(e);
                }
            }
        }
        C::sudo_set_tx_delegate_take_rate_limit { tx_rate_limit } => {
            origin.root()?;
            TxDelegateTakeRateLimit::put(s, tx_rate_limit);
            ev.deposit(Event::TxDelegateTakeRateLimitSet(*tx_rate_limit));
        }
        C::sudo_set_min_delegate_take { take } => {
            origin.root()?;
            MinDelegateTake::put(s, take);
            ev.deposit(Event::MinDelegateTakeSet(*take));
        }
        C::sudo_set_commit_reveal_weights_enabled { netuid, enabled } => owner_setter(
            s,
            now,
            origin,
            *netuid,
            Hyperparam(H::CommitRevealEnabled),
            |s, _| {
                ensure_exists(s, *netuid)?;
                CommitRevealWeightsEnabled::insert(s, netuid, enabled);
                ev.deposit(Event::CommitRevealEnabled(*netuid, *enabled));
                Ok(())
            },
        )?,
        C::sudo_set_liquid_alpha_enabled { netuid, enabled } => owner_setter(
            s,
            now,
            origin,
            *netuid,
            Hyperparam(H::LiquidAlphaEnabled),
            |s, _| {
                LiquidAlphaOn::insert(s, netuid, enabled);
                Ok(())
            },
        )?,
        C::sudo_set_alpha_values {
            netuid,
            alpha_low,
            alpha_high,
        } => owner_setter(
            s,
            now,
            origin,
            *netuid,
            Hyperparam(H::AlphaValues),
            |s, _| {
                if !LiquidAlphaOn::get(s, netuid) {
                    return Err(Error::LiquidAlphaDisabled.into());
                }
                if *alpha_high < MIN_ALPHA_VALUE {
                    return Err(Error::AlphaHighTooLow.into());
                }
                if *alpha_low < MIN_ALPHA_VALUE || alpha_low > alpha_high {
                    return Err(Error::AlphaLowOutOfRange.into());
                }
                AlphaValues::insert(s, netuid, &(*alpha_low, *alpha_high));
                Ok(())
            },
        )?,
        C::sudo_set_commit_reveal_weights_interval { netuid, interval } => owner_setter(
            s,
            now,
            origin,
            *netuid,
            Hyperparam(H::WeightCommitInterval),
            |s, _| {
                ensure_exists(s, *netuid)?;
                if *interval > MAX_COMMIT_REVEAL_PERIODS {
                    return Err(Error::RevealPeriodTooLarge.into());
                }
                if *interval < MIN_COMMIT_REVEAL_PERIODS {
                    return Err(Error::RevealPeriodTooSmall.into());
                }
                RevealPeriodEpochs::insert(s, netuid, interval);
                ev.deposit(Event::CommitRevealPeriodsSet(*netuid, *interval));
                Ok(())
            },
        )?,
        C::sudo_set_bonds_penalty {
            netuid,
            bonds_penalty,
        } => owner_setter(
            s,
            now,
            origin,
            *netuid,
            Hyperparam(H::BondsPenalty),
            |s, _| {
                ensure_exists(s, *netuid)?;
                BondsPenalty::insert(s, netuid, bonds_penalty);
                ev.deposit(Event::BondsPenaltySet(*netuid, *bonds_penalty));
                Ok(())
            },
        )?,
        C::sudo_set_toggle_transfer { netuid, toggle } => owner_setter(
            s,
            now,
            origin,
            *netuid,
            Hyperparam(H::TransferEnabled),
            |s, _| {
                TransferToggle::insert(s, netuid, toggle);
                ev.deposit(Event::TransferToggle(*netuid, *toggle));
                Ok(())
            },
        )?,
        C::sudo_set_subnet_moving_alpha { alpha } => {
            origin.root()?;
            SubnetMovingAlpha::put(s, alpha);
        }
        C::sudo_set_subnet_owner_hotkey { netuid, hotkey }
        | C::sudo_set_sn_owner_hotkey { netuid, hotkey } => {
            set_sn_owner_hotkey(s, now, origin, *netuid, hotkey, ev)?;
        }
        C::sudo_set_ema_price_halving_period {
            netuid,
            ema_halving,
        } => {
            origin.root()?;
            EMAPriceHalvingBlocks::insert(s, netuid, ema_halving);
        }
        C::sudo_set_subtoken_enabled {
            netuid,
            subtoken_enabled,
        } => {
            origin.root()?;
            ensure_admin_window_open(s, *netuid, now)?;
            SubtokenEnabled::insert(s, netuid, subtoken_enabled);
        }
        C::sudo_set_alpha_sigmoid_steepness { netuid, steepness } => owner_setter(
            s,
            now,
            origin,
            *netuid,
            Hyperparam(H::AlphaSigmoidSteepness),
            |s, owner| {
                ensure_exists(s, *netuid)?;
                // Negative steepness is reserved to root.
                if owner.is_some() && *steepness < 0 {
                    return Err(AdminUtilsError::NegativeSigmoidSteepness.into());
                }
                AlphaSigmoidSteepness::insert(s, netuid, steepness);
                Ok(())
            },
        )?,
        C::sudo_set_yuma3_enabled { netuid, enabled } => owner_setter(
            s,
            now,
            origin,
            *netuid,
            Hyperparam(H::Yuma3Enabled),
            |s, _| {
                Yuma3On::insert(s, netuid, enabled);
                ev.deposit(AdminUtilsEvent::Yuma3EnableToggled {
                    netuid: *netuid,
                    enabled: *enabled,
                });
                Ok(())
            },
        )?,
        C::sudo_set_bonds_reset_enabled { netuid, enabled } => owner_setter(
            s,
            now,
            origin,
            *netuid,
            Hyperparam(H::BondsResetEnabled),
            |s, _| {
                BondsResetOn::insert(s, netuid, enabled);
                ev.deposit(Event::BondsResetOnSet(*netuid, *enabled));
                ev.deposit(AdminUtilsEvent::BondsResetToggled {
                    netuid: *netuid,
                    enabled: *enabled,
                });
                Ok(())
            },
        )?,
        C::sudo_set_owner_immune_neuron_limit {
            netuid,
            immune_neurons,
        } => owner_setter(
            s,
            now,
            origin,
            *netuid,
            Hyperparam(H::ImmuneNeuronLimit),
            |s, _| {
                if !(MIN_IMMUNE_OWNER_UIDS_LIMIT..=MAX_IMMUNE_OWNER_UIDS_LIMIT)
                    .contains(immune_neurons)
                {
                    return Err(Error::InvalidValue.into());
                }
                ImmuneOwnerUidsLimit::insert(s, netuid, immune_neurons);
                Ok(())
            },
        )?,
        C::sudo_set_admin_freeze_window { window } => {
            origin.root()?;
            AdminFreezeWindow::put(s, window);
            ev.deposit(Event::AdminFreezeWindowSet(*window));
        }
        C::sudo_set_owner_hparam_rate_limit { epochs } => {
            origin.root()?;
            OwnerHyperparamRateLimit::put(s, epochs);
            ev.deposit(Event::OwnerHyperparamRateLimitSet(*epochs));
        }
        C::sudo_set_min_allowed_uids {
            netuid,
            min_allowed_uids,
        } => {
            origin.root()?;
            ensure_admin_window_open(s, *netuid, now)?;
            ensure_exists(s, *netuid)?;
            if *min_allowed_uids >= MaxAllowedUids::get(s, netuid) {
                return Err(AdminUtilsError::MinAllowedUidsGreaterThanMaxAllowedUids.into());
            }
            if *min_allowed_uids >= SubnetworkN::get(s, netuid) {
                return Err(AdminUtilsError::MinAllowedUidsGreaterThanCurrentUids.into());
            }
            MinAllowedUids::insert(s, netuid, min_allowed_uids);
            ev.deposit(Event::MinAllowedUidsSet(*netuid, *min_allowed_uids));
        }
        C::sudo_set_recycle_or_burn {
            netuid,
            recycle_or_burn,
        } => owner_setter(
            s,
            now,
            origin,
            *netuid,
            Hyperparam(H::RecycleOrBurn),
            |s, _| {
                RecycleOrBurn::insert(s, netuid, recycle_or_burn);
                Ok(())
            },
        )?,
        C::sudo_set_min_non_immune_uids { netuid, min } => {
            origin.root()?;
            MinNonImmuneUids::insert(s, netuid, min);
            ev.deposit(Event::MinNonImmuneUidsSet(*netuid, *min));
        }
        C::sudo_set_start_call_delay { delay } => {
            origin.root()?;
            StartCallDelay::put(s, delay);
            ev.deposit(Event::StartCallDelaySet(*delay));
        }
        C::sudo_set_burn_half_life {
            netuid,
            burn_half_life,
        } => owner_setter(
            s,
            now,
            origin,
            *netuid,
            Hyperparam(H::BurnHalfLife),
            |s, _| {
                ensure_exists(s, *netuid)?;
                ensure_not_root(*netuid)?;
                if !(1..=MAX_BURN_HALF_LIFE).contains(burn_half_life) {
                    return Err(AdminUtilsError::InvalidValue.into());
                }
                BurnHalfLife::insert(s, netuid, burn_half_life);
                ev.deposit(AdminUtilsEvent::BurnHalfLifeSet {
                    netuid: *netuid,
                    burn_half_life: *burn_half_life,
                });
                Ok(())
            },
        )?,
        C::sudo_set_burn_increase_mult {
            netuid,
            burn_increase_mult,
        } => owner_setter(
            s,
            now,
            origin,
            *netuid,
            Hyperparam(H::BurnIncreaseMult),
            |s, _| {
                ensure_exists(s, *netuid)?;
                ensure_not_root(*netuid)?;
                if !(U64F64::from_num(1)..=U64F64::from_num(3)).contains(burn_increase_mult) {
                    return Err(AdminUtilsError::InvalidValue.into());
                }
                BurnIncreaseMult::insert(s, netuid, burn_increase_mult);
                ev.deposit(AdminUtilsEvent::BurnIncreaseMultSet {
                    netuid: *netuid,
                    burn_increase_mult: *burn_increase_mult,
                });
                Ok(())
            },
        )?,
        C::sudo_set_owner_cut_enabled { netuid, enabled } => {
            // Owner or root, without a rate limit.
            ensure_subnet_owner_or_root(s, origin, *netuid)?;
            ensure_admin_window_open(s, *netuid, now)?;
            ensure_exists(s, *netuid)?;
            ensure_not_root(*netuid)?;
            OwnerCutEnabled::insert(s, netuid, enabled);
        }
        C::sudo_set_subnet_emission_enabled { netuid, enabled } => {
            origin.root()?;
            ensure_exists(s, *netuid)?;
            ensure_not_root(*netuid)?;
            SubnetEmissionEnabled::insert(s, netuid, enabled);
            ev.deposit(AdminUtilsEvent::SubnetEmissionEnabledSet {
                netuid: *netuid,
                enabled: *enabled,
            });
        }
        C::sudo_set_max_epochs_per_block {
            max_epochs_per_block,
        } => {
            origin.root()?;
            if *max_epochs_per_block < 1 {
                return Err(AdminUtilsError::ValueNotInBounds.into());
            }
            MaxEpochsPerBlock::put(s, max_epochs_per_block);
            ev.deposit(Event::MaxEpochsPerBlockSet(*max_epochs_per_block));
        }
    }
    Ok(())
}
