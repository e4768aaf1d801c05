//! The swap pallet (pallet 28, `pallets/swap/src/pallet/mod.rs`): the dynamic-TAO pools' AMM
//! ([`balancer`]), the pool state it keeps under `Swap` (each pool's weights and fee rate), and
//! its calls: root's `set_fee_rate`, and the user-liquidity calls of the retired
//! concentrated-liquidity AMM, which still decode (so clients get the pallet's `Deprecated`
//! error rather than a decoding failure) but always fail.
//!
//! The pools' reserves (`SubnetTAO`, `SubnetAlphaIn`) are SubtensorModule's storage, which
//! moves them when it stakes and unstakes; this pallet only prices a swap.

#![allow(non_camel_case_types)]

pub mod balancer;

pub use balancer::{
    Balancer, DEFAULT_FEE_RATE, MAX_PRICE, MAX_SWAP_INPUT_RESERVE_MULTIPLIER, MIN_PRICE, Pool,
    Side, SwapError, SwapResult,
};

use crate::storage::Storage;
use crate::storage_map;
use crate::support::{Deposit, DispatchClass, DispatchError, Origin, Pays, Weight};
use codec::{Decode, Encode};
use cortex_primitives::{AccountId32, NetUid};

/// The swap pallet's index.
pub const PALLET_INDEX: u8 = 28;

/// The highest fee rate root may set (parts of 65535, about 15 %).
pub const MAX_FEE_RATE: u16 = 10_000;

/// The swap pallet's errors, in subtensor's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, scale_info::TypeInfo)]
#[repr(u8)]
pub enum SwapPalletError {
    /// The fee rate is above the maximum allowed. Choose a lower rate.
    FeeRateTooHigh = 0,
    /// The amount to swap is too small to produce anything. Use a larger amount.
    InsufficientInputAmount = 1,
    /// The pool does not hold enough liquidity for this swap. Use a smaller amount.
    InsufficientLiquidity = 2,
    /// The swap would move the price past the limit given. Raise the limit, allow a partial swap,
    /// or swap less.
    PriceLimitExceeded = 3,
    /// The account does not hold enough to cover the swap. Use a smaller amount.
    InsufficientBalance = 4,
    /// The tick range is invalid (low not below high, or outside the price range).
    InvalidTickRange = 5,
    /// The liquidity amount is invalid (zero or too small).
    InvalidLiquidityValue = 6,
    /// The pool's reserves are too low for this operation.
    ReservesTooLow = 7,
    /// The subnet has no pool (no such subnet or mechanism). Check the netuid.
    MechanismDoesNotExist = 8,
    /// The subnet's token is not enabled yet, so its pool cannot be used. Wait until the subnet is
    /// started.
    SubtokenDisabled = 9,
    /// The pool's reserves are out of balance, so the operation is refused.
    ReservesOutOfBalance = 10,
    /// The amount to swap is too large for the pool. Use a smaller amount.
    SwapInputTooLarge = 11,
    /// This call is deprecated (user liquidity is gone) and always fails.
    Deprecated = 12,
}

impl From<SwapPalletError> for DispatchError {
    fn from(e: SwapPalletError) -> DispatchError {
        DispatchError::module(PALLET_INDEX, e as u8)
    }
}

/// A tick of the retired concentrated-liquidity AMM (`TickIndex(i32)`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub struct TickIndex(pub i32);

/// A liquidity position of the retired AMM (`PositionId(u128)`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub struct PositionId(pub u128);

/// The swap pallet's events.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub enum SwapEvent {
    /// Root set a subnet's swap fee rate.
    #[codec(index = 0)]
    FeeRateSet {
        /// The subnet.
        netuid: NetUid,
        /// The new rate, as a fraction of `u16::MAX`.
        rate: u16,
    },
}

/// Swap pallet calls: subtensor's call indices, argument names, order and types.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub enum SwapCall {
    /// Root only: sets the fee rate of a subnet's pool, as a fraction of `u16::MAX` (at most
    /// 10 000, about 15%).
    #[codec(index = 0)]
    set_fee_rate {
        /// The subnet.
        netuid: NetUid,
        /// The new rate.
        rate: u16,
    },
    /// Deprecated (user liquidity is gone): always fails.
    #[codec(index = 1)]
    add_liquidity {
        /// The position's hotkey.
        hotkey: AccountId32,
        /// The subnet.
        netuid: NetUid,
        /// The range's lower tick.
        tick_low: TickIndex,
        /// The range's upper tick.
        tick_high: TickIndex,
        /// The liquidity to add.
        liquidity: u64,
    },
    /// Deprecated (user liquidity is gone): always fails.
    #[codec(index = 2)]
    remove_liquidity {
        /// The position's hotkey.
        hotkey: AccountId32,
        /// The subnet.
        netuid: NetUid,
        /// The position.
        position_id: PositionId,
    },
    /// Deprecated (user liquidity is gone): always fails.
    #[codec(index = 3)]
    modify_position {
        /// The position's hotkey.
        hotkey: AccountId32,
        /// The subnet.
        netuid: NetUid,
        /// The position.
        position_id: PositionId,
        /// The change of its liquidity.
        liquidity_delta: i64,
    },
    /// Deprecated (user liquidity is gone): always fails.
    #[codec(index = 4)]
    toggle_user_liquidity {
        /// The subnet.
        netuid: NetUid,
        /// Whether to allow user liquidity.
        enable: bool,
    },
    /// Deprecated (user liquidity is gone): always fails.
    #[codec(index = 5)]
    disable_lp,
}

