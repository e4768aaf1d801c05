//! Registration: burned registrations, pruning, immunity and the per-block limits.

use super::*;
use crate::balances;
use crate::subtensor::pool::pool;
use crate::test_support::{TAO, acct, funded};

fn subnet() -> (Storage, NetUid) {
    let mut s = funded(&[(1, 10_000 * TAO), (50, 10_000 * TAO)]);
    let netuid = crate::test_support::subnet(&mut s, true);
    (s, netuid)
}

#[test]
fn registration_burns_and_raises_the_price() {
    let (mut s, netuid) = subnet();
    let price_before = pool(&s, netuid).price();
    let out_before = SubnetAlphaOut::get(&s, &netuid);
    let mut ev = Vec::new();
    let uid = burned_register(&mut s, 5, &acct(50), netuid, &acct(51), &mut ev).unwrap();
    assert_eq!(uid, 1);
    assert_eq!(balances::free_balance(&s, &acct(50)), 10_000 * TAO - TAO);
    // The burn went into the pool; the alpha it bought was destroyed.
    assert_eq!(SubnetAlphaOut::get(&s, &netuid), out_before);
    assert!(pool(&s, netuid).price() > price_before);
    assert_eq!(Burn::get(&s, &netuid), 1_260_000_000);
    assert_eq!(ev, vec![Event::NeuronRegistered(netuid, 1, acct(51))]);
    assert_eq!(Keys::get(&s, &netuid, &1), acct(51));
    assert_eq!(
        LastUpdate::get(&s, &0u16.saturating_add(netuid.0)),
        vec![1, 5]
    );
    // Twice on one subnet is refused; so is root, an unknown subnet, or too little TAO.
    assert_eq!(
        burned_register(&mut s, 5, &acct(50), netuid, &acct(51), &mut ev),
        Err(Error::HotKeyAlreadyRegisteredInSubNet)
    );
    assert_eq!(
        burned_register(&mut s, 5, &acct(50), NetUid::ROOT, &acct(52), &mut ev),
        Err(Error::RegistrationNotPermittedOnRootSubnet)
    );
    assert_eq!(
        burned_register(&mut s, 5, &acct(50), NetUid(7), &acct(52), &mut ev),
        Err(Error::SubnetNotExists)
    );
    assert_eq!(
        burned_register(&mut s, 5, &acct(60), netuid, &acct(61), &mut ev),
        Err(Error::NotEnoughBalanceToStake)
    );
    // Another coldkey's hotkey.
    assert_eq!(
        burned_register(&mut s, 5, &acct(1), netuid, &acct(51), &mut ev),
        Err(Error::HotKeyAlreadyRegisteredInSubNet)
    );
}

#[test]
fn a_full_subnet_replaces_its_weakest_neuron() {
    let (mut s, netuid) = subnet();
    MaxAllowedUids::insert(&mut s, &netuid, &3);
    MinNonImmuneUids::insert(&mut s, &netuid, &0);
    ImmunityPeriod::insert(&mut s, &netuid, &10);
    for (i, hk) in [51u8, 52].into_iter().enumerate() {
        burned_register(
            &mut s,
            2 + i as u64,
            &acct(50),
            netuid,
            &acct(hk),
            &mut Vec::new(),
        )
        .unwrap();
    }
    Emission::insert(&mut s, &netuid, &vec![0, 100, 50]);
    Weights::insert(&mut s, &netuid.0, &1, &vec![(2, 65_535), (0, 10)]);
    // At block 5 everyone is immune: the weakest immune non-owner (uid 2) goes.
    assert_eq!(neuron_to_prune(&s, netuid, 5), Some(2));
    // Later, uid 2 is the weakest non-immune; the owner's uid 0 (emission 0) is never taken.
    let uid = burned_register(&mut s, 100, &acct(50), netuid, &acct(53), &mut Vec::new()).unwrap();
    assert_eq!(uid, 2);
    assert_eq!(Keys::get(&s, &netuid, &2), acct(53));
    assert!(Uids::try_get(&s, &netuid, &acct(52)).is_none());
    assert_eq!(BlockAtRegistration::get(&s, &netuid, &2), 100);
    // Weights pointing at the replaced uid are zeroed, not removed.
    assert_eq!(Weights::get(&s, &netuid.0, &1), vec![(2, 0), (0, 10)]);
    assert_eq!(SubnetworkN::get(&s, &netuid), 3);
}

#[test]
fn owner_keys_are_immortal() {
    let (mut s, netuid) = subnet();
    // The owner registers a second hotkey; with the limit at 1 only the owner hotkey is kept.
    burned_register(&mut s, 3, &acct(1), netuid, &acct(3), &mut Vec::new()).unwrap();
    assert_eq!(immune_owner_hotkeys(&s, netuid), vec![acct(2)]);
    ImmuneOwnerUidsLimit::insert(&mut s, &netuid, &2);
    assert_eq!(immune_owner_hotkeys(&s, netuid), vec![acct(2), acct(3)]);
}
