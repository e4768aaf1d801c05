//! `SubnetInfoRuntimeApi_get_selective_metagraph` / `_get_selective_mechagraph`: the metagraph
//! fields a client asks for by index (subtensor's `SelectiveMetagraph` and
//! `SelectiveMetagraphIndex`, `rpc_info/metagraph.rs`).
//!
//! Index 0 is the netuid, 1..=71 are the [`Metagraph`] fields in their order, 72 the validators
//! (uids with a permit and a stake weight above `StakeThreshold`, by ascending stake) and 73 the
//! commitments (each account's raw `Commitments.CommitmentOf` value). Fields not asked for are
//! `None`, and so are unknown indexes: clients ask for every index they know.

use super::metagraph::{Metagraph, get_metagraph, mechanism_exists};
use super::subnet_state::stake_weight;
use crate::commitments::CommitmentOf;
use crate::storage::Storage;
use crate::subtensor::identity::{ChainIdentityV2, SubnetIdentityV3};
use crate::subtensor::serving::AxonInfo;
use crate::subtensor::storage::{Keys, NetworksAdded, StakeThreshold, ValidatorPermit};
use codec::{Compact, Decode, Encode};
use cortex_primitives::{AccountId32, NetUid};
use substrate_fixed::types::{I96F32, U96F32};

/// Index of the validators field.
pub const VALIDATORS: u16 = 72;
/// Index of the commitments field.
pub const COMMITMENTS: u16 = 73;

/// Declares [`SelectiveMetagraph`] (the netuid, then each listed [`Metagraph`] field as an
/// `Option` of its wire type, then validators and commitments) and the copy of one field by
/// its index.
macro_rules! selective {
    ($($index:literal $field:ident: $ty:ty;)*) => {
        /// Field for field subtensor's `SelectiveMetagraph`: 73 fields, all but the netuid
        /// optional.
        #[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
        pub struct SelectiveMetagraph {
            /// The subnet (0 unless index 0 was asked for, as subtensor answers).
            #[codec(compact)]
            pub netuid: u16,
            $(
                #[doc = concat!("[`Metagraph`]'s `", stringify!($field), "` (index ",
                    stringify!($index), "), if asked for.")]
                pub $field: Option<$ty>,
            )*
            /// Uids holding a validator permit with a stake weight above the threshold, by
            /// ascending stake (index 72).
            pub validators: Option<Vec<Compact<u16>>>,
            /// `(account, raw CommitmentOf value)` of each commitment on the subnet (index 73).
            pub commitments: Option<Vec<(AccountId32, Vec<Compact<u8>>)>>,
        }

        impl SelectiveMetagraph {
            /// Copies field `index` (1..=71) of `m`; other indexes change nothing.
            fn copy(&mut self, m: &Metagraph, index: u16) {
                match index {
                    $($index => self.$field = Some(m.$field.clone().into()),)*
                    _ => {}
                }
            }
        }
    };
}

selective! {
    1 name: Vec<Compact<u8>>;
    2 symbol: Vec<Compact<u8>>;
    3 identity: Option<SubnetIdentityV3>;
    4 network_registered_at: Compact<u64>;
    5 owner_hotkey: AccountId32;
    6 owner_coldkey: AccountId32;
    7 block: Compact<u64>;
    8 tempo: Compact<u16>;
    9 last_step: Compact<u64>;
    10 blocks_since_last_step: Compact<u64>;
    11 subnet_emission: Compact<u64>;
    12 alpha_in: Compact<u64>;
    13 alpha_out: Compact<u64>;
    14 tao_in: Compact<u64>;
    15 alpha_out_emission: Compact<u64>;
    16 alpha_in_emission: Compact<u64>;
    17 tao_in_emission: Compact<u64>;
    18 pending_alpha_emission: Compact<u64>;
    19 pending_root_emission: Compact<u64>;
    20 subnet_volume: Compact<u128>;
    21 moving_price: I96F32;
    22 rho: Compact<u16>;
    23 kappa: Compact<u16>;
    24 min_allowed_weights: Compact<u16>;
    25 max_weights_limit: Compact<u16>;
    26 weights_version: Compact<u64>;
    27 weights_rate_limit: Compact<u64>;
    28 activity_cutoff: Compact<u64>;
    29 max_validators: Compact<u16>;
    30 num_uids: Compact<u16>;
    31 max_uids: Compact<u16>;
    32 burn: Compact<u64>;
    33 difficulty: Compact<u64>;
    34 registration_allowed: bool;
    35 pow_registration_allowed: bool;
    36 immunity_period: Compact<u16>;
    37 min_difficulty: Compact<u64>;
    38 max_difficulty: Compact<u64>;
    39 min_burn: Compact<u64>;
    40 max_burn: Compact<u64>;
    41 adjustment_alpha: Compact<u64>;
    42 adjustment_interval: Compact<u16>;
    43 target_regs_per_interval: Compact<u16>;
    44 max_regs_per_block: Compact<u16>;
    45 serving_rate_limit: Compact<u64>;
    46 commit_reveal_weights_enabled: bool;
    47 commit_reveal_period: Compact<u64>;
    48 liquid_alpha_enabled: bool;
    49 alpha_high: Compact<u16>;
    50 alpha_low: Compact<u16>;
    51 bonds_moving_avg: Compact<u64>;
    52 hotkeys: Vec<AccountId32>;
    53 coldkeys: Vec<AccountId32>;
    54 identities: Vec<Option<ChainIdentityV2>>;
    55 axons: Vec<AxonInfo>;
    56 active: Vec<bool>;
    57 validator_permit: Vec<bool>;
    58 pruning_score: Vec<Compact<u16>>;
    59 last_update: Vec<Compact<u64>>;
    60 emission: Vec<Compact<u64>>;
    61 dividends: Vec<Compact<u16>>;
    62 incentives: Vec<Compact<u16>>;
    63 consensus: Vec<Compact<u16>>;
    64 trust: Vec<Compact<u16>>;
    65 rank: Vec<Compact<u16>>;
    66 block_at_registration: Vec<Compact<u64>>;
    67 alpha_stake: Vec<Compact<u64>>;
    68 tao_stake: Vec<Compact<u64>>;
    69 total_stake: Vec<Compact<u64>>;
    70 tao_dividends_per_hotkey: Vec<(AccountId32, Compact<u64>)>;
    71 alpha_dividends_per_hotkey: Vec<(AccountId32, Compact<u64>)>;
}

