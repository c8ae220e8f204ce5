//! Finding the nearest services: a query (where, what kind, how far, which page, what time) and
//! the page of hits it returns.
//!
//! The search is a linear scan over 16-byte index entries (a unit vector and a kind bit mask):
//! the straight-line distance between unit vectors ranks points exactly like great-circle
//! distance, so no trigonometry runs inside the loop. With 50,000 services this takes well under
//! a millisecond (see `bench.rs`), which is why there is no spatial tree. The services inside
//! the radius then get an exact great-circle distance, and only the hits on the requested page
//! are copied out and get an opening-hours status.

use chrono::NaiveDateTime;

use super::directory::{Directory, Kind, Service, unit_vector};
use super::hours::Status;

/// Mean Earth radius in kilometres (IUGG).
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// The default search radius: about 25 miles, a reasonable trip to pick up naloxone.
pub const DEFAULT_RADIUS_KM: f64 = 40.0;

/// The default page size: three results fit in two SMS segments.
pub const DEFAULT_LIMIT: usize = 3;

/// What to look for. Its `Debug` output hides `at`, the person's location.
#[derive(Clone, Copy, PartialEq)]
pub struct Query {
    /// Only services offering this kind; `None` for any.
    pub kind: Option<Kind>,
    /// Where the person is: latitude, longitude in degrees.
    pub at: (f64, f64),
    pub radius_km: f64,
    /// How many of the nearest to skip (paging: 0, 3, 6, ...).
    pub offset: usize,
    pub limit: usize,
    /// The local wall-clock time in the directory's time zone (see `hours::wall_clock`).
    pub now: NaiveDateTime,
    /// Only services whose hours say they are open at `now` (unknown hours are left out).
    pub open_now: bool,
}

impl std::fmt::Debug for Query {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Query")
            .field("kind", &self.kind)
            .field("at", &format_args!("<private>"))
            .field("radius_km", &self.radius_km)
            .field("offset", &self.offset)
            .field("limit", &self.limit)
            .field("now", &self.now)
            .field("open_now", &self.open_now)
            .finish()
    }
}

impl Query {
    /// The first page of any kind within the default radius.
    pub fn new(at: (f64, f64), now: NaiveDateTime) -> Query {
        Query {
            kind: None,
            at,
            radius_km: DEFAULT_RADIUS_KM,
            offset: 0,
            limit: DEFAULT_LIMIT,
            now,
            open_now: false,
        }
    }
}

/// One service found, with what a reply says about it.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    pub service: Service,
    /// Great-circle distance from the query point.
    pub distance_km: f64,
    /// True when the service's location is its ZIP centroid, so the distance is rough.
    pub approximate: bool,
    pub status: Status,
}

/// One page of results, with the query it answers (rendering needs the kind, the radius and
/// the time).
#[derive(Clone, Debug, PartialEq)]
pub struct Page {
    pub hits: Vec<Hit>,
    /// How many services of the kind are within the radius, on all pages.
    pub total_within_radius: usize,
    pub query: Query,
}

impl Page {
    /// True when later pages have more hits.
    pub fn has_more(&self) -> bool {
        self.query.offset.saturating_add(self.hits.len()) < self.total_within_radius
    }
}

impl Directory {
    /// The services of `query.kind` within `query.radius_km` of `query.at`, nearest first (ties
    /// in file order), paged by `offset` and `limit`. A point or radius that is not a finite
    /// number finds nothing.
    pub fn find(&self, query: &Query) -> Page {
        let (lat, lon) = query.at;
        let valid = lat.is_finite()
            && lon.is_finite()
            && (-90.0..=90.0).contains(&lat)
            && (-180.0..=180.0).contains(&lon)
            && query.radius_km.is_finite()
            && query.radius_km >= 0.0;
        if !valid {
            return Page {
                hits: Vec::new(),
                total_within_radius: 0,
                query: *query,
            };
        }
        let q = unit_vector(lat, lon);
        let qf = [q[0] as f32, q[1] as f32, q[2] as f32];
        // Chord length for the radius; beyond half the globe every point is inside.
        let angle = (query.radius_km / EARTH_RADIUS_KM).min(std::f64::consts::PI);
        let chord = 2.0 * (angle / 2.0).sin();
        // A hair of slack so f32 rounding never drops a point right at the edge; the exact
        // distance below decides.
        let max_sq = (chord * chord * (1.0 + 1e-5) + 1e-9) as f32;
        let mask = query.kind.map_or(u16::MAX, Kind::bit);

        let mut candidates: Vec<(f32, u32)> = Vec::new();
        for (i, e) in self.index().iter().enumerate() {
            if e.mask & mask == 0 {
                continue;
            }
            let dx = e.v[0] - qf[0];
            let dy = e.v[1] - qf[1];
            let dz = e.v[2] - qf[2];
            let d = dx * dx + dy * dy + dz * dz;
            if d <= max_sq {
                candidates.push((d, i as u32));
            }
        }
        // Exact great-circle distances decide membership at the edge of the radius.
        let services = self.services();
        let mut candidates: Vec<(f64, u32)> = candidates
            .into_iter()
            .map(|(_, i)| {
                let s = &services[i as usize];
                (distance_km(lat, lon, s.lat, s.lon), i)
            })
            .filter(|(d, _)| *d <= query.radius_km)
            .filter(|(_, i)| {
                !query.open_now
                    || services[*i as usize]
                        .hours
                        .as_ref()
                        .is_some_and(|h| h.status_at(query.now).is_open())
            })
            .collect();
        let total = candidates.len();
        let end = query.offset.saturating_add(query.limit).min(total);
        let by_distance = |a: &(f64, u32), b: &(f64, u32)| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1));
        // Only the first `end` in order matter: select them in linear time, then sort those.
        if end == 0 {
            candidates.clear();
        } else if end < total {
            candidates.select_nth_unstable_by(end - 1, by_distance);
            candidates.truncate(end);
        }
        candidates.sort_unstable_by(by_distance);
        let hits = candidates
            .get(query.offset.min(end)..end)
            .unwrap_or_default()
            .iter()
            .map(|&(distance_km, i)| {
                let service = services[i as usize].clone();
                let status = service
                    .hours
                    .as_ref()
                    .map_or(Status::Unknown, |h| h.status_at(query.now));
                Hit {
                    approximate: service.approximate,
                    service,
                    distance_km,
                    status,
                }
            })
            .collect();
        Page {
            hits,
            total_within_radius: total,
            query: *query,
        }
    }
}

