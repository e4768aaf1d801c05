//! Timestamp (pallet 2): the block's time, set once per block by the `Timestamp.set` inherent
//! the author puts first in every block. The runtime never reads a clock: the time comes in
//! through this inherent, and the only rule is that it never goes back.

use crate::storage::Storage;
use crate::support::{DispatchClass, DispatchError, Origin, Pays, Weight, rw};
use crate::{pallet_calls, storage_value};

/// Timestamp's pallet index.
pub const PALLET_INDEX: u8 = 2;

storage_value!(/// The block's timestamp, in milliseconds.
    "Timestamp", Now: u64 = 0);
storage_value!(/// Whether this block's timestamp was set.
    "Timestamp", DidUpdate: bool = false);

/// Timestamp's error. Substrate's timestamp pallet has none (a bad timestamp inherent aborts the
/// block); Cortex reports a second `Timestamp.set` in a block, or a timestamp going backwards, as
/// `Module { index: 2, error: 0 }`, named here.
#[allow(dead_code)]
#[derive(scale_info::TypeInfo)]
pub enum TimestampError {
    /// The block's timestamp is invalid (not later than the previous block's by at least the
    /// minimum period).
    InvalidTimestamp,
}

pallet_calls! {
    /// `Timestamp` calls.
    pub enum TimestampCall {
        /// The block's timestamp in milliseconds: the inherent every block carries.
        set = 0 { #[codec(compact)] now: u64 },
    }
}

/// The weight, class and fee mode of `Timestamp.set`: mandatory and free, as inherents are.
pub fn info(_call: &TimestampCall) -> (Weight, DispatchClass, Pays) {
    (rw(1, 1, 6_000_000), DispatchClass::Mandatory, Pays::No)
}

/// The block's timestamp inherent for a block authored at `wall_clock_ms`: never earlier than
/// the parent block's timestamp, so a clock that steps back cannot make the inherent fail.
pub fn inherent(s: &Storage, wall_clock_ms: u64) -> TimestampCall {
    TimestampCall::set {
        now: wall_clock_ms.max(Now::get(s)),
    }
}

/// Runs `Timestamp.set`: unsigned only, once per block, never before the previous timestamp.
pub fn dispatch(
    s: &mut Storage,
    origin: &Origin,
    call: &TimestampCall,
) -> Result<(), DispatchError> {
    let TimestampCall::set { now } = call;
    origin.none()?;
    if DidUpdate::get(s) {
        return Err(DispatchError::module(PALLET_INDEX, 0));
    }
    if *now < Now::get(s) {
        return Err(DispatchError::module(PALLET_INDEX, 0));
    }
    Now::put(s, now);
    DidUpdate::put(s, &true);
    Ok(())
}

/// Clears the previous block's "timestamp set" flag as a new block starts.
pub fn initialize(s: &mut Storage) {
    DidUpdate::kill(s);
}
