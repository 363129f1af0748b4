"""Public certificate verification (证照核验): reached from the QR code, no login needed."""

from __future__ import annotations

import reflex as rx
from sqlmodel import Session

from eap.db import get_engine
from eap.services.approval.results import verify_certificate
from eap.services.approval.rows import Verification
from eap.state.core.base import AppState


class VerifyState(AppState):
    result: Verification = Verification()

    @rx.event
    def load(self) -> None:
        token = str(self.router.page.params.get("token", ""))[:40]
        with Session(get_engine()) as s:
            self.result = verify_certificate(s, token=token)
