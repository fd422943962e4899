//! Work on all cores: scoped worker threads take the next item from a shared counter, and the
//! results come back in item order. Used for independent files (load) and independent
//! operations or scopes (the engine's summaries); nothing is shared between items but `f`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

/// `f` over `items` on up to `available_parallelism` threads (each with `stack` bytes of stack
/// when given; without it, one item or one core runs inline). An item is `None` when `f`
/// panicked on it or no thread could be spawned; the caller decides what that means. A panic
/// costs only its own item.
pub fn map<T: Sync, R: Send>(
    items: &[T],
    stack: Option<usize>,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<Option<R>> {
    map_on(cores(), items, stack, f)
}

/// How many threads run at once here (1 when unknown).
pub fn cores() -> usize {
    thread::available_parallelism().map_or(1, |n| n.get())
}

/// `map` on at most `threads` threads (work in the background leaves a core to the user).
pub fn map_on<T: Sync, R: Send>(
    threads: usize,
    items: &[T],
    stack: Option<usize>,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<Option<R>> {
    let workers = threads.max(1).min(items.len());
    if workers <= 1 && stack.is_none() {
        return items.iter().map(|i| guarded(&f, i)).collect();
    }
    let next = AtomicUsize::new(0);
    let mut out: Vec<Option<R>> = items.iter().map(|_| None).collect();
    let results: Vec<(usize, Option<R>)> = thread::scope(|s| {
        let handles: Vec<_> = (0..workers.max(1))
            .filter_map(|_| {
                let mut b = thread::Builder::new();
                if let Some(bytes) = stack {
                    b = b.stack_size(bytes);
                }
                b.spawn_scoped(s, || {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        done.push((i, guarded(&f, item)));
                    }
                    done
                })
                .ok()
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    for (i, r) in results {
        out[i] = r;
    }
    out
}

fn guarded<T, R>(f: &impl Fn(&T) -> R, item: &T) -> Option<R> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(item))).ok()
}

#[cfg(test)]
mod tests {
    use super::map;

    #[test]
    fn results_come_back_in_item_order() {
        let items: Vec<u64> = (0..1000).collect();
        let out = map(&items, None, |x| x * 2);
        let got: Vec<u64> = out.into_iter().map(|r| r.unwrap_or(u64::MAX)).collect();
        assert_eq!(got, (0..1000).map(|x| x * 2).collect::<Vec<_>>());
    }

    #[test]
    #[allow(clippy::panic)]
    fn a_panicking_item_is_none_and_the_rest_complete() {
        let items: Vec<u32> = (0..50).collect();
        let out = map(&items, Some(1 << 20), |&x| {
            if x == 7 {
                panic!("item 7 fails");
            }
            x
        });
        assert_eq!(out.len(), 50);
        for (i, r) in out.iter().enumerate() {
            match r {
                Some(v) => assert_eq!(*v as usize, i),
                None => assert_eq!(i, 7, "only the panicking item is missing"),
            }
        }
        assert!(out[7].is_none());
    }
}
