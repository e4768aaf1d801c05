//! Stake as shares: each hotkey's alpha on a subnet is one pool owned by its nominators.
//!
//! A pool has a value (`TotalHotkeyAlpha`, alpha) and shares per coldkey (`AlphaV2`) summing to
//! a denominator (`TotalHotkeySharesV2`). Staking `x` for one coldkey mints
//! `x · denominator / value` shares (the first staker's shares equal the value); emission paid
//! to the hotkey raises the value alone, so every nominator's stake grows pro rata. A coldkey's
//! stake is `value · shares / denominator`.
//!
//! Shares are decimal floating-point numbers ([`SafeFloat`]: a mantissa in (10^20, 10^21] and a
//! power of ten), exactly as subtensor's `share-pool` keeps them, with its truncations, so that
//! stake amounts agree to the rao. Intermediate products use arbitrary-precision integers.

// The arithmetic operators in this module act on `SafeInt`, an arbitrary-precision integer that
// cannot overflow (its division returns `None` on a zero divisor); primitive integers use checked
// or saturating methods.
#![allow(clippy::arithmetic_side_effects)]

use super::storage::TotalHotkeyAlpha;
use crate::storage::Storage;
use crate::storage_double_map;
use codec::{Decode, Encode};
use cortex_primitives::{AccountId32, NetUid};
use safe_bigmath::SafeInt;

/// Largest mantissa: 10^21.
pub const SAFE_FLOAT_MAX: u128 = 1_000_000_000_000_000_000_000;
/// `log10(SAFE_FLOAT_MAX)`.
const SAFE_FLOAT_MAX_EXP: i64 = 21;

/// A non-negative decimal float `mantissa · 10^exponent`, normalized so that
/// `10^20 < mantissa ≤ 10^21` (or zero). SCALE: `(u128, i64)`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub struct SafeFloat {
    mantissa: u128,
    exponent: i64,
}

/// `10^e`, capped at `10^22` (larger shifts only ever divide a mantissa to zero).
fn pow10(e: u64) -> SafeInt {
    let e = e.min(
        u64::try_from(SAFE_FLOAT_MAX_EXP)
            .unwrap_or(21)
            .saturating_add(1),
    );
    let mut r = SafeInt::from(1u128);
    for _ in 0..e {
        r *= SafeInt::from(10u128);
    }
    r
}

impl SafeFloat {
    /// Zero.
    pub fn zero() -> SafeFloat {
        SafeFloat::default()
    }

    /// `mantissa · 10^exponent`, if the mantissa is at most 10^21.
    pub fn new(mantissa: u128, exponent: i64) -> Option<SafeFloat> {
        if mantissa > SAFE_FLOAT_MAX {
            return None;
        }
        Self::normalized(SafeInt::from(mantissa), exponent)
    }

    /// Brings a (possibly huge) mantissa into (10^20, 10^21] by truncating divisions or
    /// multiplications by 10.
    fn normalized(mut mantissa: SafeInt, mut exponent: i64) -> Option<SafeFloat> {
        if mantissa.is_zero() {
            return Some(SafeFloat::zero());
        }
        let max = SafeInt::from(SAFE_FLOAT_MAX);
        let min = SafeInt::from(SAFE_FLOAT_MAX / 10);
        let ten = SafeInt::from(10u128);
        while mantissa > max {
            mantissa = (mantissa / ten.clone())?;
            exponent = exponent.checked_add(1)?;
        }
        while mantissa <= min {
            mantissa *= ten.clone();
            exponent = exponent.checked_sub(1)?;
        }
        Some(SafeFloat {
            mantissa: mantissa.to_u128()?,
            exponent,
        })
    }

    /// Whether this is zero.
    pub fn is_zero(&self) -> bool {
        self.mantissa == 0
    }

    /// `self / a`, truncated to 21 digits (`None` for a zero divisor).
    #[cfg(test)]
    pub fn div(&self, a: &SafeFloat) -> Option<SafeFloat> {
        if a.is_zero() {
            return None;
        }
        let exponent = i128::from(self.exponent)
            .saturating_sub(i128::from(a.exponent))
            .saturating_sub(i128::from(SAFE_FLOAT_MAX_EXP));
        let exponent = i64::try_from(exponent).ok()?;
        let scaled = SafeInt::from(self.mantissa) * SafeInt::from(SAFE_FLOAT_MAX);
        Self::normalized((scaled / SafeInt::from(a.mantissa))?, exponent)
    }

