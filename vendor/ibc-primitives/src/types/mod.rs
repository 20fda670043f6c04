mod signer;
mod timestamp;

pub use signer::*;
pub use timestamp::*;
