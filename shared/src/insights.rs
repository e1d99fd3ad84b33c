//! The console's measures, as pure functions over what the edge reads (grouped counts): the
//! date range a report covers, an item's daily series of impressions, a tour's funnel by step,
//! CSAT per teammate.

use serde::Serialize;

use crate::error::ApiError;
use crate::targeting::dates::{parse_iso8601, DAY_MS};

/// Days a report covers at most.
pub const MAX_DAYS: i64 = 366;
/// Days a report covers when no range is given (today and the 29 before).
pub const DEFAULT_DAYS: i64 = 30;

/// UTC days since 1970-01-01, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub from_day: i64,
    pub to_day: i64,
}

fn day_of(s: &str, path: &str) -> Result<i64, ApiError> {
    match parse_iso8601(s) {
        Some(ms) if s.len() == 10 => Ok(ms.div_euclid(DAY_MS)),
        _ => Err(ApiError::invalid(path, "a date as YYYY-MM-DD")),
    }
}

impl Range {
    /// From the `from` / `to` query parameters (`YYYY-MM-DD`, UTC); missing `to` is today,
    /// missing `from` is 29 days before `to`.
    pub fn parse(from: Option<&str>, to: Option<&str>, now_ms: i64) -> Result<Range, ApiError> {
        let to_day = match to {
            Some(t) => day_of(t, "/to")?,
            None => now_ms.div_euclid(DAY_MS),
        };
        let from_day = match from {
            Some(f) => day_of(f, "/from")?,
            None => to_day - (DEFAULT_DAYS - 1),
        };
        if from_day > to_day {
            return Err(ApiError::invalid("/from", "from is on or before to"));
        }
        if to_day - from_day + 1 > MAX_DAYS {
            return Err(ApiError::invalid(
                "/from",
                format!("a report covers at most {MAX_DAYS} days"),
            ));
        }
        Ok(Range { from_day, to_day })
    }
    /// The first instant covered (epoch ms).
    pub fn start_ms(&self) -> i64 {
        self.from_day * DAY_MS
    }
    /// The first instant after the range (epoch ms).
    pub fn end_ms(&self) -> i64 {
        (self.to_day + 1) * DAY_MS
    }
}

/// `YYYY-MM-DD` of a UTC day number (Howard Hinnant's civil_from_days).
pub fn date_of(day: i64) -> String {
    let z = day + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// One day of an item's impressions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DayCounts {
    pub date: String,
    pub shown: u64,
    pub clicked: u64,
    pub dismissed: u64,
    pub completed: u64,
}

/// Every day of `range` (zeros included), from `(day, action, count)` rows; rows outside the
/// range or with another action are ignored.
pub fn daily_series(range: Range, rows: &[(i64, String, u64)]) -> Vec<DayCounts> {
    let mut out: Vec<DayCounts> = (range.from_day..=range.to_day)
        .map(|d| DayCounts {
            date: date_of(d),
            ..DayCounts::default()
        })
        .collect();
    for (day, action, n) in rows {
        let Some(c) = usize::try_from(day - range.from_day)
            .ok()
            .and_then(|i| out.get_mut(i))
        else {
            continue;
        };
        match action.as_str() {
            "shown" => c.shown += n,
            "clicked" => c.clicked += n,
            "dismissed" => c.dismissed += n,
            "completed" => c.completed += n,
            _ => {}
        }
    }
    out
}

/// One step of a tour's funnel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FunnelStep {
    /// Visitors who reached this step.
    pub reached: u64,
    /// Visitors who dismissed the tour at this step.
    pub dismissed: u64,
}

/// A tour's funnel over `steps` steps from `(step, state, count)` rows of its progress: a run
/// at step k reached every step up to k; a completed run reached them all.
pub fn funnel(steps: usize, rows: &[(i64, String, u64)]) -> (Vec<FunnelStep>, u64) {
    let mut out = vec![
        FunnelStep {
            reached: 0,
            dismissed: 0
        };
        steps
    ];
    let mut completed = 0;
    for (step, state, n) in rows {
        let last = if state == "completed" {
            completed += n;
            steps
        } else {
            (usize::try_from(*step).unwrap_or(0) + 1).min(steps)
        };
        for s in out.iter_mut().take(last) {
            s.reached += n;
        }
        if state == "dismissed" {
            if let Some(s) = usize::try_from(*step).ok().and_then(|i| out.get_mut(i)) {
                s.dismissed += n;
            }
        }
    }
    (out, completed)
}

/// CSAT of one teammate (or of unassigned conversations).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TeammateCsat {
    pub teammate_id: Option<String>,
    pub name: Option<String>,
    pub responses: u64,
    /// Mean rating, 1–5 (0 with no responses).
    pub average: f64,
    /// Ratings 1..=5: how many of each.
    pub distribution: [u64; 5],
}

