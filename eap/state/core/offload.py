"""A page's heavy, CPU-bound work (a supervisor's rankings, an Excel export) in a separate
process of this web worker's own, not in a thread: a thread frees the event loop but still
shares the worker's interpreter lock, and every other user on the worker then waited for the
lock between the thread's slices (the web-load benchmark's users beside a supervisor).

The work must be a plain top-level function of picklable arguments that opens its own
database session (``state/supervision/figures.py``). The pool starts on first use, with the
``spawn`` method (forking a process that runs an event loop, threads and pooled connections is
unsafe); it holds nothing the web workers must agree on. A pool whose process died is replaced.
``EAP_OFFLOAD_PROCESSES`` (default 1) processes per web worker.

The processes run at a lower scheduling priority (``EAP_OFFLOAD_NICE``, default 10): when the
machine's cores are all busy, the pages people are waiting on go first and a report takes
longer, instead of every user slowing down while a supervisor exports back to back."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from eap.config import get_settings

T = TypeVar("T")
_pool: ProcessPoolExecutor | None = None
_guard = threading.Lock()


def _yield_to_pages(nice: int) -> None:
    """The offload process's initializer: lower its own priority (Unix niceness)."""
    os.nice(nice)


def _executor() -> ProcessPoolExecutor:
    global _pool
    with _guard:
        if _pool is None:
            settings = get_settings()
            _pool = ProcessPoolExecutor(
                max_workers=settings.offload_processes,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_yield_to_pages,
                initargs=(settings.offload_nice,),
            )
        return _pool


def _discard(broken: ProcessPoolExecutor) -> None:
    global _pool
    with _guard:
        if _pool is broken:
            _pool = None
    broken.shutdown(wait=False, cancel_futures=True)


async def run(work: Callable[..., T], *args: Any) -> T:
    """``work(*args)`` in the worker's offload process; its exception is raised here."""
    pool = _executor()
    try:
        return await asyncio.get_running_loop().run_in_executor(pool, work, *args)
    except BrokenProcessPool:
        _discard(pool)  # the next call starts a fresh process
        raise


def shutdown() -> None:
    """Stop the offload processes (tests, a clean exit)."""
    global _pool
    with _guard:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)
