"""Public certificate verification (证照核验): reached from the QR code, no login needed."""

from __future__ import annotations

import reflex as rx
from sqlmodel import Session

from eap.db import get_engine
from eap.services.approval.results import verify_certificate
from eap.state.core.base import AppState


class VerifyState(AppState):
    result: dict[str, str] = {}

    @rx.event
    def load(self) -> None:
        token = str(self.router.page.params.get("token", ""))[:40]
        with Session(get_engine()) as s:
            found = verify_certificate(s, token=token)
        self.result = {k: str(v) for k, v in found.items()}
