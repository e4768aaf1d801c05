//! What `cortex localnet` shows: the board its monitor fills, the live terminal view (ratatui),
//! and the plain-text lines of `--no-tui`.
//!
//! The view redraws four times a second from the board and never talks to the chain itself;
//! `q`, `Esc` or Ctrl-C (a key event while the terminal is in raw mode) stop the network. The
//! terminal is restored on every exit path, a panic included, by the guard's `Drop`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use cortex_client::AccountId32;
use cortex_subnet::ValidatorStatus;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{self, Event, KeyCode, KeyModifiers};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table};
use tokio::sync::watch;

/// One miner on the board.
#[derive(Clone, Debug)]
pub struct MinerRow {
    /// Its hotkey.
    pub hotkey: AccountId32,
    /// Its uid, once the metagraph lists it.
    pub uid: Option<u16>,
    /// Its model.
    pub model: String,
    /// Its model's accuracy on the whole held-out split, measured by localnet.
    pub holdout_score: f64,
    /// Incentive, as a fraction.
    pub incentive: f64,
    /// The highest incentive seen.
    pub peak_incentive: f64,
    /// Its last epoch's emission, alpha rao.
    pub emission_per_epoch: u64,
    /// Emission summed over the epochs seen, alpha rao.
    pub emission_rao: u64,
    /// Whether `--stop-miner` stopped it.
    pub stopped: bool,
    /// Its incentive when `--stop-miner` stopped a miner (this one or another).
    pub incentive_at_stop: Option<f64>,
}

/// One validator on the board.
#[derive(Clone, Debug)]
pub struct ValidatorRow {
    /// Its hotkey.
    pub hotkey: AccountId32,
    /// Its uid.
    pub uid: Option<u16>,
    /// Its alpha stake, rao.
    pub stake_rao: u64,
    /// Dividends, as a fraction.
    pub dividends: f64,
    /// Its last epoch's emission, alpha rao.
    pub emission_per_epoch: u64,
    /// Emission summed over the epochs seen, alpha rao.
    pub emission_rao: u64,
    /// What the validator itself reports.
    pub status: Arc<Mutex<ValidatorStatus>>,
}

/// Everything the view shows.
#[derive(Clone, Debug, Default)]
pub struct Board {
    /// The subnet.
    pub netuid: u16,
    /// Its tempo.
    pub tempo: u16,
    /// The node's RPC address.
    pub url: String,
    /// The latest block.
    pub block: u64,
    /// Blocks since the last epoch.
    pub blocks_since_last_step: u64,
    /// Epochs seen.
    pub epochs: u64,
    /// TAO per alpha in the subnet's pool.
    pub alpha_price: f64,
    /// Miners, in localnet's order (best model first).
    pub miners: Vec<MinerRow>,
    /// Validators.
    pub validators: Vec<ValidatorRow>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    match m.lock() {
        Ok(g) => g,
        Err(p) => p.into_inner(),
    }
}

#[allow(clippy::cast_precision_loss)]
fn alpha(rao: u64) -> f64 {
    rao as f64 / 1e9
}

fn uid_text(uid: Option<u16>) -> String {
    uid.map(|u| u.to_string()).unwrap_or_else(|| "-".into())
}

/// The mean of the validators' moving-average scores for `uid`.
fn mean_score(b: &Board, uid: Option<u16>) -> Option<f64> {
    let uid = uid?;
    let scores: Vec<f64> = b
        .validators
        .iter()
        .filter_map(|v| {
            lock(&v.status)
                .scores
                .iter()
                .find(|(u, _)| *u == uid)
                .map(|(_, s)| *s)
        })
        .collect();
    #[allow(clippy::cast_precision_loss)]
    let n = scores.len() as f64;
    (!scores.is_empty()).then(|| scores.iter().sum::<f64>() / n)
}

/// One `--no-tui` line per epoch.
pub fn epoch_line(b: &Board) -> String {
    let miners: Vec<String> = b
        .miners
        .iter()
        .map(|m| {
            format!(
                "uid {} {} holdout {:.3} incentive {:.3}{}",
                uid_text(m.uid),
                m.model,
                m.holdout_score,
                m.incentive,
                if m.stopped { " (stopped)" } else { "" }
            )
        })
        .collect();
    let validators: Vec<String> = b
        .validators
        .iter()
        .map(|v| format!("uid {} dividends {:.3}", uid_text(v.uid), v.dividends))
        .collect();
    format!(
        "epoch {} block {}: miners [{}]; validators [{}]",
        b.epochs,
        b.block,
        miners.join(", "),
        validators.join(", ")
    )
}

