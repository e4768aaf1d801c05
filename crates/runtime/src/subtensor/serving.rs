//! Serving: `serve_axon`, `serve_axon_tls` and `serve_prometheus`, the endpoints a hotkey
//! advertises on a subnet, with their certificates.
//!
//! Endpoints are what miners and validators find each other by: the chain stores them per
//! `(netuid, hotkey)` with the block they were served at, which also drives the serving rate
//! limit. Sources: `spec/economy.md` §6.4; subtensor's `subnets/serving.rs`.

use super::Ctx;
use super::errors::Error;
use super::events::Event;
use super::storage::{AllowLoopbackIps, ServingRateLimit, Uids};
use crate::storage::Storage;
use crate::storage_double_map;
use codec::{Decode, Encode};
use cortex_primitives::{AccountId32, NetUid};

/// A served axon (subtensor's `AxonInfo`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub struct AxonInfo {
    /// Block it was served at.
    pub block: u64,
    /// The client's version.
    pub version: u32,
    /// IPv4 or IPv6 address as an integer.
    pub ip: u128,
    /// Port.
    pub port: u16,
    /// 4 or 6.
    pub ip_type: u8,
    /// Transport protocol (0 TCP, 1 UDP, …).
    pub protocol: u8,
    /// Reserved.
    pub placeholder1: u8,
    /// Reserved.
    pub placeholder2: u8,
}

/// A served Prometheus endpoint (subtensor's `PrometheusInfo`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub struct PrometheusInfo {
    /// Block it was served at.
    pub block: u64,
    /// The client's version.
    pub version: u32,
    /// IPv4 or IPv6 address as an integer.
    pub ip: u128,
    /// Port.
    pub port: u16,
    /// 4 or 6.
    pub ip_type: u8,
}

/// Longest TLS public key a neuron certificate holds.
pub const MAX_CERTIFICATE_KEY: usize = 64;

/// A neuron's TLS certificate (subtensor's `NeuronCertificate`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub struct NeuronCertificate {
    /// The public key, at most [`MAX_CERTIFICATE_KEY`] bytes.
    pub public_key: Vec<u8>,
    /// The key's algorithm.
    pub algorithm: u8,
}

impl NeuronCertificate {
    /// Reads `serve_axon_tls` certificate bytes: the algorithm byte, then the key. `None` if
    /// empty or the key is longer than [`MAX_CERTIFICATE_KEY`] (the axon is still served).
    pub fn from_bytes(bytes: &[u8]) -> Option<NeuronCertificate> {
        let (algorithm, key) = bytes.split_first()?;
        if key.len() > MAX_CERTIFICATE_KEY {
            return None;
        }
        Some(NeuronCertificate {
            public_key: key.to_vec(),
            algorithm: *algorithm,
        })
    }
}

storage_double_map!(/// Each hotkey's axon on each subnet. Optional: read with `try_get`.
    optional "SubtensorModule", Axons: Identity(NetUid), Blake2_128Concat(AccountId32) => AxonInfo = AxonInfo::default());

storage_double_map!(/// Each hotkey's Prometheus endpoint on each subnet. Optional: read with `try_get`.
    optional "SubtensorModule", Prometheus: Identity(NetUid), Blake2_128Concat(AccountId32) => PrometheusInfo = PrometheusInfo::default());

storage_double_map!(/// Each hotkey's TLS certificate on each subnet. Optional: read with `try_get`.
    optional "SubtensorModule", NeuronCertificates: Identity(NetUid), Blake2_128Concat(AccountId32) => NeuronCertificate = NeuronCertificate::default());

/// IPv4 loopback, 127.0.0.1.
const IPV4_LOCALHOST: u128 = 0x7f00_0001;

/// IPv6 loopback, ::1.
const IPV6_LOCALHOST: u128 = 1;

/// Whether `ip_type` is 4 or 6.
pub fn is_valid_ip_type(ip_type: u8) -> bool {
    ip_type == 4 || ip_type == 6
}

/// Subtensor's address check: 0 only if `allow_zero` (axons may serve 0 for testing); IPv4 below
/// 2^32 − 1 and not loopback; IPv6 not all ones and not loopback. Private ranges pass.
#[cfg(test)]
pub fn is_valid_ip_address(ip_type: u8, ip: u128, allow_zero: bool) -> bool {
    is_valid_ip_address_with(ip_type, ip, allow_zero, false)
}

