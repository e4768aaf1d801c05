//! Subnet pruning and dissolution (`spec/economy.md` §4.4–§4.5).
//!
//! When the subnet limit is reached, `register_network` dissolves the non-immune subnet with
//! the lowest EMA price and reuses its netuid; root can dissolve any subnet
//! (`dissolve_network`, `root_dissolve_network`). Dissolution pays the pool's TAO to the
//! subnet's stakers pro rata to their alpha (largest remainders get the leftover rao; the
//! protocol's alpha, in the pool and bought by chain buys, counts as a holder whose share is
//! not paid), recycles what is left in the subnet account above its existential deposit, and
//! deletes every item of the subnet.

use super::events::Event;
use super::pool::{moving_alpha_price, subnet_account};
use super::shares::{TotalHotkeySharesV2, stake_of};
use super::storage::RAORecycledForRegistration;
use super::storage::{
    Keys, NetworkImmunityPeriod, NetworkRegisteredAt, NetworksAdded, SubnetAlphaIn,
    SubnetProtocolAlpha, SubnetTAO, TotalHotkeyAlpha, TotalNetworks, TotalStake,
};
use crate::balances::{self, Existence};
use crate::storage::{__prefix, Storage};
use codec::Encode;
use cortex_primitives::hashing::StorageHasher;
use cortex_primitives::{AccountId32, NetUid};

/// Items whose first key is the netuid with the `Identity` hasher (maps and double maps),
/// including the per-mechanism items of mechanism 0, whose storage index is the netuid.
const NETUID_IDENTITY_ITEMS: &[&str] = &[
    "Active",
    "ActivityCutoffFactorMilli",
    "AlphaDividendsPerSubnet",
    "AlphaSigmoidSteepness",
    "AlphaValues",
    "Axons",
    "BlockAtRegistration",
    "BlocksSinceLastStep",
    "Bonds",
    "BondsMovingAverage",
    "BondsPenalty",
    "BondsResetOn",
    "Burn",
    "BurnHalfLife",
    "BurnIncreaseMult",
    "CommitRevealWeightsEnabled",
    "Consensus",
    "Dividends",
    "EMAPriceHalvingBlocks",
    "Emission",
    "FirstEmissionBlockNumber",
    "ImmuneOwnerUidsLimit",
    "ImmunityPeriod",
    "Incentive",
    "Kappa",
    "Keys",
    "LastEpochBlock",
    "LastMechansimStepBlock",
    "LastUpdate",
    "MaxAllowedUids",
    "MaxAllowedValidators",
    "MaxBurn",
    "MaxRegistrationsPerBlock",
    "MaxWeightsLimit",
    "MinAllowedUids",
    "MinAllowedWeights",
    "MinBurn",
    "MinNonImmuneUids",
    "MinerBurned",
    "NetworkRegisteredAt",
    "NetworkRegistrationAllowed",
    "NetworksAdded",
    "NeuronCertificates",
    "OwnerCutEnabled",
    "PendingEpochAt",
    "PendingOwnerCut",
    "PendingRootAlphaDivs",
    "PendingServerEmission",
    "PendingValidatorEmission",
    "Prometheus",
    "RecycleOrBurn",
    "RegistrationsThisBlock",
    "RegistrationsThisInterval",
    "Rho",
    "RootAlphaDividendsPerSubnet",
    "RootProp",
    "ServingRateLimit",
    "StakeWeight",
    "SubnetAlphaIn",
    "SubnetAlphaInEmission",
    "SubnetAlphaOut",
    "SubnetAlphaOutEmission",
    "SubnetEmissionEnabled",
    "SubnetEpochIndex",
    "SubnetExcessTao",
    "SubnetLocked",
    "SubnetMechanism",
    "SubnetMovingPrice",
    "SubnetOwner",
    "SubnetOwnerHotkey",
    "SubnetProtocolAlpha",
    "SubnetProtocolFlow",
    "SubnetTAO",
    "SubnetTaoInEmission",
    "SubnetVolume",
    "SubnetworkN",
    "SubtokenEnabled",
    "TargetRegistrationsPerInterval",
    "Tempo",
    "TokenSymbol",
    "TransferToggle",
    "Uids",
    "ValidatorPermit",
    "ValidatorTrust",
    "Weights",
    "WeightsSetRateLimit",
    "WeightsVersionKey",
];

/// Items keyed by the netuid with another hasher.
const NETUID_HASHED_ITEMS: &[(&str, StorageHasher)] = &[
    ("LiquidAlphaOn", StorageHasher::Blake2_128Concat),
    ("Yuma3On", StorageHasher::Blake2_128Concat),
    ("SubnetIdentitiesV3", StorageHasher::Blake2_128Concat),
    ("MechanismCountCurrent", StorageHasher::Twox64Concat),
    ("RevealPeriodEpochs", StorageHasher::Twox64Concat),
    ("WeightCommits", StorageHasher::Twox64Concat),
];

