//! Configuration: environment variables, or the same keys in a TOML file (`--config FILE`);
//! the environment wins. Every problem names the variable, and a bad configuration stops
//! startup rather than failing later in a conversation.
//!
//! ```toml
//! HAVEN_LISTEN = "127.0.0.1:8080"
//! HAVEN_PUBLIC_URL = "https://haven.example.org"
//! HAVEN_TWILIO_ACCOUNT_SID = "AC..."
//! HAVEN_TWILIO_AUTH_TOKEN = "..."
//! HAVEN_TWILIO_FROM = "+15555550100"
//! HAVEN_TELEGRAM_TOKEN = "123456:ABC..."
//!
//! [referrals]            # see referrals::config
//! time_zone = "America/New_York"
//!
//! [voice]                # see VoiceConfig
//! counselor_phones = ["+15555550111"]
//! ```
//! A channel without credentials is off; `/healthz` says which are on. With Twilio credentials,
//! SMS is on when a sender is set (`HAVEN_TWILIO_FROM` or a Messaging Service), WhatsApp when
//! `HAVEN_TWILIO_WHATSAPP_FROM` is set, and the voice line always.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::referrals::ReferralsConfig;
use crate::runtime::DEFAULT_SESSION_TTL_SECS;

/// Every variable haven reads, for the TOML file and for `deploy/haven.env.example`.
pub const KEYS: &[&str] = &[
    "HAVEN_LISTEN",
    "HAVEN_DATA",
    "HAVEN_SECRET",
    "HAVEN_PUBLIC_URL",
    "HAVEN_SESSION_TTL",
    "HAVEN_FLOWS",
    "HAVEN_LOCALES",
    "HAVEN_TWILIO_ACCOUNT_SID",
    "HAVEN_TWILIO_AUTH_TOKEN",
    "HAVEN_TWILIO_FROM",
    "HAVEN_TWILIO_MESSAGING_SERVICE_SID",
    "HAVEN_TWILIO_API_URL",
    "HAVEN_TWILIO_WHATSAPP_FROM",
    "HAVEN_TELEGRAM_TOKEN",
    "HAVEN_TELEGRAM_API_URL",
    "HAVEN_TELEGRAM_WEBHOOK_URL",
    "HAVEN_TELEGRAM_SECRET",
    "HAVEN_COUNSELOR_CHAT_ID",
    "HAVEN_RATE_LIMIT",
    "HAVEN_METRICS_TOKEN",
    "HAVEN_MAX_CONNECTIONS",
    "HAVEN_TRUSTED_PROXIES",
];

/// HTTP connections open at once unless `HAVEN_MAX_CONNECTIONS` says otherwise.
pub const DEFAULT_MAX_CONNECTIONS: usize = 1000;

/// The shortest secret haven accepts (`HAVEN_SECRET`, `HAVEN_TELEGRAM_SECRET`,
/// `HAVEN_METRICS_TOKEN`, `HAVEN_TWILIO_AUTH_TOKEN`), in characters: 32 random characters are
/// beyond guessing, and a shorter value is most likely a placeholder or a cut-off paste.
pub const MIN_SECRET_CHARS: usize = 32;

/// The refusal for a secret that is too short. It says how long the value is, never the value.
fn short_secret(key: &'static str, given: &str) -> ConfigError {
    invalid(
        key,
        format!(
            "is {} characters long; it must be at least {MIN_SECRET_CHARS}. Make a random one \
             with `openssl rand -hex 32`",
            given.chars().count()
        ),
    )
}

