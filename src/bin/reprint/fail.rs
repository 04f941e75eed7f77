//! The command line's error: what went wrong, and which exit code it maps to.

use std::fmt;
use std::io;

/// Why a command stopped.
#[derive(Debug)]
pub enum Fail {
    /// The arguments or settings make no sense (exit code 2, like clap's own usage errors).
    Usage(String),
    /// Bad input, an I/O failure or a failed library call (exit code 1).
    Failed(String),
    /// The reader of standard output went away (`reprint group big.jsonl | head`): stop quietly.
    BrokenPipe,
}

/// The result type of every command.
pub type CliResult<T> = Result<T, Fail>;

impl Fail {
    pub fn usage(message: impl Into<String>) -> Fail {
        Fail::Usage(message.into())
    }

    pub fn failed(message: impl Into<String>) -> Fail {
        Fail::Failed(message.into())
    }

    /// An I/O error with what was being done (`cannot read data.jsonl`).
    pub fn io(context: impl fmt::Display, err: &io::Error) -> Fail {
        if err.kind() == io::ErrorKind::BrokenPipe {
            Fail::BrokenPipe
        } else {
            Fail::Failed(format!("{context}: {err}"))
        }
    }

    /// A library error with what was being done.
    pub fn library(context: impl fmt::Display, err: &reprint::Error) -> Fail {
        match err.kind() {
            reprint::ErrorKind::Config => Fail::Usage(format!("{context}: {}", err.message())),
            _ => Fail::Failed(format!("{context}: {err}")),
        }
    }
}
