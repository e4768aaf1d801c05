//! Subtensor's own epoch tests (spec/epoch.md §11), replayed through [`run_epoch`].
//!
//! Each test rebuilds the storage state a subtensor test sets up (stakes, registration blocks,
//! `set_weights` calls, permits written by earlier epochs) and asserts the numbers the subtensor
//! test asserts: exact u16/u64 values for the original-Yuma tests (§11.1–§11.11), and dividends and
//! bonds within 1e-3 (stored u16 / 65535) for the Yuma 3 scenarios of §11.12 that the golden
//! files do not already cover. Between epochs the state carries over as on chain: the new
//! permits and bond rows an epoch returns are what the next epoch reads.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use cortex_yuma::max_upscale_u16;
use cortex_yuma::{EpochInput, EpochOutput, EpochParams, run_epoch};

/// The alpha handed to every epoch in subtensor's tests.
const E: u64 = 1_000_000_000;

/// A subnet's epoch state, changed the way extrinsics and epochs change storage.
struct Subnet {
    input: EpochInput,
}

impl Subnet {
    /// `stake.len()` uids, all registered at `block` (with `LastUpdate` = `block`), no permits,
    /// no weights, no bonds.
    fn new(stake: &[u64], block: u64, params: EpochParams) -> Subnet {
        let n = stake.len();
        Subnet {
            input: EpochInput {
                n: u16::try_from(n).unwrap(),
                current_block: block,
                emission: E,
                alpha_stake: stake.to_vec(),
                tao_stake: Vec::new(),
                last_update: vec![block; n],
                block_at_registration: vec![block; n],
                validator_permit: vec![false; n],
                weights: vec![Vec::new(); n],
                bonds: vec![Vec::new(); n],
                commit_blocks: None,
                params,
            },
        }
    }

    /// `set_weights` by `uid` at `block`: the row is max-upscaled and stored as submitted, and
    /// `LastUpdate[uid]` becomes `block`.
    fn set_weights(&mut self, uid: u16, block: u64, dests: &[u16], values: &[u16]) {
        let i = usize::from(uid);
        self.input.weights[i] = dests.iter().copied().zip(max_upscale_u16(values)).collect();
        self.input.last_update[i] = block;
    }

    /// A new hotkey takes over `uid` at `block` (spec §3.3): no stake, its own weight and bond
    /// rows deleted, every weight pointing to it set to 0, no permit, and `BlockAtRegistration`
    /// and `LastUpdate` set to `block`.
    fn replace(&mut self, uid: u16, block: u64) {
        let i = usize::from(uid);
        self.input.alpha_stake[i] = 0;
        self.input.weights[i].clear();
        self.input.bonds[i].clear();
        for row in &mut self.input.weights {
            for (j, v) in row.iter_mut() {
                if *j == uid {
                    *v = 0;
                }
            }
        }
        self.input.validator_permit[i] = false;
        self.input.block_at_registration[i] = block;
        self.input.last_update[i] = block;
    }

    /// Runs an epoch at `block` with `E` and stores its permits and bonds for the next one.
    fn epoch(&mut self, block: u64) -> EpochOutput {
        self.input.current_block = block;
        let out = run_epoch(&self.input);
        assert_eq!(out.validator_permit.len(), usize::from(self.input.n));
        self.input
            .validator_permit
            .clone_from(&out.validator_permit);
        self.input.bonds.clone_from(&out.bonds);
        out
    }
}

/// The stored bond of `uid` towards `dest` (0 if there is no entry).
fn bond(out: &EpochOutput, uid: usize, dest: u16) -> u16 {
    let hits: Vec<u16> = out.bonds[uid]
        .iter()
        .filter(|(j, _)| *j == dest)
        .map(|(_, v)| *v)
        .collect();
    assert!(
        hits.len() <= 1,
        "uid {uid}: duplicate bond entries to {dest}"
    );
    hits.first().copied().unwrap_or(0)
}

/// The mock runtime's parameters with Yuma 3 off (`add_network_disable_commit_reveal`).
fn original_yuma(tempo: u16) -> EpochParams {
    EpochParams {
        tempo,
        max_allowed_validators: 100,
        yuma3: false,
        ..EpochParams::default()
    }
}

// ---------------------------------------------------------------------------------------------
// §11.1 – §11.3

