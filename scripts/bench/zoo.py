#!/usr/bin/env python3
"""Side-by-side `ember bench MODEL` and `shared/bench/torch_ref.py MODEL`: training and evaluation
samples/s on random images of the model's input size, and peak RSS.

    python3 scripts/bench/zoo.py [--steps 10] [--runs 1] [--torch /work/torch215/bin/python] [MODEL ...]

Runs each model alternately with Ember (release build in .build/release) and PyTorch, `--runs`
times each, and prints a Markdown table of the medians and their ratios (Ember / PyTorch for
speed, Ember / PyTorch for memory: the bar is ≥ 1.25 and ≤ 0.6).
"""
import argparse, json, os, statistics, subprocess, tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TORCH_REF = os.path.join(ROOT, "..", "shared", "bench", "torch_ref.py")
MODELS = ["resnet18", "densenet", "googlenet", "mobilenet-v2", "alexnet", "vgg11", "nin"]


def run(cmd, out):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(out) as f:
        r = json.load(f)
    return r["train_samples_per_s"], r["eval_samples_per_s"], r["peak_rss_mib"]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("models", nargs="*", default=MODELS)
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--runs", type=int, default=1)
    p.add_argument("--torch", default="/work/torch215/bin/python")
    a = p.parse_args()
    tmp = tempfile.mkdtemp(prefix="ember-zoo-")
    print("| model | batch | train Ember / PyTorch | ratio | eval Ember / PyTorch | ratio | peak RSS MiB Ember / PyTorch | ratio |")
    print("|---|---|---|---|---|---|---|---|")
    for m in a.models:
        ember, torch = [], []
        for k in range(a.runs):
            out = f"{tmp}/ember-{m}-{k}.json"
            ember.append(run([f"{ROOT}/.build/release/ember", "bench", m, "--steps", str(a.steps), "--json", out], out))
            out = f"{tmp}/torch-{m}-{k}.json"
            torch.append(run([a.torch, TORCH_REF, m.replace("-", "_"), "--steps", str(a.steps), "--json", out], out))
        e = [statistics.median(r[i] for r in ember) for i in range(3)]
        t = [statistics.median(r[i] for r in torch) for i in range(3)]
        batch = 64 if m in ("resnet18", "densenet", "googlenet", "mobilenet-v2") else 32
        print(f"| {m} | {batch} | {e[0]:.1f} / {t[0]:.1f} | {e[0] / t[0]:.2f} | {e[1]:.1f} / {t[1]:.1f} | {e[1] / t[1]:.2f} "
              f"| {e[2]:.0f} / {t[2]:.0f} | {e[2] / t[2]:.2f} |", flush=True)


if __name__ == "__main__":
    main()
