#!/usr/bin/env python3
"""Reads the TensorBoard event files in LOGDIR with the `tensorboard` package and prints every
scalar, so Ember's SummaryWriter output is checked by TensorBoard's own reader.

Usage:
    EMBER_TENSORBOARD_DIR=/tmp/tb swift test --filter SummaryWriterTests
    python3 scripts/check_tensorboard.py /tmp/tb

Exits non-zero when no scalar is found or a record fails its CRC check.
"""
import sys

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tensorboard.backend.event_processing.event_file_loader import EventFileLoader
from tensorboard.backend.event_processing.io_wrapper import GetLogdirSubdirectories, ListDirectoryAbsolute, IsSummaryEventsFile


def main(logdir):
    found = 0
    for run in sorted(GetLogdirSubdirectories(logdir)):
        for path in sorted(p for p in ListDirectoryAbsolute(run) if IsSummaryEventsFile(p)):
            # The raw loader checks both CRCs of every record and parses each Event.
            events = list(EventFileLoader(path).Load())
            print(f"{path}: {len(events)} events, first file_version={events[0].file_version!r}")
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
