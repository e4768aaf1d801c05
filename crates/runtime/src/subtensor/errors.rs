//! SubtensorModule's errors, in subtensor's order.
//!
//! A failed call reports `DispatchError::Module { index: 7, error: [i, 0, 0, 0] }` where `i` is
//! the variant's position here, and clients turn it back into the name through the metadata, so
//! the order must be subtensor's exactly (`pallets/subtensor/src/macros/errors.rs`), including
//! variants Cortex never returns.

use crate::support::DispatchError;
use core::fmt;

/// SubtensorModule's pallet index.
pub const PALLET_INDEX: u8 = 7;

/// SubtensorModule's errors (names and order are subtensor's). Each variant's doc comment is
/// what clients print when a call fails with it: the metadata carries it (scale-info's `docs`),
/// and btcli and the SDK show the error's name with that text, so it says what went wrong and
/// what to do about it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, scale_info::TypeInfo)]
#[repr(u8)]
pub enum Error {
    /// The root network (netuid 0) does not exist on this chain.
    RootNetworkDoesNotExist = 0,
    /// The IP type is neither 4 (IPv4) nor 6 (IPv6). Pass 4 or 6 matching the address.
    InvalidIpType = 1,
    /// The IP address is not a usable public address (zero, loopback or out of range for its type).
    /// Serve from a routable address.
    InvalidIpAddress = 2,
    /// The port is 0. Serve on a real port.
    InvalidPort = 3,
    /// The hotkey is not registered on this subnet. Register it on the subnet first, or check the
    /// netuid.
    HotKeyNotRegisteredInSubNet = 4,
    /// The hotkey is not known to the chain (never registered anywhere, so it has no owning
    /// coldkey). Register the hotkey first.
    HotKeyAccountNotExists = 5,
    /// The hotkey is not registered on any subnet. Register it first.
    HotKeyNotRegisteredInNetwork = 6,
    /// The signing coldkey does not own this hotkey. Sign with the hotkey's owning coldkey.
    NonAssociatedColdKey = 7,
    /// The coldkey does not have enough stake on this hotkey and subnet for the operation. Check
    /// the stake and lower the amount.
    NotEnoughStake = 8,
    /// The amount to unstake is more than the coldkey holds on this hotkey and subnet. Lower the
    /// amount to at most the current stake.
    NotEnoughStakeToWithdraw = 9,
    /// The hotkey's stake is below the threshold required to set weights. Add stake to the hotkey,
    /// or wait until it holds enough.
    NotEnoughStakeToSetWeights = 10,
    /// The parent hotkey's stake is below the minimum required to set childkeys. Add stake first.
    NotEnoughStakeToSetChildkeys = 11,
    /// The coldkey's free balance is lower than the amount to stake (plus the fee). Stake a smaller
    /// amount or add TAO to the coldkey.
    NotEnoughBalanceToStake = 12,
    /// The TAO could not be taken from the coldkey's balance (it would drop below what must stay,
    /// or the balance is locked). Use a smaller amount.
    BalanceWithdrawalError = 13,
    /// The withdrawal would leave the coldkey with a zero balance, which is not allowed here. Keep
    /// some TAO in the account.
    ZeroBalanceAfterWithdrawn = 14,
    /// The neuron has no validator permit, so it may only set weights on itself. Obtain a permit
    /// (more stake) or set self-weights only.
    NeuronNoValidatorPermit = 15,
    /// The uid list and the weight list have different lengths. Pass one weight per uid.
    WeightVecNotEqualSize = 16,
    /// The uid list names the same uid more than once. Give each uid once.
    DuplicateUids = 17,
    /// The uid list contains a uid that does not exist on the subnet. Use uids below the subnet's
    /// neuron count.
    UidVecContainInvalidOne = 18,
    /// Fewer weights than the subnet's minimum allowed weights were given. Set weights on more
    /// uids.
    WeightVecLengthIsLow = 19,
    /// The subnet's registrations allowed per block are used up. Try again in a later block.
    TooManyRegistrationsThisBlock = 20,
    /// The hotkey already has a uid on this subnet. Use another hotkey or another subnet.
    HotKeyAlreadyRegisteredInSubNet = 21,
    /// The new hotkey is the same as the old one. Pass a different hotkey.
    NewHotKeyIsSameWithOld = 22,
    /// The new hotkey is already registered on the root network, so the swap cannot move the old
    /// one's root registration. Use an unused hotkey.
    NewHotKeyNotCleanForRootSwap = 23,
    /// The proof-of-work was computed for a block that is in the future or too old. Solve again
    /// against a recent block.
    InvalidWorkBlock = 24,
    /// The proof-of-work does not meet the subnet's difficulty. Solve again.
    InvalidDifficulty = 25,
    /// The proof-of-work seal does not match the hotkey and block. Solve again with the right
    /// inputs.
    InvalidSeal = 26,
    /// A weight is above the subnet's maximum weight limit. Normalise the weights below the limit.
    MaxWeightExceeded = 27,
    /// The hotkey is already a delegate.
    HotKeyAlreadyDelegate = 28,
    /// The hotkey set weights on this subnet too recently (weights set rate limit). Wait more
    /// blocks before setting weights again.
    SettingWeightsTooFast = 29,
    /// The weights version key is lower than the subnet's required version. Update the validator
    /// software.
    IncorrectWeightVersionKey = 30,
    /// The axon or Prometheus endpoint was updated too recently (serving rate limit). Wait before
    /// serving again.
    ServingRateLimitExceeded = 31,
    /// More uids were given than the subnet has neurons. Pass at most one weight per registered
    /// uid.
    UidsLengthExceedUidsInSubNet = 32,
    /// A subnet was registered too recently (network rate limit). Wait before registering another
    /// subnet.
    NetworkTxRateLimitExceeded = 33,
    /// A delegate operation was done too recently (delegate transaction rate limit). Wait before
    /// trying again.
    DelegateTxRateLimitExceeded = 34,
    /// A hotkey operation (such as a hotkey swap) was done too recently. Wait before trying again.
    HotKeySetTxRateLimitExceeded = 35,
    /// Stake was added or removed too often in a short time (staking rate limit). Wait before
    /// staking again.
    StakingRateLimitExceeded = 36,
    /// Registration is disabled on this subnet. Wait until its owner or root enables it.
    SubNetRegistrationDisabled = 37,
    /// The subnet's registrations allowed per interval are used up. Try again in the next interval.
    TooManyRegistrationsThisInterval = 38,
    /// The call must be signed by the hotkey, not the coldkey. Sign with the hotkey.
    TransactorAccountShouldBeHotKey = 39,
    /// The faucet is disabled on this chain.
    FaucetDisabled = 40,
    /// The signer does not own this subnet. Sign with the subnet owner's coldkey.
    NotSubnetOwner = 41,
    /// Ordinary registration is not permitted on the root subnet. Use root_register.
    RegistrationNotPermittedOnRootSubnet = 42,
    /// The hotkey's stake is too low to take a root network seat. Add stake first.
    StakeTooLowForRoot = 43,
    /// Every subnet is still in its immunity period, so none can be pruned to make room. Wait until
    /// one leaves immunity.
    AllNetworksInImmunity = 44,
    /// The coldkey cannot pay the hotkey swap cost. Add TAO to the coldkey.
    NotEnoughBalanceToPaySwapHotKey = 45,
    /// The netuid given is not the root subnet (0), which this operation needs.
    NotRootSubnet = 46,
    /// Weights cannot be set on the root network directly.
    CanNotSetRootNetworkWeights = 47,
    /// No uid is free on the subnet and none can be pruned. Try again later.
    NoNeuronIdAvailable = 48,
    /// The delegate take is below the allowed minimum (or not lower than the current take for a
    /// decrease). Choose a take in the allowed range.
    DelegateTakeTooLow = 49,
    /// The delegate take is above the allowed maximum (or not higher than the current take for an
    /// increase). Choose a take in the allowed range.
    DelegateTakeTooHigh = 50,
    /// No weight commit of this hotkey matches the reveal. Commit weights first, or reveal the data
    /// that was committed.
    NoWeightsCommitFound = 51,
    /// The revealed weights, salt and version key do not hash to any pending commit. Reveal exactly
    /// what was committed.
    InvalidRevealCommitHashNotMatch = 52,
    /// Commit-reveal is enabled on this subnet, so weights must be committed and revealed instead
    /// of set directly.
    CommitRevealEnabled = 53,
    /// Commit-reveal is disabled on this subnet, so weights cannot be committed. Set weights
    /// directly.
    CommitRevealDisabled = 54,
    /// Liquid alpha is disabled on this subnet, so its alpha values cannot be set. Enable liquid
    /// alpha first.
    LiquidAlphaDisabled = 55,
    /// The high alpha value is below the allowed minimum. Choose a higher value.
    AlphaHighTooLow = 56,
    /// The low alpha value is below the minimum or above the high value. Choose a value between
    /// them.
    AlphaLowOutOfRange = 57,
    /// The coldkey is already associated with another hotkey.
    ColdKeyAlreadyAssociated = 58,
    /// The coldkey cannot pay the coldkey swap cost. Add TAO to the coldkey.
    NotEnoughBalanceToPaySwapColdKey = 59,
    /// A childkey is invalid (the parent itself, or not allowed). Choose other childkeys.
    InvalidChild = 60,
    /// The same childkey appears more than once. List each child once.
    DuplicateChild = 61,
    /// The childkey proportions sum to more than the whole. Lower the proportions.
    ProportionOverflow = 62,
    /// More childkeys than allowed were given. Use fewer children.
    TooManyChildren = 63,
    /// The transaction rate limit was hit: this kind of call was made too recently. Wait some
    /// blocks and try again.
    TxRateLimitExceeded = 64,
    /// No coldkey swap was announced for this coldkey. Announce the swap first.
    ColdkeySwapAnnouncementNotFound = 65,
    /// The announced coldkey swap's waiting period has not passed yet. Wait until it has.
    ColdkeySwapTooEarly = 66,
    /// The coldkey swap was announced again too soon after the previous announcement. Wait before
    /// re-announcing.
    ColdkeySwapReannouncedTooEarly = 67,
    /// The new coldkey does not match the hash given in the swap announcement. Use the announced
    /// coldkey.
    AnnouncedColdkeyHashDoesNotMatch = 68,
    /// The coldkey swap has already been disputed.
    ColdkeySwapAlreadyDisputed = 69,
    /// The new coldkey is in use as a hotkey. Choose a coldkey that is not a hotkey.
    NewColdKeyIsHotkey = 70,
    /// The childkey take is outside the allowed range. Choose a take within the bounds.
    InvalidChildkeyTake = 71,
    /// The childkey take was changed too recently. Wait before changing it again.
    TxChildkeyTakeRateLimitExceeded = 72,
    /// The identity is invalid: a field is too long or the whole is too large. Shorten the fields.
    InvalidIdentity = 73,
    /// The subnet has no mechanism with this id. Use an existing mechanism id.
    MechanismDoesNotExist = 74,
    /// The stake is not available: it is locked or already in use. Use other stake or wait for it
    /// to unlock.
    StakeUnavailable = 75,
    /// No subnet exists with this netuid. Check the netuid (btcli subnets list).
    SubnetNotExists = 76,
    /// The hotkey has too many weight commits waiting to be revealed. Reveal (or let expire)
    /// earlier commits first.
    TooManyUnrevealedCommits = 77,
    /// The weight commit has expired: its reveal period is over. Commit again.
    ExpiredWeightCommit = 78,
    /// The reveal period of this commit has not started yet. Wait for the reveal epoch.
    RevealTooEarly = 79,
    /// The lists given (uids, values, salts, version keys) have different lengths. Give lists of
    /// the same length.
    InputLengthsUnequal = 80,
    /// Weights were committed too recently on this subnet. Wait before committing again.
    CommittingWeightsTooFast = 81,
    /// The amount is below the minimum for this operation (for staking, the minimum stake). Use a
    /// larger amount.
    AmountTooLow = 82,
    /// The subnet's pool does not have enough liquidity for this swap. Use a smaller amount.
    InsufficientLiquidity = 83,
    /// The swap would move the price past the limit given (slippage). Raise the price limit, allow
    /// a partial swap, or use a smaller amount.
    SlippageTooHigh = 84,
    /// Stake transfers are disabled on this subnet.
    TransferDisallowed = 85,
    /// The activity cutoff is below the allowed minimum. Choose a larger value.
    ActivityCutoffTooLow = 86,
    /// This call is disabled on this chain.
    CallDisabled = 87,
    /// The subnet's emission has already been started (start_call was already made).
    FirstEmissionBlockNumberAlreadySet = 88,
    /// The subnet was registered too recently to start emission. Wait until the start-call delay
    /// has passed.
    NeedWaitingMoreBlocksToStarCall = 89,
    /// The subnet has less alpha outstanding than the amount to recycle or burn. Use a smaller
    /// amount.
    NotEnoughAlphaOutToRecycle = 90,
    /// Alpha cannot be burned or recycled on the root subnet. Use another subnet.
    CannotBurnOrRecycleOnRootSubnet = 91,
    /// No public key could be recovered from the signature. Check the signature.
    UnableToRecoverPublicKey = 92,
    /// The public key recovered from the signature is not the expected one. Sign with the right
    /// key.
    InvalidRecoveredPublicKey = 93,
    /// The subnet's token is not enabled yet (its owner has not started it), so its alpha cannot be
    /// traded or staked. Wait until the subnet is started.
    SubtokenDisabled = 94,
    /// The hotkey was swapped on this subnet too recently. Wait before swapping again.
    HotKeySwapOnSubnetIntervalNotPassed = 95,
    /// The origin and destination subnets are the same. Pick two different subnets.
    SameNetuid = 96,
    /// The account's balance is too low for this operation. Add TAO to the account.
    InsufficientBalance = 97,
    /// The lease beneficiary is not valid.
    InvalidLeaseBeneficiary = 98,
    /// The lease's end block is in the past. Choose a later end block.
    LeaseCannotEndInThePast = 99,
    /// No subnet was found for this lease.
    LeaseNetuidNotFound = 100,
    /// No lease exists with this id.
    LeaseDoesNotExist = 101,
    /// The lease has no end block, so it cannot be terminated.
    LeaseHasNoEndBlock = 102,
    /// The lease has not ended yet. Wait until its end block.
    LeaseHasNotEnded = 103,
    /// An arithmetic overflow occurred while computing the result. Use smaller amounts.
    Overflow = 104,
    /// The beneficiary does not own the hotkey.
    BeneficiaryDoesNotOwnHotkey = 105,
    /// The call must be signed by the lease beneficiary.
    ExpectedBeneficiaryOrigin = 106,
    /// Subnet hyperparameters are frozen in the last blocks before the subnet's epoch (admin freeze
    /// window). Wait until the epoch has run.
    AdminActionProhibitedDuringWeightsWindow = 107,
    /// The symbol is not one of the available subnet token symbols. Pick a symbol from the list.
    SymbolDoesNotExist = 108,
    /// Another subnet already uses this symbol. Pick a free one.
    SymbolAlreadyInUse = 109,
    /// The commit was encrypted for another commit-reveal version than the chain's. Update the
    /// client.
    IncorrectCommitRevealVersion = 110,
    /// The drand reveal round of the commit is not valid. Encrypt for a future round.
    InvalidRevealRound = 111,
    /// The commit-reveal period is above the allowed maximum. Choose fewer epochs.
    RevealPeriodTooLarge = 112,
    /// The commit-reveal period is below the allowed minimum. Choose more epochs.
    RevealPeriodTooSmall = 113,
    /// The value is outside the range allowed for this parameter. Choose a value within the bounds.
    InvalidValue = 114,
    /// The chain already has the maximum number of subnets and none can be pruned. Wait until one
    /// can be replaced.
    SubnetLimitReached = 115,
    /// The coldkey's balance is below the current subnet lock cost. Add TAO to the coldkey or wait
    /// for the lock cost to fall.
    CannotAffordLockCost = 116,
    /// An EVM key was associated too recently. Wait before associating another.
    EvmKeyAssociateRateLimitExceeded = 117,
    /// This hotkey is already the coldkey's auto-stake destination on the subnet.
    SameAutoStakeHotkeyAlreadySet = 118,
    /// The subnet's uid map could not be cleared.
    UidMapCouldNotBeCleared = 119,
    /// Trimming the subnet would leave more immune neurons than the allowed share. Trim to a larger
    /// size.
    TrimmingWouldExceedMaxImmunePercentage = 120,
    /// The childkey and parentkey maps disagree.
    ChildParentInconsistency = 121,
    /// The number of root claims is outside the allowed range.
    InvalidNumRootClaim = 122,
    /// The root claim threshold is outside the allowed range.
    InvalidRootClaimThreshold = 123,
    /// The number of subnets given is outside the allowed range.
    InvalidSubnetNumber = 124,
    /// The subnet's uid slots over all its mechanisms would exceed the maximum. Use fewer uids or
    /// fewer mechanisms.
    TooManyUIDsPerMechanism = 125,
    /// Voting power tracking is not enabled on this subnet.
    VotingPowerTrackingNotEnabled = 126,
    /// The voting power EMA alpha is outside the allowed range.
    InvalidVotingPowerEmaAlpha = 127,
    /// This call is deprecated and no longer does anything. Use its replacement.
    Deprecated = 128,
    /// add_stake_burn was called too recently on this subnet. Wait before calling it again.
    AddStakeBurnRateLimitExceeded = 129,
    /// A coldkey swap is announced for this coldkey, so the operation is blocked until the swap is
    /// done or cleared.
    ColdkeySwapAnnounced = 130,
    /// The coldkey swap is disputed, so it cannot go ahead.
    ColdkeySwapDisputed = 131,
    /// The coldkey swap announcement cannot be cleared yet. Wait until its period has passed.
    ColdkeySwapClearTooEarly = 132,
    /// This operation is temporarily disabled.
    DisabledTemporarily = 133,
    /// The registration cost is above the price limit given. Raise the limit or wait for the cost
    /// to fall.
    RegistrationPriceLimitExceeded = 134,
    /// The hotkey does not match the one the existing stake lock is for. Use the locked hotkey.
    LockHotkeyMismatch = 135,
    /// There is not enough stake to lock this amount. Lock less.
    InsufficientStakeForLock = 136,
    /// No stake lock exists to change or release.
    NoExistingLock = 137,
    /// A stake lock is still active. Wait for it to end first.
    ActiveLockExists = 138,
    /// A subnet's system account cannot be used here (as a hotkey or coldkey). Use an ordinary
    /// account.
    CannotUseSystemAccount = 139,
    /// The amount to unlock is more than is locked. Unlock less.
    UnlockAmountTooHigh = 140,
    /// The tempo is outside the allowed range (360 to 50400 blocks). Choose a tempo in range.
    TempoOutOfBounds = 141,
    /// The activity cutoff factor is outside the allowed range. Choose a value in range.
    ActivityCutoffFactorMilliOutOfBounds = 142,
    /// An epoch has already been triggered on this subnet and has not run yet. Wait for it to run.
    EpochTriggerAlreadyPending = 143,
    /// The subnet's regular epoch is due within the freeze window anyway, so triggering one is
    /// refused. Wait for it.
    AutoEpochAlreadyImminent = 144,
    /// The tempo cannot be changed or an epoch triggered while commit-reveal is enabled on the
    /// subnet. Disable commit-reveal first.
    DynamicTempoBlockedByCommitReveal = 145,
    /// The destination account does not accept locked alpha.
    AccountRejectsLockedAlpha = 146,
}