/// The end-of-run table.
pub fn final_table(b: &Board) -> String {
    let mut out = format!(
        "localnet: subnet {} after {} blocks ({} epochs)\n  uid  model                     holdout  incentive  earned α\n",
        b.netuid, b.block, b.epochs
    );
    for m in &b.miners {
        out.push_str(&format!(
            "  {:>3}  {:<24}  {:>7.3}  {:>9.4}  {:>9.3}{}\n",
            uid_text(m.uid),
            m.model,
            m.holdout_score,
            m.incentive,
            alpha(m.emission_rao),
            if m.stopped { "  (stopped)" } else { "" }
        ));
    }
    out.push_str("  uid  validator stake α       dividends  earned α\n");
    for v in &b.validators {
        out.push_str(&format!(
            "  {:>3}  {:>20.3}  {:>9.4}  {:>9.3}\n",
            uid_text(v.uid),
            alpha(v.stake_rao),
            v.dividends,
            alpha(v.emission_rao)
        ));
    }
    out
}

/// Restores the terminal however the view ends.
struct TerminalGuard;

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let _ = disable_raw_mode();
        let _ = execute!(std::io::stdout(), LeaveAlternateScreen);
    }
}

/// Runs the view on a blocking thread until `stop` is set or the user quits (then it sets
/// `stop` itself).
pub fn spawn(board: Arc<Mutex<Board>>, stop: watch::Sender<bool>) -> tokio::task::JoinHandle<()> {
    tokio::task::spawn_blocking(move || {
        if let Err(e) = view(&board, &stop) {
            tracing::error!(error = %e, "the terminal view failed; stopping");
        }
        let _ = stop.send(true);
    })
}

fn view(board: &Mutex<Board>, stop: &watch::Sender<bool>) -> std::io::Result<()> {
    enable_raw_mode()?;
    let _guard = TerminalGuard;
    execute!(std::io::stdout(), EnterAlternateScreen)?;
    let mut terminal = Terminal::new(CrosstermBackend::new(std::io::stdout()))?;
    loop {
        if *stop.borrow() {
            return Ok(());
        }
        let snapshot = lock(board).clone();
        terminal.draw(|f| draw(f, &snapshot))?;
        if event::poll(Duration::from_millis(250))?
            && let Event::Key(k) = event::read()?
        {
            let ctrl_c =
                k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL);
            if ctrl_c || matches!(k.code, KeyCode::Char('q') | KeyCode::Esc) {
                return Ok(());
            }
        }
    }
}

