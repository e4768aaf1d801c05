//! SubtensorModule: subnets, neurons, stake, weights and the epoch, on the runtime's storage.

pub mod block;
pub mod coinbase;
pub mod dispatch;
pub mod epoch;
pub mod errors;
pub mod events;
pub mod neurons;
pub mod shares;
pub mod stake_ops;
pub mod staking;
pub mod storage;
pub mod subnets;
pub mod weights;
