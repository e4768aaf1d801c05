//! Fuzzes the MEV shield's ciphertext header (`key_hash[16] | kem_len u16 LE | kem_ct | nonce[24]
//! | aead_ct`), which the runtime splits for every `submit_encrypted` carrier a user sends: any
//! bytes either fail to parse or split into parts that put back together give the input again,
//! with the declared KEM length honoured.

#![no_main]

use cortex_runtime::types::ShieldedCiphertext;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(parts) = ShieldedCiphertext::parse(data) else {
        return;
    };
    let declared = u16::from_le_bytes([data[16], data[17]]);
    assert_eq!(parts.kem_ct.len(), usize::from(declared));
    let mut again = Vec::with_capacity(data.len());
    again.extend_from_slice(&parts.key_hash);
    again.extend_from_slice(&declared.to_le_bytes());
    again.extend_from_slice(parts.kem_ct);
    again.extend_from_slice(&parts.nonce);
    again.extend_from_slice(parts.aead_ct);
    assert_eq!(again, data);
});
