//! Subnets: `register_network` (pruning a subnet when the limit is reached), a new subnet's
//! initial state, and `start_call`.
//!
//! Registering a subnet locks TAO at the current lock cost ([`super::costs`]); the whole lock
//! becomes the pool's TAO, seeded against alpha at the median price of existing subnets, so a new
//! subnet starts at a typical price and its owner gets no stake. The owner's hotkey takes uid 0.
//! Nothing is emitted and nobody can stake until the owner calls `start_call`. Source:
//! `spec/economy.md` §4–§5.

use super::delegation::{create_account_if_non_existent, hotkey_account_exists};
use super::errors::Error;
use super::events::Event;
use super::pool::{median_subnet_alpha_price, subnet_of_account};
use super::pool::{pay_into_subnet, spendable};
use super::rate_limits::{LastRateLimitedBlock, RateLimitKey};
use super::registration::append_neuron;
use super::storage::RAORecycledForRegistration;
use super::storage::{
    Burn, CommitRevealWeightsEnabled, FirstEmissionBlockNumber, ImmunityPeriod,
    InitialCommitReveal, InitialTempo, Kappa, LastEpochBlock, MaxAllowedUids, MaxAllowedValidators,
    MinAllowedWeights, NetworkLastLockCost, NetworkLockReductionInterval, NetworkMinLockCost,
    NetworkRateLimit, NetworkRegisteredAt, NetworkRegistrationAllowed, NetworksAdded, Owner,
    SubnetAlphaIn, SubnetAlphaOut, SubnetEmissionEnabled, SubnetLimit, SubnetLocked,
    SubnetMechanism, SubnetOwner, SubnetOwnerHotkey, SubnetTAO, SubnetworkN, SubtokenEnabled,
    Tempo, TokenSymbol, TotalNetworks, TotalStake, Yuma3On,
};
use crate::balances::{self};
use crate::storage::Storage;
use crate::{storage_map, storage_value};
use cortex_primitives::{AccountId32, NetUid};
use substrate_fixed::types::U64F64;

storage_value!(/// Registrations of subnets are refused before this block.
    "SubtensorModule", NetworkRegistrationStartBlock: u64 = 0);

storage_map!(/// Registrations of each netuid so far.
    "SubtensorModule", RegisteredSubnetCounter: Identity(NetUid) => u64 = 0);

storage_value!(/// Blocks after registration before `start_call` is allowed.
    "SubtensorModule", StartCallDelay: u64 = 0);

/// The TAO a subnet registration locks at block `now` (subtensor's `get_network_lock_cost`):
/// the last lock, doubled, decayed since the last registration, floored at the minimum.
pub fn network_lock_cost_at(s: &Storage, now: u64) -> u64 {
    let last_block = LastRateLimitedBlock::get(s, &RateLimitKey::NetworkLastRegistered);
    let block_emission = super::emission::block_emission_for_issuance(balances::total_issuance(s))
        .unwrap_or(1_000_000_000);
    super::costs::network_lock_cost(
        NetworkLastLockCost::get(s),
        NetworkMinLockCost::get(s),
        last_block,
        super::costs::lock_reduction_interval(NetworkLockReductionInterval::get(s), block_emission),
        now,
    )
}

/// The lowest netuid ≥ 1 not in use.
pub fn next_netuid(s: &Storage) -> NetUid {
    let mut netuid = 1u16;
    while NetworksAdded::contains_key(s, &NetUid(netuid)) && netuid < u16::MAX {
        netuid = netuid.saturating_add(1);
    }
    NetUid(netuid)
}

