//! Fuzzes the decoding of every record the node reads back from its database: headers, block
//! bodies, undo entries, the head and format numbers, and the storage notification built from
//! read values. A damaged record must be an error, never a panic; a header that decodes must
//! re-encode to a header with the same hash.

#![no_main]

use codec::{Decode, Encode};
use cortex_node::header::{Header, extrinsics_root};
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;

fuzz_target!(|data: &[u8]| {
    if let Ok(h) = Header::decode(&mut &data[..]) {
        let again = Header::decode(&mut h.encode().as_slice()).expect("a header re-decodes");
        assert_eq!(again.hash(), h.hash());
        let _ = h.to_json();
    }
    if let Ok(body) = cortex_store::decode_body(data) {
        let _ = extrinsics_root(&body);
    }
    if let Ok(Some(v)) = cortex_store::decode_undo(data) {
        let mut values = BTreeMap::new();
        values.insert(v.clone(), Some(v.clone()));
        let keys = vec![&v];
        let _ = cortex_node::subs::storage_note(&[0; 32], &keys, &values, 1 << 20);
    }
    let _ = cortex_store::decode_number(data);
});
