//! `SubnetInfoRuntimeApi`: a subnet's dynamic-TAO view (`DynamicInfo`, subtensor's
//! `rpc_info/dynamic_info.rs`) and epoch schedule.

use super::current_block;
use super::subnet_names::NAMES;
use crate::storage::Storage;
use crate::subtensor::coinbase::{
    SubnetAlphaInEmission, SubnetAlphaOutEmission, SubnetTaoInEmission,
};
use crate::subtensor::identity::{SubnetIdentitiesV3, SubnetIdentityV3};
use crate::subtensor::pool::SubnetVolume;
use crate::subtensor::storage::*;
use codec::{Compact, Decode, Encode};
use cortex_primitives::{AccountId32, NetUid};
use substrate_fixed::types::I96F32;

/// A subnet's pool, emission and identity, field for field subtensor's `DynamicInfo` (the
/// field order is the wire order).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub struct DynamicInfo {
    /// The subnet.
    #[codec(compact)]
    pub netuid: u16,
    /// The owner's hotkey.
    pub owner_hotkey: AccountId32,
    /// The owner's coldkey.
    pub owner_coldkey: AccountId32,
    /// The name, one compact-encoded byte per UTF-8 byte.
    pub subnet_name: Vec<Compact<u8>>,
    /// The token symbol, one compact-encoded byte per UTF-8 byte.
    pub token_symbol: Vec<Compact<u8>>,
    /// Blocks per epoch.
    #[codec(compact)]
    pub tempo: u16,
    /// Block of the last epoch.
    #[codec(compact)]
    pub last_step: u64,
    /// Blocks since then.
    #[codec(compact)]
    pub blocks_since_last_step: u64,
    /// Unused (subtensor answers 0).
    #[codec(compact)]
    pub emission: u64,
    /// Alpha reserve of the pool.
    #[codec(compact)]
    pub alpha_in: u64,
    /// Alpha outstanding (staked).
    #[codec(compact)]
    pub alpha_out: u64,
    /// TAO reserve of the pool.
    #[codec(compact)]
    pub tao_in: u64,
    /// Alpha emitted to participants in the last block.
    #[codec(compact)]
    pub alpha_out_emission: u64,
    /// Alpha injected into the pool in the last block.
    #[codec(compact)]
    pub alpha_in_emission: u64,
    /// TAO injected into the pool in the last block.
    #[codec(compact)]
    pub tao_in_emission: u64,
    /// Alpha waiting for the next epoch (validators' and miners' shares).
    #[codec(compact)]
    pub pending_alpha_emission: u64,
    /// Unused (subtensor answers 0).
    #[codec(compact)]
    pub pending_root_emission: u64,
    /// TAO swapped through the pool.
    #[codec(compact)]
    pub subnet_volume: u128,
    /// Block the subnet was registered at.
    #[codec(compact)]
    pub network_registered_at: u64,
    /// The subnet's identity, if set.
    pub subnet_identity: Option<SubnetIdentityV3>,
    /// Moving average of the price (TAO per alpha).
    pub moving_price: I96F32,
}

/// The subnet's displayed name: its identity's name, else the default name of its netuid.
pub fn subnet_name(s: &Storage, netuid: NetUid) -> Vec<u8> {
    match SubnetIdentitiesV3::try_get(s, &netuid) {
        Some(id) if !id.subnet_name.is_empty() => id.subnet_name,
        _ => NAMES
            .get(usize::from(netuid.0))
            .copied()
            .unwrap_or("unknown")
            .as_bytes()
            .to_vec(),
    }
}

/// Bytes as subtensor's `Vec<Compact<u8>>` text fields carry them.
pub fn compact_bytes(bytes: &[u8]) -> Vec<Compact<u8>> {
    bytes.iter().map(|b| Compact(*b)).collect()
}