/// Items keyed `(account, netuid)` whose key therefore ends with the `Identity` netuid.
const ACCOUNT_NETUID_ITEMS: &[&str] = &[
    "TotalHotkeyAlpha",
    "TotalHotkeyAlphaLastEpoch",
    "TotalHotkeySharesV2",
    "IsNetworkMember",
    "AutoStakeDestination",
    "AutoStakeDestinationColdkeys",
];

/// Swap-pallet items of the subnet's pool.
const SWAP_ITEMS: &[(&str, StorageHasher)] = &[
    ("SwapBalancer", StorageHasher::Twox64Concat),
    ("PalSwapInitialized", StorageHasher::Twox64Concat),
    ("FeeRate", StorageHasher::Twox64Concat),
    ("AlphaSqrtPrice", StorageHasher::Twox64Concat),
];

/// The subnet `register_network` replaces when the limit is reached: among non-root subnets
/// past `NetworkImmunityPeriod`, the lowest EMA price, ties to the earliest registered.
pub fn network_to_prune(s: &Storage, now: u64) -> Option<NetUid> {
    let immunity = NetworkImmunityPeriod::get(s);
    NetworksAdded::iter(s)
        .into_iter()
        .filter(|(n, added)| *added && !n.is_root())
        .map(|(n, _)| n)
        .filter(|n| now >= NetworkRegisteredAt::get(s, n).saturating_add(immunity))
        .min_by(|a, b| {
            moving_alpha_price(s, *a)
                .cmp(&moving_alpha_price(s, *b))
                .then(NetworkRegisteredAt::get(s, a).cmp(&NetworkRegisteredAt::get(s, b)))
        })
}

/// Every `(hotkey, coldkey)` holding alpha on `netuid`, with its value, in key order.
fn holders(s: &Storage, netuid: NetUid) -> Vec<(AccountId32, AccountId32, u64)> {
    let prefix = __prefix("SubtensorModule", "AlphaV2").to_vec();
    let tail = netuid.encode();
    s.iter_prefix(&prefix)
        .into_iter()
        .filter(|(k, _)| k.ends_with(&tail))
        .filter_map(|(k, _)| super::shares::alpha_v2::parse_key(&k).map(|(h, c, _)| (h, c)))
        .map(|(h, c)| {
            let v = stake_of(s, &h, &c, netuid);
            (h, c, v)
        })
        .collect()
}

/// Splits `pot` over `weights` (the last entry being the protocol's): `floor(pot·w/total)`
/// each, then one more rao to each of the largest remainders (earlier entries first on ties)
/// until the pot is spent.
pub fn largest_remainder_split(pot: u64, weights: &[u64]) -> Vec<u64> {
    let total: u128 = weights.iter().map(|w| u128::from(*w)).sum();
    if total == 0 {
        return vec![0; weights.len()];
    }
    let mut shares: Vec<(u64, u128, usize)> = weights
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let product = u128::from(pot).saturating_mul(u128::from(*w));
            let base = product.checked_div(total).unwrap_or(0);
            let rem = product.checked_rem(total).unwrap_or(0);
            (u64::try_from(base).unwrap_or(u64::MAX), rem, i)
        })
        .collect();
    let paid: u64 = shares
        .iter()
        .fold(0u64, |a, (b, _, _)| a.saturating_add(*b));
    let mut left = pot.saturating_sub(paid);
    let mut order: Vec<usize> = (0..shares.len()).collect();
    order.sort_by(|a, b| {
        let ra = shares.get(*a).map_or(0, |x| x.1);
        let rb = shares.get(*b).map_or(0, |x| x.1);
        rb.cmp(&ra).then(a.cmp(b))
    });
    for i in order {
        if left == 0 {
            break;
        }
        if let Some(share) = shares.get_mut(i)
            && share.1 > 0
        {
            share.0 = share.0.saturating_add(1);
            left = left.saturating_sub(1);
        }
    }
    shares.into_iter().map(|(b, _, _)| b).collect()
}

fn remove_keys(s: &mut Storage, keys: Vec<Vec<u8>>) {
    for k in keys {
        s.remove(&k);
    }
}

