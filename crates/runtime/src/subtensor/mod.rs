//! SubtensorModule: subnets, neurons, stake, weights and the epoch, on the runtime's storage.

pub mod block;
pub mod coinbase;
pub mod declared;
pub mod dispatch;
pub mod dissolve;
pub mod epoch;
pub mod errors;
pub mod events;
pub mod identity;
pub mod neurons;
pub mod serving;
pub mod shares;
pub mod stake_ops;
pub mod staking;
pub mod storage;
pub mod subnets;
pub mod symbols;
pub mod weights;
