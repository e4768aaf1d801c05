//! Weights as validators send them: scaled to u16, and commit-reveal's salt and timing.
//!
//! The chain stores weights as u16s per uid and normalises them itself, so the scale is free;
//! bittensor sends them scaled so that the largest is 65535, which keeps the most precision, and
//! so does everything here. Commit-reveal needs a salt nobody else can predict (a copier who
//! could guess it would recover the weights from the public hash): it is derived from the
//! hotkey's own signature over what is committed, so no random source and no stored secret is
//! needed. The reveal must land in the subnet's epoch `commit epoch + reveal period`.

use cortex_primitives::codec::Encode;
use cortex_primitives::{AccountId32, NetUid, Sr25519Pair};

use crate::chain::Client;
use crate::error::ClientError;
use crate::keys;

/// Scales `values` so that the largest is 65535, rounding to nearest. `None` when a value is
/// negative or not finite, or when every value is 0 (the chain would refuse all-zero weights).
pub fn scale_to_u16(values: &[f64]) -> Option<Vec<u16>> {
    if values.iter().any(|w| !w.is_finite() || *w < 0.0) {
        return None;
    }
    let max = values.iter().copied().fold(0.0f64, f64::max);
    if max <= 0.0 {
        return None;
    }
    // In range by construction: 0 ≤ w/max ≤ 1.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    Some(
        values
            .iter()
            .map(|w| (w / max * 65_535.0).round() as u16)
            .collect(),
    )
}

/// The salt of a commit: eight u16s from `signer`'s signature over the netuid, the block the
/// weights were computed at, the uids and the values.
pub fn commit_salt(
    signer: &Sr25519Pair,
    netuid: u16,
    block: u64,
    uids: &[u16],
    values: &[u16],
) -> Vec<u16> {
    let message = (b"cortex weights salt", netuid, block, uids, values).encode();
    let signature = signer.sign(&message);
    signature
        .chunks_exact(2)
        .take(8)
        .map(|c| {
            u16::from_le_bytes([
                c.first().copied().unwrap_or(0),
                c.get(1).copied().unwrap_or(0),
            ])
        })
        .collect()
}

impl Client {
    /// The epoch in which the commit `hash` of `hotkey` must be revealed: its commit epoch plus
    /// `period` (`WeightCommits` holds `(hash, commit epoch, commit block, _)`). `None` when the
    /// chain holds no such commit (not yet included, already revealed, or expired).
    pub async fn reveal_epoch(
        &self,
        netuid: NetUid,
        hotkey: &AccountId32,
        hash: &[u8; 32],
        period: u64,
    ) -> Result<Option<u64>, ClientError> {
        let commits = self.weight_commits(netuid, hotkey).await?;
        Ok(commits
            .iter()
            .find(|c| &c.0 == hash)
            .map(|c| c.1.saturating_add(period)))
    }

    /// The subnet epoch a transaction in the block after the best would be judged in, and the
    /// best block's number: the subnet's epoch index, plus one if an epoch runs at the start of
    /// that block.
    pub async fn next_block_epoch(&self, netuid: NetUid) -> Result<(u64, u32), ClientError> {
        let best = self.best_hash().await?;
        let number = self.header(Some(best)).await?.number;
        let index: u64 = self
            .storage_decoded(
                "SubtensorModule.SubnetEpochIndex",
                &keys::subnet_epoch_index(netuid),
                Some(best),
            )
            .await?
            .unwrap_or(0);
        let next_epoch: Option<u64> = self
            .state_call(
                "SubnetInfoRuntimeApi_get_next_epoch_start_block",
                &netuid.0.encode(),
                Some(best),
            )
            .await?;
        let due = next_epoch.is_some_and(|b| b <= u64::from(number).saturating_add(1));
        Ok((index.saturating_add(u64::from(due)), number))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_scale_to_the_largest() {
        assert_eq!(scale_to_u16(&[0.75, 0.25]), Some(vec![65_535, 21_845]));
        assert_eq!(scale_to_u16(&[3.0]), Some(vec![65_535]));
        assert_eq!(scale_to_u16(&[0.0, 0.0]), None);
        assert_eq!(scale_to_u16(&[1.0, -1.0]), None);
        assert_eq!(scale_to_u16(&[f64::NAN]), None);
    }

    #[test]
    fn the_salt_is_the_signers_and_follows_the_weights() {
        let a = Sr25519Pair::from_uri("//Alice").unwrap();
        let b = Sr25519Pair::from_uri("//Bob").unwrap();
        let s1 = commit_salt(&a, 1, 10, &[1, 2], &[65_535, 1]);
        assert_eq!(s1.len(), 8);
        assert_ne!(s1, commit_salt(&b, 1, 10, &[1, 2], &[65_535, 1]));
        assert_ne!(s1, commit_salt(&a, 1, 10, &[1, 2], &[65_535, 2]));
    }
}
