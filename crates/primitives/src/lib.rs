//! Cortex's shared vocabulary.
//!
//! Every crate of the workspace speaks in these types (and encodes them with SCALE, as
//! subtensor does), so that a netuid is never mistaken for a
//! uid and a TAO amount never for an alpha amount. Names are Bittensor's: a *netuid* identifies a
//! subnet, a *uid* a neuron slot inside it, *rao* is the smallest unit (1 TAO = 10^9 rao) and
//! *alpha* is a subnet's own token, also counted in rao-like base units.
//!
//! Arithmetic on amounts is checked or saturating only: the chain runtime must never panic or
//! wrap silently.

pub mod account;
pub mod balance;
pub mod crypto;
pub mod hashing;
pub mod ids;

pub use account::{AccountId32, BITTENSOR_SS58_PREFIX, Ss58Error};
pub use balance::{AlphaBalance, RAO_PER_TAO, TaoBalance};
pub use codec;
pub use crypto::{
    DEV_PHRASE, SecretUriError, Sr25519Pair, Sr25519Public, ed25519_verify,
    mini_secret_from_phrase, sr25519_verify,
};
pub use ids::{NetUid, Uid};
