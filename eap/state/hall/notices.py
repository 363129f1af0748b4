"""Notices: the public list (/notices) and the administrator's publishing form (on /admin)."""

from __future__ import annotations

import reflex as rx
from sqlmodel import Session

from eap.db import get_engine, session_scope
from eap.errors import DomainError
from eap.services.admin import notices
from eap.services.admin.notices import NoticeRow
from eap.state.core.base import AppState


class NoticesState(AppState):
    rows: list[NoticeRow] = []
    page: int = 1
    pages: int = 1

    def _load(self) -> None:
        with Session(get_engine()) as s:
            self.rows, self.pages = notices.list_notices(s, page=self.page)

    @rx.event
    def load(self) -> None:
        self.page = 1
        self._load()

    @rx.event
    def goto_page(self, delta: int) -> None:
        self.page = min(max(1, self.page + delta), self.pages)
        self._load()


class NoticeDetailState(AppState):
    detail: NoticeRow = NoticeRow()
    error: str = ""

    @rx.event
    def load(self) -> None:
        self.detail, self.error = NoticeRow(), ""
        raw = str(self.router.page.params.get("notice_id", ""))
        try:
            with Session(get_engine()) as s:
                self.detail = notices.get_notice(s, notice_id=int(raw) if raw.isdigit() else 0)
        except DomainError as exc:
            self.error = self._error(exc)


class NoticeAdminState(AppState):
    title: str = ""
    body: str = ""
    message: str = ""
    error: str = ""

    @rx.event
    def set_title(self, value: str) -> None:
        self.title = value

    @rx.event
    def set_body(self, value: str) -> None:
        self.body = value

    current: list[NoticeRow] = []

    @rx.event
    def load_list(self) -> None:
        self._load_list()

    def _load_list(self) -> None:
        with Session(get_engine()) as s:
            self.current, _ = notices.list_notices(s, page=1)

    @rx.event
    def withdraw(self, notice_id: int) -> None:
        """撤下 a notice; the service re-checks that the caller is an administrator."""
        self._perform(
            "/admin",
            lambda s, p: notices.withdraw_notice(s, principal=p, notice_id=notice_id),
            "notice.withdrawn",
        )
        self._load_list()

    @rx.event
    def publish(self) -> None:
        """Only an administrator may publish; checked again in the service."""
        self.message, self.error = "", ""
        try:
            principal = self._require("/admin")
            with session_scope() as s:
                notices.publish_notice(s, principal=principal, title=self.title, body=self.body)
            self.title, self.body, self.message = "", "", self._tr("notice.published")
        except Exception as exc:
            self.error = self._error(exc)
        self._load_list()
