"""A local 信用 service for the demo and the tests: ``GET /api/credit/{uscc}`` answers
``{"uscc", "status": "good" | "dishonest", "reason"}``; 404 when it has no record of the party.
The companies on its 失信 list come from ``--dishonest USCC,USCC`` (or, in tests, its
``dishonest`` set); ``fail_next`` makes the next answers 503, ``slow_next`` makes them wait ``delay`` seconds.

Not for production: a province points ``EAP_CREDIT_URL`` at its credit platform (or a gateway
speaking this protocol in front of it)."""

from __future__ import annotations

import re
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from eap.fakes.http import JsonHandler, start_thread

_PATH = re.compile(r"^/api/credit/([0-9A-Z]{18})$")


class CreditService:
    def __init__(self, dishonest: set[str] | None = None) -> None:
        self.dishonest = set(dishonest or ())
        self.fail_next = 0
        self.slow_next = 0  # answers that wait ``delay`` seconds first (the slow case)
        self.delay = 0.0
        self.asked: list[str] = []


def _handler(service: CreditService) -> type[BaseHTTPRequestHandler]:
    class Handler(JsonHandler):
        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            m = _PATH.match(self.path)
            if not m:
                self._json(404, {"error": "no_such_path"})
                return
            if service.slow_next:
                service.slow_next -= 1
                time.sleep(service.delay)
            if service.fail_next:
                service.fail_next -= 1
                self._json(503, {"error": "unavailable"})
                return
            uscc = m.group(1)
            service.asked.append(uscc)
            if uscc in service.dishonest:
                self._json(200, {"uscc": uscc, "status": "dishonest", "reason": "失信被执行人"})
            else:
                self._json(200, {"uscc": uscc, "status": "good", "reason": ""})

    return Handler


def start(service: CreditService, port: int = 0) -> ThreadingHTTPServer:
    return start_thread(_handler(service), port)


def serve(port: int, dishonest: str = "") -> None:
    listed = {u.strip() for u in dishonest.split(",") if u.strip()}
    server = ThreadingHTTPServer(("127.0.0.1", port), _handler(CreditService(listed)))
    print(f"http://127.0.0.1:{server.server_address[1]}", flush=True, file=sys.stderr)
    server.serve_forever()
