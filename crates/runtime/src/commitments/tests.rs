//! Commitments: the `Data` encoding, the space budget, bonds resets and purging, through the
//! pallet's calls.

use super::*;
use crate::call::RuntimeCall;
use crate::config::PALLETS;
use crate::event::RuntimeEvent;
use crate::subtensor::storage::{Bonds, BondsResetOn, SubnetEpochIndex, Uids, mechanism_index};
use crate::test_support::{TAO, acct, funded, subnet};
use proptest::prelude::*;

fn raw(bytes: &[u8]) -> Data {
    Data::Raw(BoundedBytes::new(bytes.to_vec()).unwrap())
}

fn big(n: usize) -> Data {
    Data::BigRaw(BoundedBytes::new(vec![7; n]).unwrap())
}

fn info(fields: Vec<Data>) -> CommitmentInfo {
    CommitmentInfo { fields }
}

fn round_trip(d: &Data, bytes: &[u8]) {
    assert_eq!(d.encode(), bytes, "{d:?}");
    assert!(d.size_hint() >= bytes.len());
    let mut input = bytes;
    assert_eq!(&Data::decode(&mut input).unwrap(), d);
    assert!(input.is_empty());
}

#[test]
fn data_variants_have_subtensors_bytes() {
    round_trip(&Data::None, &[0]);
    round_trip(&raw(&[]), &[1]);
    round_trip(&raw(&[1, 2, 3]), &[4, 1, 2, 3]);
    let mut b = vec![129];
    b.extend([5u8; 128]);
    round_trip(&raw(&[5; 128]), &b);
    for (tag, d) in [
        (130u8, Data::BlakeTwo256([9; 32])),
        (131, Data::Sha256([9; 32])),
        (132, Data::Keccak256([9; 32])),
        (133, Data::ShaThree256([9; 32])),
    ] {
        let mut b = vec![tag];
        b.extend([9u8; 32]);
        round_trip(&d, &b);
    }
    round_trip(
        &Data::TimelockEncrypted {
            encrypted: BoundedBytes::new(vec![1, 2]).unwrap(),
            reveal_round: 5,
        },
        &[134, 8, 1, 2, 5, 0, 0, 0, 0, 0, 0, 0],
    );
    round_trip(&Data::ResetBondsFlag, &[135]);
    // 200 bytes: compact length 200 in two-byte mode, 0x0321.
    let mut b = vec![136, 0x21, 0x03];
    b.extend([7u8; 200]);
    round_trip(&big(200), &b);
}

#[test]
fn malformed_data_is_refused() {
    for bad in [
        &[][..],
        &[137],
        &[255],
        &[4, 1, 2],
        &[130, 1],
        &[134, 8, 1, 2, 5],
        &[136, 8, 1],
    ] {
        assert!(Data::decode(&mut &bad[..]).is_err(), "{bad:?}");
    }
    // 513 bytes of BigRaw and 1025 of ciphertext are over their bounds.
    let mut b = vec![136];
    Compact(513u32).encode_to(&mut b);
    b.extend([0u8; 513]);
    assert!(Data::decode(&mut &b[..]).is_err());
    let mut b = vec![134];
    Compact(1025u32).encode_to(&mut b);
    b.extend([0u8; 1033]);
    assert!(Data::decode(&mut &b[..]).is_err());
    assert!(BoundedBytes::<MAX_RAW_BYTES>::new(vec![0; 129]).is_none());
}

#[test]
fn commitment_info_is_bounded_and_registration_pads_with_zeros() {
    let i = info(vec![raw(&[1]), Data::ResetBondsFlag, Data::None]);
    assert_eq!(i.encode(), vec![12, 2, 1, 135, 0]);
    assert_eq!(CommitmentInfo::decode(&mut &i.encode()[..]).unwrap(), i);
    assert!(CommitmentInfo::decode(&mut &[16u8, 0, 0, 0, 0][..]).is_err());
    let r = Registration {
        deposit: 1,
        block: 2,
        info: info(vec![raw(&[5])]),
    };
    assert_eq!(
        r.encode(),
        vec![1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 4, 2, 5]
    );
    assert_eq!(Registration::decode(&mut &r.encode()[..]).unwrap(), r);
    // Only the deposit and part of the block: the rest reads as zeros.
    let short = [3u8, 0, 0, 0, 0, 0, 0, 0, 9];
    assert_eq!(
        Registration::decode(&mut &short[..]).unwrap(),
        Registration {
            deposit: 3,
            block: 9,
            info: CommitmentInfo::default()
        }
    );
    assert_eq!(
        Registration::decode(&mut &[][..]).unwrap(),
        Registration::default()
    );
}

