//! `haven bench`: throughput and latency measured in-process, reported as figures.
//!
//! `engine`: messages through triage, a flow step and the sled commit, on the calling thread,
//! for a mix of intents from many distinct people. Each message's latency is measured with
//! `Instant`; the report gives messages per second and percentiles.

use std::sync::Arc;
use std::time::{Duration, Instant};

use haven::engine::{Channel, Content, Ctx};
use haven::runtime::{DEFAULT_SESSION_TTL_SECS, Haven};
use haven::store::{Keys, MemoryStore, SledStore, Store};

use haven::config::Config;

use super::load_engine;

/// A mix of what people send: emergencies, questions, answers to questions, noise.
const MIX: &[&str] = &[
    "my friend won't wake up",
    "hi",
    "how do i use narcan",
    "where can i get needles",
    "10001",
    "2",
    "1",
    "mi hermano no respira",
    "hola",
    "i want to talk to someone",
    "thanks",
    "donde consigo naloxona",
    "is it safe to use alone",
    "ok",
    "he is not breathing and his lips are blue",
    "what is fentanyl",
];

pub fn engine(
    config: &Config,
    people: usize,
    messages: usize,
    memory: bool,
    seconds_per_message: f64,
) -> anyhow::Result<()> {
    let engine = Arc::new(load_engine(config)?);
    let dir = tempfile::tempdir()?;
    let store: Arc<dyn Store> = if memory {
        Arc::new(MemoryStore::new())
    } else {
        Arc::new(SledStore::open(dir.path())?)
    };
    let haven = Haven::new(
        engine,
        store.clone(),
        Keys::random()?,
        DEFAULT_SESSION_TTL_SECS,
    );
    let ctx = Ctx::default();
    let users: Vec<String> = (0..people).map(|i| format!("+1555{i:07}")).collect();
    let mut rng = 0x2545_f491_4f6c_dd1du64;
    let mut next = || {
        // xorshift: deterministic, no dependency, good enough to spread load.
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let now0 = haven::runtime::now();
    // Warm up: every person says something once, so the store holds `people` sessions.
    for (i, u) in users.iter().enumerate() {
        haven.handle(
            Channel::Sms,
            u,
            Content::Text(MIX[i % MIX.len()]),
            now0,
            &ctx,
        )?;
    }
    let mut lat = Vec::with_capacity(messages);
    let start = Instant::now();
    for i in 0..messages {
        let u = &users[(next() % people as u64) as usize];
        let m = MIX[(next() % MIX.len() as u64) as usize];
        let t = Instant::now();
        let now = now0 + 1 + (i as f64 * seconds_per_message) as i64;
        let h = haven.handle(Channel::Sms, u, Content::Text(m), now, &ctx)?;
        lat.push(t.elapsed());
        std::hint::black_box(h);
    }
    let total = start.elapsed();
    store.flush()?;
    lat.sort_unstable();
    let pct = |p: f64| lat[((lat.len() as f64 * p) as usize).min(lat.len() - 1)];
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    println!(
        "engine benchmark: triage + flow step + {} commit, one thread",
        if memory {
            "in-memory (not sled)"
        } else {
            "sled"
        }
    );
    println!("  people:        {people}");
    println!(
        "  simulated time: {seconds_per_message} s per message ({:.0} s in all)",
        messages as f64 * seconds_per_message
    );
    println!("  messages:      {messages}");
    println!("  sessions:      {}", store.session_count()?);
    println!(
        "  throughput:    {:.0} messages/s",
        messages as f64 / total.as_secs_f64()
    );
    println!("  latency p50:   {:.1} µs", us(pct(0.50)));
    println!("  latency p99:   {:.1} µs", us(pct(0.99)));
    println!("  latency p99.9: {:.1} µs", us(pct(0.999)));
    println!(
        "  latency max:   {:.1} µs",
        us(*lat.last().unwrap_or(&Duration::ZERO))
    );
    Ok(())
}

/// `haven bench referrals`: lookups among 50,000 generated services.
pub fn referrals() -> anyhow::Result<()> {
    println!("{}", haven::referrals::run_bench());
    Ok(())
}
