"""A one-line progress bar on stderr, redrawn at most a few times a second."""

import sys
import time


class ProgressBar:
    def __init__(self, label: str, stream=None, width: int = 30, every: float = 0.25):
        self.label, self.stream, self.width, self.every = label, stream or sys.stderr, width, every
        self.started = time.monotonic()
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last < self.every:
            return
        self.last = now
        share = done / total if total else 1
        filled = int(share * self.width)
        elapsed = now - self.started
        rate = done / elapsed if elapsed else 0
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (self.width - filled)}] {share:4.0%} "
                          f"{done:,}/{total:,} {elapsed:5.0f} s {rate:,.0f}/s ")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()
