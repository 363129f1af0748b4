"""The big screen's state (/screen, /screen/city/[code]): the period, the map's metric, the
view the service returned and the figures drawn from it. Refreshed by a timer on the page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from eap.config import get_settings
from eap.db import get_engine, session_scope
from eap.errors import DomainError, PermissionDenied
from eap.routes import ROUTE_ROLES
from eap.services.admin import accounts
from eap.services.core.principal import Principal
from eap.services.screen.figures import ScreenView, Site, screen_view
from eap.services.screen.projects import FoundProject, find_projects
from eap.state.core.base import AppState
from eap.state.core.blank import blank_figure, figure_json
from eap.state.screen import charts

ROUTE = "/screen"
CITY_ROUTE = "/screen/city/[code]"


class ScreenState(AppState):
    view: ScreenView = ScreenView()
    scope: str = ""  # "" : the viewer's own (province or city)
    period: str = "year"  # a leader's first question is "this year so far"
    metric: str = "on_time"
    start: str = ""
    end: str = ""
    field_errors: dict[str, str] = {}
    error: str = ""
    search_text: str = ""
    found: list[FoundProject] = []
    searched: bool = False
    # 一张蓝图's filters: "all" or a value; the time range is the screen's period
    site_type: str = "all"
    site_stage: str = "all"
    site_status: str = "all"  # all | overdue | on_time
    site_window: str = "all"  # all | period (first accepted within the period shown)
    site_colour: str = "stage"  # stage | overdue
    chart_view: str = "ranking"  # ranking | trend
    list_view: str = "overdue"  # overdue | slow_departments | slow_items

    @rx.var
    def refresh_ms(self) -> int:
        return get_settings().screen_refresh_seconds * 1000

    @rx.var
    def refresh_seconds(self) -> int:
        return get_settings().screen_refresh_seconds

    def _route(self) -> str:
        return CITY_ROUTE if self.scope else ROUTE

    @rx.event
    def load(self) -> EventSpec | None:
        self.scope = ""
        return self._open()

    @rx.event
    def load_city(self) -> EventSpec | None:
        self.scope = str(self.router.page.params.get("code", "") or "")
        return self._open()

    def _open(self) -> EventSpec | None:
        principal, redirect = self._admit(self._route())
        if principal is None:
            return redirect
        self.field_errors, self.error = {}, ""
        self._reload(principal)
        return None

    def _dates(self) -> tuple[dt.date | None, dt.date | None]:
        days: dict[str, dt.date | None] = {}
        for name, raw in (("start", self.start), ("end", self.end)):
            try:
                days[name] = dt.date.fromisoformat(raw.strip()) if raw.strip() else None
            except ValueError:
                raise DomainError("screen.bad_date", field=name) from None
        return days["start"], days["end"]

    def _reload(self, principal: Principal | None = None) -> EventSpec | None:
        self.field_errors, self.error = {}, ""
        try:
            principal = principal or self._require(self._route())
            start, end = self._dates() if self.period == "custom" else (None, None)
            with Session(get_engine()) as s:
                view = screen_view(
                    s,
                    principal=principal,
                    scope=self.scope or None,
                    period=self.period,
                    start=start,
                    end=end,
                )
        except PermissionDenied as exc:
            if exc.key == "login.session_ended":
                return rx.redirect("/login")
            # nothing of a scope shown before stays on a page that is refused
            self.view, self.error = ScreenView(), self._error(exc)
            return None
        except DomainError as exc:
            if exc.field:  # what was typed stays; the figures shown stay those of before
                self.field_errors = {exc.field: exc.translate(self.lang)}
            else:
                self.view, self.error = ScreenView(), exc.translate(self.lang)
            return None
        except Exception as exc:  # translated for the user, never a traceback
            self.error = self._error(exc)
            return None
        self.view = view
        return None

    # The figures follow the view, the metric and the language by themselves (computed vars):
    # a language switch redraws them, with no handler to forget.
    def _shown_sites(self) -> list[Site]:
        return [
            x
            for x in self.view.sites
            if (self.site_type == "all" or str(x.process_type) == self.site_type)
            and (self.site_stage == "all" or str(x.stage) == self.site_stage)
            and (self.site_status == "all" or x.overdue == (self.site_status == "overdue"))
            and (
                self.site_window == "all"
                or (x.accepted_on and self.view.start <= x.accepted_on <= self.view.end)
            )
        ]

    @rx.var
    def shown_sites(self) -> int:
        return len(self._shown_sites())

    # Until this tab has opened a screen (view.computed_at set by its on-load), its figures are
    # blank: they travel with every page's hydration, and the province's map is 320 KB.
    @rx.var
    def map_fig(self) -> dict[str, Any]:
        if not self.view.computed_at:
            return blank_figure()
        return figure_json(
            charts.map_figure(
                self.view,
                self.metric,
                self.t,
                sites=self._shown_sites(),
                colour_by=self.site_colour,
            )
        )

    @rx.var
    def trend_fig(self) -> dict[str, Any]:
        if not self.view.computed_at:
            return blank_figure()
        return figure_json(charts.trend_figure(self.view, self.t))

    @rx.event
    def set_chart_view(self, value: str | list[str]) -> None:
        value = value if isinstance(value, str) else (value[0] if value else "ranking")
        self.chart_view = value if value in ("ranking", "trend") else "ranking"

    @rx.event
    def set_list_view(self, value: str | list[str]) -> None:
        value = value if isinstance(value, str) else (value[0] if value else "overdue")
        ok = ("overdue", "slow_departments", "slow_items")
        self.list_view = value if value in ok else "overdue"

    @rx.event
    def set_site_filter(self, name: str, value: str) -> None:
        allowed = {
            "site_type": {"all", *map(str, range(1, 11))},
            "site_stage": {"all", *map(str, range(1, 6))},
            "site_status": {"all", "overdue", "on_time"},
            "site_window": {"all", "period"},
            "site_colour": {"stage", "overdue"},
        }
        if value in allowed.get(name, set()):
            setattr(self, name, value)

    @rx.var
    def ranking_fig(self) -> dict[str, Any]:
        if not self.view.computed_at:
            return blank_figure()
        return figure_json(charts.ranking_figure(self.view))

    @rx.var
    def stages_fig(self) -> dict[str, Any]:
        if not self.view.computed_at:
            return blank_figure()
        return figure_json(charts.stages_figure(self.view, self.lang))

    @rx.event
    def set_period(self, value: str | list[str]) -> EventSpec | None:
        value = value if isinstance(value, str) else (value[0] if value else "month")
        self.period = value
        if value == "custom":  # waits for the dates and 查询
            return None
        return self._reload()

    @rx.event
    def apply_range(self, form: dict[str, str]) -> EventSpec | None:
        self.start, self.end = form.get("start", ""), form.get("end", "")
        self.period = "custom"
        return self._reload()

    @rx.event
    def set_metric(self, value: str) -> None:
        if value in charts.METRICS:
            self.metric = value

    @rx.event
    def tick(self, _now: str) -> EventSpec | None:
        """The page's timer: new figures in place, no reload, no flicker. The session check
        of a refresh may come from the shared cache (accounts.resolve_session_for_refresh)."""
        with session_scope() as s:
            principal = accounts.resolve_session_for_refresh(s, key=self._session_key())
        if principal is None:
            return rx.redirect("/login")
        if principal.role not in ROUTE_ROLES.get(self._route(), frozenset()):
            return rx.redirect(self.user.home)
        return self._reload(principal)

    @rx.event
    def open_area(self, points: list[dict]) -> EventSpec | None:
        """A click on the map opens a city's screen (from the province's) or a project's page
        (a site, on either)."""
        if not points:
            return None
        curve = points[0].get("curveNumber")
        index = points[0].get("pointNumber")
        codes = list(charts.area_shapes(self.view.scope))  # one fill trace each, then labels
        sites = self._shown_sites()
        if curve == len(codes) + 1 and isinstance(index, int) and index < len(sites):
            return rx.redirect(f"/screen/project/{sites[index].code}")
        if self.scope:  # a county has no screen of its own
            return None
        code = ""
        if isinstance(curve, int) and curve < len(codes):
            code = codes[curve]
        elif curve == len(codes) and isinstance(index, int) and index < len(codes):
            code = codes[index]
        return rx.redirect(f"/screen/city/{code}") if code else None

    @rx.event
    def search(self, form: dict[str, str]) -> EventSpec | None:
        """Find a project by code or name; an exact code opens its page straight away."""
        self.search_text = form.get("search", "")
        self.found, self.searched = [], False
        self.field_errors = {k: v for k, v in self.field_errors.items() if k != "search"}
        try:
            principal = self._require(self._route())
            with Session(get_engine()) as s:
                found = find_projects(s, principal=principal, text=self.search_text)
        except DomainError as exc:
            if exc.key == "login.session_ended":
                return rx.redirect("/login")
            self.field_errors = {**self.field_errors, "search": exc.translate(self.lang)}
            return None
        except Exception as exc:  # translated for the user, never a traceback
            self.error = self._error(exc)
            return None
        self.found, self.searched = found, True
        exact = [f for f in found if f.code == self.search_text.strip()]
        if len(exact) == 1:
            return rx.redirect(f"/screen/project/{exact[0].code}")
        return None

    @rx.event
    def clear_search(self) -> None:
        self.found, self.searched, self.search_text = [], False, ""
