//! `haven bench referrals`: startup time, memory and lookup latency with a large synthetic
//! directory, against the targets of issue 5 (lookup p99 < 1 ms, RSS < 80 MB, startup < 300 ms).
//!
//! It generates services spread over the US (at random ZIP centroids, jittered by up to ~5 km,
//! one in ten left to its ZIP centroid), writes them as directory CSV text, and measures:
//! parsing the embedded ZIP table plus loading the CSV (what a server does at startup), the
//! resident memory afterwards, and the time of each search at a random ZIP. Run it from a
//! release build; debug builds are many times slower.

use std::fmt;
use std::time::{Duration, Instant};

use chrono::NaiveDate;

use super::directory::Kind;
use super::find::Query;
use super::hours::Hours;
use super::import::{COLUMNS, parse_directory};
use super::zip::{EMBEDDED_CSV, ZipTable};

/// How big a run is.
#[derive(Clone, Copy, Debug)]
pub struct BenchConfig {
    pub services: usize,
    pub lookups: usize,
    pub radius_km: f64,
    pub seed: u64,
}

impl Default for BenchConfig {
    fn default() -> Self {
        BenchConfig {
            services: 50_000,
            lookups: 100_000,
            radius_km: 40.0,
            seed: 0x5eed_4a7e,
        }
    }
}

/// The figures of one run.
#[derive(Clone, Debug)]
pub struct BenchReport {
    pub config: BenchConfig,
    /// Services actually loaded (less than asked only if the generated CSV were invalid).
    pub services_loaded: usize,
    pub zip_entries: usize,
    pub zip_parse: Duration,
    pub directory_load: Duration,
    /// The rows share six hours patterns, which import parses once each, as real directories
    /// mostly repeat a few. This is the extra time if every row's hours were different.
    pub distinct_hours_parse: Duration,
    /// Resident memory in KiB before anything was loaded and after loading (from
    /// /proc/self/status; `None` where that file does not exist).
    pub rss_before_kib: Option<u64>,
    pub rss_after_kib: Option<u64>,
    pub p50: Duration,
    pub p99: Duration,
    pub max: Duration,
    /// Mean number of services within the radius, to show the searches did real work.
    pub mean_within_radius: f64,
}

impl BenchReport {
    pub fn startup(&self) -> Duration {
        self.zip_parse + self.directory_load
    }
}

impl fmt::Display for BenchReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let mib = |k: Option<u64>| {
            k.map_or("n/a".to_owned(), |k| {
                format!("{:.1} MiB", k as f64 / 1024.0)
            })
        };
        writeln!(
            f,
            "referrals benchmark: {} services ({} loaded), {} lookups, radius {} km",
            self.config.services, self.services_loaded, self.config.lookups, self.config.radius_km
        )?;
        writeln!(
            f,
            "  startup   {:8.1} ms  (ZIP table {} entries {:.1} ms + directory CSV {:.1} ms)   target < 300 ms",
            ms(self.startup()),
            self.zip_entries,
            ms(self.zip_parse),
            ms(self.directory_load)
        )?;
        writeln!(
            f,
            "            +{:.1} ms if all {} rows had different hours (rows here share 6 patterns)",
            ms(self.distinct_hours_parse),
            self.config.services
        )?;
        writeln!(
            f,
            "  memory    {:>11}  resident after loading ({} before)   target < 80 MB",
            mib(self.rss_after_kib),
            mib(self.rss_before_kib)
        )?;
        writeln!(
            f,
            "  lookup    p50 {:.3} ms  p99 {:.3} ms  max {:.3} ms   target p99 < 1 ms",
            ms(self.p50),
            ms(self.p99),
            ms(self.max)
        )?;
        write!(
            f,
            "  on average {:.0} services were within the radius of a lookup",
            self.mean_within_radius
        )
    }
}

/// Runs the benchmark with the sizes (50,000 services, 100,000 lookups).
pub fn run_bench() -> BenchReport {
    run_bench_with(BenchConfig::default())
}

