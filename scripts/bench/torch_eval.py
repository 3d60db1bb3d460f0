#!/usr/bin/env python3
"""PyTorch's test accuracy for weights Ember wrote: loads a `model.safetensors` from `ember train
MODEL` into `shared/bench/torch_ref.py`'s own definition of MODEL (strict keys, batch-norm
running statistics included) and evaluates it on the Fashion-MNIST test split at the recipe's
image size, as torch_ref.py evaluates.

    /work/torch215/bin/python scripts/bench/torch_eval.py resnet18 runs/resnet18/model.safetensors
"""
import argparse, os, sys

import torch
from safetensors.torch import load_file

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "bench"))
import torch_ref  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("model")
    p.add_argument("weights")
    p.add_argument("--data", default=torch_ref.FMNIST)
    a = p.parse_args()
    torch.set_num_threads(2)
    name = a.model.replace("-", "_")
    ctor, size = torch_ref.MODELS[name][:2]
    model = ctor()
    model.load_state_dict(load_file(a.weights), strict=True)
    model.eval()
    xte, yte = torch_ref.fashion(a.data, size)["test"]
    with torch.no_grad():
        correct = sum(int((model(xte[k:k + 500]).argmax(1) == yte[k:k + 500]).sum()) for k in range(0, len(yte), 500))
    print(f"{name}: PyTorch's test accuracy for {a.weights}: {correct / len(yte):.4f}")


if __name__ == "__main__":
    main()