fn draw(f: &mut ratatui::Frame<'_>, b: &Board) {
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let areas = Layout::vertical([
        Constraint::Length(3),
        Constraint::Length(
            u16::try_from(b.miners.len())
                .unwrap_or(200)
                .saturating_add(3),
        ),
        Constraint::Length(
            u16::try_from(b.validators.len())
                .unwrap_or(200)
                .saturating_add(3),
        ),
        Constraint::Min(0),
    ])
    .split(f.area());
    let next = u64::from(b.tempo).saturating_sub(b.blocks_since_last_step);
    let header = Paragraph::new(Line::from(format!(
        "subnet {}  block {}  epoch {} (tempo {}, next in {} blocks)  α price {:.4} τ  RPC {}  —  q or Ctrl-C to stop",
        b.netuid, b.block, b.epochs, b.tempo, next, b.alpha_price, b.url
    )))
    .block(Block::default().borders(Borders::ALL).title(" cortex localnet "));
    if let Some(a) = areas.first() {
        f.render_widget(header, *a);
    }

    let rows = b.miners.iter().map(|m| {
        let style = if m.stopped {
            Style::default().fg(Color::DarkGray)
        } else {
            Style::default()
        };
        Row::new(vec![
            uid_text(m.uid),
            m.model.clone(),
            format!("{:.3}", m.holdout_score),
            mean_score(b, m.uid)
                .map(|s| format!("{s:.3}"))
                .unwrap_or_else(|| "-".into()),
            format!("{:.4}", m.incentive),
            format!("{:.4}", alpha(m.emission_per_epoch)),
            format!("{:.3}", alpha(m.emission_rao)),
            format!("{:.3}", alpha(m.emission_rao) * b.alpha_price),
            if m.stopped {
                "stopped".into()
            } else {
                "serving".into()
            },
        ])
        .style(style)
    });
    let miners = Table::new(
        rows,
        [
            Constraint::Length(4),
            Constraint::Length(24),
            Constraint::Length(8),
            Constraint::Length(8),
            Constraint::Length(10),
            Constraint::Length(12),
            Constraint::Length(11),
            Constraint::Length(11),
            Constraint::Length(8),
        ],
    )
    .header(
        Row::new(vec![
            "uid",
            "model",
            "held-out",
            "score",
            "incentive",
            "α / epoch",
            "earned α",
            "earned τ",
            "axon",
        ])
        .style(bold),
    )
    .block(Block::default().borders(Borders::ALL).title(" miners "));
    if let Some(a) = areas.get(1) {
        f.render_widget(miners, *a);
    }

    let rows = b.validators.iter().map(|v| {
        let s = lock(&v.status).clone();
        let age = if s.last_weights_block == 0 {
            "never".to_string()
        } else {
            format!("{} blocks", b.block.saturating_sub(s.last_weights_block))
        };
        let state = if s.stale {
            "STALE".to_string()
        } else if let Some(e) = &s.last_error {
            format!("retrying: {e}")
        } else {
            "ok".to_string()
        };
        Row::new(vec![
            uid_text(v.uid),
            format!("{:.1}", alpha(v.stake_rao)),
            format!("{:.4}", v.dividends),
            format!("{:.3}", alpha(v.emission_rao)),
            s.rounds.to_string(),
            s.weights_landed.to_string(),
            age,
            state,
        ])
        .style(if s.stale {
            Style::default().fg(Color::Red)
        } else {
            Style::default()
        })
    });
    let validators = Table::new(
        rows,
        [
            Constraint::Length(4),
            Constraint::Length(12),
            Constraint::Length(10),
            Constraint::Length(11),
            Constraint::Length(8),
            Constraint::Length(8),
            Constraint::Length(12),
            Constraint::Min(10),
        ],
    )
    .header(
        Row::new(vec![
            "uid",
            "stake α",
            "dividends",
            "earned α",
            "rounds",
            "weights",
            "weights age",
            "state",
        ])
        .style(bold),
    )
    .block(Block::default().borders(Borders::ALL).title(" validators "));
    if let Some(a) = areas.get(2) {
        f.render_widget(validators, *a);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::backend::TestBackend;

    fn board() -> Board {
        let status = ValidatorStatus {
            uid: Some(0),
            stale: true,
            rounds: 12,
            scores: vec![(1, 0.9)],
            ..ValidatorStatus::default()
        };
        Board {
            netuid: 1,
            tempo: 10,
            block: 123,
            epochs: 4,
            miners: vec![MinerRow {
                hotkey: AccountId32::from([1; 32]),
                uid: Some(1),
                model: "knn".into(),
                holdout_score: 0.992,
                incentive: 0.5,
                peak_incentive: 0.5,
                emission_per_epoch: 2_000_000_000,
                emission_rao: 8_000_000_000,
                stopped: false,
                incentive_at_stop: None,
            }],
            validators: vec![ValidatorRow {
                hotkey: AccountId32::from([0; 32]),
                uid: Some(0),
                stake_rao: 1_000_000_000_000,
                dividends: 1.0,
                emission_per_epoch: 0,
                emission_rao: 0,
                status: Arc::new(Mutex::new(status)),
            }],
            ..Board::default()
        }
    }

    #[test]
    fn the_view_shows_models_scores_incentive_and_stale_weights() {
        let b = board();
        let mut terminal = Terminal::new(TestBackend::new(160, 14)).unwrap();
        terminal.draw(|f| draw(f, &b)).unwrap();
        let text: String = terminal
            .backend()
            .buffer()
            .content()
            .iter()
            .map(|c| c.symbol())
            .collect();
        for needle in [
            "block 123",
            "epoch 4",
            "knn",
            "0.992",
            "0.900",
            "0.5000",
            "8.000",
            "STALE",
        ] {
            assert!(
                text.contains(needle),
                "{needle} missing from the view:\n{text}"
            );
        }
        let line = epoch_line(&b);
        assert!(
            line.contains("uid 1 knn holdout 0.992 incentive 0.500"),
            "{line}"
        );
        assert!(final_table(&b).contains("knn"));
    }
}
