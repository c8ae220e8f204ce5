//! Twilio webhook signatures (`X-Twilio-Signature`): checking Twilio's, and making our own for tests.
//!
//! The algorithm is the one Twilio documents and its SDKs implement (dependencies.md §1):
//! take the full URL Twilio called, scheme through query string; append every POST parameter as
//! name then value, sorted by name in byte order; HMAC-SHA1 it with the account's Auth Token;
//! base64-encode; compare with the header in constant time. Repeated names are kept and sorted
//! by value, and identical name/value pairs count once, as twilio-python does. Twilio's own
//! back end is not consistent about the default port, so, like the SDKs, a signature over the
//! URL with or without `:443` (https) or `:80` (http) is accepted.
//!
//! The URL must come from configuration (`HAVEN_PUBLIC_URL`), never from the request's Host
//! header: a forged Host would otherwise let an attacker choose what we hash. [`PublicBaseUrl`]
//! builds it from the configured base, the request path and the raw query string.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

/// The length of an HMAC-SHA1 tag. A header that decodes to anything else cannot match.
const TAG_LEN: usize = 20;

/// Why a webhook's signature was refused. None of these carry request data, so they are safe
/// to log; the server answers 403 to all of them without saying which.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// No Auth Token is configured. Checking against an empty key would let anyone forge
    /// requests, so this fails closed.
    #[error("no Twilio Auth Token configured")]
    NoAuthToken,
    #[error("missing X-Twilio-Signature header")]
    Missing,
    /// The header is not base64 of a 20-byte HMAC-SHA1 tag.
    #[error("malformed X-Twilio-Signature header")]
    Malformed,
    #[error("X-Twilio-Signature does not match")]
    Mismatch,
}

