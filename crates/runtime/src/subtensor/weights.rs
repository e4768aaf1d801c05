//! Weights: `set_weights` with every check of subtensor, and hash commit-reveal
//! (`commit_weights`, `reveal_weights`). Source: `spec/economy.md` §6.1–§6.2.
//!
//! A validator's weights are stored max-upscaled (its largest weight becomes 65535) in the order
//! it sent them. With commit-reveal on (subtensor's default for new subnets), weights must be
//! committed as a hash first and revealed in the epoch `RevealPeriodEpochs` later, so that
//! copiers only ever see stale weights.

use super::Ctx;
use super::errors::Error;
use super::events::Event;
use super::schedule::{current_epoch_with_lookahead, epoch_index};
use super::storage::{
    CommitRevealWeightsEnabled, LastUpdate, MechanismCountCurrent, MinAllowedWeights,
    NetworksAdded, RevealPeriodEpochs, StakeThreshold, SubnetOwnerHotkey, SubnetworkN, TaoWeight,
    TotalHotkeyAlpha, Uids, ValidatorPermit, WeightCommits, Weights, WeightsSetRateLimit,
    WeightsVersionKey, mechanism_index,
};
use crate::storage::Storage;
use codec::{Compact, Encode};
use cortex_primitives::hashing::blake2_256;
use cortex_primitives::{AccountId32, NetUid};
use cortex_yuma::max_upscale_u16;

/// Most unrevealed commits a hotkey may hold per mechanism.
pub const MAX_PENDING_COMMITS: usize = 10;

/// A pending commit: its hash, the epoch it was made in, its block and its reveal round (0: a
/// hash commit).
type Commit = ([u8; 32], u64, u64, u64);

/// Whether a commit made in `commit_epoch` can no longer be revealed in `epoch`: its reveal epoch
/// (`commit_epoch + RevealPeriodEpochs`) has passed.
fn is_expired(s: &Storage, netuid: NetUid, commit_epoch: u64, epoch: u64) -> bool {
    epoch > commit_epoch.saturating_add(RevealPeriodEpochs::get(s, &netuid))
}

/// Whether a commit made in `commit_epoch` can no longer be revealed, judged in the block's epoch
/// ([`epoch_index`], with or without the epoch due in this block).
pub fn is_commit_expired(s: &Storage, netuid: NetUid, commit_epoch: u64, epoch_due: bool) -> bool {
    is_expired(s, netuid, commit_epoch, epoch_index(s, netuid, epoch_due))
}

/// Drops the commits that can no longer be revealed in `epoch` (commits are kept oldest first,
/// so they are the leading ones) and returns their hashes.
fn drain_expired(
    s: &Storage,
    netuid: NetUid,
    commits: &mut Vec<Commit>,
    epoch: u64,
) -> Vec<[u8; 32]> {
    let keep_from = commits
        .iter()
        .position(|(_, e, _, _)| !is_expired(s, netuid, *e, epoch))
        .unwrap_or(commits.len());
    commits.drain(..keep_from).map(|(h, _, _, _)| h).collect()
}

/// What a reveal in this block may match: `hotkey`'s live commits on `netuid` (oldest first),
/// the hashes of its commits that expired, the block's epoch and the reveal period.
struct Pending {
    commits: Vec<Commit>,
    expired: Vec<[u8; 32]>,
    epoch: u64,
    period: u64,
}

/// [`Pending`] for a reveal by `hotkey`: commit-reveal must be on and a commit stored.
fn pending_commits(cx: &Ctx<'_>, hotkey: &AccountId32, netuid: NetUid) -> Result<Pending, Error> {
    if !CommitRevealWeightsEnabled::get(cx.s, &netuid) {
        return Err(Error::CommitRevealDisabled);
    }
    let index = mechanism_index(netuid, 0);
    let mut commits =
        WeightCommits::try_get(cx.s, &index, hotkey).ok_or(Error::NoWeightsCommitFound)?;
    let epoch = current_epoch_with_lookahead(cx.s, netuid, cx.block);
    let expired = drain_expired(cx.s, netuid, &mut commits, epoch);
    Ok(Pending {
        commits,
        expired,
        epoch,
        period: RevealPeriodEpochs::get(cx.s, &netuid),
    })
}

