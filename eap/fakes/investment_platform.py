"""A local 投资项目在线审批监管平台 (investment-project platform) for the demo and the tests:
``GET /api/projects/{code}`` answers the platform's record of a 项目代码 (200) or 404 for a
code it does not know. Records come from a JSON file (``--data``, a list of records) and from
``PUT /api/projects/{code}`` (its back office); ``POST /_faults`` with ``{"fail": n}`` or
``{"delay": s}`` makes the next answers fail or wait, to try the down and slow cases.

Not for production: a province points ``EAP_INVESTMENT_URL`` at its real platform (or at a
gateway that speaks this protocol in front of it)."""

from __future__ import annotations

import json
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from eap.fakes.http import JsonHandler, start_thread

_PATH = re.compile(r"^/api/projects/([0-9A-Za-z-]{1,40})$")


class Platform:
    """The fake's memory: records by code, and faults to inject. With ``demo`` it also knows
    every well-formed code whose serial does not start with 9, with a generated record, so a
    person trying the demo can type any code (and a 9… serial to see a refusal)."""

    def __init__(self, records: list[dict[str, Any]] | None = None, *, demo: bool = False) -> None:
        self.records = {r["project_code"]: r for r in records or []}
        self.demo = demo
        self.fail_next = 0
        self.delay_next = 0.0
        self.requests = 0
        self.lock = threading.Lock()


def _handler(platform: Platform) -> type[BaseHTTPRequestHandler]:
    class Handler(JsonHandler):
        def _faulted(self) -> bool:
            with platform.lock:
                platform.requests += 1
                delay, platform.delay_next = platform.delay_next, 0.0
                fail = platform.fail_next > 0
                platform.fail_next = max(platform.fail_next - 1, 0)
            if delay:
                time.sleep(delay)
            if fail:
                self._json(503, {"error": "unavailable"})
            return fail

        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            m = _PATH.match(self.path)
            if not m:
                self._json(404, {"error": "no_such_path"})
                return
            if self._faulted():
                return
            record = platform.records.get(m.group(1)) or _generated(platform, m.group(1))
            if record is None:
                self._json(404, {"error": "project_not_found"})
            else:
                self._json(200, record)

        def _body(self) -> Any:
            return json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))

        def do_PUT(self) -> None:  # noqa: N802
            m = _PATH.match(self.path)
            if not m:
                self._json(404, {"error": "no_such_path"})
                return
            record = {**self._body(), "project_code": m.group(1)}
            platform.records[m.group(1)] = record
            self._json(200, record)

        def do_POST(self) -> None:  # noqa: N802
            if self.path != "/_faults":
                self._json(404, {"error": "no_such_path"})
                return
            body = self._body()
            with platform.lock:
                platform.fail_next = int(body.get("fail", 0))
                platform.delay_next = float(body.get("delay", 0))
            self._json(200, {"ok": True})

    return Handler


_CODE = re.compile(r"^(\d{4})-(\d{6})-(\d{2})-(\d{2})-(\d{6})$")


def _generated(platform: Platform, code: str) -> dict[str, Any] | None:
    m = _CODE.match(code)
    if not platform.demo or not m or m.group(5).startswith("9"):
        return None
    serial = int(m.group(5))
    return {
        "project_code": code,
        "name": f"平台登记项目{serial:06d}",
        "region_code": m.group(2),
        "location": "",
        "total_investment": 1000 + serial % 9000,
        "approval_type": 3,
        "approval_result": {"document_no": f"备案{m.group(1)}-{serial:06d}", "approved_on": ""},
    }


def start(platform: Platform, port: int = 0) -> ThreadingHTTPServer:
    """Serve in a background thread (tests); the server's address says the port."""
    return start_thread(_handler(platform), port)


def serve(port: int, data: str | None = None, *, demo: bool = False) -> None:
    records = json.loads(Path(data).read_text(encoding="utf-8")) if data else []
    server = ThreadingHTTPServer(("127.0.0.1", port), _handler(Platform(records, demo=demo)))
    print(f"http://127.0.0.1:{server.server_address[1]}", flush=True, file=sys.stderr)
    server.serve_forever()
