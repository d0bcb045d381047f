"""A loopback Web Push service run as its own process (so it does not share the sender's GIL).

    python -m bench.pushd verify --vapid-public-key K --subscriptions 200
    python -m bench.pushd instant

It prints one JSON line `{origin, subscriptions}` when ready, serves until its stdin closes,
then prints `{received, accepted, errors}`. "verify" is tests/pushservice.py's FakePushService
(every request's VAPID JWT verified against the application's key, every body decrypted);
"instant" answers 201 without reading further than the body. Both keep connections alive
(HTTP/1.1), as real push services do.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from collections.abc import Callable
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


def _verify(
    vapid_public_key: str, subscriptions: int
) -> tuple[str, list[dict], Callable[[], dict], Callable[[], None]]:
    from tests.pushservice import FakePushService

    service = FakePushService(vapid_public_key)
    service.server.RequestHandlerClass.protocol_version = "HTTP/1.1"
    service.start()
    subscribed = [service.subscribe() for _ in range(subscriptions)]

    def stats() -> dict:
        return {
            "received": len(service.received),
            "accepted": len(service.delivered()),
            "errors": service.errors[:5],
            "error_count": len(service.errors),
        }

    return service.origin, subscribed, stats, service.stop


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.pushd")
    parser.add_argument("mode", choices=("verify", "instant"))
    parser.add_argument("--vapid-public-key")
    parser.add_argument("--subscriptions", type=int, default=0)
    args = parser.parse_args()
    if args.mode == "verify":
        origin, subscribed, stats, stop = _verify(args.vapid_public_key, args.subscriptions)
    else:
        origin, subscribed, stats, stop = _instant()
    print(json.dumps({"origin": origin, "subscriptions": subscribed}), flush=True)
    sys.stdin.read()  # until the benchmark closes our stdin
    print(json.dumps(stats()), flush=True)
    stop()


if __name__ == "__main__":
    main()