    /// Aligns two floats to the larger exponent (truncating the smaller mantissa).
    fn aligned(&self, a: &SafeFloat) -> (SafeInt, SafeInt, i64) {
        let shift =
            |m: u128, by: i64| (SafeInt::from(m) / pow10(by.unsigned_abs())).unwrap_or_default();
        if self.exponent >= a.exponent {
            let diff = self.exponent.saturating_sub(a.exponent);
            (
                SafeInt::from(self.mantissa),
                shift(a.mantissa, diff),
                self.exponent,
            )
        } else {
            let diff = a.exponent.saturating_sub(self.exponent);
            (
                shift(self.mantissa, diff),
                SafeInt::from(a.mantissa),
                a.exponent,
            )
        }
    }

    /// `self + a`.
    pub fn add(&self, a: &SafeFloat) -> Option<SafeFloat> {
        if self.is_zero() {
            return Some(a.clone());
        }
        if a.is_zero() {
            return Some(self.clone());
        }
        let (m1, m2, e) = self.aligned(a);
        Self::normalized(m1 + m2, e)
    }

    /// `self − a`, saturating at zero; `None` when subtracting from zero.
    pub fn sub(&self, a: &SafeFloat) -> Option<SafeFloat> {
        if self.is_zero() {
            return if a.is_zero() {
                Some(SafeFloat::zero())
            } else {
                None
            };
        }
        if a.is_zero() {
            return Some(self.clone());
        }
        let (m1, m2, e) = self.aligned(a);
        let diff = if m1 > m2 {
            m1 - m2
        } else {
            SafeInt::from(0u128)
        };
        Self::normalized(diff, e)
    }

    /// `self · a / b`, truncated (`None` for a zero `b`).
    pub fn mul_div(&self, a: &SafeFloat, b: &SafeFloat) -> Option<SafeFloat> {
        if b.is_zero() {
            return None;
        }
        let exponent = self
            .exponent
            .checked_add(a.exponent)?
            .checked_sub(b.exponent)?;
        let product = SafeInt::from(self.mantissa) * SafeInt::from(a.mantissa);
        Self::normalized(
            (product / SafeInt::from(b.mantissa)).unwrap_or_default(),
            exponent,
        )
    }

    /// The value as an integer, truncated, saturating at `u64::MAX`.
    pub fn to_u64(&self) -> u64 {
        if self.exponent == 0 {
            return u64::try_from(self.mantissa).unwrap_or(u64::MAX);
        }
        let scale = pow10(self.exponent.unsigned_abs());
        let q = if self.exponent > 0 {
            SafeInt::from(self.mantissa) * scale
        } else {
            (SafeInt::from(self.mantissa) / scale).unwrap_or_default()
        };
        q.to_u64().unwrap_or(if q.is_zero() { 0 } else { u64::MAX })
    }
}

impl From<u64> for SafeFloat {
    fn from(v: u64) -> SafeFloat {
        SafeFloat::new(u128::from(v), 0).unwrap_or_default()
    }
}

storage_double_map!(/// Shares issued by a hotkey's pool on a subnet (the pool's denominator).
    "SubtensorModule", TotalHotkeySharesV2: Blake2_128Concat(AccountId32), Identity(NetUid) => SafeFloat = SafeFloat::zero());

/// `AlphaV2`: shares of `(hotkey, coldkey, netuid)`; keys Blake2_128Concat, Blake2_128Concat,
/// Identity (a storage N-map, so its key is built here by hand).
pub mod alpha_v2 {
    use super::*;
    use cortex_primitives::hashing::StorageHasher;

    /// The storage key of `(hotkey, coldkey, netuid)`.
    pub fn key(hotkey: &AccountId32, coldkey: &AccountId32, netuid: NetUid) -> Vec<u8> {
        let mut key = crate::storage::__prefix("SubtensorModule", "AlphaV2").to_vec();
        StorageHasher::Blake2_128Concat.hash_into(&hotkey.encode(), &mut key);
        StorageHasher::Blake2_128Concat.hash_into(&coldkey.encode(), &mut key);
        StorageHasher::Identity.hash_into(&netuid.encode(), &mut key);
        key
    }

