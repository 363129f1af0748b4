"""The Reflex application: every page comes from the route table, nothing runs at import but it."""

from __future__ import annotations

import gc
import importlib
import logging
import sys
from typing import Any

import reflex as rx

from eap.api import api
from eap.metrics import EventTimer
from eap.middleware import SecurityMiddleware
from eap.routes import ROUTES, Route
from eap.web_tabs import announce_worker


def _resolve(ref: str) -> Any:
    """``"module:attr.attr"`` → the object (the route table names pages and handlers so)."""
    module, _, attrs = ref.partition(":")
    obj: Any = importlib.import_module(module)
    for attr in attrs.split("."):
        obj = getattr(obj, attr)
    return obj


def _component(route: Route) -> Any:
    build = _resolve(route.page)
    if route.role_home is not None:  # a role's generic home page
        role = next(iter(route.roles or ()))  # a role home serves exactly one role
        return build(role, route.role_home)
    return build() if route.page == "reflex:fragment" else build


# The app's own operational lines (which worker opened a page socket, refused requests, cache
# trouble) go to the workers' standard error, beside granian's, at INFO.
_log = logging.getLogger("eap")
if not _log.handlers:
    _handler = logging.StreamHandler(sys.stderr)
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    _log.addHandler(_handler)
    _log.setLevel(logging.INFO)
    _log.propagate = False

# The routes first, then the security layer around everything (pages, socket, routes).
app = rx.App(api_transformer=[api, SecurityMiddleware])
app.add_middleware(EventTimer())  # event latency for /metrics
# every worker says it is alive, so a tab whose worker died keeps its state (eap/web_tabs.py)
app.register_lifespan_task(announce_worker, reflex_app=app)
for _route in ROUTES:
    _handlers = [_resolve(ref) for ref in _route.on_load]
    app.add_page(
        _component(_route),
        route=_route.path,
        title=_route.title,
        on_load=_handlers[0] if len(_handlers) == 1 else _handlers,
    )

# What import built lives as long as the process: moved out of the collector's generations,
# so a full collection no longer walks it (the periodic pauses of issue 19).
gc.freeze()
