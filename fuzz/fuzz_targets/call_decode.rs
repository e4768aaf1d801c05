//! Fuzzes the SCALE decoding of every call: the first byte picks one of the runtime's pallets
//! (so that each is reached from the first input on), the rest is the call. A call that
//! decodes must re-encode to bytes that decode to the same call, and what the node computes
//! from an undispatched call (its name, weight, class and fee) must not panic.

#![no_main]

use codec::Encode;
use cortex_runtime::Runtime;
use cortex_runtime::types::RuntimeCall;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

/// The pallet indices of `RuntimeCall`.
const PALLETS: [u8; 10] = [0, 2, 5, 7, 11, 12, 18, 19, 28, 30];

/// The runtime, built once (it assembles the metadata) and shared by every input.
fn runtime() -> &'static Runtime {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| Runtime::new(250))
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let pallet = PALLETS[usize::from(pick) % PALLETS.len()];
    let mut bytes = Vec::with_capacity(data.len());
    bytes.push(pallet);
    bytes.extend_from_slice(rest);
    for input in [&bytes[..], data] {
        if let Ok(call) = RuntimeCall::decode_bytes(input) {
            let again = RuntimeCall::decode_bytes(&call.encode());
            assert_eq!(again.as_ref(), Ok(&call), "re-encoding changed the call");
            let _ = call.name();
            // The weight, class and fee, as `payment_queryInfo` computes them.
            let _ = runtime().query_info(&call, u32::MAX);
        }
    }
});
