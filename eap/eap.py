"""The Reflex application: every page comes from the route table, nothing runs at import but it."""

from __future__ import annotations

import importlib
from typing import Any

import reflex as rx

from eap.api import api
from eap.routes import ROUTES, Route


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


app = rx.App(api_transformer=api)
for _route in ROUTES:
    _handlers = [_resolve(ref) for ref in _route.on_load]
    app.add_page(
        _component(_route),
        route=_route.path,
        title=_route.title,
        on_load=_handlers[0] if len(_handlers) == 1 else _handlers,
    )
