//! argon2id password hashes with the OWASP parameters (19 MiB, 2 iterations, 1 lane). Hashing
//! is CPU-bound, so async callers run it on the blocking pool, a few at a time: each hash holds
//! 19 MiB while it runs, and more at once than there are cores only wait for a core while
//! holding it (sixteen users signing in at once took the server from 60 to 290 MB).

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};

fn hasher() -> Argon2<'static> {
    // OWASP Password Storage Cheat Sheet: m=19456 KiB, t=2, p=1.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`) with a fresh random salt.
pub fn hash(password: &str) -> Result<String, String> {
    hasher()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| format!("argon2: {e}"))
}

/// True when `password` matches `phc`. A malformed stored hash never matches.
pub fn verify(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => hasher()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A hash of a random password, verified against when the username does not exist so that a
/// wrong username takes as long as a wrong password.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash(&super::token::random_hex(16)).unwrap_or_default())
}

/// Turns to hash in this process: as many as the machine has cores (at most 8).
fn turns() -> &'static rocket::tokio::sync::Semaphore {
    static TURNS: std::sync::OnceLock<rocket::tokio::sync::Semaphore> = std::sync::OnceLock::new();
    TURNS.get_or_init(|| rocket::tokio::sync::Semaphore::new(most_at_once()))
}

fn most_at_once() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get().clamp(1, 8))
}

pub async fn hash_async(password: String) -> Result<String, String> {
    let _turn = turns()
        .acquire()
        .await
        .map_err(|e| format!("hash turn: {e}"))?;
    rocket::tokio::task::spawn_blocking(move || hash(&password))
        .await
        .map_err(|e| format!("hash task: {e}"))?
}

pub async fn verify_async(password: String, phc: String) -> bool {
    let Ok(_turn) = turns().acquire().await else {
        return false;
    };
    rocket::tokio::task::spawn_blocking(move || verify(&password, &phc))
        .await
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_with_owasp_parameters_and_verifies() {
        let phc = hash("correct horse battery").unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify("correct horse battery", &phc));
        assert!(!verify("correct horse battery!", &phc));
        assert!(!verify("anything", "not a hash"));
        assert_ne!(phc, hash("correct horse battery").unwrap(), "salts differ");
    }

    #[rocket::async_test]
    async fn a_burst_of_sign_ins_hashes_a_few_at_a_time_and_every_one_is_answered() {
        let phc = hash("correct horse battery").unwrap();
        let checks: Vec<_> = (0..12)
            .map(|n| {
                let (password, phc) = (
                    if n % 2 == 0 {
                        "correct horse battery"
                    } else {
                        "wrong"
                    }
                    .to_string(),
                    phc.clone(),
                );
                rocket::tokio::spawn(verify_async(password, phc))
            })
            .collect();
        // While they run, no more than a core's worth hold a turn (and so 19 MiB) at once.
        let mut fewest_free = most_at_once();
        while checks.iter().any(|c| !c.is_finished()) {
            fewest_free = fewest_free.min(turns().available_permits());
            rocket::tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        }
        let mut answers = Vec::new();
        for c in checks {
            answers.push(c.await.unwrap());
        }
        assert_eq!(
            answers,
            (0..12).map(|n| n % 2 == 0).collect::<Vec<_>>(),
            "every check answered rightly"
        );
        assert!(
            fewest_free == 0,
            "the turns were all taken during the burst"
        );
        assert_eq!(
            turns().available_permits(),
            most_at_once(),
            "every turn given back"
        );
    }
}
