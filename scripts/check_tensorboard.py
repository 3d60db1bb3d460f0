#!/usr/bin/env python3
"""Reads the TensorBoard event files in LOGDIR with the `tensorboard` package and prints every
scalar, so Ember's SummaryWriter output is checked by TensorBoard's own reader.

Usage:
    EMBER_TENSORBOARD_DIR=/tmp/tb swift test --filter SummaryWriterTests
    python3 scripts/check_tensorboard.py /tmp/tb

Exits non-zero when a record fails its CRC check or is cut short, or no scalar is found.
"""
import sys

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tensorboard.backend.event_processing.io_wrapper import (
    GetLogdirSubdirectories, IsSummaryEventsFile, ListDirectoryAbsolute)
from tensorboard.compat.proto.event_pb2 import Event
from tensorboard.compat.tensorflow_stub import errors
from tensorboard.compat.tensorflow_stub.pywrap_tensorflow import PyRecordReader_New


def events(path):
    """Every Event in the file. TensorBoard's own loader stops quietly at a bad record (it may be
    a file still being written); this reader raises DataLossError instead."""
    reader = PyRecordReader_New(path)
    while True:
        try:
            reader.GetNext()
        except errors.OutOfRangeError:
            return
        yield Event.FromString(reader.record())


def main(logdir):
    found = 0
    for run in sorted(GetLogdirSubdirectories(logdir)):
        for path in sorted(p for p in ListDirectoryAbsolute(run) if IsSummaryEventsFile(p)):
            try:
                read = list(events(path))
            except errors.DataLossError as e:
                sys.exit(f"{path}: {e.message}")
            print(f"{path}: {len(read)} events, CRCs ok, file_version={read[0].file_version!r}")
        acc = EventAccumulator(run)
        acc.Reload()
        for tag in acc.Tags()["scalars"]:
            for e in acc.Scalars(tag):
                print(f"  {tag} step={e.step} value={e.value:.6g} wall_time={e.wall_time:.3f}")
                found += 1
    if found == 0:
        sys.exit(f"no scalars found under {logdir}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
