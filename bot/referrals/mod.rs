//! Referrals: the nearest naloxone, syringe services, treatment and other services from the
//! operator's own directory, for a person who sends a ZIP code, a location or a neighbourhood.
//!
//! # How the pieces fit
//!
//! ```text
//!  operator CSV ──import()──▶ <data_dir>/directory.csv ──DirectoryHandle──▶ Arc<Directory>
//!                 (validate all rows,            (reload_if_changed picks up
//!                  atomic replace)                 a re-import; a broken file
//!                                                  leaves the old one in use)
//!
//!  "im in 10001" ──Locator::locate──▶ Located ─┐
//!  Telegram pin ──Locator::locate_point──▶     ├─▶ Directory::find(&Query) ─▶ Page ─▶ render() ─▶ replies
//!  "harlm" (configured places, typo-tolerant) ─┘        (kind, radius, page, local time)
//! ```
//!
//! - `zip`: the embedded US ZIP-centroid table (no download at run time; sources and the
//!   attribution they require are in `bot/referrals/ZIP_DATA_LICENSE.md`).
//! - `hours`: the supported subset of OpenStreetMap `opening_hours`, and open-now status.
//! - `import`, `directory`: the CSV format, validation, atomic import, the reloadable handle.
//! - `locate`: ZIP, coordinates or an operator-listed place name → a point.
//! - `find`: nearest first within a radius, filtered by kind, paged.
//! - `render`: SMS and rich replies, every word from `locales/<lang>/referrals.ftl`.
//! - `config`: the `[referrals]` TOML section (radius, time zone, units, places).
//! - `cli`, `bench`: `haven services import|find` and `haven bench referrals`.
//!
//! # The directory CSV
//!
//! UTF-8, comma-separated, RFC 4180 quoting (a quoted field may hold commas, `""` and line
//! breaks). The first line names the columns, in any order; all of these must be there:
//!
//! | column | content |
//! |---|---|
//! | `id` | required, unique |
//! | `kinds` | required, `;`-separated: `naloxone`, `syringe`, `methadone`, `buprenorphine`, `treatment`, `testing` (HIV/HCV), `fentanyl-strips`, `overdose-prevention-center`, `drop-in` |
//! | `name` | required |
//! | `address`, `city` | optional, one line |
//! | `state` | optional, two letters |
//! | `zip` | 5 digits or ZIP+4; required when `lat`/`lon` are empty |
//! | `lat`, `lon` | decimal degrees, both or neither; empty → the ZIP centroid, shown as approximate |
//! | `phone` | optional, at least 7 digits |
//! | `hours` | OpenStreetMap `opening_hours` (subset, see `hours`), empty when unknown |
//! | `languages` | optional, `;`-separated codes such as `en;es` |
//! | `notes` | optional free text in English, may span lines (shown on Telegram and web) |
//! | `source`, `last_verified` | where the row came from; `YYYY-MM-DD` |
//!
//! One more column may be there, and need not: `notes_es`, the notes in Spanish (may span
//! lines; a row with Spanish notes needs English ones too). Spanish readers get them; where a
//! row has none, they get the English notes marked "(en inglés)". Place names people send
//! (`[referrals]` places) may have a Spanish form, `name_es`, shown to Spanish readers.
//!
//! Other columns are ignored. Every problem is reported as `FILE:line: column: message` with the
//! line an editor shows, and one problem rejects the whole file.
//!
//! # Privacy
//!
//! A person's ZIP, coordinates or place are never logged by this module, its errors never
//! repeat them, and `Located`'s `Debug` hides them. Callers keep them only in the session.

mod csv;

pub mod bench;
pub mod cli;
pub mod config;
pub mod directory;
pub mod find;
pub mod hours;
pub mod import;
pub mod locate;
pub mod render;
pub mod service;
pub mod zip;

pub use bench::{BenchReport, run_bench};
pub use cli::{FindCmd, find_cmd, import_cmd};
pub use config::{ConfigError, ReferralsConfig};
pub use directory::{Directory, DirectoryHandle, Kind, KindSet, Service};
pub use find::{Hit, Page, Query};
pub use hours::{Hours, HoursError, Status, wall_clock};
pub use import::{ImportError, ImportReport, Problem, import};
pub use locate::{LocateError, Located, Locator, Place, PlaceError, Places};
pub use render::{RenderOptions, Style, Texts, Units, render, render_locate_error, reply};
pub use service::Referrals;
pub use zip::{ZipError, ZipTable};