    /// The `(hotkey, coldkey, netuid)` of a key built by [`key`]: prefix (32), then
    /// `blake2_128 ++ hotkey`, `blake2_128 ++ coldkey`, and the netuid.
    pub fn parse_key(key: &[u8]) -> Option<(AccountId32, AccountId32, NetUid)> {
        let hotkey: [u8; 32] = key.get(48..80)?.try_into().ok()?;
        let coldkey: [u8; 32] = key.get(96..128)?.try_into().ok()?;
        let netuid = key.get(128..130)?;
        Some((
            AccountId32(hotkey),
            AccountId32(coldkey),
            NetUid(u16::from_le_bytes([*netuid.first()?, *netuid.get(1)?])),
        ))
    }

    /// The shares, if any are stored.
    pub fn try_get(
        s: &Storage,
        hotkey: &AccountId32,
        coldkey: &AccountId32,
        netuid: NetUid,
    ) -> Option<SafeFloat> {
        let k = key(hotkey, coldkey, netuid);
        crate::storage::decode_or_none(&k, s.get(&k))
    }

    /// Writes the shares (deleting the entry when zero).
    pub fn set(
        s: &mut Storage,
        hotkey: &AccountId32,
        coldkey: &AccountId32,
        netuid: NetUid,
        shares: &SafeFloat,
    ) {
        let k = key(hotkey, coldkey, netuid);
        if shares.is_zero() {
            s.remove(&k);
        } else {
            s.set(k, shares.encode());
        }
    }
}

/// The stake of `coldkey` on `hotkey` in `netuid`: `value · shares / denominator` of the
/// hotkey's pool (0 if it holds no shares).
pub fn stake_of(s: &Storage, hotkey: &AccountId32, coldkey: &AccountId32, netuid: NetUid) -> u64 {
    let Some(shares) = super::shares::alpha_v2::try_get(s, hotkey, coldkey, netuid) else {
        return 0;
    };
    SafeFloat::from(TotalHotkeyAlpha::get(s, hotkey, &netuid))
        .mul_div(&shares, &TotalHotkeySharesV2::get(s, hotkey, &netuid))
        .unwrap_or_default()
        .to_u64()
}

/// One hotkey's pool on one subnet, read and written through storage.
pub struct HotkeyPool<'a> {
    s: &'a mut Storage,
    hotkey: AccountId32,
    netuid: NetUid,
}

