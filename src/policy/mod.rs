//! Policies an ICB can change without a rebuild: `policies/*.toml`, loaded and checked once at
//! start-up into typed structs. A policy file that does not make sense stops the start with a
//! message naming the file and the problem.

pub mod access;

use std::path::Path;

pub use access::{AccessPolicy, Permission};

/// Every policy the service runs on.
#[derive(Debug, Clone)]
pub struct Policies {
    pub access: AccessPolicy,
}

#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is not valid: {message}")]
    Invalid { path: String, message: String },
}

impl Policies {
    pub fn load(dir: &Path) -> Result<Self, PolicyError> {
        let access_path = dir.join("access.toml");
        let text = read(&access_path)?;
        let access = AccessPolicy::parse(&text).map_err(|message| PolicyError::Invalid {
            path: access_path.display().to_string(),
            message,
        })?;
        Ok(Policies { access })
    }
}

fn read(path: &Path) -> Result<String, PolicyError> {
    std::fs::read_to_string(path).map_err(|source| PolicyError::Read {
        path: path.display().to_string(),
        source,
    })
}