/// Great-circle distance in kilometres (haversine).
pub fn distance_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * a.sqrt().min(1.0).asin()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::referrals::import::parse_directory;
    use crate::referrals::zip::ZipTable;
    use chrono::NaiveDate;

    fn monday_noon() -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, 23)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap()
    }

    /// Services along a line of latitude, 1 km apart-ish, named by their order from (40, -74).
    fn line_directory() -> Directory {
        let mut csv = String::from(
            "id,kinds,name,address,city,state,zip,lat,lon,phone,hours,languages,notes,source,last_verified\n",
        );
        // Written out of order so sorting is really exercised.
        for (id, kinds, dlon) in [
            ("d", "syringe", 0.04),
            ("a", "naloxone", 0.001),
            ("c", "naloxone;syringe", 0.03),
            ("b", "testing", 0.02),
            ("far", "naloxone", 1.0),
            ("e", "naloxone", 0.05),
        ] {
            csv += &format!(
                "{id},{kinds},{id},,,,,40,{},,Mo-Fr 09:00-17:00,,,,\n",
                -74.0 + dlon
            );
        }
        parse_directory("t.csv", &csv, ZipTable::embedded()).unwrap()
    }

    fn ids(page: &Page) -> Vec<&str> {
        page.hits.iter().map(|h| h.service.id.as_str()).collect()
    }

    #[test]
    fn nearest_first_within_radius_with_paging() {
        let d = line_directory();
        let mut q = Query::new((40.0, -74.0), monday_noon());
        q.radius_km = 10.0;
        let p = d.find(&q);
        assert_eq!(ids(&p), ["a", "b", "c"]);
        assert_eq!(p.total_within_radius, 5);
        assert!(p.has_more());
        assert!(
            (p.hits[0].distance_km - 0.0852).abs() < 1e-3,
            "{}",
            p.hits[0].distance_km
        );
        assert!(matches!(p.hits[0].status, Status::OpenNow { .. }));
        q.offset = 3;
        let p = d.find(&q);
        assert_eq!(ids(&p), ["d", "e"]);
        assert!(!p.has_more());
        q.offset = 5;
        let p = d.find(&q);
        assert!(p.hits.is_empty());
        assert_eq!(p.total_within_radius, 5);
        q.offset = usize::MAX;
        assert!(d.find(&q).hits.is_empty());
    }

    #[test]
    fn kind_filter_and_radius_edge() {
        let d = line_directory();
        let mut q = Query::new((40.0, -74.0), monday_noon());
        q.kind = Some(Kind::Naloxone);
        q.radius_km = 100.0;
        q.limit = 10;
        assert_eq!(ids(&d.find(&q)), ["a", "c", "e", "far"]);
        // The radius is inclusive of a service exactly at its edge and excludes just past it.
        let far = distance_km(40.0, -74.0, 40.0, -73.0);
        q.radius_km = far;
        assert_eq!(d.find(&q).total_within_radius, 4);
        q.radius_km = far - 0.01;
        assert_eq!(d.find(&q).total_within_radius, 3);
        q.kind = Some(Kind::Methadone);
        assert_eq!(d.find(&q).total_within_radius, 0);
    }

    #[test]
    fn nonsense_queries_find_nothing() {
        let d = line_directory();
        for at in [(f64::NAN, 0.0), (91.0, 0.0), (0.0, f64::INFINITY)] {
            assert_eq!(
                d.find(&Query::new(at, monday_noon())).total_within_radius,
                0
            );
        }
        let mut q = Query::new((40.0, -74.0), monday_noon());
        q.radius_km = -1.0;
        assert_eq!(d.find(&q).total_within_radius, 0);
        q.radius_km = 1e9;
        q.limit = 0;
        let p = d.find(&q);
        assert_eq!((p.hits.len(), p.total_within_radius), (0, 6));
        assert!(
            Directory::empty()
                .find(&Query::new((40.0, -74.0), monday_noon()))
                .hits
                .is_empty()
        );
    }

    #[test]
    fn debug_output_hides_the_location() {
        let q = Query::new((40.7484, -73.9967), monday_noon());
        let shown = format!("{:?}", line_directory().find(&q));
        assert!(
            !shown.contains("40.7484") && !shown.contains("73.9967"),
            "{shown}"
        );
        assert!(shown.contains("at: <private>"));
    }

    #[test]
    fn haversine_known_distance() {
        // JFK to LAX is about 3,974 km.
        let d = distance_km(40.6413, -73.7781, 33.9416, -118.4085);
        assert!((d - 3974.0).abs() < 5.0, "{d}");
        assert_eq!(distance_km(1.0, 2.0, 1.0, 2.0), 0.0);
    }
}
