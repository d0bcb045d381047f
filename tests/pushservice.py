"""A Web Push service on 127.0.0.1 for tests: it checks what a real one checks, then decrypts.

Each request must carry a valid RFC 8292 VAPID header (`vapid t=<ES256 JWT>, k=<public key>`:
the signature verifies with k, k is the application's key, aud is this service's origin, exp
is in the future and at most 24 h away; the signature of a header seen before is not verified
again, its claims are checked every time), a TTL, an Urgency and a Topic, and an aes128gcm body
that decrypts (RFC 8291) with the private key and auth secret the test made for the fake
subscription. A request that fails a check is answered 400/403 and listed in `errors`. Tests can
queue answers per endpoint (201, 410, 429, 500...).
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import threading
import time
from collections import defaultdict, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

AUTH_HEADER = re.compile(r"^vapid t=(?P<t>[A-Za-z0-9_.-]+),\s*k=(?P<k>[A-Za-z0-9_-]+)$")
TOPIC = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Received:
    """One request the service accepted for decryption."""

    token: str
    status: int  # what the service answered
    headers: dict[str, str]
    claims: dict
    payload: dict | None  # None until decrypted (decrypt_later), or if it did not decrypt
    at: float = field(default_factory=time.time)


class FakePushService:
    def __init__(self, vapid_public_key: str | None = None, *, decrypt_later: bool = False) -> None:
        self.vapid_public_key = vapid_public_key
        # A push service never decrypts (only the device can); this one checks every body, at
        # once by default, or when asked (`decrypt_received`) with decrypt_later, answering
        # 201 to a body before it is decrypted.
        self.decrypt_later = decrypt_later
        self._undecrypted: list[tuple[Received, bytes]] = []
        self.subscriptions: dict[str, tuple[ec.EllipticCurvePrivateKey, bytes]] = {}
        self.received: list[Received] = []
        self.errors: list[str] = []
        self._answers: dict[str, deque[int]] = defaultdict(deque)
        self._verified: dict[str, dict] = {}  # Authorization header -> its verified claims
        self.signatures_verified = 0
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # -- what tests use ------------------------------------------------------------------------

    def subscribe(self) -> dict:
        """A new subscription, shaped like PushSubscription.toJSON(), with keys we can decrypt."""
        token = secrets.token_urlsafe(16)
        key = ec.generate_private_key(ec.SECP256R1())
        auth = os.urandom(16)
        self.subscriptions[token] = (key, auth)
        point = key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": f"{self.origin}/push/{token}",
            "keys": {"p256dh": b64url(point), "auth": b64url(auth)},
            "expirationTime": None,
        }

    def answer(self, endpoint: str, *codes: int) -> None:
        """Answer the next requests to `endpoint` with these codes (then 201 again)."""
        with self._lock:
            self._answers[self._token(endpoint)].extend(codes)

    def delivered(self, endpoint: str | None = None) -> list[Received]:
        """Accepted (2xx) and decrypted messages, optionally to one endpoint."""
        token = self._token(endpoint) if endpoint else None
        with self._lock:
            return [
                r
                for r in self.received
                if 200 <= r.status < 300
                and r.payload is not None
                and (token is None or r.token == token)
            ]

    def attempts(self, endpoint: str) -> list[Received]:
        token = self._token(endpoint)
        with self._lock:
            return [r for r in self.received if r.token == token]

    @staticmethod
    def _token(endpoint: str) -> str:
        return endpoint.rsplit("/", 1)[-1]

    # -- the server ----------------------------------------------------------------------------

    def start(self) -> FakePushService:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _reject(self, reason: str) -> int:
        with self._lock:
            self.errors.append(reason)
        return 400 if "body" in reason or "header" in reason else 403

    def _verify_vapid(self, authorization: str) -> dict | str:
        """The JWT's claims if the header is valid now, else why not. The signature is verified
        once per distinct header (a sender reuses one until near its expiry); the claims are
        checked on every request."""
        with self._lock:
            claims = self._verified.get(authorization)
        if claims is None:
            claims = self._verify_signature(authorization)
            if isinstance(claims, str):
                return claims
            with self._lock:
                self._verified[authorization] = claims
        now = time.time()
        if claims.get("aud") != self.origin:
            return f"VAPID aud {claims.get('aud')!r} is not {self.origin!r}"
        if not now < int(claims.get("exp", 0)) <= now + 24 * 3600:
            return "VAPID exp is not within the next 24 h"
        if not str(claims.get("sub", "")).startswith(("mailto:", "https://")):
            return "VAPID sub is not a mailto: or https: contact"
        return claims

    def _verify_signature(self, authorization: str) -> dict | str:
        match = AUTH_HEADER.match(authorization or "")
        if not match:
            return "Authorization header is not `vapid t=..., k=...`"
        token, key_text = match["t"], match["k"]
        if self.vapid_public_key and key_text != self.vapid_public_key.rstrip("="):
            return "VAPID key k is not the application's key"
        try:
            public_key = ec.EllipticCurvePublicKey.from_encoded_point(
                ec.SECP256R1(), unb64url(key_text)
            )
            header_b64, claims_b64, signature_b64 = token.split(".")
            header = json.loads(unb64url(header_b64))
            claims = json.loads(unb64url(claims_b64))
            signature = unb64url(signature_b64)
        except ValueError:
            return "VAPID JWT is malformed"
        if header.get("alg") != "ES256" or len(signature) != 64:
            return "VAPID JWT is not ES256"
        der = encode_dss_signature(
            int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
        )
        try:
            public_key.verify(der, f"{header_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            return "VAPID JWT signature does not verify"
        if not isinstance(claims, dict):
            return "VAPID JWT claims are not an object"
        self.signatures_verified += 1
        return claims

    def _handle(self, path: str, headers: dict[str, str], body: bytes) -> int:
        token = path.rsplit("/", 1)[-1]
        if not path.startswith("/push/") or token not in self.subscriptions:
            return 404
        claims = self._verify_vapid(headers.get("authorization", ""))
        if isinstance(claims, str):
            return self._reject(claims)
        ttl = headers.get("ttl", "")
        if not ttl.isdigit() or int(ttl) <= 0:
            return self._reject("TTL header missing or zero")
        if headers.get("urgency") not in ("very-low", "low", "normal", "high"):
            return self._reject("Urgency header missing")
        if not TOPIC.match(headers.get("topic", "")):
            return self._reject("Topic header missing or invalid")
        if headers.get("content-encoding") != "aes128gcm":
            return self._reject("Content-Encoding header is not aes128gcm")
        payload = None if self.decrypt_later else self._decrypt(token, body)
        if isinstance(payload, str):
            return self._reject(payload)
        with self._lock:
            queued = self._answers[token]
            status = queued.popleft() if queued else 201
            received = Received(token, status, headers, claims, payload)
            self.received.append(received)
            if self.decrypt_later:
                self._undecrypted.append((received, body))
        return status

    def _decrypt(self, token: str, body: bytes) -> dict | str:
        """The payload, or why the body does not decrypt (RFC 8291, with http_ece)."""
        private_key, auth = self.subscriptions[token]
        try:
            plaintext = http_ece.decrypt(
                body, private_key=private_key, auth_secret=auth, version="aes128gcm"
            )
            return json.loads(plaintext)
        except (http_ece.ECEException, ValueError) as exc:
            return f"body does not decrypt: {type(exc).__name__}"

    def decrypt_received(self) -> None:
        """With `decrypt_later`: decrypt every body taken since the last call, as the devices
        would. One that does not decrypt is listed in `errors` and is not `delivered()`."""
        with self._lock:
            undecrypted, self._undecrypted = self._undecrypted, []
        for received, body in undecrypted:
            payload = self._decrypt(received.token, body)
            with self._lock:
                if isinstance(payload, str):
                    self.errors.append(payload)
                else:
                    received.payload = payload

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                headers = {k.lower(): v for k, v in self.headers.items()}
                status = service._handle(self.path, headers, body)
                self.send_response(status)
                if status == 429:
                    self.send_header("Retry-After", "1")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format, *args) -> None:  # noqa: A002 - quiet in tests
                pass

        return Handler


@pytest.fixture
def push_service(app) -> Iterator[FakePushService]:
    """A started loopback push service that expects this app's VAPID key."""
    from services import push

    service = FakePushService(push.public_key()).start()
    yield service
    service.stop()