/// Every error, in order.
pub const ALL: [Error; 147] = [
    Error::RootNetworkDoesNotExist,
    Error::InvalidIpType,
    Error::InvalidIpAddress,
    Error::InvalidPort,
    Error::HotKeyNotRegisteredInSubNet,
    Error::HotKeyAccountNotExists,
    Error::HotKeyNotRegisteredInNetwork,
    Error::NonAssociatedColdKey,
    Error::NotEnoughStake,
    Error::NotEnoughStakeToWithdraw,
    Error::NotEnoughStakeToSetWeights,
    Error::NotEnoughStakeToSetChildkeys,
    Error::NotEnoughBalanceToStake,
    Error::BalanceWithdrawalError,
    Error::ZeroBalanceAfterWithdrawn,
    Error::NeuronNoValidatorPermit,
    Error::WeightVecNotEqualSize,
    Error::DuplicateUids,
    Error::UidVecContainInvalidOne,
    Error::WeightVecLengthIsLow,
    Error::TooManyRegistrationsThisBlock,
    Error::HotKeyAlreadyRegisteredInSubNet,
    Error::NewHotKeyIsSameWithOld,
    Error::NewHotKeyNotCleanForRootSwap,
    Error::InvalidWorkBlock,
    Error::InvalidDifficulty,
    Error::InvalidSeal,
    Error::MaxWeightExceeded,
    Error::HotKeyAlreadyDelegate,
    Error::SettingWeightsTooFast,
    Error::IncorrectWeightVersionKey,
    Error::ServingRateLimitExceeded,
    Error::UidsLengthExceedUidsInSubNet,
    Error::NetworkTxRateLimitExceeded,
    Error::DelegateTxRateLimitExceeded,
    Error::HotKeySetTxRateLimitExceeded,
    Error::StakingRateLimitExceeded,
    Error::SubNetRegistrationDisabled,
    Error::TooManyRegistrationsThisInterval,
    Error::TransactorAccountShouldBeHotKey,
    Error::FaucetDisabled,
    Error::NotSubnetOwner,
    Error::RegistrationNotPermittedOnRootSubnet,
    Error::StakeTooLowForRoot,
    Error::AllNetworksInImmunity,
    Error::NotEnoughBalanceToPaySwapHotKey,
    Error::NotRootSubnet,
    Error::CanNotSetRootNetworkWeights,
    Error::NoNeuronIdAvailable,
    Error::DelegateTakeTooLow,
    Error::DelegateTakeTooHigh,
    Error::NoWeightsCommitFound,
    Error::InvalidRevealCommitHashNotMatch,
    Error::CommitRevealEnabled,
    Error::CommitRevealDisabled,
    Error::LiquidAlphaDisabled,
    Error::AlphaHighTooLow,
    Error::AlphaLowOutOfRange,
    Error::ColdKeyAlreadyAssociated,
    Error::NotEnoughBalanceToPaySwapColdKey,
    Error::InvalidChild,
    Error::DuplicateChild,
    Error::ProportionOverflow,
    Error::TooManyChildren,
    Error::TxRateLimitExceeded,
    Error::ColdkeySwapAnnouncementNotFound,
    Error::ColdkeySwapTooEarly,
    Error::ColdkeySwapReannouncedTooEarly,
    Error::AnnouncedColdkeyHashDoesNotMatch,
    Error::ColdkeySwapAlreadyDisputed,
    Error::NewColdKeyIsHotkey,
    Error::InvalidChildkeyTake,
    Error::TxChildkeyTakeRateLimitExceeded,
    Error::InvalidIdentity,
    Error::MechanismDoesNotExist,
    Error::StakeUnavailable,
    Error::SubnetNotExists,
    Error::TooManyUnrevealedCommits,
    Error::ExpiredWeightCommit,
    Error::RevealTooEarly,
    Error::InputLengthsUnequal,
    Error::CommittingWeightsTooFast,
    Error::AmountTooLow,
    Error::InsufficientLiquidity,
    Error::SlippageTooHigh,
    Error::TransferDisallowed,
    Error::ActivityCutoffTooLow,
    Error::CallDisabled,
    Error::FirstEmissionBlockNumberAlreadySet,
    Error::NeedWaitingMoreBlocksToStarCall,
    Error::NotEnoughAlphaOutToRecycle,
    Error::CannotBurnOrRecycleOnRootSubnet,
    Error::UnableToRecoverPublicKey,
    Error::InvalidRecoveredPublicKey,
    Error::SubtokenDisabled,
    Error::HotKeySwapOnSubnetIntervalNotPassed,
    Error::SameNetuid,
    Error::InsufficientBalance,
    Error::InvalidLeaseBeneficiary,
    Error::LeaseCannotEndInThePast,
    Error::LeaseNetuidNotFound,
    Error::LeaseDoesNotExist,
    Error::LeaseHasNoEndBlock,
    Error::LeaseHasNotEnded,
    Error::Overflow,
    Error::BeneficiaryDoesNotOwnHotkey,
    Error::ExpectedBeneficiaryOrigin,
    Error::AdminActionProhibitedDuringWeightsWindow,
    Error::SymbolDoesNotExist,
    Error::SymbolAlreadyInUse,
    Error::IncorrectCommitRevealVersion,
    Error::InvalidRevealRound,
    Error::RevealPeriodTooLarge,
    Error::RevealPeriodTooSmall,
    Error::InvalidValue,
    Error::SubnetLimitReached,
    Error::CannotAffordLockCost,
    Error::EvmKeyAssociateRateLimitExceeded,
    Error::SameAutoStakeHotkeyAlreadySet,
    Error::UidMapCouldNotBeCleared,
    Error::TrimmingWouldExceedMaxImmunePercentage,
    Error::ChildParentInconsistency,
    Error::InvalidNumRootClaim,
    Error::InvalidRootClaimThreshold,
    Error::InvalidSubnetNumber,
    Error::TooManyUIDsPerMechanism,
    Error::VotingPowerTrackingNotEnabled,
    Error::InvalidVotingPowerEmaAlpha,
    Error::Deprecated,
    Error::AddStakeBurnRateLimitExceeded,
    Error::ColdkeySwapAnnounced,
    Error::ColdkeySwapDisputed,
    Error::ColdkeySwapClearTooEarly,
    Error::DisabledTemporarily,
    Error::RegistrationPriceLimitExceeded,
    Error::LockHotkeyMismatch,
    Error::InsufficientStakeForLock,
    Error::NoExistingLock,
    Error::ActiveLockExists,
    Error::CannotUseSystemAccount,
    Error::UnlockAmountTooHigh,
    Error::TempoOutOfBounds,
    Error::ActivityCutoffFactorMilliOutOfBounds,
    Error::EpochTriggerAlreadyPending,
    Error::AutoEpochAlreadyImminent,
    Error::DynamicTempoBlockedByCommitReveal,
    Error::AccountRejectsLockedAlpha,
];

