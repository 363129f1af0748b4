"""Outside systems as real HTTP servers on 127.0.0.1, speaking their real protocol (never mock
objects). Started by fixtures in conftest; tests read what they received from here."""

from __future__ import annotations

import json
import time
from http.server import BaseHTTPRequestHandler


# An SMS gateway on 127.0.0.1 that records what it receives (and can fail on purpose).
class Gateway(BaseHTTPRequestHandler):
    received: list[dict] = []
    fail_next = 0

    def do_POST(self) -> None:  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if Gateway.fail_next:
            Gateway.fail_next -= 1
            self.send_response(503)
            self.end_headers()
            return
        Gateway.received.append(body)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"ok":true}')

    def log_message(self, *_args: object) -> None:
        pass


# A subscriber's webhook endpoint: keeps each request's headers and raw body (to check the
# signature over the exact bytes), can answer 503 to the next N, or sleep past a timeout.
class WebhookReceiver(BaseHTTPRequestHandler):
    received: list[tuple[dict[str, str], bytes]] = []
    fail_next = 0
    slow_next = 0.0  # seconds the next request waits before any answer

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if WebhookReceiver.slow_next:
            wait, WebhookReceiver.slow_next = WebhookReceiver.slow_next, 0.0
            time.sleep(wait)
            return  # the sender has given up by now
        if WebhookReceiver.fail_next:
            WebhookReceiver.fail_next -= 1
            self.send_response(503)
            self.end_headers()
            return
        WebhookReceiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *_args: object) -> None:
        pass