/// `get_dynamic_info(netuid)`: `None` unless the subnet exists.
pub fn get_dynamic_info(s: &Storage, netuid: u16) -> Option<DynamicInfo> {
    let netuid = NetUid(netuid);
    if !NetworksAdded::get(s, &netuid) {
        return None;
    }
    let last_step = LastMechansimStepBlock::get(s, &netuid);
    Some(DynamicInfo {
        netuid: netuid.0,
        owner_hotkey: SubnetOwnerHotkey::get(s, &netuid),
        owner_coldkey: SubnetOwner::get(s, &netuid),
        subnet_name: compact_bytes(&subnet_name(s, netuid)),
        token_symbol: compact_bytes(&TokenSymbol::get(s, &netuid)),
        tempo: Tempo::get(s, &netuid),
        last_step,
        blocks_since_last_step: current_block(s).saturating_sub(last_step),
        emission: 0,
        alpha_in: SubnetAlphaIn::get(s, &netuid),
        alpha_out: SubnetAlphaOut::get(s, &netuid),
        tao_in: SubnetTAO::get(s, &netuid),
        alpha_out_emission: SubnetAlphaOutEmission::get(s, &netuid),
        alpha_in_emission: SubnetAlphaInEmission::get(s, &netuid),
        tao_in_emission: SubnetTaoInEmission::get(s, &netuid),
        pending_alpha_emission: PendingValidatorEmission::get(s, &netuid)
            .saturating_add(PendingServerEmission::get(s, &netuid)),
        pending_root_emission: 0,
        subnet_volume: SubnetVolume::get(s, &netuid),
        network_registered_at: NetworkRegisteredAt::get(s, &netuid),
        subnet_identity: SubnetIdentitiesV3::try_get(s, &netuid),
        moving_price: SubnetMovingPrice::get(s, &netuid),
    })
}

/// Every netuid of `NetworksAdded`, in storage order (subtensor's `get_all_subnet_netuids`).
pub fn all_netuids(s: &Storage) -> Vec<NetUid> {
    NetworksAdded::iter(s).into_iter().map(|(n, _)| n).collect()
}

/// `get_all_dynamic_info()`: one entry per netuid of `NetworksAdded`, in storage order. No
/// `None` for gaps between netuids: the SDK builds a `DynamicInfo` from every entry and would
/// fail on one.
pub fn get_all_dynamic_info(s: &Storage) -> Vec<Option<DynamicInfo>> {
    all_netuids(s)
        .into_iter()
        .map(|n| get_dynamic_info(s, n.0))
        .collect()
}