impl Error {
    /// The error's index in the pallet.
    pub fn index(self) -> u8 {
        self as u8
    }

    /// The error's name, as the metadata spells it.
    pub fn name(self) -> &'static str {
        match self {
            Error::RootNetworkDoesNotExist => "RootNetworkDoesNotExist",
            Error::InvalidIpType => "InvalidIpType",
            Error::InvalidIpAddress => "InvalidIpAddress",
            Error::InvalidPort => "InvalidPort",
            Error::HotKeyNotRegisteredInSubNet => "HotKeyNotRegisteredInSubNet",
            Error::HotKeyAccountNotExists => "HotKeyAccountNotExists",
            Error::HotKeyNotRegisteredInNetwork => "HotKeyNotRegisteredInNetwork",
            Error::NonAssociatedColdKey => "NonAssociatedColdKey",
            Error::NotEnoughStake => "NotEnoughStake",
            Error::NotEnoughStakeToWithdraw => "NotEnoughStakeToWithdraw",
            Error::NotEnoughStakeToSetWeights => "NotEnoughStakeToSetWeights",
            Error::NotEnoughStakeToSetChildkeys => "NotEnoughStakeToSetChildkeys",
            Error::NotEnoughBalanceToStake => "NotEnoughBalanceToStake",
            Error::BalanceWithdrawalError => "BalanceWithdrawalError",
            Error::ZeroBalanceAfterWithdrawn => "ZeroBalanceAfterWithdrawn",
            Error::NeuronNoValidatorPermit => "NeuronNoValidatorPermit",
            Error::WeightVecNotEqualSize => "WeightVecNotEqualSize",
            Error::DuplicateUids => "DuplicateUids",
            Error::UidVecContainInvalidOne => "UidVecContainInvalidOne",
            Error::WeightVecLengthIsLow => "WeightVecLengthIsLow",
            Error::TooManyRegistrationsThisBlock => "TooManyRegistrationsThisBlock",
            Error::HotKeyAlreadyRegisteredInSubNet => "HotKeyAlreadyRegisteredInSubNet",
            Error::NewHotKeyIsSameWithOld => "NewHotKeyIsSameWithOld",
            Error::NewHotKeyNotCleanForRootSwap => "NewHotKeyNotCleanForRootSwap",
            Error::InvalidWorkBlock => "InvalidWorkBlock",
            Error::InvalidDifficulty => "InvalidDifficulty",
            Error::InvalidSeal => "InvalidSeal",
            Error::MaxWeightExceeded => "MaxWeightExceeded",
            Error::HotKeyAlreadyDelegate => "HotKeyAlreadyDelegate",
            Error::SettingWeightsTooFast => "SettingWeightsTooFast",
            Error::IncorrectWeightVersionKey => "IncorrectWeightVersionKey",
            Error::ServingRateLimitExceeded => "ServingRateLimitExceeded",
            Error::UidsLengthExceedUidsInSubNet => "UidsLengthExceedUidsInSubNet",
            Error::NetworkTxRateLimitExceeded => "NetworkTxRateLimitExceeded",
            Error::DelegateTxRateLimitExceeded => "DelegateTxRateLimitExceeded",
            Error::HotKeySetTxRateLimitExceeded => "HotKeySetTxRateLimitExceeded",
            Error::StakingRateLimitExceeded => "StakingRateLimitExceeded",
            Error::SubNetRegistrationDisabled => "SubNetRegistrationDisabled",
            Error::TooManyRegistrationsThisInterval => "TooManyRegistrationsThisInterval",
            Error::TransactorAccountShouldBeHotKey => "TransactorAccountShouldBeHotKey",
            Error::FaucetDisabled => "FaucetDisabled",
            Error::NotSubnetOwner => "NotSubnetOwner",
            Error::RegistrationNotPermittedOnRootSubnet => "RegistrationNotPermittedOnRootSubnet",
            Error::StakeTooLowForRoot => "StakeTooLowForRoot",
            Error::AllNetworksInImmunity => "AllNetworksInImmunity",
            Error::NotEnoughBalanceToPaySwapHotKey => "NotEnoughBalanceToPaySwapHotKey",
            Error::NotRootSubnet => "NotRootSubnet",
            Error::CanNotSetRootNetworkWeights => "CanNotSetRootNetworkWeights",
            Error::NoNeuronIdAvailable => "NoNeuronIdAvailable",
            Error::DelegateTakeTooLow => "DelegateTakeTooLow",
            Error::DelegateTakeTooHigh => "DelegateTakeTooHigh",
            Error::NoWeightsCommitFound => "NoWeightsCommitFound",
            Error::InvalidRevealCommitHashNotMatch => "InvalidRevealCommitHashNotMatch",
            Error::CommitRevealEnabled => "CommitRevealEnabled",
            Error::CommitRevealDisabled => "CommitRevealDisabled",
            Error::LiquidAlphaDisabled => "LiquidAlphaDisabled",
            Error::AlphaHighTooLow => "AlphaHighTooLow",
            Error::AlphaLowOutOfRange => "AlphaLowOutOfRange",
            Error::ColdKeyAlreadyAssociated => "ColdKeyAlreadyAssociated",
            Error::NotEnoughBalanceToPaySwapColdKey => "NotEnoughBalanceToPaySwapColdKey",
            Error::InvalidChild => "InvalidChild",
            Error::DuplicateChild => "DuplicateChild",
            Error::ProportionOverflow => "ProportionOverflow",
            Error::TooManyChildren => "TooManyChildren",
            Error::TxRateLimitExceeded => "TxRateLimitExceeded",
            Error::ColdkeySwapAnnouncementNotFound => "ColdkeySwapAnnouncementNotFound",
            Error::ColdkeySwapTooEarly => "ColdkeySwapTooEarly",
            Error::ColdkeySwapReannouncedTooEarly => "ColdkeySwapReannouncedTooEarly",
            Error::AnnouncedColdkeyHashDoesNotMatch => "AnnouncedColdkeyHashDoesNotMatch",
            Error::ColdkeySwapAlreadyDisputed => "ColdkeySwapAlreadyDisputed",
            Error::NewColdKeyIsHotkey => "NewColdKeyIsHotkey",
            Error::InvalidChildkeyTake => "InvalidChildkeyTake",
            Error::TxChildkeyTakeRateLimitExceeded => "TxChildkeyTakeRateLimitExceeded",
            Error::InvalidIdentity => "InvalidIdentity",
            Error::MechanismDoesNotExist => "MechanismDoesNotExist",
            Error::StakeUnavailable => "StakeUnavailable",
            Error::SubnetNotExists => "SubnetNotExists",
            Error::TooManyUnrevealedCommits => "TooManyUnrevealedCommits",
            Error::ExpiredWeightCommit => "ExpiredWeightCommit",
            Error::RevealTooEarly => "RevealTooEarly",
            Error::InputLengthsUnequal => "InputLengthsUnequal",
            Error::CommittingWeightsTooFast => "CommittingWeightsTooFast",
            Error::AmountTooLow => "AmountTooLow",
            Error::InsufficientLiquidity => "InsufficientLiquidity",
            Error::SlippageTooHigh => "SlippageTooHigh",
            Error::TransferDisallowed => "TransferDisallowed",
            Error::ActivityCutoffTooLow => "ActivityCutoffTooLow",
            Error::CallDisabled => "CallDisabled",
            Error::FirstEmissionBlockNumberAlreadySet => "FirstEmissionBlockNumberAlreadySet",
            Error::NeedWaitingMoreBlocksToStarCall => "NeedWaitingMoreBlocksToStarCall",
            Error::NotEnoughAlphaOutToRecycle => "NotEnoughAlphaOutToRecycle",
            Error::CannotBurnOrRecycleOnRootSubnet => "CannotBurnOrRecycleOnRootSubnet",
            Error::UnableToRecoverPublicKey => "UnableToRecoverPublicKey",
            Error::InvalidRecoveredPublicKey => "InvalidRecoveredPublicKey",
            Error::SubtokenDisabled => "SubtokenDisabled",
            Error::HotKeySwapOnSubnetIntervalNotPassed => "HotKeySwapOnSubnetIntervalNotPassed",
            Error::SameNetuid => "SameNetuid",
            Error::InsufficientBalance => "InsufficientBalance",
            Error::InvalidLeaseBeneficiary => "InvalidLeaseBeneficiary",
            Error::LeaseCannotEndInThePast => "LeaseCannotEndInThePast",
            Error::LeaseNetuidNotFound => "LeaseNetuidNotFound",
            Error::LeaseDoesNotExist => "LeaseDoesNotExist",
            Error::LeaseHasNoEndBlock => "LeaseHasNoEndBlock",
            Error::LeaseHasNotEnded => "LeaseHasNotEnded",
            Error::Overflow => "Overflow",
            Error::BeneficiaryDoesNotOwnHotkey => "BeneficiaryDoesNotOwnHotkey",
            Error::ExpectedBeneficiaryOrigin => "ExpectedBeneficiaryOrigin",
            Error::AdminActionProhibitedDuringWeightsWindow => {
                "AdminActionProhibitedDuringWeightsWindow"
            }
            Error::SymbolDoesNotExist => "SymbolDoesNotExist",
            Error::SymbolAlreadyInUse => "SymbolAlreadyInUse",
            Error::IncorrectCommitRevealVersion => "IncorrectCommitRevealVersion",
            Error::InvalidRevealRound => "InvalidRevealRound",
            Error::RevealPeriodTooLarge => "RevealPeriodTooLarge",
            Error::RevealPeriodTooSmall => "RevealPeriodTooSmall",
            Error::InvalidValue => "InvalidValue",
            Error::SubnetLimitReached => "SubnetLimitReached",
            Error::CannotAffordLockCost => "CannotAffordLockCost",
            Error::EvmKeyAssociateRateLimitExceeded => "EvmKeyAssociateRateLimitExceeded",
            Error::SameAutoStakeHotkeyAlreadySet => "SameAutoStakeHotkeyAlreadySet",
            Error::UidMapCouldNotBeCleared => "UidMapCouldNotBeCleared",
            Error::TrimmingWouldExceedMaxImmunePercentage => {
                "TrimmingWouldExceedMaxImmunePercentage"
            }
            Error::ChildParentInconsistency => "ChildParentInconsistency",
            Error::InvalidNumRootClaim => "InvalidNumRootClaim",
            Error::InvalidRootClaimThreshold => "InvalidRootClaimThreshold",
            Error::InvalidSubnetNumber => "InvalidSubnetNumber",
            Error::TooManyUIDsPerMechanism => "TooManyUIDsPerMechanism",
            Error::VotingPowerTrackingNotEnabled => "VotingPowerTrackingNotEnabled",
            Error::InvalidVotingPowerEmaAlpha => "InvalidVotingPowerEmaAlpha",
            Error::Deprecated => "Deprecated",
            Error::AddStakeBurnRateLimitExceeded => "AddStakeBurnRateLimitExceeded",
            Error::ColdkeySwapAnnounced => "ColdkeySwapAnnounced",
            Error::ColdkeySwapDisputed => "ColdkeySwapDisputed",
            Error::ColdkeySwapClearTooEarly => "ColdkeySwapClearTooEarly",
            Error::DisabledTemporarily => "DisabledTemporarily",
            Error::RegistrationPriceLimitExceeded => "RegistrationPriceLimitExceeded",
            Error::LockHotkeyMismatch => "LockHotkeyMismatch",
            Error::InsufficientStakeForLock => "InsufficientStakeForLock",
            Error::NoExistingLock => "NoExistingLock",
            Error::ActiveLockExists => "ActiveLockExists",
            Error::CannotUseSystemAccount => "CannotUseSystemAccount",
            Error::UnlockAmountTooHigh => "UnlockAmountTooHigh",
            Error::TempoOutOfBounds => "TempoOutOfBounds",
            Error::ActivityCutoffFactorMilliOutOfBounds => "ActivityCutoffFactorMilliOutOfBounds",
            Error::EpochTriggerAlreadyPending => "EpochTriggerAlreadyPending",
            Error::AutoEpochAlreadyImminent => "AutoEpochAlreadyImminent",
            Error::DynamicTempoBlockedByCommitReveal => "DynamicTempoBlockedByCommitReveal",
            Error::AccountRejectsLockedAlpha => "AccountRejectsLockedAlpha",
        }
    }

    /// The error with index `index`, if there is one.
    pub fn from_index(index: u8) -> Option<Error> {
        ALL.get(usize::from(index)).copied()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SubtensorModule.{}", self.name())
    }
}

impl std::error::Error for Error {}

impl From<Error> for DispatchError {
    fn from(e: Error) -> DispatchError {
        DispatchError::module(PALLET_INDEX, e.index())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indices_are_positions() {
        for (i, e) in ALL.iter().enumerate() {
            assert_eq!(usize::from(e.index()), i);
            assert_eq!(Error::from_index(e.index()), Some(*e));
        }
        // Spot checks against subtensor's list.
        assert_eq!(Error::HotKeyAccountNotExists.index(), 5);
        assert_eq!(Error::NotEnoughBalanceToStake.index(), 12);
        assert_eq!(Error::UidsLengthExceedUidsInSubNet.index(), 32);
        assert_eq!(Error::SubnetNotExists.index(), 76);
        assert_eq!(Error::from_index(147), None);
        assert_eq!(
            Error::SubtokenDisabled.to_string(),
            "SubtensorModule.SubtokenDisabled"
        );
    }
}