/// Writes a new subnet's defaults (subtensor's `init_new_network`).
pub fn init_new_network(s: &mut Storage, netuid: NetUid, tempo: u16, now: u64) {
    SubnetworkN::insert(s, &netuid, &0);
    NetworksAdded::insert(s, &netuid, &true);
    Tempo::insert(s, &netuid, &tempo);
    // Stagger the first epochs of subnets so they do not all run in one block.
    let stagger = u64::from(netuid.0)
        .checked_rem(u64::from(tempo).max(1))
        .unwrap_or(0);
    LastEpochBlock::insert(s, &netuid, &now.saturating_sub(stagger));
    let total = TotalNetworks::get(s).saturating_add(1);
    TotalNetworks::put(s, &total);
    NetworkRegistrationAllowed::insert(s, &netuid, &true);
    MaxAllowedUids::insert(s, &netuid, &256);
    MaxAllowedValidators::insert(s, &netuid, &64);
    MinAllowedWeights::insert(s, &netuid, &1);
    ImmunityPeriod::insert(s, &netuid, &5000);
    Yuma3On::insert(s, &netuid, &true);
    Burn::insert(s, &netuid, &1_000_000_000);
    SubnetEmissionEnabled::insert(s, &netuid, &true);
    let commit_reveal = InitialCommitReveal::get(s);
    CommitRevealWeightsEnabled::insert(s, &netuid, &commit_reveal);
    // Materialize the defaults clients read, as subtensor does.
    let kappa = Kappa::get(s, &netuid);
    Kappa::insert(s, &netuid, &kappa);
}

/// Registers a new dynamic subnet owned by `coldkey` with `hotkey` as its uid 0.
///
/// Fails, changing nothing, if the hotkey belongs to another coldkey or is a system account,
/// if registrations have not opened or the network rate limit has not passed, if the subnet
/// limit is reached, or if the coldkey cannot pay the lock cost (keeping its existential
/// deposit). When the subnet limit is reached, the subnet [`super::dissolve::network_to_prune`]
/// picks is dissolved and its netuid reused; with none past its immunity the call fails with
/// `SubnetLimitReached`.
pub fn register_network(
    s: &mut Storage,
    now: u64,
    hooks: &dyn super::Hooks,
    coldkey: &AccountId32,
    hotkey: &AccountId32,
    events: &mut Vec<Event>,
) -> Result<NetUid, Error> {
    if hotkey_account_exists(s, hotkey) && Owner::get(s, hotkey) != *coldkey {
        return Err(Error::NonAssociatedColdKey);
    }
    if subnet_of_account(hotkey).is_some() {
        return Err(Error::CannotUseSystemAccount);
    }
    if now < NetworkRegistrationStartBlock::get(s) {
        return Err(Error::SubNetRegistrationDisabled);
    }
    let last_block = LastRateLimitedBlock::get(s, &RateLimitKey::NetworkLastRegistered);
    if last_block != 0 && now.saturating_sub(last_block) < NetworkRateLimit::get(s) {
        return Err(Error::NetworkTxRateLimitExceeded);
    }
    let count = NetworksAdded::iter(s)
        .into_iter()
        .filter(|(n, added)| *added && !n.is_root())
        .count();
    let prune = if count >= usize::from(SubnetLimit::get(s)) {
        Some(super::dissolve::network_to_prune(s, now).ok_or(Error::SubnetLimitReached)?)
    } else {
        None
    };
    let lock = network_lock_cost_at(s, now);
    if spendable(s, coldkey) < lock {
        return Err(Error::CannotAffordLockCost);
    }
    if let Some(pruned) = prune {
        super::dissolve::dissolve_network(s, pruned, hooks, events);
    }
    let netuid = next_netuid(s);
    let median = median_subnet_alpha_price(s);
    init_new_network(s, netuid, InitialTempo::get(s), now);
    let locked = pay_into_subnet(s, coldkey, netuid, lock)?;
    if locked == 0 {
        return Err(Error::InsufficientBalance);
    }
    NetworkLastLockCost::put(s, &locked);
    LastRateLimitedBlock::insert(s, &RateLimitKey::NetworkLastRegistered, &now);
    create_account_if_non_existent(s, coldkey, hotkey)?;
    let uid = append_neuron(s, netuid, hotkey, now);
    events.push(Event::NeuronRegistered(netuid, uid, *hotkey));
    SubnetMechanism::insert(s, &netuid, &1);
    NetworkRegisteredAt::insert(s, &netuid, &now);
    let counter = RegisteredSubnetCounter::get(s, &netuid).saturating_add(1);
    RegisteredSubnetCounter::insert(s, &netuid, &counter);
    let symbol = super::symbols::next_available_symbol(s, netuid);
    TokenSymbol::insert(s, &netuid, &symbol);
    let pool_tao = locked.max(NetworkMinLockCost::get(s));
    let pool_alpha = U64F64::saturating_from_num(pool_tao)
        .checked_div(median)
        .unwrap_or_default()
        .saturating_to_num::<u64>();
    SubnetTAO::insert(s, &netuid, &pool_tao);
    SubnetAlphaIn::insert(s, &netuid, &pool_alpha);
    SubnetOwner::insert(s, &netuid, coldkey);
    SubnetOwnerHotkey::insert(s, &netuid, hotkey);
    SubnetLocked::insert(s, &netuid, &locked);
    SubnetAlphaOut::insert(s, &netuid, &0);
    RAORecycledForRegistration::insert(s, &netuid, &locked.saturating_sub(pool_tao));
    let total_stake = TotalStake::get(s).saturating_add(pool_tao);
    TotalStake::put(s, &total_stake);
    events.push(Event::NetworkAdded(netuid, 1));
    SubnetEmissionEnabled::insert(s, &netuid, &false);
    Ok(netuid)
}

