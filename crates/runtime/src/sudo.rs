//! Sudo (pallet 12): one key that may dispatch any call as root (or as any account), as on
//! subtensor's dev and test chains.
//!
//! The pallet's calls carry another call, so they are generic over the runtime's call type `C`
//! (FRAME's `T::RuntimeCall`): the pallet never names `RuntimeCall`, and the executive passes
//! its own dispatcher in to run the inner call. Their `TypeInfo` is written out below so that
//! the metadata describes them exactly as subtensor's does (no type parameter; the inner call's
//! field typed `Box<RuntimeCall>`).

use crate::storage::Storage;
use crate::storage_value;
use crate::support::{
    Deposit, DispatchClass, DispatchError, DispatchInfo, DispatchResult, MultiAddress, Origin,
    Pays, Weight, rw,
};
use codec::{Decode, Encode};
use cortex_primitives::AccountId32;
use scale_info::build::{Fields, Variants};
use scale_info::{Path, Type, TypeInfo};

/// Sudo's pallet index.
pub const PALLET_INDEX: u8 = 12;
/// `pallet_sudo::Error::RequireSudo`.
pub const REQUIRE_SUDO: u8 = 0;

storage_value!(/// The sudo key. Optional: read with `try_get`.
    optional "Sudo", Key: AccountId32 = AccountId32([0; 32]));

/// `pallet_sudo` events.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, scale_info::TypeInfo)]
pub enum SudoEvent {
    /// The sudo key dispatched a call as root.
    #[codec(index = 0)]
    Sudid {
        /// The call's outcome.
        sudo_result: DispatchResult,
    },
    /// The sudo key was handed to another account.
    #[codec(index = 1)]
    KeyChanged {
        /// The previous key, if there was one.
        old: Option<AccountId32>,
        /// The new key.
        new: AccountId32,
    },
    /// The sudo key was removed: no account can act as root any more.
    #[codec(index = 2)]
    KeyRemoved,
    /// The sudo key dispatched a call as another signed account.
    #[codec(index = 3)]
    SudoAsDone {
        /// The call's outcome.
        sudo_result: DispatchResult,
    },
}

/// `pallet_sudo`'s errors.
#[allow(dead_code)]
#[derive(scale_info::TypeInfo)]
pub enum SudoError {
    /// The call needs the sudo key: only the sudo account may make it. Sign with the sudo key.
    RequireSudo,
}

/// `Sudo` calls, over the runtime's call type `C`.
#[allow(non_camel_case_types)]
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub enum SudoCall<C> {
    /// Dispatches `call` as root. Only the sudo key may sign it.
    #[codec(index = 0)]
    sudo {
        /// The call to run as root.
        call: Box<C>,
    },
    /// Dispatches `call` as root with the weight given instead of the call's own. Sudo key
    /// only.
    #[codec(index = 1)]
    sudo_unchecked_weight {
        /// The call to run as root.
        call: Box<C>,
        /// The weight to charge for it.
        weight: Weight,
    },
    /// Hands the sudo key to `new`. Sudo key only.
    #[codec(index = 2)]
    set_key {
        /// The new sudo key.
        new: MultiAddress,
    },
    /// Dispatches `call` as if `who` had signed it. Sudo key only.
    #[codec(index = 3)]
    sudo_as {
        /// The account to act as.
        who: MultiAddress,
        /// The call to run.
        call: Box<C>,
    },
    /// Removes the sudo key for good. Sudo key only.
    #[codec(index = 4)]
    remove_key,
}