/// Dissolves `netuid`: pays out the pool, recycles the rest of the subnet account, deletes the
/// subnet's state and emits `NetworkRemoved`.
pub fn dissolve_network(
    s: &mut Storage,
    netuid: NetUid,
    hooks: &dyn super::Hooks,
    events: &mut Vec<Event>,
) {
    let account = subnet_account(netuid);
    // 1. The pot, split among stakers and the protocol's alpha.
    let pot = SubnetTAO::get(s, &netuid);
    let total_stake = TotalStake::get(s).saturating_sub(pot);
    TotalStake::put(s, &total_stake);
    let holders = holders(s, netuid);
    let protocol =
        SubnetProtocolAlpha::get(s, &netuid).saturating_add(SubnetAlphaIn::get(s, &netuid));
    let mut weights: Vec<u64> = holders.iter().map(|(_, _, v)| *v).collect();
    weights.push(protocol);
    let payouts = largest_remainder_split(pot, &weights);
    for ((_, coldkey, _), tao) in holders.iter().zip(&payouts) {
        if *tao == 0 {
            continue;
        }
        // A payout too small to create the account stays in the subnet account and is
        // recycled below.
        let _ = balances::transfer(
            s,
            &account,
            coldkey,
            *tao,
            Existence::KeepAlive,
            &mut Vec::new(),
        );
    }
    // 2. Delete the stake of every holder.
    for (hotkey, coldkey, _) in &holders {
        super::shares::alpha_v2::set(
            s,
            hotkey,
            coldkey,
            netuid,
            &super::shares::SafeFloat::zero(),
        );
        TotalHotkeyAlpha::remove(s, hotkey, &netuid);
        TotalHotkeySharesV2::remove(s, hotkey, &netuid);
    }
    // 3. Recycle what the subnet account holds above its existential deposit.
    let held = balances::free_balance(s, &account);
    let recycled = held.saturating_sub(balances::EXISTENTIAL_DEPOSIT);
    if recycled > 0 && balances::withdraw(s, &account, recycled, &mut Vec::new()).is_ok() {
        RAORecycledForRegistration::insert(s, &netuid, &recycled);
    }
    // 4. Every item of the subnet, its neurons' memberships, and its pool.
    let hotkeys: Vec<AccountId32> = Keys::iter_prefix(s, &netuid)
        .into_iter()
        .map(|(_, h)| h)
        .collect();
    let tail = netuid.encode();
    for item in ACCOUNT_NETUID_ITEMS {
        let keys = s
            .iter_prefix(&__prefix("SubtensorModule", item))
            .into_iter()
            .map(|(k, _)| k)
            .filter(|k| k.ends_with(&tail))
            .collect();
        remove_keys(s, keys);
    }
    for item in NETUID_IDENTITY_ITEMS {
        let mut prefix = __prefix("SubtensorModule", item).to_vec();
        prefix.extend_from_slice(&tail);
        s.remove_prefix(&prefix);
    }
    for (item, hasher) in NETUID_HASHED_ITEMS {
        let mut prefix = __prefix("SubtensorModule", item).to_vec();
        hasher.hash_into(&tail, &mut prefix);
        s.remove_prefix(&prefix);
    }
    hooks.on_subnet_dissolved(s, netuid);
    for (item, hasher) in SWAP_ITEMS {
        let mut prefix = __prefix("Swap", item).to_vec();
        hasher.hash_into(&tail, &mut prefix);
        s.remove_prefix(&prefix);
    }
    tracing::debug!(
        netuid = netuid.0,
        neurons = hotkeys.len(),
        pot,
        "subnet dissolved"
    );
    let total = TotalNetworks::get(s).saturating_sub(1);
    TotalNetworks::put(s, &total);
    events.push(Event::NetworkRemoved(netuid));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::PALLETS;
    use crate::subtensor::coinbase::increase_stake_for_hotkey_and_coldkey;
    use crate::subtensor::registration::burned_register;
    use crate::subtensor::storage::{
        IsNetworkMember, NetworkRateLimit, SubnetLimit, SubnetMechanism, SubnetMovingPrice,
        SubnetOwner, SubnetOwnerHotkey, Uids,
    };
    use crate::test_support::{TAO, acct, funded, subnet};

    #[test]
    fn largest_remainders_spend_the_pot_exactly() {
        // Subtensor's dissolve test: pot 10 000, stakes 300/700.
        assert_eq!(
            largest_remainder_split(10_000, &[300, 700, 0]),
            vec![3_000, 7_000, 0]
        );
        assert_eq!(largest_remainder_split(10, &[1, 1, 1]), vec![4, 3, 3]);
        assert_eq!(largest_remainder_split(7, &[0, 0]), vec![0, 0]);
        let split = largest_remainder_split(99_999, &[3, 5, 7, 11]);
        assert_eq!(split.iter().sum::<u64>(), 99_999);
    }

    #[test]
    fn dissolution_pays_stakers_and_clears_the_subnet() {
        let mut s = funded(&[(1, 10_000 * TAO), (5, 10 * TAO), (6, 10 * TAO)]);
        let netuid = subnet(&mut s, true);
        burned_register(&mut s, 2, &acct(5), netuid, &acct(7), &mut Vec::new()).unwrap();
        // Two stakers with 300 and 700 alpha and no protocol alpha.
        SubnetAlphaIn::insert(&mut s, &netuid, &0);
        increase_stake_for_hotkey_and_coldkey(&mut s, &acct(7), &acct(5), netuid, 300);
        increase_stake_for_hotkey_and_coldkey(&mut s, &acct(7), &acct(6), netuid, 700);
        let pot = SubnetTAO::get(&s, &netuid);
        let (b5, b6) = (
            balances::free_balance(&s, &acct(5)),
            balances::free_balance(&s, &acct(6)),
        );
        let issuance = balances::total_issuance(&s);
        let networks = TotalNetworks::get(&s);
        let mut ev = Vec::new();
        dissolve_network(&mut s, netuid, &PALLETS, &mut ev);
        assert_eq!(ev, vec![Event::NetworkRemoved(netuid)]);
        let (g5, g6) = (
            balances::free_balance(&s, &acct(5)) - b5,
            balances::free_balance(&s, &acct(6)) - b6,
        );
        assert_eq!(g5 + g6, pot, "the whole pot is paid");
        assert!(g5.abs_diff(pot * 3 / 10) <= 1 && g6.abs_diff(pot * 7 / 10) <= 1);
        assert_eq!(stake_of(&s, &acct(7), &acct(5), netuid), 0);
        assert!(!NetworksAdded::get(&s, &netuid));
        assert!(Uids::try_get(&s, &netuid, &acct(7)).is_none());
        assert!(!IsNetworkMember::get(&s, &acct(7), &netuid));
        assert_eq!(SubnetTAO::get(&s, &netuid), 0);
        assert_eq!(TotalNetworks::get(&s), networks - 1);
        assert_eq!(
            balances::free_balance(&s, &subnet_account(netuid)),
            balances::EXISTENTIAL_DEPOSIT
        );
        // Nothing was created: the issuance fell by exactly what was recycled.
        let recycled = RAORecycledForRegistration::get(&s, &netuid);
        assert_eq!(balances::total_issuance(&s), issuance - recycled);
    }

    #[test]
    fn pruning_picks_the_cheapest_subnet_past_immunity() {
        use substrate_fixed::types::I96F32;
        let mut s = funded(&[(1, 10_000 * TAO)]);
        for (n, at, price) in [(1u16, 10u64, 5), (2, 5, 1), (3, 20, 1), (4, 900, 0)] {
            let netuid = NetUid(n);
            NetworksAdded::insert(&mut s, &netuid, &true);
            SubnetMechanism::insert(&mut s, &netuid, &1);
            NetworkRegisteredAt::insert(&mut s, &netuid, &at);
            SubnetMovingPrice::insert(&mut s, &netuid, &I96F32::from_num(price));
        }
        NetworkImmunityPeriod::put(&mut s, &100);
        // Subnet 4 is cheapest but immune; 2 and 3 tie on price, 2 registered earlier.
        assert_eq!(network_to_prune(&s, 500), Some(NetUid(2)));
        assert_eq!(network_to_prune(&s, 1_000), Some(NetUid(4)));
        assert_eq!(network_to_prune(&s, 50), None);
    }

    #[test]
    fn registration_at_the_limit_replaces_the_pruned_subnet() {
        let mut s = funded(&[(1, 10_000 * TAO), (3, 10_000 * TAO)]);
        let first = subnet(&mut s, true);
        SubnetLimit::put(&mut s, &1);
        NetworkRateLimit::put(&mut s, &0);
        NetworkImmunityPeriod::put(&mut s, &100);
        let mut ev = Vec::new();
        // Still immune: the limit holds.
        assert_eq!(
            crate::subtensor::subnets::register_network(
                &mut s,
                50,
                &PALLETS,
                &acct(3),
                &acct(4),
                &mut ev
            ),
            Err(crate::subtensor::errors::Error::SubnetLimitReached)
        );
        let netuid = crate::subtensor::subnets::register_network(
            &mut s,
            200,
            &PALLETS,
            &acct(3),
            &acct(4),
            &mut ev,
        )
        .unwrap();
        assert_eq!(netuid, first, "the pruned netuid is reused");
        assert!(ev.contains(&Event::NetworkRemoved(first)));
        assert_eq!(SubnetOwner::get(&s, &netuid), acct(3));
        assert_eq!(SubnetOwnerHotkey::get(&s, &netuid), acct(4));
        assert!(
            Uids::try_get(&s, &netuid, &acct(2)).is_none(),
            "old owner hotkey is gone"
        );
        assert_eq!(Uids::try_get(&s, &netuid, &acct(4)), Some(0));
    }
}
