"""Races in the market with real threads and real commits (SQLite here, PostgreSQL in the
second suite run): registrations in the last second, two schedulers at the deadline."""

from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy import Engine
from sqlmodel import Session, select

from eap.errors import DomainError
from eap.models import AgencyService, Purchase, Registration
from eap.models.market import PurchaseStatus
from eap.services.agency import purchases, selection
from tests.factories import agency, applicant, at, project, purchase

D = dt.date
LAST_SECOND = at(D(2026, 12, 4), 17) - dt.timedelta(seconds=1)


def _run(n: int, fn) -> list[str]:  # type: ignore[no-untyped-def]
    results: list[str] = []
    barrier = threading.Barrier(n)

    def go(i: int) -> None:
        barrier.wait()
        try:
            results.append(str(fn(i)))
        except DomainError as exc:
            results.append(exc.key)
        except Exception as exc:  # SQLite's "database is locked" is a refusal, not a crash
            results.append(type(exc).__name__)

    threads = [threading.Thread(target=go, args=(i,)) for i in range(n)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    return results


def test_two_agencies_in_the_last_second_both_register(engine: Engine) -> None:
    with Session(engine) as s:
        owner = applicant(s)
        pid = purchase(s, owner, project(s, owner), now=at(D(2026, 12, 1)))
        racers = [agency(s), agency(s)]
        s.commit()

    def register(i: int) -> str:
        for _attempt in range(20):  # SQLite serialises writers: retry a locked database
            try:
                with Session(engine) as s:
                    purchases.register(
                        s, principal=racers[i], purchase_id=pid, quote=None, now=LAST_SECOND
                    )
                    s.commit()
                    return "ok"
            except DomainError:
                raise
            except Exception:
                continue
        return "gave up"

    assert _run(2, register) == ["ok", "ok"]
    with Session(engine) as s:
        p = s.get(Purchase, pid)
        assert p is not None and p.registrations == 2
        assert len(s.exec(select(Registration).where(Registration.purchase_id == pid)).all()) == 2


def test_two_schedulers_at_the_deadline_select_once(engine: Engine) -> None:
    with Session(engine) as s:
        owner = applicant(s)
        pids = [purchase(s, owner, project(s, owner), now=at(D(2026, 12, 1))) for _ in range(3)]
        racers = [agency(s) for _ in range(3)]
        for pid in pids:
            for a in racers:
                purchases.register(s, principal=a, purchase_id=pid, now=at(D(2026, 12, 2)))
        s.commit()
        # other tests' committed purchases may be due too: they count, once each
        due = len(
            s.exec(
                select(Purchase.id).where(
                    Purchase.status == PurchaseStatus.OPEN,
                    Purchase.deadline <= at(D(2026, 12, 4), 18),
                    Purchase.registrations > 0,
                )
            ).all()
        )

    def schedule(_i: int) -> str:
        with Session(engine) as s:
            return str(selection.select_due(s, now=at(D(2026, 12, 4), 18))["selected"])

    results = _run(2, schedule)
    selected = [int(r) for r in results if r.isdigit()]
    # between them each due purchase selected once, whatever the split
    assert due >= 3 and sum(selected) == due, results
    with Session(engine) as s:
        for pid in pids:
            p = s.get(Purchase, pid)
            assert p is not None and p.status == PurchaseStatus.SELECTED
            services = s.exec(select(AgencyService).where(AgencyService.purchase_id == pid)).all()
            assert len(services) == 1 and services[0].agency_id == p.winner_id
        # a late run (a restart) changes none of them (other tests' purchases may be due)
        before = {pid: s.get(Purchase, pid).version for pid in pids}  # type: ignore[union-attr]
        selection.select_due(s, now=at(D(2026, 12, 7)))
        s.expire_all()
        assert {pid: s.get(Purchase, pid).version for pid in pids} == before  # type: ignore[union-attr]
        for pid in pids:
            assert (
                len(s.exec(select(AgencyService).where(AgencyService.purchase_id == pid)).all())
                == 1
            )
