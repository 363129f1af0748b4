"""National reporting end to end, as operators run it: a simulated province pushed by the
command line to the fake receiver (a real HTTP server in its own process) with zero
rejections; a pusher killed between the receiver storing a batch and the acknowledgement; two
pushers at once. Run against the test run's database dialect (SQLite or PostgreSQL)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from sqlmodel import Session, col, func, select

from eap.db import make_engine
from eap.models import CaseEvent, SpglVersion
from eap.models.exchange import UploadState
from tests.factories import run_cli, scratch_database

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = scratch_database("eap_spgl_province", tmp_path_factory.mktemp("spgl"))
    assert run_cli("db", "upgrade", db=url).returncode == 0
    out = run_cli("seed", "demo", "--companies", "40", "--projects", "14", db=url)
    assert out.returncode == 0, out.stderr
    return url


def _env(db: str, **extra: str) -> dict[str, str]:
    return {**os.environ, "EAP_DATABASE_URL": db, **extra}


@pytest.fixture
def receiver() -> Iterator[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "eap", "spgl", "fake-receiver", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    url = json.loads(proc.stdout.readline())["listening"]
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def _push(db: str, url: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "eap", "spgl", "push", "--url", url],
        cwd=ROOT,
        env=_env(db, **env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _last_json(out: str) -> dict:
    return json.loads(out.strip().splitlines()[-1])


def _reset(db: str) -> int:
    """Every version pending again (a new receiver knows nothing); the number of versions."""
    engine = make_engine(db)
    with engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE spglversion SET state = 0, reason = '', claimed_by = '', "
                "claimed_until = NULL, next_attempt_at = NULL, attempts = 0"
            )
        )
    with Session(engine) as s:
        total = s.exec(select(func.count()).select_from(SpglVersion)).one()
    engine.dispose()
    return total


def _states(db: str) -> dict[int, int]:
    engine = make_engine(db)
    with Session(engine) as s:
        rows = s.exec(
            select(SpglVersion.state, func.count()).group_by(col(SpglVersion.state))
        ).all()
    engine.dispose()
    return dict(rows)


def test_a_simulated_province_passes_with_zero_rejections(province: str, receiver: str) -> None:
    total = _reset(province)
    out = run_cli("spgl", "push", "--url", receiver, db=province)
    assert out.returncode == 0, out.stderr
    result = _last_json(out.stdout)
    assert result == {"sent": total, "accepted": total, "rejected": 0, "pending": 0}
    stats = httpx.get(receiver + "stats").json()
    assert sum(stats["held"].values()) == total
    assert {"SPGL_XMJBXXB", "SPGL_XMDWXXB", "SPGL_XMSPSXBLXXXXB", "SPGL_ZJFWSXBLXXB"} <= set(
        stats["held"]
    )
    check = _last_json(run_cli("spgl", "check", db=province).stdout)
    assert check["rejected"] == []
    assert sum(c["accepted"] for c in check["tables"]["SPGL_XMJBXXB"].values()) >= 10
    # the history is true: every row has its handler and office, never runs backwards, and
    # a case is accepted (BLZT 3) once
    engine = make_engine(province)
    with Session(engine) as s:
        events = s.exec(
            select(CaseEvent)
            .where(col(CaseEvent.status) > 0)
            .order_by(col(CaseEvent.item_case_id), col(CaseEvent.id))
        ).all()
    engine.dispose()
    assert events and all(e.handler_name and e.office for e in events)
    last: dict[int, object] = {}
    accepted: dict[int, int] = {}
    for e in events:
        assert e.item_case_id is not None
        assert e.at >= last.get(e.item_case_id, e.at)  # type: ignore[operator]
        last[e.item_case_id] = e.at
        accepted[e.item_case_id] = accepted.get(e.item_case_id, 0) + (e.status == 3)
    assert max(accepted.values()) == 1


def test_a_pusher_killed_before_the_acknowledgement(province: str, receiver: str) -> None:
    total = _reset(province)
    httpx.post(receiver + "control", json={"delay": 4})
    first = _push(province, receiver, EAP_SPGL_CLAIM_SECONDS="1", EAP_SPGL_BATCH="200")
    deadline = time.monotonic() + 60
    while httpx.get(receiver + "stats").json()["receipts"] == 0:
        assert time.monotonic() < deadline and first.poll() is None
        time.sleep(0.05)
    first.send_signal(signal.SIGKILL)  # the receiver stored the batch; no answer was saved
    first.wait(timeout=10)
    httpx.post(receiver + "control", json={"delay": 0})
    assert _states(province).get(UploadState.SENT, 0) > 0
    time.sleep(1.2)  # the dead pusher's claim lapses
    again = _push(province, receiver, EAP_SPGL_CLAIM_SECONDS="1")
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    assert _last_json(out)["pending"] == 0
    stats = httpx.get(receiver + "stats").json()
    assert sum(stats["held"].values()) == total  # each LSH once
    assert stats["receipts"] > total  # the unacknowledged batch really went twice
    assert _states(province) == {UploadState.ACCEPTED: total}


def test_two_pushers_at_once(province: str, receiver: str) -> None:
    total = _reset(province)
    # batches reach the receiver unevenly late, as over a real network or from a busy machine
    httpx.post(receiver + "control", json={"lag": 0.1})
    pushers = [_push(province, receiver, EAP_SPGL_BATCH="50") for _ in range(2)]
    results = []
    for p in pushers:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
        results.append(_last_json(out))
    stats = httpx.get(receiver + "stats").json()
    assert sum(stats["held"].values()) == total  # no row lost
    assert stats["receipts"] == total  # no row sent by both
    # rounds take turns (interleaved batches were rejected: a row sent before the project it
    # names, still in the other pusher's batch): one delivers all, the other waits, finds none
    assert sum(r["rejected"] for r in results) == 0 and not any("busy" in r for r in results)
    assert sorted(r["sent"] for r in results) == [0, total]
    assert _states(province) == {UploadState.ACCEPTED: total}


def test_a_later_commit_never_gets_a_smaller_lsh(province: str) -> None:
    """A transaction that took its serial numbers holds the table's counter until it commits:
    another one reporting to the same table waits, then numbers after it."""
    import threading

    from eap.models import Project
    from eap.services.exchange import outbox

    engine = make_engine(province)
    with Session(engine) as s:
        first_id, second_id = s.exec(select(Project.id).order_by(col(Project.id)).limit(2)).all()
    holder, other = Session(engine), Session(engine)
    a = holder.get(Project, first_id)
    assert a is not None
    a.name = a.name + "（甲）"
    holder.add(a)
    outbox.record_changes(holder)  # numbered, not yet committed
    done = threading.Event()

    def second() -> None:
        b = other.get(Project, second_id)
        assert b is not None
        b.name = b.name + "（乙）"
        other.add(b)
        other.commit()
        done.set()

    thread = threading.Thread(target=second)
    thread.start()
    time.sleep(1.0)
    assert not done.is_set()  # waiting for the first to commit
    holder.commit()
    thread.join(timeout=30)
    assert done.is_set()
    with Session(engine) as s:
        lsh = {
            key: max(
                s.exec(
                    select(SpglVersion.lsh).where(
                        SpglVersion.table_name == "SPGL_XMJBXXB", SpglVersion.record_key == key
                    )
                ).all()
            )
            for key in (f"XM{first_id:010d}", f"XM{second_id:010d}")
        }
    holder.close()
    other.close()
    engine.dispose()
    assert lsh[f"XM{first_id:010d}"] < lsh[f"XM{second_id:010d}"]
