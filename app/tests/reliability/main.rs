//! Reliability, in process: bounded fuzzing of every decoder a peer or client reaches
//! (`fuzz`) and a simulation of random messages with the chain's invariants checked after
//! every block (`simulation`). One test binary, so CI links it once; `tests/fuzz.sh` and
//! `tests/simulate.sh` run the long versions.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

mod fuzz;
mod simulation;

/// No input may make the node ask for more than this in one allocation.
const ALLOC_LIMIT: usize = 256 << 20;

struct Counting;

thread_local! {
    /// The largest allocation this thread asked for since the last reset: per thread, as the
    /// tests run side by side and each target runs the node on its own test thread. (A
    /// const-initialised `Cell` needs no allocation, so the allocator may use it.)
    static LARGEST: Cell<usize> = const { Cell::new(0) };
}

fn note(size: usize) {
    let _ = LARGEST.try_with(|l| l.set(l.get().max(size)));
}

/// Resets this thread's record and returns what it was.
fn largest_allocation() -> usize {
    LARGEST.with(|l| l.replace(0))
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(new_size);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;
