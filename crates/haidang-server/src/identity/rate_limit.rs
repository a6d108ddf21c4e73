//! A fixed-window request limit per client address for anonymous callers.

use std::collections::HashMap;
use std::sync::Mutex;

/// Requests per window allowed from one address.
pub const REQUESTS_PER_WINDOW: u32 = 300;
/// Window length in milliseconds.
pub const WINDOW_MS: i64 = 60_000;
/// Addresses tracked at most; the table is cleared when full, which only forgives.
const MAX_TRACKED: usize = 100_000;

#[derive(Default)]
pub struct RateLimiter {
    windows: Mutex<HashMap<String, (i64, u32)>>,
}

impl RateLimiter {
    /// Counts a request from `address` at `now`; returns the milliseconds to wait when the
    /// address is over its limit.
    pub fn check(&self, address: &str, now: i64) -> Option<i64> {
        let Ok(mut windows) = self.windows.lock() else {
            return None;
        };
        if windows.len() >= MAX_TRACKED {
            windows.clear();
        }
        let window_start = now - now.rem_euclid(WINDOW_MS);
        let entry = windows.entry(address.to_owned()).or_insert((window_start, 0));
        if entry.0 != window_start {
            *entry = (window_start, 0);
        }
        entry.1 += 1;
        (entry.1 > REQUESTS_PER_WINDOW).then(|| window_start + WINDOW_MS - now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_resets_each_window() {
        let limiter = RateLimiter::default();
        for _ in 0..REQUESTS_PER_WINDOW {
            assert_eq!(limiter.check("a", 1_000), None);
        }
        assert_eq!(limiter.check("a", 1_000), Some(WINDOW_MS - 1_000));
        assert_eq!(limiter.check("b", 1_000), None);
        assert_eq!(limiter.check("a", WINDOW_MS), None);
    }
}
