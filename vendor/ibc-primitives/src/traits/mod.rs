mod proto;

pub use proto::*;
