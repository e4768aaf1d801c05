//! Typed reads. Wherever a runtime API answers in one call (the metagraph, every subnet's
//! dynamic info, a coldkey's stakes), the client makes that one `state_call`, as bittensor's
//! Python SDK does, and decodes it with the runtime's own types; single storage items
//! (a balance, a subnet's burn, a hotkey's uid) are one `state_getStorage`.
//!
//! Every method reads the best block unless it takes an `at` hash.

use crate::chain::Client;
use crate::error::ClientError;
use codec::Encode;
use cortex_primitives::{AccountId32, NetUid};
use cortex_runtime::keys;
use cortex_runtime::types::{
    AccountInfo, DelegateInfo, DynamicInfo, HyperparamEntry, HyperparamValue, Metagraph,
    NeuronInfo, NeuronInfoLite, SimSwapResult, StakeInfo,
};

/// Where a subnet stands in its tempo.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EpochCountdown {
    /// The best block.
    pub block: u64,
    /// The subnet's tempo, in blocks.
    pub tempo: u16,
    /// The block at which its next epoch runs.
    pub next_epoch_block: u64,
    /// Blocks from now until then.
    pub blocks_left: u64,
}

impl Client {
    /// `System.Account` of `who` (zero when the account does not exist).
    pub async fn account(&self, who: &AccountId32) -> Result<AccountInfo, ClientError> {
        Ok(self
            .storage_decoded::<AccountInfo>("System.Account", &keys::account(who), None)
            .await?
            .unwrap_or_default())
    }

    /// The free balance of `who`, in rao.
    pub async fn free_balance(&self, who: &AccountId32) -> Result<u64, ClientError> {
        Ok(self.account(who).await?.data.free)
    }

    /// Every subnet's dynamic info (pool, price, tempo, owner, name), root included.
    pub async fn subnets(&self) -> Result<Vec<DynamicInfo>, ClientError> {
        let all: Vec<Option<DynamicInfo>> = self
            .state_call("SubnetInfoRuntimeApi_get_all_dynamic_info", &[], None)
            .await?;
        Ok(all.into_iter().flatten().collect())
    }

    /// One subnet's dynamic info, `None` when it does not exist.
    pub async fn dynamic_info(&self, netuid: NetUid) -> Result<Option<DynamicInfo>, ClientError> {
        self.state_call(
            "SubnetInfoRuntimeApi_get_dynamic_info",
            &netuid.0.encode(),
            None,
        )
        .await
    }

    /// The subnet's dynamic info, or [`subnet_missing`].
    pub async fn require_subnet(&self, netuid: NetUid) -> Result<DynamicInfo, ClientError> {
        self.dynamic_info(netuid)
            .await?
            .ok_or_else(|| subnet_missing(netuid))
    }

    /// The subnet's hyperparameters by name, in subtensor's order; `None` when it does not exist.
    pub async fn hyperparams(
        &self,
        netuid: NetUid,
    ) -> Result<Option<Vec<(String, HyperparamValue)>>, ClientError> {
        let entries: Option<Vec<HyperparamEntry>> = self
            .state_call(
                "SubnetInfoRuntimeApi_get_subnet_hyperparams_v3",
                &netuid.0.encode(),
                None,
            )
            .await?;
        Ok(entries.map(|list| {
            list.into_iter()
                .map(|e| (String::from_utf8_lossy(&e.name).into_owned(), e.value))
                .collect()
        }))
    }

    /// The price of a burned registration on `netuid` now, in rao.
    pub async fn burn_cost(&self, netuid: NetUid) -> Result<u64, ClientError> {
        self.require_subnet(netuid).await?;
        Ok(self
            .storage_decoded::<u64>("SubtensorModule.Burn", &keys::burn(netuid), None)
            .await?
            // The item's default, as the runtime declares it.
            .unwrap_or(100_000_000))
    }

    /// The TAO a new subnet locks now, in rao.
    pub async fn network_lock_cost(&self) -> Result<u64, ClientError> {
        self.state_call(
            "SubnetRegistrationRuntimeApi_get_network_registration_cost",
            &[],
            None,
        )
        .await
    }

    /// The uid of `hotkey` on `netuid`, if it is registered there.
    pub async fn uid_of(
        &self,
        netuid: NetUid,
        hotkey: &AccountId32,
    ) -> Result<Option<u16>, ClientError> {
        self.storage_decoded("SubtensorModule.Uids", &keys::uid(netuid, hotkey), None)
            .await
    }

    /// Every neuron of `netuid`, without weights and bonds.
    pub async fn neurons_lite(&self, netuid: NetUid) -> Result<Vec<NeuronInfoLite>, ClientError> {
        self.state_call(
            "NeuronInfoRuntimeApi_get_neurons_lite",
            &netuid.0.encode(),
            None,
        )
        .await
    }

    /// One neuron with its weights and bonds.
    pub async fn neuron(
        &self,
        netuid: NetUid,
        uid: u16,
    ) -> Result<Option<NeuronInfo>, ClientError> {
        self.state_call(
            "NeuronInfoRuntimeApi_get_neuron",
            &(netuid.0, uid).encode(),
            None,
        )
        .await
    }

