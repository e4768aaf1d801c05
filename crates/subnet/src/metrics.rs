//! A validator's Prometheus metrics, and the small HTTP server that serves them.
//!
//! The weights' age is the one to alert on: `cortex_validator_weights_age_blocks` grows by one a
//! block until the next setting lands, and `cortex_validator_weights_stale` turns 1 when it
//! passes the validator's limit. Silent stale weights (a validator that runs, scores and never
//! gets its weights on chain) are among the commonest operational failures in Bittensor.

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

/// Labels of a weights submission.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct SubmitLabels {
    /// `set`, `commit` or `reveal`.
    pub kind: String,
    /// `ok` or `error`.
    pub result: String,
}

/// The validator's metrics.
#[derive(Clone)]
pub struct ValidatorMetrics {
    registry: Arc<Registry>,
    /// Query rounds run.
    pub rounds: Counter,
    /// Miner answers scored, and failed (no answer, bad answer).
    pub answers_ok: Counter,
    /// Miner queries that failed.
    pub answers_failed: Counter,
    /// Weight submissions by kind and result.
    pub submissions: Family<SubmitLabels, Counter>,
    /// Blocks since this validator's weights last landed.
    pub weights_age_blocks: Gauge,
    /// 1 while the weights are older than the limit.
    pub weights_stale: Gauge,
    /// The last block seen.
    pub block: Gauge,
}

impl Default for ValidatorMetrics {
    fn default() -> Self {
        ValidatorMetrics::new()
    }
}

impl ValidatorMetrics {
    /// Fresh metrics in their own registry.
    pub fn new() -> ValidatorMetrics {
        let mut registry = Registry::with_prefix("cortex_validator");
        let rounds = Counter::default();
        let answers_ok = Counter::default();
        let answers_failed = Counter::default();
        let submissions = Family::<SubmitLabels, Counter>::default();
        let weights_age_blocks = Gauge::default();
        let weights_stale = Gauge::default();
        let block = Gauge::default();
        registry.register("rounds", "Query rounds run", rounds.clone());
        registry.register(
            "answers_scored",
            "Miner answers received and scored",
            answers_ok.clone(),
        );
        registry.register(
            "answers_failed",
            "Miner queries without a usable answer (scored 0)",
            answers_failed.clone(),
        );
        registry.register(
            "weight_submissions",
            "Weight extrinsics submitted, by kind and result",
            submissions.clone(),
        );
        registry.register(
            "weights_age_blocks",
            "Blocks since this validator's weights last landed on chain",
            weights_age_blocks.clone(),
        );
        registry.register(
            "weights_stale",
            "1 while the weights are older than the validator's limit",
            weights_stale.clone(),
        );
        registry.register("block", "The last block the validator saw", block.clone());
        ValidatorMetrics {
            registry: Arc::new(registry),
            rounds,
            answers_ok,
            answers_failed,
            submissions,
            weights_age_blocks,
            weights_stale,
            block,
        }
    }

    /// Counts one submission.
    pub fn submitted(&self, kind: &str, ok: bool) {
        self.submissions
            .get_or_create(&SubmitLabels {
                kind: kind.to_string(),
                result: if ok { "ok" } else { "error" }.to_string(),
            })
            .inc();
    }

    /// The OpenMetrics text.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }

    /// Serves `GET /metrics` on `listener` until `shutdown` resolves.
    pub async fn serve(
        self,
        listener: tokio::net::TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let app = Router::new()
            .route("/metrics", get(metrics))
            .with_state(self);
        axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await
    }
}

async fn metrics(State(m): State<ValidatorMetrics>) -> Response {
    let mut resp = m.encode().into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
    );
    resp
}