proptest! {
    /// Any bytes decode to a value or an error, never a panic; a value re-encodes to
    /// exactly the bytes it consumed.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..700)) {
        let mut input = &bytes[..];
        if let Ok(d) = Data::decode(&mut input) {
            let used = bytes.len() - input.len();
            prop_assert_eq!(d.encode(), bytes[..used].to_vec());
        }
        let mut input = &bytes[..];
        if let Ok(i) = CommitmentInfo::decode(&mut input) {
            let used = bytes.len() - input.len();
            prop_assert_eq!(i.encode(), bytes[..used].to_vec());
        }
        let _ = Registration::decode(&mut &bytes[..]);
        let _ = RuntimeCall::decode_bytes(&[&[18u8, 0][..], &bytes[..]].concat());
    }

    /// Prefixed with a valid tag, any payload still never panics.
    #[test]
    fn tagged_bytes_never_panic(tag in 0u8..=255, bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let all = [&[tag][..], &bytes[..]].concat();
        let _ = Data::decode(&mut &all[..]);
        let _ = Registration::decode(&mut &all[..]);
    }
}

/// A started subnet whose owner hotkey `acct(2)` is its uid 0.
fn setup() -> (Storage, NetUid) {
    let mut s = funded(&[(1, 10_000 * TAO)]);
    let netuid = subnet(&mut s, true);
    assert!(Uids::contains_key(&s, &netuid, &acct(2)));
    (s, netuid)
}

fn ctx(block: u64) -> BlockContext {
    BlockContext {
        block,
        author: None,
    }
}

#[test]
fn set_commitment_stores_and_emits() {
    let (mut s, netuid) = setup();
    let hk = acct(2);
    let i = info(vec![raw(&[1, 2, 3]), Data::Sha256([4; 32])]);
    let call = RuntimeCall::Commitments(CommitmentsCall::set_commitment {
        netuid,
        info: i.clone(),
    });
    let mut ev = Vec::new();
    crate::executive::dispatch(&mut s, &ctx(10), &Origin::Signed(hk), &call, &mut ev).unwrap();
    assert_eq!(
        ev,
        vec![RuntimeEvent::Commitments(CommitmentsEvent::Commitment {
            netuid,
            who: hk
        })]
    );
    assert_eq!(
        CommitmentOf::try_get(&s, &netuid, &hk),
        Some(Registration {
            deposit: 0,
            block: 10,
            info: i.clone()
        })
    );
    assert_eq!(LastCommitment::try_get(&s, &netuid, &hk), Some(10));
    // 35 bytes of payload count as the minimum 100.
    assert_eq!(
        UsedSpaceOf::try_get(&s, &netuid, &hk),
        Some(UsageTracker {
            last_epoch: SubnetEpochIndex::get(&s, &netuid),
            used_space: 100
        })
    );
    assert_eq!(LastBondsReset::try_get(&s, &netuid, &hk), None);
    assert!(TimelockedIndex::exists(&s));
    assert!(TimelockedIndex::get(&s).is_empty());
    // A second commitment replaces the first and adds to the space used.
    let j = info(vec![big(300)]);
    set_commitment(&mut s, 11, &PALLETS, &hk, netuid, &j, &mut Vec::new()).unwrap();
    assert_eq!(CommitmentOf::get(&s, &netuid, &hk).info, j);
    assert_eq!(CommitmentOf::get(&s, &netuid, &hk).block, 11);
    assert_eq!(UsedSpaceOf::get(&s, &netuid, &hk).used_space, 400);
    // The event's bytes: pallet 18, variant 0, netuid, account.
    let e = RuntimeEvent::Commitments(CommitmentsEvent::Commitment { netuid, who: hk });
    let b = e.encode();
    assert_eq!(&b[..2], &[18, 0]);
    assert_eq!(&b[2..4], &netuid.encode()[..]);
    assert_eq!(b.len(), 4 + 32);
}

#[test]
fn set_commitment_errors() {
    let (mut s, netuid) = setup();
    let root = s.root();
    let mut ev = Vec::new();
    // Not registered on the subnet (nor on a subnet that does not exist).
    let call = RuntimeCall::Commitments(CommitmentsCall::set_commitment {
        netuid,
        info: info(vec![raw(&[1])]),
    });
    assert_eq!(
        crate::executive::dispatch(&mut s, &ctx(5), &Origin::Signed(acct(9)), &call, &mut ev),
        Err(DispatchError::module(18, 1))
    );
    assert_eq!(
        set_commitment(
            &mut s,
            5,
            &PALLETS,
            &acct(2),
            NetUid(77),
            &info(vec![]),
            &mut Vec::new()
        ),
        Err(CommitmentsError::AccountNotAllowedCommit)
    );
    // Root and unsigned origins are refused.
    assert_eq!(
        crate::executive::dispatch(&mut s, &ctx(5), &Origin::Root, &call, &mut ev),
        Err(DispatchError::BadOrigin)
    );
    // Four fields (only constructible in Rust: four do not decode).
    let call = RuntimeCall::Commitments(CommitmentsCall::set_commitment {
        netuid,
        info: info(vec![Data::None; 4]),
    });
    assert_eq!(
        crate::executive::dispatch(&mut s, &ctx(5), &Origin::Signed(acct(2)), &call, &mut ev),
        Err(DispatchError::module(18, 0))
    );
    assert!(RuntimeCall::decode_bytes(&call.encode()).is_err());
    assert!(ev.is_empty());
    assert_eq!(s.root(), root);
    assert_eq!(
        DispatchError::from(CommitmentsError::UnexpectedUnreserveLeftover),
        DispatchError::module(18, 3)
    );
}

