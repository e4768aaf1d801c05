//! Genesis: the state a chain starts from, and the dev chain.
//!
//! A [`GenesisConfig`] lists endowed accounts, the sudo key, the root subnet's owner and the
//! chain's [`ChainParams`] (the values subtensor compiles in as runtime constants; Cortex keeps
//! them in state under the `CortexConfig` prefix, which clients never read, so that one binary
//! runs both the main-network values and the fast dev values). [`GenesisConfig::dev`] is the
//! dev chain: //Alice … //Ferdie with 1,000,000 TAO each, //Alice as sudo and root owner,
//! subtensor's `fast-runtime` values (tempo 10, 32 epochs per block) and commit-reveal off for
//! new subnets, so that clients can use plain `set_weights` (owners can turn it on), and axons
//! may serve on loopback addresses, so that miners and validators run on one machine.

use crate::balances;
use crate::storage::Storage;
use crate::subtensor::storage::*;
use cortex_primitives::crypto::Sr25519Pair;
use cortex_primitives::{AccountId32, NetUid};

/// 1 TAO in rao.
pub const TAO: u64 = 1_000_000_000;

/// The values subtensor fixes at compile time (`prod_or_fast!`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChainParams {
    /// Tempo of new subnets (360; 10 in fast runtime).
    pub initial_tempo: u16,
    /// Tempo of the root subnet (100).
    pub root_tempo: u16,
    /// Most epochs per block (2; 32 in fast runtime).
    pub max_epochs_per_block: u8,
    /// Whether new subnets start with commit-reveal on.
    pub initial_commit_reveal: bool,
    /// Block time in milliseconds (12,000; 250 in fast runtime).
    pub block_time_ms: u64,
    /// `AdminFreezeWindow`: the blocks before each epoch in which owners may not change
    /// hyperparameters (10). The dev chain uses 1: at tempo 10, subtensor's 10 would freeze every
    /// block and refuse every owner setter (`docs/deviations.md`).
    pub admin_freeze_window: u16,
    /// `ColdkeySwapAnnouncementDelay` and `ColdkeySwapReannouncementDelay` in blocks (5 days
    /// and 1 day; 50 and 10 in fast runtime). Cortex has no coldkey swap yet; clients show them.
    pub coldkey_swap_delays: (u32, u32),
    /// Whether `serve_axon` and `serve_prometheus` accept loopback addresses (127.0.0.1, ::1).
    /// Subtensor refuses them (`InvalidIpAddress`); the dev chain accepts them so that a whole
    /// network (`cortex localnet`) runs on one machine (`docs/deviations.md`).
    pub allow_loopback_ips: bool,
}

impl ChainParams {
    /// Subtensor's main-network values.
    pub const MAINNET: ChainParams = ChainParams {
        initial_tempo: 360,
        root_tempo: 100,
        max_epochs_per_block: 2,
        initial_commit_reveal: true,
        block_time_ms: 12_000,
        admin_freeze_window: 10,
        coldkey_swap_delays: (36_000, 7_200),
        allow_loopback_ips: false,
    };

    /// Subtensor's `fast-runtime` values, with commit-reveal off for new subnets.
    pub const FAST: ChainParams = ChainParams {
        initial_tempo: 10,
        root_tempo: 100,
        max_epochs_per_block: 32,
        initial_commit_reveal: false,
        block_time_ms: 250,
        admin_freeze_window: 1,
        coldkey_swap_delays: (50, 10),
        allow_loopback_ips: true,
    };
}

/// Why a genesis could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GenesisError {
    /// An endowment below the existential deposit, or one that overflows.
    #[error(
        "cannot endow {account} with {amount} rao: balances must be at least the existential deposit (500 rao)"
    )]
    Endowment {
        /// The account, in SS58.
        account: String,
        /// The amount.
        amount: u64,
    },
    /// The same account is endowed twice.
    #[error("account {0} is endowed twice; list each account once")]
    Duplicate(String),
    /// A dev key could not be derived.
    #[error("cannot derive the dev key {0}")]
    DevKey(String),
}

/// What a chain starts with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GenesisConfig {
    /// Endowed accounts and their free balances, in rao.
    pub balances: Vec<(AccountId32, u64)>,
    /// The sudo key.
    pub sudo: Option<AccountId32>,
    /// The root subnet's owner `(coldkey, hotkey)`.
    pub root_owner: Option<(AccountId32, AccountId32)>,
    /// Compile-time values of subtensor.
    pub params: ChainParams,
}

/// The dev accounts, in order.
pub const DEV_ACCOUNTS: [&str; 6] = [
    "//Alice",
    "//Bob",
    "//Charlie",
    "//Dave",
    "//Eve",
    "//Ferdie",
];

/// The dev chain's block author (fees go to it): //One, subtensor localnet's Aura authority.
pub const DEV_AUTHOR: &str = "//One";

/// The account of a dev secret URI such as `//Alice`.
pub fn dev_account(uri: &str) -> Result<AccountId32, GenesisError> {
    Sr25519Pair::from_uri(uri)
        .map(|p| p.public())
        .map_err(|_| GenesisError::DevKey(uri.to_string()))
}