/// `start_call`: the owner opens staking and emission; the first emission block is the next.
pub fn start_call(
    s: &mut Storage,
    now: u64,
    coldkey: &AccountId32,
    netuid: NetUid,
    events: &mut Vec<Event>,
) -> Result<(), Error> {
    if !NetworksAdded::get(s, &netuid) {
        return Err(Error::SubnetNotExists);
    }
    if SubnetOwner::get(s, &netuid) != *coldkey {
        return Err(Error::NotSubnetOwner);
    }
    if FirstEmissionBlockNumber::try_get(s, &netuid).is_some() {
        return Err(Error::FirstEmissionBlockNumberAlreadySet);
    }
    let registered = NetworkRegisteredAt::get(s, &netuid);
    if now < registered.saturating_add(StartCallDelay::get(s)) {
        return Err(Error::NeedWaitingMoreBlocksToStarCall);
    }
    let first = now.saturating_add(1);
    FirstEmissionBlockNumber::insert(s, &netuid, &first);
    SubtokenEnabled::insert(s, &netuid, &true);
    events.push(Event::FirstEmissionBlockNumberSet(netuid, first));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::balances::mint_into;
    use crate::config::PALLETS;
    use crate::subtensor::pool::{pool, subnet_account};
    use crate::subtensor::storage::Keys;
    use crate::test_support::acct;

    fn funded(amount: u64) -> Storage {
        crate::test_support::funded(&[(1, amount)])
    }

    #[test]
    fn subnet_accounts_round_trip() {
        let a = subnet_account(NetUid(3));
        assert_eq!(&a.as_bytes()[..14], b"modlsubtensr\x03\x00");
        assert_eq!(subnet_of_account(&a), Some(NetUid(3)));
        assert_eq!(subnet_of_account(&acct(1)), None);
    }

    #[test]
    fn registering_a_subnet_locks_the_cost_and_seeds_the_pool() {
        let tao = 1_000_000_000u64;
        let mut s = funded(2_500 * tao);
        let mut ev = Vec::new();
        let netuid = register_network(&mut s, 100, &PALLETS, &acct(1), &acct(2), &mut ev).unwrap();
        assert_eq!(netuid, NetUid(1));
        // First registration ever: the floor, 1 000 TAO, all of it in the pool at price 1.
        assert_eq!(balances::free_balance(&s, &acct(1)), 1_500 * tao);
        assert_eq!(
            balances::free_balance(&s, &subnet_account(netuid)),
            1_000 * tao
        );
        assert_eq!(
            (SubnetTAO::get(&s, &netuid), SubnetAlphaIn::get(&s, &netuid)),
            (1_000 * tao, 1_000 * tao)
        );
        assert_eq!(pool(&s, netuid).price(), U64F64::from_num(1));
        assert_eq!(Keys::get(&s, &netuid, &0), acct(2));
        assert_eq!(Owner::get(&s, &acct(2)), acct(1));
        assert_eq!(SubnetworkN::get(&s, &netuid), 1);
        assert_eq!(MaxAllowedValidators::get(&s, &netuid), 64);
        assert!(Yuma3On::get(&s, &netuid) && !SubnetEmissionEnabled::get(&s, &netuid));
        assert_eq!(ev.last(), Some(&Event::NetworkAdded(netuid, 1)));
        // The next registration is rate-limited, then costs twice the last lock.
        let err = register_network(&mut s, 200, &PALLETS, &acct(1), &acct(3), &mut Vec::new());
        assert_eq!(err, Err(Error::NetworkTxRateLimitExceeded));
        let root = s.root();
        let err = register_network(
            &mut s,
            100 + 7_200,
            &PALLETS,
            &acct(1),
            &acct(3),
            &mut Vec::new(),
        );
        // 2 000 TAO minus 7 200 blocks of decay at 1 000 TAO / 100 800 per block > 1 500 TAO left.
        assert_eq!(err, Err(Error::CannotAffordLockCost));
        assert_eq!(s.root(), root);
        // Another coldkey may not use a hotkey it does not own.
        mint_into(&mut s, &acct(9), 10_000 * tao, &mut Vec::new()).unwrap();
        let err = register_network(
            &mut s,
            100 + 7_200,
            &PALLETS,
            &acct(9),
            &acct(2),
            &mut Vec::new(),
        );
        assert_eq!(err, Err(Error::NonAssociatedColdKey));
        let second = register_network(
            &mut s,
            100 + 7_200,
            &PALLETS,
            &acct(9),
            &acct(8),
            &mut Vec::new(),
        )
        .unwrap();
        assert_eq!(second, NetUid(2));
        let paid = 10_000 * tao - balances::free_balance(&s, &acct(9));
        assert_eq!(paid, 2_000 * tao - (1_000 * tao / 100_800) * 7_200);
    }

    #[test]
    fn start_call_opens_the_subnet_once() {
        let mut s = funded(5_000_000_000_000);
        let netuid =
            register_network(&mut s, 10, &PALLETS, &acct(1), &acct(2), &mut Vec::new()).unwrap();
        assert_eq!(
            start_call(&mut s, 11, &acct(2), netuid, &mut Vec::new()),
            Err(Error::NotSubnetOwner)
        );
        let mut ev = Vec::new();
        start_call(&mut s, 11, &acct(1), netuid, &mut ev).unwrap();
        assert_eq!(FirstEmissionBlockNumber::try_get(&s, &netuid), Some(12));
        assert!(SubtokenEnabled::get(&s, &netuid));
        assert_eq!(
            start_call(&mut s, 12, &acct(1), netuid, &mut Vec::new()),
            Err(Error::FirstEmissionBlockNumberAlreadySet)
        );
        assert_eq!(
            start_call(&mut s, 12, &acct(1), NetUid(9), &mut Vec::new()),
            Err(Error::SubnetNotExists)
        );
    }

    #[test]
    fn median_price_of_existing_subnets() {
        let mut s = Storage::new();
        for (netuid, tao, alpha) in [(1u16, 7u64, 1u64), (2, 2, 1), (3, 5, 1)] {
            let n = NetUid(netuid);
            NetworksAdded::insert(&mut s, &n, &true);
            SubnetMechanism::insert(&mut s, &n, &1);
            SubnetTAO::insert(&mut s, &n, &(tao * 1_000_000));
            SubnetAlphaIn::insert(&mut s, &n, &(alpha * 1_000_000));
        }
        assert_eq!(median_subnet_alpha_price(&s), U64F64::from_num(5));
        NetworksAdded::insert(&mut s, &NetUid(3), &false);
        assert_eq!(median_subnet_alpha_price(&s), U64F64::from_num(4.5));
        assert_eq!(
            median_subnet_alpha_price(&Storage::new()),
            U64F64::from_num(1)
        );
    }
}
