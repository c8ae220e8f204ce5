//! The Twilio REST client against a stand-in of Twilio's API over real HTTP on loopback.

mod support;

use std::time::Duration;

use haven::channels::sms::{MAX_BODY_LEN, MessageStatus, SendError, Sender, TwilioClient};
use support::twilio_fake::{FakeTwilio, Reply};

const OUR_NUMBER: &str = "+18005551212";
const PERSON: &str = "+14158675309";
const MESSAGING_SERVICE: &str = "MG0123456789abcdef0123456789abcdef";

fn client(fake: &FakeTwilio) -> TwilioClient {
    TwilioClient::new(
        &fake.url,
        &fake.account_sid,
        &fake.auth_token,
        Sender::From(OUR_NUMBER.into()),
    )
    .expect("client for the stand-in")
}

/// No error text may carry the person's number.
fn assert_no_number(e: &SendError) {
    let text = format!("{e} {e:?}");
    assert!(!text.contains("4158675309"), "{text}");
}

#[tokio::test]
async fn created_returns_sid_and_status() {
    let fake = FakeTwilio::start().await;
    let sent = client(&fake)
        .send(PERSON, "Fentanyl & naloxone: <1 min> \"now\" ¿sí? 💊")
        .await
        .expect("201");
    assert_eq!(sent.status, MessageStatus::Queued);
    let received = fake.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].sid, sent.sid);
    assert_eq!(received[0].to, PERSON);
    assert_eq!(received[0].from.as_deref(), Some(OUR_NUMBER));
    assert_eq!(received[0].messaging_service_sid, None);
    assert_eq!(
        received[0].body,
        "Fentanyl & naloxone: <1 min> \"now\" ¿sí? 💊"
    );
}

#[tokio::test]
async fn messaging_service_sends_its_sid_instead_of_from() {
    let fake = FakeTwilio::start().await;
    let client = TwilioClient::new(
        &fake.url,
        &fake.account_sid,
        &fake.auth_token,
        Sender::MessagingService(MESSAGING_SERVICE.into()),
    )
    .unwrap();
    let sent = client.send(PERSON, "hi").await.expect("201");
    assert_eq!(sent.status, MessageStatus::Accepted);
    let received = fake.received();
    assert_eq!(received[0].from, None);
    assert_eq!(
        received[0].messaging_service_sid.as_deref(),
        Some(MESSAGING_SERVICE)
    );
}

#[tokio::test]
async fn server_error_then_retry_by_the_caller_delivers_once() {
    let fake = FakeTwilio::start().await;
    fake.script([Reply::server_error(), Reply::Created]);
    let client = client(&fake);

    let first = client.send(PERSON, "Call 911 now.").await.unwrap_err();
    assert!(matches!(
        first,
        SendError::Server {
            status: 500,
            code: Some(20500)
        }
    ));
    assert!(first.is_retryable());
    assert_no_number(&first);
    assert!(fake.received().is_empty());

    client
        .send(PERSON, "Call 911 now.")
        .await
        .expect("retry succeeds");
    assert_eq!(fake.requests(), 2);
    assert_eq!(fake.received().len(), 1);
}

#[tokio::test]
async fn rate_limited_is_retryable() {
    let fake = FakeTwilio::start().await;
    fake.script([Reply::too_many_requests()]);
    let e = client(&fake).send(PERSON, "hi").await.unwrap_err();
    assert!(matches!(
        e,
        SendError::RateLimited {
            code: Some(20429),
            ..
        }
    ));
    assert!(e.is_retryable());
    assert_eq!(e.twilio_code(), Some(20429));
    assert!(fake.received().is_empty());
}

#[tokio::test]
async fn carrier_opt_out_is_permanent() {
    let fake = FakeTwilio::start().await;
    fake.script([Reply::opted_out()]);
    let e = client(&fake).send(PERSON, "hi").await.unwrap_err();
    assert!(matches!(e, SendError::OptedOut));
    assert!(!e.is_retryable());
    assert_eq!(e.twilio_code(), Some(21610));
    assert_no_number(&e);
}

#[tokio::test]
async fn invalid_number_from_twilio_is_permanent() {
    let fake = FakeTwilio::start().await;
    fake.script([Reply::invalid_to()]);
    let e = client(&fake).send(PERSON, "hi").await.unwrap_err();
    assert!(matches!(e, SendError::InvalidNumber { code: Some(21211) }));
    assert!(!e.is_retryable());
    assert_eq!(e.to_string(), "invalid To number, Twilio error 21211");
}

#[tokio::test]
async fn wrong_credentials_are_unauthorized() {
    let fake = FakeTwilio::start().await;
    let client = TwilioClient::new(
        &fake.url,
        &fake.account_sid,
        "not-the-token",
        Sender::From(OUR_NUMBER.into()),
    )
    .unwrap();
    let e = client.send(PERSON, "hi").await.unwrap_err();
    assert!(matches!(
        e,
        SendError::Unauthorized {
            status: 401,
            code: Some(20003)
        }
    ));
    assert!(!e.is_retryable());
    assert!(!format!("{e:?}").contains("not-the-token"));
    assert_eq!(fake.requests(), 1);
    assert!(fake.received().is_empty());
}

#[tokio::test]
async fn connection_refused_is_retryable() {
    // Take a free port and close it again, so nothing listens there.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let client = TwilioClient::new(
        &format!("http://{addr}"),
        support::twilio_fake::ACCOUNT_SID,
        "token",
        Sender::From(OUR_NUMBER.into()),
    )
    .unwrap();
    let e = client.send(PERSON, "hi").await.unwrap_err();
    assert!(matches!(e, SendError::Network(_)), "{e:?}");
    assert!(e.is_retryable());
    assert_no_number(&e);
    // The URL (with the Account SID) was stripped from the error.
    assert!(!format!("{e:?}").contains("Accounts"), "{e:?}");
}

#[tokio::test]
async fn slow_twilio_times_out_and_is_retryable() {
    let fake = FakeTwilio::start().await;
    fake.script([Reply::Delay(Duration::from_secs(5))]);
    let client = client(&fake).with_timeout(Duration::from_millis(200));
    let e = client.send(PERSON, "hi").await.unwrap_err();
    assert!(
        matches!(&e, SendError::Network(inner) if inner.is_timeout()),
        "{e:?}"
    );
    assert!(e.is_retryable());
    assert_eq!(e.to_string(), "could not reach Twilio (timed out)");
}

#[tokio::test]
async fn oversize_body_is_refused_before_sending() {
    let fake = FakeTwilio::start().await;
    let client = client(&fake);
    let e = client
        .send(PERSON, &"a".repeat(MAX_BODY_LEN + 1))
        .await
        .unwrap_err();
    assert!(matches!(e, SendError::BodyTooLong { len: 1601 }));
    assert!(!e.is_retryable());
    assert_eq!(fake.requests(), 0);

    client
        .send(PERSON, &"a".repeat(MAX_BODY_LEN))
        .await
        .expect("exactly 1,600 is allowed");
    assert_eq!(fake.received().len(), 1);
}

#[tokio::test]
async fn bad_number_is_refused_before_sending() {
    let fake = FakeTwilio::start().await;
    let e = client(&fake)
        .send("whatsapp:+14158675309", "hi")
        .await
        .unwrap_err();
    assert!(matches!(e, SendError::InvalidNumber { code: None }));
    assert_no_number(&e);
    assert_eq!(fake.requests(), 0);
}
