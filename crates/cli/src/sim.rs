//! `cortex sim …`: the incentive-integrity simulator's commands.
//!
//! Each command prints a short human summary, or with `--json` exactly one JSON document on
//! stdout (scripts rely on the field names). Bad arguments or a bad scenario file exit with
//! code 2 and one `error:` line naming the field or flag; other failures exit with 1.

use anyhow::Context;
use clap::{Args, Subcommand};
use cortex_sim::experiments::{
    self, AttackArgs, CabalArgs, ConcentrationArgs, CopierArgs, LateArgs, SybilArgs,
};
use cortex_sim::{Scenario, SimError, consensus, report};
use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Bad input: the caller should fix the arguments or the file.
const EXIT_BAD_INPUT: u8 = 2;

/// Output options shared by every command.
#[derive(Args, Debug, Clone, Copy)]
pub struct Output {
    /// Print one JSON document instead of the summary.
    #[arg(long)]
    json: bool,
    /// Indent the JSON.
    #[arg(long)]
    pretty: bool,
}

/// The simulator's commands.
#[derive(Subcommand, Debug)]
pub enum SimCommand {
    /// Run a scenario file (format: crates/sim/README.md); prints per-epoch records and metrics.
    Run {
        /// The scenario (JSON).
        file: PathBuf,
        /// Override the file's seed.
        #[arg(long)]
        seed: Option<u64>,
        #[command(flatten)]
        out: Output,
    },
    /// A weight copier against honest validators: prints its G and the other metrics.
    Copier {
        /// The copier's share of stake (0–1).
        #[arg(long, default_value_t = 0.05)]
        copier_stake: f64,
        /// Commit-reveal delay K in tempos (0: commit-reveal off).
        #[arg(long, default_value_t = 1)]
        reveal_tempos: u32,
        /// Log-normal drift of each miner's quality per tempo.
        #[arg(long, default_value_t = 0.05)]
        drift: f64,
        /// Tempos to run.
        #[arg(long, default_value_t = 100)]
        epochs: u32,
        /// Seed.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Turn liquid alpha on.
        #[arg(long)]
        liquid_alpha: bool,
        /// Use original Yuma (Yuma 2) bonds instead of Yuma 3.
        #[arg(long)]
        yuma2: bool,
        /// Honest evaluation noise σ.
        #[arg(long, default_value_t = 0.1)]
        noise: f64,
        /// Signal jump δ half-way (half the miners ×(1+δ), half ×(1−δ)); G is measured after it.
        #[arg(long, default_value_t = 0.0)]
        jump: f64,
        #[command(flatten)]
        out: Output,
    },
    /// A cabal voting for its own miners against honest play.
    Cabal {
        /// The cabal's share of stake (0–1).
        #[arg(long, default_value_t = 0.3)]
        cabal_stake: f64,
        /// κ as a fraction (0.5 is the chain's default).
        #[arg(long, default_value_t = 0.5)]
        kappa: f64,
        /// Tempos to run.
        #[arg(long, default_value_t = 60)]
        epochs: u32,
        /// Seed.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Share of the cabal's weight on its own miners.
        #[arg(long, default_value_t = 1.0)]
        self_share: f64,
        #[command(flatten)]
        out: Output,
    },
    /// Subtensor's consensus-guarantee map: honest utility needed per noise level.
    ConsensusMap {
        /// Honest stakes to map (comma-separated).
        #[arg(long, value_delimiter = ',', default_values_t = vec![0.51, 0.6, 0.7, 0.8, 0.9])]
        honest_stakes: Vec<f64>,
        /// Weight noise levels σ/μ (comma-separated).
        #[arg(long, value_delimiter = ',', default_values_t = vec![0.0, 0.2, 0.4])]
        noise: Vec<f64>,
        /// Grid steps of the cabal's self-weight.
        #[arg(long, default_value_t = 50)]
        cabal_steps: u32,
        /// Uids.
        #[arg(long, default_value_t = 512)]
        uids: u16,
        /// Validators.
        #[arg(long, default_value_t = 64)]
        validators: u16,
        /// Run Yuma 3 instead of the original Yuma of the published map.
        #[arg(long)]
        yuma3: bool,
        /// Bonds penalty β (0–1).
        #[arg(long, default_value_t = 1.0)]
        bonds_penalty: f64,
        /// Seed.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        #[command(flatten)]
        out: Output,
    },
    /// A late, better miner: tempos until it overtakes, Yuma 2 against Yuma 3.
    LateMiner {
        /// Tempos to run.
        #[arg(long, default_value_t = 80)]
        epochs: u32,
        /// Tempo the late miner registers.
        #[arg(long, default_value_t = 10)]
        join_epoch: u32,
        /// Stake share of the validators that evaluate it at once.
        #[arg(long, default_value_t = 0.2)]
        discoverer_stake: f64,
        /// Tempos the others take.
        #[arg(long, default_value_t = 5)]
        follower_lag: u32,
        /// Seed.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        #[command(flatten)]
        out: Output,
    },
    /// k registrations of one model: profit net of the rising burn, and where it stops paying.
    Sybil {
        /// Largest k tried.
        #[arg(long, default_value_t = 40)]
        max_k: u16,
        /// Tempos the registrations are held.
        #[arg(long, default_value_t = 100)]
        epochs: u32,
        /// The model's quality (honest median 1).
        #[arg(long, default_value_t = 0.5)]
        quality: f64,
        /// TAO per alpha.
        #[arg(long, default_value_t = 1.0)]
        alpha_price: f64,
        /// Seed.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        #[command(flatten)]
        out: Output,
    },
    /// Nakamoto coefficients of stake and emission, before and after a stake cap.
    Concentration {
        /// Pareto shape of stake.
        #[arg(long, default_value_t = 1.16)]
        shape: f64,
        /// Cap percentile.
        #[arg(long, default_value_t = 88.0)]
        cap_percentile: f64,
        /// Seed.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        #[command(flatten)]
        out: Output,
    },
    /// Search validator strategies for the most dividend per stake; compare with honest play.
    Attack {
        /// The attacker's share of stake (0–1).
        #[arg(long, default_value_t = 0.1)]
        stake: f64,
        /// Random candidates.
        #[arg(long, default_value_t = 40)]
        candidates: u32,
        /// Tempos per run.
        #[arg(long, default_value_t = 60)]
        epochs: u32,
        /// Commit-reveal delay.
        #[arg(long, default_value_t = 1)]
        reveal_tempos: u32,
        /// Seed.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        #[command(flatten)]
        out: Output,
    },
    /// Run a scenario under many seeds in parallel (the benchmark of docs/benchmarks.md).
    Sweep {
        /// The scenario (JSON).
        file: PathBuf,
        /// Runs (seeds derived from the file's).
        #[arg(long, default_value_t = 100)]
        runs: u32,
        #[command(flatten)]
        out: Output,
    },
    /// Run the standard suite and write DIR/report.md with SVG figures.
    Report {
        /// Output directory (created if missing).
        #[arg(long)]
        out: PathBuf,
        /// File name of the document inside DIR (figures go to DIR/<stem>-figures/).
        #[arg(long, default_value = "report.md")]
        file: String,
        /// Smaller sizes, for a quick look (the committed report uses the defaults).
        #[arg(long)]
        quick: bool,
    },
}

