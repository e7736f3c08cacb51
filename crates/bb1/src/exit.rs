//! Exit codes by category, so scripts can tell what went wrong.

use std::fmt;

use broadband_one::HubError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// Anything not below.
    Failure = 1,
    /// Bad input: a flag or value is wrong (clap's usage errors also exit 2).
    Input = 2,
    /// Configuration or credentials are missing.
    Config = 3,
    /// BT refused the credentials, or the token endpoint failed.
    Auth = 4,
    /// Not available at the premises.
    NotAvailable = 5,
    /// BT rejected the request.
    Rejected = 6,
    /// The network or BT did not answer; trying again may help.
    Transport = 7,
    /// An order may or may not have reached BT: look it up before resending.
    Ambiguous = 8,
    /// The user answered "no" at a confirmation prompt.
    Declined = 9,
}

/// An error for the command line: one line of text and an exit code.
#[derive(Debug)]
pub struct CliError {
    pub exit: Exit,
    pub message: String,
}

impl CliError {
    pub fn new(exit: Exit, message: impl Into<String>) -> Self {
        CliError { exit, message: message.into() }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<HubError> for CliError {
    fn from(e: HubError) -> Self {
        let exit = match &e {
            HubError::InvalidInput { field, .. } if field.starts_with("BB1_") => Exit::Config,
            HubError::InvalidInput { .. } => Exit::Input,
            HubError::NotAvailable { .. } => Exit::NotAvailable,
            HubError::Rejected { .. } | HubError::UnexpectedResponse { .. } => Exit::Rejected,
            HubError::Authentication { .. } => Exit::Auth,
            HubError::Transport { .. } => Exit::Transport,
            HubError::AmbiguousSubmission { .. } => Exit::Ambiguous,
        };
        CliError { exit, message: e.to_string() }
    }
}

impl From<broadband_one_ksu::KsuError> for CliError {
    fn from(e: broadband_one_ksu::KsuError) -> Self {
        CliError::new(Exit::Failure, e.to_string())
    }
}

pub type CliResult<T = ()> = Result<T, CliError>;
