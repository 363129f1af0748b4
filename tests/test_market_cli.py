"""``python -m eap market verify-draw``: an operator (or anyone with the published data)
recomputes a 中选公告 — exit 0 when it matches, 1 with the difference, 2 when there is no such
announcement."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import update
from sqlmodel import Session, col, select

from eap.db import make_engine
from eap.models import Purchase
from eap.models.market import PurchaseStatus, SelectionMethod
from tests.factories import run_cli

# explicit SQLite databases throughout: run by the PostgreSQL pass in the whole run
pytestmark = pytest.mark.own_sqlite


def test_verify_draw_from_the_command_line(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'market.db'}"
    assert run_cli("db", "upgrade", db=db).returncode == 0
    seeded = run_cli("seed", "demo", "--companies", "20", "--projects", "6", db=db)
    assert seeded.returncode == 0, seeded.stderr
    engine = make_engine(db)
    with Session(engine) as s:
        drawn = s.exec(
            select(Purchase).where(
                Purchase.status == PurchaseStatus.SELECTED,
                Purchase.method == SelectionMethod.RANDOM,
            )
        ).first()
        assert drawn is not None and len(drawn.result["eligible"]) >= 2
        number, winner = drawn.number, drawn.result["winner"]
        other = next(e["uscc"] for e in drawn.result["eligible"] if e["uscc"] != winner)
    ok = run_cli("market", "verify-draw", number, db=db)
    assert ok.returncode == 0, ok.stderr
    assert number in ok.stdout and winner in ok.stdout
    # someone edits the published winner: the check fails and says what it expected
    with Session(engine) as s:
        s.execute(
            update(Purchase)
            .where(col(Purchase.number) == number)
            .values(result={**drawn.result, "winner": other})
        )
        s.commit()
    bad = run_cli("market", "verify-draw", number, db=db, lang="en")
    assert bad.returncode == 1
    assert f"recomputed winner {winner}, published winner {other}" in bad.stdout
    missing = run_cli("market", "verify-draw", "ZJ0000000000000", db=db)
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
