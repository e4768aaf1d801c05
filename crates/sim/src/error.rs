//! The simulator's error type.

/// Why a scenario or a command's arguments cannot be run.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SimError {
    /// The document is not valid JSON or not of the scenario's shape.
    #[error("{path}: {message}")]
    Malformed {
        /// Where (`.`-separated field path).
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A value is out of range.
    #[error("{path}: {message}")]
    Invalid {
        /// Where (field path, or the command-line flag).
        path: String,
        /// What is wrong and what is allowed.
        message: String,
    },
    /// A figure could not be drawn or a report file could not be written.
    #[error("{0}")]
    Output(String),
}
