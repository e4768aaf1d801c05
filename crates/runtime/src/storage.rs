//! The runtime's state: a key-value map with Substrate's storage layout, transactional layers,
//! and a state root.
//!
//! Keys are `twox128(pallet) ++ twox128(item) ++ hasher(SCALE(key))…` and values SCALE-encoded,
//! exactly as subtensor stores them, so `state_getStorage` answers what clients expect.
//!
//! Changes go into the topmost open transaction layer: [`Storage::transactional`] runs a call in
//! a fresh layer and keeps its writes only if the call succeeds, so a failed call leaves the state
//! (and the state root) untouched. Committed data lives in an ordered map, so iteration order and
//! the root never depend on hashing or insertion order.

use codec::{Decode, Encode};
use cortex_primitives::hashing::blake2_256;
use std::collections::BTreeMap;
use std::ops::Bound;

/// A layer of uncommitted changes: `None` marks a deletion.
type Layer = BTreeMap<Vec<u8>, Option<Vec<u8>>>;

/// The state with its open transaction layers.
#[derive(Clone, Debug, Default)]
pub struct Storage {
    committed: BTreeMap<Vec<u8>, Vec<u8>>,
    layers: Vec<Layer>,
    /// While a block is built: each committed key's value before its first change, so the
    /// node can store the block's changes and undo log without copying the state.
    journal: Option<BTreeMap<Vec<u8>, Option<Vec<u8>>>>,
}

/// Every key a block changed, with its value before and after (`None`: absent).
pub type Changes = BTreeMap<Vec<u8>, (Option<Vec<u8>>, Option<Vec<u8>>)>;

impl Storage {
    /// An empty state.
    pub fn new() -> Storage {
        Storage::default()
    }

    /// A state holding exactly `entries` (e.g. loaded from the node's database).
    pub fn from_entries(entries: impl IntoIterator<Item = (Vec<u8>, Vec<u8>)>) -> Storage {
        Storage {
            committed: entries.into_iter().collect(),
            layers: Vec::new(),
            journal: None,
        }
    }

