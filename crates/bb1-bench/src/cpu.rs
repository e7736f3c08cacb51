//! CPU time of the calling thread, which is what a client costs when the server runs elsewhere.

use std::time::Duration;

pub fn thread_cpu() -> Duration {
    // SAFETY: getrusage only writes into the struct we pass, which is valid and zeroed.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        if libc::getrusage(libc::RUSAGE_THREAD, &mut usage) != 0 {
            return Duration::ZERO;
        }
        usage
    };
    let tv = |t: libc::timeval| Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64);
    tv(usage.ru_utime) + tv(usage.ru_stime)
}
