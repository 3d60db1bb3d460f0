#!/usr/bin/env python3
"""Side-by-side conv-layer timings of `ember bench layers` and shared/bench/torch_ref.py layers.

    python3 scripts/bench/layers.py [--runs 3] [--torch /work/torchenv/bin/python]

Runs both alternately, `--runs` times each, and prints a Markdown table of the median forward and
forward + backward milliseconds per layer with the ratio PyTorch / Ember (above 1: Ember faster).
"""
import argparse, json, os, statistics, subprocess, tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TORCH_REF = os.path.join(ROOT, "..", "shared", "bench", "torch_ref.py")


def run(cmd, out):
    subprocess.run(cmd + ["--json", out], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(out) as f:
        return json.load(f)["layers"]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--torch", default="/work/torchenv/bin/python")
    a = p.parse_args()
    tmp = tempfile.mkdtemp(prefix="ember-layers-")
    ember, torch = [], []
    for k in range(a.runs):
        ember.append(run([f"{ROOT}/.build/release/ember", "bench", "layers"], f"{tmp}/ember-{k}.json"))
        torch.append(run([a.torch, TORCH_REF, "layers"], f"{tmp}/torch-{k}.json"))
    print("| layer | Ember forward ms | PyTorch | ratio | Ember fwd+bwd ms | PyTorch | ratio |")
    print("|---|---|---|---|---|---|---|")
    for name in torch[0]:
        cells = []
        for key in ("forward_ms", "train_ms"):
            e = statistics.median(r[name][key] for r in ember)
            t = statistics.median(r[name][key] for r in torch)
            cells += [f"{e:.2f}", f"{t:.2f}", f"{t / e:.2f}"]
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