/// [`is_valid_ip_address`], with loopback addresses admitted when `allow_loopback` (the chain's
/// `CortexConfig.AllowLoopbackIps`, set on the dev chain only).
pub fn is_valid_ip_address_with(
    ip_type: u8,
    ip: u128,
    allow_zero: bool,
    allow_loopback: bool,
) -> bool {
    if ip == 0 {
        return allow_zero;
    }
    match ip_type {
        4 => ip < u128::from(u32::MAX) && (allow_loopback || ip != IPV4_LOCALHOST),
        6 => ip != u128::MAX && (allow_loopback || ip != IPV6_LOCALHOST),
        _ => true,
    }
}

/// The serving rate limit: passes if it is 0, if nothing was served yet (block 0), or if
/// `ServingRateLimit` blocks have passed since `last`.
fn passes_serving_rate_limit(s: &Storage, netuid: NetUid, last: u64, now: u64) -> bool {
    let limit = ServingRateLimit::get(s, &netuid);
    limit == 0 || last == 0 || now.saturating_sub(last) >= limit
}

/// The arguments of `serve_axon` and `serve_axon_tls`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServeAxon {
    /// Subnet served on.
    pub netuid: NetUid,
    /// The client's version.
    pub version: u32,
    /// Address.
    pub ip: u128,
    /// Port.
    pub port: u16,
    /// 4 or 6.
    pub ip_type: u8,
    /// Transport protocol.
    pub protocol: u8,
    /// Reserved.
    pub placeholder1: u8,
    /// Reserved.
    pub placeholder2: u8,
}

/// `serve_axon` / `serve_axon_tls` signed by `hotkey` at `now`.
///
/// Checks in subtensor's order: the hotkey holds a uid on the subnet
/// (`HotKeyNotRegisteredInNetwork`), the IP type (`InvalidIpType`) and address
/// (`InvalidIpAddress`, 0 allowed), the rate limit (`ServingRateLimitExceeded`), the port
/// (`InvalidPort`). A certificate that does not parse is ignored; a valid one is stored.
pub fn serve_axon(
    cx: &mut Ctx<'_>,
    hotkey: &AccountId32,
    args: &ServeAxon,
    certificate: Option<&[u8]>,
) -> Result<(), Error> {
    let netuid = args.netuid;
    if !Uids::contains_key(cx.s, &netuid, hotkey) {
        return Err(Error::HotKeyNotRegisteredInNetwork);
    }
    if !is_valid_ip_type(args.ip_type) {
        return Err(Error::InvalidIpType);
    }
    if !is_valid_ip_address_with(args.ip_type, args.ip, true, AllowLoopbackIps::get(cx.s)) {
        return Err(Error::InvalidIpAddress);
    }
    let previous = Axons::try_get(cx.s, &netuid, hotkey).unwrap_or_default();
    if !passes_serving_rate_limit(cx.s, netuid, previous.block, cx.block) {
        return Err(Error::ServingRateLimitExceeded);
    }
    if args.port == 0 {
        return Err(Error::InvalidPort);
    }
    if let Some(cert) = certificate.and_then(NeuronCertificate::from_bytes) {
        NeuronCertificates::insert(cx.s, &netuid, hotkey, &cert);
    }
    let axon = AxonInfo {
        block: cx.block,
        version: args.version,
        ip: args.ip,
        port: args.port,
        ip_type: args.ip_type,
        protocol: args.protocol,
        placeholder1: args.placeholder1,
        placeholder2: args.placeholder2,
    };
    Axons::insert(cx.s, &netuid, hotkey, &axon);
    cx.events.push(Event::AxonServed(netuid, *hotkey));
    Ok(())
}

