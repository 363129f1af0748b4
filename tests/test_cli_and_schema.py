"""The operations command line, run as a real subprocess, and the migrations."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from eap.crypto import person_key
from eap.db import make_engine
from eap.migrate import upgrade
from tests.factories import run_cli, scratch_database

# explicit SQLite databases throughout: run by the PostgreSQL pass in the whole run
pytestmark = pytest.mark.own_sqlite

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def cli_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'cli.db'}"
    assert run_cli("db", "upgrade", db=url).returncode == 0
    return url


def test_calendar_due(cli_db: str) -> None:
    out = run_cli("calendar", "due", "2026-02-12", "3", db=cli_db)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["2026-02-24"]
    out = run_cli("calendar", "due", "2026-12-28", "5", db=cli_db)
    assert out.stdout.splitlines() == ["2027-01-04", "provisional"]


def test_calendar_import_then_due(cli_db: str, tmp_path: Path) -> None:
    f = tmp_path / "2027.txt"
    f.write_text("2027-01-01,holiday,元旦\n2027-01-04,holiday,测试\n", encoding="utf-8")
    out = run_cli("calendar", "import", str(f), db=cli_db)
    assert out.returncode == 0, out.stderr
    out = run_cli("calendar", "due", "2026-12-31", "1", db=cli_db)
    assert out.stdout.splitlines() == ["2027-01-05"]
    bad = tmp_path / "bad.txt"
    bad.write_text("2027-02-30,holiday,x\n", encoding="utf-8")
    out = run_cli("calendar", "import", str(bad), db=cli_db)
    assert out.returncode == 2 and "日期无效" in out.stderr and "Traceback" not in out.stderr
    missing = run_cli("calendar", "import", str(tmp_path / "nope.txt"), db=cli_db, lang="en")
    assert missing.returncode == 2 and "File not found" in missing.stderr


@pytest.mark.parametrize(
    ("kind", "value", "code"),
    [
        ("uscc", "91440300708461136T", 0),
        ("uscc", "91440300708461136U", 1),
        ("id", "11010519491231002X", 0),
        ("id", "110105194912310021", 1),
        ("project-code", "2019-360100-47-01-000001", 0),
        ("project-code", "2019-360100-47-01", 1),
    ],
)
def test_validate(cli_db: str, kind: str, value: str, code: int) -> None:
    out = run_cli("validate", kind, value, db=cli_db, lang="en")
    assert out.returncode == code
    if code:
        assert out.stderr.strip() and "Traceback" not in out.stderr


def test_seed_demo_creates_every_role(cli_db: str) -> None:
    out = run_cli("seed", "demo", "--companies", "40", "--projects", "8", db=cli_db)
    assert out.returncode == 0, out.stderr
    engine = make_engine(cli_db)
    import datetime as dt

    from sqlmodel import Session, select

    from eap.models import Agency, Company, Purchase, User
    from eap.models.market import PurchaseStatus
    from eap.services.core.identifiers import validate_id_number, validate_uscc
    from eap.services.core.principal import ROLES

    with Session(engine) as s:
        roles = set(s.exec(select(User.role)))
        assert roles == set(ROLES)
        companies = s.exec(select(Company)).all()
        agencies = {a.company_id for a in s.exec(select(Agency))}
        assert len(agencies) == 30  # the market's agencies, each its own company
        builders = [c for c in companies if c.id not in agencies and c.kind == "company"]
        assert len(builders) == 40
        persons = [c for c in companies if c.kind == "person"]
        assert len(persons) == 3  # natural persons, found by a pseudonym of their ID number
        for c in builders:
            validate_uscc(c.uscc)
        for c in persons:
            assert c.uscc == person_key(c.id_number)
            validate_id_number(c.id_number, today=dt.date(2026, 12, 1))
        # announcements in every state the market has (none is left out of the demo)
        assert {p.status for p in s.exec(select(Purchase))} == set(PurchaseStatus)
        staff = s.exec(select(User).where(User.role.in_(["window", "approver"]))).all()
        assert all(u.region_code and u.department_id for u in staff)
        from eap.models import Project

        projects_before = len(s.exec(select(Project)).all())
    assert projects_before >= 5
    again = run_cli("seed", "demo", "--companies", "40", "--projects", "8", db=cli_db)
    assert again.returncode == 0 and '"users": 0' in again.stdout
    with Session(engine) as s:  # seeding again keeps the history that is there
        assert len(s.exec(select(Project)).all()) == projects_before


def test_migrations_match_models(tmp_db_url: str) -> None:
    upgrade(tmp_db_url)
    engine = make_engine(tmp_db_url)
    import eap.models  # noqa: F401

    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []


def test_db_upgrade_takes_a_url_with_percent_escapes(tmp_path: Path) -> None:
    """A URL-quoted part (a PostgreSQL socket directory ``?host=%2Fvar%2Frun%2Fpostgresql``, a
    password with symbols) reaches the migrations as given: Alembic's ini parser would read
    '%' as its own interpolation and refuse it."""
    base = scratch_database("eap_percent_url", tmp_path)
    url = (
        f"sqlite:///{tmp_path / 'eap%2Dpercent.db'}"
        if base.startswith("sqlite")
        else f"{base}?application_name=eap%2Dpercent"
    )
    assert run_cli("db", "upgrade", db=url).returncode == 0
    engine = make_engine(url)
    with engine.connect() as conn:
        assert "project" in inspect(conn).get_table_names()
    engine.dispose()
    if base.startswith("sqlite"):
        assert (tmp_path / "eap-percent.db").exists()  # the escape was read as a URL's


def test_simulate_and_export_spgl(cli_db: str, tmp_path: Path) -> None:
    import json

    assert (
        run_cli("seed", "demo", "--companies", "40", "--projects", "0", db=cli_db).returncode == 0
    )
    out = run_cli("demo", "simulate", "--projects", "12", "--seed", "5", db=cli_db)
    assert out.returncode == 0, out.stderr
    stats = json.loads(out.stdout)
    assert stats["projects"] >= 10 and stats["stage_cases"] >= stats["projects"]
    out = run_cli("export", "spgl", "--out", str(tmp_path / "spgl"), db=cli_db)
    assert out.returncode == 0, out.stderr
    tables = {f.stem: f for f in (tmp_path / "spgl").glob("SPGL_*.jsonl")}
    assert set(tables) >= {
        "SPGL_XMJBXXB",
        "SPGL_XMSPSXBLXXB",
        "SPGL_XMSPSXBLXXXXB",
        "SPGL_XMSPSXPFWJXXB",
        "SPGL_XMSPSXBLTBCXXXB",
    }
    projects = [json.loads(x) for x in tables["SPGL_XMJBXXB"].read_text().splitlines()]
    assert len(projects) >= 10
    assert {"XMDM", "XMMC", "SPLCLX", "ZTZE", "XZQHDM", "LSH", "SJYXBS", "SJSCZT"} <= set(
        projects[0]
    )
    assert all(1 <= p["SPLCLX"] <= 6 for p in projects)
    history = [json.loads(x) for x in tables["SPGL_XMSPSXBLXXXXB"].read_text().splitlines()]
    assert {h["BLZT"] for h in history} >= {1, 3, 8, 11}
    assert all(1 <= h["BLZT"] <= 15 and h["BLSJ"] and h["SPSXSLBM"] for h in history)
    items = [json.loads(x) for x in tables["SPGL_XMSPSXBLXXB"].read_text().splitlines()]
    assert {i["SPJDXH"] for i in items} <= {1, 2, 3, 4, 5}
    # Walk-in applications (窗口代录) are reported as taken at the window, the rest online.
    assert {i["SLFS"] for i in items} == {1, 2}
    # Every history row belongs to an exported item case.
    assert {h["SPSXSLBM"] for h in history} <= {i["SPSXSLBM"] for i in items}
    # Running the same seed again yields the same amount of history (deterministic).
    again = run_cli("demo", "simulate", "--projects", "12", "--seed", "5", db=cli_db)
    assert json.loads(again.stdout)["projects"] == stats["projects"]


def test_migrations_rebuild_populated_tables(tmp_path: Path) -> None:
    """Down and up again across table rebuilds on a database full of cases and history."""
    from alembic import command

    from eap.migrate import alembic_config

    url = f"sqlite:///{tmp_path / 'populated.db'}"
    assert run_cli("db", "upgrade", db=url).returncode == 0
    assert run_cli("seed", "demo", "--companies", "20", "--projects", "6", db=url).returncode == 0
    engine = make_engine(url)
    from sqlmodel import Session, func, select

    from eap.models import CaseEvent, ItemCase

    def counts() -> tuple[int, int]:
        with Session(engine) as s:
            return (
                s.exec(select(func.count()).select_from(ItemCase)).one(),
                s.exec(select(func.count()).select_from(CaseEvent)).one(),
            )

    before = counts()
    assert before[0] > 0
    cfg = alembic_config(url)
    command.downgrade(cfg, "0004")
    command.upgrade(cfg, "head")
    assert counts() == before
