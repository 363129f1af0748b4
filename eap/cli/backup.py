"""``python -m eap backup DIR`` / ``restore DIR`` (数据备份与恢复).

The database through its own tools — PostgreSQL's ``pg_dump``/``pg_restore`` (custom format),
SQLite's online backup API — and the materials folder beside it, with a manifest of what was
taken. The data key is not in the backup (eap/crypto.py): keep it in the secret store; a
restore reads sealed values only with the same key. Restore goes into an empty database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, inspect, select
from sqlalchemy.engine import make_url

from eap.config import get_settings

TABLES_COUNTED = ("project", "stagecase", "itemcase", "storedfile", "auditlog", "user")


def _sqlite_path(url: str) -> Path:
    return Path(make_url(url).database or "")


def pg_connection_args(url: str) -> tuple[list[str], dict[str, str]]:
    """Host, port and user for PostgreSQL's own tools, and the password in their env."""
    u = make_url(url)
    args = ["-h", u.host or "127.0.0.1", "-p", str(u.port or 5432), "-U", u.username or "postgres"]
    env = {"PGPASSWORD": u.password} if u.password else {}
    return args, env


def _counts(url: str) -> dict[str, int]:
    from eap.db import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            names = set(inspect(conn).get_table_names())
            from sqlmodel import SQLModel

            import eap.models  # noqa: F401 - registers the tables

            return {
                t: int(
                    conn.execute(
                        select(func.count()).select_from(SQLModel.metadata.tables[t])
                    ).scalar_one()
                )
                for t in TABLES_COUNTED
                if t in names
            }
    finally:
        engine.dispose()


def backup(url: str, target: Path) -> dict[str, object]:
    target.mkdir(parents=True, exist_ok=True)
    if url.startswith("sqlite"):
        src = sqlite3.connect(_sqlite_path(url))
        dst = sqlite3.connect(target / "database.sqlite3")
        with dst:
            src.backup(dst)  # a consistent copy while the app keeps writing
        src.close()
        dst.close()
        kind = "sqlite"
    else:
        args, env = pg_connection_args(url)
        import os

        subprocess.run(
            [
                "pg_dump",
                *args,
                "-Fc",
                "-f",
                str(target / "database.dump"),
                make_url(url).database or "",
            ],
            check=True,
            env={**os.environ, **env},
        )
        kind = "postgresql"
    materials = Path(get_settings().upload_dir)
    files = 0
    if materials.exists():
        shutil.copytree(materials, target / "materials", dirs_exist_ok=True)
        files = sum(1 for p in (target / "materials").rglob("*") if p.is_file())
    from eap.crypto import keys

    manifest = {
        "taken_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database": kind,
        "rows": _counts(url),
        "material_files": files,
        "data_key_id": keys().key_id,  # which key the sealed values need (not the key)
    }
    (target / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
    return manifest


def restore(url: str, source: Path) -> dict[str, object]:
    manifest = json.loads((source / "manifest.json").read_text())
    if _counts(url).get("user"):
        raise SystemExit("restore goes into an empty database; this one has accounts")
    if manifest["database"] == "sqlite":
        if not url.startswith("sqlite"):
            raise SystemExit("a SQLite backup restores into a SQLite database")
        path = _sqlite_path(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        src = sqlite3.connect(source / "database.sqlite3")
        dst = sqlite3.connect(path)
        with dst:
            src.backup(dst)
        src.close()
        dst.close()
    else:
        import os

        args, env = pg_connection_args(url)
        subprocess.run(
            [
                "pg_restore",
                *args,
                "--no-owner",
                "--clean",
                "--if-exists",
                "-d",
                make_url(url).database or "",
                str(source / "database.dump"),
            ],
            check=True,
            env={**os.environ, **env},
        )
    if (source / "materials").exists():
        shutil.copytree(source / "materials", Path(get_settings().upload_dir), dirs_exist_ok=True)
    rows = _counts(url)
    if rows != manifest["rows"]:
        raise SystemExit(f"restored rows differ from the backup: {rows} != {manifest['rows']}")
    return {"restored": rows, "material_files": manifest["material_files"]}


def cmd_backup(args: argparse.Namespace) -> int:
    print(f"backup: the database, then the materials, into {args.dir}", file=sys.stderr, flush=True)
    print(json.dumps(backup(get_settings().database_url, Path(args.dir)), ensure_ascii=False))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    print(
        f"restore: the database, then the materials, from {args.dir}", file=sys.stderr, flush=True
    )
    print(json.dumps(restore(get_settings().database_url, Path(args.dir)), ensure_ascii=False))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    b = sub.add_parser("backup", help="the database and the materials folder into DIR")
    b.add_argument("dir")
    b.set_defaults(fn=cmd_backup)
    r = sub.add_parser("restore", help="a backup DIR into an empty database")
    r.add_argument("dir")
    r.set_defaults(fn=cmd_restore)
