//! `/metrics`: counters in the Prometheus text format. Labels are channels, intents, outcomes
//! and reasons, never an identity or any text a person wrote.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;

type Labels = Vec<(&'static str, String)>;

#[derive(Default)]
pub struct Metrics {
    counters: Mutex<BTreeMap<(&'static str, Labels), u64>>,
    gauges: Mutex<BTreeMap<(&'static str, Labels), f64>>,
    help: Mutex<BTreeMap<&'static str, (&'static str, &'static str)>>,
}

impl Metrics {
    pub fn new() -> Metrics {
        let m = Metrics::default();
        for (name, kind, help) in [
            (
                "haven_messages_in_total",
                "counter",
                "Messages received, by channel.",
            ),
            (
                "haven_messages_out_total",
                "counter",
                "Messages sent, by channel.",
            ),
            (
                "haven_intents_total",
                "counter",
                "Messages by the intent triage gave them.",
            ),
            (
                "haven_sends_failed_total",
                "counter",
                "Sends that failed for good, by channel and reason.",
            ),
            (
                "haven_rate_limited_total",
                "counter",
                "Messages dropped by the per-person rate limit, by channel.",
            ),
            (
                "haven_duplicates_total",
                "counter",
                "Repeated deliveries answered once, by channel.",
            ),
            (
                "haven_forged_total",
                "counter",
                "Requests refused for a bad signature or a forged session cookie, by channel.",
            ),
            (
                "haven_web_exits_total",
                "counter",
                "Web chat visitors who pressed Exit quickly.",
            ),
            (
                "haven_outbox_depth",
                "gauge",
                "Messages waiting in the SMS outbox.",
            ),
            (
                "haven_sessions",
                "gauge",
                "Sessions stored (a count kept beside the store, so reading it walks nothing).",
            ),
            (
                "haven_send_retries_total",
                "counter",
                "Sends that failed for now and will be tried again, by channel.",
            ),
            (
                "haven_web_handoffs_refused_total",
                "counter",
                "Web chat requests for a counselor refused by the caps on open web tickets, by reason (visitor, network, total).",
            ),
            (
                "haven_carrier_optouts_ignored_total",
                "counter",
                "Carrier opt-out callbacks (21610) not acted on: about a text sent before the person's last START, or too old to place.",
            ),
            (
                "haven_live_streams",
                "gauge",
                "Live-update streams open, by kind (web, console).",
            ),
            (
                "haven_streams_refused_total",
                "counter",
                "Live-update streams refused by their caps, by kind (web, console).",
            ),
        ] {
            m.describe(name, kind, help);
        }
        m
    }

    pub fn describe(&self, name: &'static str, kind: &'static str, help: &'static str) {
        self.help
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(name, (kind, help));
    }

    pub fn inc(&self, name: &'static str, labels: &[(&'static str, &str)]) {
        self.add(name, labels, 1);
    }

    pub fn add(&self, name: &'static str, labels: &[(&'static str, &str)], n: u64) {
        let key = (
            name,
            labels.iter().map(|(k, v)| (*k, v.to_string())).collect(),
        );
        *self
            .counters
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(key)
            .or_insert(0) += n;
    }

    pub fn set(&self, name: &'static str, labels: &[(&'static str, &str)], v: f64) {
        let key = (
            name,
            labels.iter().map(|(k, v)| (*k, v.to_string())).collect(),
        );
        self.gauges
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, v);
    }

    /// The current value of a counter (tests and `/healthz`).
    pub fn get(&self, name: &'static str, labels: &[(&'static str, &str)]) -> u64 {
        let key = (
            name,
            labels
                .iter()
                .map(|(k, v)| (*k, v.to_string()))
                .collect::<Labels>(),
        );
        self.counters
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
            .copied()
            .unwrap_or(0)
    }

    pub fn render(&self) -> String {
        let help = self.help.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let counters = self
            .counters
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let gauges = self
            .gauges
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let mut out = String::new();
        for (name, (kind, text)) in &help {
            let _ = writeln!(out, "# HELP {name} {text}\n# TYPE {name} {kind}");
            for ((n, labels), v) in counters.iter().filter(|((n, _), _)| n == name) {
                let _ = writeln!(out, "{n}{} {v}", fmt_labels(labels));
            }
            for ((n, labels), v) in gauges.iter().filter(|((n, _), _)| n == name) {
                let _ = writeln!(out, "{n}{} {v}", fmt_labels(labels));
            }
        }
        out
    }
}

fn fmt_labels(labels: &Labels) -> String {
    if labels.is_empty() {
        return String::new();
    }
    let inner: Vec<String> = labels
        .iter()
        .map(|(k, v)| {
            format!(
                "{k}=\"{}\"",
                v.replace('\\', "\\\\")
                    .replace('"', "\\\"")
                    .replace('\n', "\\n")
            )
        })
        .collect();
    format!("{{{}}}", inner.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_prometheus_text() {
        let m = Metrics::new();
        m.inc("haven_messages_in_total", &[("channel", "sms")]);
        m.inc("haven_messages_in_total", &[("channel", "sms")]);
        m.set("haven_outbox_depth", &[], 3.0);
        let t = m.render();
        assert!(t.contains("# TYPE haven_messages_in_total counter"));
        assert!(t.contains("haven_messages_in_total{channel=\"sms\"} 2"));
        assert!(t.contains("haven_outbox_depth 3"));
        assert_eq!(m.get("haven_messages_in_total", &[("channel", "sms")]), 2);
    }
}