impl<C: TypeInfo + 'static> TypeInfo for SudoCall<C> {
    type Identity = Self;

    fn type_info() -> Type {
        Type::builder()
            .path(Path::new("SudoCall", module_path!()))
            .type_params(Vec::new())
            // The variants' docs repeat the doc comments above (a hand-built type has no derive
            // to carry them).
            .variant(
                Variants::new()
                    .variant("sudo", |v| {
                        v.index(0)
                            .docs(&["Dispatches `call` as root. Only the sudo key may sign it."])
                            .fields(
                            Fields::named().field(|f| {
                                f.ty::<Box<C>>().name("call").type_name("Box<RuntimeCall>")
                            }),
                        )
                    })
                    .variant("sudo_unchecked_weight", |v| {
                        v.index(1)
                            .docs(&[
                                "Dispatches `call` as root with the weight given instead of the call's own. Sudo key",
                                "only.",
                            ])
                            .fields(
                            Fields::named()
                                .field(|f| {
                                    f.ty::<Box<C>>().name("call").type_name("Box<RuntimeCall>")
                                })
                                .field(|f| f.ty::<Weight>().name("weight").type_name("Weight")),
                        )
                    })
                    .variant("set_key", |v| {
                        v.index(2)
                            .docs(&["Hands the sudo key to `new`. Sudo key only."])
                            .fields(Fields::named().field(|f| {
                            f.ty::<MultiAddress>().name("new").type_name("MultiAddress")
                        }))
                    })
                    .variant("sudo_as", |v| {
                        v.index(3)
                            .docs(&["Dispatches `call` as if `who` had signed it. Sudo key only."])
                            .fields(
                            Fields::named()
                                .field(|f| {
                                    f.ty::<MultiAddress>().name("who").type_name("MultiAddress")
                                })
                                .field(|f| {
                                    f.ty::<Box<C>>().name("call").type_name("Box<RuntimeCall>")
                                }),
                        )
                    })
                    .variant("remove_key", |v| {
                        v.index(4)
                            .docs(&["Removes the sudo key for good. Sudo key only."])
                    }),
            )
    }
}

impl<C> SudoCall<C> {
    /// The call's name, as the metadata spells it.
    pub fn name(&self) -> &'static str {
        match self {
            SudoCall::sudo { .. } => "sudo",
            SudoCall::sudo_unchecked_weight { .. } => "sudo_unchecked_weight",
            SudoCall::set_key { .. } => "set_key",
            SudoCall::sudo_as { .. } => "sudo_as",
            SudoCall::remove_key => "remove_key",
        }
    }
}

/// The weight, class and fee mode of a Sudo call; `inner` gives the wrapped call's.
pub fn info<C>(
    call: &SudoCall<C>,
    inner: impl Fn(&C) -> DispatchInfo,
) -> (Weight, DispatchClass, Pays) {
    let weight = match call {
        SudoCall::sudo { call } | SudoCall::sudo_as { call, .. } => {
            inner(call).weight.saturating_add(rw(1, 0, 10_000_000))
        }
        SudoCall::sudo_unchecked_weight { weight, .. } => *weight,
        SudoCall::set_key { .. } | SudoCall::remove_key => rw(1, 1, 10_000_000),
    };
    (weight, DispatchClass::Normal, Pays::Yes)
}

/// The sudo key, if `origin` is signed by it; `RequireSudo` otherwise.
pub fn ensure_sudo(s: &Storage, origin: &Origin) -> Result<AccountId32, DispatchError> {
    let who = origin.signed()?;
    match Key::try_get(s) {
        Some(key) if key == who => Ok(who),
        _ => Err(DispatchError::module(PALLET_INDEX, REQUIRE_SUDO)),
    }
}

/// Runs a Sudo call signed by the sudo key. The wrapped call runs through `inner` (the
/// executive's dispatcher) as root, or as `who` for `sudo_as`; its outcome is reported in the
/// pallet's event and does not fail the sudo call itself.
pub fn dispatch<C, E: Deposit<SudoEvent>>(
    s: &mut Storage,
    origin: &Origin,
    call: &SudoCall<C>,
    events: &mut E,
    mut inner: impl FnMut(&mut Storage, &Origin, &C, &mut E) -> DispatchResult,
) -> DispatchResult {
    let key = ensure_sudo(s, origin)?;
    match call {
        SudoCall::sudo { call } | SudoCall::sudo_unchecked_weight { call, .. } => {
            let sudo_result = inner(s, &Origin::Root, call, events);
            events.deposit(SudoEvent::Sudid { sudo_result });
        }
        SudoCall::sudo_as { who, call } => {
            let who = who.lookup()?;
            let sudo_result = inner(s, &Origin::Signed(who), call, events);
            events.deposit(SudoEvent::SudoAsDone { sudo_result });
        }
        SudoCall::set_key { new } => {
            let new = new.lookup()?;
            Key::put(s, &new);
            events.deposit(SudoEvent::KeyChanged {
                old: Some(key),
                new,
            });
        }
        SudoCall::remove_key => {
            Key::kill(s);
            events.deposit(SudoEvent::KeyRemoved);
        }
    }
    Ok(())
}
