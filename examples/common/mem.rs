//! Resident memory, for the examples that measure it (`#[path]`-included; not an example).

/// Resident memory in MB, as the kernel reports it (0 where /proc is absent).
pub fn rss_mb() -> f64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Resident memory once the allocator has returned the pages it keeps after a query (mimalloc
/// holds freed pages for reuse; without this the samples swing with the last query's size).
pub fn live_rss_mb() -> f64 {
    // SAFETY: mi_collect only walks and frees mimalloc's own free pages; no pointer is passed.
    unsafe { libmimalloc_sys::mi_collect(true) };
    rss_mb()
}
