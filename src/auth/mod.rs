//! Passwords and secrets, below the services that use them: password hashing and checking
//! (`password`) and random tokens, their digests and constant-time comparison (`token`). The
//! request guards that turn a cookie or bearer token into a `Caller`, CSRF and the client's
//! address are the web's (`web::guard`, `web::csrf`, `web::client`).

pub mod password;
pub mod token;
