//! `SubnetInfoRuntimeApi_get_subnet_hyperparams_v3`: a subnet's hyperparameters as a list of
//! named, typed values (subtensor's `SubnetHyperparamsV3`), in subtensor's order.

use crate::storage::Storage;
use crate::subtensor::coinbase::OwnerCutEnabled;
use crate::subtensor::registration::{MaxRegistrationsPerBlock, TargetRegistrationsPerInterval};
use crate::subtensor::stake_moves::TransferToggle;
use crate::subtensor::storage::*;
use codec::{Compact, Decode, Encode};
use cortex_primitives::NetUid;
use substrate_fixed::types::{I32F32, U64F64};

/// A hyperparameter's value (subtensor's `HyperparamValue`; the variant order is the tag).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub enum HyperparamValue {
    /// A flag.
    Bool(bool),
    /// A u16.
    U16(Compact<u16>),
    /// A u32.
    U32(Compact<u32>),
    /// A u64.
    U64(Compact<u64>),
    /// A u128.
    U128(Compact<u128>),
    /// An amount of rao.
    TaoBalance(Compact<u64>),
    /// A signed fixed-point number.
    I32F32(I32F32),
    /// An unsigned fixed-point number.
    U64F64(U64F64),
}

/// One named hyperparameter (subtensor's `HyperparamEntry`).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub struct HyperparamEntry {
    /// The ASCII name clients look the value up by.
    pub name: Vec<u8>,
    /// The value.
    pub value: HyperparamValue,
}

/// The activity cutoff in blocks: `max(1, ⌊factor_milli × tempo / 1000⌋)`.
pub fn activity_cutoff_blocks(s: &Storage, netuid: NetUid) -> u64 {
    u64::from(ActivityCutoffFactorMilli::get(s, &netuid))
        .saturating_mul(u64::from(Tempo::get(s, &netuid)))
        .checked_div(1000)
        .unwrap_or(0)
        .max(1)
}

/// The liquid-alpha sigmoid steepness as subtensor reports it.
fn sigmoid_steepness(s: &Storage, netuid: NetUid) -> I32F32 {
    I32F32::saturating_from_num(AlphaSigmoidSteepness::get(s, &netuid))
}