    /// The raw value at `key`, seen through the open layers.
    pub fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        for layer in self.layers.iter().rev() {
            if let Some(change) = layer.get(key) {
                return change.clone();
            }
        }
        self.committed.get(key).cloned()
    }

    /// Whether `key` holds a value.
    pub fn contains(&self, key: &[u8]) -> bool {
        for layer in self.layers.iter().rev() {
            if let Some(change) = layer.get(key) {
                return change.is_some();
            }
        }
        self.committed.contains_key(key)
    }

    /// Writes `value` at `key`.
    pub fn set(&mut self, key: Vec<u8>, value: Vec<u8>) {
        match self.layers.last_mut() {
            Some(layer) => {
                layer.insert(key, Some(value));
            }
            None => {
                self.record(&key);
                self.committed.insert(key, value);
            }
        }
    }

    /// Deletes `key`.
    pub fn remove(&mut self, key: &[u8]) {
        match self.layers.last_mut() {
            Some(layer) => {
                layer.insert(key.to_vec(), None);
            }
            None => {
                self.record(key);
                self.committed.remove(key);
            }
        }
    }

    /// Every `(key, value)` whose key starts with `prefix`, in key order, seen through the open
    /// layers.
    pub fn iter_prefix(&self, prefix: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
        let range = (Bound::Included(prefix.to_vec()), Bound::Unbounded);
        let mut merged: BTreeMap<Vec<u8>, Option<Vec<u8>>> = self
            .committed
            .range::<Vec<u8>, _>(range.clone())
            .take_while(|(k, _)| k.starts_with(prefix))
            .map(|(k, v)| (k.clone(), Some(v.clone())))
            .collect();
        for layer in &self.layers {
            for (k, v) in layer.range::<Vec<u8>, _>(range.clone()) {
                if !k.starts_with(prefix) {
                    break;
                }
                merged.insert(k.clone(), v.clone());
            }
        }
        merged
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k, v)))
            .collect()
    }

    /// Deletes every key that starts with `prefix`; returns how many were deleted.
    pub fn remove_prefix(&mut self, prefix: &[u8]) -> usize {
        let keys: Vec<Vec<u8>> = self
            .iter_prefix(prefix)
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        for key in &keys {
            self.remove(key);
        }
        keys.len()
    }

    fn record(&mut self, key: &[u8]) {
        if let Some(journal) = &mut self.journal
            && !journal.contains_key(key)
        {
            journal.insert(key.to_vec(), self.committed.get(key).cloned());
        }
    }

    /// Starts recording committed changes (dropping any earlier record).
    pub fn start_journal(&mut self) {
        self.journal = Some(BTreeMap::new());
    }

    /// Stops recording and returns every key changed since [`Storage::start_journal`], with its
    /// value before and now; keys written back to their old value are left out.
    pub fn take_journal(&mut self) -> Changes {
        let Some(journal) = self.journal.take() else {
            return Changes::new();
        };
        journal
            .into_iter()
            .filter_map(|(k, before)| {
                let after = self.committed.get(&k).cloned();
                (before != after).then_some((k, (before, after)))
            })
            .collect()
    }

    /// Opens a transaction layer.
    pub fn start_transaction(&mut self) {
        self.layers.push(Layer::new());
    }

    /// Closes the top layer, keeping its changes (in the layer below, or in the state).
    pub fn commit_transaction(&mut self) {
        let Some(top) = self.layers.pop() else {
            return;
        };
        for (key, change) in top {
            match change {
                Some(value) => self.set(key, value),
                None => self.remove(&key),
            }
        }
    }

    /// Closes the top layer, dropping its changes.
    pub fn rollback_transaction(&mut self) {
        self.layers.pop();
    }

    /// Runs `f` in a new layer: its changes are kept if it returns `Ok`, dropped if `Err`.
    pub fn transactional<T, E>(
        &mut self,
        f: impl FnOnce(&mut Storage) -> Result<T, E>,
    ) -> Result<T, E> {
        self.start_transaction();
        let result = f(self);
        if result.is_ok() {
            self.commit_transaction();
        } else {
            self.rollback_transaction();
        }
        result
    }

    /// Number of open transaction layers.
    pub fn transaction_depth(&self) -> usize {
        self.layers.len()
    }

    /// The committed entries (open layers excluded), in key order.
    pub fn committed(&self) -> &BTreeMap<Vec<u8>, Vec<u8>> {
        &self.committed
    }

    /// The state root: BLAKE2b-256 over the committed entries in key order, each as
    /// `SCALE(key) ++ SCALE(value)`. Two nodes with the same state agree on it; any difference in
    /// any key or value changes it. (Substrate roots a Patricia-Merkle trie instead; no client of
    /// Cortex verifies storage proofs, see docs/deviations.md.)
    pub fn root(&self) -> [u8; 32] {
        let mut buf = Vec::new();
        for (k, v) in &self.committed {
            k.encode_to(&mut buf);
            v.encode_to(&mut buf);
        }
        blake2_256(&buf)
    }
}

/// Reads a SCALE value; a value that does not decode is treated as missing (and logged), the
/// way Substrate's storage treats a corrupt entry.
pub fn decode_or_none<T: Decode>(key: &[u8], raw: Option<Vec<u8>>) -> Option<T> {
    let raw = raw?;
    match T::decode(&mut raw.as_slice()) {
        Ok(v) => Some(v),
        Err(e) => {
            tracing::error!(key = %hex_string(key), error = %e, "storage value does not decode");
            None
        }
    }
}