#[derive(Clone, Debug)]
pub struct Config {
    pub listen: SocketAddr,
    pub data: PathBuf,
    pub secret: Option<String>,
    /// The public base URL Twilio calls (signatures are checked against it).
    pub public_url: Option<String>,
    pub session_ttl_secs: i64,
    pub flows: PathBuf,
    pub locales: PathBuf,
    pub twilio: Option<TwilioConfig>,
    pub telegram: Option<TelegramConfig>,
    pub counselor_chat_id: Option<i64>,
    /// Messages one person may send per minute before haven stops answering for a while.
    pub rate_limit_per_minute: u32,
    pub referrals: ReferralsConfig,
    /// The `[counselors]` section, kept as TOML for the handoff module to read.
    pub counselors: toml::Table,
    /// The bearer token `/metrics` asks for; without one `/metrics` is off (404).
    pub metrics_token: Option<String>,
    /// HTTP connections open at once (`HAVEN_MAX_CONNECTIONS`); live streams get a share.
    pub max_connections: usize,
    /// Reverse proxies whose `X-Forwarded-For` is believed, besides this machine
    /// (`HAVEN_TRUSTED_PROXIES`, comma-separated addresses).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The `[voice]` section: the phone line's voices and who a caller is put through to.
    pub voice: VoiceConfig,
}

/// The `[voice]` section: how the phone line sounds and who a caller is put through to.
///
/// ```toml
/// [voice]
/// voice_en = "Polly.Joanna"          # Twilio <Say> voices, per language
/// voice_es = "Polly.Lupe"
/// counselor_phones = ["+15555550111", "+15555550112"]   # tried in order, during counselor hours
/// ring_seconds = 20                  # how long each one rings
/// lifeline = "+18002738255"          # where "press 1 for the 988 Lifeline" connects
/// caller_id = "+15555550100"         # what counselors see; default: the number the person called
/// listen_seconds = 8                 # silence before "I'm still here"
/// ```
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct VoiceConfig {
    pub voice_en: String,
    pub voice_es: String,
    /// Counselors' phones, E.164, tried one after another. Never logged.
    pub counselor_phones: Vec<String>,
    pub ring_seconds: u32,
    /// The 988 Lifeline's ten-digit number (a `<Dial>` to `988` itself is not possible from
    /// every Twilio number); it still reaches the Lifeline (988lifeline.org).
    pub lifeline: String,
    /// The number counselors see when a caller is put through; by default the number the
    /// person called (haven's own), never the caller's.
    pub caller_id: Option<String>,
    pub listen_seconds: u32,
}

impl Default for VoiceConfig {
    fn default() -> VoiceConfig {
        VoiceConfig {
            voice_en: "Polly.Joanna".into(),
            voice_es: "Polly.Lupe".into(),
            counselor_phones: Vec::new(),
            ring_seconds: 20,
            lifeline: "+18002738255".into(),
            caller_id: None,
            listen_seconds: 8,
        }
    }
}

impl VoiceConfig {
    /// Checks the numbers and times; every message names the `[voice]` key.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let e164 = |n: &str| {
            n.strip_prefix('+').is_some_and(|d| {
                (8..=15).contains(&d.len())
                    && d.bytes().all(|b| b.is_ascii_digit())
                    && !d.starts_with('0')
            })
        };
        for n in &self.counselor_phones {
            if !e164(n) {
                return Err(invalid(
                    "[voice] counselor_phones",
                    "every number must be E.164, like +15555550111",
                ));
            }
        }
        if !e164(&self.lifeline) {
            return Err(invalid(
                "[voice] lifeline",
                "must be E.164, like +18002738255",
            ));
        }
        if let Some(c) = &self.caller_id
            && !e164(c)
        {
            return Err(invalid(
                "[voice] caller_id",
                "must be E.164: one of your Twilio numbers",
            ));
        }
        if !(5..=60).contains(&self.ring_seconds) {
            return Err(invalid("[voice] ring_seconds", "must be 5 to 60"));
        }
        if !(3..=30).contains(&self.listen_seconds) {
            return Err(invalid("[voice] listen_seconds", "must be 3 to 30"));
        }
        for (key, v) in [
            ("[voice] voice_en", &self.voice_en),
            ("[voice] voice_es", &self.voice_es),
        ] {
            let ok = !v.is_empty()
                && v.len() <= 64
                && v.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
            if !ok {
                return Err(invalid(
                    key,
                    "must be a Twilio voice name, like Polly.Joanna",
                ));
            }
        }
        Ok(())
    }
}

