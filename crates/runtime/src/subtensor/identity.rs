//! On-chain identities: a coldkey's (`set_identity`, `IdentitiesV2`) and a subnet's
//! (`set_subnet_identity`, `register_network_with_identity`, `SubnetIdentitiesV3`).
//!
//! Identities are free-form bytes that wallets and explorers display; the chain only bounds their
//! lengths, with subtensor's limits (its total for a coldkey identity leaves out the GitHub field,
//! and the subnet total counts only name, repository and contact; both quirks are kept, since a
//! different bound would accept or refuse other calls than subtensor does). Source: subtensor's
//! `utils/identity.rs`.

use super::errors::Error;
use super::events::Event;
use super::storage::{IsNetworkMember, OwnedHotkeys, SubnetOwner};
use crate::storage::Storage;
use crate::storage_map;
use codec::{Decode, Encode};
use cortex_primitives::{AccountId32, NetUid};

/// A coldkey's identity (subtensor's `ChainIdentityV2`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub struct ChainIdentityV2 {
    /// Display name.
    pub name: Vec<u8>,
    /// Website.
    pub url: Vec<u8>,
    /// GitHub repository.
    pub github_repo: Vec<u8>,
    /// Image (URL or data).
    pub image: Vec<u8>,
    /// Discord handle.
    pub discord: Vec<u8>,
    /// Description.
    pub description: Vec<u8>,
    /// Anything else.
    pub additional: Vec<u8>,
}

/// A subnet's identity (subtensor's `SubnetIdentityV3`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub struct SubnetIdentityV3 {
    /// The subnet's name.
    pub subnet_name: Vec<u8>,
    /// GitHub repository.
    pub github_repo: Vec<u8>,
    /// Contact.
    pub subnet_contact: Vec<u8>,
    /// Website.
    pub subnet_url: Vec<u8>,
    /// Discord.
    pub discord: Vec<u8>,
    /// Description.
    pub description: Vec<u8>,
    /// Logo URL.
    pub logo_url: Vec<u8>,
    /// Anything else.
    pub additional: Vec<u8>,
}

storage_map!(/// Each coldkey's identity. Optional: read with `try_get`.
    optional "SubtensorModule", IdentitiesV2: Blake2_128Concat(AccountId32) => ChainIdentityV2 = ChainIdentityV2::default());
storage_map!(/// Each subnet's identity. Optional: read with `try_get`.
    optional "SubtensorModule", SubnetIdentitiesV3: Blake2_128Concat(NetUid) => SubnetIdentityV3 = SubnetIdentityV3::default());

/// Longest name, URL, GitHub repository and Discord fields of a coldkey identity.
const SHORT_FIELD: usize = 256;
/// Longest image, description and additional fields (and most subnet identity fields).
const LONG_FIELD: usize = 1024;

/// Whether a coldkey identity fits subtensor's bounds: each field's own limit, and a total (of
/// every field but `github_repo`) of at most 4 096 bytes.
pub fn is_valid_identity(id: &ChainIdentityV2) -> bool {
    let total = [
        &id.name,
        &id.url,
        &id.image,
        &id.discord,
        &id.description,
        &id.additional,
    ]
    .iter()
    .fold(0usize, |acc, f| acc.saturating_add(f.len()));
    let max_total = SHORT_FIELD
        .saturating_mul(4)
        .saturating_add(LONG_FIELD.saturating_mul(3));
    total <= max_total
        && id.name.len() <= SHORT_FIELD
        && id.url.len() <= SHORT_FIELD
        && id.github_repo.len() <= SHORT_FIELD
        && id.image.len() <= LONG_FIELD
        && id.discord.len() <= SHORT_FIELD
        && id.description.len() <= LONG_FIELD
        && id.additional.len() <= LONG_FIELD
}

/// Whether a subnet identity fits subtensor's bounds: name and Discord at most 256 bytes, every
/// other field at most 1 024 (the total subtensor also checks can never bind).
pub fn is_valid_subnet_identity(id: &SubnetIdentityV3) -> bool {
    let total = id
        .subnet_name
        .len()
        .saturating_add(id.github_repo.len())
        .saturating_add(id.subnet_contact.len());
    let max_total = SHORT_FIELD
        .saturating_mul(2)
        .saturating_add(LONG_FIELD.saturating_mul(6));
    total <= max_total
        && id.subnet_name.len() <= SHORT_FIELD
        && id.github_repo.len() <= LONG_FIELD
        && id.subnet_contact.len() <= LONG_FIELD
        && id.subnet_url.len() <= LONG_FIELD
        && id.discord.len() <= SHORT_FIELD
        && id.description.len() <= LONG_FIELD
        && id.logo_url.len() <= LONG_FIELD
        && id.additional.len() <= LONG_FIELD
}

/// Whether `hotkey` holds a uid on any subnet.
pub fn is_registered_on_any_network(s: &Storage, hotkey: &AccountId32) -> bool {
    IsNetworkMember::iter_prefix(s, hotkey)
        .into_iter()
        .any(|(_, member)| member)
}