#[test]
fn space_budget_is_per_epoch() {
    let (mut s, netuid) = setup();
    let hk = acct(2);
    let i = info(vec![big(512), big(512), big(512)]);
    set_commitment(&mut s, 5, &PALLETS, &hk, netuid, &i, &mut Vec::new()).unwrap();
    set_commitment(&mut s, 6, &PALLETS, &hk, netuid, &i, &mut Vec::new()).unwrap();
    assert_eq!(UsedSpaceOf::get(&s, &netuid, &hk).used_space, 3072);
    let root = s.root();
    let call = RuntimeCall::Commitments(CommitmentsCall::set_commitment {
        netuid,
        info: info(vec![Data::ResetBondsFlag]),
    });
    // Even the minimum 100 no longer fits: 3072 + 100 > 3100.
    assert_eq!(
        crate::executive::dispatch(&mut s, &ctx(7), &Origin::Signed(hk), &call, &mut Vec::new()),
        Err(DispatchError::module(18, 2))
    );
    assert_eq!(s.root(), root);
    assert_eq!(LastBondsReset::try_get(&s, &netuid, &hk), None);
    // Another account's budget is separate.
    assert_eq!(UsedSpaceOf::try_get(&s, &netuid, &acct(3)), None);
    // A new epoch starts a new budget.
    let epoch = SubnetEpochIndex::get(&s, &netuid).saturating_add(1);
    SubnetEpochIndex::insert(&mut s, &netuid, &epoch);
    set_commitment(&mut s, 8, &PALLETS, &hk, netuid, &i, &mut Vec::new()).unwrap();
    assert_eq!(
        UsedSpaceOf::get(&s, &netuid, &hk),
        UsageTracker {
            last_epoch: epoch,
            used_space: 1536
        }
    );
    // Root raises the budget.
    let raise = RuntimeCall::Commitments(CommitmentsCall::set_max_space { new_limit: 5000 });
    assert_eq!(
        crate::executive::dispatch(
            &mut s,
            &ctx(8),
            &Origin::Signed(hk),
            &raise,
            &mut Vec::new()
        ),
        Err(DispatchError::BadOrigin)
    );
    crate::executive::dispatch(&mut s, &ctx(8), &Origin::Root, &raise, &mut Vec::new()).unwrap();
    assert_eq!(MaxSpace::get(&s), 5000);
    set_commitment(&mut s, 9, &PALLETS, &hk, netuid, &i, &mut Vec::new()).unwrap();
    assert_eq!(UsedSpaceOf::get(&s, &netuid, &hk).used_space, 3072);
}

#[test]
fn reset_bonds_flag_drops_the_signers_bonds_where_enabled() {
    let (mut s, netuid) = setup();
    let hk = acct(2);
    let index = mechanism_index(netuid, 0);
    Bonds::insert(&mut s, &index, &1, &vec![(0, 10), (3, 20)]);
    Bonds::insert(&mut s, &index, &3, &vec![(0, 5)]);
    let flag = info(vec![Data::ResetBondsFlag]);
    // Bonds reset off: only the request's block is recorded.
    set_commitment(&mut s, 5, &PALLETS, &hk, netuid, &flag, &mut Vec::new()).unwrap();
    assert_eq!(LastBondsReset::try_get(&s, &netuid, &hk), Some(5));
    assert_eq!(Bonds::get(&s, &index, &1), vec![(0, 10), (3, 20)]);
    BondsResetOn::insert(&mut s, &netuid, &true);
    set_commitment(&mut s, 6, &PALLETS, &hk, netuid, &flag, &mut Vec::new()).unwrap();
    assert_eq!(LastBondsReset::try_get(&s, &netuid, &hk), Some(6));
    assert_eq!(Bonds::get(&s, &index, &1), vec![(3, 20)]);
    assert_eq!(Bonds::try_get(&s, &index, &3), Some(vec![]));
}

