"""Web Push transport: VAPID keys, signed VAPID headers cached per push service, one send.

No database and no request here: the reminder tick hands over plain data (`PushTarget`,
`PushMessage`) and gets back one `PushResult` per subscription. Nothing that identifies the
patient goes into a payload or a log line: payloads are fixed texts, logs name subscription ids,
push-service origins and status codes only (shared/reference/pitfalls.md, "Web Push").
"""

from __future__ import annotations

import base64
import json
import logging
import os
import re
import secrets
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask import current_app
from http_ece import ECEException
from py_vapid import Vapid02
from pywebpush import WebPusher, WebPushException

from services.errors import ServiceError

log = logging.getLogger(__name__)

VAPID_FILE = "vapid.json"
DEVELOPMENT_SUBJECT = "mailto:reminders@localhost"
# Apple refuses a VAPID JWT whose exp is more than 24 h away; sign for 12 h and re-sign an
# origin's header once less than an hour of it is left.
VAPID_TOKEN_LIFETIME = 12 * 3600
VAPID_REFRESH_BEFORE = 3600

Outcome = Literal["sent", "gone", "retry", "failed"]
_B64URL = re.compile(r"^[A-Za-z0-9_-]+={0,2}$")


class PushNotConfigured(ServiceError):
    """No usable VAPID key pair (production must set VAPID_PRIVATE_KEY and VAPID_SUBJECT)."""


def b64url_encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Decode base64url, padded or not; raises ValueError on any other character."""
    if not isinstance(text, str) or not _B64URL.match(text):
        raise ValueError("not base64url")
    stripped = text.rstrip("=")
    try:
        return base64.urlsafe_b64decode(stripped + "=" * (-len(stripped) % 4))
    except ValueError as exc:  # binascii.Error: a length no encoding produces
        raise ValueError("not base64url") from exc


def _public_point(key: ec.EllipticCurvePrivateKey) -> str:
    return b64url_encode(
        key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
    )


@dataclass(frozen=True)
class VapidKeys:
    """The application server's key pair. `public_key` is what PushManager.subscribe() wants:
    the uncompressed P-256 point, base64url. `private_key` is the raw 32-byte scalar, base64url."""

    private_key: str
    public_key: str
    subject: str

    def signing_key(self) -> Vapid02:
        return Vapid02.from_raw(self.private_key.encode("ascii"))


def generate_vapid_keys() -> tuple[str, str]:
    """A new P-256 pair as (private, public), both base64url (the env-var format)."""
    key = ec.generate_private_key(ec.SECP256R1())
    scalar = key.private_numbers().private_value.to_bytes(32, "big")
    return b64url_encode(scalar), _public_point(key)


def _private_from_setting(value: str) -> ec.EllipticCurvePrivateKey:
    """Accept the raw base64url scalar (ours), a PEM file's text, or base64 DER."""
    value = value.strip()
    try:
        if value.startswith("-----BEGIN"):
            key = serialization.load_pem_private_key(value.encode("ascii"), password=None)
        else:
            key = Vapid02.from_string(value).private_key
    except (ValueError, TypeError) as exc:
        raise PushNotConfigured("VAPID_PRIVATE_KEY is not a P-256 private key.") from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise PushNotConfigured("VAPID_PRIVATE_KEY is not a P-256 private key.")
    return key


