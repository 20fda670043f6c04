mod compile;
mod engine;
mod gatekeeper;
mod limiting_tunables;
mod metering;

#[cfg(test)]
pub use engine::make_compiler_config;

pub use compile::{compile, compile_module};
pub use engine::{make_compiling_engine, make_runtime_engine, COST_FUNCTION_HASH};
pub use gatekeeper::Gatekeeper;
pub use limiting_tunables::LimitingTunables;
pub use metering::{is_accounting, Metering};