impl<'a> HotkeyPool<'a> {
    /// The pool of `hotkey` on `netuid`.
    pub fn new(s: &'a mut Storage, hotkey: AccountId32, netuid: NetUid) -> HotkeyPool<'a> {
        HotkeyPool { s, hotkey, netuid }
    }

    fn value(&self) -> u64 {
        TotalHotkeyAlpha::get(self.s, &self.hotkey, &self.netuid)
    }

    fn set_value(&mut self, v: u64) {
        if v == 0 {
            TotalHotkeyAlpha::remove(self.s, &self.hotkey, &self.netuid);
        } else {
            TotalHotkeyAlpha::insert(self.s, &self.hotkey, &self.netuid, &v);
        }
    }

    fn denominator(&self) -> SafeFloat {
        TotalHotkeySharesV2::get(self.s, &self.hotkey, &self.netuid)
    }

    fn set_denominator(&mut self, d: &SafeFloat) {
        if d.is_zero() {
            TotalHotkeySharesV2::remove(self.s, &self.hotkey, &self.netuid);
        } else {
            TotalHotkeySharesV2::insert(self.s, &self.hotkey, &self.netuid, d);
        }
    }

    /// The stake of `coldkey` in this pool (0 if it holds no shares).
    #[cfg(test)]
    pub fn stake_of(&self, coldkey: &AccountId32) -> u64 {
        stake_of(self.s, &self.hotkey, coldkey, self.netuid)
    }

    /// Shares that `amount` of value buys at the current price of a share.
    fn shares_for(&self, amount: u64) -> SafeFloat {
        SafeFloat::from(amount)
            .mul_div(&self.denominator(), &SafeFloat::from(self.value()))
            .unwrap_or_default()
    }

    /// Whether adding `amount` for one coldkey would mint a non-zero number of shares.
    pub fn can_add_for_one(&self, amount: u64) -> bool {
        self.denominator().is_zero() || !self.shares_for(amount).is_zero()
    }

    /// Adds (positive) or removes (negative) `amount` of value for `coldkey` alone.
    pub fn update_for_one(&mut self, coldkey: &AccountId32, amount: i64) {
        let denominator = self.denominator();
        let shares = super::shares::alpha_v2::try_get(self.s, &self.hotkey, coldkey, self.netuid)
            .unwrap_or_default();
        if denominator.is_zero() {
            let d = SafeFloat::from(amount.unsigned_abs());
            self.set_denominator(&d);
            super::shares::alpha_v2::set(self.s, &self.hotkey, coldkey, self.netuid, &d);
        } else {
            let delta = self.shares_for(amount.unsigned_abs());
            let (new_denominator, new_shares) = if amount > 0 {
                (
                    denominator.add(&delta).unwrap_or(denominator.clone()),
                    shares.add(&delta).unwrap_or(shares.clone()),
                )
            } else {
                (
                    denominator.sub(&delta).unwrap_or(denominator.clone()),
                    shares.sub(&delta).unwrap_or(shares.clone()),
                )
            };
            self.set_denominator(&new_denominator);
            super::shares::alpha_v2::set(self.s, &self.hotkey, coldkey, self.netuid, &new_shares);
        }
        self.update_for_all(amount);
    }

    /// Adds (positive) or removes (negative) `amount` of value for every share holder pro rata.
    pub fn update_for_all(&mut self, amount: i64) {
        let value = self.value();
        let new = if amount >= 0 {
            value.saturating_add(amount.unsigned_abs())
        } else {
            value.saturating_sub(amount.unsigned_abs())
        };
        self.set_value(new);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(m: u128, e: i64) -> SafeFloat {
        SafeFloat::new(m, e).unwrap()
    }

    #[test]
    fn safe_float_arithmetic() {
        assert_eq!(SafeFloat::from(7).to_u64(), 7);
        assert_eq!(f(3, 0).add(&f(4, 0)).unwrap().to_u64(), 7);
        assert_eq!(f(10, 0).sub(&f(4, 0)).unwrap().to_u64(), 6);
        assert_eq!(f(4, 0).sub(&f(10, 0)).unwrap(), SafeFloat::zero());
        assert_eq!(SafeFloat::zero().sub(&f(1, 0)), None);
        // 100 · 3 / 10 = 30; 1/3 truncates.
        assert_eq!(f(100, 0).mul_div(&f(3, 0), &f(10, 0)).unwrap().to_u64(), 30);
        let third = f(1, 0).div(&f(3, 0)).unwrap();
        assert_eq!(
            third,
            SafeFloat {
                mantissa: 333_333_333_333_333_333_333,
                exponent: -21
            }
        );
        assert_eq!(f(1, 0).div(&SafeFloat::zero()), None);
        assert_eq!(SafeFloat::new(SAFE_FLOAT_MAX + 1, 0), None);
        // Values beyond u64 saturate on the way out.
        assert_eq!(f(1, 30).to_u64(), u64::MAX);
        // SCALE layout: mantissa u128, then exponent i64.
        assert_eq!(f(1, 0).encode().len(), 24);
    }

    #[test]
    fn pools_share_value_pro_rata() {
        let mut s = Storage::new();
        let (hk, a, b) = (
            AccountId32([1; 32]),
            AccountId32([2; 32]),
            AccountId32([3; 32]),
        );
        let netuid = NetUid(1);
        let mut pool = HotkeyPool::new(&mut s, hk, netuid);
        pool.update_for_one(&a, 300);
        pool.update_for_one(&b, 700);
        assert_eq!((pool.stake_of(&a), pool.stake_of(&b)), (300, 700));
        // Emission to the hotkey grows both stakes pro rata.
        pool.update_for_all(1_000);
        assert_eq!((pool.stake_of(&a), pool.stake_of(&b)), (600, 1_400));
        pool.update_for_one(&a, -600);
        assert_eq!((pool.stake_of(&a), pool.stake_of(&b)), (0, 1_400));
        assert_eq!(TotalHotkeyAlpha::get(&s, &hk, &netuid), 1_400);
        assert!(crate::subtensor::shares::alpha_v2::try_get(&s, &hk, &a, netuid).is_none());
    }
}
