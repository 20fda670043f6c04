//! ibc-rs's router: which IBC application owns a port — ICS-20's `transfer`, and the ports
//! other modules bound with an [`IbcApp`].

use std::sync::Arc;

use ibc::core::host::types::identifiers::PortId;
use ibc::core::router::module::Module as IbcModule;
use ibc::core::router::router::Router;
use ibc::core::router::types::module::ModuleId;

use super::apps::IbcApp;
use super::host::Shared;
use super::transfer::{self, Transfer};

/// The applications bound to ports, each over the same transaction context.
pub struct IbcRouter<'s, 'c, 'a> {
    transfer: Transfer<'s, 'c, 'a>,
    apps: Vec<(&'static str, Box<dyn IbcModule + 's>)>,
}

impl<'s, 'c, 'a> IbcRouter<'s, 'c, 'a> {
    pub fn new(shared: &'s Shared<'c, 'a>, apps: &[Arc<dyn IbcApp>]) -> Self {
        IbcRouter {
            transfer: Transfer { shared },
            apps: apps.iter().map(|a| (a.port(), a.bind(shared))).collect(),
        }
    }
}

impl Router for IbcRouter<'_, '_, '_> {
    fn get_route(&self, id: &ModuleId) -> Option<&dyn IbcModule> {
        let id = id.to_string();
        if id == transfer::PORT {
            return Some(&self.transfer);
        }
        self.apps
            .iter()
            .find(|(port, _)| *port == id)
            .map(|(_, m)| m.as_ref() as &dyn IbcModule)
    }

    fn get_route_mut(&mut self, id: &ModuleId) -> Option<&mut dyn IbcModule> {
        let id = id.to_string();
        if id == transfer::PORT {
            return Some(&mut self.transfer);
        }
        self.apps
            .iter_mut()
            .find(|(port, _)| *port == id)
            .map(|(_, m)| m.as_mut() as &mut dyn IbcModule)
    }

    fn lookup_module(&self, port: &PortId) -> Option<ModuleId> {
        let port = port.as_str();
        (port == transfer::PORT || self.apps.iter().any(|(p, _)| *p == port))
            .then(|| ModuleId::new(port.to_string()))
    }
}
