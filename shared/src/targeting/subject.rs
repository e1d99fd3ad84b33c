//! What a rule is evaluated against: one visitor, the page they are on, and the time. Built
//! once per visitor (the edge from D1 rows, the widget from what boot returned), then read by
//! many evaluations without allocating.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use super::dates::{parse_iso8601, DAY_MS};

/// Per-event counters: a total and per-day buckets (UTC days since 1970), so that "within N
/// days" never scans event history.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventStats {
    pub count: u64,
    /// (day, count), sorted by day ascending.
    pub daily: Vec<(i64, u64)>,
}

impl EventStats {
    /// Occurrences on UTC days from `now - days` (that day included) to now.
    pub fn count_within(&self, days: u32, now_ms: i64) -> u64 {
        // Saturating: absurd clocks or counters must not overflow (evaluation never panics).
        let first_day = now_ms
            .saturating_sub(days as i64 * DAY_MS)
            .div_euclid(DAY_MS);
        let start = self.daily.partition_point(|(d, _)| *d < first_day);
        self.daily[start..]
            .iter()
            .fold(0u64, |n, (_, c)| n.saturating_add(*c))
    }
}

impl<'de> Deserialize<'de> for EventStats {
    /// `{"count": 3, "daily": {"2026-11-20": 2, "2026-11-01": 1}}` (daily optional).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Raw {
            count: u64,
            #[serde(default)]
            daily: BTreeMap<String, u64>,
        }
        let raw = Raw::deserialize(d)?;
        let mut daily = Vec::with_capacity(raw.daily.len());
        for (day, n) in raw.daily {
            let ms = parse_iso8601(&day)
                .ok_or_else(|| serde::de::Error::custom(format!("bad day {day:?}")))?;
            daily.push((ms.div_euclid(DAY_MS), n));
        }
        daily.sort_unstable();
        Ok(EventStats {
            count: raw.count,
            daily,
        })
    }
}

/// The page a visitor is on, split once.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageFacts {
    pub url: String,
    pub path: String,
    pub title: String,
    /// Decoded `name=value` pairs of the query string, in order.
    pub query: Vec<(String, String)>,
}

impl PageFacts {
    /// From an absolute URL or a path (`/pricing?plan=pro#faq`).
    pub fn from_url(url: &str, title: &str) -> PageFacts {
        let (no_hash, _) = url.split_once('#').unwrap_or((url, ""));
        let (before_q, q) = no_hash.split_once('?').unwrap_or((no_hash, ""));
        let path = match before_q.find("://") {
            Some(i) => {
                let rest = &before_q[i + 3..];
                rest.find('/').map_or("/", |j| &rest[j..])
            }
            None => before_q,
        };
        let query = q
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (percent_decode(k), percent_decode(v))
            })
            .collect();
        PageFacts {
            url: url.to_string(),
            // No URL at all: no page is known, so the path is missing too (not "/").
            path: if path.is_empty() && !url.is_empty() {
                "/".into()
            } else {
                path.into()
            },
            title: title.into(),
            query,
        }
    }

    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// `%xx` and `+` decoding of a query component; invalid escapes are kept as written.
pub fn percent_decode(s: &str) -> String {
    fn hex(c: u8) -> Option<u8> {
        (c as char).to_digit(16).map(|d| d as u8)
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn page_from_json<'de, D: Deserializer<'de>>(d: D) -> Result<PageFacts, D::Error> {
    #[derive(Deserialize)]
    struct Raw {
        #[serde(default)]
        url: String,
        #[serde(default)]
        title: String,
    }
    let r = Raw::deserialize(d)?;
    Ok(PageFacts::from_url(&r.url, &r.title))
}

/// Custom attributes, hashed once per visitor so that evaluation finds a key in one probe,
/// with the key's hash computed when the rule was parsed (a sorted map cost ~6 string
/// comparisons per lookup, a quarter of evaluation time).
#[derive(Clone, Default)]
pub struct Attributes(hashbrown::HashTable<(String, Value)>);

/// The hash attribute keys are stored under; rules precompute it for their keys.
pub fn key_hash(key: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(key)
}

impl Attributes {
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.get_hashed(key, key_hash(key))
    }
    /// Lookup with a precomputed [`key_hash`].
    pub fn get_hashed(&self, key: &str, hash: u64) -> Option<&Value> {
        self.0.find(hash, |(k, _)| k == key).map(|(_, v)| v)
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for Attributes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map()
            .entries(self.0.iter().map(|(k, v)| (k, v)))
            .finish()
    }
}

impl PartialEq for Attributes {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.0.iter().all(|(k, v)| other.get(k) == Some(v))
    }
}

impl From<Map<String, Value>> for Attributes {
    fn from(m: Map<String, Value>) -> Self {
        let mut t = hashbrown::HashTable::with_capacity(m.len());
        for (k, v) in m {
            let h = key_hash(&k);
            t.insert_unique(h, (k, v), |(k, _)| key_hash(k));
        }
        Attributes(t)
    }
}

impl<'de> Deserialize<'de> for Attributes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Map::<String, Value>::deserialize(d).map(Attributes::from)
    }
}

/// A visitor as targeting sees them. JSON (camelCase) for the test tables and the widget.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Subject {
    pub email: Option<String>,
    pub name: Option<String>,
    pub user_id: Option<String>,
    pub first_seen_at: Option<i64>,
    pub last_seen_at: Option<i64>,
    pub session_count: Option<u64>,
    pub device: Option<String>,
    pub browser: Option<String>,
    pub os: Option<String>,
    pub language: Option<String>,
    pub referrer: Option<String>,
    pub country: Option<String>,
    pub country_code: Option<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    pub identity_verified: Option<bool>,
    pub attributes: Attributes,
    pub events: BTreeMap<String, EventStats>,
    #[serde(deserialize_with = "page_from_json")]
    pub page: PageFacts,
}
