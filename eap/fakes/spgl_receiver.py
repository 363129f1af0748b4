"""A stand-in for the national system's receiving end (``python -m eap spgl fake-receiver``):
the HTTP contract of DOMAIN §10 with the standard's rules, for the demo and the tests.

POST / with ``{"table": "<SPGL name>", "rows": [...]}`` answers 200 with
``{"results": [{"LSH": "...", "SJSCZT": 3} | {"LSH": "...", "SJSCZT": 2, "SBYY": "..."}]}``.
Rows are judged in the order given; a LSH it already holds gets its first answer again
(resending is harmless). It holds every LSH once, whatever was resent.

For tests, ``POST /control`` with ``{"fail": n}`` answers the next n deliveries 503, and
``{"delay": s}`` waits s seconds after storing a batch before answering (a pusher killed in
that window never saw the answer), ``{"lag": s}`` waits up to s seconds (at random) before judging a
batch (an uneven way in: batches from two senders arrive out of the order they were sent). ``GET /held?table=T`` lists what it holds;
``GET /stats`` counts receipts and held rows."""

from __future__ import annotations

import json
import random
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

from eap.fakes.http import JsonHandler
from eap.services.exchange.rules import Ledger, check_row


class Receiver:
    """The receiver's store: every held row by table and LSH, with its answer."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.ledger = Ledger()
        self.held: dict[str, dict[str, dict[str, Any]]] = {}
        self.receipts = 0  # rows received, resends included
        self.fail = 0
        self.delay = 0.0
        self.lag = 0.0

    def take(self, table: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        results = []
        with self.lock:
            held = self.held.setdefault(table, {})
            for row in rows:
                self.receipts += 1
                lsh = str(row.get("LSH") or "")
                if lsh in held:
                    results.append(held[lsh]["answer"])
                    continue
                reason = check_row(table, row, self.ledger)
                answer: dict[str, Any] = {"LSH": lsh, "SJSCZT": 3 if reason is None else 2}
                if reason is not None:
                    answer["SBYY"] = reason
                else:
                    self.ledger.add(table, row)
                if lsh:
                    held[lsh] = {"row": row, "answer": answer}
                results.append(answer)
        return results


def make_handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(JsonHandler):
        def _body(self) -> Any:
            return json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")

        def do_POST(self) -> None:  # noqa: N802 - the http.server hook
            url = urlparse(self.path)
            try:
                body = self._body()
            except ValueError:
                self._json(400, {"error": "body is not JSON"})
                return
            if url.path == "/control":
                receiver.fail = int(body.get("fail", receiver.fail))
                receiver.delay = float(body.get("delay", receiver.delay))
                receiver.lag = float(body.get("lag", receiver.lag))
                self._json(
                    200, {"fail": receiver.fail, "delay": receiver.delay, "lag": receiver.lag}
                )
                return
            if receiver.fail > 0:
                receiver.fail -= 1
                self._json(503, {"error": "unavailable"})
                return
            table, rows = body.get("table"), body.get("rows")
            if not isinstance(table, str) or not isinstance(rows, list):
                self._json(400, {"error": "expected {table, rows}"})
                return
            if receiver.lag:
                time.sleep(random.uniform(0, receiver.lag))
            results = receiver.take(table, rows)
            if receiver.delay:
                time.sleep(receiver.delay)
            self._json(200, {"results": results})

        def do_GET(self) -> None:  # noqa: N802
            url = urlparse(self.path)
            if url.path == "/stats":
                with receiver.lock:
                    held = {t: len(rows) for t, rows in receiver.held.items()}
                self._json(200, {"receipts": receiver.receipts, "held": held})
            elif url.path == "/held":
                table = parse_qs(url.query).get("table", [""])[0]
                with receiver.lock:
                    rows = [
                        {"LSH": lsh, "DFSJZJ": h["row"].get("DFSJZJ"), **h["answer"]}
                        for lsh, h in receiver.held.get(table, {}).items()
                    ]
                self._json(200, rows)
            else:
                self._json(404, {"error": "not found"})

    return Handler


def serve(port: int, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    """A receiver listening on ``host:port`` (port 0: any free port); call serve_forever()."""
    return ThreadingHTTPServer((host, port), make_handler(Receiver()))
