#!/usr/bin/env python3
"""A tiny HTTP bridge between Pengaduan's SMS sender and Gammu SMSD, for the machine with the GSM modem.

Gammu SMSD has no HTTP API: it sends what `gammu-smsd-inject` puts in its outbox. This bridge accepts Pengaduan's
POST (profile `gammu`: JSON `{"to", "text", "id"}` with the header X-Gateway-Secret) and injects the SMS; it
answers `{"id": ...}`. Standard library only.

    GATEWAY_SECRET=... GAMMU_SMSD_CONFIG=/etc/gammu-smsdrc python3 gammu-bridge.py --port 8090

Then SMS_GATEWAY_URL=http://MODEM-HOST:8090/ and SMS_GATEWAY_PROFILE=gammu on the Pengaduan server. Keep the
port on the local network (or behind a TLS proxy): the secret travels in a header.
"""

import argparse
import hmac
import json
import os
import re
import subprocess
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

NUMBER = re.compile(r"^\+?[0-9]{6,15}$")
# The GSM 7-bit alphabet (as Pengaduan counts parts): a text outside it goes as UCS-2 (`-unicode`).
GSM7 = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿"
           "abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€\f")
MAX_BODY = 64 * 1024


class Bridge(BaseHTTPRequestHandler):
    def _answer(self, status: int, payload: dict) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):  # noqa: N802 (http.server's naming)
        secret = os.environ.get("GATEWAY_SECRET", "")
        given = self.headers.get("X-Gateway-Secret", "")
        if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
            return self._answer(403, {"error": "bad secret"})
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            return self._answer(413, {"error": "too large"})
        try:
            data = json.loads(self.rfile.read(length))
            to, text, ref = str(data["to"]), str(data["text"]), str(data.get("id", ""))
        except (ValueError, KeyError, TypeError):
            return self._answer(400, {"error": "expected JSON {to, text, id}"})
        if not NUMBER.match(to) or not text:
            return self._answer(400, {"error": "bad number or empty text"})
        command = [os.environ.get("GAMMU_INJECT", "gammu-smsd-inject")]
        if os.environ.get("GAMMU_SMSD_CONFIG"):
            command += ["-c", os.environ["GAMMU_SMSD_CONFIG"]]
        # A list of arguments, never a shell: the text cannot run anything.
        command += ["TEXT", to, "-len", str(len(text)), "-text", text]
        if not set(text) <= GSM7:
            command.append("-unicode")
        done = subprocess.run(command, capture_output=True, text=True, timeout=30)
        if done.returncode != 0:
            return self._answer(502, {"error": (done.stderr or done.stdout).strip()[:300]})
        return self._answer(200, {"id": ref or done.stdout.strip().rsplit(" ", 1)[-1]})

    def log_message(self, format, *args):  # one line per request on stderr, without the text
        super().log_message(format, *args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="0.0.0.0")
    parser.add_argument("--port", type=int, default=8090)
    args = parser.parse_args()
    ThreadingHTTPServer((args.host, args.port), Bridge).serve_forever()


if __name__ == "__main__":
    main()