/// Checks Twilio's `X-Twilio-Signature` for a form-encoded POST.
///
/// `full_url` is the public URL Twilio called, including the query string (see
/// [`PublicBaseUrl::signed_url`]); `form_body` is the raw `application/x-www-form-urlencoded`
/// body; `header` is the header value, if any. The comparison is constant-time.
pub fn validate(
    auth_token: &str,
    full_url: &str,
    form_body: &[u8],
    header: Option<&str>,
) -> Result<(), SignatureError> {
    if auth_token.is_empty() {
        return Err(SignatureError::NoAuthToken);
    }
    let header = header
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .ok_or(SignatureError::Missing)?;
    let tag = STANDARD
        .decode(header)
        .map_err(|_| SignatureError::Malformed)?;
    if tag.len() != TAG_LEN {
        return Err(SignatureError::Malformed);
    }
    let params = sorted_params(form_body);
    // Both variants are always computed so the time taken does not depend on which one matched.
    let as_given = mac(auth_token, full_url, &params)
        .map(|m| m.verify_slice(&tag).is_ok())
        .unwrap_or(false);
    let other_port = default_port_variant(full_url)
        .and_then(|url| mac(auth_token, &url, &params))
        .map(|m| m.verify_slice(&tag).is_ok())
        .unwrap_or(false);
    if as_given | other_port {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

/// Computes the `X-Twilio-Signature` Twilio would send for this URL and form body.
///
/// Used by tests and by our Twilio stand-ins to sign the webhooks they send. It signs the URL
/// exactly as given; use the URL Twilio would be configured with.
pub fn sign(auth_token: &str, full_url: &str, form_body: &[u8]) -> Result<String, SignatureError> {
    if auth_token.is_empty() {
        return Err(SignatureError::NoAuthToken);
    }
    let params = sorted_params(form_body);
    let mac = mac(auth_token, full_url, &params).ok_or(SignatureError::NoAuthToken)?;
    Ok(STANDARD.encode(mac.finalize().into_bytes()))
}

/// Decodes the form and orders it the way Twilio's SDKs do: by name, then by value, both in byte
/// order (which for UTF-8 is code-point order, matching Python's string sort), without exact
/// duplicates.
fn sorted_params(form_body: &[u8]) -> Vec<(String, String)> {
    let mut params: Vec<(String, String)> =
        form_urlencoded::parse(form_body).into_owned().collect();
    params.sort();
    params.dedup();
    params
}

/// The keyed MAC over the URL and parameters, not yet finalised. HMAC takes keys of any length,
/// so `None` cannot happen in practice; callers treat it as a failed check rather than panic.
fn mac(auth_token: &str, url: &str, params: &[(String, String)]) -> Option<Hmac<Sha1>> {
    let mut mac = <Hmac<Sha1> as KeyInit>::new_from_slice(auth_token.as_bytes()).ok()?;
    mac.update(url.as_bytes());
    for (name, value) in params {
        mac.update(name.as_bytes());
        mac.update(value.as_bytes());
    }
    Some(mac)
}

/// The same URL with its default port toggled: `:443`/`:80` added when no port is written,
/// removed when the written port is the scheme's default. `None` when there is nothing to toggle
/// (another port, another scheme, or no authority).
///
/// This works on the string rather than through the `url` crate, because `url` normalises the
/// URL (it drops default ports, re-encodes characters), and the HMAC needs the exact bytes.
fn default_port_variant(url: &str) -> Option<String> {
    let scheme_end = url.find("://")?;
    let default_port = match &url[..scheme_end] {
        s if s.eq_ignore_ascii_case("https") => "443",
        s if s.eq_ignore_ascii_case("http") => "80",
        _ => return None,
    };
    let authority_start = scheme_end + 3;
    let rest = &url[authority_start..];
    let authority_end = authority_start + rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &url[authority_start..authority_end];
    // Skip any user:password@ so its colon is not taken for the port's.
    let host_start = authority.rfind('@').map_or(0, |at| at + 1);
    // An IPv6 literal has colons inside its brackets; the port's colon comes after `]`.
    let after_host = authority[host_start..]
        .rfind(']')
        .map_or(host_start, |b| host_start + b + 1);
    match authority[after_host..].rfind(':') {
        Some(colon) => {
            let colon = authority_start + after_host + colon;
            if &url[colon + 1..authority_end] == default_port {
                Some(format!("{}{}", &url[..colon], &url[authority_end..]))
            } else {
                None
            }
        }
        None => Some(format!(
            "{}:{}{}",
            &url[..authority_end],
            default_port,
            &url[authority_end..]
        )),
    }
}

/// The public base URL Twilio calls us at (`HAVEN_PUBLIC_URL`), from which signed URLs are built.
///
/// It is the public URL of the server's root: a request the server sees as
/// `/sms/twilio?x=1` was called by Twilio as `{base}/sms/twilio?x=1`. The text is kept exactly
/// as configured (less a trailing `/`), because Twilio signs the URL as written in its console.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicBaseUrl(String);

/// Why a configured public base URL was refused. The server names the variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PublicUrlError {
    #[error("not a valid absolute URL")]
    Invalid,
    #[error("must start with https:// or http://")]
    Scheme,
    #[error("must not have a query string or fragment: the request's own query is appended")]
    QueryOrFragment,
}

impl PublicBaseUrl {
    pub fn parse(text: &str) -> Result<Self, PublicUrlError> {
        let text = text.trim();
        let parsed = url::Url::parse(text).map_err(|_| PublicUrlError::Invalid)?;
        if !matches!(parsed.scheme(), "https" | "http") {
            return Err(PublicUrlError::Scheme);
        }
        if parsed.host_str().is_none_or(str::is_empty) {
            return Err(PublicUrlError::Invalid);
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(PublicUrlError::QueryOrFragment);
        }
        Ok(PublicBaseUrl(text.trim_end_matches('/').to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The full URL to check a signature against: this base, the request path as the server saw
    /// it, and the raw (still percent-encoded) query string if there is one. Twilio signs the
    /// query exactly as it sent it, so it must not be decoded or re-encoded here.
    pub fn signed_url(&self, path: &str, query: Option<&str>) -> String {
        let mut url = self.0.clone();
        if !path.starts_with('/') {
            url.push('/');
        }
        url.push_str(path);
        if let Some(query) = query.filter(|q| !q.is_empty()) {
            url.push('?');
            url.push_str(query);
        }
        url
    }
}

impl std::fmt::Display for PublicBaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "12345";
    const URL: &str = "https://mycompany.com/myapp.php?foo=1&bar=2";

    /// Twilio's documented example parameters, form-encoded (`+` is `%2B`).
    fn body(caller: &str) -> Vec<u8> {
        form_urlencoded::Serializer::new(String::new())
            .append_pair("CallSid", "CA1234567890ABCDE")
            .append_pair("Caller", caller)
            .append_pair("Digits", "1234")
            .append_pair("From", caller)
            .append_pair("To", "+18005551212")
            .finish()
            .into_bytes()
    }

    #[test]
    fn sdk_vector_validates() {
        let body = body("+14158675309");
        assert_eq!(
            sign(TOKEN, URL, &body).unwrap(),
            "RSOYDt4T1cUTdK1PDd93/VVr8B8="
        );
        assert_eq!(
            validate(TOKEN, URL, &body, Some("RSOYDt4T1cUTdK1PDd93/VVr8B8=")),
            Ok(())
        );
    }

    #[test]
    fn default_port_vector_validates_either_way() {
        let body = body("+14158675309");
        let with_port = "https://mycompany.com:443/myapp.php?foo=1&bar=2";
        assert_eq!(
            sign(TOKEN, with_port, &body).unwrap(),
            "kvajT1Ptam85bY51eRf/AJRuM3w="
        );
        // Twilio signed with the port; we were configured without it, and the reverse.
        assert_eq!(
            validate(TOKEN, URL, &body, Some("kvajT1Ptam85bY51eRf/AJRuM3w=")),
            Ok(())
        );
        assert_eq!(
            validate(
                TOKEN,
                with_port,
                &body,
                Some("RSOYDt4T1cUTdK1PDd93/VVr8B8=")
            ),
            Ok(())
        );
        assert_eq!(
            validate(
                TOKEN,
                with_port,
                &body,
                Some("kvajT1Ptam85bY51eRf/AJRuM3w=")
            ),
            Ok(())
        );
    }

    #[test]
    fn older_docs_vector_validates() {
        let body = body("+12349013030");
        assert_eq!(
            sign(TOKEN, URL, &body).unwrap(),
            "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
        );
        assert_eq!(
            validate(TOKEN, URL, &body, Some("0/KCTR6DLpKmkAf8muzZqo1nDgQ=")),
            Ok(())
        );
    }

    #[test]
    fn parameter_order_in_the_body_does_not_matter() {
        let body = b"To=%2B18005551212&From=%2B14158675309&Digits=1234&Caller=%2B14158675309&CallSid=CA1234567890ABCDE";
        assert_eq!(
            validate(TOKEN, URL, body, Some("RSOYDt4T1cUTdK1PDd93/VVr8B8=")),
            Ok(())
        );
    }

    #[test]
    fn wrong_token_is_refused() {
        let body = body("+14158675309");
        assert_eq!(
            validate("54321", URL, &body, Some("RSOYDt4T1cUTdK1PDd93/VVr8B8=")),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn tampered_param_is_refused() {
        let body = String::from_utf8(body("+14158675309"))
            .unwrap()
            .replace("Digits=1234", "Digits=1235");
        assert_eq!(
            validate(
                TOKEN,
                URL,
                body.as_bytes(),
                Some("RSOYDt4T1cUTdK1PDd93/VVr8B8=")
            ),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn added_param_is_refused() {
        let mut body = body("+14158675309");
        body.extend_from_slice(b"&Body=hi");
        assert_eq!(
            validate(TOKEN, URL, &body, Some("RSOYDt4T1cUTdK1PDd93/VVr8B8=")),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn tampered_query_is_refused() {
        let body = body("+14158675309");
        let url = "https://mycompany.com/myapp.php?foo=1&bar=3";
        assert_eq!(
            validate(TOKEN, url, &body, Some("RSOYDt4T1cUTdK1PDd93/VVr8B8=")),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn missing_header_is_refused() {
        let body = body("+14158675309");
        assert_eq!(
            validate(TOKEN, URL, &body, None),
            Err(SignatureError::Missing)
        );
        assert_eq!(
            validate(TOKEN, URL, &body, Some("  ")),
            Err(SignatureError::Missing)
        );
    }

    #[test]
    fn garbage_header_is_malformed() {
        let body = body("+14158675309");
        for garbage in ["not base64!!", "RSOYDt4T1cUTdK1PDd93/VVr8B8", "AAAA", "é"] {
            assert_eq!(
                validate(TOKEN, URL, &body, Some(garbage)),
                Err(SignatureError::Malformed),
                "{garbage}"
            );
        }
    }

    #[test]
    fn empty_token_fails_closed() {
        let body = body("+14158675309");
        let forged = sign("x", URL, &body).unwrap();
        assert_eq!(
            validate("", URL, &body, Some(&forged)),
            Err(SignatureError::NoAuthToken)
        );
        assert_eq!(sign("", URL, &body), Err(SignatureError::NoAuthToken));
    }

    #[test]
    fn repeated_names_are_kept_and_exact_duplicates_count_once() {
        let url = "https://example.org/sms";
        let sig = sign(TOKEN, url, b"A=2&A=1&B=x").unwrap();
        // Order of repeated values does not matter, and an exact duplicate adds nothing...
        assert_eq!(validate(TOKEN, url, b"A=1&B=x&A=2&A=1", Some(&sig)), Ok(()));
        // ...but dropping one of the values does.
        assert_eq!(
            validate(TOKEN, url, b"A=1&B=x", Some(&sig)),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn names_sort_in_byte_order() {
        // Uppercase sorts before lowercase in byte order ("Unix-style case-sensitive").
        let url = "https://example.org/sms";
        let mut expected = <Hmac<Sha1> as KeyInit>::new_from_slice(TOKEN.as_bytes()).unwrap();
        expected.update(b"https://example.org/smsZ1a2");
        let expected = STANDARD.encode(expected.finalize().into_bytes());
        assert_eq!(sign(TOKEN, url, b"a=2&Z=1").unwrap(), expected);
    }

    #[test]
    fn port_variants() {
        let v = default_port_variant;
        assert_eq!(v("https://a.b/x").as_deref(), Some("https://a.b:443/x"));
        assert_eq!(v("https://a.b:443/x").as_deref(), Some("https://a.b/x"));
        assert_eq!(v("http://a.b?q=1").as_deref(), Some("http://a.b:80?q=1"));
        assert_eq!(v("http://a.b:80").as_deref(), Some("http://a.b"));
        assert_eq!(v("https://a.b:8443/x"), None);
        assert_eq!(v("https://a.b:80/x"), None);
        assert_eq!(
            v("https://u:p@a.b/x").as_deref(),
            Some("https://u:p@a.b:443/x")
        );
        assert_eq!(v("https://[::1]/x").as_deref(), Some("https://[::1]:443/x"));
        assert_eq!(v("https://[::1]:443/x").as_deref(), Some("https://[::1]/x"));
        assert_eq!(v("ftp://a.b/x"), None);
        assert_eq!(v("no scheme"), None);
        assert_eq!(v("https://"), Some("https://:443".to_owned()));
    }

    #[test]
    fn public_base_url_builds_the_signed_url() {
        let base = PublicBaseUrl::parse("https://mycompany.com/").unwrap();
        assert_eq!(base.signed_url("/myapp.php", Some("foo=1&bar=2")), URL);
        assert_eq!(
            base.signed_url("/sms/twilio", None),
            "https://mycompany.com/sms/twilio"
        );
        assert_eq!(
            base.signed_url("/sms/twilio", Some("")),
            "https://mycompany.com/sms/twilio"
        );
        let prefixed = PublicBaseUrl::parse(" https://example.org:8443/haven ").unwrap();
        assert_eq!(
            prefixed.signed_url("sms/twilio", Some("a=%20b")),
            "https://example.org:8443/haven/sms/twilio?a=%20b"
        );
        // The signed URL from the base validates the SDK vector end to end.
        let body = body("+14158675309");
        let url = base.signed_url("/myapp.php", Some("foo=1&bar=2"));
        assert_eq!(
            validate(TOKEN, &url, &body, Some("RSOYDt4T1cUTdK1PDd93/VVr8B8=")),
            Ok(())
        );
    }

    #[test]
    fn public_base_url_refuses_bad_config() {
        assert_eq!(
            PublicBaseUrl::parse("mycompany.com"),
            Err(PublicUrlError::Invalid)
        );
        assert_eq!(
            PublicBaseUrl::parse("ftp://mycompany.com"),
            Err(PublicUrlError::Scheme)
        );
        assert_eq!(
            PublicBaseUrl::parse("https://mycompany.com/?x=1"),
            Err(PublicUrlError::QueryOrFragment)
        );
        assert_eq!(
            PublicBaseUrl::parse("https://mycompany.com/#top"),
            Err(PublicUrlError::QueryOrFragment)
        );
        assert_eq!(PublicBaseUrl::parse(""), Err(PublicUrlError::Invalid));
    }

    #[test]
    fn odd_input_never_panics() {
        for url in [
            "",
            "://",
            "https://]:",
            "https://@:",
            "http://[",
            "https://a:b:c@d:e",
        ] {
            let _ = default_port_variant(url);
            let _ = validate(
                TOKEN,
                url,
                b"%%%&&==\xff",
                Some("RSOYDt4T1cUTdK1PDd93/VVr8B8="),
            );
        }
    }
}
