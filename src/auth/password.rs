//! argon2id password hashes with the OWASP parameters (19 MiB, 2 iterations, 1 lane). Hashing
//! is CPU-bound, so async callers hand it to the hashers: a few threads of their own, one for
//! each core (at most 8), which take the hashes in turn. Each hash needs 19 MiB, and the
//! allocator keeps what a thread freed for that thread: run on the runtime's blocking pool, a
//! burst of sixteen sign-ins took sixteen threads and left the server holding 19 MiB for each
//! (60 to 310 MB). On the hashers, which give the freed memory back after each hash, it holds at
//! most one hash's memory a core, and only while hashing.

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

type Job = Box<dyn FnOnce() + Send>;

/// The hashers' queue: the threads start with the first hash.
fn hashers() -> &'static std::sync::mpsc::Sender<Job> {
    static QUEUE: std::sync::OnceLock<std::sync::mpsc::Sender<Job>> = std::sync::OnceLock::new();
    QUEUE.get_or_init(|| {
        let (queue, jobs) = std::sync::mpsc::channel::<Job>();
        let jobs = std::sync::Arc::new(std::sync::Mutex::new(jobs));
        for n in 0..most_at_once() {
            let jobs = jobs.clone();
            let started = std::thread::Builder::new()
                .name(format!("tcr-hasher-{n}"))
                .spawn(move || {
                    loop {
                        let job = jobs
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner)
                            .recv();
                        match job {
                            Ok(job) => job(),
                            Err(_) => return,
                        }
                        crate::memory::give_back_freed();
                    }
                });
            if let Err(e) = started {
                tracing::error!("starting a password hasher failed: {e}");
            }
        }
        queue
    })
}

fn most_at_once() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get().clamp(1, 8))
}

/// Runs `work` on a hasher, waiting for its turn.
async fn on_hasher<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let (answer, answered) = rocket::tokio::sync::oneshot::channel();
    hashers()
        .send(Box::new(move || {
            let _ = answer.send(work());
        }))
        .ok()?;
    answered.await.ok()
}

pub async fn hash_async(password: String) -> Result<String, String> {
    on_hasher(move || hash(&password))
        .await
        .ok_or_else(|| "no password hasher answered".to_string())?
}

pub async fn verify_async(password: String, phc: String) -> bool {
    on_hasher(move || verify(&password, &phc))
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
    async fn a_burst_of_sign_ins_is_hashed_on_a_core_s_worth_of_threads_and_all_answered() {
        let phc = hash("correct horse battery").unwrap();
        let checks: Vec<_> = (0..12)
            .map(|n| {
                let password = if n % 2 == 0 {
                    "correct horse battery"
                } else {
                    "wrong"
                };
                rocket::tokio::spawn(verify_async(password.to_string(), phc.clone()))
            })
            .collect();
        let mut answers = Vec::new();
        for c in checks {
            answers.push(c.await.unwrap());
        }
        assert_eq!(answers, (0..12).map(|n| n % 2 == 0).collect::<Vec<_>>());
        // Whatever the burst, the work runs on the same few threads (their memory is reused).
        let threads: Vec<_> = (0..40)
            .map(|_| rocket::tokio::spawn(on_hasher(|| std::thread::current().id())))
            .collect();
        let mut seen = std::collections::HashSet::new();
        for t in threads {
            seen.insert(t.await.unwrap().unwrap());
        }
        assert!(seen.len() <= most_at_once(), "{} threads", seen.len());
        assert!(!seen.contains(&std::thread::current().id()));
    }
}
