//! Wallets in bittensor-wallet 4.x's layout and keyfile format (wire.md §6), so that a wallet
//! made by `cortex wallet` opens in btcli and the Python SDK, and theirs open here.
//!
//! A wallet is a directory `ROOT/NAME/` holding:
//! - `coldkey`: the coldkey's keyfile, normally encrypted (`$NACL`: secretbox, Argon2i key);
//! - `coldkeypub.txt`: its public half, plaintext, readable without a password;
//! - `hotkeys/H`: each hotkey's keyfile, plaintext by default;
//! - `hotkeys/Hpub.txt`: each hotkey's public half.
//!
//! Reading never changes a file. Writing checks first that nothing would be overwritten
//! (unless asked to), then stages every file in full and renames them into place, so a refused
//! or failed command leaves the wallet exactly as it was. Only sr25519 keys sign; an ed25519
//! keyfile still gives its address.

mod fs;
mod keyfile;
mod nacl;

pub use keyfile::{CRYPTO_ED25519, CRYPTO_SR25519};

use cortex_primitives::{AccountId32, Sr25519Pair, mini_secret_from_phrase, sr25519_verify};
use keyfile::{KeyMaterial, KeyfileJson};
use rand_core::{OsRng, RngCore};
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// What went wrong with a wallet, and what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum WalletError {
    /// A key file (or the wallet) is not there.
    #[error("{} does not exist: {hint}", path.display())]
    NotFound {
        /// The missing file or directory.
        path: PathBuf,
        /// How to create it.
        hint: String,
    },
    /// Creating would replace an existing key; nothing was written.
    #[error(
        "{} already exists: nothing was written; pass --overwrite to replace it (the old key is \
         lost unless you have its mnemonic)",
        path.display()
    )]
    AlreadyExists {
        /// The first existing file found.
        path: PathBuf,
    },
    /// The password does not open the encrypted key file.
    #[error(
        "{}: the password is wrong (or the file was altered); nothing was changed",
        path.display()
    )]
    WrongPassword {
        /// The encrypted key file.
        path: PathBuf,
    },
    /// A key file that cannot be read as a keyfile.
    #[error("{} is corrupt: {reason}", path.display())]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// A key file Cortex reads but cannot use this way (an ed25519 key asked to sign, a public-only
    /// file, a legacy encryption).
    #[error("{}: {reason}", path.display())]
    Unsupported {
        /// The file.
        path: PathBuf,
        /// Why, and what to do instead.
        reason: String,
    },
    /// No password could be had for an encrypted key file.
    #[error("{}: {reason}", path.display())]
    PasswordUnavailable {
        /// The encrypted key file.
        path: PathBuf,
        /// Why (no terminal, no `CORTEX_PASSWORD`, …).
        reason: String,
    },
    /// Bad input from the caller: a wallet or hotkey name, a mnemonic, a URI, a word count.
    #[error("{0}")]
    InvalidInput(String),
    /// The key derivation (Argon2i, 512 MiB) or the random source failed.
    #[error("{0}")]
    Crypto(String),
    /// Reading or writing a file failed.
    // The OS error is part of the message, not a `source`, so that `{:#}` chains (anyhow) do not
    // print it twice.
    #[error("{}: {error}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The operating system's error.
        error: std::io::Error,
    },
}

/// Where the password of an encrypted key file comes from (a prompt, an environment variable, a
/// test's constant). Asked only when a file turns out to be encrypted.
pub trait PasswordSource {
    /// The password of the encrypted key file `path`; `label` names the key for a prompt, e.g.
    /// "the coldkey of wallet 'alice'".
    fn password(&self, path: &Path, label: &str) -> Result<Zeroizing<String>, WalletError>;
}

/// A source with no password: opening an encrypted file fails with
/// [`WalletError::PasswordUnavailable`]; plaintext files open as usual.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoPassword;

impl PasswordSource for NoPassword {
    fn password(&self, path: &Path, label: &str) -> Result<Zeroizing<String>, WalletError> {
        Err(WalletError::PasswordUnavailable {
            path: path.to_path_buf(),
            reason: format!("{label} is encrypted and no password was given"),
        })
    }
}

/// A source that always answers with the same password.
#[derive(Clone)]
pub struct FixedPassword(Zeroizing<String>);

impl FixedPassword {
    /// The source of `password`.
    pub fn new(password: impl Into<String>) -> FixedPassword {
        FixedPassword(Zeroizing::new(password.into()))
    }
}