/// The hash `commit_weights` expects: BLAKE2b-256 of SCALE
/// `(hotkey, netuid_index, uids, values, salt, version_key)`.
pub fn commit_hash(
    hotkey: &AccountId32,
    netuid_index: u16,
    uids: &[u16],
    values: &[u16],
    salt: &[u16],
    version_key: u64,
) -> [u8; 32] {
    blake2_256(&(hotkey, netuid_index, uids, values, salt, version_key).encode())
}

/// Whether `uid` may set weights at `block`: never set (0), or `WeightsSetRateLimit` blocks
/// since its last update.
fn passes_rate_limit(s: &Storage, netuid: NetUid, index: u16, uid: u16, block: u64) -> bool {
    let last = LastUpdate::get(s, &index)
        .get(usize::from(uid))
        .copied()
        .unwrap_or(0);
    last == 0 || block.saturating_sub(last) >= WeightsSetRateLimit::get(s, &netuid)
}

fn set_last_update(s: &mut Storage, index: u16, uid: u16, block: u64) {
    let mut last = LastUpdate::get(s, &index);
    if let Some(cell) = last.get_mut(usize::from(uid)) {
        *cell = block;
        LastUpdate::insert(s, &index, &last);
    }
}

/// `set_weights(netuid, dests, weights, version_key)` signed by `hotkey` at `block`
/// (mechanism 0). With `from_reveal`, the commit-reveal and rate-limit checks are skipped, as
/// for weights applied by `reveal_weights`. (The argument list mirrors the call's.)
pub fn set_weights(
    cx: &mut Ctx<'_>,
    hotkey: &AccountId32,
    netuid: NetUid,
    uids: &[u16],
    values: &[u16],
    version_key: u64,
    from_reveal: bool,
) -> Result<(), Error> {
    let index = mechanism_index(netuid, 0);
    let commit_reveal = CommitRevealWeightsEnabled::get(cx.s, &netuid);
    if commit_reveal && !from_reveal {
        return Err(Error::CommitRevealEnabled);
    }
    if netuid.is_root() {
        return Err(Error::CanNotSetRootNetworkWeights);
    }
    if uids.len() != values.len() {
        return Err(Error::WeightVecNotEqualSize);
    }
    if !NetworksAdded::get(cx.s, &netuid) {
        return Err(Error::MechanismDoesNotExist);
    }
    let n = SubnetworkN::get(cx.s, &netuid);
    if uids.len() > usize::from(n) {
        return Err(Error::UidsLengthExceedUidsInSubNet);
    }
    let uid = Uids::try_get(cx.s, &netuid, hotkey).ok_or(Error::HotKeyNotRegisteredInSubNet)?;
    let is_owner = SubnetOwnerHotkey::try_get(cx.s, &netuid) == Some(*hotkey);
    if !is_owner {
        let alpha = TotalHotkeyAlpha::get(cx.s, hotkey, &netuid);
        let tao = TotalHotkeyAlpha::get(cx.s, hotkey, &NetUid::ROOT);
        let stake =
            cortex_yuma::total_stake(alpha, tao, TaoWeight::get(cx.s)).saturating_to_num::<u64>();
        if stake < StakeThreshold::get(cx.s) {
            return Err(Error::NotEnoughStakeToSetWeights);
        }
    }
    let required = WeightsVersionKey::get(cx.s, &netuid);
    if required != 0 && version_key < required {
        return Err(Error::IncorrectWeightVersionKey);
    }
    if !commit_reveal && !passes_rate_limit(cx.s, netuid, index, uid, cx.block) {
        return Err(Error::SettingWeightsTooFast);
    }
    let self_weight = uids.len() == 1 && uids.first() == Some(&uid);
    let permitted = ValidatorPermit::get(cx.s, &netuid)
        .get(usize::from(uid))
        .copied()
        .unwrap_or(false);
    if !self_weight && !is_owner && !permitted {
        return Err(Error::NeuronNoValidatorPermit);
    }
    let mut seen = std::collections::BTreeSet::new();
    if !uids.iter().all(|u| seen.insert(*u)) {
        return Err(Error::DuplicateUids);
    }
    if uids.iter().any(|u| *u >= n) {
        return Err(Error::UidVecContainInvalidOne);
    }
    let min = MinAllowedWeights::get(cx.s, &netuid).min(n);
    if !self_weight && uids.len() < usize::from(min) {
        return Err(Error::WeightVecLengthIsLow);
    }
    let row: Vec<(u16, u16)> = uids.iter().copied().zip(max_upscale_u16(values)).collect();
    Weights::insert(cx.s, &index, &uid, &row);
    if !commit_reveal {
        set_last_update(cx.s, index, uid, cx.block);
    }
    cx.events.push(Event::WeightsSet(index, uid));
    Ok(())
}

