//! Identifiers: subnets (`NetUid`) and neuron slots (`Uid`).
//!
//! Both are `u16` on subtensor's wire and in its storage; the newtypes keep them apart in code.

use codec::{Decode, Encode, MaxEncodedLen};
use serde::{Deserialize, Serialize};

/// A subnet identifier. Netuid 0 is the root subnet.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    Encode,
    Decode,
    MaxEncodedLen,
)]
#[serde(transparent)]
pub struct NetUid(pub u16);

impl NetUid {
    /// The root subnet, where TAO (not alpha) is staked.
    pub const ROOT: NetUid = NetUid(0);

    /// Whether this is the root subnet.
    pub fn is_root(self) -> bool {
        self == Self::ROOT
    }
}

impl core::fmt::Display for NetUid {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl From<u16> for NetUid {
    fn from(v: u16) -> Self {
        NetUid(v)
    }
}

/// A neuron's slot in a subnet: `0..n` where `n` is the subnet's `SubnetworkN`.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    Encode,
    Decode,
    MaxEncodedLen,
)]
#[serde(transparent)]
pub struct Uid(pub u16);

impl Uid {
    /// The uid as an index into per-uid vectors.
    pub fn index(self) -> usize {
        usize::from(self.0)
    }
}

impl core::fmt::Display for Uid {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl From<u16> for Uid {
    fn from(v: u16) -> Self {
        Uid(v)
    }
}

/// Netuids and uids are described to metadata as plain `u16`, as in subtensor's metadata.
macro_rules! u16_type_info {
    ($name:ident) => {
        impl scale_info::TypeInfo for $name {
            type Identity = u16;

            fn type_info() -> scale_info::Type {
                <u16 as scale_info::TypeInfo>::type_info()
            }
        }
    };
}
u16_type_info!(NetUid);
u16_type_info!(Uid);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_is_netuid_zero() {
        assert!(NetUid::ROOT.is_root());
        assert!(!NetUid(3).is_root());
        assert_eq!(Uid(7).index(), 7);
        assert_eq!(NetUid(12).to_string(), "12");
    }
}
