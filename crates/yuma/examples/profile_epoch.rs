//! Runs a dense 4096-uid / 256-validator epoch repeatedly, for profilers (`perf record`).
//! `cargo run --release -p cortex-yuma --example profile_epoch -- [yuma3|original] [rounds]`

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use cortex_yuma::{EpochInput, EpochParams, run_epoch};

fn main() {
    let mut args = std::env::args().skip(1);
    let yuma3 = args.next().as_deref() != Some("original");
    let rounds: u32 = args.next().and_then(|r| r.parse().ok()).unwrap_or(10);
    let n: u16 = std::env::var("N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4096);
    let v: u16 = std::env::var("V")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256);
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        seed ^= seed >> 12;
        seed ^= seed << 25;
        seed ^= seed >> 27;
        seed.wrapping_mul(0x2545_F491_4F6C_DD1D)
    };
    let nn = usize::from(n);
    let vv = usize::from(v);
    let mut input = EpochInput {
        n,
        current_block: 1000,
        emission: 1_000_000_000_000,
        alpha_stake: (0..nn)
            .map(|i| {
                if i < vv {
                    1_000_000_000_000 + next() % 1_000_000_000_000
                } else {
                    0
                }
            })
            .collect(),
        last_update: vec![999; nn],
        block_at_registration: vec![0; nn],
        validator_permit: (0..nn).map(|i| i < vv).collect(),
        weights: (0..nn)
            .map(|i| {
                if i < vv {
                    (0..n).map(|j| (j, (next() % 65_536) as u16)).collect()
                } else {
                    Vec::new()
                }
            })
            .collect(),
        bonds: vec![Vec::new(); nn],
        params: EpochParams {
            yuma3,
            liquid_alpha: yuma3,
            max_allowed_validators: v,
            ..EpochParams::default()
        },
        ..EpochInput::default()
    };
    let warm = run_epoch(&input);
    input.bonds = warm.bonds;
    let mut best = std::time::Duration::MAX;
    let start = std::time::Instant::now();
    for _ in 0..rounds {
        let t = std::time::Instant::now();
        std::hint::black_box(run_epoch(std::hint::black_box(&input)));
        best = best.min(t.elapsed());
    }
    println!(
        "{n}x{v} yuma3={yuma3}: mean {:?}, best {best:?}",
        start.elapsed() / rounds
    );
}
