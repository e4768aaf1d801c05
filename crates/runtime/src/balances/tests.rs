//! Balances: transfers, the existential deposit, reaping, issuance, and the error mapping.

use super::*;
use crate::test_support::{acct, funded};
use proptest::prelude::*;

#[test]
fn account_info_encodes_like_substrate() {
    let info = AccountInfo {
        nonce: 1,
        consumers: 0,
        providers: 1,
        sufficients: 0,
        data: AccountData {
            free: 500,
            reserved: 0,
            frozen: 0,
            flags: NEW_LOGIC_FLAG,
        },
    };
    let bytes = info.encode();
    assert_eq!(bytes.len(), 16 + 8 * 3 + 16);
    assert_eq!(&bytes[..4], &1u32.to_le_bytes());
    assert_eq!(&bytes[16..24], &500u64.to_le_bytes());
    assert_eq!(AccountInfo::decode(&mut bytes.as_slice()).unwrap(), info);
}

#[test]
fn transfers_respect_the_existential_deposit() {
    let mut s = funded(&[(1, 10_000)]);
    let mut ev = Vec::new();
    // A new account needs at least 500 rao.
    assert_eq!(
        transfer(
            &mut s,
            &acct(1),
            &acct(2),
            499,
            Existence::AllowDeath,
            &mut ev
        ),
        Err(BalancesError::ExistentialDeposit)
    );
    // Keep-alive refuses to go below 500.
    assert_eq!(
        transfer(
            &mut s,
            &acct(1),
            &acct(2),
            9_600,
            Existence::KeepAlive,
            &mut ev
        ),
        Err(BalancesError::Expendability)
    );
    assert_eq!(
        transfer(
            &mut s,
            &acct(1),
            &acct(2),
            10_001,
            Existence::AllowDeath,
            &mut ev
        ),
        Err(BalancesError::InsufficientBalance)
    );
    assert!(ev.is_empty());
    transfer(
        &mut s,
        &acct(1),
        &acct(2),
        9_500,
        Existence::KeepAlive,
        &mut ev,
    )
    .unwrap();
    assert_eq!(free_balance(&s, &acct(1)), 500);
    assert_eq!(free_balance(&s, &acct(2)), 9_500);
    assert_eq!(total_issuance(&s), 10_000);
    // Allow-death reaps the sender and destroys its dust.
    ev.clear();
    transfer(
        &mut s,
        &acct(1),
        &acct(2),
        100,
        Existence::AllowDeath,
        &mut ev,
    )
    .unwrap();
    assert!(!Account::contains_key(&s, &acct(1)));
    assert_eq!(total_issuance(&s), 9_600);
    assert_eq!(TotalIssuance::get(&s), 9_600);
    assert_eq!(
        ev,
        vec![
            BalancesEvent::Transfer {
                from: acct(1),
                to: acct(2),
                amount: 100
            },
            BalancesEvent::DustLost {
                account: acct(1),
                amount: 400
            },
        ]
    );
}

#[test]
fn transfer_all_moves_everything_or_all_but_the_deposit() {
    let mut s = funded(&[(1, 2_000), (2, 1_000)]);
    let moved = transfer_all(&mut s, &acct(1), &acct(2), true, &mut Vec::new()).unwrap();
    assert_eq!((moved, free_balance(&s, &acct(1))), (1_500, 500));
    let moved = transfer_all(&mut s, &acct(1), &acct(2), false, &mut Vec::new()).unwrap();
    assert_eq!((moved, free_balance(&s, &acct(1))), (500, 0));
    assert_eq!(free_balance(&s, &acct(2)), 3_000);
    assert_eq!(total_issuance(&s), 3_000);
}

proptest! {
    /// Any sequence of transfers conserves issuance: free balances plus destroyed dust equal
    /// what was minted, and a failed transfer leaves the state root unchanged.
    #[test]
    fn transfers_conserve_issuance(
        ops in prop::collection::vec((0u8..4, 0u8..4, 0u64..3_000, any::<bool>()), 0..40),
    ) {
        let mut s = funded(&[(0, 5_000), (1, 2_000), (2, 600)]);
        let minted = 7_600u64;
        let mut destroyed = 0u64;
        for (from, to, amount, keep) in ops {
            let existence = if keep { Existence::KeepAlive } else { Existence::AllowDeath };
            let root = s.root();
            let mut ev = Vec::new();
            match s.transactional(|s| transfer(s, &acct(from), &acct(to), amount, existence, &mut ev)) {
                Ok(()) => {
                    for e in &ev {
                        if let BalancesEvent::DustLost { amount, .. } = e {
                            destroyed += amount;
                        }
                    }
                }
                Err(_) => prop_assert_eq!(s.root(), root),
            }
            let held: u64 = (0..4).map(|a| free_balance(&s, &acct(a))).sum();
            prop_assert_eq!(held + destroyed, minted);
            prop_assert_eq!(total_issuance(&s), held);
            prop_assert_eq!(TotalIssuance::get(&s), held);
            for a in 0..4 {
                let f = free_balance(&s, &acct(a));
                prop_assert!(f == 0 || f >= EXISTENTIAL_DEPOSIT);
            }
        }
    }
}
