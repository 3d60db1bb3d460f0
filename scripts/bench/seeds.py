#!/usr/bin/env python3
"""Test accuracy of the full recipes over several seeds, Ember beside PyTorch.

    python3 scripts/bench/seeds.py [--seeds 0 1 2 3 4] [--torch /work/torchenv/bin/python] [WORKLOAD ...]

Trains each workload for its recipe's epochs once per seed with `ember train --seed S` and with
shared/bench/torch_ref.py under `torch.manual_seed(S)` (torch_ref seeds 0 itself; the seed is
substituted), and prints a Markdown table of the accuracies with their mean and range. Accuracy
does not depend on timing, so this may run beside other work.
"""
import argparse, json, os, statistics, subprocess, tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TORCH_REF = os.path.join(ROOT, "..", "shared", "bench", "torch_ref.py")
# The recipes' epochs (torch_ref.py runs random-data throughput steps when --epochs is missing).
EPOCHS = {"softmax": 30, "mlp-scratch": 30, "mlp": 20, "lenet": 20, "bn-lenet": 5}
# Runs torch_ref.py with torch.manual_seed(0) replaced by torch.manual_seed(SEED).
SEEDED = ("import os, runpy, sys, torch; seed = torch.manual_seed; "
          "torch.manual_seed = lambda _: seed(int(os.environ['TORCH_REF_SEED'])); "
          "sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')")


def result(cmd, out, env=None):
    """The JSON result `cmd --json out` writes."""
    subprocess.run(cmd + ["--json", out], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env={**os.environ, **(env or {})})
    with open(out) as f:
        return json.load(f)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("workloads", nargs="*", default=["lenet", "bn-lenet"])
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    p.add_argument("--torch", default="/work/torchenv/bin/python")
    a = p.parse_args()
    tmp = tempfile.mkdtemp(prefix="ember-seeds-")
    print("| workload | framework | " + " | ".join(f"seed {s}" for s in a.seeds) + " | mean | range |")
    print("|---|---|" + "---|" * (len(a.seeds) + 2))
    for w in a.workloads:
        rows = {"Ember": [], "PyTorch": []}
        for s in a.seeds:
            rows["Ember"].append(result([f"{ROOT}/.build/release/ember", "train", w, "--seed", str(s),
                                         "--epochs", str(EPOCHS[w]),
                                         "--out", f"{tmp}/{w}-{s}"], f"{tmp}/ember-{w}-{s}.json")["test_accuracy"])
            rows["PyTorch"].append(result([a.torch, "-c", SEEDED, TORCH_REF, w.replace("-", "_"),
                                           "--epochs", str(EPOCHS[w])],
                                          f"{tmp}/torch-{w}-{s}.json", {"TORCH_REF_SEED": str(s)})["test_accuracy"])
        for name, accs in rows.items():
            cells = " | ".join(f"{x:.4f}" for x in accs)
            print(f"| {w} | {name} | {cells} | {statistics.mean(accs):.4f} | {min(accs):.4f}–{max(accs):.4f} |",
                  flush=True)


if __name__ == "__main__":
    main()