/// CSAT per teammate from `(teammate id, name, rating, count)` rows; ratings outside 1–5 are
/// ignored. Most responses first.
pub fn csat(rows: &[(Option<String>, Option<String>, i64, u64)]) -> Vec<TeammateCsat> {
    let mut out: Vec<TeammateCsat> = Vec::new();
    for (id, name, rating, n) in rows {
        let Some(slot) = usize::try_from(rating - 1).ok().filter(|i| *i < 5) else {
            continue;
        };
        let i = match out.iter().position(|t| &t.teammate_id == id) {
            Some(i) => i,
            None => {
                out.push(TeammateCsat {
                    teammate_id: id.clone(),
                    name: name.clone(),
                    responses: 0,
                    average: 0.0,
                    distribution: [0; 5],
                });
                out.len() - 1
            }
        };
        out[i].distribution[slot] += n;
        out[i].responses += n;
    }
    for t in &mut out {
        let sum: u64 = (0..5).map(|i| t.distribution[i] * (i as u64 + 1)).sum();
        t.average = if t.responses == 0 {
            0.0
        } else {
            (sum as f64 / t.responses as f64 * 100.0).round() / 100.0
        };
    }
    out.sort_by_key(|t| std::cmp::Reverse(t.responses));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEC_2: i64 = 1_764_633_600_000; // 2025-12-02T00:00Z

    #[test]
    fn ranges_default_to_thirty_days_and_refuse_bad_input() {
        let r = Range::parse(None, None, DEC_2 + 5000).unwrap();
        assert_eq!(r.to_day - r.from_day + 1, 30);
        assert_eq!(date_of(r.to_day), "2025-12-02");
        let r = Range::parse(Some("2025-11-01"), Some("2025-11-30"), DEC_2).unwrap();
        assert_eq!(
            (date_of(r.from_day), date_of(r.to_day)),
            ("2025-11-01".into(), "2025-11-30".into())
        );
        assert_eq!(r.end_ms() - r.start_ms(), 30 * DAY_MS);
        let path = |e: ApiError| e.path.unwrap_or_default();
        assert_eq!(
            path(Range::parse(Some("nope"), None, DEC_2).unwrap_err()),
            "/from"
        );
        assert_eq!(
            path(Range::parse(None, Some("2025-02-30"), DEC_2).unwrap_err()),
            "/to"
        );
        assert_eq!(
            path(Range::parse(None, Some("2025-12-01T00:00"), DEC_2).unwrap_err()),
            "/to"
        );
        assert_eq!(
            path(Range::parse(Some("2025-12-03"), Some("2025-12-01"), DEC_2).unwrap_err()),
            "/from"
        );
        assert!(Range::parse(Some("2020-01-01"), Some("2025-01-01"), DEC_2).is_err());
    }

    #[test]
    fn dates_round_trip() {
        for d in [-1, 0, 59, 60, 11_016, 20_424, 20_454, 40_000] {
            let s = date_of(d);
            assert_eq!(parse_iso8601(&s).unwrap() / DAY_MS, d, "{s}");
        }
    }

    #[test]
    fn series_fill_every_day() {
        let r = Range::parse(Some("2025-12-01"), Some("2025-12-03"), DEC_2).unwrap();
        let day = r.from_day;
        let rows = vec![
            (day, "shown".to_string(), 5),
            (day, "clicked".to_string(), 2),
            (day + 2, "dismissed".to_string(), 1),
            (day + 9, "shown".to_string(), 7),
            (day, "odd".to_string(), 3),
        ];
        let s = daily_series(r, &rows);
        assert_eq!(s.len(), 3);
        assert_eq!(
            (s[0].shown, s[0].clicked, s[1].shown, s[2].dismissed),
            (5, 2, 0, 1)
        );
        assert_eq!(s[2].date, "2025-12-03");
    }

    #[test]
    fn funnel_counts_reach_and_drop_off() {
        let rows = vec![
            (0, "dismissed".to_string(), 2),
            (1, "in_progress".to_string(), 3),
            (2, "completed".to_string(), 4),
            (9, "snoozed".to_string(), 1),
        ];
        let (steps, completed) = funnel(3, &rows);
        assert_eq!(
            steps.iter().map(|s| s.reached).collect::<Vec<_>>(),
            vec![10, 8, 5]
        );
        assert_eq!(steps[0].dismissed, 2);
        assert_eq!(completed, 4);
    }

    #[test]
    fn csat_per_teammate() {
        let ada = (Some("tm_1".to_string()), Some("Ada".to_string()));
        let rows = vec![
            (ada.0.clone(), ada.1.clone(), 5, 2),
            (ada.0.clone(), ada.1.clone(), 3, 1),
            (None, None, 1, 1),
            (None, None, 9, 4),
        ];
        let c = csat(&rows);
        assert_eq!(c[0].name.as_deref(), Some("Ada"));
        assert_eq!((c[0].responses, c[0].distribution), (3, [0, 0, 1, 0, 2]));
        assert!((c[0].average - 4.33).abs() < 1e-9);
        assert_eq!((c[1].teammate_id.clone(), c[1].responses), (None, 1));
    }
}
