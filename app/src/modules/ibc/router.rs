//! ibc-rs's router: which IBC application owns a port.

use ibc::core::host::types::identifiers::PortId;
use ibc::core::router::module::Module as IbcModule;
use ibc::core::router::router::Router;
use ibc::core::router::types::module::ModuleId;

use super::host::Shared;
use super::transfer::{self, Transfer};

/// The applications bound to ports, each over the same transaction context.
pub struct IbcRouter<'s, 'c, 'a> {
    transfer: Transfer<'s, 'c, 'a>,
}

impl<'s, 'c, 'a> IbcRouter<'s, 'c, 'a> {
    pub fn new(shared: &'s Shared<'c, 'a>) -> Self {
        IbcRouter {
            transfer: Transfer { shared },
        }
    }
}

impl Router for IbcRouter<'_, '_, '_> {
    fn get_route(&self, id: &ModuleId) -> Option<&dyn IbcModule> {
        match id.to_string().as_str() {
            transfer::PORT => Some(&self.transfer),
            _ => None,
        }
    }

    fn get_route_mut(&mut self, id: &ModuleId) -> Option<&mut dyn IbcModule> {
        match id.to_string().as_str() {
            transfer::PORT => Some(&mut self.transfer),
            _ => None,
        }
    }

    fn lookup_module(&self, port: &PortId) -> Option<ModuleId> {
        match port.as_str() {
            transfer::PORT => Some(ModuleId::new(transfer::PORT.to_string())),
            _ => None,
        }
    }
}