#[test]
fn timelocked_commitments_are_indexed_until_replaced() {
    let (mut s, netuid) = setup();
    let hk = acct(2);
    let tl = info(vec![
        raw(&[1]),
        Data::TimelockEncrypted {
            encrypted: BoundedBytes::new(vec![1; 40]).unwrap(),
            reveal_round: 77,
        },
    ]);
    let mut ev = Vec::new();
    set_commitment(&mut s, 5, &PALLETS, &hk, netuid, &tl, &mut ev).unwrap();
    assert_eq!(
        ev,
        vec![CommitmentsEvent::TimelockCommitment {
            netuid,
            who: hk,
            reveal_round: 77
        }]
    );
    assert!(TimelockedIndex::get(&s).contains(&(netuid, hk)));
    ev.clear();
    set_commitment(&mut s, 6, &PALLETS, &hk, netuid, &info(vec![]), &mut ev).unwrap();
    assert_eq!(ev, vec![CommitmentsEvent::Commitment { netuid, who: hk }]);
    assert!(TimelockedIndex::get(&s).is_empty());
    assert_eq!(CommitmentOf::get(&s, &netuid, &hk).info, info(vec![]));
}

#[test]
fn purge_clears_the_subnet_only() {
    let (mut s, netuid) = setup();
    let hk = acct(2);
    let other = NetUid(netuid.0 + 1);
    Uids::insert(&mut s, &other, &hk, &0);
    let tl = info(vec![Data::TimelockEncrypted {
        encrypted: BoundedBytes::new(vec![1]).unwrap(),
        reveal_round: 1,
    }]);
    set_commitment(&mut s, 5, &PALLETS, &hk, netuid, &tl, &mut Vec::new()).unwrap();
    set_commitment(&mut s, 5, &PALLETS, &hk, other, &tl, &mut Vec::new()).unwrap();
    purge_netuid(&mut s, netuid);
    assert_eq!(CommitmentOf::try_get(&s, &netuid, &hk), None);
    assert_eq!(LastCommitment::try_get(&s, &netuid, &hk), None);
    assert_eq!(UsedSpaceOf::try_get(&s, &netuid, &hk), None);
    assert!(CommitmentOf::try_get(&s, &other, &hk).is_some());
    assert_eq!(
        TimelockedIndex::get(&s).into_iter().collect::<Vec<_>>(),
        vec![(other, hk)]
    );
}

#[test]
fn dissolving_the_subnet_purges_its_commitments() {
    let (mut s, netuid) = setup();
    set_commitment(
        &mut s,
        5,
        &PALLETS,
        &acct(2),
        netuid,
        &info(vec![]),
        &mut Vec::new(),
    )
    .unwrap();
    crate::subtensor::dissolve::dissolve_network(&mut s, netuid, &PALLETS, &mut Vec::new());
    assert_eq!(CommitmentOf::try_get(&s, &netuid, &acct(2)), None);
    assert_eq!(LastCommitment::try_get(&s, &netuid, &acct(2)), None);
}

#[test]
fn call_bytes_and_storage_keys() {
    let c = RuntimeCall::Commitments(CommitmentsCall::set_commitment {
        netuid: NetUid(3),
        info: info(vec![raw(&[0xaa])]),
    });
    let b = c.encode();
    assert_eq!(b, vec![18, 0, 3, 0, 4, 2, 0xaa]);
    assert_eq!(RuntimeCall::decode_bytes(&b).unwrap(), c);
    assert_eq!(c.name(), ("Commitments", "set_commitment"));
    let c = RuntimeCall::Commitments(CommitmentsCall::set_max_space { new_limit: 1 });
    assert_eq!(c.encode(), vec![18, 2, 1, 0, 0, 0]);
    assert_eq!(c.name(), ("Commitments", "set_max_space"));
    assert!(RuntimeCall::decode_bytes(&[18, 1, 0, 0, 0, 0]).is_err());
    assert_eq!(
        crate::executive::call_info(&RuntimeCall::Commitments(CommitmentsCall::set_commitment {
            netuid: NetUid(3),
            info: info(vec![]),
        }))
        .pays_fee,
        crate::support::Pays::No
    );
    assert_eq!(
        crate::executive::call_info(&c).pays_fee,
        crate::support::Pays::Yes
    );
    // Identity(netuid) then twox64_concat(account).
    let k = CommitmentOf::key(&NetUid(3), &acct(1));
    assert_eq!(
        &k[..32],
        &cortex_primitives::hashing::storage_prefix("Commitments", "CommitmentOf")
    );
    assert_eq!(&k[32..34], &[3, 0]);
    assert_eq!(&k[42..], &[1; 32]);
    assert_eq!(k.len(), 32 + 2 + 8 + 32);
}
