//! Native side of the targeting benchmark: prints one JSON line.
use std::time::Instant;

fn main() {
    let min_ms = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(2000.0);
    let t0 = Instant::now();
    let r = porchlight_targeting_bench::timed(min_ms, || t0.elapsed().as_secs_f64() * 1000.0);
    println!("{r}");
}