def _instance_keys(instance_path: str) -> tuple[str, str]:
    """The development pair kept in instance/vapid.json (mode 0600), made on first use.

    Two processes racing to make it both end up with the one that was linked into place first.
    """
    path = Path(instance_path) / VAPID_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        private, public = generate_vapid_keys()
        temporary = path.with_name(f".{VAPID_FILE}.{secrets.token_hex(6)}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump({"private_key": private, "public_key": public}, handle)
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    data = json.loads(path.read_text())
    return data["private_key"], data["public_key"]


def load_vapid_keys(config: Mapping[str, Any], instance_path: str) -> VapidKeys:
    """The key pair from VAPID_PRIVATE_KEY (and VAPID_PUBLIC_KEY, checked against it); outside
    production, a pair kept under the instance folder when none is set."""
    production = config.get("ENV_NAME") == "production"
    subject = config.get("VAPID_SUBJECT") or ("" if production else DEVELOPMENT_SUBJECT)
    if not subject:
        raise PushNotConfigured("Set VAPID_SUBJECT (mailto: or https: contact) in production.")
    if not (subject.startswith("mailto:") or subject.startswith("https://")):
        raise PushNotConfigured("VAPID_SUBJECT must be a mailto: or https:// contact.")
    setting = config.get("VAPID_PRIVATE_KEY") or ""
    if setting:
        key = _private_from_setting(setting)
        private = b64url_encode(key.private_numbers().private_value.to_bytes(32, "big"))
        public = _public_point(key)
        given = (config.get("VAPID_PUBLIC_KEY") or "").strip().rstrip("=")
        if given and given != public:
            raise PushNotConfigured("VAPID_PUBLIC_KEY does not belong to VAPID_PRIVATE_KEY.")
        return VapidKeys(private, public, subject)
    if production:
        raise PushNotConfigured(
            "Set VAPID_PRIVATE_KEY and VAPID_PUBLIC_KEY in production "
            "(flask --app wsgi push generate-vapid-keys)."
        )
    private, public = _instance_keys(instance_path)
    return VapidKeys(private, public, subject)


def check_p256dh(text: str) -> str | None:
    """Why a subscription's p256dh key is unusable: it must be base64url of an uncompressed
    P-256 point (65 bytes, 0x04 first) on the curve."""
    try:
        raw = b64url_decode(text)
    except ValueError:
        return "Not base64url."
    if len(raw) != 65 or raw[0] != 4:
        return "Must be an uncompressed P-256 public key (65 bytes)."
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except ValueError:
        return "Not a point on the P-256 curve."
    return None


def check_auth_secret(text: str) -> str | None:
    """Why a subscription's auth secret is unusable: it must be base64url of 16 bytes."""
    try:
        raw = b64url_decode(text)
    except ValueError:
        return "Not base64url."
    return None if len(raw) == 16 else "Must be a 16-byte secret."


class VapidSigner:
    """Signs the RFC 8292 `Authorization: vapid t=..., k=...` header once per push-service
    origin and reuses it until it is within `refresh_before` seconds of its expiry."""

    def __init__(
        self,
        keys: VapidKeys,
        lifetime: int = VAPID_TOKEN_LIFETIME,
        refresh_before: int = VAPID_REFRESH_BEFORE,
        clock=time.time,
    ) -> None:
        self.keys = keys
        self.lifetime = lifetime
        self.refresh_before = refresh_before
        self.clock = clock
        self._vapid = keys.signing_key()
        self._headers: dict[str, tuple[str, int]] = {}
        self._lock = threading.Lock()
        self.signatures = 0  # how many JWTs were signed (the cache's effect, for tests)

    @staticmethod
    def origin(endpoint: str) -> str:
        parts = urlsplit(endpoint)
        return f"{parts.scheme.lower()}://{parts.netloc.lower()}"

    def authorization(self, endpoint: str) -> str:
        origin = self.origin(endpoint)
        now = int(self.clock())
        with self._lock:
            cached = self._headers.get(origin)
            if cached is not None and cached[1] - now > self.refresh_before:
                return cached[0]
            expires = now + self.lifetime
            # A fresh claims dict per signature (pywebpush #130: a shared one keeps the first aud).
            claims = {"sub": self.keys.subject, "aud": origin, "exp": expires}
            header = self._vapid.sign(claims)["Authorization"]
            self._headers[origin] = (header, expires)
            self.signatures += 1
            return header


def vapid_keys() -> VapidKeys:
    """This application's key pair, loaded once per app."""
    keys = current_app.extensions.get("vapid_keys")
    if keys is None:
        keys = load_vapid_keys(current_app.config, current_app.instance_path)
        current_app.extensions["vapid_keys"] = keys
    return keys


def vapid_signer() -> VapidSigner:
    """The app's signer, whose header cache lives as long as the (scheduler) process."""
    signer = current_app.extensions.get("vapid_signer")
    if signer is None:
        signer = VapidSigner(vapid_keys())
        current_app.extensions["vapid_signer"] = signer
    return signer


def public_key() -> str:
    return vapid_keys().public_key


@dataclass(frozen=True)
class PushTarget:
    """One browser subscription to deliver to."""

    subscription_id: int
    endpoint: str
    p256dh: str
    auth: str


@dataclass(frozen=True)
class PushMessage:
    """What the service worker shows: `{title, body, url, tag}`. `topic` lets the push service
    replace an undelivered message of the same topic (RFC 8030 §5.4)."""

    title: str
    body: str
    url: str
    tag: str
    topic: str

    def payload(self) -> bytes:
        body = {"title": self.title, "body": self.body, "url": self.url, "tag": self.tag}
        return json.dumps(body, separators=(",", ":")).encode()


@dataclass(frozen=True)
class PushResult:
    subscription_id: int
    outcome: Outcome
    status_code: int | None
    retry_after: int | None = None
    error: str | None = None


def _retry_after(response: requests.Response) -> int | None:
    value = response.headers.get("Retry-After", "")
    return int(value) if value.strip().isdigit() else None


def classify(status_code: int) -> Outcome:
    """2xx delivered; 404/410 the subscription is gone; 429/5xx try again later; else failed."""
    if 200 <= status_code < 300:
        return "sent"
    if status_code in (404, 410):
        return "gone"
    if status_code == 429 or status_code >= 500:
        return "retry"
    return "failed"


class _PushSession(requests.Session):
    """A requests session that reads the proxy, CA bundle and netrc settings of the
    environment once per push service rather than on every push: requests walks the whole of
    os.environ twice a request for them, a fifth of a push's cost (docs/performance.md). A
    sender's sessions live one tick, so a changed environment is seen at the next tick."""

    def __init__(self) -> None:
        super().__init__()
        self._environment: dict[tuple, dict[str, Any]] = {}

    def merge_environment_settings(self, url, proxies, stream, verify, cert):
        key = (
            VapidSigner.origin(url),
            tuple(sorted((proxies or {}).items())),
            stream,
            verify,
            cert,
        )
        settings = self._environment.get(key)
        if settings is None:
            settings = super().merge_environment_settings(url, proxies, stream, verify, cert)
            self._environment[key] = settings
        return {**settings, "proxies": dict(settings["proxies"])}


class PushSender:
    """Sends encrypted (aes128gcm) messages with pywebpush; one requests.Session per thread."""

    def __init__(
        self, signer: VapidSigner, *, ttl: int, timeout: float, urgency: str = "normal"
    ) -> None:
        self.signer = signer
        self.ttl = ttl
        self.timeout = timeout
        self.urgency = urgency
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._lock = threading.Lock()

    @classmethod
    def from_config(cls) -> PushSender:
        config = current_app.config
        return cls(
            vapid_signer(),
            ttl=int(config["PUSH_TTL_SECONDS"]),
            timeout=float(config["PUSH_TIMEOUT_SECONDS"]),
            urgency=config["PUSH_URGENCY"],
        )

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = _PushSession()
            self._local.session = session
            with self._lock:
                self._sessions.append(session)
        return session

    def close(self) -> None:
        with self._lock:
            for session in self._sessions:
                session.close()
            self._sessions.clear()

    def __enter__(self) -> PushSender:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def send(self, target: PushTarget, message: PushMessage) -> PushResult:
        """Deliver `message` to one subscription; never raises for a push-service failure."""
        headers = {
            "Authorization": self.signer.authorization(target.endpoint),
            "Urgency": self.urgency,
            "Topic": message.topic,
        }
        info = {"endpoint": target.endpoint, "keys": {"p256dh": target.p256dh, "auth": target.auth}}
        origin = VapidSigner.origin(target.endpoint)
        try:
            response = WebPusher(info, requests_session=self._session()).send(
                message.payload(),
                headers=headers,
                ttl=self.ttl,
                content_encoding="aes128gcm",
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            log.warning(
                "push to subscription %s at %s: %s",
                target.subscription_id,
                origin,
                type(exc).__name__,
            )
            return PushResult(target.subscription_id, "retry", None, error=type(exc).__name__)
        except (WebPushException, ECEException, ValueError) as exc:
            # Keys the browser gave that cannot be encrypted to: retrying will not help.
            log.warning(
                "push to subscription %s: unusable keys (%s)",
                target.subscription_id,
                type(exc).__name__,
            )
            return PushResult(target.subscription_id, "failed", None, error="unusable keys")
        outcome = classify(response.status_code)
        log.info(
            "push to subscription %s at %s: %s %s",
            target.subscription_id,
            origin,
            response.status_code,
            outcome,
        )
        return PushResult(
            target.subscription_id,
            outcome,
            response.status_code,
            retry_after=_retry_after(response) if outcome == "retry" else None,
            error=None if outcome == "sent" else f"HTTP {response.status_code}",
        )
