//! The metagraph as subnet code needs it, cached and re-synced once a block.
//!
//! Miners and validators read the metagraph all the time (who is registered, where each axon
//! listens, who holds stake, when this hotkey last set weights). Asking the chain each time
//! would cost a runtime call per question; instead [`MetagraphCache::sync`] fetches the
//! subnet's metagraph once (one `state_call`), turns it into a [`MetagraphView`] and swaps it in
//! whole, so readers always see one block's consistent picture. The miners' and validators'
//! loops call it on every finalized block. The cache also keeps the axon's
//! [`StakeSnapshot`] (hotkey → stake) current, so the axon's blacklist and priority follow the
//! chain without the axon ever talking to it.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::{Arc, RwLock};

use cortex_axon::{AxonTarget, StakeSnapshot};
use cortex_client::types::{AxonInfo, Metagraph};
use cortex_client::{AccountId32, Client, NetUid};
use cortex_primitives::BITTENSOR_SS58_PREFIX;

use crate::SubnetError;

/// One uid of the subnet.
#[derive(Clone, Debug, PartialEq)]
pub struct Neuron {
    /// Its uid.
    pub uid: u16,
    /// Its hotkey.
    pub hotkey: AccountId32,
    /// Its owner's coldkey.
    pub coldkey: AccountId32,
    /// Where its axon listens, if it served one.
    pub axon: Option<AxonTarget>,
    /// Its stake weight (alpha plus weighted root TAO), rao.
    pub total_stake: u64,
    /// Whether it may set weights on others.
    pub validator_permit: bool,
    /// Incentive as a u16 proportion (65535 = all of it).
    pub incentive: u16,
    /// Dividends as a u16 proportion.
    pub dividends: u16,
    /// Last epoch's alpha emission, rao.
    pub emission: u64,
    /// The block it last set weights in (0: never).
    pub last_update: u64,
    /// The block it registered in.
    pub registered_at: u64,
}

/// The subnet at one block.
#[derive(Clone, Debug, PartialEq)]
pub struct MetagraphView {
    /// The subnet.
    pub netuid: NetUid,
    /// The block the view was read at.
    pub block: u64,
    /// Blocks per epoch.
    pub tempo: u16,
    /// Blocks since the last epoch.
    pub blocks_since_last_step: u64,
    /// Whether weights go through commit-reveal.
    pub commit_reveal: bool,
    /// Epochs between a commit and its reveal.
    pub reveal_period: u64,
    /// Blocks between two weight settings of one uid.
    pub weights_rate_limit: u64,
    /// The weights version key the chain expects.
    pub weights_version: u64,
    /// Every uid, in uid order.
    pub neurons: Vec<Neuron>,
}

/// An axon's address from the chain's `AxonInfo`; `None` when it never served (ip 0).
pub fn axon_address(info: &AxonInfo) -> Option<IpAddr> {
    if info.ip == 0 || info.port == 0 {
        return None;
    }
    match info.ip_type {
        4 => u32::try_from(info.ip)
            .ok()
            .map(|v| IpAddr::V4(Ipv4Addr::from(v))),
        6 => Some(IpAddr::V6(Ipv6Addr::from(info.ip))),
        _ => None,
    }
}

/// The chain's `(ip, ip_type)` encoding of an address.
pub fn ip_bits(ip: IpAddr) -> (u128, u8) {
    match ip {
        IpAddr::V4(v4) => (u128::from(u32::from(v4)), 4),
        IpAddr::V6(v6) => (u128::from(v6), 6),
    }
}

fn at<T: Copy + Default>(values: &[T], i: usize) -> T {
    values.get(i).copied().unwrap_or_default()
}

impl MetagraphView {
    /// The view of the runtime API's metagraph.
    pub fn from_chain(m: &Metagraph) -> MetagraphView {
        let neurons = m
            .hotkeys
            .iter()
            .enumerate()
            .map(|(i, hotkey)| {
                let axon = m.axons.get(i).and_then(|a| {
                    axon_address(a).map(|ip| AxonTarget {
                        ip: ip.to_string(),
                        port: a.port,
                        hotkey: hotkey.to_ss58(BITTENSOR_SS58_PREFIX),
                    })
                });
                Neuron {
                    uid: u16::try_from(i).unwrap_or(u16::MAX),
                    hotkey: *hotkey,
                    coldkey: m.coldkeys.get(i).copied().unwrap_or(*hotkey),
                    axon,
                    total_stake: m.total_stake.get(i).map(|c| c.0).unwrap_or(0),
                    validator_permit: at(&m.validator_permit, i),
                    incentive: m.incentives.get(i).map(|c| c.0).unwrap_or(0),
                    dividends: m.dividends.get(i).map(|c| c.0).unwrap_or(0),
                    emission: m.emission.get(i).map(|c| c.0).unwrap_or(0),
                    last_update: m.last_update.get(i).map(|c| c.0).unwrap_or(0),
                    registered_at: m.block_at_registration.get(i).map(|c| c.0).unwrap_or(0),
                }
            })
            .collect();
        MetagraphView {
            netuid: NetUid(m.netuid),
            block: m.block,
            tempo: m.tempo,
            blocks_since_last_step: m.blocks_since_last_step,
            commit_reveal: m.commit_reveal_weights_enabled,
            reveal_period: m.commit_reveal_period,
            weights_rate_limit: m.weights_rate_limit,
            weights_version: m.weights_version,
            neurons,
        }
    }

