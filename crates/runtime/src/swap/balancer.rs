//! Dynamic TAO pools: the weighted Balancer AMM between a subnet's TAO and its alpha.
//!
//! Each dynamic subnet has a pool of `y` TAO (`SubnetTAO`) and `x` alpha (`SubnetAlphaIn`) with
//! weights `w1` (alpha, "base") and `w2 = 1 − w1` (TAO, "quote"), stored as a Perquintill. The
//! spot price in TAO per alpha is `(w1/w2)·(y/x)`. Buying alpha with `Δy` TAO pays out
//! `x·(1 − (y/(y+Δy))^(w2/w1))`; selling `Δx` alpha pays `y·(1 − (x/(x+Δx))^(w1/w2))`. The powers
//! come from `safe-bigmath`'s `pow_ratio_scaled` at 18 decimals, the very routine (and version)
//! subtensor uses, so every payout matches to the rao. The protocol adds liquidity (emission)
//! without moving the price by re-weighting the pool.
//!
//! A swap here is pure: it reads a [`Pool`] and returns what would be paid in and out; the
//! caller moves reserves and balances. Stable subnets (mechanism 0, including root) trade 1:1
//! without fees. Source: `spec/economy.md` §3.

use safe_bigmath::SafeInt;
use sp_arithmetic::Perquintill;
use sp_arithmetic::traits::Saturating;
use substrate_fixed::types::U64F64;

/// Parts per one of a Perquintill: 10^18.
pub const ACCURACY: u64 = 1_000_000_000_000_000_000;
/// The smallest weight either side may have: 0.01.
pub const MIN_WEIGHT: Perquintill = Perquintill::from_parts(ACCURACY / 100);
/// Default swap fee: 33/65535 ≈ 0.05 %.
pub const DEFAULT_FEE_RATE: u16 = 33;
/// A swap may not put in more than this many times the input reserve.
pub const MAX_SWAP_INPUT_RESERVE_MULTIPLIER: u64 = 1000;
/// The output reserve must hold at least this much for a swap (runtime value, rao).
pub const MINIMUM_RESERVE: u64 = 1_000_000;
/// The lowest limit price, in rao per alpha (10^-6 TAO): a "market" sell.
pub const MIN_PRICE: u64 = 1_000;
/// The highest limit price, in rao per alpha (10^6 TAO): a "market" buy.
pub const MAX_PRICE: u64 = 1_000_000_000_000_000;

/// Why a swap is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SwapError {
    /// The input exceeds 1000 times the input reserve.
    #[error("swap input too large: more than 1000 times the pool's reserve")]
    SwapInputTooLarge,
    /// The output reserve is below the minimum, or the swap would pay out nothing.
    #[error("pool reserves too low for this swap")]
    ReservesTooLow,
    /// The current price is already at or past the limit price.
    #[error("the pool price is already past the limit price")]
    PriceLimitExceeded,
    /// The payout exceeds what the pool holds.
    #[error("insufficient liquidity in the pool")]
    InsufficientLiquidity,
    /// The reserves cannot be weighted to the requested price (weights outside [0.01, 0.99]).
    #[error("pool reserves out of balance: weights would leave [0.01, 0.99]")]
    ReservesOutOfBalance,
}

/// The weights of a Balancer pool: the quote (TAO) weight `w2`; the base (alpha) weight is
/// `1 − w2`. Both stay within [0.01, 0.99].
#[derive(Clone, Copy, Debug, PartialEq, Eq, codec::Encode, codec::Decode, scale_info::TypeInfo)]
pub struct Balancer {
    quote: Perquintill,
}

impl Default for Balancer {
    /// Equal weights: a constant-product pool.
    fn default() -> Self {
        Balancer {
            quote: Perquintill::from_rational(1u128, 2u128),
        }
    }
}