/// `get_subnet_hyperparams_v3(netuid)`: `None` unless the subnet exists.
///
/// `user_liquidity_enabled` is always false (as on subtensor); `owner_cut_auto_lock_enabled` is
/// false and `min_childkey_take` 0 because Cortex has neither owner-cut locks nor child keys.
pub fn get_subnet_hyperparams_v3(s: &Storage, netuid: u16) -> Option<Vec<HyperparamEntry>> {
    use HyperparamValue::*;
    let n = NetUid(netuid);
    if !NetworksAdded::get(s, &n) {
        return None;
    }
    let (alpha_low, alpha_high) = AlphaValues::get(s, &n);
    let yuma_version: u16 = if Yuma3On::get(s, &n) { 3 } else { 2 };
    let entries: Vec<(&str, HyperparamValue)> = vec![
        ("kappa", U16(Compact(Kappa::get(s, &n)))),
        ("immunity_period", U16(Compact(ImmunityPeriod::get(s, &n)))),
        (
            "min_allowed_weights",
            U16(Compact(MinAllowedWeights::get(s, &n))),
        ),
        (
            "max_weights_limit",
            U16(Compact(MaxWeightsLimit::get(s, &n))),
        ),
        ("tempo", U16(Compact(Tempo::get(s, &n)))),
        (
            "weights_version",
            U64(Compact(WeightsVersionKey::get(s, &n))),
        ),
        (
            "weights_rate_limit",
            U64(Compact(WeightsSetRateLimit::get(s, &n))),
        ),
        (
            "activity_cutoff",
            U64(Compact(activity_cutoff_blocks(s, n))),
        ),
        (
            "activity_cutoff_factor",
            U32(Compact(ActivityCutoffFactorMilli::get(s, &n))),
        ),
        (
            "registration_allowed",
            Bool(NetworkRegistrationAllowed::get(s, &n)),
        ),
        (
            "target_regs_per_interval",
            U16(Compact(TargetRegistrationsPerInterval::get(s, &n))),
        ),
        ("min_burn", TaoBalance(Compact(MinBurn::get(s, &n)))),
        ("max_burn", TaoBalance(Compact(MaxBurn::get(s, &n)))),
        ("burn_half_life", U16(Compact(BurnHalfLife::get(s, &n)))),
        ("burn_increase_mult", U64F64(BurnIncreaseMult::get(s, &n))),
        (
            "bonds_moving_avg",
            U64(Compact(BondsMovingAverage::get(s, &n))),
        ),
        (
            "max_regs_per_block",
            U16(Compact(MaxRegistrationsPerBlock::get(s, &n))),
        ),
        (
            "serving_rate_limit",
            U64(Compact(ServingRateLimit::get(s, &n))),
        ),
        (
            "max_validators",
            U16(Compact(MaxAllowedValidators::get(s, &n))),
        ),
        (
            "commit_reveal_period",
            U64(Compact(RevealPeriodEpochs::get(s, &n))),
        ),
        (
            "commit_reveal_weights_enabled",
            Bool(CommitRevealWeightsEnabled::get(s, &n)),
        ),
        ("alpha_high", U16(Compact(alpha_high))),
        ("alpha_low", U16(Compact(alpha_low))),
        ("liquid_alpha_enabled", Bool(LiquidAlphaOn::get(s, &n))),
        ("alpha_sigmoid_steepness", I32F32(sigmoid_steepness(s, n))),
        ("yuma_version", U16(Compact(yuma_version))),
        ("subnet_is_active", Bool(SubtokenEnabled::get(s, &n))),
        ("transfers_enabled", Bool(TransferToggle::get(s, &n))),
        ("bonds_reset_enabled", Bool(BondsResetOn::get(s, &n))),
        ("user_liquidity_enabled", Bool(false)),
        ("owner_cut_enabled", Bool(OwnerCutEnabled::get(s, &n))),
        ("owner_cut_auto_lock_enabled", Bool(false)),
        ("min_childkey_take", U16(Compact(0))),
    ];
    Some(
        entries
            .into_iter()
            .map(|(name, value)| HyperparamEntry {
                name: name.as_bytes().to_vec(),
                value,
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime_api::call;
    use crate::test_support::{TAO, funded, subnet};

    #[test]
    fn hyperparameters_by_name() {
        let mut s = funded(&[(1, 10_000 * TAO)]);
        let netuid = subnet(&mut s, true);
        Tempo::insert(&mut s, &netuid, &10);
        ActivityCutoffFactorMilli::insert(&mut s, &netuid, &5_000);
        RevealPeriodEpochs::insert(&mut s, &netuid, &3);
        AlphaValues::insert(&mut s, &netuid, &(100, 200));
        Yuma3On::insert(&mut s, &netuid, &true);
        AlphaSigmoidSteepness::insert(&mut s, &netuid, &-7);
        let out = call(
            &s,
            "SubnetInfoRuntimeApi_get_subnet_hyperparams_v3",
            &netuid.0.encode(),
        )
        .unwrap();
        let entries = Option::<Vec<HyperparamEntry>>::decode(&mut &out[..])
            .unwrap()
            .unwrap();
        assert_eq!(entries.len(), 33);
        let get = |name: &str| {
            entries
                .iter()
                .find(|e| e.name == name.as_bytes())
                .unwrap()
                .value
                .clone()
        };
        assert_eq!(entries[0].name, b"kappa");
        assert_eq!(get("tempo"), HyperparamValue::U16(Compact(10)));
        assert_eq!(get("activity_cutoff"), HyperparamValue::U64(Compact(50)));
        assert_eq!(
            get("activity_cutoff_factor"),
            HyperparamValue::U32(Compact(5_000))
        );
        assert_eq!(
            get("commit_reveal_period"),
            HyperparamValue::U64(Compact(3))
        );
        assert_eq!(get("alpha_low"), HyperparamValue::U16(Compact(100)));
        assert_eq!(get("alpha_high"), HyperparamValue::U16(Compact(200)));
        assert_eq!(get("yuma_version"), HyperparamValue::U16(Compact(3)));
        assert_eq!(get("subnet_is_active"), HyperparamValue::Bool(true));
        assert_eq!(
            get("min_burn"),
            HyperparamValue::TaoBalance(Compact(MinBurn::get(&s, &netuid)))
        );
        assert_eq!(
            get("alpha_sigmoid_steepness"),
            HyperparamValue::I32F32(I32F32::from_num(-7))
        );
        // The variant tag of a TaoBalance value is 5.
        let e = HyperparamEntry {
            name: b"x".to_vec(),
            value: HyperparamValue::TaoBalance(Compact(1)),
        };
        assert_eq!(e.encode(), vec![4, b'x', 5, 4]);
        assert_eq!(
            call(
                &s,
                "SubnetInfoRuntimeApi_get_subnet_hyperparams_v3",
                &[9, 0]
            )
            .unwrap(),
            vec![0]
        );
    }
}
