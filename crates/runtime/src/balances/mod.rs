//! Accounts and TAO balances: `System.Account`, transfers, the existential deposit, issuance.
//!
//! Balances live in `System.Account` as Substrate's `AccountInfo`, in rao. An account exists
//! while its free balance is at least the existential deposit (500 rao): a transfer that would
//! leave less either fails (`keep_alive`) or reaps the sender, destroying the dust (which lowers
//! total issuance). Issuance is tracked twice, as subtensor does: the balances pallet's own
//! `Balances.TotalIssuance` and subtensor's `SubtensorModule.TotalIssuance`, which emission reads;
//! every mint and every destruction updates both.

use crate::storage::Storage;
use crate::support::{
    ArithmeticError, Deposit, DispatchClass, DispatchError, MultiAddress, Origin, Pays, TokenError,
    Weight, rw,
};
use crate::{pallet_calls, storage_map, storage_value};
use codec::{Decode, Encode};
use cortex_primitives::AccountId32;

/// Balances' pallet index.
pub const PALLET_INDEX: u8 = 5;

/// The existential deposit: the smallest balance an account may hold, in rao.
pub const EXISTENTIAL_DEPOSIT: u64 = 500;

/// Balances of an account, as `pallet_balances` stores them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub struct AccountData {
    /// Spendable balance.
    pub free: u64,
    /// Reserved balance (not used by Cortex yet, always 0).
    pub reserved: u64,
    /// Balance that may not be spent below (not used by Cortex yet, always 0).
    pub frozen: u64,
    /// Pallet flags; the "new logic" bit (2^127) is set on every account, as Substrate does.
    pub flags: u128,
}

/// `System.Account`'s value.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub struct AccountInfo {
    /// Transactions sent so far.
    pub nonce: u32,
    /// Modules depending on this account staying alive.
    pub consumers: u32,
    /// Reasons the account exists (1 while it holds at least the existential deposit).
    pub providers: u32,
    /// Self-sufficient references (unused).
    pub sufficients: u32,
    /// Balances.
    pub data: AccountData,
}

/// `AccountData.flags` of every account created by current Substrate balances logic.
const NEW_LOGIC_FLAG: u128 = 1 << 127;

storage_map!(
    /// Accounts by id.
    "System", Account: Blake2_128Concat(AccountId32) => AccountInfo = AccountInfo::default()
);
storage_value!(
    /// The balances pallet's total issuance, in rao.
    "Balances", TotalIssuance: u64 = 0
);

/// `SubtensorModule.TotalIssuance`: subtensor's own count of issuance, which block emission
/// reads. It is SubtensorModule's item, but every mint and every destruction of TAO happens here,
/// so Balances declares it and updates it with its own count; SubtensorModule re-exports it.
pub mod subtensor_issuance {
    use crate::storage_value;

    storage_value!(/// Subtensor's own total issuance, in rao: what block emission is computed from (clients
        /// read it as `SubtensorModule.TotalIssuance`).
        "SubtensorModule", TotalIssuance: u64 = 0);
}

/// Errors of the balances pallet (index 5), in its order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error, scale_info::TypeInfo)]
pub enum BalancesError {
    /// Vesting balance too high to send value.
    #[error("vesting balance too high to send value")]
    VestingBalance,
    /// Account liquidity restrictions prevent withdrawal.
    #[error("account liquidity restrictions prevent withdrawal")]
    LiquidityRestrictions,
    /// The balance is too low for the transfer.
    #[error("insufficient balance: the account holds less than the amount")]
    InsufficientBalance,
    /// The amount would create an account below the existential deposit (500 rao).
    #[error("the amount is below the existential deposit (500 rao) needed to create the account")]
    ExistentialDeposit,
    /// The transfer would take the sender below the existential deposit.
    #[error(
        "the transfer would leave the sender below the existential deposit; use transfer_allow_death"
    )]
    Expendability,
}

impl BalancesError {
    /// The error's index inside the pallet, as `DispatchError::Module` reports it.
    pub fn index(self) -> u8 {
        match self {
            BalancesError::VestingBalance => 0,
            BalancesError::LiquidityRestrictions => 1,
            BalancesError::InsufficientBalance => 2,
            BalancesError::ExistentialDeposit => 3,
            BalancesError::Expendability => 4,
        }
    }
}

