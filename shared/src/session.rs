//! Session lifetime rules, used by the edge (to mint) and the widget (to refresh).

/// One hour: the shortest lifetime a workspace may set.
pub const MIN_LIFETIME_MS: i64 = 60 * 60 * 1000;
/// Seven days: the longest.
pub const MAX_LIFETIME_MS: i64 = 7 * 24 * 60 * 60 * 1000;
/// 24 hours, the default.
pub const DEFAULT_LIFETIME_MS: i64 = 24 * 60 * 60 * 1000;
/// 30 days: the absolute age of a session. Refreshes move its expiry, never past its start
/// (the first boot) plus this; then the visitor boots a new session. A test deployment may
/// lower it (edge var `SESSION_MAX_AGE_MS`).
pub const MAX_SESSION_AGE_MS: i64 = 30 * 24 * 60 * 60 * 1000;

/// Clamps a requested lifetime into `[min, MAX_LIFETIME_MS]`. `min` is normally
/// [`MIN_LIFETIME_MS`]; a test deployment may lower it (edge var `SESSION_LIFETIME_MIN_MS`).
pub fn clamp_lifetime(requested_ms: i64, min_ms: i64) -> i64 {
    requested_ms.clamp(min_ms.min(MAX_LIFETIME_MS), MAX_LIFETIME_MS)
}

/// When a session minted or refreshed at `now` expires: a full lifetime, but never later than
/// `started_at + max_age_ms` (so refreshing forever does not keep a session alive forever).
pub fn session_expiry(now_ms: i64, lifetime_ms: i64, started_at_ms: i64, max_age_ms: i64) -> i64 {
    now_ms
        .saturating_add(lifetime_ms)
        .min(started_at_ms.saturating_add(max_age_ms))
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
    fn refreshes_never_pass_the_absolute_age() {
        let day = 24 * 3600 * 1000;
        // A fresh session: a full lifetime.
        assert_eq!(
            session_expiry(0, DEFAULT_LIFETIME_MS, 0, MAX_SESSION_AGE_MS),
            DEFAULT_LIFETIME_MS
        );
        // Refreshed on day 10: a full lifetime again.
        assert_eq!(
            session_expiry(10 * day, day, 0, MAX_SESSION_AGE_MS),
            11 * day
        );
        // Refreshed on day 29.5: only up to day 30.
        let late = 29 * day + day / 2;
        assert_eq!(
            session_expiry(late, day, 0, MAX_SESSION_AGE_MS),
            MAX_SESSION_AGE_MS
        );
        // Refreshing again changes nothing: the end stays put.
        assert_eq!(
            session_expiry(late + 1000, day, 0, MAX_SESSION_AGE_MS),
            MAX_SESSION_AGE_MS
        );
        assert_eq!(MAX_SESSION_AGE_MS, 30 * day);
        // No overflow on absurd inputs.
        assert_eq!(session_expiry(i64::MAX, 1, 0, 5), 5);
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