/// Prints `value` as JSON, or `text` for people.
fn emit<T: Serialize>(out: Output, value: &T, text: impl FnOnce() -> String) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    if out.json {
        let doc = if out.pretty {
            serde_json::to_string_pretty(value)?
        } else {
            serde_json::to_string(value)?
        };
        writeln!(stdout, "{doc}")?;
    } else {
        writeln!(stdout, "{}", text())?;
    }
    stdout.flush()?;
    Ok(())
}

fn opt(x: Option<f64>) -> String {
    x.map_or_else(|| "n/a".to_string(), |v| format!("{v:.4}"))
}

/// Runs one command.
pub fn run(command: SimCommand) -> ExitCode {
    match execute(command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if let Some(sim) = e.downcast_ref::<SimError>()
                && !matches!(sim, SimError::Output(_))
            {
                eprintln!("error: {sim}");
                return ExitCode::from(EXIT_BAD_INPUT);
            }
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn read_scenario(file: &PathBuf) -> anyhow::Result<Scenario> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    Scenario::from_json(&text).map_err(|e| {
        anyhow::Error::new(SimError::Invalid {
            path: format!("{}: {}", file.display(), path_of(&e)),
            message: message_of(&e),
        })
    })
}

fn path_of(e: &SimError) -> String {
    match e {
        SimError::Malformed { path, .. } | SimError::Invalid { path, .. } => path.clone(),
        SimError::Output(_) => String::new(),
    }
}

fn message_of(e: &SimError) -> String {
    match e {
        SimError::Malformed { message, .. } | SimError::Invalid { message, .. } => message.clone(),
        SimError::Output(m) => m.clone(),
    }
}

fn execute(command: SimCommand) -> anyhow::Result<()> {
    match command {
        SimCommand::Run { file, seed, out } => {
            let mut s = read_scenario(&file)?;
            if let Some(seed) = seed {
                s.seed = seed;
            }
            let sim = cortex_sim::simulate(&s);
            emit(out, &sim, || {
                let m = &sim.summary;
                format!(
                    "{} epochs, {} uids: G {}, honest dividend share {:.4} (stake {:.4}), Nakamoto stake {} emission {}",
                    s.epochs,
                    s.n(),
                    opt(m.g),
                    m.honest_dividend_share,
                    m.honest_stake_share,
                    m.nakamoto_stake,
                    m.nakamoto_emission
                )
            })
        }
        SimCommand::Copier {
            copier_stake,
            reveal_tempos,
            drift,
            epochs,
            seed,
            liquid_alpha,
            yuma2,
            noise,
            jump,
            out,
        } => {
            let a = CopierArgs {
                copier_stake,
                reveal_tempos,
                drift,
                epochs,
                seed,
                noise,
                yuma3: !yuma2,
                liquid_alpha,
                jump,
                ..CopierArgs::default()
            };
            let m = experiments::copier(&a)?;
            emit(out, &m, || {
                format!(
                    "copier G = {} (stake {copier_stake}, reveal {reveal_tempos} tempos, drift {drift}, {epochs} epochs)",
                    opt(m.g)
                )
            })
        }
        SimCommand::Cabal {
            cabal_stake,
            kappa,
            epochs,
            seed,
            self_share,
            out,
        } => {
            let a = CabalArgs {
                cabal_stake,
                kappa,
                epochs,
                seed,
                self_share,
                ..CabalArgs::default()
            };
            let m = experiments::cabal(&a)?;
            emit(out, &m, || {
                format!(
                    "cabal incentive share {:.4} (fair {:.4}); total share {:.4} (honest play {:.4}); incentive lift {:+.4}, dividend loss {:+.4}",
                    m.cabal_incentive_share,
                    m.fair_incentive_share,
                    m.cabal_total_share,
                    m.honest_play_total_share,
                    m.incentive_lift,
                    m.dividend_loss
                )
            })
        }
        SimCommand::ConsensusMap {
            honest_stakes,
            noise,
            cabal_steps,
            uids,
            validators,
            yuma3,
            bonds_penalty,
            seed,
            out,
        } => {
            for (flag, v) in honest_stakes
                .iter()
                .map(|h| ("--honest-stakes", *h))
                .chain(std::iter::once(("--bonds-penalty", bonds_penalty)))
            {
                if !(v.is_finite() && (0.0..=1.0).contains(&v)) {
                    return Err(SimError::Invalid {
                        path: flag.to_string(),
                        message: format!("{v} must be between 0 and 1"),
                    }
                    .into());
                }
            }
            if let Some(bad) = noise.iter().find(|x| !(x.is_finite() && **x >= 0.0)) {
                return Err(SimError::Invalid {
                    path: "--noise".to_string(),
                    message: format!("{bad} must be ≥ 0"),
                }
                .into());
            }
            if validators == 0 || validators >= uids {
                return Err(SimError::Invalid {
                    path: "--validators".to_string(),
                    message: format!("{validators} must be between 1 and uids − 1"),
                }
                .into());
            }
            let mut cfg = consensus::MapConfig {
                n: uids,
                validators,
                honest_stakes,
                noises: noise,
                cabal_steps: cabal_steps.max(1),
                seed,
                ..consensus::MapConfig::default()
            };
            cfg.params.yuma3 = yuma3;
            cfg.params.bonds_penalty = (bonds_penalty * 65_535.0).round() as u16;
            let t = consensus::map(&cfg);
            emit(out, &t, || {
                t.iter()
                    .map(|x| {
                        format!(
                            "noise {:.2}μ, honest stake {:.2}: honest utility needed {}",
                            x.noise,
                            x.honest_stake,
                            opt(x.honest_utility)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            })
        }
        SimCommand::LateMiner {
            epochs,
            join_epoch,
            discoverer_stake,
            follower_lag,
            seed,
            out,
        } => {
            let a = LateArgs {
                epochs,
                join_epoch,
                discoverer_stake,
                follower_lag,
                seed,
                ..LateArgs::default()
            };
            let r = experiments::late_miner(&a)?;
            emit(out, &r, || {
                let e = |x: Option<u32>| x.map_or_else(|| "never".to_string(), |v| v.to_string());
                format!(
                    "bond overtake: Yuma 2 {} epochs, Yuma 3 {} epochs; discoverers' G: Yuma 2 {}, Yuma 3 {}",
                    e(r.yuma2.overtake_epochs),
                    e(r.yuma3.overtake_epochs),
                    opt(r.yuma2.discoverer_g),
                    opt(r.yuma3.discoverer_g)
                )
            })
        }
        SimCommand::Sybil {
            max_k,
            epochs,
            quality,
            alpha_price,
            seed,
            out,
        } => {
            let a = SybilArgs {
                max_k,
                epochs,
                seed,
                quality,
                alpha_price_tao: alpha_price,
                ..SybilArgs::default()
            };
            let r = experiments::sybil(&a)?;
            emit(out, &r, || {
                format!(
                    "best k {}, stops paying at k {}, break-even k {}",
                    r.best_k,
                    r.stops_paying_at
                        .map_or_else(|| "never".to_string(), |k| k.to_string()),
                    r.break_even_k
                )
            })
        }
        SimCommand::Concentration {
            shape,
            cap_percentile,
            seed,
            out,
        } => {
            let a = ConcentrationArgs {
                shape,
                cap_percentile,
                seed,
                ..ConcentrationArgs::default()
            };
            let r = experiments::concentration(&a)?;
            emit(out, &r, || {
                format!(
                    "Nakamoto stake {} → {}, emission {} → {} (cap at the {cap_percentile}th percentile)",
                    r.nakamoto_stake,
                    r.nakamoto_stake_capped,
                    r.nakamoto_emission,
                    r.nakamoto_emission_capped
                )
            })
        }
        SimCommand::Attack {
            stake,
            candidates,
            epochs,
            reveal_tempos,
            seed,
            out,
        } => {
            let a = AttackArgs {
                stake,
                candidates,
                epochs,
                reveal_tempos,
                seed,
                ..AttackArgs::default()
            };
            let r = experiments::attack(&a)?;
            emit(out, &r, || r.verdict.clone())
        }
        SimCommand::Sweep { file, runs, out } => {
            let s = read_scenario(&file)?;
            let r = experiments::sweep(&s, runs)?;
            emit(out, &r, || {
                format!(
                    "{} runs × {} epochs at {} uids: mean G {}, mean honest dividend share {:.4}",
                    r.runs,
                    r.epochs,
                    r.uids,
                    opt(r.mean_g),
                    r.mean_honest_dividend_share
                )
            })
        }
        SimCommand::Report { out, file, quick } => {
            let path = report::write(&out, &file, quick)?;
            println!("wrote {}", path.display());
            Ok(())
        }
    }
}