/// `get_next_epoch_start_block(netuid)`: the last epoch's block plus the tempo, or the block a
/// triggered epoch is due if earlier; `None` with tempo 0.
pub fn get_next_epoch_start_block(s: &Storage, netuid: u16) -> Option<u64> {
    let netuid = NetUid(netuid);
    let tempo = Tempo::get(s, &netuid);
    if tempo == 0 {
        return None;
    }
    let next = LastEpochBlock::get(s, &netuid).saturating_add(u64::from(tempo));
    match PendingEpochAt::get(s, &netuid) {
        0 => Some(next),
        pending => Some(next.min(pending)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::genesis::{GenesisConfig, dev_account};
    use crate::runtime_api::call;
    use crate::test_support::{TAO, acct, funded, subnet};

    fn all(s: &Storage) -> Vec<Option<DynamicInfo>> {
        let out = call(s, "SubnetInfoRuntimeApi_get_all_dynamic_info", &[]).unwrap();
        Vec::<Option<DynamicInfo>>::decode(&mut &out[..]).unwrap()
    }

    #[test]
    fn dev_genesis_lists_root() {
        let s = GenesisConfig::dev().unwrap().build().unwrap();
        let infos = all(&s);
        assert_eq!(infos.len(), 1);
        let root = infos[0].clone().unwrap();
        assert_eq!(root.netuid, 0);
        assert_eq!(root.owner_coldkey, dev_account("//Alice").unwrap());
        assert_eq!(root.owner_hotkey, dev_account("//Alice_hk").unwrap());
        assert_eq!(root.tempo, 100);
        assert_eq!(root.subnet_name, compact_bytes(b"root"));
        assert_eq!(root.token_symbol, compact_bytes("\u{03A4}".as_bytes()));
        assert_eq!(root.subnet_identity, None);
    }

    #[test]
    fn a_subnet_reads_its_storage_field_by_field() {
        let mut s = funded(&[(1, 10_000 * TAO)]);
        let netuid = subnet(&mut s, true);
        crate::system::Number::put(&mut s, &25);
        LastMechansimStepBlock::insert(&mut s, &netuid, &20);
        SubnetAlphaInEmission::insert(&mut s, &netuid, &11);
        SubnetAlphaOutEmission::insert(&mut s, &netuid, &12);
        SubnetTaoInEmission::insert(&mut s, &netuid, &13);
        PendingValidatorEmission::insert(&mut s, &netuid, &100);
        PendingServerEmission::insert(&mut s, &netuid, &50);
        SubnetVolume::insert(&mut s, &netuid, &(u128::from(u64::MAX) + 1));
        SubnetMovingPrice::insert(&mut s, &netuid, &I96F32::from_num(3));
        let identity = SubnetIdentityV3 {
            subnet_name: b"Zeta \xce\xb6".to_vec(),
            github_repo: b"gh".to_vec(),
            ..Default::default()
        };
        SubnetIdentitiesV3::insert(&mut s, &netuid, &identity);

        let out = call(
            &s,
            "SubnetInfoRuntimeApi_get_dynamic_info",
            &netuid.0.encode(),
        )
        .unwrap();
        let d = Option::<DynamicInfo>::decode(&mut &out[..])
            .unwrap()
            .unwrap();
        assert_eq!(d.netuid, netuid.0);
        assert_eq!(d.owner_coldkey, acct(1));
        assert_eq!(d.owner_hotkey, acct(2));
        assert_eq!(d.subnet_name, compact_bytes(b"Zeta \xce\xb6"));
        assert_eq!(
            d.token_symbol,
            compact_bytes(&TokenSymbol::get(&s, &netuid))
        );
        assert!(!d.token_symbol.is_empty());
        assert_eq!(d.tempo, Tempo::get(&s, &netuid));
        assert_eq!((d.last_step, d.blocks_since_last_step), (20, 5));
        assert_eq!(d.emission, 0);
        assert_eq!(d.alpha_in, SubnetAlphaIn::get(&s, &netuid));
        assert!(d.alpha_in > 0);
        assert_eq!(d.alpha_out, SubnetAlphaOut::get(&s, &netuid));
        assert_eq!(d.tao_in, SubnetTAO::get(&s, &netuid));
        assert!(d.tao_in > 0);
        assert_eq!(
            (d.alpha_out_emission, d.alpha_in_emission, d.tao_in_emission),
            (12, 11, 13)
        );
        assert_eq!(d.pending_alpha_emission, 150);
        assert_eq!(d.pending_root_emission, 0);
        assert_eq!(d.subnet_volume, u128::from(u64::MAX) + 1);
        assert_eq!(d.network_registered_at, 1);
        assert_eq!(d.subnet_identity, Some(identity));
        assert_eq!(d.moving_price, I96F32::from_num(3));

        // The wire layout: compact netuid, two accounts, then each name byte compact-encoded
        // (a byte ≥ 64 takes two bytes).
        let raw = &out[1..];
        assert_eq!(raw[0], (netuid.0 as u8) << 2);
        let name = &raw[1 + 64..];
        assert_eq!(name[0], 7 << 2); // 7 bytes
        // 'Z' = 0x5a: two-byte mode, 0x5a·4 + 1 = 0x0169 little-endian.
        assert_eq!(&name[1..3], &[0x69, 0x01]);
        // ' ' = 0x20: single-byte mode, 0x20·4.
        assert_eq!(name[9], 0x80);
        // 0xce: 0xce·4 + 1 = 0x0339.
        assert_eq!(&name[10..12], &[0x39, 0x03]);

        // Every subnet, root too when it exists, and no gaps.
        let infos = all(&s);
        assert_eq!(infos.len(), 1);
        assert_eq!(infos[0].clone().unwrap(), d);
        NetworksAdded::insert(&mut s, &NetUid::ROOT, &true);
        let infos = all(&s);
        assert_eq!(
            infos
                .iter()
                .map(|i| i.as_ref().unwrap().netuid)
                .collect::<Vec<_>>(),
            vec![0, netuid.0]
        );
        assert_eq!(
            call(&s, "SubnetInfoRuntimeApi_get_dynamic_info", &[9, 0]).unwrap(),
            vec![0]
        );
    }

    #[test]
    fn default_names_follow_the_netuid() {
        let s = Storage::new();
        assert_eq!(subnet_name(&s, NetUid(1)), b"apex");
        assert_eq!(subnet_name(&s, NetUid(438)), b"ra");
        assert_eq!(subnet_name(&s, NetUid(439)), b"unknown");
    }

    #[test]
    fn next_epoch_start_block() {
        let mut s = Storage::new();
        let n = NetUid(1);
        Tempo::insert(&mut s, &n, &10);
        LastEpochBlock::insert(&mut s, &n, &100);
        let next = |s: &Storage| {
            let out = call(
                s,
                "SubnetInfoRuntimeApi_get_next_epoch_start_block",
                &[1, 0],
            )
            .unwrap();
            Option::<u64>::decode(&mut &out[..]).unwrap()
        };
        assert_eq!(next(&s), Some(110));
        PendingEpochAt::insert(&mut s, &n, &105);
        assert_eq!(next(&s), Some(105));
        Tempo::insert(&mut s, &n, &0);
        assert_eq!(next(&s), None);
    }
}