pub fn run_bench_with(config: BenchConfig) -> BenchReport {
    let rss_before_kib = rss_kib();
    let zip_start = Instant::now();
    // A fresh parse, not the shared table, so the time is the real startup cost.
    let zips = ZipTable::parse(EMBEDDED_CSV).unwrap_or_default();
    let zip_parse = zip_start.elapsed();

    let mut rng = Rng(config.seed);
    let csv = synthetic_csv(&zips, config.services, &mut rng);
    let load_start = Instant::now();
    let dir = parse_directory("bench.csv", &csv, &zips);
    let directory_load = load_start.elapsed();
    drop(csv);
    let dir = dir.unwrap_or_default();
    let rss_after_kib = rss_kib();

    let distinct: Vec<String> = (0..config.services)
        .map(|i| {
            format!(
                "Mo-Fr {:02}:{:02}-17:00; Sa 10:00-14:{:02}",
                6 + i % 4,
                (i / 4) % 60,
                (i / 240) % 60
            )
        })
        .collect();
    let hours_start = Instant::now();
    for text in &distinct {
        std::hint::black_box(Hours::parse(text).is_ok());
    }
    let distinct_hours_parse = hours_start.elapsed();
    drop(distinct);

    let now = NaiveDate::from_ymd_opt(2026, 11, 25)
        .and_then(|d| d.and_hms_opt(14, 30, 0))
        .unwrap_or_default();
    let mut times = Vec::with_capacity(config.lookups);
    let mut within = 0usize;
    let entries = zips.entries();
    for _ in 0..config.lookups {
        if entries.is_empty() {
            break;
        }
        let z = entries[rng.below(entries.len())];
        let kind = match rng.below(4) {
            0 => None,
            _ => Some(Kind::ALL[rng.below(Kind::ALL.len())]),
        };
        let mut q = Query::new((f64::from(z.lat), f64::from(z.lon)), now);
        q.kind = kind;
        q.radius_km = config.radius_km;
        let start = Instant::now();
        let page = dir.find(&q);
        times.push(start.elapsed());
        within += page.total_within_radius;
        std::hint::black_box(page);
    }
    times.sort_unstable();
    let pct = |p: f64| {
        times
            .get(((times.len() as f64 * p) as usize).min(times.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    };
    BenchReport {
        config,
        services_loaded: dir.len(),
        zip_entries: zips.len(),
        zip_parse,
        directory_load,
        distinct_hours_parse,
        rss_before_kib,
        rss_after_kib,
        p50: pct(0.50),
        p99: pct(0.99),
        max: times.last().copied().unwrap_or_default(),
        mean_within_radius: within as f64 / times.len().max(1) as f64,
    }
}

/// Directory CSV text with `n` plausible services spread over the country's ZIP codes, the same
/// each time for one `seed` (`haven bench http` serves with such a directory).
pub fn synthetic_directory(n: usize, seed: u64) -> String {
    let zips = ZipTable::parse(EMBEDDED_CSV).unwrap_or_default();
    synthetic_csv(&zips, n, &mut Rng(seed))
}

/// Directory CSV text with `n` plausible services.
fn synthetic_csv(zips: &ZipTable, n: usize, rng: &mut Rng) -> String {
    const HOURS: [&str; 6] = [
        "Mo-Fr 09:00-17:00",
        "24/7",
        "",
        "Mo-Fr 08:00-12:00,13:00-18:00; Sa 10:00-14:00",
        "Fr-Sa 20:00-02:00; Su off",
        "Mo,We,Fr 10:00-16:00",
    ];
    let mut out = COLUMNS.join(",");
    out.push('\n');
    let entries = zips.entries();
    for i in 0..n {
        let Some(z) = (!entries.is_empty()).then(|| entries[rng.below(entries.len())]) else {
            break;
        };
        let mut kinds: Vec<&str> = Vec::new();
        for _ in 0..1 + rng.below(3) {
            let k = Kind::ALL[rng.below(Kind::ALL.len())].code();
            if !kinds.contains(&k) {
                kinds.push(k);
            }
        }
        let (lat, lon) = if rng.below(10) == 0 {
            (String::new(), String::new())
        } else {
            let jitter = |r: &mut Rng| (r.below(1000) as f64 - 500.0) / 10_000.0;
            let lat = (f64::from(z.lat) + jitter(rng)).clamp(-90.0, 90.0);
            let lon = (f64::from(z.lon) + jitter(rng)).clamp(-180.0, 180.0);
            (format!("{lat:.5}"), format!("{lon:.5}"))
        };
        out += &format!(
            "svc-{i},{},Service {i},{} Main St,Town {},NY,{:05},{lat},{lon},555-555-{:04},\"{}\",en;es,,bench,2026-11-01\n",
            kinds.join(";"),
            1 + rng.below(999),
            rng.below(500),
            z.zip,
            rng.below(10_000),
            HOURS[rng.below(HOURS.len())],
        );
    }
    out
}

/// Resident set size of this process in KiB.
fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// xorshift64*: enough randomness for spreading points, and no extra dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0.max(1);
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_run_produces_sane_figures() {
        let r = run_bench_with(BenchConfig {
            services: 2_000,
            lookups: 200,
            ..BenchConfig::default()
        });
        assert_eq!(r.services_loaded, 2_000);
        assert!(r.zip_entries > 41_000);
        assert!(r.p50 <= r.p99 && r.p99 <= r.max);
        assert!(r.mean_within_radius > 0.0);
        let shown = r.to_string();
        assert!(
            shown.contains("2000 services (2000 loaded), 200 lookups"),
            "{shown}"
        );
        if cfg!(target_os = "linux") {
            assert!(r.rss_after_kib.is_some());
        }
    }

    #[test]
    fn synthetic_directory_is_valid() {
        let zips = ZipTable::embedded();
        let csv = synthetic_csv(zips, 500, &mut Rng(7));
        let dir = parse_directory("bench.csv", &csv, zips).unwrap();
        assert_eq!(dir.len(), 500);
        assert!(dir.services().iter().any(|s| s.approximate));
        assert!(dir.services().iter().any(|s| !s.approximate));
    }
}
