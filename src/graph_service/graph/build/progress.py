"""Timed steps that tell a person at a terminal what a long job is doing, and stay quiet elsewhere.

A step's duration is measured whether or not anything is shown, so the build records its
timings through the same object that reports its progress.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO


def wants_progress(stream: TextIO) -> bool:
    """True on an interactive terminal; false when piped, redirected or in CI (`CI=true`)."""
    if os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}:
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class Step:
    """One step in progress; `update()` replaces the detail shown after the step's name."""

    def __init__(self, progress: Progress, name: str) -> None:
        self._progress = progress
        self.name = name
        self.seconds = 0.0
        self._started = time.perf_counter()

    def update(self, detail: str) -> None:
        self._progress._show(f"{self.name}: {detail}", final=False)


class Progress:
    """Step lines on `stream` (stderr by default) when `enabled`, else silent; always timed.

    `enabled=None` decides by `wants_progress(stream)`.
    """

    def __init__(self, stream: TextIO | None = None, enabled: bool | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = wants_progress(self.stream) if enabled is None else enabled
        self.timings: dict[str, float] = {}

    @classmethod
    def quiet(cls) -> Progress:
        return cls(enabled=False)

    @contextmanager
    def step(self, name: str) -> Iterator[Step]:
        """Time a step (recorded in `timings[name]`), showing its name while it runs."""
        step = Step(self, name)
        self._show(f"{name} …", final=False)
        try:
            yield step
        finally:
            step.seconds = time.perf_counter() - step._started
            self.timings[name] = step.seconds
            self._show(f"{name} {step.seconds:.2f} s", final=True)

    def _show(self, text: str, *, final: bool) -> None:
        if not self.enabled:
            return
        # Rewrite the current line while a step runs; end it when the step is done.
        self.stream.write("\r\x1b[2K" + text + ("\n" if final else ""))
        self.stream.flush()