/// Balance changes the runtime reports as events (`pallet_balances` order and indices).
#[derive(Clone, Debug, PartialEq, Eq, codec::Encode, codec::Decode, scale_info::TypeInfo)]
pub enum BalancesEvent {
    /// An account was created with this free balance.
    #[codec(index = 0)]
    Endowed {
        /// The new account.
        account: AccountId32,
        /// Its balance.
        free_balance: u64,
    },
    /// An account was reaped and its dust destroyed.
    #[codec(index = 1)]
    DustLost {
        /// The reaped account.
        account: AccountId32,
        /// The destroyed amount.
        amount: u64,
    },
    /// A transfer.
    #[codec(index = 2)]
    Transfer {
        /// Sender.
        from: AccountId32,
        /// Recipient.
        to: AccountId32,
        /// Amount.
        amount: u64,
    },
    /// Root set an account's free balance.
    #[codec(index = 3)]
    BalanceSet {
        /// The account.
        who: AccountId32,
        /// Its new free balance.
        free: u64,
    },
    /// Funds were deposited into an account (a fee paid to the block author).
    #[codec(index = 7)]
    Deposit {
        /// The account.
        who: AccountId32,
        /// The amount.
        amount: u64,
    },
    /// Funds were withdrawn from an account (a transaction fee).
    #[codec(index = 8)]
    Withdraw {
        /// The account.
        who: AccountId32,
        /// The amount.
        amount: u64,
    },
}

/// Whether a transfer may reap the sender.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Existence {
    /// The sender must keep at least the existential deposit.
    KeepAlive,
    /// The sender may go below it and be reaped.
    AllowDeath,
}

/// The free balance of `who`.
pub fn free_balance(s: &Storage, who: &AccountId32) -> u64 {
    Account::get(s, who).data.free
}

/// Total issuance as subtensor counts it.
pub fn total_issuance(s: &Storage) -> u64 {
    subtensor_issuance::TotalIssuance::get(s)
}

/// Writes an account's free balance, creating or reaping the account as needed. Returns the
/// dust destroyed if the account was reaped.
fn set_free(s: &mut Storage, who: &AccountId32, free: u64, events: &mut Vec<BalancesEvent>) -> u64 {
    let mut info = Account::get(s, who);
    let existed = info.providers > 0;
    if free < EXISTENTIAL_DEPOSIT {
        if existed || free > 0 {
            Account::remove(s, who);
            if free > 0 {
                events.push(BalancesEvent::DustLost {
                    account: *who,
                    amount: free,
                });
            }
        }
        return free;
    }
    info.data.free = free;
    info.data.flags |= NEW_LOGIC_FLAG;
    if !existed {
        info.providers = 1;
        events.push(BalancesEvent::Endowed {
            account: *who,
            free_balance: free,
        });
    }
    Account::insert(s, who, &info);
    0
}

/// Lowers both issuance counters by `amount` (destroyed dust, recycled TAO).
pub fn reduce_issuance(s: &mut Storage, amount: u64) {
    let b = TotalIssuance::get(s).saturating_sub(amount);
    TotalIssuance::put(s, &b);
    let t = subtensor_issuance::TotalIssuance::get(s).saturating_sub(amount);
    subtensor_issuance::TotalIssuance::put(s, &t);
}

/// Raises both issuance counters by `amount`.
fn increase_issuance(s: &mut Storage, amount: u64) {
    let b = TotalIssuance::get(s).saturating_add(amount);
    TotalIssuance::put(s, &b);
    let t = subtensor_issuance::TotalIssuance::get(s).saturating_add(amount);
    subtensor_issuance::TotalIssuance::put(s, &t);
}

/// Creates `amount` new rao in `who`'s account (genesis endowments, minting), raising issuance.
/// An amount that would leave the account below the existential deposit is refused.
pub fn mint_into(
    s: &mut Storage,
    who: &AccountId32,
    amount: u64,
    events: &mut Vec<BalancesEvent>,
) -> Result<(), BalancesError> {
    let free = free_balance(s, who);
    let new = free
        .checked_add(amount)
        .ok_or(BalancesError::LiquidityRestrictions)?;
    if new < EXISTENTIAL_DEPOSIT {
        return Err(BalancesError::ExistentialDeposit);
    }
    set_free(s, who, new, events);
    increase_issuance(s, amount);
    Ok(())
}