impl SwapCall {
    /// The call's name.
    pub fn name(&self) -> &'static str {
        match self {
            SwapCall::set_fee_rate { .. } => "set_fee_rate",
            SwapCall::add_liquidity { .. } => "add_liquidity",
            SwapCall::remove_liquidity { .. } => "remove_liquidity",
            SwapCall::modify_position { .. } => "modify_position",
            SwapCall::toggle_user_liquidity { .. } => "toggle_user_liquidity",
            SwapCall::disable_lp => "disable_lp",
        }
    }
}

/// The weight, class and fee mode of a swap pallet call (Cortex's estimates).
pub fn call_info(call: &SwapCall) -> (Weight, DispatchClass, Pays) {
    let weight = match call {
        SwapCall::set_fee_rate { .. } => crate::support::rw(1, 1, 10_000_000),
        _ => crate::support::rw(0, 0, 15_000_000),
    };
    (weight, DispatchClass::Normal, Pays::Yes)
}

/// What the swap pallet needs from SubtensorModule (subtensor's `SubnetInfo`).
pub trait Subnets {
    /// Whether `netuid` exists.
    fn exists(&self, s: &Storage, netuid: NetUid) -> bool;
}

/// Runs a swap pallet `call` as `origin`, appending its event on success.
pub fn dispatch(
    s: &mut Storage,
    origin: &Origin,
    subnets: &dyn Subnets,
    call: &SwapCall,
    events: &mut impl Deposit<SwapEvent>,
) -> Result<(), DispatchError> {
    match call {
        SwapCall::set_fee_rate { netuid, rate } => {
            origin.root()?;
            if !subnets.exists(s, *netuid) {
                return Err(SwapPalletError::MechanismDoesNotExist.into());
            }
            if *rate > MAX_FEE_RATE {
                return Err(SwapPalletError::FeeRateTooHigh.into());
            }
            FeeRate::insert(s, netuid, rate);
            events.deposit(SwapEvent::FeeRateSet {
                netuid: *netuid,
                rate: *rate,
            });
            Ok(())
        }
        SwapCall::add_liquidity { .. }
        | SwapCall::remove_liquidity { .. }
        | SwapCall::modify_position { .. }
        | SwapCall::toggle_user_liquidity { .. }
        | SwapCall::disable_lp => Err(SwapPalletError::Deprecated.into()),
    }
}

storage_map!(/// The pool's weights (swap pallet).
    "Swap", SwapBalancer: Twox64Concat(NetUid) => Balancer = Balancer::default());

storage_map!(/// Whether the pool's weights were initialized (swap pallet).
    "Swap", PalSwapInitialized: Twox64Concat(NetUid) => bool = false);

storage_map!(/// The pool's swap fee, parts of 65535 (swap pallet).
    "Swap", FeeRate: Twox64Concat(NetUid) => u16 = DEFAULT_FEE_RATE);

storage_map!(/// The square root of the pool's alpha price in TAO, as of the end of the last block.
    /// Kept for clients of subtensor's retired concentrated-liquidity pools, which priced from
    /// it (btcli falls back to it where `current_alpha_price` is missing).
    "Swap", AlphaSqrtPrice: Twox64Concat(NetUid) => substrate_fixed::types::U64F64 = substrate_fixed::types::U64F64::from_bits(0));

