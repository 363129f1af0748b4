"""The public market (/market, 中介超市公开信息): no sign-in. Announcements, results with the
draw's check, the agency directory and the credit ranking."""

from __future__ import annotations

import reflex as rx
from sqlmodel import Session

from eap.db import get_engine
from eap.errors import DomainError
from eap.services.agency import public, selection, views
from eap.services.agency.rows import AnnouncementRow, Choice, DirectoryRow, ResultRow
from eap.state.core.base import AppState


class MarketState(AppState):
    tab: str = "announcements"
    service_options: list[Choice] = []
    city_options: list[Choice] = []
    service_code: str = ""
    city_code: str = ""
    query: str = ""
    announcements: list[AnnouncementRow] = []
    results: list[ResultRow] = []
    directory: list[DirectoryRow] = []
    page: int = 1
    pages: int = 1
    verify_number: str = ""
    verify_ok: bool = False
    verify_text: str = ""
    verify_detail: str = ""  # the public inputs, to recompute by hand
    error: str = ""

    @rx.event
    def load(self) -> None:
        """A fresh visit starts on the announcements, unfiltered."""
        self.error, self.tab, self.page, self.query = "", "announcements", 1, ""
        self.service_code, self.city_code, self.verify_text, self.verify_detail = "", "", "", ""
        with Session(get_engine()) as s:
            self.service_options = views.service_choices(s, self.lang)
            self.city_options = views.city_choices(s)
        self._reload()

    def _reload(self) -> None:
        self.error = ""
        try:
            self._load_tab()
        except DomainError as exc:  # e.g. a search too long: said on the page, list emptied
            self.error = exc.translate(self.lang)
            self.directory, self.pages = [], 1

    def _load_tab(self) -> None:
        size = public.PAGE
        with Session(get_engine()) as s:
            if self.tab == "announcements":
                rows, total = public.announcements(
                    s,
                    lang=self.lang,
                    service_code=self.service_code,
                    city_code=self.city_code,
                    page=self.page,
                )
                self.announcements = rows
            elif self.tab == "results":
                self.results, total = public.results(s, lang=self.lang, page=self.page)
            else:
                self.directory, total = public.directory(
                    s,
                    lang=self.lang,
                    query=self.query,
                    service_code=self.service_code,
                    page=self.page,
                )
        self.pages = max(1, -(-total // size))

    @rx.event
    def set_tab(self, value: str) -> None:
        self.tab, self.page = value, 1
        self._reload()

    @rx.event
    def set_service(self, value: str) -> None:
        self.service_code, self.page = ("" if value == "all" else value), 1
        self._reload()

    @rx.event
    def set_city(self, value: str) -> None:
        self.city_code, self.page = ("" if value == "all" else value), 1
        self._reload()

    @rx.event
    def set_query(self, value: str) -> None:
        self.query = value

    @rx.event
    def search(self) -> None:
        self.page = 1
        self._reload()

    @rx.event
    def goto_page(self, delta: int) -> None:
        self.page = min(max(1, self.page + delta), self.pages)
        self._reload()

    @rx.event
    def set_verify_number(self, value: str) -> None:
        self.verify_number = value

    @rx.event
    def verify(self, number: str = "") -> None:
        """The same check as ``python -m eap market verify-draw``, on the public data."""
        number = (number or self.verify_number).strip()
        self.verify_number, self.verify_text, self.verify_ok = number, "", False
        self.verify_detail = ""
        try:
            with Session(get_engine()) as s:
                check = selection.verify_draw(s, number=number)
                inputs = selection.public_inputs(s, number=number)
        except Exception as exc:
            self.verify_text = self._error(exc)
            return
        self.verify_ok = check.ok
        self.verify_detail = self._tr("market.verify.inputs", **inputs)
        if check.ok:
            self.verify_text = self._tr("market.verify.ok", number=number, winner=check.published)
        elif not check.commitment_ok:
            self.verify_text = self._tr("market.verify.commitment", number=number)
        else:
            self.verify_text = self._tr(
                "market.verify.differs",
                number=number,
                expected=check.expected or "-",
                published=check.published or "-",
            )