/// The validators of `netuid`: uids with a permit whose stake weight exceeds `StakeThreshold`,
/// in ascending stake order (ties keep the `Keys` storage order).
pub fn validators(s: &Storage, netuid: NetUid) -> Vec<Compact<u16>> {
    let threshold = U96F32::saturating_from_num(StakeThreshold::get(s));
    let permits = ValidatorPermit::get(s, &netuid);
    let mut staked: Vec<(u16, U96F32)> = Keys::iter_prefix(s, &netuid)
        .into_iter()
        .filter(|(uid, _)| permits.get(usize::from(*uid)).copied().unwrap_or(false))
        .map(|(uid, hotkey)| (uid, stake_weight(s, &hotkey, netuid)))
        .collect();
    staked.sort_by_key(|(_, stake)| *stake);
    staked
        .into_iter()
        .filter(|(_, stake)| *stake > threshold)
        .map(|(uid, _)| Compact(uid))
        .collect()
}

/// Every commitment on `netuid`: the account and its SCALE-encoded `CommitmentOf` value, one
/// compact per byte, in storage order.
pub fn commitments(s: &Storage, netuid: NetUid) -> Vec<(AccountId32, Vec<Compact<u8>>)> {
    CommitmentOf::iter_prefix(s, &netuid)
        .into_iter()
        .map(|(account, registration)| {
            let bytes = registration.encode();
            (account, bytes.into_iter().map(Compact).collect())
        })
        .collect()
}

/// The fields `indexes` asks for; `netuid` only when index 0 is among them.
fn select(s: &Storage, netuid: NetUid, indexes: &[u16]) -> SelectiveMetagraph {
    let mut out = SelectiveMetagraph::default();
    // The whole metagraph is read once, and only if a field of it is asked for.
    let full = indexes
        .iter()
        .any(|i| (1..VALIDATORS).contains(i))
        .then(|| get_metagraph(s, netuid.0))
        .flatten();
    for &index in indexes {
        match index {
            0 => out.netuid = netuid.0,
            VALIDATORS => out.validators = Some(validators(s, netuid)),
            COMMITMENTS => out.commitments = Some(commitments(s, netuid)),
            _ => {
                if let Some(m) = &full {
                    out.copy(m, index);
                }
            }
        }
    }
    out
}

/// `get_selective_metagraph(netuid, metagraph_indexes)`: `None` unless the subnet exists.
pub fn get_selective_metagraph(
    s: &Storage,
    netuid: u16,
    metagraph_indexes: Vec<u16>,
) -> Option<SelectiveMetagraph> {
    let n = NetUid(netuid);
    NetworksAdded::get(s, &n).then(|| select(s, n, &metagraph_indexes))
}

/// `get_selective_mechagraph(netuid, subid, metagraph_indexes)`: mechanism 0 is the subnet,
/// whose netuid is always set (as subtensor does for mechagraphs); other mechanisms do not
/// exist on Cortex (`None`).
pub fn get_selective_mechagraph(
    s: &Storage,
    netuid: u16,
    subid: u8,
    metagraph_indexes: Vec<u16>,
) -> Option<SelectiveMetagraph> {
    if !mechanism_exists(s, netuid, subid) {
        return None;
    }
    let mut out = select(s, NetUid(netuid), &metagraph_indexes);
    out.netuid = netuid;
    Some(out)
}
