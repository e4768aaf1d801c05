//! The runtime's identity as clients see it (`state_getRuntimeVersion`): subtensor's spec name
//! and versions. Clients sign `spec_version` and `transaction_version` into every extrinsic and
//! cache metadata by `(genesis hash, spec_version)`, so `spec_version` must change whenever the
//! metadata does (a test in `metadata` pins the pair).

/// `specName` and `implName`.
pub const SPEC_NAME: &str = "node-subtensor";
/// `specVersion`: subtensor's 425 or higher (426: the metadata carries every call's, event's and
/// error's docs; 427: `System.Digest`, whose type clients decode header logs with).
pub const SPEC_VERSION: u32 = 427;
/// `implVersion`.
pub const IMPL_VERSION: u32 = 1;
/// `authoringVersion`.
pub const AUTHORING_VERSION: u32 = 1;
/// `transactionVersion`: the call encoding's version.
pub const TRANSACTION_VERSION: u32 = 1;
/// `systemVersion` (`stateVersion`).
pub const SYSTEM_VERSION: u8 = 1;
