"""A local SMS gateway for the demo (短信网关): takes the JSON the system posts
(``{"id", "phone", "text"}``) and shows each text on its terminal, as the phone would, so a
person trying the demo can read a sign-up or sign-in code. Not for production: a province
points ``EAP_SMS_GATEWAY_URL`` at its real gateway."""

from __future__ import annotations

import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
        try:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
            phone, text = str(body["phone"]), str(body["text"])
        except (ValueError, KeyError):
            self.send_response(400)
            self.end_headers()
            return
        print(f"  [短信 SMS → {phone}] {text}", flush=True)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"ok":true}')

    def log_message(self, *_args: object) -> None:
        pass


def serve(port: int) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
    print(f"http://127.0.0.1:{server.server_address[1]}/sms", flush=True, file=sys.stderr)
    server.serve_forever()
