//! haven: an anonymous harm-reduction support bot. See ARCHITECTURE.md for the map.

pub mod text;
