"""The demo's SMS gateway (python -m eap fake sms) over real HTTP: a queued text handed to it
is shown on its terminal, so someone trying the demo can read a code."""

from __future__ import annotations

import subprocess
import sys

from sqlmodel import Session

from eap.models import SmsOutbox
from eap.services.core import notify
from tests.factories import ROOT


def test_a_text_reaches_the_terminal(session: Session) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "eap", "fake", "sms", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None and proc.stdout is not None
        url = proc.stderr.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        sms = SmsOutbox(phone="13900009999", text="您的验证码为 424242，10分钟内有效。")
        session.add(sms)
        session.flush()
        assert notify.deliver_sms(session, gateway_url=url, ids=[sms.id or 0]) == {
            "sent": 1,
            "failed": 0,
        }
        line = proc.stdout.readline()
        assert "13900009999" in line and "424242" in line
    finally:
        proc.kill()
        proc.wait()
