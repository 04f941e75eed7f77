//! The crate's one error type.
//!
//! Every fallible operation in `reprint` returns [`Result<T>`](crate::Result), whose error is an
//! [`Error`]: a small, opaque value that is `Send + Sync`, prints a message saying what went wrong
//! and what to change, and exposes what kind of failure it was through [`Error::kind`].

use std::fmt;

/// What kind of failure an [`Error`] reports.
///
/// New kinds may be added in minor releases, so matches need a wildcard arm.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// A configuration value that makes no sense (zero hashes, a threshold outside (0, 1], ...).
    Config,
    /// Two signatures, sketches or indexes built with different parameters were combined.
    Incompatible,
    /// Input that cannot be used: a duplicate id, a text over the size limit, malformed records.
    Input,
    /// Bytes that do not hold a valid serialized object: bad magic, wrong version, checksum.
    Format,
    /// An I/O operation failed.
    Io,
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            ErrorKind::Config => "invalid configuration",
            ErrorKind::Incompatible => "incompatible parameters",
            ErrorKind::Input => "invalid input",
            ErrorKind::Format => "invalid format",
            ErrorKind::Io => "I/O error",
        };
        f.write_str(s)
    }
}

/// The error type of every fallible operation in this crate.
///
/// # Example
///
/// ```
/// use reprint::{Deduplicator, ErrorKind};
///
/// let err = Deduplicator::builder().num_hashes(0).build().unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::Config);
/// assert!(err.to_string().contains("num_hashes"));
/// ```
#[derive(Clone)]
pub struct Error(Box<Inner>);

#[derive(Clone)]
struct Inner {
    kind: ErrorKind,
    message: String,
    io_kind: Option<std::io::ErrorKind>,
}

impl Error {
    /// Creates an error of the given kind with a message.
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error(Box::new(Inner { kind, message: message.into(), io_kind: None }))
    }

    pub(crate) fn config(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Config, message)
    }

    pub(crate) fn incompatible(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Incompatible, message)
    }

    pub(crate) fn input(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Input, message)
    }

    #[allow(dead_code)]
    pub(crate) fn format(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Format, message)
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// For [`ErrorKind::Io`] errors, the underlying I/O error kind.
    pub fn io_kind(&self) -> Option<std::io::ErrorKind> {
        self.0.io_kind
    }

    /// The message, without the kind prefix.
    pub fn message(&self) -> &str {
        &self.0.message
    }
}

impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Error {
        Error(Box::new(Inner { kind: ErrorKind::Io, message: err.to_string(), io_kind: Some(err.kind()) }))
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error").field("kind", &self.0.kind).field("message", &self.0.message).finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.0.kind, self.0.message)
    }
}

impl std::error::Error for Error {}

/// `Result<T, reprint::Error>`.
pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_has_kind_and_message() {
        let e = Error::config("num_hashes must be at least 1");
        assert_eq!(e.to_string(), "invalid configuration: num_hashes must be at least 1");
        assert_eq!(e.kind(), ErrorKind::Config);
    }

    #[test]
    fn io_errors_keep_their_kind() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "gone");
        let e = Error::from(io);
        assert_eq!(e.kind(), ErrorKind::Io);
        assert_eq!(e.io_kind(), Some(std::io::ErrorKind::NotFound));
        assert!(e.to_string().contains("gone"));
    }
}
