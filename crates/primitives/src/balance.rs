//! Amounts of TAO and alpha, in rao.
//!
//! Both tokens are `u64` base units on chain. The two newtypes stop a TAO amount from being added
//! to an alpha amount by accident (they only meet through a subnet's pool price). All operations
//! are checked or saturating.

use codec::{Decode, Encode, MaxEncodedLen};
use serde::{Deserialize, Serialize};

/// Rao per TAO: 1 TAO = 10^9 rao.
pub const RAO_PER_TAO: u64 = 1_000_000_000;

macro_rules! amount {
    ($(#[$doc:meta])* $name:ident, $unit:literal) => {
        $(#[$doc])*
        #[derive(
            Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize,
            Deserialize, Encode, Decode, MaxEncodedLen,
        )]
        #[serde(transparent)]
        pub struct $name(pub u64);

        impl $name {
            /// Zero.
            pub const ZERO: $name = $name(0);

            /// The amount in base units (rao).
            pub fn rao(self) -> u64 {
                self.0
            }

            /// `self + rhs`, or `None` on overflow.
            pub fn checked_add(self, rhs: Self) -> Option<Self> {
                self.0.checked_add(rhs.0).map($name)
            }

            /// `self - rhs`, or `None` if `rhs > self`.
            pub fn checked_sub(self, rhs: Self) -> Option<Self> {
                self.0.checked_sub(rhs.0).map($name)
            }

            /// `self + rhs`, clamped at `u64::MAX`.
            pub fn saturating_add(self, rhs: Self) -> Self {
                $name(self.0.saturating_add(rhs.0))
            }

            /// `self - rhs`, clamped at zero.
            pub fn saturating_sub(self, rhs: Self) -> Self {
                $name(self.0.saturating_sub(rhs.0))
            }
        }

        impl From<u64> for $name {
            fn from(v: u64) -> Self {
                $name(v)
            }
        }

        impl core::fmt::Display for $name {
            /// Whole units with nine decimals, e.g. `1.500000000 τ`.
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                let whole = self.0 / RAO_PER_TAO;
                let frac = self.0 % RAO_PER_TAO;
                write!(f, "{whole}.{frac:09} {}", $unit)
            }
        }

        /// Described to metadata as a plain `u64`, as subtensor's hand-written impls do:
        /// clients pass and read balances as integers.
        impl scale_info::TypeInfo for $name {
            type Identity = u64;

            fn type_info() -> scale_info::Type {
                <u64 as scale_info::TypeInfo>::type_info()
            }
        }
    };
}

amount!(
    /// An amount of TAO, in rao.
    TaoBalance,
    "τ"
);
amount!(
    /// An amount of a subnet's alpha token, in its base units.
    AlphaBalance,
    "α"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_is_checked_and_saturating() {
        let a = TaoBalance(5);
        assert_eq!(a.checked_sub(TaoBalance(6)), None);
        assert_eq!(a.saturating_sub(TaoBalance(6)), TaoBalance::ZERO);
        assert_eq!(TaoBalance(u64::MAX).checked_add(a), None);
        assert_eq!(TaoBalance(u64::MAX).saturating_add(a), TaoBalance(u64::MAX));
        assert_eq!(a.checked_add(TaoBalance(1)), Some(TaoBalance(6)));
    }

    #[test]
    fn display_uses_nine_decimals() {
        assert_eq!(TaoBalance(1_500_000_000).to_string(), "1.500000000 τ");
        assert_eq!(AlphaBalance(7).to_string(), "0.000000007 α");
    }
}