impl Balancer {
    /// A pool with quote weight `quote`, if both weights are within [0.01, 0.99].
    pub fn new(quote: Perquintill) -> Result<Balancer, SwapError> {
        if Self::valid(quote) {
            Ok(Balancer { quote })
        } else {
            Err(SwapError::ReservesOutOfBalance)
        }
    }

    fn valid(quote: Perquintill) -> bool {
        let base = Perquintill::one().saturating_sub(quote);
        base >= MIN_WEIGHT && quote >= MIN_WEIGHT
    }

    /// The quote (TAO) weight `w2`.
    pub fn quote_weight(&self) -> Perquintill {
        self.quote
    }

    /// The base (alpha) weight `w1 = 1 − w2`.
    pub fn base_weight(&self) -> Perquintill {
        Perquintill::one().saturating_sub(self.quote)
    }

    /// The spot price in TAO per alpha: `(w1/w2)·(y/x)` (U64F64; 0 when `x = 0`).
    pub fn price(&self, alpha_reserve: u64, tao_reserve: u64) -> U64F64 {
        let w1 = U64F64::saturating_from_num(self.base_weight().deconstruct());
        let w2 = U64F64::saturating_from_num(self.quote_weight().deconstruct());
        let ratio = safe_div(w1, w2);
        ratio.saturating_mul(safe_div(
            U64F64::saturating_from_num(tao_reserve),
            U64F64::saturating_from_num(alpha_reserve),
        ))
    }

    /// `(r/(r+Δ))^(wa/wb)` as a U64F64 from an 18-decimal integer, where `(wa, wb)` is
    /// `(w1, w2)` when `base_quote` and `(w2, w1)` otherwise; capped at 1 for `Δ ≥ 0`.
    fn exp_scaled(&self, reserve: u64, delta: i128, base_quote: bool) -> U64F64 {
        let moved = if delta >= 0 {
            reserve.saturating_add(u64::try_from(delta).unwrap_or(u64::MAX))
        } else {
            reserve.saturating_sub(u64::try_from(delta.unsigned_abs()).unwrap_or(u64::MAX))
        };
        if moved == 0 {
            return U64F64::from_num(0);
        }
        let w1 = SafeInt::from(u128::from(self.base_weight().deconstruct()));
        let w2 = SafeInt::from(u128::from(self.quote_weight().deconstruct()));
        let (wa, wb) = if base_quote { (&w1, &w2) } else { (&w2, &w1) };
        let scale = SafeInt::from(u128::from(ACCURACY));
        let result = SafeInt::pow_ratio_scaled(
            &SafeInt::from(reserve),
            &SafeInt::from(moved),
            wa,
            wb,
            256,
            &scale,
        );
        match result.as_ref().and_then(SafeInt::to_u64) {
            Some(v) => {
                let r = safe_div(
                    U64F64::saturating_from_num(v),
                    U64F64::saturating_from_num(ACCURACY),
                );
                if delta >= 0 {
                    r.min(U64F64::from_num(1))
                } else {
                    r
                }
            }
            None => U64F64::from_num(0),
        }
    }

    /// `(x/(x+Δx))^(w1/w2)`: the factor of a sell of `Δx` alpha into a pool of `x` alpha.
    pub fn exp_base_quote(&self, alpha_reserve: u64, alpha_in: u64) -> U64F64 {
        self.exp_scaled(alpha_reserve, i128::from(alpha_in), true)
    }

    /// `(y/(y+Δy))^(w2/w1)`: the factor of a buy with `Δy` TAO into a pool of `y` TAO.
    pub fn exp_quote_base(&self, tao_reserve: u64, tao_in: u64) -> U64F64 {
        self.exp_scaled(tao_reserve, i128::from(tao_in), false)
    }

    /// Alpha paid out for `tao_in` TAO: `⌊x·(1 − (y/(y+Δy))^(w2/w1))⌋`.
    pub fn alpha_out(&self, tao_reserve: u64, alpha_reserve: u64, tao_in: u64) -> u64 {
        let e = self.exp_quote_base(tao_reserve, tao_in);
        U64F64::from_num(alpha_reserve)
            .saturating_mul(U64F64::from_num(1).saturating_sub(e))
            .saturating_to_num::<u64>()
    }

