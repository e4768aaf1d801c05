//! Placeholder until the wallet module lands: plaintext bittensor keyfiles only.

use crate::output::Global;
use anyhow::{Context, anyhow};
use cortex_client::{AccountId32, Sr25519Pair};

fn load(global: &Global, rel: &std::path::Path) -> anyhow::Result<Sr25519Pair> {
    let path = global.wallet_root().join(rel);
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let v: serde_json::Value = serde_json::from_str(&text)?;
    let phrase = v
        .get("secretPhrase")
        .and_then(|p| p.as_str())
        .or_else(|| v.get("secretSeed").and_then(|p| p.as_str()))
        .ok_or_else(|| anyhow!("no secret in {}", path.display()))?;
    Sr25519Pair::from_uri(phrase).map_err(|e| anyhow!("{e}"))
}

/// The coldkey.
pub fn coldkey(global: &Global, name: &str) -> anyhow::Result<Sr25519Pair> {
    load(global, &std::path::Path::new(name).join("coldkey"))
}

/// A hotkey.
pub fn hotkey(global: &Global, name: &str, hotkey: &str) -> anyhow::Result<Sr25519Pair> {
    load(
        global,
        &std::path::Path::new(name).join("hotkeys").join(hotkey),
    )
}

/// The coldkey's address.
pub fn coldkey_pub(global: &Global, name: &str) -> anyhow::Result<AccountId32> {
    Ok(coldkey(global, name)?.public())
}

/// A hotkey's address.
pub fn hotkey_pub(global: &Global, name: &str, h: &str) -> anyhow::Result<AccountId32> {
    Ok(hotkey(global, name, h)?.public())
}
