//! The process's memory, handed back to the system after work that freed much of it.

/// Hands freed memory back to the system. glibc keeps what each thread frees in that thread's
/// arena, where work on another thread cannot use it and the system still counts it as the
/// process's: after a return's phases (the register read on the async workers, the PDF drawn on a
/// blocking thread), and after each password hash (19 MiB), which without this left a server
/// holding up to 64 MiB for each thread that had hashed.
pub fn give_back_freed() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` has no preconditions; it only releases free pages of the heap.
    unsafe {
        libc::malloc_trim(0);
    }
}
