#!/usr/bin/env python3
"""Checks `ember export` against onnxruntime and PyTorch: for each model, PyTorch's definition in
shared/bench/torch_ref.py (seeded, in eval mode, its batch-norm statistics made non-trivial) saves
its state dict as safetensors; `ember export` writes it as ONNX; `onnx.checker` must accept the
file, and onnxruntime's outputs on random batches of two sizes (the batch is dynamic) must equal
PyTorch's within float32 tolerance.

    /work/torch215/bin/python scripts/check_onnx.py --ember .build/release/ember [MODEL...]

With --recurrent DIR it checks the recurrent layers instead: the test suite writes them with
`EMBER_ONNX_OUT=DIR swift test --filter recurrentLayersExport` (Ember's layers start from
PyTorch's weights for the same seed), and their onnxruntime outputs must equal PyTorch's
`nn.LSTM`/`nn.GRU`/`nn.RNN` built after `torch.manual_seed(0)`, for sequences of two lengths
and batches of two sizes (the first dimension is dynamic).

Needs torch, safetensors, onnx and onnxruntime (pip install onnx onnxruntime).
"""

import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import onnxruntime as ort
import torch
from safetensors.torch import save_file

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "..", "shared", "bench"))
import torch_ref  # noqa: E402

# Ember's workload name, torch_ref's constructor, the image size.
MODELS = {"lenet": ("lenet", 32), "resnet18": ("resnet18", 96), "densenet": ("densenet", 96),
          "mobilenet-v2": ("mobilenet_v2", 96), "alexnet": ("alexnet", 224), "vgg11": ("vgg11", 224),
          "nin": ("nin", 224), "googlenet": ("googlenet", 96)}


def check_recurrent(directory):
    layers = {"lstm": lambda: torch.nn.LSTM(5, 4, num_layers=2, bidirectional=True),
              "gru": lambda: torch.nn.GRU(5, 4, num_layers=2, batch_first=True),
              "rnn": lambda: torch.nn.RNN(5, 4, nonlinearity="relu", bidirectional=True)}
    failures = 0
    for name, make in layers.items():
        torch.manual_seed(0)
        layer = make().eval()
        path = os.path.join(directory, name + ".onnx")
        onnx.checker.check_model(onnx.load(path), full_check=True)
        session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
        worst = 0.0
        for shape in ((3, 2, 5), (7, 4, 5)):
            x = torch.randn(*shape)
            with torch.no_grad():
                want = layer(x)[0].numpy()
            got = session.run(None, {"input": x.numpy()})[0]
            assert got.shape == want.shape, (name, got.shape, want.shape)
            worst = max(worst, float(np.abs(got - want).max() / max(np.abs(want).max(), 1e-6)))
        ok = worst < 1e-5
        failures += not ok
        print(f"{'ok  ' if ok else 'FAIL'}  {name}: onnx.checker accepts it; onnxruntime vs PyTorch: max |diff| / max |out| = {worst:.2e}")
    sys.exit(1 if failures else 0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ember")
    ap.add_argument("--recurrent", metavar="DIR")
    ap.add_argument("models", nargs="*", default=["lenet", "resnet18", "densenet", "mobilenet-v2"])
    a = ap.parse_args()
    if a.recurrent:
        check_recurrent(a.recurrent)
    if not a.ember:
        ap.error("--ember is required to check the zoo")
    failures = 0
    with tempfile.TemporaryDirectory() as d:
        for name in a.models:
            ctor, size = MODELS[name]
            torch.manual_seed(0)
            model = getattr(torch_ref, ctor)()
            for m in model.modules():  # statistics other than 0 and 1, so batch norm is checked
                if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
                    m.running_mean.uniform_(-0.5, 0.5)
                    m.running_var.uniform_(0.5, 2.0)
            model.eval()
            weights, path = os.path.join(d, name + ".safetensors"), os.path.join(d, name + ".onnx")
            save_file({k: v.contiguous() for k, v in model.state_dict().items()}, weights)
            r = subprocess.run([a.ember, "export", weights, "--workload", name, "--onnx", path], capture_output=True, text=True)
            if r.returncode != 0:
                print(f"FAIL  {name}: ember export exited {r.returncode}: {r.stderr.strip()}")
                failures += 1
                continue
            onnx.checker.check_model(onnx.load(path), full_check=True)
            session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
            worst = 0.0
            for batch in (2, 5):
                x = torch.randn(batch, 1, size, size)
                with torch.no_grad():
                    want = model(x).numpy()
                got = session.run(None, {"input": x.numpy()})[0]
                if got.shape != want.shape:
                    print(f"FAIL  {name}: output shape {got.shape}, PyTorch {want.shape}")
                    failures += 1
                    break
                worst = max(worst, float(np.abs(got - want).max() / max(np.abs(want).max(), 1e-6)))
            else:
                ok = worst < 1e-4
                failures += not ok
                print(f"{'ok  ' if ok else 'FAIL'}  {name}: onnx.checker accepts it; onnxruntime vs PyTorch, "
                      f"batches 2 and 5: max |diff| / max |out| = {worst:.2e} ({os.path.getsize(path) / 1e6:.1f} MB)")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
