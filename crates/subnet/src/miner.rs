//! The miner side: a [`Miner`] answers one synapse; [`run_miner`] puts it on the network.
//!
//! [`run_miner`] checks that the hotkey holds a uid, serves the axon on the given listener,
//! announces its address on chain (`serve_axon`, only when the chain's record differs, since
//! the chain rate-limits it), and re-syncs the metagraph once a block so that the axon's
//! blacklist admits exactly the hotkeys registered on the subnet with the minimum stake, and its
//! priority follows their stake.

use std::future::Future;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use cortex_axon::{Axon, AxonConfig, ForwardError, Synapse, SynapseBody};
use cortex_client::types::{RuntimeCall, SubtensorCall};
use cortex_client::{Client, NetUid, Sr25519Pair, TxOptions};

use crate::SubnetError;
use crate::metagraph::{MetagraphCache, ip_bits};

/// A subnet's miner: what it answers.
pub trait Miner: Send + Sync + 'static {
    /// The synapse it serves.
    type Synapse: SynapseBody + Clone;

    /// Answers one request (the synapse's body filled in), or fails it.
    fn forward(
        &self,
        request: Synapse<Self::Synapse>,
    ) -> impl Future<Output = Result<Self::Synapse, ForwardError>> + Send;
}

/// How a miner runs.
#[derive(Clone, Debug)]
pub struct MinerConfig {
    /// The subnet.
    pub netuid: NetUid,
    /// The address announced on chain (what validators dial).
    pub external_ip: IpAddr,
    /// The port announced; `None`: the listener's own.
    pub external_port: Option<u16>,
    /// The axon's limits; `min_stake_rao` is the blacklist's minimum stake.
    pub axon: AxonConfig,
    /// How the `serve_axon` extrinsic is signed and awaited.
    pub tx: TxOptions,
}

impl MinerConfig {
    /// Defaults for `netuid`, announcing `external_ip`.
    pub fn new(netuid: NetUid, external_ip: IpAddr) -> MinerConfig {
        MinerConfig {
            netuid,
            external_ip,
            external_port: None,
            axon: AxonConfig::default(),
            tx: TxOptions {
                timeout: Duration::from_secs(30),
                ..TxOptions::default()
            },
        }
    }
}

/// Serves `miner` with `hotkey` on `listener` until `shutdown` resolves.
///
/// Fails before serving if the subnet does not exist, the hotkey has no uid on it, or the
/// address cannot be announced; once serving, chain errors are logged and retried.
pub async fn run_miner<M: Miner>(
    miner: Arc<M>,
    client: Arc<Client>,
    hotkey: Sr25519Pair,
    listener: tokio::net::TcpListener,
    config: MinerConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), SubnetError> {
    let netuid = config.netuid;
    let cache = MetagraphCache::load(&client, netuid).await?;
    let me = hotkey.public();
    let view = cache.current();
    let Some(uid) = view.uid_of(&me) else {
        return Err(SubnetError::NotRegistered {
            hotkey: me.to_ss58(42),
            netuid: netuid.0,
        });
    };
    let port = config
        .external_port
        .unwrap_or(listener.local_addr().map(|a| a.port()).unwrap_or(0));
    let served = view
        .neuron(uid)
        .and_then(|n| n.axon.as_ref())
        .map(|a| (a.ip.clone(), a.port));
    if served != Some((config.external_ip.to_string(), port)) {
        let (ip, ip_type) = ip_bits(config.external_ip);
        let call = RuntimeCall::SubtensorModule(SubtensorCall::serve_axon {
            netuid,
            version: 0,
            ip,
            port,
            ip_type,
            protocol: 4,
            placeholder1: 0,
            placeholder2: 0,
        });
        client
            .submit_and_watch(call, &hotkey, &config.tx)
            .await
            .map_err(|e| SubnetError::Serve {
                address: format!("{}:{port}", config.external_ip),
                source: e,
            })?;
        tracing::info!(uid, netuid = netuid.0, ip = %config.external_ip, port, "miner: axon announced on chain");
    }

    let handler_miner = miner.clone();
    let axon = Axon::new(hotkey, cache.stake_snapshot())
        .config(config.axon.clone())
        .attach(move |s: Synapse<M::Synapse>| {
            let m = handler_miner.clone();
            async move { m.forward(s).await }
        });
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        axon.serve(listener, async {
            let _ = stop_rx.await;
        })
        .await
    });

    // The blacklist reads the stake snapshot the cache refreshes; nothing else to do a block.
    let mut follower = cache.follow(&client, "miner");
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            _ = follower.next() => {}
        }
    }
    let _ = stop_tx.send(());
    match server.await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(SubnetError::Io(e)),
        Err(e) => Err(SubnetError::Io(std::io::Error::other(e.to_string()))),
    }
}