/// Takes `amount` out of `who`'s free balance and out of issuance, keeping the account alive
/// (a transaction fee: Substrate withdraws it with `Preservation::Preserve`).
pub fn withdraw(
    s: &mut Storage,
    who: &AccountId32,
    amount: u64,
    events: &mut Vec<BalancesEvent>,
) -> Result<(), BalancesError> {
    if amount == 0 {
        return Ok(());
    }
    let free = free_balance(s, who);
    let remaining = free
        .checked_sub(amount)
        .ok_or(BalancesError::InsufficientBalance)?;
    if remaining < EXISTENTIAL_DEPOSIT {
        return Err(BalancesError::Expendability);
    }
    set_free(s, who, remaining, events);
    reduce_issuance(s, amount);
    events.push(BalancesEvent::Withdraw { who: *who, amount });
    Ok(())
}

/// Adds `amount` (withdrawn earlier, so already out of issuance) to `who` and back into
/// issuance. An amount that cannot create the account (below the existential deposit) stays
/// out of issuance, i.e. it is burned; returns whether it was deposited.
pub fn deposit(
    s: &mut Storage,
    who: &AccountId32,
    amount: u64,
    events: &mut Vec<BalancesEvent>,
) -> bool {
    if amount == 0 {
        return false;
    }
    let free = free_balance(s, who);
    let Some(new) = free.checked_add(amount) else {
        return false;
    };
    if new < EXISTENTIAL_DEPOSIT {
        return false;
    }
    set_free(s, who, new, events);
    increase_issuance(s, amount);
    events.push(BalancesEvent::Deposit { who: *who, amount });
    true
}

/// Root's `force_set_balance`: sets `who`'s free balance, adjusting issuance by the difference.
/// A balance below the existential deposit reaps the account.
pub fn force_set_balance(
    s: &mut Storage,
    who: &AccountId32,
    new_free: u64,
    events: &mut Vec<BalancesEvent>,
) {
    let old = free_balance(s, who);
    let dust = set_free(s, who, new_free, events);
    let kept = new_free.saturating_sub(dust);
    if kept >= old {
        increase_issuance(s, kept.saturating_sub(old));
    } else {
        reduce_issuance(s, old.saturating_sub(kept));
    }
    events.push(BalancesEvent::BalanceSet {
        who: *who,
        free: kept,
    });
}

/// Moves `amount` from `from` to `to` (`transfer_keep_alive` / `transfer_allow_death`).
///
/// Fails, changing nothing, if `from` holds less than `amount`, if a new recipient would get
/// less than the existential deposit, or (with [`Existence::KeepAlive`]) if `from` would drop
/// below it. With [`Existence::AllowDeath`] a sender left below the existential deposit is
/// reaped and its dust destroyed.
pub fn transfer(
    s: &mut Storage,
    from: &AccountId32,
    to: &AccountId32,
    amount: u64,
    existence: Existence,
    events: &mut Vec<BalancesEvent>,
) -> Result<(), BalancesError> {
    let from_free = free_balance(s, from);
    let remaining = from_free
        .checked_sub(amount)
        .ok_or(BalancesError::InsufficientBalance)?;
    if existence == Existence::KeepAlive && remaining < EXISTENTIAL_DEPOSIT && amount > 0 {
        return Err(BalancesError::Expendability);
    }
    if amount == 0 || from == to {
        events.push(BalancesEvent::Transfer {
            from: *from,
            to: *to,
            amount,
        });
        return Ok(());
    }
    let to_free = free_balance(s, to);
    let to_new = to_free
        .checked_add(amount)
        .ok_or(BalancesError::LiquidityRestrictions)?;
    if to_new < EXISTENTIAL_DEPOSIT {
        return Err(BalancesError::ExistentialDeposit);
    }
    let mut local = Vec::new();
    let dust = set_free(s, from, remaining, &mut local);
    set_free(s, to, to_new, &mut local);
    if dust > 0 {
        reduce_issuance(s, dust);
    }
    // Substrate reports the transfer before the sender's dust.
    let (dust_events, others): (Vec<_>, Vec<_>) = local
        .into_iter()
        .partition(|e| matches!(e, BalancesEvent::DustLost { .. }));
    events.extend(others);
    events.push(BalancesEvent::Transfer {
        from: *from,
        to: *to,
        amount,
    });
    events.extend(dust_events);
    Ok(())
}

