#!/usr/bin/env python3
"""Side-by-side training throughput and start-up of `ember train` and shared/bench/torch_ref.py.

    python3 scripts/bench/workloads.py [--epochs 1] [--runs 2] [--torch /work/torchenv/bin/python] [WORKLOAD ...]

Runs each workload alternately with Ember (release build in .build/release) and PyTorch, `--runs`
times each, and prints a Markdown table of samples per second (median), the ratio, and the
seconds from process start to the first finished step. linreg reports 2000·epochs/train_seconds.
"""
import argparse, json, os, statistics, subprocess, tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TORCH_REF = os.path.join(ROOT, "..", "shared", "bench", "torch_ref.py")
WORKLOADS = ["linreg", "softmax", "mlp-scratch", "mlp", "lenet", "bn-lenet"]


def run(cmd, out):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(out) as f:
        r = json.load(f)
    sps = r.get("samples_per_s") or 2000 * r["epochs"] / r["train_seconds"]
    return sps, r["startup_to_first_step_s"], r.get("test_accuracy")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("workloads", nargs="*", default=WORKLOADS)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--runs", type=int, default=2)
    p.add_argument("--torch", default="/work/torchenv/bin/python")
    a = p.parse_args()
    tmp = tempfile.mkdtemp(prefix="ember-bench-")
    print("| workload | Ember samples/s | PyTorch samples/s | ratio | Ember start-up s | PyTorch start-up s | ratio |")
    print("|---|---|---|---|---|---|---|")
    for w in a.workloads:
        ember, torch = [], []
        for k in range(a.runs):
            out = f"{tmp}/ember-{w}-{k}.json"
            ember.append(run([f"{ROOT}/.build/release/ember", "train", w, "--epochs", str(a.epochs),
                              "--out", f"{tmp}/{w}", "--json", out], out))
            out = f"{tmp}/torch-{w}-{k}.json"
            torch.append(run([a.torch, TORCH_REF, w.replace("-", "_"), "--epochs", str(a.epochs), "--json", out], out))
        es, ts = statistics.median(r[0] for r in ember), statistics.median(r[0] for r in torch)
        eu, tu = statistics.median(r[1] for r in ember), statistics.median(r[1] for r in torch)
        print(f"| {w} | {es:,.0f} | {ts:,.0f} | {es / ts:.2f} | {eu:.2f} | {tu:.2f} | {tu / eu:.0f}× |", flush=True)


if __name__ == "__main__":
    main()