#[test]
fn test_10_graph_pays_stake_fallback_with_flooring() {
    // 10 uids with stake 1 registered at block 0 (no permits); each sets only a self-weight.
    let mut net = Subnet::new(&[1; 10], 0, original_yuma(360));
    for uid in 0..10 {
        net.set_weights(uid, 1, &[uid], &[u16::MAX]);
    }
    let out = net.epoch(1);
    for uid in 0..10 {
        assert_eq!(out.consensus[uid], 0, "consensus of {uid}");
        assert_eq!(out.incentive[uid], 0, "incentive of {uid}");
        assert_eq!(out.dividends[uid], 0, "dividends of {uid}");
        assert_eq!(out.emission[uid], 99_999_999, "emission of {uid}");
    }
}

fn one_graph(last_update: Vec<u64>) -> EpochOutput {
    let mut net = Subnet::new(&[1_000_000_000], 0, original_yuma(360));
    net.set_weights(0, 1, &[0], &[u16::MAX]);
    net.input.last_update = last_update;
    net.epoch(1)
}

#[test]
fn test_1_graph_self_weight_only() {
    let out = one_graph(vec![1]);
    assert_eq!(out.consensus, vec![0]);
    assert_eq!(out.incentive, vec![0]);
    assert_eq!(out.dividends, vec![0]);
    // Fallback (§8.3): the only uid holds all of the stake, which is exactly 1.
    assert_eq!(out.emission, vec![E]);
}

#[test]
fn test_last_update_size_mismatch_does_not_panic() {
    // `LastUpdate` with 3 entries for n = 1.
    let out = one_graph(vec![1, 1, 1]);
    assert_eq!(out.consensus, vec![0]);
    assert_eq!(out.incentive, vec![0]);
    assert_eq!(out.dividends, vec![0]);
    assert_eq!(out.active.len(), 1);
    assert_eq!(out.emission.len(), 1);
}

/// `test_512_graph`: the 64 uids in `validators` hold 328 125 000 000 000 each, the other 448
/// are servers without stake. Validators weight 127 on every server; tempo 65534 makes every
/// column recently registered, so bonds restart in every epoch.
fn graph_512(validators: &[u16], server_self_weights: bool) {
    const N: usize = 512;
    assert_eq!(validators.len(), 64);
    let is_validator = |uid: usize| validators.contains(&u16::try_from(uid).unwrap());
    let stake: Vec<u64> = (0..N)
        .map(|uid| {
            if is_validator(uid) {
                328_125_000_000_000
            } else {
                0
            }
        })
        .collect();
    let params = EpochParams {
        tempo: 65534,
        max_allowed_validators: 64,
        yuma3: false,
        ..EpochParams::default()
    };
    let mut net = Subnet::new(&stake, 0, params);
    // The first epoch only writes permits (none were held before).
    let first = net.epoch(1);
    for uid in 0..N {
        assert_eq!(
            first.validator_permit[uid],
            is_validator(uid),
            "permit of {uid}"
        );
    }
    let servers: Vec<u16> = (0..512u16)
        .filter(|u| !is_validator(usize::from(*u)))
        .collect();
    assert_eq!(servers.len(), 448);
    for &v in validators {
        net.set_weights(v, 1, &servers, &vec![u16::MAX / 512; servers.len()]);
        assert!(
            net.input.weights[usize::from(v)]
                .iter()
                .all(|(_, w)| *w == 65535)
        );
    }
    if server_self_weights {
        for &s in &servers {
            net.set_weights(s, 1, &[s], &[u16::MAX]);
        }
    }
    for epoch in 0..3 {
        let out = net.epoch(1);
        for uid in 0..N {
            let at = format!("epoch {epoch}, uid {uid}");
            if is_validator(uid) {
                assert_eq!(out.consensus[uid], 0, "consensus, {at}");
                assert_eq!(out.incentive[uid], 0, "incentive, {at}");
                assert_eq!(out.dividends[uid], 1023, "dividends, {at}");
                assert_eq!(out.emission[uid], 7_812_500, "emission, {at}");
                for &s in &servers {
                    assert_eq!(bond(&out, uid, s), 65535, "bond to server {s}, {at}");
                }
                for &v in validators {
                    assert_eq!(bond(&out, uid, v), 0, "bond to validator {v}, {at}");
                }
            } else {
                assert_eq!(out.consensus[uid], 146, "consensus, {at}");
                assert_eq!(out.incentive[uid], 146, "incentive, {at}");
                assert_eq!(out.dividends[uid], 0, "dividends, {at}");
                assert_eq!(out.emission[uid], 1_116_071, "emission, {at}");
                assert!(out.bonds[uid].is_empty(), "bonds, {at}");
            }
        }
    }
}

