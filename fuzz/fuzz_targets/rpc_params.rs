//! Fuzzes the node's JSON-RPC parameter parsing: the positional-parameter split (at most eight),
//! the bounded lists of keys and block numbers (refused past the bound while parsed), block
//! numbers, hex. None may panic; a list that parses holds at most its bound.

#![no_main]

use cortex_node::rpc::{block_number, bounded_list, parse_hex, positional};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = parse_hex(text, "fuzz");
    let Ok(params) = positional(Some(text)) else {
        return;
    };
    assert!(params.len() <= 8);
    for raw in &params {
        if let Ok(Some(keys)) = bounded_list::<String>(raw, 16, "keys") {
            assert!(keys.len() <= 16);
            for k in &keys {
                let _ = parse_hex(k, "a key");
            }
        }
        if let Ok(Some(items)) = bounded_list::<Value>(raw, 16, "numbers") {
            assert!(items.len() <= 16);
            for v in &items {
                let _ = block_number(v);
            }
        }
        if let Ok(v) = serde_json::from_str::<Value>(raw.get()) {
            let _ = block_number(&v);
        }
    }
});