impl std::fmt::Debug for FixedPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FixedPassword(…)")
    }
}

impl PasswordSource for FixedPassword {
    fn password(&self, _path: &Path, _label: &str) -> Result<Zeroizing<String>, WalletError> {
        Ok(self.0.clone())
    }
}

/// The secret a new key is made from.
#[derive(Clone)]
pub struct Secret(SecretKind);

#[derive(Clone)]
enum SecretKind {
    /// A BIP-39 phrase, normalized; the keyfile keeps it (`secretPhrase`, `secretSeed`).
    Mnemonic(Zeroizing<String>),
    /// A secret URI; the keyfile keeps only the derived `privateKey`, as bittensor does.
    Uri(Zeroizing<String>),
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            SecretKind::Mnemonic(_) => f.write_str("Secret::Mnemonic(…)"),
            SecretKind::Uri(_) => f.write_str("Secret::Uri(…)"),
        }
    }
}

impl Secret {
    /// A BIP-39 English mnemonic of 12, 15, 18, 21 or 24 words (case and spacing are
    /// normalized). The key is the phrase's root key with no password, as bittensor's
    /// `Keypair.create_from_mnemonic`.
    pub fn mnemonic(phrase: &str) -> Result<Secret, WalletError> {
        let normalized = Zeroizing::new(
            phrase
                .split_whitespace()
                .map(str::to_lowercase)
                .collect::<Vec<_>>()
                .join(" "),
        );
        bip39::Mnemonic::parse_in(bip39::Language::English, normalized.as_str()).map_err(|e| {
            WalletError::InvalidInput(format!(
                "the mnemonic is not a valid BIP-39 English phrase of 12, 15, 18, 21 or 24 \
                 words: {e}"
            ))
        })?;
        Ok(Secret(SecretKind::Mnemonic(normalized)))
    }

    /// A secret URI: `//Alice`, `phrase//hard/soft///password`, `0x<seed>//hard`.
    pub fn uri(uri: &str) -> Result<Secret, WalletError> {
        Sr25519Pair::from_uri(uri)
            .map_err(|e| WalletError::InvalidInput(format!("the secret URI is not usable: {e}")))?;
        Ok(Secret(SecretKind::Uri(Zeroizing::new(uri.to_string()))))
    }

    /// The key pair, and for a mnemonic the phrase and its seed (for the keyfile).
    fn derive(&self) -> Result<Derived, WalletError> {
        let invalid = |e: cortex_primitives::SecretUriError| {
            WalletError::InvalidInput(format!("the secret is not usable: {e}"))
        };
        match &self.0 {
            SecretKind::Mnemonic(phrase) => {
                let seed = mini_secret_from_phrase(phrase, "").map_err(invalid)?;
                let pair = Sr25519Pair::from_seed(&seed).map_err(invalid)?;
                Ok((pair, Some(seed)))
            }
            SecretKind::Uri(uri) => Ok((Sr25519Pair::from_uri(uri).map_err(invalid)?, None)),
        }
    }

    /// The phrase, for a mnemonic secret.
    fn phrase(&self) -> Option<&str> {
        match &self.0 {
            SecretKind::Mnemonic(phrase) => Some(phrase.as_str()),
            SecretKind::Uri(_) => None,
        }
    }
}

/// A new key's pair and, for a mnemonic, its seed (`secretSeed`).
type Derived = (Sr25519Pair, Option<Zeroizing<[u8; 32]>>);

/// A fresh BIP-39 English mnemonic of `words` words (12, 15, 18, 21 or 24) from the operating
/// system's random source.
pub fn generate_mnemonic(words: usize) -> Result<Zeroizing<String>, WalletError> {
    if !matches!(words, 12 | 15 | 18 | 21 | 24) {
        return Err(WalletError::InvalidInput(format!(
            "a mnemonic has 12, 15, 18, 21 or 24 words, not {words}"
        )));
    }
    // 11 bits a word, of which one in 33 is checksum: 4 bytes of entropy per 3 words.
    let mut entropy = Zeroizing::new(vec![0u8; words / 3 * 4]);
    OsRng.try_fill_bytes(&mut entropy).map_err(|e| {
        WalletError::Crypto(format!("the operating system's random source failed: {e}"))
    })?;
    let mnemonic = bip39::Mnemonic::from_entropy(&entropy)
        .map_err(|e| WalletError::Crypto(format!("could not encode the mnemonic: {e}")))?;
    Ok(Zeroizing::new(mnemonic.to_string()))
}

