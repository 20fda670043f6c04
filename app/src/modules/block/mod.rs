//! Block facts every module reads: the height and time of the last block that began, from
//! consensus (the proposer's header), never from a local clock. The block module is their one
//! owner: it records them at each block's start, and client queries (which run between
//! blocks) read them here — wasm's `env.block` of a smart query, for one.

mod state_key;

use crate::ctx::Ctx;
use crate::error::TxError;
use crate::router::Routes;
use crate::state::{StateRead, StateWrite};

use super::Module;

pub const NAME: &str = "block";

pub trait BlockRead: StateRead {
    /// Height and time (seconds, nanos since the Unix epoch) of the last block that began;
    /// (0, (0, 0)) before the first.
    fn last_block(&mut self) -> Result<(u64, (i64, i32)), TxError> {
        let Some(v) = self.get_raw(&state_key::last_block())? else {
            return Ok((0, (0, 0)));
        };
        let bytes: [u8; 20] = v
            .as_slice()
            .try_into()
            .map_err(|_| TxError::internal("corrupt last block record"))?;
        let height = u64::from_be_bytes(bytes[..8].try_into().expect("8 bytes"));
        let secs = i64::from_be_bytes(bytes[8..16].try_into().expect("8 bytes"));
        let nanos = i32::from_be_bytes(bytes[16..].try_into().expect("4 bytes"));
        Ok((height, (secs, nanos)))
    }
}

impl<S: StateRead + ?Sized> BlockRead for S {}

trait BlockWrite: StateWrite {
    fn put_last_block(&mut self, height: u64, (secs, nanos): (i64, i32)) -> Result<(), TxError> {
        let mut v = Vec::with_capacity(20);
        v.extend_from_slice(&height.to_be_bytes());
        v.extend_from_slice(&secs.to_be_bytes());
        v.extend_from_slice(&nanos.to_be_bytes());
        self.put_raw(state_key::last_block(), v)
    }
}

impl<S: StateWrite + ?Sized> BlockWrite for S {}

pub struct Block;

impl Module for Block {
    fn name(&self) -> &'static str {
        NAME
    }

    fn register(&self, _routes: &mut Routes) {}

    fn begin_block(&self, ctx: &mut Ctx) -> Result<(), TxError> {
        let (height, time) = (ctx.block.height, ctx.block.time);
        ctx.put_last_block(height, time)
    }
}