#[test]
fn test_512_graph_validators_first() {
    let validators: Vec<u16> = (0..64).collect();
    graph_512(&validators, false);
}

#[test]
fn test_512_graph_validators_last_with_server_self_weights() {
    let validators: Vec<u16> = (448..512).collect();
    graph_512(&validators, true);
}

#[test]
fn test_512_graph_validators_interleaved() {
    let validators: Vec<u16> = (0..64).map(|k| k * 8 + 3).collect();
    graph_512(&validators, true);
}

// ---------------------------------------------------------------------------------------------
// §11.5 – §11.7

#[test]
fn test_active_stake_inactive_validator_keeps_bond_dividends() {
    let params = EpochParams {
        max_allowed_validators: 4,
        ..original_yuma(1)
    };
    let mut net = Subnet::new(&[1; 4], 0, params);
    net.epoch(0); // permits for all four
    for uid in 0..2 {
        net.set_weights(uid, 1, &[2, 3], &[32767, 32767]);
    }
    let out = net.epoch(1);
    assert_eq!(out.dividends[..2], [32767, 32767]);
    assert_eq!(out.emission, vec![250_000_000; 4]);
    for uid in 0..2 {
        for server in [2, 3] {
            assert_eq!(bond(&out, uid, server), 65535, "bond {uid}->{server}");
        }
    }

    // Block 5002: only uid 0 refreshes; uid 1 (last update 1) is far beyond the 13-block cutoff.
    net.set_weights(0, 5002, &[2, 3], &[32767, 32767]);
    let out = net.epoch(5002);
    assert_eq!(out.active, vec![true, false, false, false]);
    assert_eq!(out.dividends[0], 36044);
    assert_eq!(out.emission[0], 274_999_999);
    assert_eq!(out.dividends[1], 29490);
    assert_eq!(out.emission[1], 224_999_999);
    for server in [2, 3] {
        assert_eq!(bond(&out, 0, server), 65535, "bond 0->{server}");
        assert_eq!(bond(&out, 1, server), 53619, "bond 1->{server}");
    }

    // uid 1 refreshes at 5002 too; the epoch runs at 5003.
    net.set_weights(1, 5002, &[2, 3], &[32767, 32767]);
    let out = net.epoch(5003);
    assert_eq!(out.dividends[0], 35716);
    assert_eq!(out.emission[0], 272_501_132);
    assert_eq!(out.dividends[1], 29818);
    assert_eq!(out.emission[1], 227_498_866);
    for server in [2, 3] {
        assert_eq!(bond(&out, 0, server), 65535, "bond 0->{server}");
        assert_eq!(bond(&out, 1, server), 54712, "bond 1->{server}");
    }
}

#[test]
fn test_outdated_weights_of_replaced_uid_are_masked() {
    let mut net = Subnet::new(&[1; 4], 1, original_yuma(0));
    net.epoch(1); // permits for all four
    for uid in 0..2 {
        net.set_weights(uid, 2, &[2, 3], &[43690, 21845]);
        assert_eq!(
            net.input.weights[usize::from(uid)],
            vec![(2, 65535), (3, 32768)]
        );
    }
    for uid in 2..4 {
        net.set_weights(uid, 2, &[uid], &[u16::MAX]);
    }
    let out = net.epoch(2);
    assert_eq!(out.consensus, vec![0, 0, 43689, 21845]);
    assert_eq!(
        out.emission,
        vec![250_000_000, 250_000_000, 333_331_637, 166_668_361]
    );

    // A new hotkey replaces uid 3 at block 2; at block 3 only uid 0 re-sets its weights, so
    // uid 1's entry for uid 3 (last update 2 ≤ registration 2) is outdated.
    net.replace(3, 2);
    net.set_weights(0, 3, &[2, 3], &[43690, 21845]);
    let out = net.epoch(3);
    assert_eq!(out.consensus, vec![0, 0, 43689, 0]);
    assert_eq!(out.dividends[0], 32767);
    assert_eq!(out.emission[0], 250_000_000);
    let mut row0 = out.bonds[0].clone();
    row0.sort_unstable();
    assert_eq!(row0, vec![(2, 65535), (3, 65535)]);
    assert_eq!(out.emission, vec![250_000_000, 250_000_000, 500_000_000, 0]);
}