/// Which key of a wallet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySlot<'a> {
    /// The coldkey (`coldkey`, `coldkeypub.txt`).
    Coldkey,
    /// The named hotkey (`hotkeys/H`, `hotkeys/Hpub.txt`).
    Hotkey(&'a str),
}

/// One key to create with [`Wallet::create_keys`].
#[derive(Debug, Clone, Copy)]
pub struct NewKey<'a> {
    /// Where it goes.
    pub slot: KeySlot<'a>,
    /// What it is made from.
    pub secret: &'a Secret,
    /// `Some` encrypts the keyfile (`$NACL`) with this password; `None` writes it in plaintext.
    pub password: Option<&'a str>,
}

/// A wallet at a glance, for `cortex wallet list` and `show`.
#[derive(Debug)]
pub struct WalletSummary {
    /// The wallet's name.
    pub name: String,
    /// Its directory.
    pub path: PathBuf,
    /// The coldkey's account, or why it could not be read.
    pub coldkey: Result<AccountId32, WalletError>,
    /// Whether the coldkey file is encrypted (`None` when there is no coldkey file).
    pub coldkey_encrypted: Option<bool>,
    /// The hotkeys, by name.
    pub hotkeys: Vec<HotkeySummary>,
}

/// A hotkey at a glance.
#[derive(Debug)]
pub struct HotkeySummary {
    /// The hotkey's name.
    pub name: String,
    /// Its account, or why it could not be read.
    pub account: Result<AccountId32, WalletError>,
}

/// A wallet: the directory `ROOT/NAME`. Making one touches nothing on disk.
#[derive(Debug, Clone)]
pub struct Wallet {
    root: PathBuf,
    name: String,
}

/// Checks a wallet or hotkey name: one path component, not hidden (temporary files start with a
/// dot), and for a hotkey not ending in `pub.txt` (the public files' suffix).
fn check_name(what: &str, name: &str) -> Result<(), WalletError> {
    let bad = |why: &str| {
        Err(WalletError::InvalidInput(format!(
            "{what} name {name:?} is not usable: {why}"
        )))
    };
    if name.is_empty() {
        return bad("it is empty");
    }
    if name.len() > 200 {
        return bad("it is longer than 200 bytes");
    }
    if name.contains(['/', '\\', '\0']) {
        return bad("it contains a path separator or a NUL");
    }
    if name.starts_with('.') {
        return bad("it starts with a dot");
    }
    if what == "hotkey" && name.ends_with(PUB_SUFFIX) {
        return bad("it ends in pub.txt, the suffix of the public files");
    }
    Ok(())
}

/// The suffix of a hotkey's public file.
const PUB_SUFFIX: &str = "pub.txt";

impl Wallet {
    /// The wallet `name` under `root` (e.g. `~/.bittensor/wallets`).
    pub fn new(root: &Path, name: &str) -> Wallet {
        Wallet {
            root: root.to_path_buf(),
            name: name.to_string(),
        }
    }

    /// The wallet's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The wallet's directory, `ROOT/NAME`.
    pub fn path(&self) -> PathBuf {
        self.root.join(&self.name)
    }

    /// `ROOT/NAME/coldkey`.
    pub fn coldkey_path(&self) -> PathBuf {
        self.path().join("coldkey")
    }

    /// `ROOT/NAME/coldkeypub.txt`.
    pub fn coldkeypub_path(&self) -> PathBuf {
        self.path().join("coldkeypub.txt")
    }

    /// `ROOT/NAME/hotkeys`.
    pub fn hotkeys_dir(&self) -> PathBuf {
        self.path().join("hotkeys")
    }

    /// `ROOT/NAME/hotkeys/H`.
    pub fn hotkey_path(&self, hotkey: &str) -> PathBuf {
        self.hotkeys_dir().join(hotkey)
    }

    /// `ROOT/NAME/hotkeys/Hpub.txt`.
    pub fn hotkeypub_path(&self, hotkey: &str) -> PathBuf {
        self.hotkeys_dir().join(format!("{hotkey}{PUB_SUFFIX}"))
    }