/// `commit_weights(netuid, hash)` signed by `hotkey` at `block` (mechanism 0).
pub fn commit_weights(
    cx: &mut Ctx<'_>,
    hotkey: &AccountId32,
    netuid: NetUid,
    hash: [u8; 32],
) -> Result<(), Error> {
    if !NetworksAdded::get(cx.s, &netuid) {
        return Err(Error::MechanismDoesNotExist);
    }
    let index = mechanism_index(netuid, 0);
    if !CommitRevealWeightsEnabled::get(cx.s, &netuid) {
        return Err(Error::CommitRevealDisabled);
    }
    let uid = Uids::try_get(cx.s, &netuid, hotkey).ok_or(Error::HotKeyNotRegisteredInSubNet)?;
    if !passes_rate_limit(cx.s, netuid, index, uid, cx.block) {
        return Err(Error::CommittingWeightsTooFast);
    }
    let epoch = current_epoch_with_lookahead(cx.s, netuid, cx.block);
    let mut commits = WeightCommits::try_get(cx.s, &index, hotkey).unwrap_or_default();
    drain_expired(cx.s, netuid, &mut commits, epoch);
    if commits.len() >= MAX_PENDING_COMMITS {
        return Err(Error::TooManyUnrevealedCommits);
    }
    commits.push((hash, epoch, cx.block, 0));
    WeightCommits::insert(cx.s, &index, hotkey, &commits);
    cx.events
        .push(Event::WeightsCommitted(*hotkey, index, hash));
    set_last_update(cx.s, index, uid, cx.block);
    Ok(())
}

/// `reveal_weights(netuid, uids, values, salt, version_key)` signed by `hotkey` at `block`:
/// the commit must be pending and the current epoch exactly its reveal epoch; then it and every
/// older commit are removed and the weights applied through [`set_weights`].
pub fn reveal_weights(
    cx: &mut Ctx<'_>,
    hotkey: &AccountId32,
    netuid: NetUid,
    uids: &[u16],
    values: &[u16],
    salt: &[u16],
    version_key: u64,
) -> Result<(), Error> {
    let index = mechanism_index(netuid, 0);
    let Pending {
        mut commits,
        expired,
        epoch,
        period,
    } = pending_commits(cx, hotkey, netuid)?;
    let hash = commit_hash(hotkey, index, uids, values, salt, version_key);
    let Some(position) = commits.iter().position(|(h, _, _, _)| *h == hash) else {
        return Err(if expired.contains(&hash) {
            Error::ExpiredWeightCommit
        } else if commits.is_empty() {
            Error::NoWeightsCommitFound
        } else {
            Error::InvalidRevealCommitHashNotMatch
        });
    };
    let commit_epoch = commits.get(position).map_or(0, |(_, e, _, _)| *e);
    if epoch != commit_epoch.saturating_add(period) {
        return Err(Error::RevealTooEarly);
    }
    commits.drain(..=position);
    if commits.is_empty() {
        WeightCommits::remove(cx.s, &index, hotkey);
    } else {
        WeightCommits::insert(cx.s, &index, hotkey, &commits);
    }
    set_weights(cx, hotkey, netuid, uids, values, version_key, true)?;
    cx.events.push(Event::WeightsRevealed(*hotkey, index, hash));
    Ok(())
}

/// Refuses mechanisms other than 0: Cortex runs one mechanism per subnet
/// (`MechanismDoesNotExist`, as subtensor answers for a mechanism beyond the subnet's count).
pub fn ensure_mechanism(s: &Storage, netuid: NetUid, mecid: u8) -> Result<(), Error> {
    if !NetworksAdded::get(s, &netuid)
        || mecid >= MechanismCountCurrent::get(s, &netuid)
        || mecid != 0
    {
        return Err(Error::MechanismDoesNotExist);
    }
    Ok(())
}

