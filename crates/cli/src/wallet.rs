//! `cortex wallet …`: create, import, list, show, sign and verify with bittensor-wallet 4.x's
//! wallets (the files btcli and the Python SDK read), through `cortex_client::wallet`.
//!
//! Passwords come from `CORTEX_PASSWORD` when it is set (scripts, tests), else from a prompt on
//! the terminal without echo. Creating with a password asks twice; `--no-password` writes the
//! coldkey unencrypted. Hotkeys are written unencrypted, as bittensor does by default.
//!
//! The chain commands use [`coldkey`], [`hotkey`], [`coldkey_pub`] and [`hotkey_pub`] to get
//! their signers and accounts, so every command unlocks keys the same way.

use crate::output::{Global, Report};
use anyhow::{Context, bail};
use clap::Subcommand;
use cortex_client::wallet::{
    self, KeySlot, NewKey, PasswordSource, Secret, Wallet, WalletError, WalletSummary,
};
use cortex_primitives::{AccountId32, Sr25519Pair};
use serde_json::{Value, json};
use std::fmt::Write as _;
use std::path::Path;
use zeroize::Zeroizing;

/// The environment variable that holds the password of encrypted key files.
pub const PASSWORD_ENV: &str = "CORTEX_PASSWORD";

/// The wallet commands.
#[derive(Subcommand, Debug)]
pub enum WalletCommand {
    /// Create a wallet: a new coldkey (and a hotkey with --hotkey) from fresh mnemonics, which
    /// are printed once.
    Create {
        /// The wallet's name (its directory under the wallet path).
        #[arg(long, default_value = "default")]
        name: String,
        /// Also create this hotkey.
        #[arg(long)]
        hotkey: Option<String>,
        /// Write the coldkey unencrypted (anyone who can read the file can spend its funds).
        #[arg(long)]
        no_password: bool,
        /// Words per mnemonic: 12, 15, 18, 21 or 24.
        #[arg(long, default_value_t = 12)]
        words: usize,
        /// Replace existing keys of the same names (they are lost unless you have their
        /// mnemonics).
        #[arg(long)]
        overwrite: bool,
    },
    /// Add a hotkey, from a fresh mnemonic, to a wallet.
    NewHotkey {
        /// The wallet's name.
        #[arg(long, default_value = "default")]
        name: String,
        /// The hotkey's name.
        #[arg(long)]
        hotkey: String,
        /// Words in the mnemonic: 12, 15, 18, 21 or 24.
        #[arg(long, default_value_t = 12)]
        words: usize,
        /// Replace an existing hotkey of that name.
        #[arg(long)]
        overwrite: bool,
    },
    /// Import keys from a mnemonic or a secret URI: a coldkey, a hotkey, or both. (Arguments
    /// are visible in the process list; import on a machine you trust.)
    Import {
        /// The wallet's name.
        #[arg(long, default_value = "default")]
        name: String,
        /// The coldkey's mnemonic.
        #[arg(long, conflicts_with = "uri", value_name = "WORDS")]
        mnemonic: Option<String>,
        /// The coldkey's secret URI (e.g. //Alice, or "PHRASE//hard").
        #[arg(long)]
        uri: Option<String>,
        /// The hotkey to import (with --hotkey-uri or --hotkey-mnemonic).
        #[arg(long)]
        hotkey: Option<String>,
        /// The hotkey's secret URI.
        #[arg(long, requires = "hotkey", conflicts_with = "hotkey_mnemonic")]
        hotkey_uri: Option<String>,
        /// The hotkey's mnemonic.
        #[arg(long, requires = "hotkey", value_name = "WORDS")]
        hotkey_mnemonic: Option<String>,
        /// Write the coldkey unencrypted.
        #[arg(long)]
        no_password: bool,
        /// Replace existing keys of the same names.
        #[arg(long)]
        overwrite: bool,
    },
    /// List every wallet under the wallet path, with its coldkey and hotkeys.
    List,
    /// Show one wallet: its coldkey and hotkeys.
    Show {
        /// The wallet's name.
        #[arg(long, default_value = "default")]
        name: String,
    },
    /// Sign a message (its UTF-8 bytes; a 0x… message is hex, as in bittensor) with the
    /// coldkey, or with a hotkey.
    Sign {
        /// The wallet's name.
        #[arg(long, default_value = "default")]
        name: String,
        /// Sign with this hotkey instead of the coldkey.
        #[arg(long)]
        hotkey: Option<String>,
        /// The message.
        #[arg(long)]
        message: String,
    },
    /// Verify a signature (over the message or over <Bytes>message</Bytes>); exits 1 if it
    /// does not verify.
    Verify {
        /// The signer's SS58 address.
        #[arg(long)]
        ss58: String,
        /// The message, as given to `sign`.
        #[arg(long)]
        message: String,
        /// The signature: 0x and 128 hex digits.
        #[arg(long)]
        signature: String,
    },
}

