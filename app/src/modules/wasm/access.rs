//! Who may instantiate a code (wasmd's `AccessConfig`): set at upload, changed by the code's
//! creator with `MsgUpdateInstantiateConfig`, enforced on every instantiation — by accounts
//! and by contracts alike. The wasm authority (governance) may always instantiate, as
//! wasmd's governance policy may.

use cosmos_sdk_proto::cosmwasm::wasm::v1::{AccessConfig, AccessType};

use super::WasmError;
use crate::address::Address;
use crate::error::TxError;

/// Uploads without a permission get this one (wasmd's default `instantiate_default_permission`).
pub fn everybody() -> AccessConfig {
    AccessConfig {
        permission: AccessType::Everybody as i32,
        addresses: vec![],
    }
}

/// The instantiate permission of an upload that names none: the params' default, for
/// `AnyOfAddresses` the uploader alone (as wasmd).
pub fn default_for(default: i32, uploader: &Address) -> AccessConfig {
    match AccessType::try_from(default) {
        Ok(AccessType::AnyOfAddresses) => AccessConfig {
            permission: AccessType::AnyOfAddresses as i32,
            addresses: vec![uploader.to_bech32()],
        },
        Ok(AccessType::Nobody) => AccessConfig {
            permission: AccessType::Nobody as i32,
            addresses: vec![],
        },
        _ => everybody(),
    }
}

/// Stateless validation, as wasmd's `AccessConfig.ValidateBasic`: `Nobody` and `Everybody`
/// name no addresses; `AnyOfAddresses` names at least one, each valid and listed once.
pub fn validate(config: &AccessConfig) -> Result<(), TxError> {
    let invalid = |why: String| WasmError::Invalid.err(format!("instantiate permission: {why}"));
    match AccessType::try_from(config.permission) {
        Ok(AccessType::Nobody) | Ok(AccessType::Everybody) => {
            if !config.addresses.is_empty() {
                return Err(invalid(
                    "addresses are only allowed with AnyOfAddresses".into(),
                ));
            }
        }
        Ok(AccessType::AnyOfAddresses) => {
            if config.addresses.is_empty() {
                return Err(invalid("AnyOfAddresses needs at least one address".into()));
            }
            let mut seen = std::collections::BTreeSet::new();
            for a in &config.addresses {
                let parsed: Address = a
                    .parse()
                    .map_err(|e| TxError::invalid_address(format!("{a:?}: {e}")))?;
                if !seen.insert(parsed) {
                    return Err(invalid(format!("duplicate address {a}")));
                }
            }
        }
        _ => {
            return Err(invalid(format!(
                "unknown access type {}",
                config.permission
            )))
        }
    }
    Ok(())
}

/// Whether `actor` may instantiate under `config`. Stored configs were validated; an
/// unparsable address in one simply matches nobody.
pub fn allows(config: &AccessConfig, actor: &Address) -> bool {
    match AccessType::try_from(config.permission) {
        Ok(AccessType::Everybody) => true,
        Ok(AccessType::AnyOfAddresses) => config
            .addresses
            .iter()
            .any(|a| a.parse::<Address>().is_ok_and(|a| &a == actor)),
        _ => false,
    }
}

/// A short description for errors and events (`Everybody`, `Nobody`, `AnyOfAddresses[…]`).
pub fn describe(config: &AccessConfig) -> String {
    match AccessType::try_from(config.permission) {
        Ok(AccessType::Everybody) => "Everybody".into(),
        Ok(AccessType::Nobody) => "Nobody".into(),
        Ok(AccessType::AnyOfAddresses) => format!("AnyOfAddresses[{}]", config.addresses.join(",")),
        _ => format!("Unspecified({})", config.permission),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(n: u8) -> Address {
        Address::from_bytes(vec![n; 20]).unwrap()
    }

    fn any_of(addrs: &[Address]) -> AccessConfig {
        AccessConfig {
            permission: AccessType::AnyOfAddresses as i32,
            addresses: addrs.iter().map(|a| a.to_bech32()).collect(),
        }
    }

    #[test]
    fn validation_follows_wasmd() {
        assert!(validate(&everybody()).is_ok());
        let nobody = AccessConfig {
            permission: AccessType::Nobody as i32,
            addresses: vec![],
        };
        assert!(validate(&nobody).is_ok());
        assert!(validate(&any_of(&[addr(1), addr(2)])).is_ok());
        let mut with_addr = everybody();
        with_addr.addresses.push(addr(1).to_bech32());
        assert_eq!(
            validate(&with_addr).unwrap_err().code,
            WasmError::Invalid as u32
        );
        assert!(validate(&any_of(&[])).is_err());
        assert!(validate(&any_of(&[addr(1), addr(1)])).is_err());
        let mut bad = any_of(&[addr(1)]);
        bad.addresses.push("infer1notanaddress".into());
        assert_eq!(validate(&bad).unwrap_err().code, 7);
        let unspecified = AccessConfig {
            permission: AccessType::Unspecified as i32,
            addresses: vec![],
        };
        assert!(validate(&unspecified).is_err());
        let unknown = AccessConfig {
            permission: 2,
            addresses: vec![],
        };
        assert!(validate(&unknown).is_err());
    }

    #[test]
    fn only_the_listed_may_instantiate() {
        assert!(allows(&everybody(), &addr(9)));
        let nobody = AccessConfig {
            permission: AccessType::Nobody as i32,
            addresses: vec![],
        };
        assert!(!allows(&nobody, &addr(1)));
        let list = any_of(&[addr(1), addr(2)]);
        assert!(allows(&list, &addr(2)));
        assert!(!allows(&list, &addr(3)));
        assert_eq!(
            describe(&any_of(&[addr(1)])),
            format!("AnyOfAddresses[{}]", addr(1).to_bech32())
        );
    }
}