fn zero_weights_net() -> Subnet {
    // uid 0: validator with stake 1; uid 1: server without stake.
    Subnet::new(&[1, 0], 0, original_yuma(65534))
}

#[test]
fn test_zero_weights_fallbacks_and_recovery() {
    let mut net = zero_weights_net();
    // (a) no weights at all.
    let out = net.epoch(0);
    assert_eq!(out.emission, vec![E, 0], "(a) no weights");
    assert_eq!(out.validator_permit, vec![true, false]);

    // (b) only the server's self-weight.
    net.set_weights(1, 1, &[1], &[u16::MAX]);
    let out = net.epoch(1);
    assert_eq!(out.emission, vec![E, 0], "(b) self-weight only");

    // (c) the validator weights the server, which is re-registered in the same block.
    net.set_weights(0, 2, &[1], &[u16::MAX]);
    net.replace(1, 2);
    let out = net.epoch(2);
    assert_eq!(out.emission, vec![E, 0], "(c) outdated weights");

    // (d) the validator re-sets its weights one block later.
    net.set_weights(0, 3, &[1], &[u16::MAX]);
    let out = net.epoch(3);
    assert_eq!(
        out.emission,
        vec![500_000_000, 500_000_000],
        "(d) fresh weights"
    );
}

#[test]
fn test_zero_weights_same_block_as_registration_is_outdated() {
    // Not in subtensor's test, but the rule behind (c) (§5 step 3: drop when
    // last_update ≤ block_at_registration): a non-zero weight set in the very block the server
    // was registered in is still outdated.
    let mut net = zero_weights_net();
    net.epoch(0);
    net.replace(1, 2);
    net.set_weights(0, 2, &[1], &[u16::MAX]);
    assert_eq!(net.input.weights[0], vec![(1, 65535)]);
    let out = net.epoch(2);
    assert_eq!(out.emission, vec![E, 0]);
    assert_eq!(out.incentive, vec![0, 0]);
}

// ---------------------------------------------------------------------------------------------
// §11.8 – §11.10

#[test]
fn test_validator_permits_follow_thresholded_top_k() {
    for (n, k) in [(2usize, 1usize), (4, 2), (8, 4)] {
        for layout in 0..3 {
            // Which uids are the k validators: first, last, or every other uid.
            let validators: Vec<usize> = match layout {
                0 => (0..k).collect(),
                1 => (n - k..n).collect(),
                _ => (0..k).map(|v| 2 * v).collect(),
            };
            for assignment in 0..2 {
                let at = format!("n {n}, k {k}, layout {layout}, assignment {assignment}");
                let mut stake = vec![0u64; n];
                for (uid, s) in stake.iter_mut().enumerate() {
                    *s = match (validators.contains(&uid), assignment) {
                        (true, 0) => 1,
                        (true, _) => (uid + n) as u64,
                        (false, 0) => 0,
                        (false, _) => uid as u64,
                    };
                }
                let params = EpochParams {
                    max_allowed_validators: u16::try_from(k).unwrap(),
                    stake_threshold: k as u64,
                    ..original_yuma(65534)
                };
                let mut net = Subnet::new(&stake, 0, params);
                let out = net.epoch(0);
                for (uid, s) in stake.iter().enumerate() {
                    let want = validators.contains(&uid) && *s >= k as u64;
                    assert_eq!(
                        out.validator_permit[uid], want,
                        "first epoch, uid {uid}, {at}"
                    );
                }
                // Servers receive 2n more stake: permits move to them.
                for uid in 0..n {
                    if !validators.contains(&uid) {
                        net.input.alpha_stake[uid] += 2 * n as u64;
                    }
                }
                let out = net.epoch(1);
                for uid in 0..n {
                    let want = !validators.contains(&uid);
                    assert_eq!(
                        out.validator_permit[uid], want,
                        "second epoch, uid {uid}, {at}"
                    );
                }
            }
        }
    }
}

