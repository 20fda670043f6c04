//! Coins as the SDK writes them: `amount` is a decimal string, `denom` a validated name.

use std::collections::BTreeMap;
use std::fmt;

use cosmos_sdk_proto::cosmos::base::v1beta1::Coin as ProtoCoin;

use crate::error::TxError;

/// The native staking and fee token's base denomination.
pub const NATIVE_DENOM: &str = "uspec";

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Coin {
    pub denom: String,
    pub amount: u128,
}

/// Validates a denomination like the SDK (`[a-zA-Z][a-zA-Z0-9/:._-]{2,127}`).
pub fn validate_denom(denom: &str) -> Result<(), TxError> {
    let ok = (3..=128).contains(&denom.len())
        && denom
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
        && denom
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/:._-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(TxError::invalid_coins(format!("invalid denom: {denom}")))
    }
}

impl Coin {
    pub fn new(denom: &str, amount: u128) -> Self {
        Coin {
            denom: denom.to_string(),
            amount,
        }
    }

    pub fn to_proto(&self) -> ProtoCoin {
        ProtoCoin {
            denom: self.denom.clone(),
            amount: self.amount.to_string(),
        }
    }
}

impl TryFrom<&ProtoCoin> for Coin {
    type Error = TxError;

    fn try_from(c: &ProtoCoin) -> Result<Self, TxError> {
        validate_denom(&c.denom)?;
        if c.amount.is_empty() || !c.amount.bytes().all(|b| b.is_ascii_digit()) {
            return Err(TxError::invalid_coins(format!(
                "invalid amount: {:?}",
                c.amount
            )));
        }
        let amount: u128 = c
            .amount
            .parse()
            .map_err(|_| TxError::invalid_coins(format!("amount out of range: {}", c.amount)))?;
        Ok(Coin {
            denom: c.denom.clone(),
            amount,
        })
    }
}

impl fmt::Display for Coin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.amount, self.denom)
    }
}

/// A validated coin list: positive amounts, each denom once, sorted — as `sdk.Coins.Validate`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Coins(pub Vec<Coin>);

impl Coins {
    pub fn from_proto(coins: &[ProtoCoin]) -> Result<Self, TxError> {
        let mut out: Vec<Coin> = coins.iter().map(Coin::try_from).collect::<Result<_, _>>()?;
        for c in &out {
            if c.amount == 0 {
                return Err(TxError::invalid_coins(format!(
                    "coin {c} amount is not positive"
                )));
            }
        }
        let sorted = out.windows(2).all(|w| w[0].denom < w[1].denom);
        if !sorted {
            out.sort();
            if out.windows(2).any(|w| w[0].denom == w[1].denom) {
                return Err(TxError::invalid_coins("duplicate denomination"));
            }
            return Err(TxError::invalid_coins(
                "coins are not sorted by denomination",
            ));
        }
        Ok(Coins(out))
    }

    /// Parses the CLI form `100uspec,5foo`.
    pub fn parse(s: &str) -> Result<Self, TxError> {
        let mut by_denom = BTreeMap::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let split = part
                .find(|c: char| !c.is_ascii_digit())
                .ok_or_else(|| TxError::invalid_coins(format!("missing denom in {part:?}")))?;
            let (amount, denom) = part.split_at(split);
            let coin = Coin::try_from(&ProtoCoin {
                denom: denom.to_string(),
                amount: amount.to_string(),
            })?;
            if by_denom.insert(coin.denom.clone(), coin.amount).is_some() {
                return Err(TxError::invalid_coins(format!("duplicate denom {denom}")));
            }
        }
        Ok(Coins(
            by_denom
                .into_iter()
                .map(|(d, a)| Coin {
                    denom: d,
                    amount: a,
                })
                .collect(),
        ))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn amount_of(&self, denom: &str) -> u128 {
        self.0
            .iter()
            .find(|c| c.denom == denom)
            .map_or(0, |c| c.amount)
    }

    pub fn to_proto(&self) -> Vec<ProtoCoin> {
        self.0.iter().map(Coin::to_proto).collect()
    }
}

impl fmt::Display for Coins {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|c| c.to_string()).collect();
        f.write_str(&parts.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_validate() {
        let c = Coins::parse("5foo,100uspec").unwrap();
        assert_eq!(c.to_string(), "5foo,100uspec");
        assert!(Coins::parse("100").is_err());
        assert!(Coins::parse("1uspec,2uspec").is_err());
        let unsorted = vec![
            Coin::new("uspec", 1).to_proto(),
            Coin::new("foo", 1).to_proto(),
        ];
        assert!(Coins::from_proto(&unsorted).is_err());
        let zero = vec![Coin::new("uspec", 0).to_proto()];
        assert!(Coins::from_proto(&zero).is_err());
        let bad = vec![ProtoCoin {
            denom: "uspec".into(),
            amount: "-5".into(),
        }];
        assert!(Coins::from_proto(&bad).is_err());
    }
}

/// A minimum gas price like `0.025uspec`, kept as an exact fraction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GasPrice {
    pub numerator: u128,
    pub denominator: u128,
    pub denom: String,
}

impl GasPrice {
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let split = s
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(|| format!("gas price {s:?} has no denom"))?;
        let (num, denom) = s.split_at(split);
        let (int, frac) = num.split_once('.').unwrap_or((num, ""));
        if int.is_empty() && frac.is_empty() || frac.len() > 18 {
            return Err(format!("invalid gas price amount {num:?}"));
        }
        let digits = format!("{int}{frac}");
        let numerator = digits
            .parse::<u128>()
            .map_err(|e| format!("gas price {num:?}: {e}"))?;
        validate_denom(denom).map_err(|e| e.log)?;
        Ok(GasPrice {
            numerator,
            denominator: 10u128.pow(frac.len() as u32),
            denom: denom.into(),
        })
    }

    /// Fee required for `gas`, rounded up.
    pub fn fee_for(&self, gas: u64) -> u128 {
        (gas as u128 * self.numerator).div_ceil(self.denominator)
    }
}
