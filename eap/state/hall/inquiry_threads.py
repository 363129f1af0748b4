"""What the applicant's consultations page and the department's reply panel share: a paged
list of inquiries (咨询投诉) filtered by status, one thread open at a time, and a reply box.
A state mixin, so each page keeps its own vars; ``inquiry_route`` is the page whose access
rule applies."""

from __future__ import annotations

from typing import ClassVar

import reflex as rx
from sqlmodel import Session

from eap.db import get_engine
from eap.services.hall import inquiries

PAGE_SIZE = 10


class InquiryThreadsMixin(rx.State, mixin=True):
    inquiry_route: ClassVar[str] = ""
    rows: list[dict[str, str]] = []
    total: int = 0
    page: int = 1
    status: str = ""  # "" = every status
    open_id: str = ""
    thread: list[dict[str, str]] = []
    reply_text: str = ""

    def _list(self) -> None:
        principal = self._require(self.inquiry_route)  # type: ignore[attr-defined]
        with Session(get_engine()) as s:
            self.rows, self.total = inquiries.list_inquiries(
                s, principal=principal, status=self.status, page=self.page, size=PAGE_SIZE
            )
            if self.open_id:
                self.thread = inquiries.thread(s, principal=principal, inquiry_id=int(self.open_id))

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
    def open_thread(self, inquiry_id: str) -> None:
        self.open_id = "" if self.open_id == inquiry_id else inquiry_id
        self.thread, self.reply_text = [], ""
        self.message, self.error = "", ""  # type: ignore[attr-defined]
        try:
            self._list()
        except Exception as exc:  # translated for the user, never a traceback
            self.open_id, self.error = "", self._error(exc)  # type: ignore[attr-defined]

    def _send_reply(self) -> bool:
        """Reply to the open thread through the service; the list is read again either way."""
        sent = self._perform(  # type: ignore[attr-defined]
            self.inquiry_route,
            lambda s, p: inquiries.reply(
                s, principal=p, inquiry_id=int(self.open_id or 0), body=self.reply_text
            ),
            "inquiry.reply_sent",
        )
        if sent:
            self.reply_text = ""
        return bool(sent)
