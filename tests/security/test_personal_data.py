"""Personal data at rest and on screen (等保: data confidentiality): ID numbers, phones and
contact names are SM4-sealed in the database (none in clear in a seeded demo's file), looked
up through keyed blind indexes, shown masked, and shown in full only on an audited request."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from eap import crypto
from eap.db import make_engine
from eap.errors import DomainError, PermissionDenied
from eap.models import AuditLog, Company, ProjectUnit, SmsOutbox, User
from eap.services.core import personal
from eap.services.hall import registration
from eap.services.hall.registration import Registration
from tests.factories import (
    applicant,
    city_staff,
    file_stage,
    project,
    run_cli,
    scratch_database,
    sms_ids_to,
)


def test_seal_opens_detects_tampering_and_rotates(monkeypatch: pytest.MonkeyPatch) -> None:
    stored = crypto.seal("13912345678")
    assert stored.startswith("s1:") and "13912345678" not in stored
    assert crypto.seal("13912345678") != stored  # a fresh nonce each time
    assert crypto.open_sealed(stored) == "13912345678"
    assert crypto.seal("") == "" and crypto.open_sealed("legacy clear") == "legacy clear"
    prefix, kid, body = stored.split(":", 2)
    flipped = body[:-3] + ("A" if body[-3] != "A" else "B") + body[-2:]
    with pytest.raises(crypto.SealError):
        crypto.open_sealed(f"{prefix}:{kid}:{flipped}")
    # rotation: a new key seals, the old one (kept as old) still opens what it sealed
    old_hex = crypto.keys().seal.hex() + crypto.keys().index.hex()
    monkeypatch.setenv("EAP_DATA_KEY", "ab" * 32)
    monkeypatch.setenv("EAP_DATA_KEY_ID", "2")
    monkeypatch.setenv("EAP_DATA_KEYS_OLD", f"{kid}={old_hex}")
    from eap.config import get_settings

    get_settings.cache_clear()
    crypto.keys.cache_clear()
    try:
        assert crypto.open_sealed(stored) == "13912345678"
        assert crypto.sealed_key_id(crypto.seal("x")) == "2"
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
        crypto.keys.cache_clear()


def test_blind_index_is_keyed_per_purpose() -> None:
    a = crypto.blind_index("13912345678", purpose="phone")
    assert a == crypto.blind_index(" 13912345678 ", purpose="phone")
    assert a != crypto.blind_index("13912345679", purpose="phone")
    assert a != crypto.blind_index("13912345678", purpose="id_number")
    import hashlib

    assert a != hashlib.sha256(b"13912345678").hexdigest()


def test_rows_hold_no_clear_personal_data(session: Session) -> None:
    owner = applicant(session)
    user = session.get(User, owner.user_id)
    assert user is not None
    user.phone, user.display_name = "13700001111", "欧阳明月"
    session.add(user)
    session.add(
        ProjectUnit(
            project_id=project(session, owner),
            role="design",
            uscc="x",
            name="n",
            contact="司马相如",
            phone="13600002222",
        )
    )
    session.flush()
    raw = (
        session.connection()
        .execute(text('SELECT display_name, phone FROM "user" WHERE id = :i'), {"i": owner.user_id})
        .one()
    )
    assert all(v.startswith("s1:") for v in raw)
    assert "欧阳明月" not in str(raw) and "13700001111" not in str(raw)
    unit = session.connection().execute(text("SELECT contact, phone FROM projectunit")).all()
    assert any(v for row in unit for v in row)
    assert all(v.startswith("s1:") for row in unit for v in row if v)
    session.expire_all()
    assert session.get(User, owner.user_id).phone == "13700001111"  # type: ignore[union-attr]


def test_a_person_is_found_by_id_number_without_storing_it(session: Session) -> None:
    from eap.services.core.identifiers import id_check_char

    first = "36010219900101123"
    id_number = first + id_check_char(first)
    now = dt.datetime(2026, 11, 2, 1, tzinfo=dt.UTC)
    phone = "13511112222"
    registration.send_code(session, phone=phone, now=now)
    code = _code_for(session, phone)
    form = Registration(
        kind="person",
        id_number=id_number,
        region_code="360102",
        display_name="诸葛亮",
        phone=phone,
        code=code,
        username="zhuge01",
        password="Strong#2026",
        password2="Strong#2026",
    )
    outcome = registration.register_applicant(session, data=form, now=now)
    assert outcome.error is None
    company = session.exec(select(Company).where(Company.kind == "person")).all()[-1]
    assert company.id_number == id_number and company.uscc == crypto.person_key(id_number)
    raw = (
        session.connection()
        .execute(text("SELECT uscc, id_number FROM company WHERE id = :i"), {"i": company.id})
        .one()
    )
    assert id_number not in "".join(raw)
    # the same ID number again is found (and refused) through the pseudonym
    registration.send_code(session, phone="13511113333", now=now + dt.timedelta(minutes=2))
    again = form.model_copy(
        update={
            "username": "zhuge02",
            "phone": "13511113333",
            "code": _code_for(session, "13511113333"),
        }
    )
    refused = registration.register_applicant(
        session, data=again, now=now + dt.timedelta(minutes=3)
    )
    assert refused.error is not None and refused.error.key == "register.id_taken"


def _code_for(session: Session, phone: str) -> str:
    import re

    sms = session.get(SmsOutbox, sms_ids_to(session, phone)[-1])
    assert sms is not None
    found = re.search(r"\d{6}", sms.text)
    assert found
    return found.group(0)


def test_staff_see_masked_values_and_revealing_is_audited(session: Session) -> None:
    city = city_staff(session)
    owner = applicant(session)
    company = session.get(Company, owner.company_id)
    assert company is not None
    company.contact_phone, company.legal_rep = "13812348000", "张三丰"
    session.add(company)
    sc = file_stage(session, owner, project(session, owner), 1, day=dt.date(2026, 11, 2))
    from eap.services.approval import workbench

    view = workbench.stage_case_view(session, principal=city.window, stage_case_id=sc.id)
    assert view.case.phone == "138****8000" and view.case.contact == "张三丰"
    card = personal.reveal_party(session, principal=city.window, stage_case_id=sc.id or 0)
    assert card.phone == "13812348000" and card.full
    audit = session.exec(
        select(AuditLog).where(
            AuditLog.action == "personal.reveal", AuditLog.actor_id == city.window.user_id
        )
    ).all()
    assert len(audit) == 1 and audit[0].detail["case"] == sc.case_no
    # the applicant's own page is not a staff view, and an outsider gets nothing
    outsider = city_staff(session, "360400").window
    for who in (owner, outsider):
        with pytest.raises((PermissionDenied, DomainError)):
            personal.reveal_party(session, principal=who, stage_case_id=sc.id or 0)


def test_a_seeded_demo_file_holds_no_personal_data_in_clear(tmp_path: Path) -> None:
    url = scratch_database("eap_sealed_demo", tmp_path)
    for args in (("db", "upgrade"), ("seed", "demo", "--companies", "25", "--projects", "8")):
        done = run_cli(*args, db=url)
        assert done.returncode == 0, done.stderr[-2000:]
    engine = make_engine(url)
    with Session(engine) as s:
        clear: set[str] = set()
        for u in s.exec(select(User)).all():
            clear |= {u.phone, u.display_name} if u.role in ("applicant", "agent") else {u.phone}
        for c in s.exec(select(Company)).all():
            clear |= {c.legal_rep, c.contact_phone, c.id_number}
        for unit in s.exec(select(ProjectUnit)).all():
            clear |= {unit.contact, unit.phone}
        for m in s.exec(select(SmsOutbox)).all():
            clear |= {m.phone, m.text}
        persons = s.exec(select(Company).where(Company.kind == "person")).all()
        # an official's name is public where they act (办理人 in a case's history, reported
        # nationally); the demo draws applicants' and officials' names from one pool
        officials = {
            u.display_name
            for u in s.exec(select(User)).all()
            if u.role not in ("applicant", "agent", "agency")
        }
    clear -= officials | {""}
    assert persons and len(clear) > 100  # the demo has people, persons and phones to hide
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()
        blob = Path(url.removeprefix("sqlite:///")).read_bytes()
    else:  # every row of every table, as the database would dump it
        engine.dispose()
        import subprocess

        from sqlalchemy.engine import make_url

        from eap.cli.backup import pg_connection_args

        args, secret = pg_connection_args(url)
        dump = subprocess.run(
            ["pg_dump", *args, make_url(url).database or ""],
            capture_output=True,
            check=True,
            env={**os.environ, **secret},
        )
        blob = dump.stdout
    found = sorted(v for v in clear if v.encode() in blob)
    assert found == []


def test_key_rotation_reseals_everything_under_the_new_key(tmp_path: Path) -> None:
    from eap.migrate import upgrade

    url = scratch_database("eap_key_rotation", tmp_path)
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as s:
        from eap.services.admin.catalogue import load_all

        load_all(s)
        owner = applicant(s)
        user = s.get(User, owner.user_id)
        assert user is not None
        user.phone = "13900001234"
        s.add(user)
        s.commit()
    old = crypto.keys()
    new_key = "cd" * 32
    env = {
        "EAP_DATA_KEY": new_key,
        "EAP_DATA_KEY_ID": "k2",
        "EAP_DATA_KEYS_OLD": f"{old.key_id}={old.seal.hex()}{old.index.hex()}",
    }
    done = run_cli("keys", "rotate", db=url, env=env)
    assert done.returncode == 0, done.stderr[-1500:]
    counts = json.loads(done.stdout.strip().splitlines()[-1])
    assert counts.get("user", 0) >= 1 and counts.get("company", 0) >= 1
    with engine.connect() as conn:
        raw = conn.execute(
            text('SELECT phone FROM "user" WHERE id = :i'), {"i": owner.user_id}
        ).scalar_one()
    assert crypto.sealed_key_id(raw) == "k2"
    # a second run finds nothing left under the old key
    again = run_cli("keys", "rotate", db=url, env=env)
    assert json.loads(again.stdout.strip().splitlines()[-1]) == {}