fn owner_net(owner_uid: Option<u16>) -> EpochOutput {
    // Dynamic subnet: Yuma 3 on, tempo 360, MaxAllowedValidators 64 from init_new_network.
    let params = EpochParams {
        tempo: 360,
        yuma3: true,
        max_allowed_validators: 64,
        owner_uid,
        ..EpochParams::default()
    };
    let mut net = Subnet::new(&[5_000_000_000_000, 0], 1, params);
    net.input.validator_permit = vec![true, false];
    // Written directly to storage (no upscaling).
    net.input.weights[0] = vec![(0, 32767), (1, 32767)];
    net.input.last_update = vec![2, 0];
    net.epoch(2)
}

#[test]
fn test_can_set_self_weight_as_subnet_owner() {
    let out = owner_net(Some(0));
    assert!(out.incentive[0] > 0);
    assert_eq!(out.incentive[0], out.incentive[1]);
    assert_eq!(out.server_emission, vec![250_000_000, 250_000_000]);
}

#[test]
fn self_weight_without_owner_is_masked() {
    // Contrast case (§5 step 2): the same row without an owner loses its diagonal entry.
    let out = owner_net(None);
    assert_eq!(out.incentive, vec![0, 65535]);
    assert_eq!(out.server_emission, vec![0, 500_000_000]);
}

#[test]
fn test_epoch_outputs_single_staker_registered_no_weights() {
    let mut net = Subnet::new(&[1], 0, original_yuma(360));
    let out = net.epoch(1);
    let paid: u64 = out.server_emission[0] + out.validator_emission[0];
    assert!(E.abs_diff(paid) <= 1000, "paid {paid}");
}

// ---------------------------------------------------------------------------------------------
// §11.11 epoch_logs: tempo 10, everyone registered at block 0 with last update 1.

fn logs_net(stake: &[u64], permits: Vec<bool>) -> Subnet {
    let mut net = Subnet::new(stake, 0, original_yuma(10));
    net.input.last_update = vec![1; stake.len()];
    net.input.validator_permit = permits;
    net
}

#[test]
fn epoch_logs_simple() {
    let mut net = logs_net(&[E, E], vec![true, true]);
    let out = net.epoch(2);
    assert_eq!(out.stake_weight, vec![32767, 32767]);
    assert_eq!(out.consensus, vec![0, 0]);
    assert_eq!(out.validator_emission, vec![500_000_000, 500_000_000]);
    assert_eq!(out.emission, vec![500_000_000, 500_000_000]);
}

#[test]
fn epoch_logs_bad_permit_vector() {
    let mut net = logs_net(&[E, E], vec![true]);
    let out = net.epoch(2);
    assert_eq!(out.validator_emission, vec![E, 0]);
}

#[test]
fn epoch_logs_inactive_mask_zeroes_active_stake() {
    let mut net = logs_net(&[E, E], vec![true, true]);
    net.input.last_update = vec![0, 0];
    let out = net.epoch(1_000_000);
    assert_eq!(out.active, vec![false, false]);
    assert_eq!(out.emission, vec![500_000_000, 500_000_000]);
}

#[test]
fn epoch_logs_uses_active_stake_when_nonzero_active() {
    let mut net = logs_net(&[E, E], vec![true, true]);
    net.input.last_update = vec![999, 1];
    let out = net.epoch(1000);
    assert_eq!(out.active, vec![true, false]);
    assert_eq!(out.emission, vec![E, 0]);
}

#[test]
fn epoch_logs_topk_validator_permits() {
    let params = EpochParams {
        max_allowed_validators: 1,
        ..original_yuma(10)
    };
    let mut net = Subnet::new(&[2 * E, E], 0, params);
    net.input.last_update = vec![1, 1];
    let out = net.epoch(2);
    // ⌊2^32·2/3⌋ = 2863311530 and ⌊2^32/3⌋ = 1431655765 as u16 proportions.
    assert_eq!(out.stake_weight, vec![43689, 21844]);
    assert_eq!(out.validator_permit, vec![true, false]);
}

fn two_servers_net(v2_row: &[u16]) -> EpochOutput {
    let mut net = logs_net(&[E, E, E, 0, 0], vec![true, true, true, false, false]);
    net.set_weights(0, 1, &[3, 4], &[65535, 0]);
    net.set_weights(1, 1, &[3, 4], &[0, 65535]);
    net.set_weights(2, 1, &[3, 4], v2_row);
    net.epoch(2)
}

