//! Helpers shared by the runtime's unit tests.

use crate::balances::mint_into;
use crate::storage::Storage;
use crate::subtensor::subnets::{register_network, start_call};
use cortex_primitives::{AccountId32, NetUid};

/// 1 TAO in rao.
pub const TAO: u64 = 1_000_000_000;

/// A test account whose 32 bytes are all `b`.
pub fn acct(b: u8) -> AccountId32 {
    AccountId32([b; 32])
}

/// A state where each `(account byte, amount)` was minted.
pub fn funded(amounts: &[(u8, u64)]) -> Storage {
    let mut s = Storage::new();
    for (who, amount) in amounts {
        mint_into(&mut s, &acct(*who), *amount, &mut Vec::new()).unwrap();
    }
    s
}

/// Registers a subnet at block 1 owned by coldkey `acct(1)` with hotkey `acct(2)`, and opens it
/// with `start_call` when `started`.
pub fn subnet(s: &mut Storage, started: bool) -> NetUid {
    let netuid = register_network(
        s,
        1,
        &crate::config::PALLETS,
        &acct(1),
        &acct(2),
        &mut Vec::new(),
    )
    .unwrap();
    if started {
        start_call(s, 1, &acct(1), netuid, &mut Vec::new()).unwrap();
    }
    netuid
}
