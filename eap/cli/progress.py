"""Progress for long commands: a bar with counts and the time left (rich) when the output is
a terminal, plain lines at most every few seconds when it is not (CI, logs)."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from eap.services.core.progress import Progress


@contextmanager
def progress(title: str, *, every_seconds: float = 5.0) -> Iterator[Progress]:
    if sys.stderr.isatty():
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress as Bar,
            TextColumn,
            TimeRemainingColumn,
        )

        with Bar(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),  # stdout keeps the command's JSON result
            redirect_stdout=False,
            redirect_stderr=False,
            transient=False,
        ) as bar:
            task = bar.add_task(title, total=None)

            def draw(done: int, total: int | None = None, *, label: str = "") -> None:
                bar.update(
                    task,
                    completed=done,
                    total=total,
                    description=f"{title} {label}".strip(),
                )

            yield draw
        return
    started = time.monotonic()
    last = 0.0

    def line(done: int, total: int | None = None, *, label: str = "") -> None:
        nonlocal last
        now = time.monotonic()
        finished = total is not None and done >= total
        if now - last < every_seconds and not finished:
            return
        last = now
        elapsed = now - started
        text = f"{title} {label}".strip() + f": {done}"
        if total:
            left = elapsed / done * (total - done) if done else 0.0
            text += f"/{total} ({done * 100 // total}%), about {left:.0f}s left"
        print(text, file=sys.stderr, flush=True)

    yield line
