"""Long commands show progress (issue 19 item 7): a bar with counts and the time left on a
terminal, plain periodic lines otherwise, while stdout keeps the JSON result."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

from sqlmodel import Session

from eap.db import make_engine
from eap.migrate import upgrade
from eap.services.admin.catalogue import load_all
from tests.factories import ROOT, applicant, city_staff, run_cli, scratch_database


def _province(tmp_path: Path) -> str:
    url = scratch_database("eap_progress", tmp_path)
    upgrade(url)
    with Session(make_engine(url)) as s:
        load_all(s)
        city_staff(s)
        city_staff(s, "360000")  # 事权: large 核准 projects go to the province's 发改委
        for _ in range(3):
            applicant(s)
        s.commit()
    return url


def test_plain_lines_when_not_a_terminal(tmp_path: Path) -> None:
    url = _province(tmp_path)
    done = run_cli("demo", "simulate", "--projects", "4", "--seed", "3", db=url)
    assert done.returncode == 0, done.stderr[-1500:]
    assert json.loads(done.stdout.strip().splitlines()[-1])["projects"] >= 1
    assert "demo simulate projects: 4/4 (100%)" in done.stderr


def test_a_bar_on_a_terminal(tmp_path: Path) -> None:
    url = _province(tmp_path)
    run_cli("demo", "simulate", "--projects", "3", "--seed", "4", db=url)
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "eap", "kpi", "rebuild"],
        cwd=ROOT,
        env={**os.environ, "EAP_DATABASE_URL": url, "COLUMNS": "100"},
        stdout=subprocess.PIPE,
        stderr=follower,
    )
    out, _ = proc.communicate(timeout=300)
    os.close(follower)
    drawn = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        drawn += chunk
    os.close(leader)
    assert proc.returncode == 0
    assert json.loads(out.decode().strip().splitlines()[-1])["rows"] > 0
    text = drawn.decode(errors="replace")
    assert "kpi rebuild days" in text and "━" in text  # rich's bar, with the count