/// `batch_set_weights(netuids, weights, version_keys)`: `set_weights` on each subnet. A failing
/// item changes nothing and is reported (`BatchCompletedWithErrors` once, then
/// `BatchWeightItemFailed` per failure); the batch itself succeeds.
pub fn batch_set_weights(
    cx: &mut Ctx<'_>,
    hotkey: &AccountId32,
    netuids: &[Compact<u16>],
    weights: &[Vec<(Compact<u16>, Compact<u16>)>],
    version_keys: &[Compact<u64>],
) -> Result<(), Error> {
    if netuids.len() != weights.len() || netuids.len() != version_keys.len() {
        return Err(Error::InputLengthsUnequal);
    }
    let mut failures = Vec::new();
    for ((netuid, w), version_key) in netuids.iter().zip(weights).zip(version_keys) {
        let netuid = NetUid(netuid.0);
        let uids: Vec<u16> = w.iter().map(|(u, _)| u.0).collect();
        let values: Vec<u16> = w.iter().map(|(_, v)| v.0).collect();
        let mut item_events = Vec::new();
        let block = cx.block;
        let result = cx.s.transactional(|s| {
            if CommitRevealWeightsEnabled::get(s, &netuid) {
                return Err(Error::CommitRevealEnabled);
            }
            let cx = &mut Ctx::new(s, block, None, &mut item_events);
            set_weights(cx, hotkey, netuid, &uids, &values, version_key.0, false)
        });
        match result {
            Ok(()) => cx.events.append(&mut item_events),
            Err(e) => failures.push((netuid, e)),
        }
    }
    report_batch(hotkey, netuids, failures, cx.events);
    Ok(())
}

/// `batch_commit_weights(netuids, commit_hashes)`: `commit_weights` on each subnet, failures
/// reported as in [`batch_set_weights`].
pub fn batch_commit_weights(
    cx: &mut Ctx<'_>,
    hotkey: &AccountId32,
    netuids: &[Compact<u16>],
    hashes: &[[u8; 32]],
) -> Result<(), Error> {
    if netuids.len() != hashes.len() {
        return Err(Error::InputLengthsUnequal);
    }
    let mut failures = Vec::new();
    for (netuid, hash) in netuids.iter().zip(hashes) {
        let netuid = NetUid(netuid.0);
        let mut item_events = Vec::new();
        let block = cx.block;
        match cx.s.transactional(|s| {
            commit_weights(
                &mut Ctx::new(s, block, None, &mut item_events),
                hotkey,
                netuid,
                *hash,
            )
        }) {
            Ok(()) => cx.events.append(&mut item_events),
            Err(e) => failures.push((netuid, e)),
        }
    }
    report_batch(hotkey, netuids, failures, cx.events);
    Ok(())
}

fn report_batch(
    hotkey: &AccountId32,
    netuids: &[Compact<u16>],
    failures: Vec<(NetUid, Error)>,
    events: &mut Vec<Event>,
) {
    if !failures.is_empty() {
        events.push(Event::BatchCompletedWithErrors());
    }
    for (netuid, e) in failures {
        events.push(Event::BatchWeightItemFailed(netuid, e.into()));
    }
    events.push(Event::BatchWeightsCompleted(netuids.to_vec(), *hotkey));
}

