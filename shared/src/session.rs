//! Session lifetime rules, used by the edge (to mint) and the widget (to refresh).

/// One hour: the shortest lifetime a workspace may set.
pub const MIN_LIFETIME_MS: i64 = 60 * 60 * 1000;
/// Seven days: the longest.
pub const MAX_LIFETIME_MS: i64 = 7 * 24 * 60 * 60 * 1000;
/// 24 hours, the default.
pub const DEFAULT_LIFETIME_MS: i64 = 24 * 60 * 60 * 1000;

/// Clamps a requested lifetime into `[min, MAX_LIFETIME_MS]`. `min` is normally
/// [`MIN_LIFETIME_MS`]; a test deployment may lower it (edge var `SESSION_LIFETIME_MIN_MS`).
pub fn clamp_lifetime(requested_ms: i64, min_ms: i64) -> i64 {
    requested_ms.clamp(min_ms.min(MAX_LIFETIME_MS), MAX_LIFETIME_MS)
}

/// True when less than a quarter of the lifetime remains (or the token already expired).
pub fn should_refresh(now_ms: f64, expires_at_ms: f64, lifetime_ms: f64) -> bool {
    expires_at_ms - now_ms < lifetime_ms / 4.0
}

/// Milliseconds from now until the refresh point (0 if it has passed).
pub fn refresh_delay_ms(now_ms: f64, expires_at_ms: f64, lifetime_ms: f64) -> f64 {
    (expires_at_ms - lifetime_ms / 4.0 - now_ms).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clamps() {
        assert_eq!(clamp_lifetime(1, MIN_LIFETIME_MS), MIN_LIFETIME_MS);
        assert_eq!(clamp_lifetime(i64::MAX, MIN_LIFETIME_MS), MAX_LIFETIME_MS);
        assert_eq!(
            clamp_lifetime(DEFAULT_LIFETIME_MS, MIN_LIFETIME_MS),
            DEFAULT_LIFETIME_MS
        );
        assert_eq!(clamp_lifetime(2000, 1000), 2000);
    }

    #[test]
    fn refresh_at_quarter_remaining() {
        let life = 1000.0;
        assert!(!should_refresh(0.0, 1000.0, life));
        assert!(!should_refresh(750.0, 1000.0, life));
        assert!(should_refresh(751.0, 1000.0, life));
        assert!(should_refresh(2000.0, 1000.0, life));
        assert_eq!(refresh_delay_ms(0.0, 1000.0, life), 750.0);
        assert_eq!(refresh_delay_ms(900.0, 1000.0, life), 0.0);
    }
}
