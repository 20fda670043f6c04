#!/usr/bin/env python3
"""EZKL side of the benchmark: the same MLP weights (float.json written by
`inferchain-prover train`) exported to ONNX, proved with EZKL (PyPI `ezkl`), local SRS from
ezkl.gen_srs (no downloads). One configuration per process so peak memory is per config.

usage: ezkl_bench.py <float.json> <workdir> <config> <reps>
config: `default` (calibrated for resources) or `tuned:<decomp base>x<legs>@<logrows>`
(`tuned` alone = 1024x3@12). Prints one JSON line.
"""
import asyncio
import json
import os
import resource
import statistics
import sys
import time

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

import ezkl


def run(x):
    """ezkl functions are sync or async depending on the version."""
    if asyncio.iscoroutine(x):
        return asyncio.run(x)
    return x


def export_onnx(float_json, path):
    m = json.load(open(float_json))
    layers = m["layers"]
    dims = [int(d) for d in m["arch"].split("-")[1:]]
    nodes, inits = [], []
    cur = "input"
    for l, layer in enumerate(layers):
        n_in, n_out = dims[l], dims[l + 1]
        w = np.array(layer["weights"], dtype=np.float32).reshape(n_out, n_in)
        b = np.array(layer["bias"], dtype=np.float32)
        inits.append(numpy_helper.from_array(w, f"W{l}"))
        inits.append(numpy_helper.from_array(b, f"B{l}"))
        out = "output" if l == len(layers) - 1 else f"h{l}"
        gemm_out = out if l == len(layers) - 1 else f"g{l}"
        nodes.append(helper.make_node("Gemm", [cur, f"W{l}", f"B{l}"], [gemm_out], transB=1))
        if l < len(layers) - 1:
            nodes.append(helper.make_node("Relu", [gemm_out], [out]))
        cur = out
    graph = helper.make_graph(
        nodes,
        "mlp",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, dims[0]])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, dims[-1]])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)
    return dims


def main():
    float_json, work, config, reps = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    os.makedirs(work, exist_ok=True)
    tag = config.replace(":", "_").replace("@", "_")
    p = lambda n: os.path.join(work, f"{tag}_{n}")
    dims = export_onnx(float_json, p("model.onnx"))
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, size=dims[0]).round(3).tolist()
    json.dump({"input_data": [x]}, open(p("input.json"), "w"))

    args = ezkl.PyRunArgs()
    args.input_visibility = "public"
    args.output_visibility = "public"
    args.param_visibility = "private"
    tuning = None
    if config.startswith("tuned"):
        spec = config.split(":", 1)[1] if ":" in config else "1024x3@12"
        base_legs, logrows = spec.split("@")
        base, legs = base_legs.split("x")
        tuning = {"decomp_base": int(base), "decomp_legs": int(legs), "logrows": int(logrows)}
        args.decomp_base = tuning["decomp_base"]
        args.decomp_legs = tuning["decomp_legs"]
        args.logrows = tuning["logrows"]
    t = time.time()
    assert run(ezkl.gen_settings(p("model.onnx"), p("settings.json"), py_run_args=args))
    if config == "default":
        run(ezkl.calibrate_settings(p("input.json"), p("model.onnx"), p("settings.json"), "resources"))
    assert run(ezkl.compile_circuit(p("model.onnx"), p("compiled"), p("settings.json")))
    settings = json.load(open(p("settings.json")))
    logrows = settings["run_args"]["logrows"]
    srs = os.path.join(work, f"srs_{logrows}")
    if not os.path.exists(srs):
        run(ezkl.gen_srs(srs, logrows))
    run(ezkl.gen_witness(p("input.json"), p("compiled"), p("witness.json")))
    assert run(ezkl.setup(p("compiled"), p("vk"), p("pk"), srs))
    setup_s = time.time() - t
    prove, verify = [], []
    for _ in range(reps):
        t = time.time()
        run(ezkl.prove(p("witness.json"), p("compiled"), p("pk"), p("proof.json"), srs))
        prove.append(time.time() - t)
        t = time.time()
        assert run(ezkl.verify(p("proof.json"), p("settings.json"), p("vk"), srs))
        verify.append((time.time() - t) * 1000)
    proof = json.load(open(p("proof.json")))
    raw = proof.get("proof")
    raw_len = len(bytes(raw)) if isinstance(raw, list) else (len(raw) - 2) // 2 if isinstance(raw, str) else None
    print(json.dumps({
        "system": "ezkl", "config": config, "tuning": tuning, "arch": "mlp-" + "-".join(map(str, dims)),
        "logrows": logrows, "setup_s": setup_s, "prove_s_all": prove,
        "prove_s_median": statistics.median(prove), "verify_ms_median": statistics.median(verify),
        "proof_bytes": raw_len, "proof_json_bytes": os.path.getsize(p("proof.json")),
        "pk_bytes": os.path.getsize(p("pk")),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
    }))


if __name__ == "__main__":
    main()
