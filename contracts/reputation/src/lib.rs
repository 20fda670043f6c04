pub mod contract;
pub mod error;
pub mod formula;
pub mod msg;
pub mod state;