/// `serve_prometheus(netuid, version, ip, port, ip_type)` signed by `hotkey` at `now`.
///
/// Checks in subtensor's order, which differs from the axon's: the IP type and address (0 not
/// allowed) first, then registration, the rate limit and the port.
pub fn serve_prometheus(
    cx: &mut Ctx<'_>,
    hotkey: &AccountId32,
    netuid: NetUid,
    version: u32,
    ip: u128,
    port: u16,
    ip_type: u8,
) -> Result<(), Error> {
    if !is_valid_ip_type(ip_type) {
        return Err(Error::InvalidIpType);
    }
    if !is_valid_ip_address_with(ip_type, ip, false, AllowLoopbackIps::get(cx.s)) {
        return Err(Error::InvalidIpAddress);
    }
    if !Uids::contains_key(cx.s, &netuid, hotkey) {
        return Err(Error::HotKeyNotRegisteredInNetwork);
    }
    let previous = Prometheus::try_get(cx.s, &netuid, hotkey).unwrap_or_default();
    if !passes_serving_rate_limit(cx.s, netuid, previous.block, cx.block) {
        return Err(Error::ServingRateLimitExceeded);
    }
    if port == 0 {
        return Err(Error::InvalidPort);
    }
    let info = PrometheusInfo {
        block: cx.block,
        version,
        ip,
        port,
        ip_type,
    };
    Prometheus::insert(cx.s, &netuid, hotkey, &info);
    cx.events.push(Event::PrometheusServed(netuid, *hotkey));
    Ok(())
}