/// `batch_reveal_weights(netuid, uids_list, values_list, salts_list, version_keys)`: reveals
/// several commits at once. Expired commits are dropped first; every reveal must match a live
/// commit in its reveal epoch, else nothing is applied; each matched commit alone is removed.
pub fn batch_reveal_weights(
    cx: &mut Ctx<'_>,
    hotkey: &AccountId32,
    netuid: NetUid,
    uids_list: &[Vec<u16>],
    values_list: &[Vec<u16>],
    salts_list: &[Vec<u16>],
    version_keys: &[u64],
) -> Result<(), Error> {
    let index = mechanism_index(netuid, 0);
    let n = uids_list.len();
    if n != values_list.len() || n != salts_list.len() || n != version_keys.len() {
        return Err(Error::InputLengthsUnequal);
    }
    let Pending {
        mut commits,
        expired,
        epoch,
        period,
    } = pending_commits(cx, hotkey, netuid)?;
    type Reveal<'a> = (&'a Vec<u16>, &'a Vec<u16>, u64, [u8; 32]);
    let reveals: Vec<Reveal> = uids_list
        .iter()
        .zip(values_list)
        .zip(salts_list.iter().zip(version_keys))
        .map(|((uids, values), (salt, key))| {
            (
                uids,
                values,
                *key,
                commit_hash(hotkey, index, uids, values, salt, *key),
            )
        })
        .collect();
    let missing = |hash: &[u8; 32]| {
        if expired.contains(hash) {
            Error::ExpiredWeightCommit
        } else {
            Error::InvalidRevealCommitHashNotMatch
        }
    };
    for (_, _, _, hash) in &reveals {
        let commit = commits
            .iter()
            .find(|(h, _, _, _)| h == hash)
            .ok_or_else(|| missing(hash))?;
        if epoch != commit.1.saturating_add(period) {
            return Err(Error::RevealTooEarly);
        }
    }
    let mut revealed = Vec::with_capacity(n);
    for (uids, values, key, hash) in reveals {
        let position = commits
            .iter()
            .position(|(h, _, _, _)| *h == hash)
            .ok_or_else(|| missing(&hash))?;
        commits.remove(position);
        set_weights(cx, hotkey, netuid, uids, values, key, true)?;
        revealed.push(hash);
    }
    if commits.is_empty() {
        WeightCommits::remove(cx.s, &index, hotkey);
    } else {
        WeightCommits::insert(cx.s, &index, hotkey, &commits);
    }
    cx.events
        .push(Event::WeightsBatchRevealed(*hotkey, netuid, revealed));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::subtensor::registration::burned_register;
    use crate::subtensor::schedule::should_run_epoch;
    use crate::subtensor::storage::{LastEpochBlock, PendingEpochAt, SubnetEpochIndex, Tempo};
    use crate::test_support::{TAO, acct, funded};

    /// A subnet with the owner at uid 0 and two more neurons (uids 1, 2) registered at block 2.
    fn subnet() -> (Storage, NetUid) {
        let mut s = funded(&[(1, 10_000 * TAO)]);
        let netuid = crate::test_support::subnet(&mut s, true);
        for hk in [3, 4] {
            burned_register(&mut s, 2, &acct(1), netuid, &acct(hk), &mut Vec::new()).unwrap();
        }
        CommitRevealWeightsEnabled::insert(&mut s, &netuid, &false);
        (s, netuid)
    }

    #[test]
    fn set_weights_checks_in_subtensors_order() {
        let (mut s, netuid) = subnet();
        let ev = &mut Vec::new();
        let sw = |s: &mut Storage, block, hk: u8, uids: &[u16], vals: &[u16], ev: &mut Vec<_>| {
            set_weights(
                &mut Ctx::new(s, block, None, ev),
                &acct(hk),
                netuid,
                uids,
                vals,
                0,
                false,
            )
        };
        assert_eq!(
            sw(&mut s, 200, 3, &[0, 1], &[1], ev),
            Err(Error::WeightVecNotEqualSize)
        );
        assert_eq!(
            sw(&mut s, 200, 3, &[0, 1, 2, 0], &[1; 4], ev),
            Err(Error::UidsLengthExceedUidsInSubNet)
        );
        assert_eq!(
            sw(&mut s, 200, 9, &[0], &[1], ev),
            Err(Error::HotKeyNotRegisteredInSubNet)
        );
        // Registered at block 2: the first 100 blocks are rate-limited.
        assert_eq!(
            sw(&mut s, 50, 3, &[1], &[1], ev),
            Err(Error::SettingWeightsTooFast)
        );
        // Without a permit only a self-weight is allowed.
        assert_eq!(
            sw(&mut s, 200, 3, &[0, 2], &[1, 2], ev),
            Err(Error::NeuronNoValidatorPermit)
        );
        sw(&mut s, 200, 3, &[1], &[7], ev).unwrap();
        assert_eq!(Weights::get(&s, &netuid.0, &1), vec![(1, 65_535)]);
        // The owner needs no permit; duplicates, unknown uids and rate limits are refused.
        assert_eq!(
            sw(&mut s, 200, 2, &[1, 1], &[1, 2], ev),
            Err(Error::DuplicateUids)
        );
        assert_eq!(
            sw(&mut s, 200, 2, &[1, 5], &[1, 2], ev),
            Err(Error::UidVecContainInvalidOne)
        );
        sw(&mut s, 200, 2, &[2, 1], &[10, 20], ev).unwrap();
        assert_eq!(
            Weights::get(&s, &netuid.0, &0),
            vec![(2, 32_768), (1, 65_535)]
        );
        assert_eq!(LastUpdate::get(&s, &netuid.0)[0], 200);
        assert_eq!(
            sw(&mut s, 250, 2, &[2], &[1], ev),
            Err(Error::SettingWeightsTooFast)
        );
        assert_eq!(ev.last(), Some(&Event::WeightsSet(netuid.0, 0)));
        // Version keys and the stake threshold.
        WeightsVersionKey::insert(&mut s, &netuid, &5);
        assert_eq!(
            sw(&mut s, 400, 2, &[2], &[1], ev),
            Err(Error::IncorrectWeightVersionKey)
        );
        StakeThreshold::put(&mut s, &1);
        assert_eq!(
            set_weights(
                &mut Ctx::new(&mut s, 400, None, ev),
                &acct(3),
                netuid,
                &[1],
                &[1],
                5,
                false
            ),
            Err(Error::NotEnoughStakeToSetWeights)
        );
        // With commit-reveal on, plain set_weights is refused.
        CommitRevealWeightsEnabled::insert(&mut s, &netuid, &true);
        assert_eq!(
            sw(&mut s, 400, 2, &[2], &[1], ev),
            Err(Error::CommitRevealEnabled)
        );
    }

    #[test]
    fn commit_then_reveal_in_the_reveal_epoch() {
        let (mut s, netuid) = subnet();
        CommitRevealWeightsEnabled::insert(&mut s, &netuid, &true);
        // Pin the epoch schedule: no epoch due during the test unless we say so.
        Tempo::insert(&mut s, &netuid, &1_000);
        LastEpochBlock::insert(&mut s, &netuid, &150);
        let ev = &mut Vec::new();
        let (uids, values, salt) = ([1u16, 2], [5u16, 10], [9u16, 9]);
        let hash = commit_hash(&acct(2), netuid.0, &uids, &values, &salt, 0);
        commit_weights(&mut Ctx::new(&mut s, 200, None, ev), &acct(2), netuid, hash).unwrap();
        let reveal = |s: &mut Storage, block, ev: &mut Vec<_>| {
            reveal_weights(
                &mut Ctx::new(s, block, None, ev),
                &acct(2),
                netuid,
                &uids,
                &values,
                &salt,
                0,
            )
        };
        // Same epoch: too early. A wrong salt does not match.
        assert_eq!(reveal(&mut s, 300, ev), Err(Error::RevealTooEarly));
        assert_eq!(
            reveal_weights(
                &mut Ctx::new(&mut s, 300, None, ev),
                &acct(2),
                netuid,
                &uids,
                &values,
                &[1, 1],
                0
            ),
            Err(Error::InvalidRevealCommitHashNotMatch)
        );
        // Next epoch: revealed, applied, and the commit is gone.
        SubnetEpochIndex::insert(&mut s, &netuid, &1);
        LastEpochBlock::insert(&mut s, &netuid, &1_200);
        reveal(&mut s, 1_300, ev).unwrap();
        assert_eq!(
            Weights::get(&s, &netuid.0, &0),
            vec![(1, 32_768), (2, 65_535)]
        );
        assert!(WeightCommits::try_get(&s, &netuid.0, &acct(2)).is_none());
        assert_eq!(reveal(&mut s, 1_300, ev), Err(Error::NoWeightsCommitFound));
        // A commit left past its reveal epoch expires.
        commit_weights(
            &mut Ctx::new(&mut s, 1_400, None, ev),
            &acct(2),
            netuid,
            hash,
        )
        .unwrap();
        SubnetEpochIndex::insert(&mut s, &netuid, &3);
        assert_eq!(reveal(&mut s, 1_500, ev), Err(Error::ExpiredWeightCommit));
    }

    #[test]
    fn epoch_schedule() {
        let mut s = Storage::new();
        let n = NetUid(1);
        Tempo::insert(&mut s, &n, &10);
        LastEpochBlock::insert(&mut s, &n, &0);
        assert!(!should_run_epoch(&s, n, 9));
        assert!(should_run_epoch(&s, n, 10));
        PendingEpochAt::insert(&mut s, &n, &5);
        assert!(should_run_epoch(&s, n, 5));
        Tempo::insert(&mut s, &n, &0);
        assert!(!should_run_epoch(&s, n, 100));
    }

    #[test]
    fn batches_report_failures_and_apply_the_rest() {
        let (mut s, netuid) = subnet();
        let mut ev = Vec::new();
        // Owner (uid 0) sets weights on its subnet and on a subnet that does not exist.
        batch_set_weights(
            &mut Ctx::new(&mut s, 200, None, &mut ev),
            &acct(2),
            &[Compact(netuid.0), Compact(9)],
            &[
                vec![(Compact(1), Compact(10))],
                vec![(Compact(0), Compact(1))],
            ],
            &[Compact(0), Compact(0)],
        )
        .unwrap();
        assert!(ev.contains(&Event::WeightsSet(netuid.0, 0)));
        assert!(ev.contains(&Event::BatchCompletedWithErrors()));
        assert!(matches!(
            ev.last(),
            Some(Event::BatchWeightsCompleted(_, _))
        ));
        assert!(
            ev.iter()
                .any(|e| matches!(e, Event::BatchWeightItemFailed(n, _) if n.0 == 9))
        );
        assert!(!Weights::get(&s, &netuid.0, &0).is_empty());
        assert_eq!(
            batch_set_weights(
                &mut Ctx::new(&mut s, 200, None, &mut ev),
                &acct(2),
                &[Compact(1)],
                &[],
                &[]
            ),
            Err(Error::InputLengthsUnequal)
        );
    }

    #[test]
    fn batch_reveal_applies_all_or_nothing() {
        let (mut s, netuid) = subnet();
        CommitRevealWeightsEnabled::insert(&mut s, &netuid, &true);
        let index = mechanism_index(netuid, 0);
        let h1 = commit_hash(&acct(2), index, &[1], &[5], &[1], 0);
        let h2 = commit_hash(&acct(2), index, &[2], &[5], &[2], 0);
        let mut ev = Vec::new();
        for (block, h) in [(200, h1), (300, h2)] {
            batch_commit_weights(
                &mut Ctx::new(&mut s, block, None, &mut ev),
                &acct(2),
                &[Compact(netuid.0)],
                &[h],
            )
            .unwrap();
        }
        assert!(!ev.contains(&Event::BatchCompletedWithErrors()));
        // Move to the reveal epoch.
        let e = SubnetEpochIndex::get(&s, &netuid);
        let period = RevealPeriodEpochs::get(&s, &netuid);
        SubnetEpochIndex::insert(&mut s, &netuid, &(e + period));
        LastEpochBlock::insert(&mut s, &netuid, &500);
        // One bad salt: nothing is revealed.
        let before = s.root();
        let bad = s.transactional(|s| {
            batch_reveal_weights(
                &mut Ctx::new(s, 600, None, &mut Vec::new()),
                &acct(2),
                netuid,
                &[vec![1], vec![2]],
                &[vec![5], vec![5]],
                &[vec![1], vec![9]],
                &[0, 0],
            )
        });
        assert_eq!(bad, Err(Error::InvalidRevealCommitHashNotMatch));
        assert_eq!(s.root(), before);
        batch_reveal_weights(
            &mut Ctx::new(&mut s, 600, None, &mut ev),
            &acct(2),
            netuid,
            &[vec![1], vec![2]],
            &[vec![5], vec![5]],
            &[vec![1], vec![2]],
            &[0, 0],
        )
        .unwrap();
        assert!(WeightCommits::try_get(&s, &index, &acct(2)).is_none());
        assert!(ev.contains(&Event::WeightsBatchRevealed(acct(2), netuid, vec![h1, h2])));
    }

    #[test]
    fn only_mechanism_zero_exists() {
        let (s, netuid) = subnet();
        assert_eq!(ensure_mechanism(&s, netuid, 0), Ok(()));
        assert_eq!(
            ensure_mechanism(&s, netuid, 1),
            Err(Error::MechanismDoesNotExist)
        );
        assert_eq!(
            ensure_mechanism(&s, NetUid(9), 0),
            Err(Error::MechanismDoesNotExist)
        );
    }
}
