"""How long work reports how far it has got (进度): a callback the caller may pass, so a
service stays silent unless someone watches. The command line draws it (eap/cli/progress.py)."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def __call__(self, done: int, total: int | None = None, *, label: str = "") -> None: ...


def silent(done: int, total: int | None = None, *, label: str = "") -> None:
    """The default: nobody is watching."""