/// Forgets the endpoints and certificate `hotkey` served on `netuid` (its uid was taken).
pub fn clear_endpoints(s: &mut Storage, netuid: NetUid, hotkey: &AccountId32) {
    Axons::remove(s, &netuid, hotkey);
    NeuronCertificates::remove(s, &netuid, hotkey);
    Prometheus::remove(s, &netuid, hotkey);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::subtensor::delegation::{
        AutoStakeDestination, AutoStakeDestinationColdkeys, MinDelegateTake, decrease_take,
        increase_take, last_take_change, set_coldkey_auto_stake_hotkey, try_associate_hotkey,
    };
    use crate::subtensor::pool::subnet_account;
    use crate::subtensor::rate_limits::{LastRateLimitedBlock, RateLimitKey};
    use crate::subtensor::registration::{
        MinNonImmuneUids, RegistrationsThisBlock, RegistrationsThisInterval,
        TargetRegistrationsPerInterval, burned_register, root_register,
    };
    use crate::subtensor::storage::{
        Delegates, Keys, LastEpochBlock, MaxAllowedUids, NetworksAdded, OwnedHotkeys, Owner,
        SubnetworkN, Tempo, TotalHotkeyAlpha,
    };
    use crate::test_support::{TAO, acct, funded, subnet};

    fn axon(netuid: NetUid) -> ServeAxon {
        ServeAxon {
            netuid,
            version: 7,
            ip: 0x0a00_0001,
            port: 8091,
            ip_type: 4,
            protocol: 4,
            placeholder1: 0,
            placeholder2: 0,
        }
    }

    /// A started subnet whose owner hotkey `acct(2)` is uid 0.
    fn setup() -> (Storage, NetUid) {
        let mut s = funded(&[(1, 10_000 * TAO)]);
        let netuid = subnet(&mut s, true);
        (s, netuid)
    }

    #[test]
    fn axon_info_bytes_are_subtensors() {
        let a = AxonInfo {
            block: 1,
            version: 2,
            ip: 3,
            port: 4,
            ip_type: 4,
            protocol: 5,
            placeholder1: 6,
            placeholder2: 7,
        };
        let mut want = vec![1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 3];
        want.extend_from_slice(&[0; 15]);
        want.extend_from_slice(&[4, 0, 4, 5, 6, 7]);
        assert_eq!(a.encode(), want);
        assert_eq!(a.encode().len(), 8 + 4 + 16 + 2 + 4);
        let p = PrometheusInfo {
            block: 1,
            version: 2,
            ip: 3,
            port: 4,
            ip_type: 6,
        };
        assert_eq!(p.encode().len(), 8 + 4 + 16 + 2 + 1);
        let c = NeuronCertificate::from_bytes(&[1, 9, 9]).unwrap();
        assert_eq!(c.encode(), vec![8, 9, 9, 1]);
        // Axons: identity netuid, then blake2_128_concat(hotkey).
        let key = Axons::key(&NetUid(3), &acct(5));
        assert_eq!(&key[32..34], &[3, 0]);
        assert_eq!(&key[50..], acct(5).as_bytes());
    }

    #[test]
    fn ip_rules_are_subtensors() {
        assert!(is_valid_ip_type(4) && is_valid_ip_type(6) && !is_valid_ip_type(5));
        assert!(is_valid_ip_address(4, 0, true));
        assert!(!is_valid_ip_address(4, 0, false));
        assert!(!is_valid_ip_address(6, 0, false));
        assert!(!is_valid_ip_address(4, 0x7f00_0001, true));
        assert!(is_valid_ip_address_with(4, 0x7f00_0001, true, true));
        assert!(!is_valid_ip_address(6, 1, true));
        assert!(is_valid_ip_address_with(6, 1, true, true));
        assert!(!is_valid_ip_address_with(4, u128::from(u32::MAX), true, true));
        assert!(is_valid_ip_address(4, 0x7f00_0002, true));
        assert!(is_valid_ip_address(4, u128::from(u32::MAX) - 1, true));
        assert!(!is_valid_ip_address(4, u128::from(u32::MAX), true));
        assert!(!is_valid_ip_address(6, 1, true));
        assert!(!is_valid_ip_address(6, u128::MAX, true));
        assert!(is_valid_ip_address(6, u128::MAX - 1, true));
        // Private ranges are allowed.
        assert!(is_valid_ip_address(4, 0xc0a8_0001, false));
    }

    #[test]
    fn certificates_parse_as_subtensor_does() {
        assert_eq!(NeuronCertificate::from_bytes(&[]), None);
        assert_eq!(
            NeuronCertificate::from_bytes(&[2]),
            Some(NeuronCertificate {
                public_key: vec![],
                algorithm: 2
            })
        );
        let mut bytes = vec![1];
        bytes.extend_from_slice(&[7; 64]);
        assert_eq!(
            NeuronCertificate::from_bytes(&bytes).map(|c| c.public_key.len()),
            Some(64)
        );
        bytes.push(7);
        assert_eq!(NeuronCertificate::from_bytes(&bytes), None);
    }

    #[test]
    fn loopback_axons_need_the_chain_flag() {
        let (mut s, netuid) = setup();
        let hk = acct(2);
        let mut ev = Vec::new();
        let mut a = axon(netuid);
        a.ip = 0x7f00_0001;
        assert_eq!(
            serve_axon(&mut Ctx::new(&mut s, 10, None, &mut ev), &hk, &a, None),
            Err(Error::InvalidIpAddress)
        );
        AllowLoopbackIps::put(&mut s, &true);
        serve_axon(&mut Ctx::new(&mut s, 10, None, &mut ev), &hk, &a, None).unwrap();
        assert_eq!(
            Axons::try_get(&s, &netuid, &hk).map(|x| x.ip),
            Some(0x7f00_0001)
        );
    }

    #[test]
    fn serve_axon_checks_in_order() {
        let (mut s, netuid) = setup();
        let hk = acct(2);
        let mut ev = Vec::new();
        let mut a = axon(netuid);
        assert_eq!(
            serve_axon(&mut Ctx::new(&mut s, 10, None, &mut ev), &acct(9), &a, None),
            Err(Error::HotKeyNotRegisteredInNetwork)
        );
        a.ip_type = 5;
        a.port = 0;
        assert_eq!(
            serve_axon(&mut Ctx::new(&mut s, 10, None, &mut ev), &hk, &a, None),
            Err(Error::InvalidIpType)
        );
        a.ip_type = 4;
        a.ip = 0x7f00_0001;
        assert_eq!(
            serve_axon(&mut Ctx::new(&mut s, 10, None, &mut ev), &hk, &a, None),
            Err(Error::InvalidIpAddress)
        );
        a.ip = 0;
        assert_eq!(
            serve_axon(&mut Ctx::new(&mut s, 10, None, &mut ev), &hk, &a, None),
            Err(Error::InvalidPort)
        );
        assert!(ev.is_empty());
        assert_eq!(Axons::try_get(&s, &netuid, &hk), None);

        let a = axon(netuid);
        serve_axon(&mut Ctx::new(&mut s, 10, None, &mut ev), &hk, &a, None).unwrap();
        assert_eq!(
            Axons::try_get(&s, &netuid, &hk),
            Some(AxonInfo {
                block: 10,
                version: 7,
                ip: 0x0a00_0001,
                port: 8091,
                ip_type: 4,
                protocol: 4,
                placeholder1: 0,
                placeholder2: 0,
            })
        );
        assert_eq!(ev, vec![Event::AxonServed(netuid, hk)]);
        assert_eq!(NeuronCertificates::try_get(&s, &netuid, &hk), None);
        // Rate limit: 50 blocks from the stored block.
        assert_eq!(
            serve_axon(&mut Ctx::new(&mut s, 59, None, &mut ev), &hk, &a, None),
            Err(Error::ServingRateLimitExceeded)
        );
        serve_axon(
            &mut Ctx::new(&mut s, 60, None, &mut ev),
            &hk,
            &a,
            Some(&[1, 0xaa, 0xbb]),
        )
        .unwrap();
        assert_eq!(Axons::get(&s, &netuid, &hk).block, 60);
        assert_eq!(
            NeuronCertificates::try_get(&s, &netuid, &hk),
            Some(NeuronCertificate {
                public_key: vec![0xaa, 0xbb],
                algorithm: 1
            })
        );
        // Without a limit, every block.
        ServingRateLimit::insert(&mut s, &netuid, &0);
        serve_axon(&mut Ctx::new(&mut s, 61, None, &mut ev), &hk, &a, Some(&[])).unwrap();
        assert_eq!(Axons::get(&s, &netuid, &hk).block, 61);
        // An unparsable certificate leaves the stored one.
        assert_eq!(
            NeuronCertificates::get(&s, &netuid, &hk).public_key,
            vec![0xaa, 0xbb]
        );
    }

    #[test]
    fn serve_prometheus_checks_in_order() {
        let (mut s, netuid) = setup();
        let hk = acct(2);
        let mut ev = Vec::new();
        // The IP is checked before registration, and 0 is refused.
        assert_eq!(
            serve_prometheus(
                &mut Ctx::new(&mut s, 10, None, &mut ev),
                &acct(9),
                netuid,
                1,
                0,
                9090,
                4
            ),
            Err(Error::InvalidIpAddress)
        );
        assert_eq!(
            serve_prometheus(
                &mut Ctx::new(&mut s, 10, None, &mut ev),
                &acct(9),
                netuid,
                1,
                5,
                9090,
                7
            ),
            Err(Error::InvalidIpType)
        );
        assert_eq!(
            serve_prometheus(
                &mut Ctx::new(&mut s, 10, None, &mut ev),
                &acct(9),
                netuid,
                1,
                5,
                9090,
                4
            ),
            Err(Error::HotKeyNotRegisteredInNetwork)
        );
        assert_eq!(
            serve_prometheus(
                &mut Ctx::new(&mut s, 10, None, &mut ev),
                &hk,
                netuid,
                1,
                5,
                0,
                6
            ),
            Err(Error::InvalidPort)
        );
        serve_prometheus(
            &mut Ctx::new(&mut s, 10, None, &mut ev),
            &hk,
            netuid,
            1,
            5,
            9090,
            6,
        )
        .unwrap();
        assert_eq!(
            Prometheus::try_get(&s, &netuid, &hk),
            Some(PrometheusInfo {
                block: 10,
                version: 1,
                ip: 5,
                port: 9090,
                ip_type: 6
            })
        );
        assert_eq!(ev, vec![Event::PrometheusServed(netuid, hk)]);
        assert_eq!(
            serve_prometheus(
                &mut Ctx::new(&mut s, 20, None, &mut ev),
                &hk,
                netuid,
                1,
                5,
                9090,
                6
            ),
            Err(Error::ServingRateLimitExceeded)
        );
        // The axon's rate limit is separate.
        serve_axon(
            &mut Ctx::new(&mut s, 20, None, &mut ev),
            &hk,
            &axon(netuid),
            None,
        )
        .unwrap();
        clear_endpoints(&mut s, netuid, &hk);
        assert_eq!(Prometheus::try_get(&s, &netuid, &hk), None);
        assert_eq!(Axons::try_get(&s, &netuid, &hk), None);
    }

    #[test]
    fn replaced_neurons_lose_their_endpoints() {
        let (mut s, netuid) = setup();
        crate::balances::mint_into(&mut s, &acct(50), 100 * TAO, &mut Vec::new()).unwrap();
        MaxAllowedUids::insert(&mut s, &netuid, &2);
        MinNonImmuneUids::insert(&mut s, &netuid, &0);
        burned_register(&mut s, 2, &acct(50), netuid, &acct(51), &mut Vec::new()).unwrap();
        serve_axon(
            &mut Ctx::new(&mut s, 3, None, &mut Vec::new()),
            &acct(51),
            &axon(netuid),
            Some(&[1, 2]),
        )
        .unwrap();
        serve_prometheus(
            &mut Ctx::new(&mut s, 3, None, &mut Vec::new()),
            &acct(51),
            netuid,
            1,
            5,
            9090,
            4,
        )
        .unwrap();
        burned_register(&mut s, 4, &acct(50), netuid, &acct(52), &mut Vec::new()).unwrap();
        assert_eq!(Keys::get(&s, &netuid, &1), acct(52));
        assert_eq!(Axons::try_get(&s, &netuid, &acct(51)), None);
        assert_eq!(Prometheus::try_get(&s, &netuid, &acct(51)), None);
        assert_eq!(NeuronCertificates::try_get(&s, &netuid, &acct(51)), None);
    }

    #[test]
    fn takes_move_within_bounds_and_rate_limit() {
        let (mut s, _) = setup();
        let (ck, hk) = (acct(1), acct(2));
        let mut ev = Vec::new();
        assert_eq!(
            increase_take(&mut s, 10, &ck, &acct(9), 100, &mut ev),
            Err(Error::HotKeyAccountNotExists)
        );
        assert_eq!(
            decrease_take(&mut s, 10, &acct(3), &hk, 100, &mut ev),
            Err(Error::NonAssociatedColdKey)
        );
        // No stored take yet: any take up to the max, first change not rate-limited.
        assert_eq!(
            increase_take(&mut s, 10, &ck, &hk, 11_797, &mut ev),
            Err(Error::DelegateTakeTooHigh)
        );
        decrease_take(&mut s, 10, &ck, &hk, 1_000, &mut ev).unwrap();
        assert_eq!(Delegates::get(&s, &hk), 1_000);
        assert_eq!(last_take_change(&s, &hk), 10);
        assert_eq!(
            decrease_take(&mut s, 11, &ck, &hk, 1_000, &mut ev),
            Err(Error::DelegateTakeTooLow)
        );
        MinDelegateTake::put(&mut s, &500);
        assert_eq!(
            decrease_take(&mut s, 11, &ck, &hk, 499, &mut ev),
            Err(Error::DelegateTakeTooLow)
        );
        assert_eq!(
            increase_take(&mut s, 11, &ck, &hk, 1_000, &mut ev),
            Err(Error::DelegateTakeTooLow)
        );
        // Raising needs more than 216 000 blocks since the last change.
        assert_eq!(
            increase_take(&mut s, 10 + 216_000, &ck, &hk, 2_000, &mut ev),
            Err(Error::DelegateTxRateLimitExceeded)
        );
        increase_take(&mut s, 10 + 216_001, &ck, &hk, 2_000, &mut ev).unwrap();
        assert_eq!(Delegates::get(&s, &hk), 2_000);
        // Lowering is never rate-limited but restarts the timer.
        decrease_take(&mut s, 216_100, &ck, &hk, 1_500, &mut ev).unwrap();
        assert_eq!(
            increase_take(&mut s, 216_200, &ck, &hk, 1_600, &mut ev),
            Err(Error::DelegateTxRateLimitExceeded)
        );
        assert_eq!(
            ev,
            vec![
                Event::TakeDecreased(ck, hk, 1_000),
                Event::TakeIncreased(ck, hk, 2_000),
                Event::TakeDecreased(ck, hk, 1_500),
            ]
        );
        // The last-change block lives in LastRateLimitedBlock under key index 5 ++ hotkey.
        let key = LastRateLimitedBlock::key(&RateLimitKey::LastTxBlockDelegateTake(hk));
        assert_eq!(key[32], 5);
        assert_eq!(&key[33..], hk.as_bytes());
        assert_eq!(s.get(&key), Some(216_100u64.encode()));
    }

    #[test]
    fn try_associate_hotkey_claims_only_free_hotkeys() {
        let (mut s, _) = setup();
        try_associate_hotkey(&mut s, &acct(7), &acct(8)).unwrap();
        assert_eq!(Owner::get(&s, &acct(8)), acct(7));
        assert!(OwnedHotkeys::get(&s, &acct(7)).contains(&acct(8)));
        // Already owned: unchanged, not an error.
        try_associate_hotkey(&mut s, &acct(7), &acct(2)).unwrap();
        assert_eq!(Owner::get(&s, &acct(2)), acct(1));
        assert_eq!(
            try_associate_hotkey(&mut s, &acct(7), &subnet_account(NetUid(1))),
            Err(Error::CannotUseSystemAccount)
        );
    }

    #[test]
    fn auto_stake_destination_keeps_its_reverse_index() {
        let (mut s, netuid) = setup();
        crate::balances::mint_into(&mut s, &acct(50), 100 * TAO, &mut Vec::new()).unwrap();
        burned_register(&mut s, 2, &acct(50), netuid, &acct(51), &mut Vec::new()).unwrap();
        let ck = acct(30);
        let mut ev = Vec::new();
        assert_eq!(
            set_coldkey_auto_stake_hotkey(&mut s, &ck, NetUid(9), &acct(2), &mut ev),
            Err(Error::SubnetNotExists)
        );
        assert_eq!(
            set_coldkey_auto_stake_hotkey(&mut s, &ck, netuid, &acct(9), &mut ev),
            Err(Error::HotKeyNotRegisteredInSubNet)
        );
        set_coldkey_auto_stake_hotkey(&mut s, &ck, netuid, &acct(2), &mut ev).unwrap();
        assert_eq!(
            AutoStakeDestination::try_get(&s, &ck, &netuid),
            Some(acct(2))
        );
        assert_eq!(
            AutoStakeDestinationColdkeys::get(&s, &acct(2), &netuid),
            vec![ck]
        );
        assert_eq!(
            set_coldkey_auto_stake_hotkey(&mut s, &ck, netuid, &acct(2), &mut ev),
            Err(Error::SameAutoStakeHotkeyAlreadySet)
        );
        set_coldkey_auto_stake_hotkey(&mut s, &ck, netuid, &acct(51), &mut ev).unwrap();
        assert_eq!(
            AutoStakeDestination::try_get(&s, &ck, &netuid),
            Some(acct(51))
        );
        assert_eq!(
            AutoStakeDestinationColdkeys::get(&s, &acct(51), &netuid),
            vec![ck]
        );
        // The old list is emptied but stays stored.
        assert_eq!(
            AutoStakeDestinationColdkeys::try_get(&s, &acct(2), &netuid),
            Some(vec![])
        );
        assert_eq!(
            ev,
            vec![
                Event::AutoStakeDestinationSet {
                    coldkey: ck,
                    netuid,
                    hotkey: acct(2)
                },
                Event::AutoStakeDestinationSet {
                    coldkey: ck,
                    netuid,
                    hotkey: acct(51)
                },
            ]
        );
    }

    /// A root network with `slots` uids.
    fn root_net(slots: u16) -> Storage {
        let mut s = Storage::new();
        NetworksAdded::insert(&mut s, &NetUid::ROOT, &true);
        MaxAllowedUids::insert(&mut s, &NetUid::ROOT, &slots);
        TargetRegistrationsPerInterval::insert(&mut s, &NetUid::ROOT, &1);
        s
    }

    #[test]
    fn root_register_appends_then_replaces_the_weakest() {
        let mut s = Storage::new();
        assert_eq!(
            root_register(&mut s, 1, &acct(1), &acct(2), &mut Vec::new()),
            Err(Error::RootNetworkDoesNotExist)
        );
        let mut s = root_net(2);
        let root = NetUid::ROOT;
        let mut ev = Vec::new();
        assert_eq!(root_register(&mut s, 1, &acct(1), &acct(2), &mut ev), Ok(0));
        assert_eq!(Keys::get(&s, &root, &0), acct(2));
        assert_eq!(Owner::get(&s, &acct(2)), acct(1));
        assert_eq!(Delegates::try_get(&s, &acct(2)), Some(11_796));
        assert_eq!(ev, vec![Event::NeuronRegistered(root, 0, acct(2))]);
        // One per block.
        assert_eq!(
            root_register(&mut s, 1, &acct(1), &acct(3), &mut ev),
            Err(Error::TooManyRegistrationsThisBlock)
        );
        RegistrationsThisBlock::insert(&mut s, &root, &0);
        assert_eq!(
            root_register(&mut s, 2, &acct(1), &acct(2), &mut ev),
            Err(Error::HotKeyAlreadyRegisteredInSubNet)
        );
        // An existing take is kept.
        Delegates::insert(&mut s, &acct(3), &100);
        assert_eq!(root_register(&mut s, 2, &acct(4), &acct(3), &mut ev), Ok(1));
        assert_eq!(Delegates::get(&s, &acct(3)), 100);
        // The hotkey was already associated? No: acct(4) now owns acct(3).
        assert_eq!(Owner::get(&s, &acct(3)), acct(4));
        // Full: the newcomer needs strictly more root stake than the weakest member.
        RegistrationsThisBlock::insert(&mut s, &root, &0);
        TotalHotkeyAlpha::insert(&mut s, &acct(2), &root, &50);
        TotalHotkeyAlpha::insert(&mut s, &acct(3), &root, &40);
        TotalHotkeyAlpha::insert(&mut s, &acct(5), &root, &40);
        let before = s.clone();
        assert_eq!(
            s.transactional(|s| root_register(s, 3, &acct(1), &acct(5), &mut Vec::new())),
            Err(Error::StakeTooLowForRoot)
        );
        assert_eq!(s.root(), before.root());
        TotalHotkeyAlpha::insert(&mut s, &acct(5), &root, &41);
        let mut ev = Vec::new();
        assert_eq!(root_register(&mut s, 3, &acct(1), &acct(5), &mut ev), Ok(1));
        assert_eq!(Keys::get(&s, &root, &1), acct(5));
        assert_eq!(Uids::try_get(&s, &root, &acct(3)), None);
        assert_eq!(SubnetworkN::get(&s, &root), 2);
        assert_eq!(ev, vec![Event::NeuronRegistered(root, 1, acct(5))]);
        assert_eq!(RegistrationsThisInterval::get(&s, &root), 3);
        // Interval cap: 3 × target.
        RegistrationsThisBlock::insert(&mut s, &root, &0);
        TotalHotkeyAlpha::insert(&mut s, &acct(6), &root, &1_000);
        assert_eq!(
            root_register(&mut s, 4, &acct(1), &acct(6), &mut Vec::new()),
            Err(Error::TooManyRegistrationsThisInterval)
        );
    }

    #[test]
    fn calls_dispatch_with_their_origins_and_fees() {
        use crate::call::{RuntimeCall, SubtensorCall};
        use crate::executive::{call_info, dispatch};
        use crate::support::{BlockContext, DispatchError, Origin, Pays};
        let (mut s, netuid) = setup();
        let ctx = BlockContext {
            block: 10,
            author: None,
        };
        let serve = RuntimeCall::SubtensorModule(SubtensorCall::serve_axon {
            netuid,
            version: 1,
            ip: 0x0a00_0001,
            port: 8091,
            ip_type: 4,
            protocol: 4,
            placeholder1: 0,
            placeholder2: 0,
        });
        let take = RuntimeCall::SubtensorModule(SubtensorCall::decrease_take {
            hotkey: acct(2),
            take: 10,
        });
        let root = RuntimeCall::SubtensorModule(SubtensorCall::root_register { hotkey: acct(2) });
        assert_eq!(call_info(&serve).pays_fee, Pays::No);
        assert_eq!(call_info(&take).pays_fee, Pays::No);
        assert_eq!(call_info(&root).pays_fee, Pays::Yes);
        let mut ev = Vec::new();
        assert_eq!(
            dispatch(&mut s, &ctx, &Origin::Root, &serve, &mut ev),
            Err(DispatchError::BadOrigin)
        );
        // A failed call changes nothing and reports subtensor's module error.
        let before = s.root();
        let r = dispatch(&mut s, &ctx, &Origin::Signed(acct(2)), &take, &mut ev);
        assert_eq!(r, Err(Error::NonAssociatedColdKey.into()));
        assert_eq!(s.root(), before);
        dispatch(&mut s, &ctx, &Origin::Signed(acct(2)), &serve, &mut ev).unwrap();
        dispatch(&mut s, &ctx, &Origin::Signed(acct(1)), &take, &mut ev).unwrap();
        assert_eq!(Axons::get(&s, &netuid, &acct(2)).block, 10);
        assert_eq!(Delegates::get(&s, &acct(2)), 10);
        assert_eq!(ev.len(), 2);
    }

    #[test]
    fn root_interval_counter_restarts_at_root_epochs() {
        let mut s = root_net(4);
        let root = NetUid::ROOT;
        Tempo::insert(&mut s, &root, &100);
        RegistrationsThisInterval::insert(&mut s, &root, &3);
        RegistrationsThisBlock::insert(&mut s, &root, &1);
        LastEpochBlock::insert(&mut s, &root, &100);
        crate::subtensor::block::update_registration_prices(&mut s, 150);
        assert_eq!(RegistrationsThisBlock::get(&s, &root), 0);
        assert_eq!(RegistrationsThisInterval::get(&s, &root), 3);
        crate::subtensor::block::update_registration_prices(&mut s, 200);
        assert_eq!(RegistrationsThisInterval::get(&s, &root), 0);
    }
}