/// Passwords from `CORTEX_PASSWORD`, else from a prompt on the terminal.
#[derive(Debug, Clone, Copy, Default)]
pub struct CliPassword;

impl PasswordSource for CliPassword {
    fn password(&self, path: &Path, label: &str) -> Result<Zeroizing<String>, WalletError> {
        if let Some(password) = std::env::var_os(PASSWORD_ENV) {
            return password.into_string().map(Zeroizing::new).map_err(|_| {
                WalletError::PasswordUnavailable {
                    path: path.to_path_buf(),
                    reason: format!("{PASSWORD_ENV} is not valid UTF-8"),
                }
            });
        }
        rpassword::prompt_password(format!("Password for {label}: "))
            .map(Zeroizing::new)
            .map_err(|e| WalletError::PasswordUnavailable {
                path: path.to_path_buf(),
                reason: format!(
                    "{label} is encrypted and no password could be read ({e}): run in a \
                     terminal or set {PASSWORD_ENV}"
                ),
            })
    }
}

/// Where the wallet commands (and the chain commands) get passwords.
pub fn password_source() -> CliPassword {
    CliPassword
}

/// The password to encrypt a new coldkey with: `CORTEX_PASSWORD`, else asked twice on the
/// terminal. `None` with `--no-password`.
fn new_password(no_password: bool, label: &str) -> anyhow::Result<Option<Zeroizing<String>>> {
    if no_password {
        return Ok(None);
    }
    if let Some(password) = std::env::var_os(PASSWORD_ENV) {
        let password = password
            .into_string()
            .map_err(|_| anyhow::anyhow!("{PASSWORD_ENV} is not valid UTF-8"))?;
        if password.is_empty() {
            bail!("{PASSWORD_ENV} is empty: set a password, or pass --no-password");
        }
        return Ok(Some(Zeroizing::new(password)));
    }
    let unreadable = |e: std::io::Error| {
        anyhow::anyhow!(
            "cannot read a password ({e}): run in a terminal, set {PASSWORD_ENV}, or pass \
             --no-password; nothing was written"
        )
    };
    let first = Zeroizing::new(
        rpassword::prompt_password(format!("New password for {label}: ")).map_err(unreadable)?,
    );
    if first.is_empty() {
        bail!("the password is empty: nothing was written (pass --no-password for none)");
    }
    let second =
        Zeroizing::new(rpassword::prompt_password("Repeat the password: ").map_err(unreadable)?);
    if *first != *second {
        bail!("the two passwords differ: nothing was written");
    }
    Ok(Some(first))
}

/// The wallet `name` under the global wallet path.
fn open(global: &Global, name: &str) -> Wallet {
    Wallet::new(&global.wallet_root(), name)
}

/// The signing pair of wallet `name`'s coldkey (asking for its password if it is encrypted).
pub fn coldkey(global: &Global, name: &str) -> anyhow::Result<Sr25519Pair> {
    Ok(open(global, name).coldkey(&password_source())?)
}

