"""The supervision page's intermediary tab (中介服务监管): overdue services, suspicious
patterns, objections."""

from __future__ import annotations

import reflex as rx
from sqlmodel import Session

from eap.db import get_engine
from eap.services.supervision import market_watch
from eap.services.supervision.market_watch import (
    OverdueServiceRow,
    PatternRow,
    WatchObjectionRow,
)
from eap.state.core.base import AppState

SUPERVISION = "/supervision"


class MarketWatchState(AppState):
    overdue: list[OverdueServiceRow] = []
    patterns: list[PatternRow] = []
    objections: list[WatchObjectionRow] = []

    @rx.event
    def load(self) -> None:
        principal = self._principal()
        if principal is None or principal.role != "supervisor":
            return  # the board's own on-load redirects
        with Session(get_engine()) as s:
            self.overdue = market_watch.overdue_services(s, principal=principal)
            self.patterns = market_watch.patterns(s, principal=principal)
            self.objections = market_watch.objections(s, principal=principal)
