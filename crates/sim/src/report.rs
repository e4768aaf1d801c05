//! `cortex sim report`: the standard suite as one markdown document with SVG figures.
//!
//! Every table and figure names the command that reproduces it. The document holds no timings
//! or dates, so the same build writes the same bytes; `docs/integrity.md` is this report of the
//! defaults (`cortex sim report --out docs --file integrity.md`).

use crate::consensus::{self, MapConfig, Threshold};
use crate::error::SimError;
use crate::experiments::{
    self, AttackArgs, CabalArgs, ConcentrationArgs, CopierArgs, LateArgs, SybilArgs,
};
use plotters::prelude::*;
use rayon::prelude::*;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Sizes of the suite.
#[derive(Clone, Debug)]
struct Suite {
    copier_epochs: u32,
    drifts: Vec<f64>,
    reveals: Vec<u32>,
    cabal_stakes: Vec<f64>,
    map: MapConfig,
    sybil: SybilArgs,
    attack: AttackArgs,
}

impl Suite {
    fn new(quick: bool) -> Suite {
        let mut map = MapConfig::default();
        let mut attack = AttackArgs::default();
        let mut sybil = SybilArgs::default();
        if quick {
            map.honest_stakes = vec![0.6];
            map.cabal_steps = 10;
            attack.candidates = 6;
            sybil.max_k = 24;
        }
        Suite {
            copier_epochs: if quick { 60 } else { 100 },
            drifts: vec![0.0, 0.05, 0.1, 0.2],
            reveals: vec![0, 1, 2, 4, 8],
            cabal_stakes: vec![0.1, 0.2, 0.3, 0.4, 0.45, 0.55, 0.6, 0.7],
            map,
            sybil,
            attack,
        }
    }
}

fn out_err(e: impl std::fmt::Display) -> SimError {
    SimError::Output(e.to_string())
}

/// A series: name, colour index, points, drawn as a line (`true`) or as dots.
struct Series {
    name: String,
    colour: usize,
    points: Vec<(f64, f64)>,
    line: bool,
}

const PALETTE: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
    RGBColor(255, 127, 14),
    RGBColor(0, 0, 0),
];

fn colour(k: usize) -> RGBColor {
    PALETTE
        .get(k.checked_rem(PALETTE.len()).unwrap_or(0))
        .copied()
        .unwrap_or(BLACK)
}

/// A line chart as SVG text.
fn chart(
    title: &str,
    x_desc: &str,
    y_desc: &str,
    x: (f64, f64),
    y: (f64, f64),
    series: &[Series],
) -> Result<String, SimError> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (720, 440)).into_drawing_area();
        root.fill(&WHITE).map_err(out_err)?;
        let mut c = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(56)
            .build_cartesian_2d(x.0..x.1, y.0..y.1)
            .map_err(out_err)?;
        c.configure_mesh()
            .x_desc(x_desc)
            .y_desc(y_desc)
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(out_err)?;
        for s in series {
            let col = colour(s.colour);
            if s.line {
                c.draw_series(LineSeries::new(
                    s.points.iter().copied(),
                    col.stroke_width(2),
                ))
                .map_err(out_err)?
                .label(s.name.clone())
                .legend(move |(a, b)| {
                    PathElement::new(vec![(a, b), (a.saturating_add(18), b)], col.stroke_width(2))
                });
            } else {
                c.draw_series(s.points.iter().map(|p| Circle::new(*p, 5, col.filled())))
                    .map_err(out_err)?
                    .label(s.name.clone())
                    .legend(move |(a, b)| Circle::new((a.saturating_add(9), b), 5, col.filled()));
            }
        }
        c.configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .position(SeriesLabelPosition::UpperRight)
            .draw()
            .map_err(out_err)?;
        root.present().map_err(out_err)?;
    }
    Ok(svg)
}

fn f4(x: Option<f64>) -> String {
    x.map_or_else(|| "—".to_string(), |v| format!("{v:.4}"))
}

fn pct(x: Option<f64>) -> String {
    x.map_or_else(|| "none".to_string(), |v| format!("{:.0} %", v * 100.0))
}

fn epochs(x: Option<u32>) -> String {
    x.map_or_else(|| "never".to_string(), |v| v.to_string())
}

