//! haven: an anonymous harm-reduction support bot. See ARCHITECTURE.md for the map.

pub mod lang;
pub mod referrals;
pub mod text;

pub use lang::Lang;
