"""The data key file made on first start: processes starting together agree on one key."""

from __future__ import annotations

import multiprocessing
import stat
from pathlib import Path

from eap.crypto import _key_file


def _read(path: str, out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    out.put(_key_file(Path(path)))


def test_workers_starting_together_share_one_whole_key(tmp_path: Path) -> None:
    path = tmp_path / "instance" / "data.key"
    ctx = multiprocessing.get_context("fork")
    out: multiprocessing.Queue = ctx.Queue()  # type: ignore[type-arg]
    workers = [ctx.Process(target=_read, args=(str(path), out)) for _ in range(6)]
    for w in workers:
        w.start()
    keys = {out.get(timeout=30) for _ in workers}
    for w in workers:
        w.join(timeout=30)
    assert len(keys) == 1 and len(keys.pop()) == 64
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["data.key"]  # no drafts left behind