#[derive(Clone, Debug)]
pub struct TwilioConfig {
    pub account_sid: String,
    pub auth_token: String,
    pub from: Option<String>,
    pub messaging_service_sid: Option<String>,
    /// Haven's WhatsApp sender (`whatsapp:+1...`); WhatsApp is on when set.
    pub whatsapp_from: Option<String>,
    pub api_url: String,
}

#[derive(Clone, Debug)]
pub struct TelegramConfig {
    pub token: String,
    pub api_url: String,
    /// Webhook mode when set: (public URL Telegram posts to, secret token).
    pub webhook: Option<(String, String)>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the configuration file {0}: {1}")]
    Read(String, std::io::Error),
    #[error("{file}: {message}")]
    Toml { file: String, message: String },
    #[error("{key}: {message}")]
    Invalid { key: &'static str, message: String },
    #[error(transparent)]
    Referrals(#[from] crate::referrals::ConfigError),
}

fn invalid(key: &'static str, message: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        key,
        message: message.into(),
    }
}

/// The file: `HAVEN_*` keys (checked against `KEYS` below, since serde cannot deny unknown
/// fields next to a flattened map) and the sections.
#[derive(Default, Deserialize)]
struct FileConfig {
    #[serde(flatten)]
    vars: BTreeMap<String, toml::Value>,
    #[serde(default)]
    referrals: Option<ReferralsConfig>,
    #[serde(default)]
    counselors: Option<toml::Table>,
    #[serde(default)]
    voice: Option<VoiceConfig>,
}

impl Config {
    /// Reads `file` (if any) and the process environment.
    pub fn load(file: Option<&Path>) -> Result<Config, ConfigError> {
        Config::load_with(file, &|k| std::env::var(k).ok())
    }

    /// Reads `file` (if any) and the variables `env` gives (tests pass their own).
    pub fn load_with(
        file: Option<&Path>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let parsed: FileConfig = match file {
            None => FileConfig::default(),
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| ConfigError::Read(path.display().to_string(), e))?;
                toml::from_str(&text).map_err(|e| ConfigError::Toml {
                    file: path.display().to_string(),
                    message: e.to_string().lines().collect::<Vec<_>>().join(" "),
                })?
            }
        };
        let mut from_file: BTreeMap<String, String> = BTreeMap::new();
        for (k, v) in parsed.vars {
            if !KEYS.contains(&k.as_str()) {
                return Err(ConfigError::Toml {
                    file: file.map(|p| p.display().to_string()).unwrap_or_default(),
                    message: format!("unknown key `{k}` (known: {})", KEYS.join(", ")),
                });
            }
            let s = match v {
                toml::Value::String(s) => s,
                toml::Value::Integer(i) => i.to_string(),
                toml::Value::Float(f) => f.to_string(),
                toml::Value::Boolean(b) => b.to_string(),
                other => {
                    return Err(ConfigError::Toml {
                        file: file.map(|p| p.display().to_string()).unwrap_or_default(),
                        message: format!(
                            "`{k}` must be a string or number, not {}",
                            other.type_str()
                        ),
                    });
                }
            };
            from_file.insert(k, s);
        }
        // Empty values count as unset, so `HAVEN_X=` in an env file turns a setting off.
        let get = |k: &str| {
            env(k)
                .or_else(|| from_file.get(k).cloned())
                .filter(|v| !v.trim().is_empty())
        };

        let listen = match get("HAVEN_LISTEN") {
            None => SocketAddr::from(([127, 0, 0, 1], 8080)),
            Some(v) => v.parse().map_err(|_| {
                invalid(
                    "HAVEN_LISTEN",
                    format!("`{v}` is not an address like 127.0.0.1:8080"),
                )
            })?,
        };
        let session_ttl_secs = match get("HAVEN_SESSION_TTL") {
            None => DEFAULT_SESSION_TTL_SECS,
            Some(v) => v
                .parse::<i64>()
                .ok()
                .or_else(|| crate::conversations::parse_duration(&v))
                .filter(|s| *s >= 60)
                .ok_or_else(|| {
                    invalid(
                        "HAVEN_SESSION_TTL",
                        format!("`{v}` is not a duration of a minute or more (86400, 24h, 90m)"),
                    )
                })?,
        };
        if let Some(s) = get("HAVEN_SECRET")
            && s.chars().count() < MIN_SECRET_CHARS
        {
            return Err(short_secret("HAVEN_SECRET", &s));
        }
        let public_url = get("HAVEN_PUBLIC_URL");
        if let Some(u) = &public_url {
            let parsed = url::Url::parse(u)
                .map_err(|e| invalid("HAVEN_PUBLIC_URL", format!("`{u}` is not a URL: {e}")))?;
            if !matches!(parsed.scheme(), "http" | "https") || parsed.query().is_some() {
                return Err(invalid(
                    "HAVEN_PUBLIC_URL",
                    "must be an http(s) base URL without a query, e.g. https://haven.example.org",
                ));
            }
        }

