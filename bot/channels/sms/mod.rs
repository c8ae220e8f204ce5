//! SMS over Twilio: webhook signatures, TwiML replies, inbound forms and the REST client.

pub mod client;
pub mod inbound;
pub mod signature;
pub mod twiml;
