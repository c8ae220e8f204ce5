//! SMS over Twilio: webhook signatures, TwiML replies, inbound forms and the REST client.

pub mod signature;