/// `set_identity`: `coldkey` sets its identity. One of its hotkeys must be registered on some
/// subnet (`HotKeyNotRegisteredInNetwork`), and the identity must fit the bounds
/// (`InvalidIdentity`). Replaces any previous identity.
pub fn set_identity(
    s: &mut Storage,
    coldkey: &AccountId32,
    identity: ChainIdentityV2,
    events: &mut Vec<Event>,
) -> Result<(), Error> {
    let registered = OwnedHotkeys::get(s, coldkey)
        .iter()
        .any(|hk| is_registered_on_any_network(s, hk));
    if !registered {
        return Err(Error::HotKeyNotRegisteredInNetwork);
    }
    if !is_valid_identity(&identity) {
        return Err(Error::InvalidIdentity);
    }
    IdentitiesV2::insert(s, coldkey, &identity);
    events.push(Event::ChainIdentitySet(*coldkey));
    Ok(())
}

/// `set_subnet_identity`: the owner of `netuid` sets its identity (`NotSubnetOwner` otherwise;
/// as in subtensor, the subnet's existence is not checked separately), which must fit the
/// bounds (`InvalidIdentity`).
pub fn set_subnet_identity(
    s: &mut Storage,
    coldkey: &AccountId32,
    netuid: NetUid,
    identity: SubnetIdentityV3,
    events: &mut Vec<Event>,
) -> Result<(), Error> {
    if SubnetOwner::get(s, &netuid) != *coldkey {
        return Err(Error::NotSubnetOwner);
    }
    if !is_valid_subnet_identity(&identity) {
        return Err(Error::InvalidIdentity);
    }
    SubnetIdentitiesV3::insert(s, &netuid, &identity);
    events.push(Event::SubnetIdentitySet(netuid));
    Ok(())
}