        let twilio = match (
            get("HAVEN_TWILIO_ACCOUNT_SID"),
            get("HAVEN_TWILIO_AUTH_TOKEN"),
        ) {
            (None, None) => None,
            (Some(_), None) => {
                return Err(invalid(
                    "HAVEN_TWILIO_AUTH_TOKEN",
                    "is required when HAVEN_TWILIO_ACCOUNT_SID is set",
                ));
            }
            (None, Some(_)) => {
                return Err(invalid(
                    "HAVEN_TWILIO_ACCOUNT_SID",
                    "is required when HAVEN_TWILIO_AUTH_TOKEN is set",
                ));
            }
            (Some(sid), Some(token)) => {
                if !(sid.len() == 34
                    && sid.starts_with("AC")
                    && sid[2..].chars().all(|c| c.is_ascii_hexdigit()))
                {
                    return Err(invalid(
                        "HAVEN_TWILIO_ACCOUNT_SID",
                        "must be AC followed by 32 hex digits",
                    ));
                }
                // Twilio's Auth Tokens are 32 characters: a shorter one was cut when pasted.
                if token.trim().chars().count() < MIN_SECRET_CHARS {
                    return Err(short_secret("HAVEN_TWILIO_AUTH_TOKEN", token.trim()));
                }
                let from = get("HAVEN_TWILIO_FROM");
                let messaging_service_sid = get("HAVEN_TWILIO_MESSAGING_SERVICE_SID");
                let whatsapp_from = match get("HAVEN_TWILIO_WHATSAPP_FROM") {
                    None => None,
                    Some(w) => {
                        // Twilio's console shows the sender as `whatsapp:+1...`; a bare number
                        // is taken too.
                        let number = w.trim().strip_prefix("whatsapp:").unwrap_or(w.trim());
                        let ok = number.strip_prefix('+').is_some_and(|d| {
                            (8..=15).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit())
                        });
                        if !ok {
                            return Err(invalid(
                                "HAVEN_TWILIO_WHATSAPP_FROM",
                                "must be a WhatsApp sender like whatsapp:+14155238886",
                            ));
                        }
                        Some(format!("whatsapp:{number}"))
                    }
                };
                if from.is_none() && messaging_service_sid.is_none() && whatsapp_from.is_none() {
                    return Err(invalid(
                        "HAVEN_TWILIO_FROM",
                        "or HAVEN_TWILIO_MESSAGING_SERVICE_SID is required to send SMS (or HAVEN_TWILIO_WHATSAPP_FROM for WhatsApp alone)",
                    ));
                }
                if public_url.is_none() {
                    return Err(invalid(
                        "HAVEN_PUBLIC_URL",
                        "is required with Twilio: webhook signatures are checked against it",
                    ));
                }
                Some(TwilioConfig {
                    account_sid: sid,
                    auth_token: token,
                    from,
                    messaging_service_sid,
                    whatsapp_from,
                    api_url: get("HAVEN_TWILIO_API_URL")
                        .unwrap_or_else(|| "https://api.twilio.com".into()),
                })
            }
        };

        let telegram = match get("HAVEN_TELEGRAM_TOKEN") {
            None => {
                for k in ["HAVEN_TELEGRAM_WEBHOOK_URL", "HAVEN_TELEGRAM_SECRET"] {
                    if get(k).is_some() {
                        return Err(invalid(
                            "HAVEN_TELEGRAM_TOKEN",
                            format!("is required when {k} is set"),
                        ));
                    }
                }
                None
            }
            Some(token) => {
                if !token.contains(':') {
                    return Err(invalid(
                        "HAVEN_TELEGRAM_TOKEN",
                        "does not look like a BotFather token (digits:letters)",
                    ));
                }
                let api_url = get("HAVEN_TELEGRAM_API_URL")
                    .unwrap_or_else(|| "https://api.telegram.org".into());
                url::Url::parse(&api_url)
                    .map_err(|e| invalid("HAVEN_TELEGRAM_API_URL", e.to_string()))?;
                let webhook = match (
                    get("HAVEN_TELEGRAM_WEBHOOK_URL"),
                    get("HAVEN_TELEGRAM_SECRET"),
                ) {
                    (None, None) => None,
                    (Some(_), None) => {
                        return Err(invalid(
                            "HAVEN_TELEGRAM_SECRET",
                            "is required in webhook mode (HAVEN_TELEGRAM_WEBHOOK_URL)",
                        ));
                    }
                    (None, Some(_)) => {
                        return Err(invalid(
                            "HAVEN_TELEGRAM_WEBHOOK_URL",
                            "is required when HAVEN_TELEGRAM_SECRET is set",
                        ));
                    }
                    (Some(u), Some(s)) => {
                        let ok = s.len() <= 256
                            && s.chars()
                                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                        if !ok {
                            return Err(invalid(
                                "HAVEN_TELEGRAM_SECRET",
                                "must be 32-256 characters of A-Z, a-z, 0-9, _ and -",
                            ));
                        }
                        // Telegram accepts a single character; anyone could guess that.
                        if s.len() < MIN_SECRET_CHARS {
                            return Err(short_secret("HAVEN_TELEGRAM_SECRET", &s));
                        }
                        let parsed = url::Url::parse(&u)
                            .map_err(|e| invalid("HAVEN_TELEGRAM_WEBHOOK_URL", e.to_string()))?;
                        if parsed.scheme() != "https" && !is_loopback(&parsed) {
                            return Err(invalid(
                                "HAVEN_TELEGRAM_WEBHOOK_URL",
                                "must be https (Telegram only calls https webhooks)",
                            ));
                        }
                        Some((u, s))
                    }
                };
                Some(TelegramConfig {
                    token,
                    api_url,
                    webhook,
                })
            }
        };
        let counselor_chat_id = match get("HAVEN_COUNSELOR_CHAT_ID") {
            None => None,
            Some(v) => Some(v.parse::<i64>().map_err(|_| {
                invalid(
                    "HAVEN_COUNSELOR_CHAT_ID",
                    "must be a Telegram chat id (a number, negative for groups)",
                )
            })?),
        };
        if counselor_chat_id.is_some() && telegram.is_none() {
            return Err(invalid(
                "HAVEN_COUNSELOR_CHAT_ID",
                "needs HAVEN_TELEGRAM_TOKEN: counselors work in a Telegram group",
            ));
        }
        let rate_limit_per_minute = match get("HAVEN_RATE_LIMIT") {
            None => 20,
            Some(v) => v.parse::<u32>().ok().filter(|n| *n >= 1).ok_or_else(|| {
                invalid(
                    "HAVEN_RATE_LIMIT",
                    "must be a number of messages per minute, 1 or more",
                )
            })?,
        };
        let metrics_token = get("HAVEN_METRICS_TOKEN");
        if let Some(t) = &metrics_token {
            // It travels in an `Authorization: Bearer` header: visible ASCII only.
            if !t.chars().all(|c| c.is_ascii_graphic()) {
                return Err(invalid(
                    "HAVEN_METRICS_TOKEN",
                    "must be letters, digits and punctuation, without spaces",
                ));
            }
            if t.chars().count() < MIN_SECRET_CHARS {
                return Err(short_secret("HAVEN_METRICS_TOKEN", t));
            }
        }
        let max_connections = match get("HAVEN_MAX_CONNECTIONS") {
            None => DEFAULT_MAX_CONNECTIONS,
            Some(v) => v
                .parse::<usize>()
                .ok()
                .filter(|n| (8..=1_000_000).contains(n))
                .ok_or_else(|| {
                    invalid(
                        "HAVEN_MAX_CONNECTIONS",
                        "must be a number of connections from 8 up (keep it below LimitNOFILE)",
                    )
                })?,
        };
        let trusted_proxies = match get("HAVEN_TRUSTED_PROXIES") {
            None => Vec::new(),
            Some(v) => v
                .split(',')
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(|a| {
                    a.parse::<std::net::IpAddr>().map_err(|_| {
                        invalid(
                            "HAVEN_TRUSTED_PROXIES",
                            format!("`{a}` is not an IP address (list the proxies' addresses, e.g. 172.17.0.1)"),
                        )
                    })
                })
                .collect::<Result<_, _>>()?,
        };
        let referrals = parsed.referrals.unwrap_or_default();
        referrals.validate()?;
        let voice = parsed.voice.unwrap_or_default();
        voice.validate()?;
        Ok(Config {
            listen,
            data: get("HAVEN_DATA").map_or_else(|| PathBuf::from("data"), PathBuf::from),
            secret: get("HAVEN_SECRET"),
            public_url,
            session_ttl_secs,
            flows: get("HAVEN_FLOWS").map_or_else(|| PathBuf::from("flows"), PathBuf::from),
            locales: get("HAVEN_LOCALES").map_or_else(|| PathBuf::from("locales"), PathBuf::from),
            twilio,
            telegram,
            counselor_chat_id,
            rate_limit_per_minute,
            referrals,
            counselors: parsed.counselors.unwrap_or_default(),
            metrics_token,
            max_connections,
            trusted_proxies,
            voice,
        })
    }
}

