"""Showing an application's applicant in full on request (脱敏信息查看), for the window's and the
department's case panels: the masked values come with the case; the full ones only here,
audited by the service."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import reflex as rx
from sqlmodel import Session

from eap.services.approval.rows import StageHeader
from eap.services.core import personal

if TYPE_CHECKING:
    from eap.services.core.principal import Principal


class PartyRevealMixin(rx.State, mixin=True):
    revealed_phone: str = ""
    revealed_id: str = ""

    if TYPE_CHECKING:  # provided by the AppState subclass the mixin is combined with
        case: StageHeader

        def _perform(
            self, route: str, action: Callable[[Session, Principal], object], done: str
        ) -> Principal | None: ...

    def _forget_party(self) -> None:
        self.revealed_phone, self.revealed_id = "", ""

    def _reveal_party(self, route: str) -> None:
        shown: list[personal.PartyCard] = []
        stage_case_id = self.case.id
        acted = self._perform(
            route,
            lambda s, p: shown.append(
                personal.reveal_party(s, principal=p, stage_case_id=stage_case_id)
            ),
            "party.revealed",
        )
        if acted is not None and shown:
            self.revealed_phone, self.revealed_id = shown[0].phone, shown[0].id_number