/// Runs the suite and writes `dir/file` with its figures in `dir/<stem>-figures/`; returns
/// the document's path.
pub fn write(dir: &Path, file: &str, quick: bool) -> Result<PathBuf, SimError> {
    let suite = Suite::new(quick);
    let stem = Path::new(file)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("report")
        .to_string();
    let fig_dir_name = format!("{stem}-figures");
    let fig_dir = dir.join(&fig_dir_name);
    std::fs::create_dir_all(&fig_dir)
        .map_err(|e| SimError::Output(format!("cannot create {}: {e}", fig_dir.display())))?;
    let mut figures: Vec<(String, String)> = Vec::new();
    let mut md = String::new();
    let w = |md: &mut String, s: &str| {
        md.push_str(s);
        md.push('\n');
    };
    w(
        &mut md,
        "# Incentive integrity: what Cortex's simulator says about the published claims",
    );
    w(&mut md, "");
    w(
        &mut md,
        "Made by `cortex sim report` (crate `cortex-sim`). Every tempo of every run goes through the \
chain's own epoch (`cortex_yuma::run_epoch`, bit-exact with subtensor) with a new subnet's parameters \
unless a row says otherwise: tempo 360, κ = 32767 (0.5), bonds moving average 900 000 (α = 0.1), \
bonds penalty β = 1, Yuma 3 on, liquid alpha off (α 0.7–0.9 when on), 64 validator permits, \
commit-reveal with a reveal period of 1 tempo. Agents are described in `crates/sim/README.md`. \
Each table gives the command that reproduces a row; all runs are seeded (seed 0 unless said).",
    );
    w(&mut md, "");
    if quick {
        w(
            &mut md,
            "**Quick mode** (`--quick`): smaller grids than the committed report.",
        );
        w(&mut md, "");
    }

    // == 1. Copier ==
    let grid: Vec<(f64, u32, bool)> = suite
        .drifts
        .iter()
        .flat_map(|d| {
            suite
                .reveals
                .iter()
                .flat_map(move |k| [(*d, *k, false), (*d, *k, true)])
        })
        .collect();
    let ce = suite.copier_epochs;
    let gs: Vec<Option<f64>> = grid
        .par_iter()
        .map(|&(drift, k, la)| {
            experiments::copier(&CopierArgs {
                drift,
                reveal_tempos: k,
                liquid_alpha: la,
                epochs: ce,
                ..CopierArgs::default()
            })
            .map(|m| m.g)
        })
        .collect::<Result<_, _>>()?;
    let g_at = |d: f64, k: u32, la: bool| {
        grid.iter()
            .position(|x| *x == (d, k, la))
            .and_then(|i| gs.get(i).copied().flatten())
    };
    w(&mut md, "## 1. Weight copying and commit-reveal");
    w(&mut md, "");
    w(
        &mut md,
        "*Claim* (Opentensor, \"Weight Copying in Bittensor\", 2024; developer-docs `commit-reveal.md`): with \
commit-reveal, copying stale weights costs the copier when the consensus moves within the reveal interval, so G falls \
below 1 as the delay grows; without commit-reveal G ≈ 1; with very stable miners copying still pays. The paper finds \
G < 1 on 20 of 30 subnets and never below 0.82.",
    );
    w(&mut md, "");
    w(
        &mut md,
        &format!(
            "*Set-up*: 31 honest validators (Pareto stake, shape 1.5, noise σ = 0.1), one copier with 5 % \
of the stake copying the stake-weighted mean of the weights revealed to it, 224 miners (log-normal quality, spread \
0.5) drifting by a log-normal step per tempo, {ce} tempos, G measured after 2K + 20 tempos of warm-up. \
G = (copier's dividends / stake) / median over honest validators of (dividends / stake)."
        ),
    );
    w(&mut md, "");
    let mut header = "| drift per tempo | liquid alpha |".to_string();
    let mut rule = "|---|---|".to_string();
    for k in &suite.reveals {
        let _ = write!(header, " K = {k} |");
        rule.push_str("---|");
    }
    w(&mut md, &header);
    w(&mut md, &rule);
    for d in &suite.drifts {
        for la in [false, true] {
            let mut row = format!("| {d} | {} |", if la { "on" } else { "off" });
            for k in &suite.reveals {
                let _ = write!(row, " {} |", f4(g_at(*d, *k, la)));
            }
            w(&mut md, &row);
        }
    }
    w(&mut md, "");
    w(
        &mut md,
        &format!(
            "Command of a cell: `cortex sim copier --copier-stake 0.05 --reveal-tempos K --drift D --epochs {ce} --seed 0 [--liquid-alpha] --json`."
        ),
    );
    w(&mut md, "");
    let series: Vec<Series> = suite
        .drifts
        .iter()
        .enumerate()
        .map(|(c, d)| Series {
            name: format!("drift {d}"),
            colour: c,
            points: suite
                .reveals
                .iter()
                .filter_map(|k| g_at(*d, *k, false).map(|g| (f64::from(*k), g)))
                .collect(),
            line: true,
        })
        .collect();
    let kmax = suite.reveals.iter().copied().max().unwrap_or(1);
    figures.push((
        "copier.svg".to_string(),
        chart(
            "Copier's G against the reveal delay (Yuma 3)",
            "reveal delay K (tempos)",
            "G",
            (0.0, f64::from(kmax)),
            (0.6, 1.1),
            &series,
        )?,
    ));
    w(
        &mut md,
        &format!("![G against K]({fig_dir_name}/copier.svg)"),
    );
    w(&mut md, "");
    let k0_min = suite
        .drifts
        .iter()
        .filter_map(|d| g_at(*d, 0, false))
        .fold(f64::INFINITY, f64::min);
    let falls = suite.drifts.iter().filter(|d| **d > 0.0).all(|d| {
        let v: Vec<f64> = suite
            .reveals
            .iter()
            .filter_map(|k| g_at(*d, *k, false))
            .collect();
        v.windows(2).all(|p| p.get(1) < p.first())
    });
    w(
        &mut md,
        &format!(
            "*Result*: without commit-reveal (K = 0) G is at least {k0_min:.4}: the copier earns as much as \
the honest median or more (it copies the mean, which is less noisy than any one honest validator). With drift, G falls \
with every step of K {}; with stable miners (drift 0) it stays near 1 (copying still pays), as the developer docs say. \
The claim holds.",
            if falls {
                "(monotone in every drifting row)"
            } else {
                "(not monotone in every row: see the table)"
            }
        ),
    );
    w(&mut md, "");

    // == 2. Liquid alpha ==
    let jumps = [0.1, 0.4, 0.5];
    let jks = [1u32, 2, 4];
    let jgrid: Vec<(f64, u32, bool, u32)> = jumps
        .iter()
        .flat_map(|j| {
            jks.iter().flat_map(move |k| {
                [
                    (*j, *k, false, 5u32),
                    (*j, *k, true, 5),
                    (*j, *k, false, 30),
                    (*j, *k, true, 30),
                ]
            })
        })
        .collect();
    let jg: Vec<Option<f64>> = jgrid
        .par_iter()
        .map(|&(jump, k, la, window)| {
            experiments::copier(&CopierArgs {
                drift: 0.0,
                reveal_tempos: k,
                liquid_alpha: la,
                jump,
                jump_epoch: Some(30),
                epochs: 30u32.saturating_add(window),
                ..CopierArgs::default()
            })
            .map(|m| m.g)
        })
        .collect::<Result<_, _>>()?;
    let jg_at = |j: f64, k: u32, la: bool, win: u32| {
        jgrid
            .iter()
            .position(|x| *x == (j, k, la, win))
            .and_then(|i| jg.get(i).copied().flatten())
    };
    w(&mut md, "## 2. Liquid alpha against copiers");
    w(&mut md, "");
    w(
        &mut md,
        "*Claim* (Opentensor, \"Amplifying the Weight-copying Penalty in Bittensor\", 2024): liquid alpha \
(a per-bond α from a sigmoid between consensus quantiles) lowers the copier's dividends after a signal jump: −33 % at \
δ = 0.5 (t = 5), −6 % at δ = 0.1 (reversing for t ≥ 8), and raises the penalty by 69 % at δ = 0.4.",
    );
    w(&mut md, "");
    w(
        &mut md,
        "*Set-up*: as in §1 with no drift; at tempo 30 half the miners' quality is multiplied by 1 + δ and \
the other half's by 1 − δ; G is measured over the 5 or 30 tempos after the jump, with the chain's liquid alpha \
(Yuma 3, α between 0.7 and 0.9, steepness 1000) against the same run without it (α = 0.1).",
    );
    w(&mut md, "");
    w(
        &mut md,
        "| δ | K | window | G, liquid alpha off | G, liquid alpha on | change |",
    );
    w(&mut md, "|---|---|---|---|---|---|");
    let mut la_lowers = 0usize;
    let mut la_total = 0usize;
    let mut changes: Vec<(f64, f64, u32, u32)> = Vec::new();
    for j in &jumps {
        for k in &jks {
            for win in [5u32, 30] {
                let (off, on) = (jg_at(*j, *k, false, win), jg_at(*j, *k, true, win));
                let change = match (off, on) {
                    (Some(a), Some(b)) if a > 0.0 => {
                        la_total = la_total.saturating_add(1);
                        if b < a {
                            la_lowers = la_lowers.saturating_add(1);
                        }
                        changes.push(((b / a - 1.0) * 100.0, *j, *k, win));
                        format!("{:+.2} %", (b / a - 1.0) * 100.0)
                    }
                    _ => "—".to_string(),
                };
                w(
                    &mut md,
                    &format!(
                        "| {j} | {k} | {win} | {} | {} | {change} |",
                        f4(off),
                        f4(on)
                    ),
                );
            }
        }
    }
    w(&mut md, "");
    w(
        &mut md,
        "Command of a row (window 5): `cortex sim copier --reveal-tempos K --drift 0 --jump δ --epochs 35 \
[--liquid-alpha] --json` uses the jump half-way, so the library call with `jump_epoch: 30` is what the table ran; \
`--epochs 60` gives the 30-tempo window.",
    );
    w(&mut md, "");
    let drop = changes.iter().copied().min_by(|a, b| a.0.total_cmp(&b.0));
    let rise = changes.iter().copied().max_by(|a, b| a.0.total_cmp(&b.0));
    let describe = |c: Option<(f64, f64, u32, u32)>| {
        c.map_or_else(String::new, |(x, j, k, win)| {
            format!("{x:+.2} % (δ = {j}, K = {k}, {win} tempos)")
        })
    };
    w(
        &mut md,
        &format!(
            "*Result*: liquid alpha lowered G in {la_lowers} of {la_total} cases; the largest drop is \
{}, the largest rise {}. Right after a large jump (δ ≥ 0.4, 5 tempos, K ≤ 2) it does penalize the copier, in the \
direction the paper reports, but by a few percent, not the published 33 %; over 30 tempos, at δ = 0.1 and at K = 4 \
it *raises* G. **The published size of the effect does not hold with the chain's liquid alpha**, and over longer \
windows its sign flips: the chain's liquid α (0.7–0.9) makes every validator's bonds follow its weights within a \
tempo or two, so the copier's stale bonds catch up quickly, while the fixed α = 0.1 EMA stretches the same K-tempo \
lag over ~10 tempos of bonds that trail the honest validators'. The paper's α convention and sigmoid inputs differ \
from the chain's; the simulation was not tuned toward the published figure.",
            describe(drop),
            describe(rise)
        ),
    );
    w(&mut md, "");

    // == 3. Cabal ==
    let cabal_rows: Vec<(f64, f64, experiments::CabalArgs)> = [0.5f64, 0.6]
        .iter()
        .flat_map(|kappa| {
            suite.cabal_stakes.iter().map(move |f| {
                (
                    *kappa,
                    *f,
                    CabalArgs {
                        cabal_stake: *f,
                        kappa: *kappa,
                        ..CabalArgs::default()
                    },
                )
            })
        })
        .collect();
    let cabal: Vec<crate::metrics::CabalMetrics> = cabal_rows
        .par_iter()
        .map(|(_, _, a)| experiments::cabal(a))
        .collect::<Result<_, _>>()?;
    w(&mut md, "## 3. Cabals and κ");
    w(&mut md, "");
    w(
        &mut md,
        "*Claim* (Rao et al., \"BitTensor\", 2020: resistant to collusion of up to 50 % of the network weight; \
subtensor `docs/consensus.md`: a cabal below κ is clipped to the honest consensus): a cabal under κ that votes for its \
own miners earns less in total than by weighting honestly; above κ it earns more.",
    );
    w(&mut md, "");
    w(
        &mut md,
        "*Set-up*: 32 validators (stake N(1, 0.3²) within each side), the cabal holding the given share of stake \
and 32 miners of its own with half the honest miners' quality (192 honest miners), putting all of its weight on them \
(`self_share` 1); honest play is the same run (same random numbers) with the cabal weighting honestly. Shares are of \
the whole emission (miners' plus validators') over 60 tempos after a 6-tempo warm-up.",
    );
    w(&mut md, "");
    w(
        &mut md,
        "| κ | cabal stake | cabal incentive share | fair share | cabal total | honest-play total | incentive lift | dividend loss | self-voting pays |",
    );
    w(&mut md, "|---|---|---|---|---|---|---|---|---|");
    let mut cabal_ok = true;
    for ((kappa, f, _), m) in cabal_rows.iter().zip(cabal.iter()) {
        let pays = m.cabal_total_share > m.honest_play_total_share;
        // A cabal blocks the honest consensus once it holds more than 1 − κ, and sets its own
        // once it holds κ: the protected range is below min(κ, 1 − κ).
        let threshold = kappa.min(1.0 - kappa);
        if (*f < threshold - 1e-9 && pays) || (*f > threshold + 1e-9 && !pays) {
            cabal_ok = false;
        }
        w(
            &mut md,
            &format!(
                "| {kappa} | {f} | {:.4} | {:.4} | {:.4} | {:.4} | {:+.4} | {:+.4} | {} |",
                m.cabal_incentive_share,
                m.fair_incentive_share,
                m.cabal_total_share,
                m.honest_play_total_share,
                m.incentive_lift,
                m.dividend_loss,
                if pays { "yes" } else { "no" }
            ),
        );
    }
    w(&mut md, "");
    w(
        &mut md,
        "Command of a row: `cortex sim cabal --cabal-stake F --kappa K --epochs 60 --seed 0 --json`.",
    );
    w(&mut md, "");
    let cabal_series: Vec<Series> = [0.5f64, 0.6]
        .iter()
        .enumerate()
        .flat_map(|(c, kappa)| {
            let pick = |self_voting: bool| -> Vec<(f64, f64)> {
                cabal_rows
                    .iter()
                    .zip(cabal.iter())
                    .filter(|((k, _, _), _)| k == kappa)
                    .map(|((_, f, _), m)| {
                        (
                            *f,
                            if self_voting {
                                m.cabal_total_share
                            } else {
                                m.honest_play_total_share
                            },
                        )
                    })
                    .collect()
            };
            [
                Series {
                    name: format!("self-voting, κ {kappa}"),
                    colour: c,
                    points: pick(true),
                    line: true,
                },
                Series {
                    name: format!("honest play, κ {kappa}"),
                    colour: c,
                    points: pick(false),
                    line: false,
                },
            ]
        })
        .collect();
    figures.push((
        "cabal.svg".to_string(),
        chart(
            "Cabal's share of emission: self-voting against honest play",
            "cabal stake",
            "share of emission",
            (0.0, 0.8),
            (0.0, 1.05),
            &cabal_series,
        )?,
    ));
    w(&mut md, &format!("![cabal]({fig_dir_name}/cabal.svg)"));
    w(&mut md, "");
    w(
        &mut md,
        &format!(
            "*Result*: {}. Under κ the incentive lift is small (clipping pulls the cabal's \
self-weight down to the honest consensus) and the dividend loss large (its bonds sit on miners the consensus does not \
support, and on none of the honest miners); once the cabal holds more than κ of the stake it sets the consensus \
itself, honest miners get nothing and it takes almost the whole emission. With κ = 0.6 the threshold is 1 − κ = 40 %: a cabal above it withholds the 60 % support honest miners need, which is the published \"no protection for S_H < 0.6\" of κ = 0.6.",
            if cabal_ok {
                "the claim holds on both sides of the threshold min(κ, 1 − κ) in every row"
            } else {
                "**the claim fails in at least one row** (see the last column)"
            }
        ),
    );
    w(&mut md, "");

    // == 4. Consensus map ==
    let map = consensus::map(&suite.map);
    let map3 = consensus::map(&MapConfig {
        honest_stakes: vec![0.6],
        params: cortex_yuma::EpochParams {
            yuma3: true,
            ..suite.map.params.clone()
        },
        ..suite.map.clone()
    });
    let published = [(0.0, 0.60), (0.2, 0.67), (0.4, 0.73)];
    w(&mut md, "## 4. Consensus guarantees (the retention map)");
    w(&mut md, "");
    w(
        &mut md,
        "*Claim* (subtensor `docs/consensus.md`, harness `map_consensus_guarantees`): on 512 uids with 64 \
validators, keeping 60 % honest stake needs 60 %, 67 % and 73 % honest utility at weight noise σ = 0, 0.2μ and \
0.4μ (\"a 40 % stake + 30 % utility attack\" at high subjectivity).",
    );
    w(&mut md, "");
    w(
        &mut md,
        &format!(
            "*Set-up*: subtensor's split graph (see `crates/sim/src/consensus.rs`): {} uids, {} validators, \
stake N(1, 0.3²), weights N(1, σ²) per quadrant, one epoch from empty bonds, original Yuma (the published map \
predates Yuma 3), κ 0.5, β 1. For each cabal self-weight W_C on a {}-step grid the least honest utility W_H (1 % \
steps, bisection) with honest emission ≥ honest stake; the worst W_C is reported.",
            suite.map.n, suite.map.validators, suite.map.cabal_steps
        ),
    );
    w(&mut md, "");
    w(
        &mut md,
        "| noise σ/μ | honest stake | honest utility needed | worst cabal self-weight | published | difference |",
    );
    w(&mut md, "|---|---|---|---|---|---|");
    let mut map_ok = true;
    for t in &map {
        let pubd = published
            .iter()
            .find(|(s, _)| (*s - t.noise).abs() < 1e-9 && (t.honest_stake - 0.6).abs() < 1e-9)
            .map(|(_, v)| *v);
        let diff = match (pubd, t.honest_utility) {
            (Some(p), Some(u)) => {
                if (u - p).abs() > 0.05 {
                    map_ok = false;
                }
                format!("{:+.0} pp", (u - p) * 100.0)
            }
            _ => String::new(),
        };
        w(
            &mut md,
            &format!(
                "| {:.1} | {:.2} | {} | {} | {} | {diff} |",
                t.noise,
                t.honest_stake,
                pct(t.honest_utility),
                t.worst_cabal_weight
                    .map_or_else(|| "—".to_string(), |c| format!("{c:.2}")),
                pubd.map_or_else(String::new, |p| format!("{:.0} %", p * 100.0))
            ),
        );
    }
    w(&mut md, "");
    w(
        &mut md,
        "Command: `cortex sim consensus-map --json` (defaults: honest stakes 0.51, 0.6, 0.7, 0.8, 0.9; noise 0, 0.2, 0.4).",
    );
    w(&mut md, "");
    w(
        &mut md,
        "The same at 60 % honest stake with Yuma 3 (`cortex sim consensus-map --honest-stakes 0.6 --yuma3 --json`):",
    );
    w(&mut md, "");
    w(&mut md, "| noise σ/μ | honest utility needed (Yuma 3) |");
    w(&mut md, "|---|---|");
    for t in &map3 {
        w(
            &mut md,
            &format!("| {:.1} | {} |", t.noise, pct(t.honest_utility)),
        );
    }
    w(&mut md, "");
    let map_series: Vec<Series> = suite
        .map
        .noises
        .iter()
        .enumerate()
        .map(|(c, s)| Series {
            name: format!("σ = {s}μ"),
            colour: c,
            points: map
                .iter()
                .filter(|t: &&Threshold| (t.noise - s).abs() < 1e-12)
                .filter_map(|t| t.honest_utility.map(|u| (t.honest_stake, u)))
                .collect(),
            line: true,
        })
        .chain(std::iter::once(Series {
            name: "published (S_H = 0.6)".to_string(),
            colour: 5,
            points: published.iter().map(|(_, u)| (0.6, *u)).collect(),
            line: false,
        }))
        .collect();
    figures.push((
        "consensus_map.svg".to_string(),
        chart(
            "Honest utility needed to keep the honest stake's share",
            "honest stake S_H",
            "honest utility W_H",
            (0.5, 1.0),
            (0.4, 1.05),
            &map_series,
        )?,
    ));
    w(
        &mut md,
        &format!("![consensus map]({fig_dir_name}/consensus_map.svg)"),
    );
    w(&mut md, "");
    w(
        &mut md,
        &format!(
            "*Result*: {}.",
            if map_ok {
                "the published thresholds are reproduced within 5 percentage points"
            } else {
                "**at least one published threshold is not reproduced within 5 percentage points** (see the table)"
            }
        ),
    );
    w(&mut md, "");

    // == 5. Late miner ==
    let late_args = LateArgs::default();
    let late = experiments::late_miner(&late_args)?;
    w(&mut md, "## 5. A late, better miner: Yuma 2 against Yuma 3");
    w(&mut md, "");
    w(
        &mut md,
        "*Claim* (developer-docs `yc3-blog.md`, subtensor PR #1593): Yuma 2's bonds moved only where ≥ 50 % of \
stake voted, froze for long periods and locked early discoverers out; Yuma 3 gives each (validator, miner) pair its \
own bond EMA, so a late, better miner overtakes sooner and a validator that finds it early earns more.",
    );
    w(&mut md, "");
    w(
        &mut md,
        &format!(
            "*Set-up*: 32 validators of equal stake; {:.0} % of the stake (the discoverers) evaluates a new \
miner at once, the rest {} tempos later. A field of {} miners (quality ≈ 1), an incumbent of quality {}, and a late \
miner of quality {} registering at tempo {}. *Overtake* = tempos from its registration until the validators' \
stake-weighted bond share on it (each validator's stored bond on it over the sum of its stored bonds) exceeds that on \
the incumbent. Discoverers' G = their dividend per stake over the followers' median, from the join on.",
            late_args.discoverer_stake * 100.0,
            late_args.follower_lag,
            late_args.miners,
            late_args.incumbent_quality,
            late_args.late_quality,
            late_args.join_epoch
        ),
    );
    w(&mut md, "");
    w(
        &mut md,
        "| variant | bond overtake (tempos) | incentive overtake (tempos) | discoverers' G |",
    );
    w(&mut md, "|---|---|---|---|");
    for (name, v) in [("Yuma 2", &late.yuma2), ("Yuma 3", &late.yuma3)] {
        w(
            &mut md,
            &format!(
                "| {name} | {} | {} | {} |",
                epochs(v.overtake_epochs),
                epochs(v.incentive_overtake_epochs),
                f4(v.discoverer_g)
            ),
        );
    }
    w(&mut md, "");
    w(&mut md, "Command: `cortex sim late-miner --json`.");
    w(&mut md, "");
    let faster = match (late.yuma2.overtake_epochs, late.yuma3.overtake_epochs) {
        (Some(a), Some(b)) => b < a,
        (None, Some(_)) => true,
        _ => false,
    };
    let richer =
        matches!((late.yuma2.discoverer_g, late.yuma3.discoverer_g), (Some(a), Some(b)) if b > a);
    w(
        &mut md,
        &format!(
            "*Result*: the late miner overtakes in bonds {} under Yuma 3 ({} against {} tempos): \
the first half of the claim {}. Incentive does not involve bonds and overtakes at the same tempo in both (once the \
followers weight it). The discoverers' dividend per stake relative to the followers is {} under Yuma 3 than under \
Yuma 2 ({} against {}): **{}**. With β = 1, a minority's weight on a miner the majority does not yet see is clipped \
to a consensus of 0 in both variants, so the discoverers build no bonds on it before the followers arrive.",
            if faster { "sooner" } else { "not sooner" },
            epochs(late.yuma3.overtake_epochs),
            epochs(late.yuma2.overtake_epochs),
            if faster { "holds" } else { "does not hold" },
            if richer { "higher" } else { "not higher" },
            f4(late.yuma3.discoverer_g),
            f4(late.yuma2.discoverer_g),
            if richer {
                "the second half holds"
            } else {
                "the second half of the claim does not hold in this set-up"
            }
        ),
    );
    w(&mut md, "");

    // == 6. Sybils ==
    let sy = experiments::sybil(&suite.sybil)?;
    w(&mut md, "## 6. Sybil registrations against the burn");
    w(&mut md, "");
    w(
        &mut md,
        &format!(
            "*Question*: is it worth registering k copies of one model? Each registration pays the \
subnet's burn, which subtensor raises after every registration and decays every block (`spec/economy.md` §5.1–5.2): \
`Burn ← clamp(Burn × BurnIncreaseMult, MinBurn, MaxBurn)` after a registration (U64F64, ×1.26) and \
`Burn ← clamp((Burn × f) >> 32, MinBurn, MaxBurn)` every block with `f` the Q32 factor of a 360-block half-life \
(4 286 705 684), from 1 TAO, within [0.0005, 100] TAO. One registration per block. The k copies (quality {}, \
honest miners' median 1) take the uids of honest miners and earn miner emission for {} tempos at {} TAO per alpha.",
            suite.sybil.quality, suite.sybil.epochs, suite.sybil.alpha_price_tao
        ),
    );
    w(&mut md, "");
    w(
        &mut md,
        "| k | burn of the k-th (TAO) | burns (TAO) | income (alpha) | profit (TAO) | marginal (TAO) |",
    );
    w(&mut md, "|---|---|---|---|---|---|");
    for r in &sy.rows {
        w(
            &mut md,
            &format!(
                "| {} | {:.2} | {:.2} | {:.2} | {:.2} | {:+.2} |",
                r.k, r.last_burn_tao, r.burns_tao, r.income_alpha, r.profit_tao, r.marginal_tao
            ),
        );
    }
    w(&mut md, "");
    w(
        &mut md,
        &format!(
            "Command: `cortex sim sybil --max-k {} --epochs {} --quality {} --alpha-price {} --json`.",
            suite.sybil.max_k, suite.sybil.epochs, suite.sybil.quality, suite.sybil.alpha_price_tao
        ),
    );
    w(&mut md, "");
    figures.push((
        "sybil.svg".to_string(),
        chart(
            "Profit of k sybil registrations net of burns",
            "registrations k",
            "profit (TAO)",
            (0.0, f64::from(suite.sybil.max_k)),
            (
                sy.rows.iter().map(|r| r.profit_tao).fold(0.0, f64::min) * 1.1 - 1.0,
                sy.rows.iter().map(|r| r.profit_tao).fold(0.0, f64::max) * 1.1 + 1.0,
            ),
            &[Series {
                name: "profit".to_string(),
                colour: 0,
                points: sy
                    .rows
                    .iter()
                    .map(|r| (f64::from(r.k), r.profit_tao))
                    .collect(),
                line: true,
            }],
        )?,
    ));
    w(&mut md, &format!("![sybil]({fig_dir_name}/sybil.svg)"));
    w(&mut md, "");
    w(
        &mut md,
        &format!(
            "*Result*: the profit peaks at k = {}; the {}th registration is the first that adds nothing \
(its burn exceeds what one more copy earns), and beyond k = {} the whole operation loses money. Each copy earns about \
the same, so the rising burn alone sets the limit; once the burn reaches MaxBurn (100 TAO) every further copy loses \
the difference. The figures scale with the alpha price and the horizon (both arguments).",
            sy.best_k,
            sy.stops_paying_at
                .map_or_else(|| "—".to_string(), |k| k.to_string()),
            sy.break_even_k
        ),
    );
    w(&mut md, "");

    // == 7. Concentration ==
    let conc_args = ConcentrationArgs::default();
    let conc = experiments::concentration(&conc_args)?;
    w(&mut md, "## 7. Concentration and a stake cap");
    w(&mut md, "");
    w(
        &mut md,
        "*Claim* (Lui and Sun, arXiv 2507.02951, 2025): stake and rewards are highly concentrated and rewards \
follow stake; a stake cap at the 88th percentile raises the coalition size needed for a 51 % attack.",
    );
    w(&mut md, "");
    w(
        &mut md,
        &format!(
            "*Set-up*: {} honest validators with Pareto stake (shape {}), 192 miners, {} tempos; the cap \
clips every stake at the {}th percentile (the excess is removed).",
            conc_args.validators, conc_args.shape, conc_args.epochs, conc_args.cap_percentile
        ),
    );
    w(&mut md, "");
    w(
        &mut md,
        "| | Nakamoto coefficient of stake | of emission | largest stake share |",
    );
    w(&mut md, "|---|---|---|---|");
    w(
        &mut md,
        &format!(
            "| no cap | {} | {} | {:.3} |",
            conc.nakamoto_stake, conc.nakamoto_emission, conc.top_stake_share
        ),
    );
    w(
        &mut md,
        &format!(
            "| cap at the {}th percentile | {} | {} | {:.3} |",
            conc_args.cap_percentile,
            conc.nakamoto_stake_capped,
            conc.nakamoto_emission_capped,
            conc.top_stake_share_capped
        ),
    );
    w(&mut md, "");
    w(
        &mut md,
        "Command: `cortex sim concentration --json`. Emission counts miners' incentive and validators' \
dividends per uid, so its coefficient is larger than stake's: miners' incentive follows quality, not stake; \
validators' dividends follow stake.",
    );
    w(&mut md, "");
    w(
        &mut md,
        &format!(
            "*Result*: the cap {} the coalition needed for half the stake ({} → {}) and for half the \
emission ({} → {}).",
            if conc.nakamoto_stake_capped > conc.nakamoto_stake {
                "raises"
            } else {
                "does not raise"
            },
            conc.nakamoto_stake,
            conc.nakamoto_stake_capped,
            conc.nakamoto_emission,
            conc.nakamoto_emission_capped
        ),
    );
    w(&mut md, "");

    // == 8. Attack search ==
    let att = experiments::attack(&suite.attack)?;
    w(
        &mut md,
        "## 8. Beyond the papers: searching for a better strategy",
    );
    w(&mut md, "");
    w(
        &mut md,
        &format!(
            "*Question*: is there a validator strategy that earns more dividend per stake than honest play? \
Random search over the family *honest until `switch_epoch`, then `(1 − self_share)·((1 − shade)·own evaluation + \
shade·revealed mean copy_lag tempos old) + self_share·own miners`*, {} candidates plus honest play, each scored on {} \
seeds (common to all candidates); the best is re-scored with honest play on {} fresh seeds. Attacker stake {}, \
reveal {} tempo(s), drift {}, {} tempos, {} honest validators, 8 own miners of quality 0.5.",
            suite.attack.candidates,
            suite.attack.seeds,
            suite.attack.holdout_seeds,
            suite.attack.stake,
            suite.attack.reveal_tempos,
            suite.attack.drift,
            suite.attack.epochs,
            suite.attack.honest_validators
        ),
    );
    w(&mut md, "");
    w(
        &mut md,
        "| | shade | self_share | copy_lag | switch_epoch | G (search seeds) | G (fresh seeds) | earnings ratio |",
    );
    w(&mut md, "|---|---|---|---|---|---|---|---|");
    let row = |name: &str, s: &experiments::Scored, hold: Option<&experiments::Scored>| {
        format!(
            "| {name} | {:.3} | {:.3} | {} | {} | {:.4} | {} | {:.4} |",
            s.strategy.shade,
            s.strategy.self_share,
            s.strategy.copy_lag,
            s.strategy.switch_epoch,
            s.g,
            hold.map_or_else(|| "—".to_string(), |h| format!("{:.4}", h.g)),
            s.earnings_ratio
        )
    };
    w(
        &mut md,
        &row("honest play", &att.honest, Some(&att.honest_holdout)),
    );
    w(
        &mut md,
        &row("best by G", &att.best, Some(&att.best_holdout)),
    );
    w(
        &mut md,
        &row("best by earnings", &att.best_by_earnings, None),
    );
    w(&mut md, "");
    w(
        &mut md,
        &format!(
            "Command: `cortex sim attack --stake {} --candidates {} --epochs {} --reveal-tempos {} --seed 0 --json`.",
            suite.attack.stake,
            suite.attack.candidates,
            suite.attack.epochs,
            suite.attack.reveal_tempos
        ),
    );
    w(&mut md, "");
    w(
        &mut md,
        &format!(
            "*Result*: {}",
            if att.beats_honest_play {
                format!("**{}**", att.verdict)
            } else {
                att.verdict.clone()
            }
        ),
    );
    w(&mut md, "");
    w(
        &mut md,
        "The earnings ratio adds the attacker's own miners' emission to its dividends (per stake, over the \
honest median's dividend per stake).",
    );
    w(&mut md, "");

    // == Summary ==
    w(&mut md, "## Which published claims hold here");
    w(&mut md, "");
    w(
        &mut md,
        &format!(
            "- Copier, commit-reveal: G < 1 and falling with K under drift; G ≥ 0.95 without it — {}.",
            if falls && k0_min >= 0.95 {
                "holds"
            } else {
                "**does not hold** (§1)"
            }
        ),
    );
    w(
        &mut md,
        &format!(
            "- Liquid alpha lowers G — {} (§2: lower in {la_lowers} of {la_total} cases, by at most {}).",
            if la_lowers == la_total {
                "holds"
            } else {
                "**holds only right after large jumps, and by a few percent rather than 33 %**"
            },
            describe(drop)
        ),
    );
    w(
        &mut md,
        &format!(
            "- Cabal under κ loses by self-voting, above κ gains — {} (§3; at κ = 0.6 the threshold is 1 − κ).",
            if cabal_ok {
                "holds"
            } else {
                "**does not hold**"
            }
        ),
    );
    w(
        &mut md,
        &format!(
            "- Consensus map 60/67/73 % within 5 pp — {} (§4).",
            if map_ok { "holds" } else { "**does not hold**" }
        ),
    );
    w(
        &mut md,
        &format!(
            "- Yuma 3 lets a late miner overtake sooner — {}; early discoverers earn more under Yuma 3 — {} (§5).",
            if faster { "holds" } else { "**does not hold**" },
            if richer { "holds" } else { "**does not hold**" }
        ),
    );
    w(
        &mut md,
        &format!(
            "- A stake cap raises the Nakamoto coefficient — {} (§7).",
            if conc.nakamoto_stake_capped > conc.nakamoto_stake {
                "holds"
            } else {
                "**does not hold**"
            }
        ),
    );
    w(
        &mut md,
        &format!(
            "- Honest play is the best strategy in the searched family — {} (§8).",
            if att.beats_honest_play {
                "**does not hold**: a strategy beats it"
            } else {
                "holds"
            }
        ),
    );

    for (name, svg) in &figures {
        let path = fig_dir.join(name);
        std::fs::write(&path, svg)
            .map_err(|e| SimError::Output(format!("cannot write {}: {e}", path.display())))?;
    }
    let path = dir.join(file);
    std::fs::write(&path, md)
        .map_err(|e| SimError::Output(format!("cannot write {}: {e}", path.display())))?;
    Ok(path)
}