    /// TAO paid out for `alpha_in` alpha: `⌊y·(1 − (x/(x+Δx))^(w1/w2))⌋`.
    pub fn tao_out(&self, tao_reserve: u64, alpha_reserve: u64, alpha_in: u64) -> u64 {
        let e = self.exp_base_quote(alpha_reserve, alpha_in);
        U64F64::from_num(tao_reserve)
            .saturating_mul(U64F64::from_num(1).saturating_sub(e))
            .saturating_to_num::<u64>()
    }

    /// Alpha needed to take `tao_out` TAO out of the pool: `⌊x·((y/(y−Δy))^(w2/w1) − 1)⌋`.
    #[cfg(test)]
    pub fn alpha_needed_for_tao(&self, tao_reserve: u64, alpha_reserve: u64, tao_out: u64) -> u64 {
        let e = self.exp_scaled(tao_reserve, i128::from(tao_out).saturating_neg(), false);
        U64F64::from_num(alpha_reserve)
            .saturating_mul(e.saturating_sub(U64F64::from_num(1)))
            .saturating_to_num::<u64>()
    }

    /// TAO to put in to move the price from `current` up to `target`:
    /// `⌊y·((target/current)^w1 − 1)⌋` (0 if the target is below the current price).
    pub fn tao_delta_to_price(&self, current: U64F64, target: U64F64, tao_reserve: u64) -> u64 {
        delta_to_price(target, current, self.base_weight(), tao_reserve)
    }

    /// Alpha to put in to move the price from `current` down to `target`:
    /// `⌊x·((current/target)^w2 − 1)⌋` (0 if the target is above the current price).
    pub fn alpha_delta_to_price(&self, current: U64F64, target: U64F64, alpha_reserve: u64) -> u64 {
        delta_to_price(current, target, self.quote_weight(), alpha_reserve)
    }

    /// Re-weights the pool for a protocol injection of `tao_in` TAO and `alpha_in` alpha so that
    /// the price does not move: `w2' = q2/(q1+q2)` with `q1 = round(w1·y·(x+Δx))` and
    /// `q2 = round(w2·x·(y+Δy))`. Fails (pool unchanged) if `w2'` leaves [0.01, 0.99].
    pub fn add_liquidity_weights(
        &mut self,
        tao_reserve: u64,
        alpha_reserve: u64,
        tao_in: u64,
        alpha_in: u64,
    ) -> Result<(), SwapError> {
        let (y, x) = (u128::from(tao_reserve), u128::from(alpha_reserve));
        let y2 = y.saturating_add(u128::from(tao_in));
        let x2 = x.saturating_add(u128::from(alpha_in));
        let q1 = mul_perquintill_round(self.base_weight(), y.saturating_mul(x2));
        let q2 = mul_perquintill_round(self.quote_weight(), x.saturating_mul(y2));
        let sum = q1.saturating_add(q2);
        let quote = if sum != 0 {
            Perquintill::from_rational(q2, sum)
        } else {
            Perquintill::from_rational(1u128, 2u128)
        };
        *self = Balancer::new(quote)?;
        Ok(())
    }

    /// The weights that make the pool's price `price` (`w2 = y/(P·x + y)`), as subtensor
    /// initializes a pool with a target price.
    #[cfg(test)]
    pub fn for_price(
        price: U64F64,
        tao_reserve: u64,
        alpha_reserve: u64,
    ) -> Result<Balancer, SwapError> {
        let whole =
            u128::from(price.saturating_to_num::<u64>()).saturating_mul(u128::from(alpha_reserve));
        let frac = U64F64::saturating_from_num(alpha_reserve)
            .saturating_mul(price.frac())
            .saturating_to_num::<u128>();
        let denominator = whole
            .saturating_add(frac)
            .saturating_add(u128::from(tao_reserve));
        if denominator == 0 {
            return Err(SwapError::ReservesOutOfBalance);
        }
        Balancer::new(Perquintill::from_rational(
            u128::from(tao_reserve),
            denominator,
        ))
    }
}