impl GenesisConfig {
    /// The dev chain (see the module documentation).
    pub fn dev() -> Result<GenesisConfig, GenesisError> {
        let balances = DEV_ACCOUNTS
            .iter()
            .map(|uri| dev_account(uri).map(|a| (a, 1_000_000u64.saturating_mul(TAO))))
            .collect::<Result<Vec<_>, _>>()?;
        let alice = dev_account("//Alice")?;
        let alice_hotkey = dev_account("//Alice_hk")?;
        Ok(GenesisConfig {
            balances,
            sudo: Some(alice),
            root_owner: Some((alice, alice_hotkey)),
            params: ChainParams::FAST,
        })
    }

    /// The genesis state.
    pub fn build(&self) -> Result<Storage, GenesisError> {
        let mut s = Storage::new();
        let mut seen = std::collections::BTreeSet::new();
        for (who, amount) in &self.balances {
            if !seen.insert(*who) {
                return Err(GenesisError::Duplicate(who.to_ss58(42)));
            }
            balances::mint_into(&mut s, who, *amount, &mut Vec::new()).map_err(|_| {
                GenesisError::Endowment {
                    account: who.to_ss58(42),
                    amount: *amount,
                }
            })?;
        }
        if let Some(key) = self.sudo {
            crate::sudo::Key::put(&mut s, &key);
        }
        let p = self.params;
        InitialTempo::put(&mut s, &p.initial_tempo);
        InitialCommitReveal::put(&mut s, &p.initial_commit_reveal);
        BlockTimeMs::put(&mut s, &p.block_time_ms);
        MaxEpochsPerBlock::put(&mut s, &p.max_epochs_per_block);
        AllowLoopbackIps::put(&mut s, &p.allow_loopback_ips);
        crate::subtensor::owner::AdminFreezeWindow::put(&mut s, &p.admin_freeze_window);
        let (announcement, reannouncement) = p.coldkey_swap_delays;
        crate::subtensor::declared::ColdkeySwapAnnouncementDelay::put(&mut s, &announcement);
        crate::subtensor::declared::ColdkeySwapReannouncementDelay::put(&mut s, &reannouncement);

        // The root subnet (netuid 0), as subtensor's genesis writes it.
        let root = NetUid::ROOT;
        NetworksAdded::insert(&mut s, &root, &true);
        TotalNetworks::put(&mut s, &1);
        if let Some((coldkey, hotkey)) = self.root_owner {
            SubnetOwner::insert(&mut s, &root, &coldkey);
            SubnetOwnerHotkey::insert(&mut s, &root, &hotkey);
        }
        SubnetworkN::insert(&mut s, &root, &0);
        MaxAllowedUids::insert(&mut s, &root, &64);
        MaxAllowedValidators::insert(&mut s, &root, &64);
        MinAllowedWeights::insert(&mut s, &root, &0);
        Tempo::insert(&mut s, &root, &p.root_tempo);
        NetworkRegistrationAllowed::insert(&mut s, &root, &true);
        crate::subtensor::registration::TargetRegistrationsPerInterval::insert(&mut s, &root, &1);
        SubtokenEnabled::insert(&mut s, &root, &true);
        TokenSymbol::insert(&mut s, &root, &"\u{03A4}".as_bytes().to_vec());
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dev_chain_endows_the_dev_accounts_and_makes_alice_sudo() {
        let cfg = GenesisConfig::dev().unwrap();
        let s = cfg.build().unwrap();
        let alice = dev_account("//Alice").unwrap();
        assert_eq!(
            alice.to_ss58(42),
            "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
        );
        for uri in DEV_ACCOUNTS {
            let who = dev_account(uri).unwrap();
            assert_eq!(balances::free_balance(&s, &who), 1_000_000 * TAO);
        }
        assert_eq!(balances::total_issuance(&s), 6_000_000 * TAO);
        assert_eq!(crate::sudo::Key::try_get(&s), Some(alice));
        assert!(NetworksAdded::get(&s, &NetUid::ROOT));
        assert_eq!(TotalNetworks::get(&s), 1);
        assert_eq!(InitialTempo::get(&s), 10);
        assert_eq!(MaxEpochsPerBlock::get(&s), 32);
        assert!(!InitialCommitReveal::get(&s));
        // Owners keep 9 of every 10 blocks to set hyperparameters in.
        assert_eq!(crate::subtensor::owner::AdminFreezeWindow::get(&s), 1);
        assert!(crate::subtensor::owner::AdminFreezeWindow::get(&s) < InitialTempo::get(&s));
    }

    #[test]
    fn bad_endowments_are_refused() {
        let a = AccountId32([1; 32]);
        let cfg = GenesisConfig {
            balances: vec![(a, 10)],
            sudo: None,
            root_owner: None,
            params: ChainParams::MAINNET,
        };
        assert!(matches!(cfg.build(), Err(GenesisError::Endowment { .. })));
        let cfg = GenesisConfig {
            balances: vec![(a, TAO), (a, TAO)],
            ..cfg
        };
        assert!(matches!(cfg.build(), Err(GenesisError::Duplicate(_))));
    }

    #[test]
    fn genesis_is_deterministic() {
        let a = GenesisConfig::dev().unwrap().build().unwrap();
        let b = GenesisConfig::dev().unwrap().build().unwrap();
        assert_eq!(a.root(), b.root());
    }
}