#[test]
fn epoch_logs_validators_weight_two_distinct_servers() {
    let out = two_servers_net(&[65535, 0]);
    assert_eq!(out.consensus, vec![0, 0, 0, 65535, 0]);
    assert_eq!(out.validator_trust, vec![65535, 0, 65535, 0, 0]);
    assert_eq!(out.dividends, vec![32767, 0, 32767, 0, 0]);
    assert_eq!(
        out.emission,
        vec![250_000_000, 0, 250_000_000, 500_000_000, 0]
    );
}

#[test]
fn epoch_logs_validator_splits_weight_across_two_servers() {
    let out = two_servers_net(&[65535, 65535]);
    assert_eq!(out.consensus, vec![0, 0, 0, 32767, 32767]);
    assert_eq!(out.dividends, vec![16383, 16383, 32767, 0, 0]);
    assert_eq!(
        out.emission,
        vec![
            125_000_000,
            125_000_000,
            250_000_000,
            250_000_000,
            250_000_000
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// §11.12 Yuma 3 scenarios (kappa_moves_first and one_epoch_switch are golden files).

/// `setup_yuma_3_scenario`: tempo 1, Yuma 3, liquid alpha with (0.1, 0.3) unless disabled,
/// steepness 1000, BondsMovingAverage 975 000, β = 0, κ = 32767, 3 validators; everyone
/// registered at block 1; one warm-up epoch (block 2) writes the permits.
fn yuma3_net(stake: &[u64], liquid_alpha: bool) -> Subnet {
    let params = EpochParams {
        tempo: 1,
        yuma3: true,
        liquid_alpha,
        alpha_low: 6553,
        alpha_high: 19660,
        alpha_sigmoid_steepness: 1000,
        bonds_moving_average: 975_000,
        bonds_penalty: 0,
        kappa: 32767,
        max_allowed_validators: 3,
        ..EpochParams::default()
    };
    let mut net = Subnet::new(stake, 1, params);
    let warm_up = net.epoch(2);
    for uid in 0..3 {
        assert!(warm_up.validator_permit[uid], "warm-up permit of {uid}");
    }
    net
}

/// Epoch `e` of a Yuma 3 scenario: validators 0, 1, 2 set `rows` on `servers` at block
/// `2 + e`, one block passes, the epoch runs.
fn yuma3_epoch(net: &mut Subnet, e: u64, servers: &[u16], rows: [&[u16]; 3]) -> EpochOutput {
    for (uid, row) in (0u16..).zip(rows) {
        net.set_weights(uid, 2 + e, servers, row);
    }
    net.epoch(3 + e)
}

const TOLERANCE: f64 = 1e-3;

fn proportion(v: u16) -> f64 {
    f64::from(v) / 65535.0
}

fn check_dividends(out: &EpochOutput, e: u64, want: [f64; 3]) {
    for (uid, w) in want.iter().enumerate() {
        let got = proportion(out.dividends[uid]);
        assert!(
            (got - w).abs() <= TOLERANCE,
            "epoch {e}: dividends of uid {uid}: got {got:.4} ({}), want {w:.4}; all {:?}",
            out.dividends[uid],
            out.dividends
        );
    }
}

fn check_bonds(out: &EpochOutput, e: u64, uid: usize, servers: &[u16], want: &[f64]) {
    assert_eq!(servers.len(), want.len());
    for (&s, w) in servers.iter().zip(want) {
        let got = proportion(bond(out, uid, s));
        assert!(
            (got - w).abs() <= TOLERANCE,
            "epoch {e}: bond of uid {uid} to {s}: got {got:.4}, want {w:.4}; row {:?}",
            out.bonds[uid]
        );
    }
}

const S1: [u16; 2] = [65535, 0];
const S2: [u16; 2] = [0, 65535];
const SERVERS: [u16; 2] = [3, 4];

/// A Yuma 3 scenario over servers 3, 4 with validators A, B, C = uids 0, 1, 2: per epoch the
/// weight rows, the dividends and (where given) the bond rows of A, B, C.
struct Y3Epoch {
    rows: [[u16; 2]; 3],
    dividends: [f64; 3],
    bonds: Option<[[f64; 2]; 3]>,
}

fn run_yuma3(stake: &[u64], liquid_alpha: bool, epochs: &[Y3Epoch]) {
    let mut net = yuma3_net(stake, liquid_alpha);
    for (e, epoch) in (0u64..).zip(epochs) {
        let [a, b, c] = &epoch.rows;
        let out = yuma3_epoch(&mut net, e, &SERVERS, [a, b, c]);
        check_dividends(&out, e, epoch.dividends);
        if let Some(bonds) = &epoch.bonds {
            for (uid, row) in bonds.iter().enumerate() {
                check_bonds(&out, e, uid, &SERVERS, row);
            }
        }
    }
}

#[test]
fn test_yuma_3_kappa_moves_second() {
    let epochs = [
        Y3Epoch {
            rows: [S1, S1, S1],
            dividends: [0.8, 0.1, 0.1],
            bonds: None,
        },
        Y3Epoch {
            rows: [S1, S2, S1],
            dividends: [0.8446, 0.0498, 0.1056],
            bonds: Some([[0.1924, 0.0], [0.0908, 0.2987], [0.1924, 0.0]]),
        },
        Y3Epoch {
            rows: [S2, S2, S1],
            dividends: [0.6868, 0.3132, 0.0],
            bonds: Some([[0.1715, 0.1013], [0.0815, 0.3697], [0.4336, 0.0]]),
        },
        Y3Epoch {
            rows: [S2, S2, S2],
            dividends: [0.7421, 0.2090, 0.0489],
            bonds: Some([[0.1531, 0.1924], [0.0731, 0.4336], [0.3608, 0.1013]]),
        },
        Y3Epoch {
            rows: [S2, S2, S2],
            dividends: [0.7625, 0.1706, 0.0669],
            bonds: Some([[0.1369, 0.2742], [0.0656, 0.4910], [0.3103, 0.1924]]),
        },
        Y3Epoch {
            rows: [S2, S2, S2],
            dividends: [0.7730, 0.1508, 0.0762],
            bonds: Some([[0.1225, 0.3478], [0.0588, 0.5426], [0.2712, 0.2742]]),
        },
    ];
    run_yuma3(&[8, 1, 1, 0, 0], true, &epochs);
}

#[test]
fn test_yuma_3_kappa_moves_last() {
    let epochs = [
        Y3Epoch {
            rows: [S1, S1, S1],
            dividends: [0.8, 0.1, 0.1],
            bonds: None,
        },
        Y3Epoch {
            rows: [S1, S2, S1],
            dividends: [0.8446, 0.0498, 0.1056],
            bonds: None,
        },
        Y3Epoch {
            rows: [S1, S2, S2],
            dividends: [0.8966, 0.0333, 0.0701],
            bonds: Some([[0.2742, 0.0], [0.0815, 0.5081], [0.1715, 0.2987]]),
        },
        Y3Epoch {
            rows: [S2, S2, S2],
            dividends: [0.4663, 0.3210, 0.2127],
            bonds: Some([[0.2416, 0.1013], [0.0731, 0.5580], [0.1531, 0.3697]]),
        },
        Y3Epoch {
            rows: [S2, S2, S2],
            dividends: [0.5976, 0.2340, 0.1683],
            bonds: Some([[0.2141, 0.1924], [0.0656, 0.6028], [0.1369, 0.4336]]),
        },
        Y3Epoch {
            rows: [S2, S2, S2],
            dividends: [0.6592, 0.1932, 0.1475],
            bonds: Some([[0.1903, 0.2742], [0.0588, 0.6430], [0.1225, 0.4910]]),
        },
    ];
    run_yuma3(&[8, 1, 1, 0, 0], true, &epochs);
}

#[test]
fn test_yuma_3_liquid_alpha_disabled() {
    // Bonds of A and B on server 3 (never on 4); C follows them until it switches at e2.
    let ab = [0.0250, 0.0494, 0.0731, 0.0963, 0.1189, 0.1409];
    let c = [
        [ab[0], 0.0],
        [ab[1], 0.0],
        [0.0481, 0.0250],
        [0.0719, 0.0244],
        [0.0951, 0.0238],
        [0.1178, 0.0232],
    ];
    let dividends = [
        [0.33, 0.33, 0.34],
        [0.33, 0.33, 0.34],
        [0.3734, 0.3734, 0.2532],
        [0.3611, 0.3611, 0.2779],
        [0.3541, 0.3541, 0.2919],
        [0.3495, 0.3495, 0.3009],
    ];
    let epochs: Vec<Y3Epoch> = (0..6)
        .map(|e| Y3Epoch {
            rows: [S1, S1, if e == 2 { S2 } else { S1 }],
            dividends: dividends[e],
            bonds: Some([[ab[e], 0.0], [ab[e], 0.0], c[e]]),
        })
        .collect();
    run_yuma3(&[33, 33, 34, 0, 0], false, &epochs);
}

#[test]
fn test_yuma_3_stable_miner() {
    const H: u16 = 32767;
    let s1: &[u16] = &[H, 0, H];
    let s2: &[u16] = &[0, H, H];
    let servers = [3, 4, 5];
    let rows: [[&[u16]; 3]; 6] = [
        [s1, s1, s1],
        [s1, s2, s1],
        [s2, s2, s1],
        [s2, s2, s2],
        [s2, s2, s2],
        [s2, s2, s2],
    ];
    let dividends = [
        [0.8, 0.1, 0.1],
        [0.8226, 0.0745, 0.1028],
        [0.7750, 0.1685, 0.0565],
        [0.7864, 0.1372, 0.0764],
        [0.7912, 0.1241, 0.0847],
        [0.7937, 0.1173, 0.0890],
    ];
    let mut net = yuma3_net(&[8, 1, 1, 0, 0, 0], true);
    for (e, (row, want)) in (0u64..).zip(rows.iter().zip(dividends)) {
        let out = yuma3_epoch(&mut net, e, &servers, *row);
        check_dividends(&out, e, want);
        if e == 0 {
            for uid in 0..3 {
                check_bonds(&out, e, uid, &servers, &[0.0507, 0.0, 0.0507]);
            }
        }
        if e == 5 {
            check_bonds(&out, e, 0, &servers, &[0.0623, 0.1739, 0.2366]);
            check_bonds(&out, e, 1, &servers, &[0.0296, 0.2391, 0.2366]);
            check_bonds(&out, e, 2, &servers, &[0.1263, 0.1371, 0.2366]);
        }
    }
}

#[test]
fn test_yuma_3_bonds_reset() {
    let mut net = yuma3_net(&[8, 1, 1, 0, 0], true);
    for e in 0u64..=40 {
        let rows: [&[u16]; 3] = match e {
            0 => [&S1, &S1, &S1],
            1 => [&S1, &S2, &S2],
            2..=20 => [&S2, &S2, &S2],
            21 => [&S2, &S1, &S1],
            _ => [&S1, &S1, &S1],
        };
        for (uid, row) in (0u16..).zip(rows) {
            net.set_weights(uid, 2 + e, &SERVERS, row);
        }
        if e == 20 {
            // Miner uid 3 commits the reset flag: column 3 leaves every stored bond row.
            for row in &mut net.input.bonds {
                row.retain(|(j, _)| *j != 3);
            }
        }
        let out = net.epoch(3 + e);
        let dividends = match e {
            0 => Some([0.8, 0.1, 0.1]),
            1 => Some([0.8944, 0.0528, 0.0528]),
            2 => Some([0.5230, 0.2385, 0.2385]),
            19 => Some([0.7919, 0.1040, 0.1040]),
            20 => Some([0.7928, 0.1036, 0.1036]),
            21 => Some([0.8467, 0.0766, 0.0766]),
            40 => Some([0.7928, 0.1036, 0.1036]),
            _ => None,
        };
        if let Some(want) = dividends {
            check_dividends(&out, e, want);
        }
        let bonds = match e {
            19 => Some([[0.0269, 0.8539], [0.0131, 0.8975]]),
            20 => Some([[0.0, 0.8687], [0.0, 0.9079]]),
            21 => Some([[0.0, 0.8820], [0.2987, 0.6386]]),
            40 => Some([[0.8687, 0.0578], [0.9079, 0.0523]]),
            _ => None,
        };
        if let Some([a, bc]) = bonds {
            check_bonds(&out, e, 0, &SERVERS, &a);
            check_bonds(&out, e, 1, &SERVERS, &bc);
            check_bonds(&out, e, 2, &SERVERS, &bc);
        }
    }
}