/// The signing pair of hotkey `hotkey` of wallet `name`.
pub fn hotkey(global: &Global, name: &str, hotkey: &str) -> anyhow::Result<Sr25519Pair> {
    Ok(open(global, name).hotkey(hotkey, &password_source())?)
}

/// Wallet `name`'s coldkey account (no password).
pub fn coldkey_pub(global: &Global, name: &str) -> anyhow::Result<AccountId32> {
    Ok(open(global, name).coldkey_pub()?)
}

/// The account of hotkey `hotkey` of wallet `name` (no password).
// The chain commands (register, stake) call it; the wallet commands read hotkeys in bulk.
pub fn hotkey_pub(global: &Global, name: &str, hotkey: &str) -> anyhow::Result<AccountId32> {
    Ok(open(global, name).hotkey_pub(hotkey)?)
}

/// Runs a wallet command.
pub fn run(global: &Global, command: WalletCommand) -> anyhow::Result<Report> {
    match command {
        WalletCommand::Create {
            name,
            hotkey,
            no_password,
            words,
            overwrite,
        } => create(
            global,
            &name,
            hotkey.as_deref(),
            no_password,
            words,
            overwrite,
        ),
        WalletCommand::NewHotkey {
            name,
            hotkey,
            words,
            overwrite,
        } => new_hotkey(global, &name, &hotkey, words, overwrite),
        WalletCommand::Import {
            name,
            mnemonic,
            uri,
            hotkey,
            hotkey_uri,
            hotkey_mnemonic,
            no_password,
            overwrite,
        } => {
            let coldkey = match (mnemonic, uri) {
                (Some(phrase), _) => Some(Secret::mnemonic(&Zeroizing::new(phrase))?),
                (None, Some(uri)) => Some(Secret::uri(&Zeroizing::new(uri))?),
                (None, None) => None,
            };
            let hot = match (hotkey, hotkey_mnemonic, hotkey_uri) {
                (Some(h), Some(phrase), _) => Some((h, Secret::mnemonic(&Zeroizing::new(phrase))?)),
                (Some(h), None, Some(uri)) => Some((h, Secret::uri(&Zeroizing::new(uri))?)),
                (Some(h), None, None) => {
                    bail!("--hotkey {h} needs its secret: --hotkey-uri or --hotkey-mnemonic")
                }
                (None, _, _) => None,
            };
            import(global, &name, coldkey, hot, no_password, overwrite)
        }
        WalletCommand::List => list(global),
        WalletCommand::Show { name } => {
            let summary = open(global, &name).summary()?;
            let mut text = String::new();
            summary_rows(&summary, &mut text);
            Ok(Report::new(summary_json(&summary), table(&text)))
        }
        WalletCommand::Sign {
            name,
            hotkey: which,
            message,
        } => {
            let bytes = wallet::message_bytes(&message)?;
            let (pair, key) = match &which {
                Some(h) => (hotkey(global, &name, h)?, format!("hotkey '{h}'")),
                None => (coldkey(global, &name)?, "coldkey".to_string()),
            };
            let signature = format!("0x{}", hex::encode(pair.sign(&bytes)));
            let ss58 = pair.public().to_string();
            Ok(Report::new(
                json!({
                    "name": name,
                    "key": which.as_deref().unwrap_or("coldkey"),
                    "ss58": ss58,
                    "message": message,
                    "signature": signature,
                }),
                format!("{signature}\nsigned by the {key} of wallet '{name}', {ss58}"),
            ))
        }
        WalletCommand::Verify {
            ss58,
            message,
            signature,
        } => verify(&ss58, &message, &signature),
    }
}