/// `a / b` in U64F64, 0 when `b` is 0 or the quotient overflows.
fn safe_div(a: U64F64, b: U64F64) -> U64F64 {
    a.checked_div(b).unwrap_or_default()
}

/// `round_half_up(value × p)` with a 256-bit intermediate (`p` in parts per 10^18).
// SafeInt is an arbitrary-precision integer: its `+` and `*` cannot overflow and its `/` returns
// `None` on a zero divisor, which is what the lint guards against.
#[allow(clippy::arithmetic_side_effects)]
fn mul_perquintill_round(p: Perquintill, value: u128) -> u128 {
    let num = SafeInt::from(value) * SafeInt::from(u128::from(p.deconstruct()));
    let half = SafeInt::from(u128::from(ACCURACY / 2));
    let rounded = (num + half) / SafeInt::from(u128::from(ACCURACY));
    rounded.and_then(|r| r.to_u128()).unwrap_or(u128::MAX)
}

/// `⌊reserve · ((num/den)^w − 1)⌋` with the power at 18 decimals (precision 1024), saturating.
fn delta_to_price(num: U64F64, den: U64F64, weight: Perquintill, reserve: u64) -> u64 {
    let scale = 1_000_000_000_000_000_000u128;
    let power = SafeInt::pow_ratio_scaled(
        &SafeInt::from(num.to_bits()),
        &SafeInt::from(den.to_bits()),
        &SafeInt::from(u128::from(weight.deconstruct())),
        &SafeInt::from(u128::from(ACCURACY)),
        1024,
        &SafeInt::from(scale),
    );
    let Some(power) = power else {
        return 0;
    };
    let power = match power.to_u64() {
        Some(v) => U64F64::saturating_from_num(v),
        None if power > u64::MAX => U64F64::saturating_from_num(u64::MAX),
        None => U64F64::from_num(0),
    };
    U64F64::saturating_from_num(reserve)
        .saturating_mul(
            safe_div(power, U64F64::saturating_from_num(scale)).saturating_sub(U64F64::from_num(1)),
        )
        .saturating_to_num::<u64>()
}

/// A pool as a swap reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pool {
    /// `SubnetTAO`.
    pub tao_reserve: u64,
    /// `SubnetAlphaIn`.
    pub alpha_reserve: u64,
    /// The weights, if the pool was initialized (`PalSwapInitialized`); a first swap
    /// initializes it with equal weights.
    pub balancer: Option<Balancer>,
    /// `FeeRate`, parts of 65535.
    pub fee_rate: u16,
    /// `SubnetMechanism`: 1 for a dynamic pool, anything else trades 1:1 without fees.
    pub mechanism: u16,
}

/// What a swap pays.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SwapResult {
    /// Input actually swapped (net of the fee; less than asked if the limit price stopped it).
    pub paid_in: u64,
    /// Output paid.
    pub paid_out: u64,
    /// Fee taken from the input.
    pub fee: u64,
    /// Fee forwarded to the block author.
    pub fee_to_block_author: u64,
    /// The pool's weights after the swap (set if the swap initialized them).
    pub balancer: Balancer,
}

/// Buy or sell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// TAO in, alpha out.
    Buy,
    /// Alpha in, TAO out.
    Sell,
}

impl Pool {
    /// The spot price in TAO per alpha (1 on stable pools, 0 with no alpha reserve).
    pub fn price(&self) -> U64F64 {
        if self.mechanism != 1 {
            return U64F64::from_num(1);
        }
        if self.alpha_reserve == 0 {
            return U64F64::from_num(0);
        }
        self.balancer
            .unwrap_or_default()
            .price(self.alpha_reserve, self.tao_reserve)
    }