    /// Whether the wallet has a coldkey (its keyfile or its public file). A name that is not
    /// usable (see the creation methods) has none.
    pub fn exists(&self) -> bool {
        check_name("wallet", &self.name).is_ok()
            && (self.coldkey_path().exists() || self.coldkeypub_path().exists())
    }

    /// What to do when the coldkey is missing.
    fn coldkey_hint(&self) -> String {
        format!(
            "create the wallet with `cortex wallet create --name {0}`, or import a coldkey with \
             `cortex wallet import --name {0} --mnemonic \"…\"`",
            self.name
        )
    }

    /// What to do when a hotkey is missing.
    fn hotkey_hint(&self, hotkey: &str) -> String {
        format!(
            "create it with `cortex wallet new-hotkey --name {0} --hotkey {1}`, or import it with \
             `cortex wallet import --name {0} --hotkey {1} --hotkey-mnemonic \"…\"`",
            self.name, hotkey
        )
    }

    /// The names of the wallet's hotkeys, sorted: every file of `hotkeys/` and every hotkey that
    /// has only its public file.
    pub fn hotkeys(&self) -> Result<Vec<String>, WalletError> {
        check_name("wallet", &self.name)?;
        let dir = self.hotkeys_dir();
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if self.path().is_dir() {
                    return Ok(Vec::new());
                }
                return Err(WalletError::NotFound {
                    path: self.path(),
                    hint: self.coldkey_hint(),
                });
            }
            Err(e) => return Err(fs::io(&dir)(e)),
        };
        let mut names = std::collections::BTreeSet::new();
        for entry in entries {
            let entry = entry.map_err(fs::io(&dir))?;
            let Ok(file_name) = entry.file_name().into_string() else {
                continue;
            };
            if file_name.starts_with('.') || !entry.path().is_file() {
                continue;
            }
            let name = file_name
                .strip_suffix(PUB_SUFFIX)
                .map(str::to_string)
                .unwrap_or(file_name);
            if !name.is_empty() {
                names.insert(name);
            }
        }
        Ok(names.into_iter().collect())
    }

    /// Reads the key file `path`, asking `password` only if it is encrypted (`None`: an
    /// encrypted file is an error). A missing file is `Ok(None)`.
    fn read_key(
        &self,
        path: &Path,
        label: &str,
        password: Option<&dyn PasswordSource>,
    ) -> Result<Option<KeyMaterial>, WalletError> {
        let Some(data) = fs::read_optional(path)? else {
            return Ok(None);
        };
        let plaintext = if nacl::is_nacl(&data) {
            let Some(source) = password else {
                return Err(WalletError::PasswordUnavailable {
                    path: path.to_path_buf(),
                    reason: format!("{label} is encrypted; its password is needed to read it"),
                });
            };
            let secret = source.password(path, label)?;
            nacl::decrypt(&data, secret.as_bytes()).map_err(|e| match e {
                nacl::NaclError::WrongPassword => WalletError::WrongPassword {
                    path: path.to_path_buf(),
                },
                nacl::NaclError::Malformed(why) => WalletError::Corrupt {
                    path: path.to_path_buf(),
                    reason: why.to_string(),
                },
                nacl::NaclError::Kdf(why) | nacl::NaclError::Random(why) => {
                    WalletError::Crypto(format!("{}: {why}", path.display()))
                }
            })?
        } else if data.starts_with(b"$ANSIBLE_VAULT") || data.starts_with(b"gAAAAA") {
            return Err(WalletError::Unsupported {
                path: path.to_path_buf(),
                reason: "it uses one of bittensor's legacy encryptions (ansible-vault or \
                         Fernet), which Cortex does not read: import the key again from its \
                         mnemonic (`cortex wallet import … --overwrite`)"
                    .into(),
            });
        } else {
            Zeroizing::new(data)
        };
        let corrupt = |reason: String| WalletError::Corrupt {
            path: path.to_path_buf(),
            reason,
        };
        let json = KeyfileJson::parse(&plaintext).map_err(corrupt)?;
        json.material().map(Some).map_err(corrupt)
    }

    /// A signing key from `material`, or why the file cannot sign.
    fn signer(path: &Path, material: KeyMaterial) -> Result<Sr25519Pair, WalletError> {
        match material {
            KeyMaterial::Sr25519(pair) => Ok(*pair),
            KeyMaterial::Public {
                account,
                crypto_type: CRYPTO_ED25519,
                ..
            } => Err(WalletError::Unsupported {
                path: path.to_path_buf(),
                reason: format!(
                    "{account} is an ed25519 key; Cortex signs with sr25519 keys only \
                     (cryptoType 1): make an sr25519 key for this wallet"
                ),
            }),
            KeyMaterial::Public { account, .. } => Err(WalletError::Unsupported {
                path: path.to_path_buf(),
                reason: format!(
                    "it holds only the public key of {account}, no secret: import the key \
                     from its mnemonic to sign with it"
                ),
            }),
        }
    }

    /// The coldkey's account, from `coldkeypub.txt` (no password). Without that file, a
    /// plaintext coldkey file answers too.
    pub fn coldkey_pub(&self) -> Result<AccountId32, WalletError> {
        check_name("wallet", &self.name)?;
        let label = self.coldkey_label();
        let pub_path = self.coldkeypub_path();
        if let Some(material) = self.read_key(&pub_path, &label, None)? {
            return Ok(material.account());
        }
        let key_path = self.coldkey_path();
        match self.read_key(&key_path, &label, None) {
            Ok(Some(material)) => Ok(material.account()),
            Ok(None) => Err(WalletError::NotFound {
                path: pub_path,
                hint: self.coldkey_hint(),
            }),
            Err(WalletError::PasswordUnavailable { .. }) => Err(WalletError::NotFound {
                path: pub_path,
                hint: format!(
                    "the coldkey is encrypted and its public file is missing; import the \
                     coldkey again (`cortex wallet import --name {} --mnemonic \"…\" \
                     --overwrite`) to write both",
                    self.name
                ),
            }),
            Err(e) => Err(e),
        }
    }

    /// A hotkey's account, from `Hpub.txt`, else from the hotkey file if it is plaintext.
    pub fn hotkey_pub(&self, hotkey: &str) -> Result<AccountId32, WalletError> {
        check_name("wallet", &self.name)?;
        check_name("hotkey", hotkey)?;
        let label = self.hotkey_label(hotkey);
        if let Some(material) = self.read_key(&self.hotkeypub_path(hotkey), &label, None)? {
            return Ok(material.account());
        }
        let path = self.hotkey_path(hotkey);
        match self.read_key(&path, &label, None)? {
            Some(material) => Ok(material.account()),
            None => Err(WalletError::NotFound {
                path,
                hint: self.hotkey_hint(hotkey),
            }),
        }
    }

    /// "the coldkey of wallet 'W'", for prompts and messages.
    fn coldkey_label(&self) -> String {
        format!("the coldkey of wallet '{}'", self.name)
    }

    /// "hotkey 'H' of wallet 'W'".
    fn hotkey_label(&self, hotkey: &str) -> String {
        format!("hotkey '{hotkey}' of wallet '{}'", self.name)
    }

    /// Whether the coldkey file is encrypted.
    pub fn coldkey_encrypted(&self) -> Result<bool, WalletError> {
        check_name("wallet", &self.name)?;
        let path = self.coldkey_path();
        match fs::read_optional(&path)? {
            Some(data) => Ok(nacl::is_nacl(&data)),
            None => Err(WalletError::NotFound {
                path,
                hint: self.coldkey_hint(),
            }),
        }
    }

    /// The coldkey's signing pair; `password` is asked if the file is encrypted.
    pub fn coldkey(&self, password: &dyn PasswordSource) -> Result<Sr25519Pair, WalletError> {
        check_name("wallet", &self.name)?;
        let path = self.coldkey_path();
        match self.read_key(&path, &self.coldkey_label(), Some(password))? {
            Some(material) => Wallet::signer(&path, material),
            None => Err(WalletError::NotFound {
                path,
                hint: self.coldkey_hint(),
            }),
        }
    }

    /// A hotkey's signing pair; `password` is asked if the file is encrypted.
    pub fn hotkey(
        &self,
        hotkey: &str,
        password: &dyn PasswordSource,
    ) -> Result<Sr25519Pair, WalletError> {
        check_name("wallet", &self.name)?;
        check_name("hotkey", hotkey)?;
        let path = self.hotkey_path(hotkey);
        match self.read_key(&path, &self.hotkey_label(hotkey), Some(password))? {
            Some(material) => Wallet::signer(&path, material),
            None => Err(WalletError::NotFound {
                path,
                hint: self.hotkey_hint(hotkey),
            }),
        }
    }

    /// Creates the coldkey (`coldkey` + `coldkeypub.txt`) from `secret`, encrypted with
    /// `password` if given. Without `overwrite`, an existing coldkey is refused and nothing is
    /// touched. Returns the coldkey's account.
    pub fn create_coldkey(
        &self,
        secret: &Secret,
        password: Option<&str>,
        overwrite: bool,
    ) -> Result<AccountId32, WalletError> {
        let key = NewKey {
            slot: KeySlot::Coldkey,
            secret,
            password,
        };
        first(self.create_keys(&[key], overwrite)?)
    }

    /// Creates the hotkey `hotkey` (`hotkeys/H` + `hotkeys/Hpub.txt`), like
    /// [`Wallet::create_coldkey`]. Returns the hotkey's account.
    pub fn create_hotkey(
        &self,
        hotkey: &str,
        secret: &Secret,
        password: Option<&str>,
        overwrite: bool,
    ) -> Result<AccountId32, WalletError> {
        let key = NewKey {
            slot: KeySlot::Hotkey(hotkey),
            secret,
            password,
        };
        first(self.create_keys(&[key], overwrite)?)
    }

    /// The (keyfile, public file) paths of a slot.
    fn slot_paths(&self, slot: KeySlot<'_>) -> (PathBuf, PathBuf) {
        match slot {
            KeySlot::Coldkey => (self.coldkey_path(), self.coldkeypub_path()),
            KeySlot::Hotkey(h) => (self.hotkey_path(h), self.hotkeypub_path(h)),
        }
    }

    /// Checks that none of `slots` has a file yet (keyfile or public file): the check
    /// [`Wallet::create_keys`] makes without `overwrite`, for callers that want to refuse before
    /// asking for a password.
    pub fn ensure_free(&self, slots: &[KeySlot<'_>]) -> Result<(), WalletError> {
        check_name("wallet", &self.name)?;
        for slot in slots {
            if let KeySlot::Hotkey(h) = slot {
                check_name("hotkey", h)?;
            }
            let (file, public) = self.slot_paths(*slot);
            for path in [file, public] {
                // symlink_metadata: a dangling link is still something we would replace.
                if std::fs::symlink_metadata(&path).is_ok() {
                    return Err(WalletError::AlreadyExists { path });
                }
            }
        }
        Ok(())
    }

    /// Creates several keys at once (a coldkey and its first hotkey): all or nothing. Every
    /// name and secret is checked and, without `overwrite`, every target is checked to be free
    /// before anything is written; then all files are staged and renamed into place. Returns
    /// the accounts in the order of `keys`.
    pub fn create_keys(
        &self,
        keys: &[NewKey<'_>],
        overwrite: bool,
    ) -> Result<Vec<AccountId32>, WalletError> {
        check_name("wallet", &self.name)?;
        for (i, key) in keys.iter().enumerate() {
            if let KeySlot::Hotkey(h) = key.slot {
                check_name("hotkey", h)?;
            }
            if keys
                .get(..i)
                .is_some_and(|before| before.iter().any(|k| k.slot == key.slot))
            {
                let what = match key.slot {
                    KeySlot::Coldkey => "the coldkey".to_string(),
                    KeySlot::Hotkey(h) => format!("hotkey {h:?}"),
                };
                return Err(WalletError::InvalidInput(format!("{what} is given twice")));
            }
            if key.password == Some("") {
                return Err(WalletError::InvalidInput(
                    "an empty password encrypts nothing: give a password, or write the key \
                     unencrypted (--no-password)"
                        .into(),
                ));
            }
        }
        if !overwrite {
            let slots: Vec<_> = keys.iter().map(|k| k.slot).collect();
            self.ensure_free(&slots)?;
        }
        // Derive and encrypt everything before touching the disk (Argon2 takes a second).
        let mut contents = Vec::with_capacity(keys.len());
        let mut accounts = Vec::with_capacity(keys.len());
        for key in keys {
            let (pair, seed) = key.secret.derive()?;
            let phrase = key.secret.phrase().zip(seed.as_deref());
            let json = KeyfileJson::private(&pair, phrase);
            let body = match key.password {
                Some(password) => Zeroizing::new(
                    nacl::encrypt(&json, password.as_bytes())
                        .map_err(|e| WalletError::Crypto(format!("could not encrypt: {e:?}")))?,
                ),
                None => json,
            };
            let (file, public) = self.slot_paths(key.slot);
            contents.push((file, body));
            contents.push((public, Zeroizing::new(KeyfileJson::public(&pair.public()))));
            accounts.push(pair.public());
        }
        let mut created = fs::create_dirs(&self.path())?;
        if keys.iter().any(|k| matches!(k.slot, KeySlot::Hotkey(_))) {
            match fs::create_dirs(&self.hotkeys_dir()) {
                Ok(more) => created.extend(more),
                Err(e) => {
                    remove_dirs(&created);
                    return Err(e);
                }
            }
        }
        let mut staged = Vec::with_capacity(contents.len());
        for (path, body) in &contents {
            match fs::Staged::write(path, body) {
                Ok(file) => staged.push(file),
                Err(e) => {
                    drop(staged);
                    remove_dirs(&created);
                    return Err(e);
                }
            }
        }
        for file in staged {
            file.commit()?;
        }
        tracing::info!(wallet = %self.name, keys = keys.len(), "wallet keys written");
        Ok(accounts)
    }

    /// The wallet at a glance: its coldkey's account and every hotkey's. Reads public files
    /// only; a key that cannot be read is reported in its entry, not as a failure of the whole.
    pub fn summary(&self) -> Result<WalletSummary, WalletError> {
        check_name("wallet", &self.name)?;
        if !self.path().is_dir() {
            return Err(WalletError::NotFound {
                path: self.path(),
                hint: self.coldkey_hint(),
            });
        }
        let hotkeys = self
            .hotkeys()?
            .into_iter()
            .map(|name| HotkeySummary {
                account: self.hotkey_pub(&name),
                name,
            })
            .collect();
        let coldkey_encrypted =
            fs::read_optional(&self.coldkey_path())?.map(|data| nacl::is_nacl(&data));
        Ok(WalletSummary {
            name: self.name.clone(),
            path: self.path(),
            coldkey: self.coldkey_pub(),
            coldkey_encrypted,
            hotkeys,
        })
    }
}

/// The only account of a one-key creation.
fn first(accounts: Vec<AccountId32>) -> Result<AccountId32, WalletError> {
    accounts
        .into_iter()
        .next()
        .ok_or_else(|| WalletError::InvalidInput("no key was created".into()))
}

/// Removes directories a failed creation made (deepest first; only if still empty).
fn remove_dirs(created: &[PathBuf]) {
    for dir in created.iter().rev() {
        let _ = std::fs::remove_dir(dir);
    }
}

/// Every wallet under `root`, sorted by name (an absent root has none). A wallet whose keys
/// cannot be read is still listed, with the reason in its entry.
pub fn list_wallets(root: &Path) -> Result<Vec<WalletSummary>, WalletError> {
    let entries = match std::fs::read_dir(root) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(fs::io(root)(e)),
    };
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(fs::io(root))?;
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        if !name.starts_with('.') && entry.path().is_dir() {
            names.push(name);
        }
    }
    names.sort();
    names
        .iter()
        .map(|name| Wallet::new(root, name).summary())
        .collect()
}

