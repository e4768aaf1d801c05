//! Fuzzes what the node does with untrusted extrinsic bytes before any state is touched:
//! decoding (length prefix, version, address, signature, signed extensions, nested calls) and
//! the signature and era check. Neither may panic; a decoded extrinsic must re-encode to bytes
//! that decode to the same value.
//!
//! Run: `scripts/fuzz extrinsic_decode` (cargo-fuzz on the stable toolchain; docs/reliability.md).
//! The same properties run on stable in CI as proptests (`crates/runtime/src/extrinsic.rs`).

#![no_main]

use cortex_runtime::types::RuntimeCall;
use cortex_runtime::{CheckContext, UncheckedExtrinsic, check_signature};
use libfuzzer_sys::fuzz_target;

struct Chain;

impl CheckContext for Chain {
    fn current_block(&self) -> u64 {
        1_000
    }
    fn genesis_hash(&self) -> [u8; 32] {
        [7; 32]
    }
    fn block_hash(&self, number: u64) -> Option<[u8; 32]> {
        (number <= 1_000).then(|| [number as u8; 32])
    }
}

fuzz_target!(|data: &[u8]| {
    for xt in [
        UncheckedExtrinsic::decode_bytes(data),
        UncheckedExtrinsic::decode_body(data),
    ]
    .into_iter()
    .flatten()
    {
        let _ = check_signature(&xt, &Chain);
        let again = UncheckedExtrinsic::decode_bytes(&xt.to_bytes());
        assert_eq!(again.as_ref(), Ok(&xt), "re-encoding changed the extrinsic");
    }
    let _ = RuntimeCall::decode_bytes(data);
});
