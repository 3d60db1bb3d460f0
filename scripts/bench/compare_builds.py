#!/usr/bin/env python3
"""Two builds of `ember train` and PyTorch side by side, for a change's regression check.

    python3 scripts/bench/compare_builds.py --old OLD/ember --new NEW/ember [--runs 2] [--torch PY] [WORKLOAD ...]

Build the commit before the change in a clone (`swift build -c release --product ember`), then run
the old build, the new one and shared/bench/torch_ref.py alternately, one epoch each, `--runs`
times, and print the median samples per second with new/old and new/PyTorch ratios.
"""
import argparse, statistics, tempfile

from workloads import ROOT, TORCH_REF, WORKLOADS, run


def main():
    p = argparse.ArgumentParser()
    p.add_argument("workloads", nargs="*", default=WORKLOADS)
    p.add_argument("--old", required=True)
    p.add_argument("--new", default=f"{ROOT}/.build/release/ember")
    p.add_argument("--runs", type=int, default=2)
    p.add_argument("--torch", default="/work/torchenv/bin/python")
    a = p.parse_args()
    tmp = tempfile.mkdtemp(prefix="ember-compare-")
    print("| workload | old samples/s | new samples/s | new/old | PyTorch samples/s | new/PyTorch |")
    print("|---|---|---|---|---|---|")
    for w in a.workloads:
        r = {"old": [], "new": [], "torch": []}
        for k in range(a.runs):
            for side in r:
                out = f"{tmp}/{side}-{w}-{k}.json"
                if side == "torch":
                    cmd = [a.torch, TORCH_REF, w.replace("-", "_"), "--epochs", "1", "--json", out]
                else:
                    cmd = [getattr(a, side), "train", w, "--epochs", "1", "--out", f"{tmp}/{side}-{w}", "--json", out]
                r[side].append(run(cmd, out)[0])
        m = {s: statistics.median(v) for s, v in r.items()}
        print(f"| {w} | {m['old']:,.0f} | {m['new']:,.0f} | {m['new'] / m['old']:.2f} | {m['torch']:,.0f} | "
              f"{m['new'] / m['torch']:.2f} |", flush=True)


if __name__ == "__main__":
    main()