fn hex_string(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Declares a plain storage value: `storage_value!(Pallet, Item: Type = default)`, or
/// `storage_value!(optional Pallet, Item: Type = default)` for an item subtensor declares with
/// `OptionQuery` (the metadata then says a missing value reads as `None`; Rust callers read it
/// with `try_get`).
///
/// Generates a unit struct with `key()`, `get` (default when missing), `try_get`, `put`,
/// `kill`, `exists`, its pallet prefix `PALLET` and its metadata entry `metadata()`. Only `///`
/// doc comments may precede the declaration: they become the metadata's docs.
#[macro_export]
macro_rules! storage_value {
    (@item $modifier:ident [$($doc:literal),*] $pallet:literal, $name:ident : $ty:ty = $default:expr) => {
        $(#[doc = $doc])*
        pub struct $name;

        #[allow(dead_code)]
        impl $name {
            /// The pallet prefix the item is stored under.
            pub const PALLET: &'static str = $pallet;
            /// The item's entry in the runtime metadata.
            pub fn metadata() -> frame_metadata::v15::StorageEntryMetadata {
                let modifier = frame_metadata::v15::StorageEntryModifier::$modifier;
                frame_metadata::v15::StorageEntryMetadata {
                    name: stringify!($name),
                    default: $crate::storage::__default_bytes(&modifier, || -> $ty { $default }),
                    modifier,
                    ty: frame_metadata::v15::StorageEntryType::Plain(scale_info::meta_type::<$ty>()),
                    docs: vec![$($doc),*],
                }
            }
            /// The storage key.
            pub fn key() -> Vec<u8> {
                $crate::storage::__prefix($pallet, stringify!($name)).to_vec()
            }
            /// The value, or its default when missing.
            pub fn get(s: &$crate::storage::Storage) -> $ty {
                Self::try_get(s).unwrap_or_else(|| $default)
            }
            /// The value, if present.
            pub fn try_get(s: &$crate::storage::Storage) -> Option<$ty> {
                let k = Self::key();
                $crate::storage::decode_or_none(&k, s.get(&k))
            }
            /// Writes the value.
            pub fn put(s: &mut $crate::storage::Storage, v: &$ty) {
                s.set(Self::key(), codec::Encode::encode(v));
            }
            /// Deletes the value.
            pub fn kill(s: &mut $crate::storage::Storage) {
                s.remove(&Self::key());
            }
            /// Whether a value is stored.
            pub fn exists(s: &$crate::storage::Storage) -> bool {
                s.contains(&Self::key())
            }
        }
    };
    ($(#[doc = $doc:literal])* optional $pallet:literal, $name:ident : $ty:ty = $default:expr) => {
        $crate::storage_value!(@item Optional [$($doc),*] $pallet, $name: $ty = $default);
    };
    ($(#[doc = $doc:literal])* $pallet:literal, $name:ident : $ty:ty = $default:expr) => {
        $crate::storage_value!(@item Default [$($doc),*] $pallet, $name: $ty = $default);
    };
}

/// Declares a storage map: `storage_map!(Pallet, Item: Hasher(Key) => Value = default)`
/// (`optional Pallet` for `OptionQuery` items, as in [`storage_value!`]).
#[macro_export]
macro_rules! storage_map {
    (@item $modifier:ident [$($doc:literal),*] $pallet:literal, $name:ident : $hasher:ident ($kty:ty) => $vty:ty = $default:expr) => {
        $(#[doc = $doc])*
        pub struct $name;

        #[allow(dead_code)]
        impl $name {
            /// The pallet prefix the item is stored under.
            pub const PALLET: &'static str = $pallet;
            /// The item's entry in the runtime metadata.
            pub fn metadata() -> frame_metadata::v15::StorageEntryMetadata {
                let modifier = frame_metadata::v15::StorageEntryModifier::$modifier;
                frame_metadata::v15::StorageEntryMetadata {
                    name: stringify!($name),
                    default: $crate::storage::__default_bytes(&modifier, || -> $vty { $default }),
                    modifier,
                    ty: frame_metadata::v15::StorageEntryType::Map {
                        hashers: vec![frame_metadata::v15::StorageHasher::$hasher],
                        key: scale_info::meta_type::<$kty>(),
                        value: scale_info::meta_type::<$vty>(),
                    },
                    docs: vec![$($doc),*],
                }
            }
            /// The prefix shared by every key of the map.
            pub fn prefix() -> Vec<u8> {
                $crate::storage::__prefix($pallet, stringify!($name)).to_vec()
            }
            /// The storage key of `k`.
            pub fn key(k: &$kty) -> Vec<u8> {
                let mut key = Self::prefix();
                cortex_primitives::hashing::StorageHasher::$hasher
                    .hash_into(&codec::Encode::encode(k), &mut key);
                key
            }
            /// The value at `k`, or the default when missing.
            pub fn get(s: &$crate::storage::Storage, k: &$kty) -> $vty {
                Self::try_get(s, k).unwrap_or_else(|| $default)
            }
            /// The value at `k`, if present.
            pub fn try_get(s: &$crate::storage::Storage, k: &$kty) -> Option<$vty> {
                let key = Self::key(k);
                $crate::storage::decode_or_none(&key, s.get(&key))
            }
            /// Writes the value at `k`.
            pub fn insert(s: &mut $crate::storage::Storage, k: &$kty, v: &$vty) {
                s.set(Self::key(k), codec::Encode::encode(v));
            }
            /// Deletes the value at `k`.
            pub fn remove(s: &mut $crate::storage::Storage, k: &$kty) {
                s.remove(&Self::key(k));
            }
            /// Whether a value is stored at `k`.
            pub fn contains_key(s: &$crate::storage::Storage, k: &$kty) -> bool {
                s.contains(&Self::key(k))
            }
            /// Every `(key, value)` of the map in storage-key order (keys recovered from the
            /// storage key, which the concat hashers and `Identity` allow).
            pub fn iter(s: &$crate::storage::Storage) -> Vec<($kty, $vty)> {
                let prefix = Self::prefix();
                let skip = prefix
                    .len()
                    .saturating_add(cortex_primitives::hashing::StorageHasher::$hasher.prefix_len());
                s.iter_prefix(&prefix)
                    .into_iter()
                    .filter_map(|(key, raw)| {
                        let k = <$kty as codec::Decode>::decode(&mut key.get(skip..)?).ok()?;
                        let v = $crate::storage::decode_or_none(&key, Some(raw))?;
                        Some((k, v))
                    })
                    .collect()
            }
        }
    };
    ($(#[doc = $doc:literal])* optional $pallet:literal, $name:ident : $hasher:ident ($kty:ty) => $vty:ty = $default:expr) => {
        $crate::storage_map!(@item Optional [$($doc),*] $pallet, $name: $hasher($kty) => $vty = $default);
    };
    ($(#[doc = $doc:literal])* $pallet:literal, $name:ident : $hasher:ident ($kty:ty) => $vty:ty = $default:expr) => {
        $crate::storage_map!(@item Default [$($doc),*] $pallet, $name: $hasher($kty) => $vty = $default);
    };
}

/// Declares a storage double map:
/// `storage_double_map!(Pallet, Item: H1(K1), H2(K2) => Value = default)` (`optional Pallet`
/// for `OptionQuery` items, as in [`storage_value!`]).
#[macro_export]
macro_rules! storage_double_map {
    (@item $modifier:ident [$($doc:literal),*] $pallet:literal, $name:ident : $h1:ident ($k1:ty), $h2:ident ($k2:ty) => $vty:ty = $default:expr) => {
        $(#[doc = $doc])*
        pub struct $name;

        #[allow(dead_code)]
        impl $name {
            /// The pallet prefix the item is stored under.
            pub const PALLET: &'static str = $pallet;
            /// The item's entry in the runtime metadata (the key type is the tuple of both parts).
            pub fn metadata() -> frame_metadata::v15::StorageEntryMetadata {
                let modifier = frame_metadata::v15::StorageEntryModifier::$modifier;
                frame_metadata::v15::StorageEntryMetadata {
                    name: stringify!($name),
                    default: $crate::storage::__default_bytes(&modifier, || -> $vty { $default }),
                    modifier,
                    ty: frame_metadata::v15::StorageEntryType::Map {
                        hashers: vec![
                            frame_metadata::v15::StorageHasher::$h1,
                            frame_metadata::v15::StorageHasher::$h2,
                        ],
                        key: scale_info::meta_type::<($k1, $k2)>(),
                        value: scale_info::meta_type::<$vty>(),
                    },
                    docs: vec![$($doc),*],
                }
            }
            /// The prefix shared by every key of the map.
            pub fn prefix() -> Vec<u8> {
                $crate::storage::__prefix($pallet, stringify!($name)).to_vec()
            }
            /// The prefix of every key whose first part is `k1`.
            pub fn prefix1(k1: &$k1) -> Vec<u8> {
                let mut key = Self::prefix();
                cortex_primitives::hashing::StorageHasher::$h1
                    .hash_into(&codec::Encode::encode(k1), &mut key);
                key
            }
            /// The storage key of `(k1, k2)`.
            pub fn key(k1: &$k1, k2: &$k2) -> Vec<u8> {
                let mut key = Self::prefix1(k1);
                cortex_primitives::hashing::StorageHasher::$h2
                    .hash_into(&codec::Encode::encode(k2), &mut key);
                key
            }
            /// The value at `(k1, k2)`, or the default when missing.
            pub fn get(s: &$crate::storage::Storage, k1: &$k1, k2: &$k2) -> $vty {
                Self::try_get(s, k1, k2).unwrap_or_else(|| $default)
            }
            /// The value at `(k1, k2)`, if present.
            pub fn try_get(s: &$crate::storage::Storage, k1: &$k1, k2: &$k2) -> Option<$vty> {
                let key = Self::key(k1, k2);
                $crate::storage::decode_or_none(&key, s.get(&key))
            }
            /// Writes the value at `(k1, k2)`.
            pub fn insert(s: &mut $crate::storage::Storage, k1: &$k1, k2: &$k2, v: &$vty) {
                s.set(Self::key(k1, k2), codec::Encode::encode(v));
            }
            /// Deletes the value at `(k1, k2)`.
            pub fn remove(s: &mut $crate::storage::Storage, k1: &$k1, k2: &$k2) {
                s.remove(&Self::key(k1, k2));
            }
            /// Whether a value is stored at `(k1, k2)`.
            pub fn contains_key(s: &$crate::storage::Storage, k1: &$k1, k2: &$k2) -> bool {
                s.contains(&Self::key(k1, k2))
            }
            /// Every `(k2, value)` under `k1`, in storage-key order.
            pub fn iter_prefix(s: &$crate::storage::Storage, k1: &$k1) -> Vec<($k2, $vty)> {
                let prefix = Self::prefix1(k1);
                let skip = prefix
                    .len()
                    .saturating_add(cortex_primitives::hashing::StorageHasher::$h2.prefix_len());
                s.iter_prefix(&prefix)
                    .into_iter()
                    .filter_map(|(key, raw)| {
                        let k2 = <$k2 as codec::Decode>::decode(&mut key.get(skip..)?).ok()?;
                        let v = $crate::storage::decode_or_none(&key, Some(raw))?;
                        Some((k2, v))
                    })
                    .collect()
            }
            /// Deletes every value under `k1`.
            pub fn remove_prefix(s: &mut $crate::storage::Storage, k1: &$k1) -> usize {
                s.remove_prefix(&Self::prefix1(k1))
            }
        }
    };
    ($(#[doc = $doc:literal])* optional $pallet:literal, $name:ident : $h1:ident ($k1:ty), $h2:ident ($k2:ty) => $vty:ty = $default:expr) => {
        $crate::storage_double_map!(@item Optional [$($doc),*] $pallet, $name: $h1($k1), $h2($k2) => $vty = $default);
    };
    ($(#[doc = $doc:literal])* $pallet:literal, $name:ident : $h1:ident ($k1:ty), $h2:ident ($k2:ty) => $vty:ty = $default:expr) => {
        $crate::storage_double_map!(@item Default [$($doc),*] $pallet, $name: $h1($k1), $h2($k2) => $vty = $default);
    };
}

/// Declares a storage map of three keys (subtensor's `StorageNMap` of three parts):
/// `storage_triple_map!(Pallet, Item: H1(K1), H2(K2), H3(K3) => Value = default)` (`optional
/// Pallet` for `OptionQuery` items, as in [`storage_value!`]).
#[macro_export]
macro_rules! storage_triple_map {
    (@item $modifier:ident [$($doc:literal),*] $pallet:literal, $name:ident : $h1:ident ($k1:ty), $h2:ident ($k2:ty), $h3:ident ($k3:ty) => $vty:ty = $default:expr) => {
        $(#[doc = $doc])*
        pub struct $name;

        #[allow(dead_code)]
        impl $name {
            /// The pallet prefix the item is stored under.
            pub const PALLET: &'static str = $pallet;
            /// The item's entry in the runtime metadata (the key type is the tuple of the parts).
            pub fn metadata() -> frame_metadata::v15::StorageEntryMetadata {
                let modifier = frame_metadata::v15::StorageEntryModifier::$modifier;
                frame_metadata::v15::StorageEntryMetadata {
                    name: stringify!($name),
                    default: $crate::storage::__default_bytes(&modifier, || -> $vty { $default }),
                    modifier,
                    ty: frame_metadata::v15::StorageEntryType::Map {
                        hashers: vec![
                            frame_metadata::v15::StorageHasher::$h1,
                            frame_metadata::v15::StorageHasher::$h2,
                            frame_metadata::v15::StorageHasher::$h3,
                        ],
                        key: scale_info::meta_type::<($k1, $k2, $k3)>(),
                        value: scale_info::meta_type::<$vty>(),
                    },
                    docs: vec![$($doc),*],
                }
            }
            /// The prefix shared by every key of the map.
            pub fn prefix() -> Vec<u8> {
                $crate::storage::__prefix($pallet, stringify!($name)).to_vec()
            }
            /// The storage key of `(k1, k2, k3)`.
            pub fn key(k1: &$k1, k2: &$k2, k3: &$k3) -> Vec<u8> {
                use cortex_primitives::hashing::StorageHasher as H;
                let mut key = Self::prefix();
                H::$h1.hash_into(&codec::Encode::encode(k1), &mut key);
                H::$h2.hash_into(&codec::Encode::encode(k2), &mut key);
                H::$h3.hash_into(&codec::Encode::encode(k3), &mut key);
                key
            }
            /// The value at `(k1, k2, k3)`, or the default when missing.
            pub fn get(s: &$crate::storage::Storage, k1: &$k1, k2: &$k2, k3: &$k3) -> $vty {
                Self::try_get(s, k1, k2, k3).unwrap_or_else(|| $default)
            }
            /// The value at `(k1, k2, k3)`, if present.
            pub fn try_get(s: &$crate::storage::Storage, k1: &$k1, k2: &$k2, k3: &$k3) -> Option<$vty> {
                let key = Self::key(k1, k2, k3);
                $crate::storage::decode_or_none(&key, s.get(&key))
            }
        }
    };
    ($(#[doc = $doc:literal])* optional $pallet:literal, $name:ident : $h1:ident ($k1:ty), $h2:ident ($k2:ty), $h3:ident ($k3:ty) => $vty:ty = $default:expr) => {
        $crate::storage_triple_map!(@item Optional [$($doc),*] $pallet, $name: $h1($k1), $h2($k2), $h3($k3) => $vty = $default);
    };
    ($(#[doc = $doc:literal])* $pallet:literal, $name:ident : $h1:ident ($k1:ty), $h2:ident ($k2:ty), $h3:ident ($k3:ty) => $vty:ty = $default:expr) => {
        $crate::storage_triple_map!(@item Default [$($doc),*] $pallet, $name: $h1($k1), $h2($k2), $h3($k3) => $vty = $default);
    };
}

/// The metadata's default bytes of a storage item: the SCALE encoding of its declared default,
/// or, for an `Optional` item, of `None` (clients decode a missing `Optional` value as `None`).
#[doc(hidden)]
pub fn __default_bytes<T: Encode>(
    modifier: &frame_metadata::v15::StorageEntryModifier,
    default: impl FnOnce() -> T,
) -> Vec<u8> {
    match modifier {
        frame_metadata::v15::StorageEntryModifier::Optional => vec![0],
        frame_metadata::v15::StorageEntryModifier::Default => default().encode(),
    }
}

/// `twox128(pallet) ++ twox128(item)`, for the storage macros.
#[doc(hidden)]
pub fn __prefix(pallet: &str, item: &str) -> [u8; 32] {
    cortex_primitives::hashing::storage_prefix(pallet, item)
}

#[cfg(test)]
mod tests {
    use super::*;
    use cortex_primitives::AccountId32;
    use proptest::prelude::*;

    storage_value!("SubtensorModule", TotalNetworks: u16 = 0);
    storage_map!("SubtensorModule", Tempo: Identity(u16) => u16 = 360);
    storage_double_map!("SubtensorModule", Keys: Identity(u16), Identity(u16) => AccountId32 = AccountId32([0; 32]));
    storage_map!("System", Account: Blake2_128Concat(AccountId32) => u64 = 0);
    storage_triple_map!("SubtensorModule", RootClaimed: Identity(u16), Blake2_128Concat(AccountId32), Blake2_128Concat(AccountId32) => u128 = 0);

    #[test]
    fn keys_follow_substrates_layout() {
        let alice = AccountId32([7; 32]);
        let key = Account::key(&alice);
        assert_eq!(
            hex::encode(&key[..32]),
            "26aa394eea5630e07c48ae0c9558cef7b99d880ec681799c0cf30e8886371da9"
        );
        assert_eq!(
            &key[32..48],
            &cortex_primitives::hashing::blake2_128(&[7; 32])
        );
        assert_eq!(&key[48..], &[7; 32]);
        // Identity(u16) appends the two little-endian bytes.
        assert_eq!(&Tempo::key(&0x0102)[32..], &[0x02, 0x01]);
        // A three-part key: each part hashed with its own hasher, in order.
        let bob = AccountId32([9; 32]);
        let key = RootClaimed::key(&0x0102, &alice, &bob);
        assert_eq!(key[..32], RootClaimed::prefix()[..]);
        assert_eq!(&key[32..34], &[0x02, 0x01]);
        assert_eq!(
            &key[34..50],
            &cortex_primitives::hashing::blake2_128(&[7; 32])
        );
        assert_eq!(&key[50..82], &[7; 32]);
        assert_eq!(
            &key[82..98],
            &cortex_primitives::hashing::blake2_128(&[9; 32])
        );
        assert_eq!(&key[98..], &[9; 32]);
        let mut s = Storage::new();
        assert_eq!(RootClaimed::get(&s, &1, &alice, &bob), 0);
        s.set(key, 5u128.encode());
        assert_eq!(RootClaimed::try_get(&s, &0x0102, &alice, &bob), Some(5));
        assert_eq!(RootClaimed::try_get(&s, &0x0102, &bob, &alice), None);
    }

    #[test]
    fn typed_items_read_defaults_and_iterate() {
        let mut s = Storage::new();
        assert_eq!(Tempo::get(&s, &1), 360);
        assert_eq!(Tempo::try_get(&s, &1), None);
        Tempo::insert(&mut s, &3, &10);
        Tempo::insert(&mut s, &1, &99);
        assert_eq!(Tempo::iter(&s), vec![(1, 99), (3, 10)]);
        TotalNetworks::put(&mut s, &2);
        assert_eq!(TotalNetworks::get(&s), 2);
        Keys::insert(&mut s, &1, &0, &AccountId32([1; 32]));
        Keys::insert(&mut s, &1, &1, &AccountId32([2; 32]));
        Keys::insert(&mut s, &2, &0, &AccountId32([3; 32]));
        assert_eq!(Keys::iter_prefix(&s, &1).len(), 2);
        assert_eq!(Keys::remove_prefix(&mut s, &1), 2);
        assert!(Keys::contains_key(&s, &2, &0));
        // A corrupt value reads as missing (default), not as a panic.
        s.set(Tempo::key(&5), vec![1]);
        assert_eq!(Tempo::get(&s, &5), 360);
    }

    #[test]
    fn the_journal_records_what_a_block_changed() {
        let mut s = Storage::from_entries([
            (b"a".to_vec(), b"1".to_vec()),
            (b"b".to_vec(), b"2".to_vec()),
        ]);
        s.start_journal();
        s.set(b"a".to_vec(), b"9".to_vec());
        s.remove(b"b");
        s.set(b"c".to_vec(), b"3".to_vec());
        let _ = s.transactional(|s| -> Result<(), ()> {
            s.set(b"d".to_vec(), b"4".to_vec());
            Err(())
        });
        s.set(b"e".to_vec(), b"5".to_vec());
        s.remove(b"e");
        let changes = s.take_journal();
        let expect: Changes = [
            (b"a".to_vec(), (Some(b"1".to_vec()), Some(b"9".to_vec()))),
            (b"b".to_vec(), (Some(b"2".to_vec()), None)),
            (b"c".to_vec(), (None, Some(b"3".to_vec()))),
        ]
        .into_iter()
        .collect();
        assert_eq!(changes, expect);
        assert!(s.take_journal().is_empty());
    }

    #[test]
    fn failed_transactions_change_nothing() {
        let mut s = Storage::new();
        Tempo::insert(&mut s, &1, &5);
        let root = s.root();
        let r: Result<(), &str> = s.transactional(|s| {
            Tempo::insert(s, &1, &6);
            Tempo::insert(s, &2, &6);
            Tempo::remove(s, &1);
            Err("no")
        });
        assert!(r.is_err());
        assert_eq!(s.root(), root);
        assert_eq!(Tempo::get(&s, &1), 5);
        let r: Result<(), &str> = s.transactional(|s| {
            Tempo::insert(s, &2, &6);
            // A nested failure only drops its own changes.
            let _ = s.transactional(|s| -> Result<(), &str> {
                Tempo::insert(s, &3, &7);
                Err("inner")
            });
            Ok(())
        });
        assert!(r.is_ok());
        assert_eq!(Tempo::iter(&s), vec![(1, 5), (2, 6)]);
        assert_ne!(s.root(), root);
        assert_eq!(s.transaction_depth(), 0);
    }

    proptest! {
        /// Whatever happens inside a layer, a rollback restores the exact state and root, and
        /// reads through the layer always match a plain map.
        #[test]
        fn layers_behave_like_a_map(
            base in prop::collection::btree_map(prop::collection::vec(0u8..4, 0..3), any::<u8>(), 0..12),
            ops in prop::collection::vec((prop::collection::vec(0u8..4, 0..3), prop::option::of(any::<u8>())), 0..20),
        ) {
            let mut s = Storage::from_entries(base.iter().map(|(k, v)| (k.clone(), vec![*v])));
            let root = s.root();
            let mut model: BTreeMap<Vec<u8>, Vec<u8>> = base.iter().map(|(k, v)| (k.clone(), vec![*v])).collect();
            s.start_transaction();
            for (k, v) in &ops {
                match v {
                    Some(v) => { s.set(k.clone(), vec![*v]); model.insert(k.clone(), vec![*v]); }
                    None => { s.remove(k); model.remove(k); }
                }
            }
            for prefix in [vec![], vec![0u8], vec![1u8, 2u8]] {
                let expected: Vec<_> = model.iter().filter(|(k, _)| k.starts_with(&prefix)).map(|(k, v)| (k.clone(), v.clone())).collect();
                prop_assert_eq!(s.iter_prefix(&prefix), expected);
            }
            s.rollback_transaction();
            prop_assert_eq!(s.root(), root);
        }
    }
}
