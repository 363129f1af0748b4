"""The offload process a web worker runs a supervisor's heavy work in (state/core/offload):
the work runs outside the worker's process, its refusal comes back as itself, and a pool whose
process died is replaced on the next call."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest

from eap.config import get_settings
from eap.errors import DomainError
from eap.state.core import offload


def where() -> int:
    return os.getpid()


def refuse(key: str) -> None:
    raise DomainError(key, field="period")


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


@pytest.fixture(autouse=True)
def _fresh_pool():
    offload.shutdown()
    yield
    offload.shutdown()


def test_work_runs_in_another_process_and_the_pool_is_kept() -> None:
    first = asyncio.run(offload.run(where))
    assert first != os.getpid()
    assert asyncio.run(offload.run(where)) == first  # one process, started once


def niceness() -> int:
    return os.nice(0)


def test_the_work_runs_below_the_pages_priority() -> None:
    assert asyncio.run(offload.run(niceness)) == os.nice(0) + get_settings().offload_nice


def test_a_refusal_comes_back_with_its_key_and_field() -> None:
    with pytest.raises(DomainError) as err:
        asyncio.run(offload.run(refuse, "supervision.bad_period"))
    assert (err.value.key, err.value.field) == ("supervision.bad_period", "period")


def test_a_dead_process_is_replaced() -> None:
    before = asyncio.run(offload.run(where))
    with pytest.raises(Exception) as err:
        asyncio.run(offload.run(die))
    assert type(err.value).__name__ == "BrokenProcessPool"
    after = asyncio.run(offload.run(where))
    assert after not in (before, os.getpid())