/// The bytes a message text stands for, as bittensor's `Keypair.sign` and `verify` read a
/// string: text starting with `0x` is hex (and must be valid hex); anything else is its UTF-8.
pub fn message_bytes(text: &str) -> Result<Vec<u8>, WalletError> {
    match text.strip_prefix("0x") {
        Some(digits) => hex::decode(digits).map_err(|e| {
            WalletError::InvalidInput(format!(
                "the message starts with 0x, so it is read as hex (as bittensor does), but \
                 it is not hex: {e}"
            ))
        }),
        None => Ok(text.as_bytes().to_vec()),
    }
}

/// Whether `signature` is `signer`'s sr25519 signature of `message`, or of
/// `<Bytes>message</Bytes>` (the polkadot-js wrapping bittensor's `verify` also accepts).
pub fn verify_message(signature: &[u8; 64], message: &[u8], signer: &AccountId32) -> bool {
    if sr25519_verify(signature, message, signer) {
        return true;
    }
    let mut wrapped = Vec::with_capacity(message.len() + 15);
    wrapped.extend_from_slice(b"<Bytes>");
    wrapped.extend_from_slice(message);
    wrapped.extend_from_slice(b"</Bytes>");
    sr25519_verify(signature, &wrapped, signer)
}

#[cfg(test)]
mod tests;
