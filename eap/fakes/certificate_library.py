"""A local 电子证照库 (e-certificate library) for the demo and the tests: keeps what is
pushed (``PUT /api/licences/{number}``), lists a holder's licences (``GET
/api/licences?holder=USCC``) and serves each one's PDF (``GET /api/licences/{number}/file``).
Licences "issued elsewhere" are put in its ``licences`` directly; ``fail_next`` makes the
next answers 503.

Not for production: a province points ``EAP_CERT_LIBRARY_URL`` at its library (or a gateway
speaking this protocol in front of it)."""

from __future__ import annotations

import json
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from eap.fakes.http import JsonHandler, start_thread

_ONE = re.compile(r"^/api/licences/([^/]{1,60})$")
_FILE = re.compile(r"^/api/licences/([^/]{1,60})/file$")
PDF = b"%PDF-1.4\n% e-licence copy from the library\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class Library:
    def __init__(self) -> None:
        self.licences: dict[str, dict[str, Any]] = {}
        self.fail_next = 0
        self.delay_next = 0.0  # the next answer waits this long first (the slow case)
        self.puts = 0
        self.lock = threading.Lock()


def _handler(lib: Library) -> type[BaseHTTPRequestHandler]:
    class Handler(JsonHandler):
        def _failing(self) -> bool:
            with lib.lock:
                delay, lib.delay_next = lib.delay_next, 0.0
            if delay:
                time.sleep(delay)
            with lib.lock:
                if lib.fail_next:
                    lib.fail_next -= 1
                    self._json(503, {"error": "unavailable"})
                    return True
            return False

        def do_PUT(self) -> None:  # noqa: N802 - the stdlib's name
            m = _ONE.match(self.path)
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if not m:
                self._json(404, {"error": "no_such_path"})
                return
            if self._failing():
                return
            with lib.lock:
                lib.licences[unquote(m.group(1))] = json.loads(body)
                lib.puts += 1
            self._json(200, {"ok": True})

        def do_GET(self) -> None:  # noqa: N802
            url = urlsplit(self.path)
            if self._failing():
                return
            if url.path == "/api/licences":
                holder = parse_qs(url.query).get("holder", [""])[0]
                self._json(
                    200,
                    [
                        {**v, "number": k}
                        for k, v in lib.licences.items()
                        if v.get("holder_uscc") == holder
                    ],
                )
            elif (m := _FILE.match(url.path)) and unquote(m.group(1)) in lib.licences:
                self.send_response(200)
                self.send_header("Content-Type", "application/pdf")
                self.send_header("Content-Length", str(len(PDF)))
                self.end_headers()
                self.wfile.write(PDF)
            else:
                self._json(404, {"error": "not_found"})

    return Handler


def start(lib: Library, port: int = 0) -> ThreadingHTTPServer:
    return start_thread(_handler(lib), port)


def serve(port: int) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", port), _handler(Library()))
    print(f"http://127.0.0.1:{server.server_address[1]}", flush=True, file=sys.stderr)
    server.serve_forever()