/// `transfer_all`: moves everything `from` can send (all of it, or all but the existential
/// deposit with `keep_alive`). Returns the amount moved.
pub fn transfer_all(
    s: &mut Storage,
    from: &AccountId32,
    to: &AccountId32,
    keep_alive: bool,
    events: &mut Vec<BalancesEvent>,
) -> Result<u64, BalancesError> {
    let free = free_balance(s, from);
    let (amount, existence) = if keep_alive {
        (
            free.saturating_sub(EXISTENTIAL_DEPOSIT),
            Existence::KeepAlive,
        )
    } else {
        (free, Existence::AllowDeath)
    };
    transfer(s, from, to, amount, existence, events).map(|()| amount)
}

pallet_calls! {
    /// `Balances` calls.
    pub enum BalancesCall {
        /// Transfers `value` rao from the signer to `dest`; the signer may be left below the
        /// existential deposit and reaped.
        transfer_allow_death = 0 { dest: MultiAddress, #[codec(compact)] value: u64 },
        /// Root only: transfers `value` rao from `source` to `dest`.
        force_transfer = 2 { source: MultiAddress, dest: MultiAddress, #[codec(compact)] value: u64 },
        /// Transfers `value` rao from the signer to `dest`, refusing to take the signer below
        /// the existential deposit.
        transfer_keep_alive = 3 { dest: MultiAddress, #[codec(compact)] value: u64 },
        /// Transfers the signer's whole free balance to `dest` (keeping the existential
        /// deposit if `keep_alive`).
        transfer_all = 4 { dest: MultiAddress, keep_alive: bool },
        /// Root only: sets the free balance of `who` to `new_free` rao.
        force_set_balance = 8 { who: MultiAddress, #[codec(compact)] new_free: u64 },
    }
}

/// The weight, class and fee mode of a Balances call.
pub fn info(call: &BalancesCall) -> (Weight, DispatchClass, Pays) {
    let weight = match call {
        BalancesCall::transfer_all { .. } => rw(1, 1, 45_000_000),
        BalancesCall::force_set_balance { .. } => rw(1, 1, 15_000_000),
        _ => rw(1, 1, 40_000_000),
    };
    (weight, DispatchClass::Normal, Pays::Yes)
}

/// Runs a Balances call as `origin`, depositing its events on success.
pub fn dispatch(
    s: &mut Storage,
    origin: &Origin,
    call: &BalancesCall,
    events: &mut impl Deposit<BalancesEvent>,
) -> Result<(), DispatchError> {
    let mut ev = Vec::new();
    match call {
        BalancesCall::transfer_allow_death { dest, value } => {
            let from = origin.signed()?;
            transfer(
                s,
                &from,
                &dest.lookup()?,
                *value,
                Existence::AllowDeath,
                &mut ev,
            )?;
        }
        BalancesCall::transfer_keep_alive { dest, value } => {
            let from = origin.signed()?;
            transfer(
                s,
                &from,
                &dest.lookup()?,
                *value,
                Existence::KeepAlive,
                &mut ev,
            )?;
        }
        BalancesCall::transfer_all { dest, keep_alive } => {
            let from = origin.signed()?;
            transfer_all(s, &from, &dest.lookup()?, *keep_alive, &mut ev)?;
        }
        BalancesCall::force_transfer {
            source,
            dest,
            value,
        } => {
            origin.root()?;
            let from = source.lookup()?;
            transfer(
                s,
                &from,
                &dest.lookup()?,
                *value,
                Existence::AllowDeath,
                &mut ev,
            )?;
        }
        BalancesCall::force_set_balance { who, new_free } => {
            origin.root()?;
            force_set_balance(s, &who.lookup()?, *new_free, &mut ev);
        }
    }
    for e in ev {
        events.deposit(e);
    }
    Ok(())
}

impl From<BalancesError> for DispatchError {
    /// Substrate's fungible transfer reports balance shortfalls as token errors, not as
    /// pallet errors: too little free balance is `FundsUnavailable`, an account left below
    /// the existential deposit by `transfer_keep_alive` is `NotExpendable`, and a new account
    /// below it is `BelowMinimum`.
    fn from(e: BalancesError) -> DispatchError {
        match e {
            BalancesError::InsufficientBalance => {
                DispatchError::Token(TokenError::FundsUnavailable)
            }
            BalancesError::Expendability => DispatchError::Token(TokenError::NotExpendable),
            BalancesError::ExistentialDeposit => DispatchError::Token(TokenError::BelowMinimum),
            BalancesError::LiquidityRestrictions => {
                DispatchError::Arithmetic(ArithmeticError::Overflow)
            }
            BalancesError::VestingBalance => DispatchError::module(PALLET_INDEX, e.index()),
        }
    }
}

#[cfg(test)]
mod tests;
