//! The axon's Prometheus metrics, served at `GET /metrics` in the text exposition format:
//! requests by synapse and status code, and a latency histogram by synapse.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

/// Labels of the request counter.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    /// The synapse name of the path (`unknown` paths keep their name, cut to 64 bytes).
    pub synapse: String,
    /// The status code answered.
    pub status: u16,
}

/// Labels of the latency histogram.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct SynapseLabels {
    /// The synapse name.
    pub synapse: String,
}

/// The axon's metrics and their registry.
pub struct AxonMetrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<SynapseLabels, Histogram>,
}

impl AxonMetrics {
    /// Registers `axon_requests` and `axon_request_duration_seconds`.
    pub fn new() -> Self {
        let mut registry = Registry::default();
        let requests = Family::<RequestLabels, Counter>::default();
        // 0.5 ms .. ~16 s: from a cached answer to a model that runs near the 12 s default timeout.
        let latency = Family::<SynapseLabels, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.0005, 2.0, 16))
        });
        registry.register(
            "axon_requests",
            "Synapse requests answered, by synapse and status code",
            requests.clone(),
        );
        registry.register(
            "axon_request_duration_seconds",
            "Time from request arrival to answer, by synapse",
            latency.clone(),
        );
        AxonMetrics {
            registry,
            requests,
            latency,
        }
    }

    /// Records one answered request.
    pub fn observe(&self, synapse: &str, status: u16, seconds: f64) {
        let synapse: String = synapse.chars().take(64).collect();
        self.requests
            .get_or_create(&RequestLabels {
                synapse: synapse.clone(),
                status,
            })
            .inc();
        self.latency
            .get_or_create(&SynapseLabels { synapse })
            .observe(seconds);
    }

    /// The text exposition of all metrics.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        if prometheus_client::encoding::text::encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }
}

impl Default for AxonMetrics {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn observed_requests_appear_in_the_exposition() {
        let m = AxonMetrics::new();
        m.observe("Predict", 200, 0.01);
        m.observe("Predict", 403, 0.001);
        let text = m.encode();
        assert!(
            text.contains("axon_requests_total{synapse=\"Predict\",status=\"200\"} 1"),
            "{text}"
        );
        assert!(
            text.contains("axon_request_duration_seconds_count{synapse=\"Predict\"} 2"),
            "{text}"
        );
    }
}