    /// The subnet's whole metagraph in one call; `None` when the subnet does not exist.
    pub async fn metagraph(&self, netuid: NetUid) -> Result<Option<Metagraph>, ClientError> {
        self.state_call(
            "SubnetInfoRuntimeApi_get_metagraph",
            &netuid.0.encode(),
            None,
        )
        .await
    }

    /// Every stake of `coldkey`: one entry per (hotkey, netuid).
    pub async fn stakes_of_coldkey(
        &self,
        coldkey: &AccountId32,
    ) -> Result<Vec<StakeInfo>, ClientError> {
        self.state_call(
            "StakeInfoRuntimeApi_get_stake_info_for_coldkey",
            &coldkey.encode(),
            None,
        )
        .await
    }

    /// The stake of `coldkey` on `hotkey` in `netuid`, if any.
    pub async fn stake(
        &self,
        hotkey: &AccountId32,
        coldkey: &AccountId32,
        netuid: NetUid,
    ) -> Result<Option<StakeInfo>, ClientError> {
        self.state_call(
            "StakeInfoRuntimeApi_get_stake_info_for_hotkey_coldkey_netuid",
            &(hotkey, coldkey, netuid.0).encode(),
            None,
        )
        .await
    }

    /// Every delegate (hotkey with a take) and who stakes to it.
    pub async fn delegates(&self) -> Result<Vec<DelegateInfo>, ClientError> {
        self.state_call("DelegateInfoRuntimeApi_get_delegates", &[], None)
            .await
    }

    /// One delegate, if `hotkey` is one.
    pub async fn delegate(
        &self,
        hotkey: &AccountId32,
    ) -> Result<Option<DelegateInfo>, ClientError> {
        self.state_call(
            "DelegateInfoRuntimeApi_get_delegate",
            &hotkey.encode(),
            None,
        )
        .await
    }

    /// The subnet's alpha price in rao of TAO per alpha (times 1e9: 1 TAO per alpha is 1e9).
    pub async fn alpha_price(&self, netuid: NetUid) -> Result<u64, ClientError> {
        self.state_call(
            "SwapRuntimeApi_current_alpha_price",
            &netuid.0.encode(),
            None,
        )
        .await
    }

    /// What staking `tao_rao` into `netuid` would give now.
    pub async fn sim_stake(
        &self,
        netuid: NetUid,
        tao_rao: u64,
    ) -> Result<SimSwapResult, ClientError> {
        self.state_call(
            "SwapRuntimeApi_sim_swap_tao_for_alpha",
            &(netuid.0, tao_rao).encode(),
            None,
        )
        .await
    }

    /// What unstaking `alpha` from `netuid` would give now.
    pub async fn sim_unstake(
        &self,
        netuid: NetUid,
        alpha: u64,
    ) -> Result<SimSwapResult, ClientError> {
        self.state_call(
            "SwapRuntimeApi_sim_swap_alpha_for_tao",
            &(netuid.0, alpha).encode(),
            None,
        )
        .await
    }

    /// The block and tempo countdown of `netuid`: when its next epoch runs.
    pub async fn epoch_countdown(&self, netuid: NetUid) -> Result<EpochCountdown, ClientError> {
        let info = self.require_subnet(netuid).await?;
        let next: Option<u64> = self
            .state_call(
                "SubnetInfoRuntimeApi_get_next_epoch_start_block",
                &netuid.0.encode(),
                None,
            )
            .await?;
        let block = self.best_number().await?;
        let block = u64::from(block);
        let next = next.unwrap_or(block);
        Ok(EpochCountdown {
            block,
            tempo: info.tempo,
            next_epoch_block: next,
            blocks_left: next.saturating_sub(block),
        })
    }

    /// The weight commits of `hotkey` on `netuid` (mechanism 0): `(hash, commit block, first
    /// reveal block, last reveal block)` each.
    pub async fn weight_commits(
        &self,
        netuid: NetUid,
        hotkey: &AccountId32,
    ) -> Result<Vec<([u8; 32], u64, u64, u64)>, ClientError> {
        Ok(self
            .storage_decoded(
                "SubtensorModule.WeightCommits",
                &keys::weight_commits(netuid.0, hotkey),
                None,
            )
            .await?
            .unwrap_or_default())
    }
}

/// The error for a netuid the chain does not have: it names the netuid and how to list them.
pub fn subnet_missing(netuid: NetUid) -> ClientError {
    ClientError::Refused(format!(
        "subnet {} does not exist on this chain: `cortex subnet list` shows the netuids",
        netuid.0
    ))
}

/// A hyperparameter's value as a number, where it is one (flags as 0/1).
pub fn hyperparam_number(value: &HyperparamValue) -> Option<u128> {
    Some(match value {
        HyperparamValue::Bool(b) => u128::from(*b),
        HyperparamValue::U16(v) => u128::from(v.0),
        HyperparamValue::U32(v) => u128::from(v.0),
        HyperparamValue::U64(v) | HyperparamValue::TaoBalance(v) => u128::from(v.0),
        HyperparamValue::U128(v) => v.0,
        HyperparamValue::I32F32(_) | HyperparamValue::U64F64(_) => return None,
    })
}