/// `wallet create`.
fn create(
    global: &Global,
    name: &str,
    hotkey: Option<&str>,
    no_password: bool,
    words: usize,
    overwrite: bool,
) -> anyhow::Result<Report> {
    let wallet = open(global, name);
    let mut slots = vec![KeySlot::Coldkey];
    slots.extend(hotkey.map(KeySlot::Hotkey));
    // Refuse before asking for a password or making a mnemonic.
    if !overwrite {
        wallet.ensure_free(&slots)?;
    }
    let cold_phrase = wallet::generate_mnemonic(words)?;
    let hot_phrase = hotkey
        .map(|_| wallet::generate_mnemonic(words))
        .transpose()?;
    let password = new_password(no_password, &format!("the coldkey of wallet '{name}'"))?;
    let cold = Secret::mnemonic(&cold_phrase)?;
    let hot = hot_phrase
        .as_deref()
        .map(|p| Secret::mnemonic(p))
        .transpose()?;
    let mut keys = vec![NewKey {
        slot: KeySlot::Coldkey,
        secret: &cold,
        password: password.as_deref().map(String::as_str),
    }];
    if let (Some(h), Some(secret)) = (hotkey, &hot) {
        keys.push(NewKey {
            slot: KeySlot::Hotkey(h),
            secret,
            password: None,
        });
    }
    let accounts = wallet.create_keys(&keys, overwrite)?;
    let coldkey_ss58 = accounts.first().map(ToString::to_string);
    let hotkey_ss58 = accounts.get(1).map(ToString::to_string);
    let mut text = format!(
        "Created wallet '{name}' in {}\n  coldkey {} ({})\n",
        wallet.path().display(),
        coldkey_ss58.as_deref().unwrap_or("?"),
        if password.is_some() {
            "encrypted"
        } else {
            "NOT encrypted"
        }
    );
    if let (Some(h), Some(ss58)) = (hotkey, &hotkey_ss58) {
        let _ = writeln!(text, "  hotkey '{h}' {ss58}");
    }
    let _ = write!(
        text,
        "\nWrite down the mnemonic(s) now: they are shown only this once, and they are the \
         only way to recover the keys.\n  coldkey mnemonic: {}\n",
        cold_phrase.as_str()
    );
    if let Some(phrase) = &hot_phrase {
        let _ = writeln!(text, "  hotkey mnemonic:  {}", phrase.as_str());
    }
    Ok(Report::new(
        json!({
            "name": name,
            "path": wallet.path(),
            "coldkey_ss58": coldkey_ss58,
            "encrypted": password.is_some(),
            "mnemonic": cold_phrase.as_str(),
            "hotkey": hotkey,
            "hotkey_ss58": hotkey_ss58,
            "hotkey_mnemonic": hot_phrase.as_deref().map(String::as_str),
        }),
        text,
    ))
}

/// `wallet new-hotkey`.
fn new_hotkey(
    global: &Global,
    name: &str,
    hotkey: &str,
    words: usize,
    overwrite: bool,
) -> anyhow::Result<Report> {
    let wallet = open(global, name);
    if !overwrite {
        wallet.ensure_free(&[KeySlot::Hotkey(hotkey)])?;
    }
    let phrase = wallet::generate_mnemonic(words)?;
    let account = wallet.create_hotkey(hotkey, &Secret::mnemonic(&phrase)?, None, overwrite)?;
    let coldkey_ss58 = wallet.coldkey_pub().ok().map(|a| a.to_string());
    Ok(Report::new(
        json!({
            "name": name,
            "hotkey": hotkey,
            "hotkey_ss58": account.to_string(),
            "coldkey_ss58": coldkey_ss58,
            "hotkey_mnemonic": phrase.as_str(),
        }),
        format!(
            "Created hotkey '{hotkey}' of wallet '{name}': {account}\n\nWrite down its \
             mnemonic now (shown only this once):\n  {}",
            phrase.as_str()
        ),
    ))
}

