"""``python -m eap web --port P``: the production web tier, as ``reflex run --env prod
--single-port`` runs it, with one change: a worker that dies is started again.

Reflex 0.10 builds its granian server with granian's defaults, and granian stops *every*
worker when one exits unexpectedly unless ``respawn_failed_workers`` is on; Reflex exposes no
setting for it. With state in Redis a tab whose worker died reconnects to another worker and
carries on, so the other workers must keep serving (tests/production)."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any


def _respawning_granian() -> None:
    """Swap granian's server class for one that restarts failed workers (before Reflex
    imports it)."""
    import granian.server

    base = granian.server.Server

    class RespawningServer(base):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs.setdefault("respawn_failed_workers", True)
            super().__init__(*args, **kwargs)

    granian.server.Server = RespawningServer


def cmd_web(args: argparse.Namespace) -> int:
    _respawning_granian()
    from reflex.reflex import cli

    argv = ["run", "--env", "prod", "--single-port", "--frontend-port", str(args.port)]
    argv += ["--loglevel", args.loglevel]
    os.environ.setdefault("GRANIAN_WORKERS", str(args.workers))
    sys.argv = ["reflex", *argv]
    cli.main(args=argv, prog_name="reflex")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    web = sub.add_parser("web", help="the production web workers (scripts/serve.sh runs this)")
    web.add_argument("--port", type=int, default=8000)
    web.add_argument("--workers", type=int, default=4, help="unless GRANIAN_WORKERS is set")
    web.add_argument("--loglevel", default="info")
    web.set_defaults(fn=cmd_web)
