#!/usr/bin/env python3
"""Issue 5's table: each textbook workload's full recipe once with Ember and once with PyTorch.

    python3 scripts/bench/recipes.py [--seed 0] [--torch /work/torchenv/bin/python] [WORKLOAD ...]

Runs `ember train W --seed S` and shared/bench/torch_ref.py W under `torch.manual_seed(S)` one
after the other for the recipe's epochs and prints a Markdown table of test accuracy, samples per
second and start-up to the first step, with the ratios PyTorch / Ember for time.
"""
import argparse, tempfile

from seeds import EPOCHS, ROOT, SEEDED, TORCH_REF, result


def main():
    p = argparse.ArgumentParser()
    p.add_argument("workloads", nargs="*", default=list(EPOCHS))
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--torch", default="/work/torchenv/bin/python")
    a = p.parse_args()
    tmp = tempfile.mkdtemp(prefix="ember-recipes-")
    print("| workload (epochs) | Ember acc | PyTorch acc | Ember samples/s | PyTorch | ratio | Ember start-up s | PyTorch | ratio |")
    print("|---|---|---|---|---|---|---|---|---|")
    for w in a.workloads:
        e = EPOCHS[w]
        ember = result([f"{ROOT}/.build/release/ember", "train", w, "--epochs", str(e), "--seed", str(a.seed),
                     "--out", f"{tmp}/{w}"], f"{tmp}/ember-{w}.json")
        torch = result([a.torch, "-c", SEEDED, TORCH_REF, w.replace("-", "_"), "--epochs", str(e)], f"{tmp}/torch-{w}.json",
                    {"TORCH_REF_SEED": str(a.seed)})
        es, ts = ember["samples_per_s"], torch["samples_per_s"]
        eu, tu = ember["startup_to_first_step_s"], torch["startup_to_first_step_s"]
        print(f"| {w} ({e}) | {ember['test_accuracy']:.4f} | {torch['test_accuracy']:.4f} | {es:,.0f} | {ts:,.0f} | "
              f"{es / ts:.2f} | {eu:.2f} | {tu:.2f} | {tu / eu:.0f}× |", flush=True)


if __name__ == "__main__":
    main()