impl Config {
    /// Creates the data directory (and its parents) private to haven's user, mode 0700, or
    /// makes an existing one private. Everything under it is about people: sessions, sealed
    /// transcripts, the key that makes pseudonyms.
    pub fn create_data_dir(&self) -> Result<(), ConfigError> {
        let dir = &self.data;
        let failed = |e: std::io::Error| {
            invalid(
                "HAVEN_DATA",
                format!("cannot create the data directory {}: {e}", dir.display()),
            )
        };
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
            builder.mode(0o700);
            builder.create(dir).map_err(failed)?;
            let mode = std::fs::metadata(dir).map_err(failed)?.permissions().mode();
            if mode & 0o077 != 0 {
                std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(
                    |e| {
                        invalid(
                            "HAVEN_DATA",
                            format!(
                                "{} is readable by other users (mode {:o}) and cannot be made private: {e}",
                                dir.display(),
                                mode & 0o777
                            ),
                        )
                    },
                )?;
                tracing::warn!(
                    dir = %dir.display(),
                    "the data directory was readable by other users; it is now private (0700)"
                );
            }
        }
        #[cfg(not(unix))]
        builder.create(dir).map_err(failed)?;
        Ok(())
    }
}

fn is_loopback(u: &url::Url) -> bool {
    matches!(
        u.host_str(),
        Some("127.0.0.1") | Some("localhost") | Some("[::1]")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: BTreeMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::load_with(None, &|k| map.get(k).cloned())
    }

    #[test]
    fn nothing_configured_is_a_valid_local_demo() {
        let c = load(&[]).unwrap();
        assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
        assert!(c.twilio.is_none() && c.telegram.is_none());
        assert_eq!(c.session_ttl_secs, 24 * 3600);
    }

    #[test]
    fn incomplete_configuration_names_the_variable() {
        let sid = "AC0123456789abcdef0123456789abcdef"; // a fake SID
        const TOKEN: &str = "0123456789abcdef0123456789abcdef"; // a fake Auth Token
        let err = |v: &[(&str, &str)]| load(v).unwrap_err().to_string();
        assert!(err(&[("HAVEN_TWILIO_ACCOUNT_SID", sid)]).starts_with("HAVEN_TWILIO_AUTH_TOKEN:"));
        assert!(
            err(&[
                ("HAVEN_TWILIO_ACCOUNT_SID", sid),
                ("HAVEN_TWILIO_AUTH_TOKEN", TOKEN)
            ])
            .starts_with("HAVEN_TWILIO_FROM:")
        );
        assert!(
            err(&[
                ("HAVEN_TWILIO_ACCOUNT_SID", sid),
                ("HAVEN_TWILIO_AUTH_TOKEN", TOKEN),
                ("HAVEN_TWILIO_FROM", "+15555550100")
            ])
            .starts_with("HAVEN_PUBLIC_URL:")
        );
        assert!(
            err(&[
                ("HAVEN_TWILIO_ACCOUNT_SID", "nope"),
                ("HAVEN_TWILIO_AUTH_TOKEN", TOKEN)
            ])
            .starts_with("HAVEN_TWILIO_ACCOUNT_SID:")
        );
        assert!(err(&[("HAVEN_LISTEN", "everywhere")]).starts_with("HAVEN_LISTEN:"));
        assert!(err(&[("HAVEN_TELEGRAM_SECRET", "abc")]).starts_with("HAVEN_TELEGRAM_TOKEN:"));
        assert!(
            err(&[
                ("HAVEN_TELEGRAM_TOKEN", "1:A"),
                ("HAVEN_TELEGRAM_WEBHOOK_URL", "https://x.org/tg")
            ])
            .starts_with("HAVEN_TELEGRAM_SECRET:")
        );
        assert!(
            err(&[
                ("HAVEN_TELEGRAM_TOKEN", "1:A"),
                ("HAVEN_TELEGRAM_WEBHOOK_URL", "https://x.org/tg"),
                ("HAVEN_TELEGRAM_SECRET", "has space")
            ])
            .starts_with("HAVEN_TELEGRAM_SECRET:")
        );
        assert!(err(&[("HAVEN_SESSION_TTL", "soon")]).starts_with("HAVEN_SESSION_TTL:"));
        assert!(err(&[("HAVEN_SECRET", "short")]).starts_with("HAVEN_SECRET:"));
        assert!(err(&[("HAVEN_MAX_CONNECTIONS", "2")]).starts_with("HAVEN_MAX_CONNECTIONS:"));
        assert!(
            err(&[("HAVEN_TRUSTED_PROXIES", "172.17.0.1, proxy.local")])
                .starts_with("HAVEN_TRUSTED_PROXIES:")
        );
        assert!(
            err(&[("HAVEN_COUNSELOR_CHAT_ID", "-100")]).starts_with("HAVEN_COUNSELOR_CHAT_ID:")
        );
    }

    // Issue 12: a one-character Telegram webhook secret was accepted.
    #[test]
    fn short_secrets_are_refused_with_their_length_never_their_value() {
        let fake_sid = "AC0123456789abcdef0123456789abcdef";
        let long = "A".repeat(MIN_SECRET_CHARS);
        let short = "s3cr3t-but-too-short";
        let telegram = |secret: &str| {
            load(&[
                ("HAVEN_TELEGRAM_TOKEN", "1:A"),
                ("HAVEN_TELEGRAM_WEBHOOK_URL", "https://x.org/tg"),
                ("HAVEN_TELEGRAM_SECRET", secret),
            ])
        };
        let twilio = |token: &str| {
            load(&[
                ("HAVEN_TWILIO_ACCOUNT_SID", fake_sid),
                ("HAVEN_TWILIO_AUTH_TOKEN", token),
                ("HAVEN_TWILIO_FROM", "+15555550100"),
                ("HAVEN_PUBLIC_URL", "https://x.org"),
            ])
        };
        for (key, result) in [
            ("HAVEN_TELEGRAM_SECRET", telegram("x")),
            ("HAVEN_TELEGRAM_SECRET", telegram(short)),
            ("HAVEN_SECRET", load(&[("HAVEN_SECRET", short)])),
            (
                "HAVEN_METRICS_TOKEN",
                load(&[("HAVEN_METRICS_TOKEN", short)]),
            ),
            ("HAVEN_TWILIO_AUTH_TOKEN", twilio(short)),
        ] {
            let e = result.unwrap_err().to_string();
            assert!(e.starts_with(&format!("{key}: ")), "{e}");
            assert!(e.contains("at least 32"), "{e}");
            assert!(
                !e.contains(short),
                "the secret itself is never printed: {e}"
            );
        }
        assert!(telegram(&long).is_ok());
        assert!(load(&[("HAVEN_SECRET", &long)]).is_ok());
        assert!(twilio(&long).is_ok());
        let c = load(&[("HAVEN_METRICS_TOKEN", &long)]).unwrap();
        assert_eq!(c.metrics_token.as_deref(), Some(long.as_str()));
        assert!(
            load(&[("HAVEN_METRICS_TOKEN", &format!("{long} x"))]).is_err(),
            "no spaces in a bearer token"
        );
    }

    #[test]
    fn whatsapp_sender_and_voice_section() {
        let sid = "AC0123456789abcdef0123456789abcdef"; // a fake SID
        let base = [
            ("HAVEN_TWILIO_ACCOUNT_SID", sid),
            (
                "HAVEN_TWILIO_AUTH_TOKEN",
                "test-auth-token-0123456789abcdef",
            ),
            ("HAVEN_PUBLIC_URL", "https://haven.example.org"),
        ];
        let mut v = base.to_vec();
        v.push(("HAVEN_TWILIO_WHATSAPP_FROM", "+14155238886"));
        let c = load(&v).unwrap();
        let t = c.twilio.unwrap();
        assert_eq!(t.whatsapp_from.as_deref(), Some("whatsapp:+14155238886"));
        assert!(t.from.is_none(), "WhatsApp alone leaves SMS off");
        let mut v = base.to_vec();
        v.push(("HAVEN_TWILIO_WHATSAPP_FROM", "whatsapp:4155238886"));
        assert!(
            load(&v)
                .unwrap_err()
                .to_string()
                .starts_with("HAVEN_TWILIO_WHATSAPP_FROM:")
        );

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("haven.toml");
        std::fs::write(
            &path,
            "[voice]\ncounselor_phones = [\"+15555550111\", \"+15555550112\"]\nring_seconds = 15\n",
        )
        .unwrap();
        let c = Config::load_with(Some(&path), &|_| None).unwrap();
        assert_eq!(c.voice.counselor_phones.len(), 2);
        assert_eq!(c.voice.ring_seconds, 15);
        assert_eq!(c.voice.voice_es, "Polly.Lupe");
        assert_eq!(c.voice.lifeline, "+18002738255");
        for (toml, key) in [
            (
                "counselor_phones = [\"555-0111\"]",
                "[voice] counselor_phones",
            ),
            ("ring_seconds = 600", "[voice] ring_seconds"),
            ("voice_en = \"<Joanna>\"", "[voice] voice_en"),
            ("lifeline = \"988\"", "[voice] lifeline"),
        ] {
            std::fs::write(&path, format!("[voice]\n{toml}\n")).unwrap();
            let e = Config::load_with(Some(&path), &|_| None)
                .unwrap_err()
                .to_string();
            assert!(e.starts_with(key), "{e}");
        }
        std::fs::write(&path, "[voice]\nrecord = true\n").unwrap();
        let e = Config::load_with(Some(&path), &|_| None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown field `record`"), "{e}");
    }

    #[test]
    fn toml_file_uses_the_same_keys_and_the_environment_wins() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("haven.toml");
        std::fs::write(
            &path,
            "HAVEN_LISTEN = \"127.0.0.1:9000\"\nHAVEN_SESSION_TTL = \"2h\"\n[referrals]\ntime_zone = \"America/Chicago\"\n",
        )
        .unwrap();
        let c = Config::load_with(Some(&path), &|k| {
            (k == "HAVEN_LISTEN").then(|| "127.0.0.1:9001".to_string())
        })
        .unwrap();
        assert_eq!(c.listen.port(), 9001);
        assert_eq!(c.session_ttl_secs, 7200);
        assert_eq!(c.referrals.time_zone, "America/Chicago");
        std::fs::write(&path, "HAVEN_LISTN = \"x\"\n").unwrap();
        let e = Config::load_with(Some(&path), &|_| None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown key `HAVEN_LISTN`"), "{e}");
    }
}
