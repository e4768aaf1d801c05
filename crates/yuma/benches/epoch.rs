//! Criterion benchmarks of one epoch on dense subnets.
//!
//! Sizes (uids / validators): 256/64, 1024/256 and 4096/256. Every validator weights every uid
//! (dense rows of pseudo-random u16 values) and holds bonds from a warm-up epoch, so the bench
//! measures a steady-state epoch, for Yuma 3 with liquid alpha and for original Yuma.
//! Run: `cargo bench -p cortex-yuma --bench epoch`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use cortex_yuma::{EpochInput, EpochParams, run_epoch};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::hint::black_box;

/// A small deterministic generator (xorshift64*), so every run benches the same subnet.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

fn dense_subnet(n: u16, validators: u16, yuma3: bool) -> EpochInput {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ u64::from(n));
    let nn = usize::from(n);
    let alpha_stake = (0..nn)
        .map(|i| {
            if i < usize::from(validators) {
                1_000_000_000_000 + rng.next() % 1_000_000_000_000
            } else {
                0
            }
        })
        .collect();
    let weights = (0..nn)
        .map(|i| {
            if i < usize::from(validators) {
                (0..n).map(|j| (j, (rng.next() % 65_536) as u16)).collect()
            } else {
                Vec::new()
            }
        })
        .collect();
    let mut input = EpochInput {
        n,
        current_block: 1000,
        emission: 1_000_000_000_000,
        alpha_stake,
        tao_stake: Vec::new(),
        last_update: vec![999; nn],
        block_at_registration: vec![0; nn],
        validator_permit: (0..nn).map(|i| i < usize::from(validators)).collect(),
        weights,
        bonds: vec![Vec::new(); nn],
        commit_blocks: None,
        params: EpochParams {
            tempo: 360,
            yuma3,
            liquid_alpha: yuma3,
            max_allowed_validators: validators,
            bonds_penalty: 65_535,
            ..EpochParams::default()
        },
    };
    // Warm-up epoch: the measured epoch starts from real bonds.
    let warm = run_epoch(&input);
    input.bonds = warm.bonds;
    input.validator_permit = warm.validator_permit;
    input.current_block = 1360;
    input.last_update = vec![1359; nn];
    input
}

fn bench_epoch(c: &mut Criterion) {
    let mut group = c.benchmark_group("epoch");
    group.sample_size(20);
    for (n, v) in [(256u16, 64u16), (1024, 256), (4096, 256)] {
        for (name, yuma3) in [("yuma3_liquid_alpha", true), ("original_yuma", false)] {
            let input = dense_subnet(n, v, yuma3);
            group.bench_with_input(
                BenchmarkId::new(name, format!("{n}x{v}")),
                &input,
                |b, input| b.iter(|| run_epoch(black_box(input))),
            );
        }
    }
    group.finish();
}

criterion_group!(benches, bench_epoch);
criterion_main!(benches);
