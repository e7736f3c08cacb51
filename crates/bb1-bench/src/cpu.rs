//! CPU time of the calling thread, which is what a client costs when the server runs elsewhere.

use std::time::Duration;

pub fn thread_cpu() -> Duration {
    // CLOCK_THREAD_CPUTIME_ID is the scheduler's own nanosecond count for this thread (user and
    // system); getrusage rounds through tick sampling.
    // SAFETY: clock_gettime only writes into the struct we pass, which is valid and zeroed.
    let now = unsafe {
        let mut now: libc::timespec = std::mem::zeroed();
        if libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) != 0 {
            return Duration::ZERO;
        }
        now
    };
    Duration::new(now.tv_sec as u64, now.tv_nsec as u32)
}

/// Pins the calling thread to one CPU, when the machine has more than one. The client benchmark
/// keeps its client and its server on different cores: left to the scheduler, the two sometimes
/// share a core and sometimes not, and that alone moved the CPU per call by 20% between rounds.
pub fn pin_current_thread(cpu: usize) {
    let available = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    if available < 2 {
        return;
    }
    // SAFETY: the set is a plain bitmask on our stack; sched_setaffinity only reads it.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(cpu % available, &mut set);
        // Best effort: a container may refuse, and the figures are then only noisier.
        let _ = libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set);
    }
}
