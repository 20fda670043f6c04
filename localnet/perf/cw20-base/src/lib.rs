//! cw20-base 2.0.0 as it is: linking the crate brings its `instantiate`, `execute`, `query`
//! and `migrate` exports into this cdylib.
pub use cw20_base;
