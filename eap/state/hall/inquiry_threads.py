"""What the applicant's consultations page and the department's reply panel share: a paged
list of inquiries (咨询投诉) filtered by status, one thread open at a time, and a reply box.
A state mixin, so each page keeps its own vars; ``inquiry_route`` is the page whose access
rule applies."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

import reflex as rx

if TYPE_CHECKING:
    from eap.services.core.principal import Principal
from sqlmodel import Session

from eap.db import get_engine
from eap.services.hall import inquiries
from eap.services.hall.rows import InquiryRow, ThreadMessage

PAGE_SIZE = 10


class InquiryThreadsMixin(rx.State, mixin=True):
    inquiry_route: ClassVar[str] = ""
    rows: list[InquiryRow] = []
    total: int = 0
    page: int = 1
    status: str = ""  # "" = every status
    open_id: int = 0  # the thread shown; 0: none
    thread: list[ThreadMessage] = []
    reply_text: str = ""

    if TYPE_CHECKING:  # provided by the AppState subclass the mixin is combined with
        lang: str

        def _error(self, exc: Exception) -> str: ...
        def _tr(self, key: str, **params: object) -> str: ...
        def _require(self, route: str) -> Principal: ...
        def _perform(
            self, route: str, action: Callable[[Session, Principal], object], done: str
        ) -> Principal | None: ...

    def _list(self, principal: Principal | None = None) -> None:
        principal = principal or self._require(self.inquiry_route)
        with Session(get_engine()) as s:
            self.rows, self.total = inquiries.list_inquiries(
                s, principal=principal, status=self.status, page=self.page, size=PAGE_SIZE
            )
            if self.open_id:
                self.thread = inquiries.thread(s, principal=principal, inquiry_id=self.open_id)

    @rx.var
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))

    @rx.event
    def goto_page(self, delta: int) -> None:
        self.page = min(max(1, self.page + delta), self.pages)
        self._list()

    @rx.event
    def set_reply(self, value: str) -> None:
        self.reply_text = value

    @rx.event
    def open_thread(self, inquiry_id: int) -> None:
        self.open_id = 0 if self.open_id == inquiry_id else inquiry_id
        self.thread, self.reply_text = [], ""
        self.message, self.error = "", ""
        try:
            self._list()
        except Exception as exc:  # translated for the user, never a traceback
            self.open_id, self.error = 0, self._error(exc)

    def _send_reply(self) -> bool:
        """Reply to the open thread through the service; the list is read again either way."""
        sent = self._perform(
            self.inquiry_route,
            lambda s, p: inquiries.reply(
                s, principal=p, inquiry_id=self.open_id, body=self.reply_text
            ),
            "inquiry.reply_sent",
        )
        if sent:
            self.reply_text = ""
        return bool(sent)
