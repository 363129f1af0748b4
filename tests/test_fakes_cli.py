"""Each outside system's fake starts from the command line as the demo (run.sh) starts it,
says where it listens on its first line, and answers its protocol there."""

from __future__ import annotations

import subprocess
import sys

import httpx
import pytest

from tests.factories import ROOT


@pytest.mark.parametrize(
    ("name", "args", "path", "expect"),
    [
        ("investment", ["--demo"], "/api/projects/2026-360102-47-01-000123", 200),
        ("investment", [], "/api/projects/2026-360102-47-01-000123", 404),
        ("credit", ["--dishonest", "913601003AGYGLUY2P"], "/api/credit/913601003AGYGLUY2P", 200),
        ("certificates", [], "/api/licences?holder=913601003AGYGLUY2P", 200),
        ("oidc", [], "/.well-known/openid-configuration", 200),
    ],
)
def test_a_fake_starts_and_answers(name: str, args: list[str], path: str, expect: int) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "eap", "fake", name, "--port", "0", *args],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None
        url = proc.stderr.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        answer = httpx.get(url + path, timeout=10)
        assert answer.status_code == expect
        if name == "credit":
            assert answer.json()["status"] == "dishonest"
        if name == "oidc":
            assert answer.json()["issuer"] == url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
