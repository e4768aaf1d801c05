//! Accounts: 32-byte public keys (`AccountId32`) and their SS58 addresses.
//!
//! Bittensor addresses are SS58 with network prefix 42 (the generic Substrate prefix): `5…`
//! strings of 48 characters. The format is base58 of `prefix ++ public key ++ checksum`, where the
//! checksum is the first two bytes of `blake2b_512("SS58PRE" ++ prefix ++ public key)`.

use crate::hashing::blake2_512;
use codec::{Decode, Encode, MaxEncodedLen};
use core::fmt;
use core::str::FromStr;

/// The SS58 prefix of Bittensor (and of every Substrate dev chain).
pub const BITTENSOR_SS58_PREFIX: u16 = 42;

/// An account: a 32-byte public key (sr25519 or ed25519), SCALE-encoded as its 32 bytes.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Encode, Decode, MaxEncodedLen)]
pub struct AccountId32(pub [u8; 32]);

/// Why a string is not an SS58 address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Ss58Error {
    /// Not base58 at all.
    #[error("not an SS58 address: {0} is not valid base58")]
    BadBase58(String),
    /// Decodes to the wrong number of bytes for a 32-byte key.
    #[error("not an SS58 address for a 32-byte key ({0} bytes decoded)")]
    BadLength(usize),
    /// The checksum does not match: a typo, or a truncated or altered address.
    #[error("SS58 checksum mismatch: the address has a typo or was altered")]
    BadChecksum,
    /// A prefix byte outside the SS58 ranges.
    #[error("invalid SS58 prefix byte {0:#04x}")]
    BadPrefix(u8),
}

impl AccountId32 {
    /// The raw 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The SS58 address with the given network prefix (0…16383).
    pub fn to_ss58(&self, prefix: u16) -> String {
        let prefix = prefix & 0x3FFF;
        let mut data = Vec::with_capacity(35);
        if prefix < 64 {
            data.push(prefix as u8);
        } else {
            // Two-byte form of the SS58 specification.
            let first = ((prefix & 0b1111_1100) as u8 >> 2) | 0b0100_0000;
            let second = ((prefix >> 8) as u8) | (((prefix & 0b11) as u8) << 6);
            data.extend_from_slice(&[first, second]);
        }
        data.extend_from_slice(&self.0);
        let checksum = ss58_checksum(&data);
        data.extend_from_slice(&checksum);
        bs58::encode(data).into_string()
    }

    /// Parses an SS58 address and returns the account and the address's network prefix.
    pub fn from_ss58(s: &str) -> Result<(AccountId32, u16), Ss58Error> {
        let data = bs58::decode(s)
            .into_vec()
            .map_err(|e| Ss58Error::BadBase58(e.to_string()))?;
        let first = *data.first().ok_or(Ss58Error::BadLength(0))?;
        let (prefix_len, prefix) = match first {
            0..=63 => (1usize, u16::from(first)),
            64..=127 => {
                let second = *data.get(1).ok_or(Ss58Error::BadLength(data.len()))?;
                let lower = (first << 2) | (second >> 6);
                let upper = second & 0b0011_1111;
                (2usize, u16::from(lower) | (u16::from(upper) << 8))
            }
            other => return Err(Ss58Error::BadPrefix(other)),
        };
        if data.len() != prefix_len + 32 + 2 {
            return Err(Ss58Error::BadLength(data.len()));
        }
        let (body, checksum) = data.split_at(prefix_len + 32);
        if ss58_checksum(body) != checksum {
            return Err(Ss58Error::BadChecksum);
        }
        let mut key = [0u8; 32];
        key.copy_from_slice(
            body.get(prefix_len..)
                .ok_or(Ss58Error::BadLength(data.len()))?,
        );
        Ok((AccountId32(key), prefix))
    }
}

/// The two checksum bytes of SS58.
fn ss58_checksum(data: &[u8]) -> [u8; 2] {
    let mut preimage = Vec::with_capacity(7 + data.len());
    preimage.extend_from_slice(b"SS58PRE");
    preimage.extend_from_slice(data);
    let hash = blake2_512(&preimage);
    [hash[0], hash[1]]
}

impl fmt::Display for AccountId32 {
    /// The Bittensor (prefix 42) SS58 address.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_ss58(BITTENSOR_SS58_PREFIX))
    }
}

impl fmt::Debug for AccountId32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")
    }
}

impl FromStr for AccountId32 {
    type Err = Ss58Error;

    /// Parses an SS58 address of any network prefix.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AccountId32::from_ss58(s).map(|(account, _)| account)
    }
}

impl From<[u8; 32]> for AccountId32 {
    fn from(bytes: [u8; 32]) -> Self {
        AccountId32(bytes)
    }
}

/// Described to metadata as `sp_core::crypto::AccountId32`, a composite of `[u8; 32]`: the
/// Python decoders recognise that path and render the value as an SS58 address.
impl scale_info::TypeInfo for AccountId32 {
    type Identity = Self;

    fn type_info() -> scale_info::Type {
        scale_info::Type::builder()
            .path(scale_info::Path::from_segments_unchecked([
                "sp_core",
                "crypto",
                "AccountId32",
            ]))
            .composite(
                scale_info::build::Fields::unnamed()
                    .field(|f| f.ty::<[u8; 32]>().type_name("[u8; 32]")),
            )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn key(hex_str: &str) -> AccountId32 {
        let mut k = [0u8; 32];
        k.copy_from_slice(&hex::decode(hex_str).unwrap());
        AccountId32(k)
    }

    #[test]
    fn dev_accounts_have_their_well_known_addresses() {
        let alice = key("d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d");
        assert_eq!(
            alice.to_string(),
            "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
        );
        let bob = key("8eaf04151687736326c9fea17e25fc5287613693c912909cb226aa4794f26a48");
        assert_eq!(
            bob.to_string(),
            "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty"
        );
        let parsed: AccountId32 = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
            .parse()
            .unwrap();
        assert_eq!(parsed, alice);
        // Polkadot's prefix 0 and Kusama's 2 decode to the same key.
        let (k, prefix) = AccountId32::from_ss58(&alice.to_ss58(0)).unwrap();
        assert_eq!((k, prefix), (alice, 0));
        // SCALE: the 32 bytes, nothing else.
        assert_eq!(alice.encode(), alice.0.to_vec());
    }

    #[test]
    fn bad_addresses_are_rejected_with_a_reason() {
        let good = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
        let typo = good.replace('G', "H");
        assert!(matches!(
            typo.parse::<AccountId32>(),
            Err(Ss58Error::BadChecksum) | Err(Ss58Error::BadLength(_))
        ));
        assert!(matches!(
            "0OIl".parse::<AccountId32>(),
            Err(Ss58Error::BadBase58(_))
        ));
        assert!(matches!(
            good[..40].parse::<AccountId32>(),
            Err(Ss58Error::BadLength(_))
        ));
        assert!(matches!(
            "".parse::<AccountId32>(),
            Err(Ss58Error::BadLength(0))
        ));
    }

    proptest! {
        #[test]
        fn ss58_round_trips(bytes in any::<[u8; 32]>(), prefix in 0u16..16384) {
            let account = AccountId32(bytes);
            let (back, p) = AccountId32::from_ss58(&account.to_ss58(prefix)).unwrap();
            prop_assert_eq!(back, account);
            prop_assert_eq!(p, prefix);
        }

        #[test]
        fn parsing_never_panics(s in "\\PC{0,80}") {
            let _ = s.parse::<AccountId32>();
        }
    }
}