/// `register_network_with_identity`: `register_network`, then the identity (if any) is stored and
/// `SubnetIdentitySet` is emitted just before `NetworkAdded`, where subtensor emits it.
///
/// The identity is checked before anything is registered, so with an invalid identity the call
/// reports `InvalidIdentity` even if registration would also have failed (subtensor checks it
/// last; either way nothing changes).
pub fn register_network_with_identity(
    s: &mut Storage,
    now: u64,
    hooks: &dyn super::Hooks,
    coldkey: &AccountId32,
    hotkey: &AccountId32,
    identity: Option<SubnetIdentityV3>,
    events: &mut Vec<Event>,
) -> Result<NetUid, Error> {
    if let Some(id) = &identity
        && !is_valid_subnet_identity(id)
    {
        return Err(Error::InvalidIdentity);
    }
    let mut local = Vec::new();
    let netuid = super::subnets::register_network(s, now, hooks, coldkey, hotkey, &mut local)?;
    if let Some(id) = identity {
        SubnetIdentitiesV3::insert(s, &netuid, &id);
        let at = local
            .iter()
            .position(|e| matches!(e, Event::NetworkAdded(n, _) if *n == netuid))
            .unwrap_or(local.len());
        local.insert(at, Event::SubnetIdentitySet(netuid));
    }
    events.append(&mut local);
    Ok(netuid)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::PALLETS;
    use crate::test_support::{TAO, acct, funded, subnet};
    use codec::Encode;

    fn identity() -> ChainIdentityV2 {
        ChainIdentityV2 {
            name: b"alice".to_vec(),
            url: b"https://a.example".to_vec(),
            github_repo: b"a/b".to_vec(),
            image: vec![],
            discord: b"alice#1".to_vec(),
            description: b"validator".to_vec(),
            additional: vec![],
        }
    }

    fn subnet_identity() -> SubnetIdentityV3 {
        SubnetIdentityV3 {
            subnet_name: b"cortex".to_vec(),
            github_repo: b"c/c".to_vec(),
            ..Default::default()
        }
    }

    #[test]
    fn identity_bounds_are_subtensors() {
        assert!(is_valid_identity(&identity()));
        let mut id = identity();
        id.name = vec![0; 257];
        assert!(!is_valid_identity(&id));
        let mut id = identity();
        id.github_repo = vec![0; 257];
        assert!(!is_valid_identity(&id));
        let mut id = identity();
        id.image = vec![0; 1024];
        id.description = vec![0; 1024];
        id.additional = vec![0; 1024];
        assert!(is_valid_identity(&id));
        id.image.push(0);
        assert!(!is_valid_identity(&id));
        // Every field at its limit: the total (4 096 without GitHub) still fits.
        let full = ChainIdentityV2 {
            name: vec![0; 256],
            url: vec![0; 256],
            github_repo: vec![0; 256],
            image: vec![0; 1024],
            discord: vec![0; 256],
            description: vec![0; 1024],
            additional: vec![0; 1024],
        };
        assert!(is_valid_identity(&full));

        let mut sid = subnet_identity();
        assert!(is_valid_subnet_identity(&sid));
        sid.discord = vec![0; 257];
        assert!(!is_valid_subnet_identity(&sid));
        let mut sid = subnet_identity();
        sid.logo_url = vec![0; 1025];
        assert!(!is_valid_subnet_identity(&sid));
        sid.logo_url = vec![0; 1024];
        sid.subnet_name = vec![0; 256];
        assert!(is_valid_subnet_identity(&sid));
        sid.subnet_name.push(0);
        assert!(!is_valid_subnet_identity(&sid));
    }

    #[test]
    fn set_identity_needs_a_registered_hotkey() {
        let mut s = funded(&[(1, 10_000 * TAO)]);
        let mut ev = Vec::new();
        assert_eq!(
            set_identity(&mut s, &acct(1), identity(), &mut ev),
            Err(Error::HotKeyNotRegisteredInNetwork)
        );
        subnet(&mut s, false);
        let mut bad = identity();
        bad.url = vec![0; 300];
        assert_eq!(
            set_identity(&mut s, &acct(1), bad, &mut ev),
            Err(Error::InvalidIdentity)
        );
        // acct(2) is the hotkey, not its owner: it owns no hotkeys.
        assert_eq!(
            set_identity(&mut s, &acct(2), identity(), &mut ev),
            Err(Error::HotKeyNotRegisteredInNetwork)
        );
        assert!(ev.is_empty());
        set_identity(&mut s, &acct(1), identity(), &mut ev).unwrap();
        assert_eq!(IdentitiesV2::try_get(&s, &acct(1)), Some(identity()));
        assert_eq!(ev, vec![Event::ChainIdentitySet(acct(1))]);
        // The stored value is the struct's fields in order, each a SCALE byte vector.
        let raw = s.get(&IdentitiesV2::key(&acct(1))).unwrap();
        assert_eq!(&raw[..6], &[20, b'a', b'l', b'i', b'c', b'e']);
        assert_eq!(raw, identity().encode());
    }

    #[test]
    fn set_subnet_identity_is_for_the_owner() {
        let mut s = funded(&[(1, 10_000 * TAO)]);
        let netuid = subnet(&mut s, false);
        let mut ev = Vec::new();
        assert_eq!(
            set_subnet_identity(&mut s, &acct(2), netuid, subnet_identity(), &mut ev),
            Err(Error::NotSubnetOwner)
        );
        assert_eq!(
            set_subnet_identity(&mut s, &acct(1), NetUid(9), subnet_identity(), &mut ev),
            Err(Error::NotSubnetOwner)
        );
        let mut bad = subnet_identity();
        bad.description = vec![0; 1025];
        assert_eq!(
            set_subnet_identity(&mut s, &acct(1), netuid, bad, &mut ev),
            Err(Error::InvalidIdentity)
        );
        set_subnet_identity(&mut s, &acct(1), netuid, subnet_identity(), &mut ev).unwrap();
        assert_eq!(
            SubnetIdentitiesV3::try_get(&s, &netuid),
            Some(subnet_identity())
        );
        assert_eq!(ev, vec![Event::SubnetIdentitySet(netuid)]);
        // Blake2_128Concat of the netuid: 16 hash bytes then the two netuid bytes.
        let key = SubnetIdentitiesV3::key(&netuid);
        assert_eq!(key.len(), 32 + 16 + 2);
        assert_eq!(&key[48..], &[1, 0]);
    }

    #[test]
    fn register_network_with_identity_stores_it() {
        let mut s = funded(&[(1, 10_000 * TAO)]);
        let mut bad = subnet_identity();
        bad.subnet_name = vec![0; 257];
        let root = s.root();
        let r = register_network_with_identity(
            &mut s,
            1,
            &PALLETS,
            &acct(1),
            &acct(2),
            Some(bad),
            &mut Vec::new(),
        );
        assert_eq!(r, Err(Error::InvalidIdentity));
        assert_eq!(s.root(), root);
        let mut ev = Vec::new();
        let netuid = register_network_with_identity(
            &mut s,
            1,
            &PALLETS,
            &acct(1),
            &acct(2),
            Some(subnet_identity()),
            &mut ev,
        )
        .unwrap();
        assert_eq!(
            SubnetIdentitiesV3::try_get(&s, &netuid),
            Some(subnet_identity())
        );
        let n = ev.len();
        assert_eq!(
            &ev[n - 2..],
            &[
                Event::SubnetIdentitySet(netuid),
                Event::NetworkAdded(netuid, 1)
            ]
        );
        // Without an identity it is a plain registration.
        let mut s = funded(&[(1, 10_000 * TAO)]);
        let mut ev = Vec::new();
        let netuid =
            register_network_with_identity(&mut s, 1, &PALLETS, &acct(1), &acct(2), None, &mut ev)
                .unwrap();
        assert_eq!(SubnetIdentitiesV3::try_get(&s, &netuid), None);
        assert!(!ev.contains(&Event::SubnetIdentitySet(netuid)));
    }
}
