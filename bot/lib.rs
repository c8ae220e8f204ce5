//! haven: an anonymous harm-reduction support bot. See ARCHITECTURE.md for the map.

pub mod channels;
pub mod lang;
pub mod text;

pub use lang::Lang;
