//! Runtime APIs served through `state_call` (`<Api>_<method>`), with subtensor's SCALE layouts
//! (`spec/wire.md` §3): each method reads the state and answers the raw SCALE encoding of its
//! declared output type, which clients decode through the metadata's `apis` section.

use crate::storage::Storage;

/// Why a runtime-API call could not be answered.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RuntimeApiError {
    /// No such `<Api>_<method>`.
    #[error("Exported method {0} is not found")]
    UnknownMethod(String),
    /// The input bytes do not decode as the method's declared inputs.
    #[error("Execution failed: could not decode the input of {method}: {reason}")]
    BadInput {
        /// The method called.
        method: String,
        /// What the decoder said.
        reason: String,
    },
}

/// Answers runtime-API `method` with SCALE `input` over state `s`.
pub fn call(_s: &Storage, method: &str, _input: &[u8]) -> Result<Vec<u8>, RuntimeApiError> {
    Err(RuntimeApiError::UnknownMethod(method.to_string()))
}

/// The metadata of the runtime APIs [`call`] answers (the V15 `apis` section).
pub fn runtime_apis() -> Vec<frame_metadata::v15::RuntimeApiMetadata> {
    Vec::new()
}