/// `wallet import`.
fn import(
    global: &Global,
    name: &str,
    coldkey: Option<Secret>,
    hotkey: Option<(String, Secret)>,
    no_password: bool,
    overwrite: bool,
) -> anyhow::Result<Report> {
    if coldkey.is_none() && hotkey.is_none() {
        bail!(
            "nothing to import: give the coldkey's --mnemonic or --uri, and/or --hotkey H with \
             --hotkey-uri or --hotkey-mnemonic"
        );
    }
    let wallet = open(global, name);
    let mut slots = Vec::new();
    if coldkey.is_some() {
        slots.push(KeySlot::Coldkey);
    }
    if let Some((h, _)) = &hotkey {
        slots.push(KeySlot::Hotkey(h));
    }
    if !overwrite {
        wallet.ensure_free(&slots)?;
    }
    let password = match coldkey {
        Some(_) => new_password(no_password, &format!("the coldkey of wallet '{name}'"))?,
        None => None,
    };
    let mut keys = Vec::new();
    if let Some(secret) = &coldkey {
        keys.push(NewKey {
            slot: KeySlot::Coldkey,
            secret,
            password: password.as_deref().map(String::as_str),
        });
    }
    if let Some((h, secret)) = &hotkey {
        keys.push(NewKey {
            slot: KeySlot::Hotkey(h),
            secret,
            password: None,
        });
    }
    let accounts = wallet.create_keys(&keys, overwrite)?;
    let mut accounts = accounts.into_iter();
    let coldkey_ss58 = match coldkey {
        Some(_) => accounts.next().map(|a| a.to_string()),
        // Only a hotkey: report the wallet's coldkey if it has one.
        None => coldkey_pub(global, name).ok().map(|a| a.to_string()),
    };
    let hotkey_ss58 = accounts.next().map(|a| a.to_string());
    let mut text = format!(
        "Imported into wallet '{name}' ({})\n",
        wallet.path().display()
    );
    if keys.iter().any(|k| k.slot == KeySlot::Coldkey) {
        let _ = writeln!(
            text,
            "  coldkey {} ({})",
            coldkey_ss58.as_deref().unwrap_or("?"),
            if password.is_some() {
                "encrypted"
            } else {
                "NOT encrypted"
            }
        );
    }
    if let (Some((h, _)), Some(ss58)) = (&hotkey, &hotkey_ss58) {
        let _ = writeln!(text, "  hotkey '{h}' {ss58}");
    }
    Ok(Report::new(
        json!({
            "name": name,
            "path": wallet.path(),
            "coldkey_ss58": coldkey_ss58,
            "hotkey": hotkey.as_ref().map(|(h, _)| h),
            "hotkey_ss58": hotkey_ss58,
        }),
        text,
    ))
}

/// A summary's error field: `null`, or the message.
fn error_text<T>(result: &Result<T, WalletError>) -> Value {
    match result {
        Ok(_) => Value::Null,
        Err(e) => Value::String(e.to_string()),
    }
}

/// One wallet as JSON.
fn summary_json(summary: &WalletSummary) -> Value {
    let hotkeys: Vec<Value> = summary
        .hotkeys
        .iter()
        .map(|h| {
            json!({
                "name": h.name,
                "ss58": h.account.as_ref().ok().map(ToString::to_string),
                "error": error_text(&h.account),
            })
        })
        .collect();
    json!({
        "name": summary.name,
        "path": summary.path,
        "coldkey_ss58": summary.coldkey.as_ref().ok().map(ToString::to_string),
        "coldkey_encrypted": summary.coldkey_encrypted,
        "error": error_text(&summary.coldkey),
        "hotkeys": hotkeys,
    })
}

/// One wallet's rows of the list table: `wallet \t key \t address \t note`.
fn summary_rows(summary: &WalletSummary, out: &mut String) {
    let (address, note) = match (&summary.coldkey, summary.coldkey_encrypted) {
        (Ok(account), Some(true)) => (account.to_string(), "encrypted".to_string()),
        (Ok(account), Some(false)) => (account.to_string(), "NOT encrypted".to_string()),
        (Ok(account), None) => (account.to_string(), "public key only".to_string()),
        (Err(WalletError::NotFound { .. }), _) => ("-".into(), "no coldkey".into()),
        (Err(e), _) => ("?".into(), e.to_string()),
    };
    let _ = writeln!(out, "{}\tcoldkey\t{address}\t{note}", summary.name);
    for hotkey in &summary.hotkeys {
        let (address, note) = match &hotkey.account {
            Ok(account) => (account.to_string(), String::new()),
            Err(e) => ("?".into(), e.to_string()),
        };
        let _ = writeln!(
            out,
            "{}\thotkey '{}'\t{address}\t{note}",
            summary.name, hotkey.name
        );
    }
}