/// The square root of a `U64F64` (rounded down), in integers: exact to the last bit below 1,
/// and to 32 fractional bits above (where `bits << 64` no longer fits in 128 bits).
pub fn sqrt_price(price: substrate_fixed::types::U64F64) -> substrate_fixed::types::U64F64 {
    use substrate_fixed::types::U64F64;
    let bits = price.to_bits();
    // sqrt(bits / 2^64) * 2^64 = sqrt(bits * 2^64).
    let root = match bits.checked_shl(64).filter(|_| bits < (1u128 << 64)) {
        Some(scaled) => scaled.isqrt(),
        None => bits.isqrt().checked_shl(32).unwrap_or(u128::MAX),
    };
    U64F64::from_bits(root)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::RuntimeCall;
    use crate::config::PALLETS;
    use crate::event::RuntimeEvent;
    use crate::test_support::{TAO, acct, funded, subnet};

    #[test]
    fn set_fee_rate_is_roots_and_bounded() {
        let mut s = funded(&[(1, 2_000 * TAO)]);
        let netuid = subnet(&mut s, false);
        let mut ev: Vec<RuntimeEvent> = Vec::new();
        let call = SwapCall::set_fee_rate { netuid, rate: 500 };
        assert_eq!(
            dispatch(&mut s, &Origin::Signed(acct(1)), &PALLETS, &call, &mut ev),
            Err(DispatchError::BadOrigin)
        );
        assert_eq!(
            dispatch(
                &mut s,
                &Origin::Root,
                &PALLETS,
                &SwapCall::set_fee_rate {
                    netuid,
                    rate: 10_001
                },
                &mut ev
            ),
            Err(DispatchError::module(28, 0))
        );
        assert_eq!(
            dispatch(
                &mut s,
                &Origin::Root,
                &PALLETS,
                &SwapCall::set_fee_rate {
                    netuid: NetUid(9),
                    rate: 5
                },
                &mut ev
            ),
            Err(DispatchError::module(28, 8))
        );
        assert!(ev.is_empty());
        dispatch(&mut s, &Origin::Root, &PALLETS, &call, &mut ev).unwrap();
        assert_eq!(FeeRate::get(&s, &netuid), 500);
        assert_eq!(
            ev,
            vec![RuntimeEvent::Swap(SwapEvent::FeeRateSet {
                netuid,
                rate: 500
            })]
        );
        dispatch(
            &mut s,
            &Origin::Root,
            &PALLETS,
            &SwapCall::set_fee_rate {
                netuid,
                rate: MAX_FEE_RATE,
            },
            &mut ev,
        )
        .unwrap();
        assert_eq!(FeeRate::get(&s, &netuid), MAX_FEE_RATE);
    }

    #[test]
    fn liquidity_calls_decode_and_are_deprecated() {
        let calls = vec![
            SwapCall::add_liquidity {
                hotkey: acct(2),
                netuid: NetUid(1),
                tick_low: TickIndex(-10),
                tick_high: TickIndex(10),
                liquidity: 5,
            },
            SwapCall::remove_liquidity {
                hotkey: acct(2),
                netuid: NetUid(1),
                position_id: PositionId(7),
            },
            SwapCall::modify_position {
                hotkey: acct(2),
                netuid: NetUid(1),
                position_id: PositionId(7),
                liquidity_delta: -3,
            },
            SwapCall::toggle_user_liquidity {
                netuid: NetUid(1),
                enable: true,
            },
            SwapCall::disable_lp,
        ];
        let mut s = Storage::new();
        for (i, call) in calls.into_iter().enumerate() {
            let bytes = RuntimeCall::Swap(call.clone()).encode();
            assert_eq!(&bytes[..2], &[28, u8::try_from(i + 1).unwrap()]);
            assert_eq!(
                RuntimeCall::decode_bytes(&bytes).unwrap(),
                RuntimeCall::Swap(call.clone())
            );
            assert_eq!(
                dispatch(
                    &mut s,
                    &Origin::Signed(acct(1)),
                    &PALLETS,
                    &call,
                    &mut Vec::<SwapEvent>::new()
                ),
                Err(DispatchError::module(28, 12))
            );
        }
        // add_liquidity: 2 + 32 + 2 + 4 + 4 + 8 bytes.
        let bytes = RuntimeCall::Swap(SwapCall::add_liquidity {
            hotkey: acct(2),
            netuid: NetUid(1),
            tick_low: TickIndex(0),
            tick_high: TickIndex(0),
            liquidity: 0,
        })
        .encode();
        assert_eq!(bytes.len(), 52);
    }

    #[test]
    fn sqrt_prices_square_back_to_the_price() {
        use substrate_fixed::types::U64F64;
        let f = |x: f64| U64F64::from_num(x);
        assert_eq!(sqrt_price(f(4.0)), f(2.0));
        assert_eq!(sqrt_price(f(0.25)), f(0.5));
        assert_eq!(sqrt_price(f(0.0)), f(0.0));
        // Rounded down, within one step of 2^-32 above 1 and exact below 1.
        let two = sqrt_price(f(2.0));
        let err = (two.to_num::<f64>() - 2f64.sqrt()).abs();
        assert!(err < 1e-9, "{two}");
        let small = sqrt_price(U64F64::from_bits(12_345_678_901));
        let back = small.to_bits() * small.to_bits();
        assert!(back <= 12_345_678_901u128 << 64);
        assert!((small.to_bits() + 1) * (small.to_bits() + 1) > 12_345_678_901u128 << 64);
        assert_eq!(sqrt_price(U64F64::from_bits(u128::MAX)).to_bits() >> 64, u128::from(u32::MAX));
    }
}
