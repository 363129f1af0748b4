"""The applicant's hand-in of materials owed under 容缺受理 (/hall/owed): pick an owed
material, attach the file, hand it in. Each handler re-authorises through the session; the owed
service decides what may be handed in."""

from __future__ import annotations

from typing import ClassVar

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from eap.db import get_engine
from eap.services.approval import owed
from eap.services.approval.owed import CompanyOwedRow
from eap.services.core.principal import Principal
from eap.state.core.base import AppState
from eap.state.core.one_upload import OneUploadMixin

OWED = "/hall/owed"


class OwedState(OneUploadMixin, AppState):
    upload_route: ClassVar[str] = OWED
    rows: list[CompanyOwedRow] = []
    # The hand-in under way: one owed material of one application.
    handing_stage: int = 0
    handing_code: str = ""
    handing_label: str = ""
    message: str = ""

    @rx.var
    def late(self) -> int:
        return sum(1 for r in self.rows if r.late)

    @rx.event
    def load(self) -> EventSpec | None:
        principal, redirect = self._admit(OWED)
        if principal is None:
            return redirect
        self.message, self.error = "", ""
        self._close()
        self._reload(principal)
        return None

    def _reload(self, principal: Principal) -> None:
        with Session(get_engine()) as s:
            self.rows = owed.owed_by_company(s, principal=principal)

    def _close(self) -> None:
        self.handing_stage, self.handing_code, self.handing_label = 0, "", ""
        self.upload_name, self._upload_id, self.field_errors = "", 0, {}

    @rx.event
    def start(self, stage_case_id: int, code: str) -> None:
        row = next(
            (r for r in self.rows if r.stage_case_id == stage_case_id and r.code == code), None
        )
        if row is None:
            return
        self._close()
        name = row.name_en if self.lang == "en" else row.name_zh
        self.handing_stage, self.handing_code = row.stage_case_id, row.code
        self.handing_label = f"{row.code} {name} · {row.project}"
        self.message, self.error = "", ""

    @rx.event
    def cancel(self) -> None:
        self._close()

    @rx.event
    def hand_in(self) -> None:
        stage, code, upload = self.handing_stage, self.handing_code, self._upload_id
        if not upload:
            self.field_errors = {"file": self._tr("owed.file_needed")}
            return
        principal = self._perform_form(
            OWED,
            lambda s, p: owed.hand_in_owed(
                s, principal=p, stage_case_id=stage, uploads={code: upload}
            ),
            "owed.handed_in",
        )
        if principal is not None:
            self._close()
            self._reload(principal)