/// Aligns tab-separated rows under a header.
fn table(rows: &str) -> String {
    let header = "WALLET\tKEY\tSS58\tNOTE";
    let lines: Vec<Vec<&str>> = std::iter::once(header)
        .chain(rows.lines())
        .map(|l| l.split('\t').collect())
        .collect();
    let mut widths = [0usize; 4];
    for line in &lines {
        for (width, cell) in widths.iter_mut().zip(line) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for line in &lines {
        let mut row = String::new();
        for (i, cell) in line.iter().enumerate() {
            let width = widths.get(i).copied().unwrap_or(0);
            let _ = write!(row, "{cell:<width$}  ");
        }
        let _ = writeln!(out, "{}", row.trim_end());
    }
    out
}

/// `wallet list`.
fn list(global: &Global) -> anyhow::Result<Report> {
    let root = global.wallet_root();
    let wallets = wallet::list_wallets(&root)?;
    if wallets.is_empty() {
        return Ok(Report::new(
            json!({ "wallet_path": root, "wallets": [] }),
            format!(
                "No wallets in {} (create one with `cortex wallet create --name NAME`).",
                root.display()
            ),
        ));
    }
    let mut rows = String::new();
    for summary in &wallets {
        summary_rows(summary, &mut rows);
    }
    let json_wallets: Vec<Value> = wallets.iter().map(summary_json).collect();
    Ok(Report::new(
        json!({ "wallet_path": root, "wallets": json_wallets }),
        format!("Wallets in {}\n\n{}", root.display(), table(&rows)),
    ))
}

/// `wallet verify`.
fn verify(ss58: &str, message: &str, signature: &str) -> anyhow::Result<Report> {
    let (account, _) = AccountId32::from_ss58(ss58)
        .map_err(|e| anyhow::anyhow!("--ss58 {ss58:?} is not an SS58 address: {e}"))?;
    let digits = signature.strip_prefix("0x").unwrap_or(signature);
    let bytes: [u8; 64] = hex::decode(digits)
        .ok()
        .and_then(|b| b.try_into().ok())
        .context("--signature is not 0x followed by 128 hex digits (64 bytes)")?;
    let message_bytes = wallet::message_bytes(message)?;
    if !wallet::verify_message(&bytes, &message_bytes, &account) {
        bail!(
            "the signature does not verify: it is not {ss58}'s sr25519 signature of this message"
        );
    }
    Ok(Report::new(
        json!({ "valid": true, "ss58": ss58, "message": message }),
        format!("valid: {ss58} signed this message"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align_their_columns() {
        let text = table("alice\tcoldkey\t5Grw\tencrypted\nalice\thotkey 'default'\t5FHn\t\n");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        let at = |line: &str| line.find("5").unwrap_or(usize::MAX);
        assert_eq!(at(lines[1]), at(lines[2]));
        assert!(lines[0].starts_with("WALLET"));
        assert!(!text.lines().any(|l| l.ends_with(' ')));
    }

    #[test]
    fn verify_refuses_what_does_not_verify() {
        let alice = Sr25519Pair::from_uri("//Alice").unwrap();
        let signature = format!("0x{}", hex::encode(alice.sign(b"hi")));
        let ss58 = alice.public().to_string();
        assert!(verify(&ss58, "hi", &signature).is_ok());
        // Without the 0x, too.
        assert!(verify(&ss58, "hi", &signature[2..]).is_ok());
        let err = verify(&ss58, "ho", &signature).unwrap_err().to_string();
        assert!(err.contains("does not verify"), "{err}");
        assert!(verify(&ss58, "hi", "0x1234").is_err());
        assert!(verify("nope", "hi", &signature).is_err());
    }
}
