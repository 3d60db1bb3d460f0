#!/usr/bin/env python3
"""PyTorch reference for `ember bench adam`: median milliseconds of one `Adam.step()` over the
parameter shapes of shared/bench/torch_ref.py's ResNet-18 (76 tensors, 11,178,378 floats).

    /work/torchenv/bin/python scripts/bench/adam_ref.py [--threads 2] [--reps 20] [--json FILE]

Prints one JSON object: `step_ms` for PyTorch's default on CPU (the single-tensor for-loop, as
foreach defaults to off for CPU tensors), `step_ms_foreach` (foreach=True) and `step_ms_fused`
(fused=True, PyTorch's fused CPU kernel).
"""
import argparse
import json
import time

import torch


def shapes():
    """The parameter shapes in resnet18().parameters() order, as Bench.AdamStep.shapes lists them."""
    out = [(64, 1, 7, 7), (64,), (64,), (64,)]
    for cin, cout, first in [(64, 64, True), (64, 128, False), (128, 256, False), (256, 512, False)]:
        for block in range(2):
            c_in = cin if block == 0 else cout
            out += [(cout, c_in, 3, 3), (cout,), (cout, cout, 3, 3), (cout,)]
            if block == 0 and not first:
                out += [(cout, cin, 1, 1), (cout,)]
            out += [(cout,)] * 4
    return out + [(10, 512), (10,)]


def time_step(reps, **kw):
    torch.manual_seed(0)
    params = []
    for s in shapes():
        p = (torch.rand(s) * 0.2 - 0.1).requires_grad_()
        p.grad = torch.rand(s) * 0.02 - 0.01
        params.append(p)
    opt = torch.optim.Adam(params, lr=1e-3, **kw)
    opt.step()
    opt.step()
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        opt.step()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return round(times[len(times) // 2], 3), params


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--json")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    default, params = time_step(a.reps)
    result = {"workload": "adam_step", "torch": torch.__version__, "threads": a.threads, "reps": a.reps,
              "tensors": len(params), "parameters": sum(p.numel() for p in params), "step_ms": default,
              "step_ms_foreach": time_step(a.reps, foreach=True)[0],
              "step_ms_fused": time_step(a.reps, fused=True)[0]}
    print(json.dumps(result, sort_keys=True))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(result, f, sort_keys=True)


if __name__ == "__main__":
    main()