@dataclass
class ReminderPatient:
    """An enrolled patient with reminders on and devices subscribed to the fake push service."""

    patient: object
    actor: object
    devices: list[dict]

    @property
    def endpoint(self) -> str:
        return self.devices[0]["endpoint"]


@pytest.fixture
def make_reminder_patient(app, make_clinic, make_patient, push_service):
    """Builder: `make_reminder_patient(set_at=..., timezone=..., local_time=..., devices=1)`."""
    from services import reminders

    clinics = []

    def build(
        *,
        set_at,
        timezone: str = "America/New_York",
        local_time: str = "19:00",
        weekdays: list[int] | None = None,
        devices: int = 1,
    ) -> ReminderPatient:
        if not clinics:
            clinics.append(make_clinic())
        patient, actor = make_patient(clinics[0], timezone=timezone)
        reminders.update_settings(
            actor.user, "me", enabled=True, local_time=local_time, weekdays=weekdays, now=set_at
        )
        subscribed = []
        for _ in range(devices):
            device = push_service.subscribe()
            reminders.save_subscription(
                actor.user,
                "me",
                endpoint=device["endpoint"],
                p256dh=device["keys"]["p256dh"],
                auth=device["keys"]["auth"],
                now=set_at,
            )
            subscribed.append(device)
        return ReminderPatient(patient, actor, subscribed)

    return build