    /// The fee on `amount` (0 on stable pools or with `drop_fees`): `⌊amount·rate/65535⌋`.
    pub fn fee(&self, amount: u64, drop_fees: bool) -> u64 {
        if drop_fees || self.mechanism != 1 {
            return 0;
        }
        let rate = safe_div(
            U64F64::saturating_from_num(self.fee_rate),
            U64F64::saturating_from_num(u16::MAX),
        );
        U64F64::saturating_from_num(amount)
            .saturating_mul(rate)
            .saturating_to_num::<u64>()
    }

    /// Swaps `amount` on `side`, stopping at `limit` (TAO per alpha; a buy stops once the
    /// price would exceed it, a sell once it would fall below it).
    pub fn swap(
        &self,
        side: Side,
        amount: u64,
        limit: U64F64,
        drop_fees: bool,
    ) -> Result<SwapResult, SwapError> {
        if self.mechanism != 1 {
            // Stable pools (root, legacy subnets): 1:1, no fee, no limit.
            let balancer = self.balancer.unwrap_or_default();
            return Ok(SwapResult {
                paid_in: amount,
                paid_out: amount,
                fee: 0,
                fee_to_block_author: 0,
                balancer,
            });
        }
        let (reserve_in, reserve_out) = match side {
            Side::Buy => (self.tao_reserve, self.alpha_reserve),
            Side::Sell => (self.alpha_reserve, self.tao_reserve),
        };
        let fee = self.fee(amount, drop_fees);
        let net = amount.saturating_sub(fee);
        if net > reserve_in.saturating_mul(MAX_SWAP_INPUT_RESERVE_MULTIPLIER) {
            return Err(SwapError::SwapInputTooLarge);
        }
        if reserve_out < MINIMUM_RESERVE {
            return Err(SwapError::ReservesTooLow);
        }
        let balancer = self.balancer.unwrap_or_default();
        let pool = Pool {
            balancer: Some(balancer),
            ..*self
        };
        let current = pool.price();
        let beyond = match side {
            Side::Buy => current < limit,
            Side::Sell => current > limit,
        };
        if !beyond {
            return Err(SwapError::PriceLimitExceeded);
        }
        let (x, y) = (self.alpha_reserve, self.tao_reserve);
        let out_for = |delta: u64| match side {
            Side::Buy => balancer.alpha_out(y, x, delta),
            Side::Sell => balancer.tao_out(y, x, delta),
        };
        let target = match side {
            Side::Buy => balancer.price(x.saturating_sub(out_for(net)), y.saturating_add(net)),
            Side::Sell => balancer.price(x.saturating_add(net), y.saturating_sub(out_for(net))),
        };
        let within = match side {
            Side::Buy => target <= limit,
            Side::Sell => target >= limit,
        };
        let (paid_in, fee) = if within {
            (net, fee)
        } else {
            let delta = match side {
                Side::Buy => balancer.tao_delta_to_price(current, limit, y),
                Side::Sell => balancer.alpha_delta_to_price(current, limit, x),
            };
            let rate = if drop_fees {
                U64F64::from_num(0)
            } else {
                U64F64::saturating_from_num(self.fee_rate)
            };
            let u16_max = U64F64::saturating_from_num(u16::MAX);
            let fee = U64F64::saturating_from_num(delta)
                .saturating_mul(safe_div(rate, u16_max.saturating_sub(rate)))
                .saturating_to_num::<u64>();
            (delta, fee)
        };
        let paid_out = out_for(paid_in);
        if paid_in > 0 && paid_out == 0 {
            return Err(SwapError::ReservesTooLow);
        }
        if paid_out > reserve_out {
            return Err(SwapError::InsufficientLiquidity);
        }
        let fee_to_block_author = if paid_in > 0 { fee } else { 0 };
        Ok(SwapResult {
            paid_in,
            paid_out,
            fee,
            fee_to_block_author,
            balancer,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dynamic(tao: u64, alpha: u64) -> Pool {
        Pool {
            tao_reserve: tao,
            alpha_reserve: alpha,
            balancer: None,
            fee_rate: DEFAULT_FEE_RATE,
            mechanism: 1,
        }
    }

    fn market(side: Side) -> U64F64 {
        match side {
            Side::Buy => U64F64::from_num(MAX_PRICE) / U64F64::from_num(1_000_000_000u64),
            Side::Sell => U64F64::from_num(MIN_PRICE) / U64F64::from_num(1_000_000_000u64),
        }
    }

    /// spec/economy.md §9.4: the exact rational values of the swap tests.
    #[test]
    fn constant_product_goldens() {
        let pool = dynamic(1_000_000_000, 4_000_000_000);
        assert_eq!(pool.price(), U64F64::from_num(0.25));
        let r = pool
            .swap(Side::Buy, 1_000_000_000, market(Side::Buy), false)
            .unwrap();
        assert_eq!(
            (r.fee, r.paid_in, r.paid_out),
            (503_547, 999_496_453, 1_999_496_326)
        );
        let r = pool
            .swap(Side::Buy, 123_456, market(Side::Buy), false)
            .unwrap();
        assert_eq!((r.fee, r.paid_out), (62, 493_515));
        let r = pool
            .swap(Side::Sell, 123_456, market(Side::Sell), false)
            .unwrap();
        assert_eq!((r.fee, r.paid_out), (62, 30_847));
        let r = pool
            .swap(Side::Sell, 1_000_000_000, market(Side::Sell), false)
            .unwrap();
        assert_eq!(r.paid_out, 199_919_424);
        let big = dynamic(1_000_000_000_000, 1_000_000_000_000);
        let r = big
            .swap(Side::Buy, 1_000_000_000, market(Side::Buy), false)
            .unwrap();
        assert_eq!(r.paid_out, 998_498_457);
    }

    #[test]
    fn small_swaps_match_the_constant_product_formula() {
        let pool = dynamic(1_000_000_000, 4_000_000_000);
        for amount in [1_000u64, 2_000, 123_456] {
            let (y, x) = (1_000_000_000f64, 4_000_000_000f64);
            let buy = pool
                .swap(Side::Buy, amount, market(Side::Buy), false)
                .unwrap();
            let net = (amount - buy.fee) as f64;
            let expected = x * (1.0 - y / (y + net));
            assert!(
                (buy.paid_out as f64 - expected).abs() <= 1.0,
                "buy {amount}"
            );
            let sell = pool
                .swap(Side::Sell, amount, market(Side::Sell), false)
                .unwrap();
            let net = (amount - sell.fee) as f64;
            let expected = y * (1.0 - x / (x + net));
            assert!(
                (sell.paid_out as f64 - expected).abs() <= 1.0,
                "sell {amount}"
            );
        }
    }

    #[test]
    fn exp_scaled_goldens() {
        let cases: [(f64, u64, u64, bool, f64); 5] = [
            (0.5, 100_000, 100, true, 0.999_000_999_000_999),
            (0.25, 500_000, 5_000, true, 0.970_590_147_927_644),
            (0.75, 200_000, 2_000, false, 0.970_590_147_927_644),
            (0.9, 13_513_642, 1_673, false, 0.998_886_481_979_889),
            (0.773, 7_000_000_000, 10_000, true, 0.999_999_580_484_586),
        ];
        for (quote, reserve, delta, base_quote, expected) in cases {
            let b = Balancer::new(Perquintill::from_float(quote)).unwrap();
            let v = if base_quote {
                b.exp_base_quote(reserve, delta)
            } else {
                b.exp_quote_base(reserve, delta)
            };
            assert!(
                (v.to_num::<f64>() - expected).abs() < 1e-9,
                "{quote} {reserve} {delta}: {v}"
            );
        }
        let p = SafeInt::pow_ratio_scaled(
            &SafeInt::from(21_000_000_000_000_000u128),
            &SafeInt::from(28_000_000_000_000_000u128),
            &SafeInt::from(600_000_000_000_000_000u128),
            &SafeInt::from(400_000_000_000_000_000u128),
            4096,
            &SafeInt::from(1_000_000_000_000_000_000u128),
        );
        assert_eq!(p.and_then(|v| v.to_u128()), Some(649_519_052_838_328_985));
    }

    #[test]
    fn limit_deltas_and_initialization() {
        let b = Balancer::new(Perquintill::from_float(0.25)).unwrap();
        let p = |v: f64| U64F64::from_num(v);
        assert_eq!(
            b.tao_delta_to_price(p(0.1), p(0.2), 1_000_000_000),
            681_792_830
        );
        assert_eq!(
            b.alpha_delta_to_price(p(0.2), p(0.1), 1_000_000_000),
            189_207_115
        );
        assert_eq!(
            b.alpha_needed_for_tao(1_000_000_000, 1_000_000_000, 1_123_432),
            374_758
        );
        // A pool initialized at a target price shows that price.
        let init = Balancer::for_price(p(0.2), 1_000_000_000, 4_000_000_000).unwrap();
        let price = init.price(4_000_000_000, 1_000_000_000).to_num::<f64>();
        assert!((price - 0.2).abs() < 1e-12, "{price}");
    }

    #[test]
    fn injections_keep_the_price() {
        let mut b = Balancer::default();
        let (y, x) = (1_000_000_000u64, 4_000_000_000u64);
        let before = b.price(x, y).to_num::<f64>();
        b.add_liquidity_weights(y, x, 500_000_000, 100_000_000)
            .unwrap();
        let after = b.price(x + 100_000_000, y + 500_000_000).to_num::<f64>();
        assert!((before - after).abs() < 1e-9, "{before} vs {after}");
        // Weights outside [0.01, 0.99] are refused and change nothing.
        let mut b = Balancer::default();
        assert_eq!(
            b.add_liquidity_weights(1, 1_000_000_000, 1_000_000_000_000, 0),
            Err(SwapError::ReservesOutOfBalance)
        );
        assert_eq!(b, Balancer::default());
    }

    #[test]
    fn refusals() {
        let pool = dynamic(1_000_000_000, 4_000_000_000);
        // A buy at or below the current price, a sell at or above it.
        assert_eq!(
            pool.swap(Side::Buy, 1_000, U64F64::from_num(0.25), false),
            Err(SwapError::PriceLimitExceeded)
        );
        assert_eq!(
            pool.swap(Side::Sell, 1_000, U64F64::from_num(0.25), false),
            Err(SwapError::PriceLimitExceeded)
        );
        assert_eq!(
            pool.swap(
                Side::Buy,
                1_000_000_000_001_000_000,
                market(Side::Buy),
                true
            ),
            Err(SwapError::SwapInputTooLarge)
        );
        let dry = dynamic(1_000_000_000, 999_999);
        assert_eq!(
            dry.swap(Side::Buy, 1_000, market(Side::Buy), false),
            Err(SwapError::ReservesTooLow)
        );
        // A limit stops a buy part-way, and the price ends at (or just below) the limit.
        let r = pool
            .swap(Side::Buy, 1_000_000_000, U64F64::from_num(0.3), false)
            .unwrap();
        assert!(r.paid_in < 999_496_453);
        let b = r.balancer;
        let end = b
            .price(4_000_000_000 - r.paid_out, 1_000_000_000 + r.paid_in)
            .to_num::<f64>();
        assert!(end <= 0.3 && end > 0.2999, "{end}");
        // Stable pools trade at 1 with no fee.
        let stable = Pool {
            mechanism: 0,
            ..pool
        };
        assert_eq!(stable.price(), U64F64::from_num(1));
        assert_eq!(stable.fee(1_000_000, false), 0);
        let r = stable
            .swap(Side::Buy, 1_234, market(Side::Buy), false)
            .unwrap();
        assert_eq!((r.paid_in, r.paid_out, r.fee), (1_234, 1_234, 0));
    }
}
