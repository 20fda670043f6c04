//! zkML prover for InferChain (being built: see issue 5).
