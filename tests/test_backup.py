"""Backups (issue 19 item 6): ``backup DIR`` takes the database (its own tools) and the
materials folder; ``restore DIR`` into an empty database brings back every case, file and
audit row, and the audit chain still verifies."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, select

from eap.config import get_settings
from eap.db import make_engine
from eap.migrate import upgrade
from eap.models import AuditLog, ItemCase, StageCase, StoredFile
from eap.services.admin.catalogue import load_all
from tests.factories import applicant, file_stage, project, run_cli, scratch_database


def _count(session: Session, model: type) -> int:
    return int(session.exec(select(func.count()).select_from(model)).one())


def test_a_backup_restores_into_an_empty_database(tmp_path: Path) -> None:
    source = scratch_database("eap_backup_source", tmp_path)
    upgrade(source)
    with Session(make_engine(source)) as s:
        load_all(s)
        owner = applicant(s)
        file_stage(s, owner, project(s, owner), 1, day=dt.date(2026, 11, 2))
        s.commit()
        before = {m.__name__: _count(s, m) for m in (StageCase, ItemCase, StoredFile, AuditLog)}
        keys = [f.storage_key for f in s.exec(select(StoredFile)).all()]
    assert before["StoredFile"] > 0 and before["AuditLog"] > 0
    taken = run_cli("backup", str(tmp_path / "bk"), db=source)
    assert taken.returncode == 0, taken.stderr[-1500:]
    manifest = json.loads((tmp_path / "bk" / "manifest.json").read_text())
    assert manifest["rows"]["auditlog"] == before["AuditLog"]
    target = scratch_database("eap_backup_target", tmp_path)
    elsewhere = tmp_path / "restored-materials"
    restored = run_cli(
        "restore", str(tmp_path / "bk"), db=target, env={"EAP_UPLOAD_DIR": str(elsewhere)}
    )
    assert restored.returncode == 0, restored.stderr[-1500:]
    with Session(make_engine(target)) as s:
        after = {m.__name__: _count(s, m) for m in (StageCase, ItemCase, StoredFile, AuditLog)}
    assert after == before
    original = Path(get_settings().upload_dir)
    for key in keys:
        copy = elsewhere / key[:2] / key
        assert copy.read_bytes() == (original / key[:2] / key).read_bytes()
    verified = run_cli("audit", "verify", db=target)
    assert verified.returncode == 0, verified.stdout
    # a restore never overwrites a database in use
    again = run_cli("restore", str(tmp_path / "bk"), db=target)
    assert again.returncode != 0 and "empty database" in again.stderr
