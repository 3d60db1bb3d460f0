#!/usr/bin/env python3
"""Side-by-side `ember bench lstm|gru|rnn` and `shared/bench/torch_ref.py lstm|gru|rnn`: the RNN
chapter's character model (one-hot over 28 symbols, 35 steps, batch 32, hidden 256, a linear
head, cross-entropy, Adam), training tokens/s and peak RSS.

    python3 scripts/bench/recurrent.py [--steps 50] [--runs 3] [--torch /work/torch215/bin/python]
                                       [--old OLD/ember] [lstm gru rnn]

Runs Ember (release build in .build/release) and PyTorch alternately, `--runs` times each, one
process at a time, and prints a Markdown table of the medians, their ratio (the bar: Ember's
tokens/s at least 1.5× PyTorch's) and the lowest and highest ratio of a run to the PyTorch run
beside it: on a shared host either side's rate moves by a third between runs minutes apart.
`--old` adds an older build to each round, for a change's before and after under the same noise.
"""
import argparse, json, os, statistics, subprocess, tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TORCH_REF = os.path.join(ROOT, "..", "shared", "bench", "torch_ref.py")


def run(cmd, out):
    subprocess.run(cmd + ["--json", out], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(out) as f:
        r = json.load(f)
    return r["train_tokens_per_s"], r["startup_to_first_step_s"], r["peak_rss_mib"]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("workloads", nargs="*", default=["lstm", "gru", "rnn"])
    p.add_argument("--steps", type=int, default=50)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--torch", default="/work/torch215/bin/python")
    p.add_argument("--old", help="an older ember binary, run in each round before the new one")
    a = p.parse_args()
    tmp = tempfile.mkdtemp(prefix="ember-rnn-")
    old = " | old tokens/s | new/old" if a.old else ""
    print(f"| workload | tokens/s Ember / PyTorch | ratio | run ratios | first step s Ember / PyTorch | peak RSS MiB Ember / PyTorch{old} |")
    print("|---|---|---|---|---|---|" + ("---|---|" if a.old else ""))
    for w in a.workloads:
        ember, torch, before = [], [], []
        for k in range(a.runs):
            if a.old:
                before.append(run([a.old, "bench", w, "--steps", str(a.steps)], f"{tmp}/old-{w}-{k}.json"))
            ember.append(run([f"{ROOT}/.build/release/ember", "bench", w, "--steps", str(a.steps)], f"{tmp}/ember-{w}-{k}.json"))
            torch.append(run([a.torch, TORCH_REF, w, "--steps", str(a.steps)], f"{tmp}/torch-{w}-{k}.json"))
        e = [statistics.median(r[i] for r in ember) for i in range(3)]
        t = [statistics.median(r[i] for r in torch) for i in range(3)]
        ratios = [x[0] / y[0] for x, y in zip(ember, torch)]
        row = (f"| {w} | {e[0]:.0f} / {t[0]:.0f} | {e[0] / t[0]:.2f} | {min(ratios):.2f}–{max(ratios):.2f} | "
               f"{e[1]:.2f} / {t[1]:.2f} | {e[2]:.0f} / {t[2]:.0f} |")
        if a.old:
            o = statistics.median(r[0] for r in before)
            row += f" {o:.0f} | {e[0] / o:.2f} |"
        print(row, flush=True)


if __name__ == "__main__":
    main()
