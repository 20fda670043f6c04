use std::hint::black_box;

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{
    to_json_binary, BankMsg, Binary, Deps, DepsMut, Env, Event, MessageInfo, Response, StdError,
    StdResult,
};

use crate::msg::{ExecuteMsg, InstantiateMsg, QueryMsg, SudoMsg};
use crate::state::RESULT;

const CHUNK: usize = 1 << 20;
const PAGE: usize = 4096;
const FRAME: usize = 1024;

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    _deps: DepsMut,
    _env: Env,
    _info: MessageInfo,
    _msg: InstantiateMsg,
) -> StdResult<Response> {
    Ok(Response::new().add_attribute("action", "instantiate"))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn sudo(deps: DepsMut, _env: Env, msg: SudoMsg) -> StdResult<Response> {
    let SudoMsg::InferenceResult { callback_data } = msg;
    let result = match callback_data.as_slice() {
        b"loop" => spin(),
        b"bomb" => hoard(),
        b"panic" => panic!("a consumer callback that panics"),
        other => {
            return Err(StdError::msg(format!(
                "refusing callback {:?}",
                other.len()
            )))
        }
    };
    RESULT.save(deps.storage, &result)?;
    Ok(Response::new().add_attribute("action", "callback"))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(
    deps: DepsMut,
    _env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> StdResult<Response> {
    let (action, result) = match msg {
        ExecuteMsg::Loop {} => ("loop", spin()),
        ExecuteMsg::MemoryBomb {} => ("memory_bomb", hoard()),
        ExecuteMsg::Recurse { depth } => ("recurse", dive(depth)),
        ExecuteMsg::BigData { bytes } => {
            return Ok(Response::new().set_data(vec![0x2a; bytes as usize]));
        }
        ExecuteMsg::ManyEvents { count, size } => {
            let value = "e".repeat(size as usize);
            let events =
                (0..count).map(|i| Event::new(format!("flood{i}")).add_attribute("v", &value));
            return Ok(Response::new().add_events(events));
        }
        ExecuteMsg::BigError { bytes } => {
            return Err(StdError::msg("x".repeat(bytes as usize)));
        }
        ExecuteMsg::Burn {} => {
            return Ok(Response::new()
                .add_attribute("action", "burn")
                .add_message(BankMsg::Burn { amount: info.funds }));
        }
    };
    RESULT.save(deps.storage, &result)?;
    Ok(Response::new()
        .add_attribute("action", action)
        .add_attribute("result", result.to_string()))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(_deps: Deps, _env: Env, msg: QueryMsg) -> StdResult<Binary> {
    match msg {
        QueryMsg::Loop {} => to_json_binary(&spin()),
        QueryMsg::Ping {} => to_json_binary("pong"),
    }
}

/// 2^64 rounds of a counter the optimizer cannot see through.
#[inline(never)]
fn spin() -> u64 {
    let mut n: u64 = 0;
    loop {
        n = black_box(n).wrapping_add(1);
        if n == 0 {
            return black_box(n);
        }
    }
}

/// Keeps every 1 MiB chunk alive, one byte of each 4 KiB page written (so the memory is
/// really committed, at little gas), until the allocator aborts at the memory limit.
#[inline(never)]
fn hoard() -> u64 {
    let mut chunks: Vec<Vec<u8>> = Vec::new();
    let mut total: u64 = 0;
    loop {
        let mut chunk: Vec<u8> = Vec::with_capacity(CHUNK);
        for (j, byte) in chunk
            .spare_capacity_mut()
            .iter_mut()
            .enumerate()
            .step_by(PAGE)
        {
            byte.write(black_box(j as u8) | 1);
        }
        total += chunk.capacity() as u64;
        chunks.push(black_box(chunk));
        if black_box(chunks.len()) == usize::MAX {
            return total;
        }
    }
}

/// Non-tail recursion with a 1 KiB array per frame kept live across the call.
#[inline(never)]
fn dive(depth: u32) -> u64 {
    let mut frame = [0u8; FRAME];
    frame[depth as usize % FRAME] = depth as u8;
    let frame = black_box(frame);
    if depth == 0 {
        return u64::from(frame[0]);
    }
    let below = dive(depth - 1);
    black_box(&frame);
    below + u64::from(frame[(depth as usize).wrapping_mul(7) % FRAME]) + 1
}
