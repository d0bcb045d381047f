"""A loopback Web Push service run as its own process (so it does not share the sender's GIL).

    python -m bench.pushd verify --vapid-public-key K --subscriptions 200
    python -m bench.pushd verify-later --vapid-public-key K --subscriptions 200
    python -m bench.pushd instant

It prints one JSON line `{origin, subscriptions}` when ready, serves until its stdin closes,
then prints `{received, accepted, errors}`. "verify" is tests/pushservice.py's FakePushService
(every request's VAPID JWT checked against the application's key, its signature verified once
per distinct header, every body decrypted) behind a lean asyncio HTTP/1.1 server of its own, so
the service's HTTP parsing (http.server's, several times the cost of the checks) does not eat the
cores the sender is measured on. "verify-later" checks the same but, like a real push service
(which cannot decrypt: only the device can), answers once the headers and the VAPID claims are
checked, and decrypts every body it took when its statistics are asked for, listing any that
fails in the errors. "instant" answers 201 without reading further than the body.
Both keep connections alive (HTTP/1.1), as real push services do.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def _instant() -> tuple[str, list[dict], Callable[[], dict], Callable[[], None]]:
    count = {"received": 0}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with lock:
                count["received"] += 1
            self.send_response(201)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format, *args) -> None:  # noqa: A002 - quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def stats() -> dict:
        return {"received": count["received"], "accepted": count["received"], "errors": []}

    origin = f"http://127.0.0.1:{server.server_address[1]}"
    return origin, [], stats, server.shutdown


class _Http11(asyncio.Protocol):
    """A minimal HTTP/1.1 server connection: requests with a Content-Length body, kept alive,
    each handed to `handle(path, headers, body) -> status`, answered with an empty body."""

    def __init__(self, handle: Callable[[str, dict[str, str], bytes], int]) -> None:
        self.handle = handle
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while self.transport is not None and (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            lines = self.buffer[:end].decode("latin-1").split("\r\n")
            method, path, _version = lines[0].split(" ", 2)
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            start = end + 4
            stop = start + int(headers.get("content-length") or 0)
            if len(self.buffer) < stop:
                return
            body = bytes(self.buffer[start:stop])
            del self.buffer[:stop]
            status = self.handle(path, headers, body) if method == "POST" else 405
            extra = "Retry-After: 1\r\n" if status == 429 else ""
            self.transport.write(
                f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\n"
                f"Content-Length: 0\r\n{extra}\r\n".encode("latin-1")
            )
            if headers.get("connection", "").lower() == "close":
                self.transport.close()
                self.transport = None

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None


def _verify(
    vapid_public_key: str, subscriptions: int, decrypt_later: bool
) -> tuple[str, list[dict], Callable[[], dict], Callable[[], None]]:
    from tests.pushservice import FakePushService

    # Its listening socket, served by asyncio here.
    service = FakePushService(vapid_public_key, decrypt_later=decrypt_later)
    subscribed = [service.subscribe() for _ in range(subscriptions)]
    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(
        loop.create_server(lambda: _Http11(service._handle), sock=service.server.socket)
    )
    threading.Thread(target=loop.run_forever, daemon=True).start()

    def stats() -> dict:
        service.decrypt_received()  # with decrypt_later, every body now
        return {
            "received": len(service.received),
            "accepted": len(service.delivered()),
            "signatures_verified": service.signatures_verified,
            "errors": service.errors[:5],
            "error_count": len(service.errors),
        }

    def stop() -> None:
        loop.call_soon_threadsafe(server.close)
        loop.call_soon_threadsafe(loop.stop)

    return service.origin, subscribed, stats, stop


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.pushd")
    parser.add_argument("mode", choices=("verify", "verify-later", "instant"))
    parser.add_argument("--vapid-public-key")
    parser.add_argument("--subscriptions", type=int, default=0)
    args = parser.parse_args()
    if args.mode.startswith("verify"):
        origin, subscribed, stats, stop = _verify(
            args.vapid_public_key, args.subscriptions, args.mode == "verify-later"
        )
    else:
        origin, subscribed, stats, stop = _instant()
    print(json.dumps({"origin": origin, "subscriptions": subscribed}), flush=True)
    sys.stdin.read()  # until the benchmark closes our stdin
    print(json.dumps(stats()), flush=True)
    stop()


if __name__ == "__main__":
    main()