    /// The uid of `hotkey`, if it is registered.
    pub fn uid_of(&self, hotkey: &AccountId32) -> Option<u16> {
        self.neurons
            .iter()
            .find(|n| &n.hotkey == hotkey)
            .map(|n| n.uid)
    }

    /// The neuron of `uid`.
    pub fn neuron(&self, uid: u16) -> Option<&Neuron> {
        self.neurons.get(usize::from(uid))
    }
}

/// The cached metagraph of one subnet.
#[derive(Clone, Debug)]
pub struct MetagraphCache {
    netuid: NetUid,
    view: Arc<RwLock<Arc<MetagraphView>>>,
    stakes: StakeSnapshot,
}

impl MetagraphCache {
    /// Reads the subnet's metagraph a first time; an error if the subnet does not exist.
    pub async fn load(client: &Client, netuid: NetUid) -> Result<MetagraphCache, SubnetError> {
        let view = fetch(client, netuid).await?;
        let cache = MetagraphCache {
            netuid,
            view: Arc::new(RwLock::new(Arc::new(view.clone()))),
            stakes: StakeSnapshot::default(),
        };
        cache.install(view);
        Ok(cache)
    }

    /// The subnet.
    pub fn netuid(&self) -> NetUid {
        self.netuid
    }

    /// The latest view (a cheap clone of an `Arc`).
    pub fn current(&self) -> Arc<MetagraphView> {
        match self.view.read() {
            Ok(v) => v.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// The hotkey → stake map the axon's blacklist and priority read, kept current by
    /// [`MetagraphCache::sync`].
    pub fn stake_snapshot(&self) -> StakeSnapshot {
        self.stakes.clone()
    }

    /// Re-reads the metagraph from the chain's best block and swaps it in.
    pub async fn sync(&self, client: &Client) -> Result<Arc<MetagraphView>, SubnetError> {
        let view = fetch(client, self.netuid).await?;
        Ok(self.install(view))
    }

    /// A follower that re-syncs after every finalized block (see [`Follower::next`]).
    pub fn follow<'a>(&'a self, client: &'a Client, role: &'static str) -> Follower<'a> {
        Follower {
            cache: self,
            client,
            heads: client.finalized_heads(),
            role,
        }
    }

    fn install(&self, view: MetagraphView) -> Arc<MetagraphView> {
        let stakes = view
            .neurons
            .iter()
            .map(|n| (n.hotkey, n.total_stake))
            .collect();
        match self.stakes.write() {
            Ok(mut s) => *s = stakes,
            Err(poisoned) => *poisoned.into_inner() = stakes,
        }
        let view = Arc::new(view);
        match self.view.write() {
            Ok(mut v) => *v = view.clone(),
            Err(poisoned) => *poisoned.into_inner() = view.clone(),
        }
        view
    }
}

/// Follows the chain for a [`MetagraphCache`].
pub struct Follower<'a> {
    cache: &'a MetagraphCache,
    client: &'a Client,
    heads: cortex_client::FinalizedHeads<'a>,
    role: &'static str,
}

impl Follower<'_> {
    /// The view after the next finalized block. A failed head stream is resubscribed and a
    /// failed read skipped (both logged as the role's), so a node restart costs the blocks it
    /// was down and nothing else. Cancelling it loses nothing but the block in progress.
    pub async fn next(&mut self) -> Arc<MetagraphView> {
        loop {
            if let Err(e) = self.heads.next().await {
                tracing::warn!(error = %e, "{}: the finalized-head stream failed; resubscribing", self.role);
                tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                self.heads = self.client.finalized_heads();
                continue;
            }
            match self.cache.sync(self.client).await {
                Ok(view) => return view,
                Err(e) => tracing::warn!(
                    error = %e,
                    "{}: cannot re-sync the metagraph; keeping the last one",
                    self.role
                ),
            }
        }
    }
}

async fn fetch(client: &Client, netuid: NetUid) -> Result<MetagraphView, SubnetError> {
    let m = client
        .metagraph(netuid)
        .await?
        .ok_or_else(|| SubnetError::Client(cortex_client::query::subnet_missing(netuid)))?;
    Ok(MetagraphView::from_chain(&m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axon_addresses_follow_the_chain_encoding() {
        let mut info = AxonInfo {
            ip: u128::from(u32::from(Ipv4Addr::new(127, 0, 0, 1))),
            port: 8091,
            ip_type: 4,
            ..AxonInfo::default()
        };
        assert_eq!(axon_address(&info), Some("127.0.0.1".parse().unwrap()));
        assert_eq!(ip_bits("127.0.0.1".parse().unwrap()), (info.ip, 4));
        info.port = 0;
        assert_eq!(axon_address(&info), None);
        info.port = 1;
        info.ip = 0;
        assert_eq!(axon_address(&info), None);
        let v6: IpAddr = "2001:db8::1".parse().unwrap();
        let (bits, t) = ip_bits(v6);
        info.ip = bits;
        info.ip_type = t;
        assert_eq!(axon_address(&info), Some(v6));
    }
}
