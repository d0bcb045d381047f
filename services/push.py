"""Web Push transport: VAPID keys, signed VAPID headers cached per push service, RFC 8291
encryption, and sending over kept-alive connections pooled per push service.

No database and no request here: the reminder tick hands over plain data (`PushTarget`,
`PushMessage`) and gets back one `PushResult` per subscription. Nothing that identifies the
patient goes into a payload or a log line: payloads are fixed texts, logs name subscription ids,
push-service origins and status codes only (shared/reference/pitfalls.md, "Web Push").
"""

from __future__ import annotations

import base64
import functools
import hmac
import http.client
import json
import logging
import os
import re
import secrets
import select
import selectors
import socket
import ssl
import struct
import threading
import time
import urllib.request
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import SplitResult, quote, unquote, urlsplit

import certifi
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app
from py_vapid import Vapid02

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


def _origin(parts: SplitResult) -> str:
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


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
        return _origin(urlsplit(endpoint))

    def authorization(self, endpoint: str) -> str:
        return self.for_origin(self.origin(endpoint))

    def for_origin(self, origin: str) -> str:
        """The header for a push service known by its origin (`origin(endpoint)`)."""
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


@dataclass(frozen=True, slots=True)
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
        return self._payload

    @functools.cached_property
    def _payload(self) -> bytes:  # a message goes to many devices: serialised once
        body = {"title": self.title, "body": self.body, "url": self.url, "tag": self.tag}
        return json.dumps(body, separators=(",", ":")).encode()


@dataclass(frozen=True, slots=True)
class PushResult:
    subscription_id: int
    outcome: Outcome
    status_code: int | None
    retry_after: int | None = None
    error: str | None = None


def classify(status_code: int) -> Outcome:
    """2xx delivered; 404/410 the subscription is gone; 429/5xx try again later; else failed."""
    if 200 <= status_code < 300:
        return "sent"
    if status_code in (404, 410):
        return "gone"
    if status_code == 429 or status_code >= 500:
        return "retry"
    return "failed"


# -- RFC 8291 message encryption (aes128gcm, RFC 8188, one record) ----------------------------

RECORD_SIZE = 4096
# A push service need not take more than 4096 octets of body: less the header (86), the
# padding delimiter (1) and the AEAD tag (16), that leaves 3993 octets of plaintext (RFC 8291 §4).
MAX_PLAINTEXT = RECORD_SIZE - 86 - 1 - 16
_KEY_INFO = b"WebPush: info\x00"
_CEK_INFO = b"Content-Encoding: aes128gcm\x00\x01"
_NONCE_INFO = b"Content-Encoding: nonce\x00\x01"
_RECORD_HEADER = RECORD_SIZE.to_bytes(4, "big") + b"\x41"  # rs, then idlen = 65 (the key)


class _Salts:
    """Random 16-octet salts, cut from one os.urandom call per 256 of them (a system call
    saved a push); thread-safe, as the sender may be shared."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pool = b""
        self._at = 0

    def take(self) -> bytes:
        with self._lock:
            if self._at >= len(self._pool):
                self._pool, self._at = os.urandom(16 * 256), 0
            self._at += 16
            return self._pool[self._at - 16 : self._at]


_salts = _Salts()


def _hmac_sha256(key: bytes, data: bytes) -> bytes:
    return hmac.digest(key, data, "sha256")


def encrypt(payload: bytes, p256dh: str, auth: str) -> bytes:
    """The body of one push: `payload` encrypted to a subscription's keys (RFC 8291), with a
    fresh ECDH key pair and a fresh salt every time. Raises ValueError for keys that cannot be
    used (not base64url, not a P-256 point) and for a payload too long for one record.

    HKDF is written out with HMAC-SHA-256 because every output here is at most one hash long:
    HKDF-Extract(salt, ikm) = HMAC(salt, ikm), HKDF-Expand(prk, info, L <= 32) = the first L
    octets of HMAC(prk, info || 0x01)."""
    if len(payload) > MAX_PLAINTEXT:
        raise ValueError(f"a push payload is at most {MAX_PLAINTEXT} octets")
    receiver_point = b64url_decode(p256dh)
    receiver = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), receiver_point)
    auth_secret = b64url_decode(auth)
    ephemeral = ec.generate_private_key(ec.SECP256R1())
    sender_point = ephemeral.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    shared = ephemeral.exchange(ec.ECDH(), receiver)
    ikm = _hmac_sha256(
        _hmac_sha256(auth_secret, shared), _KEY_INFO + receiver_point + sender_point + b"\x01"
    )
    salt = _salts.take()
    prk = _hmac_sha256(salt, ikm)
    key = _hmac_sha256(prk, _CEK_INFO)[:16]
    nonce = _hmac_sha256(prk, _NONCE_INFO)[:12]
    record = AESGCM(key).encrypt(nonce, payload + b"\x02", None)  # 0x02: the last record
    return salt + _RECORD_HEADER + sender_point + record


# -- HTTP to push services ---------------------------------------------------------------------

# Characters left as they are in a request target (requests' requote_uri keeps the same set).
_TARGET_SAFE = "!#$%&'()*+,/:;=?@[]~"
_UNSAFE_FIELD = re.compile(r"[\x00-\x20\x7f]")
_READ_SIZE = 16384
# A connection idle longer than this is checked for a close by the server before it is reused
# (a poll: a system call, and a moment the GIL is let go, not worth paying between hot pushes).
IDLE_CHECK_AFTER = 1.0
_MAX_ANSWER_HEAD = 65536


class _SendFailed(Exception):
    """The push did not get an HTTP answer; `name` goes into the delivery's trail."""

    def __init__(self, name: str, *, connecting: bool = False) -> None:
        super().__init__(name)
        self.name = name
        self.connecting = connecting  # no connection was made: the service is unreachable


def _proxy_for(origin: str) -> str | None:
    """The environment's proxy for one push service (HTTPS_PROXY, HTTP_PROXY or ALL_PROXY, unless
    NO_PROXY names it), as requests would pick it."""
    parts = urlsplit(origin)
    proxies = urllib.request.getproxies()
    proxy = proxies.get(parts.scheme) or proxies.get("all")
    if not proxy or urllib.request.proxy_bypass(parts.netloc):
        return None
    return proxy if "://" in proxy else f"http://{proxy}"


def _tls_context() -> ssl.SSLContext:
    """Certificates verified against certifi's bundle, as requests did."""
    return ssl.create_default_context(cafile=certifi.where())


class _BadAnswer(ValueError):
    """What came back is not an HTTP/1.x answer."""


def _more(sock: socket.socket, data: bytes) -> bytes:
    chunk = sock.recv(_READ_SIZE)
    if not chunk:
        raise ConnectionResetError("the push service closed the connection mid-answer")
    if len(data) > _MAX_ANSWER_HEAD:
        raise _BadAnswer("an answer head or chunk line longer than 64 KiB")
    return data + chunk


def _line(sock: socket.socket, data: bytes, end: bytes = b"\r\n") -> tuple[bytes, bytes]:
    """The next line (up to `end`) and what follows it, reading as needed."""
    while (at := data.find(end)) < 0:
        data = _more(sock, data)
    return data[:at], data[at + len(end) :]


def _skip(sock: socket.socket, data: bytes, size: int) -> bytes:
    """Discard `size` octets of body; what follows them."""
    while len(data) < size:
        size -= len(data)
        data = _more(sock, b"")
    return data[size:]


def _read_answer(sock: socket.socket) -> tuple[int, str | None, bool]:
    """Read one HTTP/1.x answer to a POST, its body read and discarded: (status, Retry-After,
    whether the connection may carry the next request). Informational (1xx) answers are
    skipped; the body is delimited by chunks, Content-Length or the connection's close."""
    data = b""
    while True:
        head, data = _line(sock, data, b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        version, _, rest = lines[0].partition(" ")
        code = rest[:3]
        if not version.startswith("HTTP/1.") or len(code) != 3 or not code.isdigit():
            raise _BadAnswer("not an HTTP/1.x status line")
        status = int(code)
        if not 100 <= status < 200:
            break
    fields: dict[str, str] = {}
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if colon:
            fields[name.strip().lower()] = value.strip()
    connection = fields.get("connection", "").lower()
    keep_alive = "close" not in connection if version == "HTTP/1.1" else "keep-alive" in connection
    if status in (204, 304):
        pass  # never a body
    elif "chunked" in fields.get("transfer-encoding", "").lower():
        while True:
            size_line, data = _line(sock, data)
            size = int(size_line.split(b";", 1)[0], 16)
            if not size:
                break
            data = _skip(sock, data, size + 2)  # the chunk and its CRLF
        while True:  # trailer fields, up to an empty line
            trailer, data = _line(sock, data)
            if not trailer:
                break
    elif "content-length" in fields:
        data = _skip(sock, data, int(fields["content-length"]))
    else:  # the body ends when the connection does
        while sock.recv(_READ_SIZE):
            pass
        return status, fields.get("retry-after"), False
    # Anything after the answer means the connection is out of step: do not reuse it.
    return status, fields.get("retry-after"), keep_alive and not data


def _kernel_timeouts(sock: socket.socket, timeout: float) -> None:
    """Make a plain (not TLS) socket blocking with the timeout kept by the kernel
    (SO_RCVTIMEO/SO_SNDTIMEO; a late answer then raises BlockingIOError): in its own timeout
    mode Python polls before every send and every receive, doubling the system calls and the
    moments the GIL changes hands. TLS sockets stay in timeout mode: ssl retries a read the
    kernel timed out, and it tries a read before polling anyway."""
    seconds = int(timeout)
    limit = struct.pack("ll", seconds, int((timeout - seconds) * 1_000_000))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, limit)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, limit)
    sock.settimeout(None)


def _dropped(sock: socket.socket) -> bool:
    """An idle kept-alive socket that is readable has been closed (or spoken to) by the server:
    it cannot carry another request (urllib3 checks the same before reusing a connection)."""
    poller = select.poll()
    poller.register(sock, select.POLLIN)
    return bool(poller.poll(0))


class _Connection:
    """One kept-alive HTTP/1.1 connection to one push service, directly or through an HTTP
    proxy (a CONNECT tunnel for https; http.client connects). `start` sends the request in one
    write; `finish` reads the whole answer, body included, so the connection can carry the next
    push."""

    def __init__(
        self, origin: str, proxy: str | None, timeout: float, tls: ssl.SSLContext | None
    ) -> None:
        parts = urlsplit(origin)
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme == "https" else 80)
        authority = parts.netloc.rpartition("@")[2]
        if not host or _UNSAFE_FIELD.search(authority):
            raise _SendFailed("InvalidURL")
        self.origin = origin
        self._used = 0.0  # when the connection last carried an answer (time.monotonic)
        self._timeout = timeout
        self._host = f"Host: {authority}\r\n"
        self._prefix = ""  # absolute-form request targets when an HTTP proxy forwards them
        via = None
        if proxy is not None:
            via = urlsplit(proxy)
            if via.scheme != "http" or not via.hostname:
                raise _SendFailed("ProxyError")  # https and socks proxies are not supported
            auth = {}
            if via.username is not None:
                token = base64.b64encode(
                    f"{unquote(via.username)}:{unquote(via.password or '')}".encode()
                ).decode("ascii")
                auth["Proxy-Authorization"] = f"Basic {token}"
            if parts.scheme == "http":
                self._prefix = origin
                self._host += "".join(f"{k}: {v}\r\n" for k, v in auth.items())
        self.proxy = proxy
        self._proxied = via is not None
        if parts.scheme == "https":
            if via is None:
                self._http = http.client.HTTPSConnection(host, port, timeout=timeout, context=tls)
            else:
                self._http = http.client.HTTPSConnection(
                    via.hostname, via.port or 80, timeout=timeout, context=tls
                )
                self._http.set_tunnel(host, port, headers=auth)
        elif via is None:
            self._http = http.client.HTTPConnection(host, port, timeout=timeout)
        else:
            self._http = http.client.HTTPConnection(via.hostname, via.port or 80, timeout=timeout)

    def target(self, parts: SplitResult) -> str:
        """The request target for an endpoint (split by urlsplit)."""
        path = parts.path or "/"
        if parts.query:
            path = f"{path}?{parts.query}"
        return self._prefix + quote(path, safe=_TARGET_SAFE)

    def start(self, target: str, headers: str, body: bytes) -> socket.socket:
        """Connect if need be and send the request in one write; answers the socket its answer
        will come on. Raises _SendFailed (the connection closed) if it could not be sent."""
        http_connection = self._http
        sock = http_connection.sock
        if sock is not None and time.monotonic() - self._used > IDLE_CHECK_AFTER and _dropped(sock):
            http_connection.close()
            sock = None
        connecting = sock is None
        try:
            if connecting:
                http_connection.connect()
                sock = http_connection.sock
                if not isinstance(sock, ssl.SSLSocket):
                    _kernel_timeouts(sock, self._timeout)
                connecting = False
            head = f"POST {target} HTTP/1.1\r\n{self._host}{headers}Content-Length: {len(body)}"
            sock.sendall(f"{head}\r\n\r\n".encode("latin-1") + body)
        except (OSError, ValueError) as exc:  # timeouts and TLS errors are OSErrors too
            http_connection.close()
            name = _failure(exc, connecting, self._proxied)
            raise _SendFailed(name, connecting=connecting) from exc
        return sock

    def finish(self) -> tuple[int, str | None]:
        """Read the answer to the request `start` sent: (status, Retry-After). Raises
        _SendFailed (the connection closed) without one."""
        http_connection = self._http
        try:
            status, retry_after, keep_alive = _read_answer(http_connection.sock)
        except (OSError, ValueError) as exc:
            http_connection.close()
            raise _SendFailed(_failure(exc, False, self._proxied)) from exc
        if not keep_alive:
            http_connection.close()
        self._used = time.monotonic()
        return status, retry_after

    def abandon(self) -> _SendFailed:
        """No answer came in time: the connection is closed (a late answer would be out of
        step); answers the failure to record."""
        self._http.close()
        return _SendFailed("ReadTimeout")

    def close(self) -> None:
        self._http.close()


def _failure(exc: Exception, connecting: bool, proxied: bool) -> str:
    """The name a push without an answer gets in the trail (requests' exception names)."""
    if isinstance(exc, TimeoutError | BlockingIOError):  # BlockingIOError: SO_RCVTIMEO's
        return "ConnectTimeout" if connecting else "ReadTimeout"
    if isinstance(exc, ssl.SSLError):
        return "SSLError"
    return "ProxyError" if connecting and proxied else "ConnectionError"


def _retry_after(value: str | None) -> int | None:
    return int(value) if value and value.strip().isdigit() else None


class PushSender:
    """Sends encrypted (aes128gcm) messages over kept-alive HTTP/1.1 connections, pooled per
    push service (one push at a time on a connection; `send_many` keeps several in flight).
    The environment's proxy for a push service is read once per sender."""

    def __init__(
        self, signer: VapidSigner, *, ttl: int, timeout: float, urgency: str = "normal"
    ) -> None:
        self.signer = signer
        self.ttl = ttl
        self.timeout = timeout
        self.urgency = urgency
        self._fixed_headers = f"TTL: {ttl}\r\nUrgency: {urgency}\r\nContent-Encoding: aes128gcm\r\n"
        self._idle: dict[str, list[_Connection]] = {}
        self._all: list[_Connection] = []
        self._proxies: dict[str, str | None] = {}
        self._tls: ssl.SSLContext | None = None
        self._lock = threading.Lock()
        self._closed = False

    @classmethod
    def from_config(cls) -> PushSender:
        config = current_app.config
        return cls(
            vapid_signer(),
            ttl=int(config["PUSH_TTL_SECONDS"]),
            timeout=float(config["PUSH_TIMEOUT_SECONDS"]),
            urgency=config["PUSH_URGENCY"],
        )

    def _checkout(self, origin: str) -> _Connection:
        with self._lock:
            idle = self._idle.get(origin)
            if idle:
                return idle.pop()
            if origin not in self._proxies:
                self._proxies[origin] = _proxy_for(origin)
            proxy = self._proxies[origin]
            if self._tls is None and origin.startswith("https:"):
                self._tls = _tls_context()
            tls = self._tls
        connection = _Connection(origin, proxy, self.timeout, tls)
        with self._lock:
            self._all.append(connection)
        return connection

    def _checkin(self, connection: _Connection) -> None:
        with self._lock:
            if self._closed:
                connection.close()
            else:
                self._idle.setdefault(connection.origin, []).append(connection)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            for connection in self._all:
                connection.close()
            self._all.clear()
            self._idle.clear()

    def __enter__(self) -> PushSender:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def send(self, target: PushTarget, message: PushMessage) -> PushResult:
        """Deliver `message` to one subscription; never raises for a push-service failure."""
        return self.send_many([(target, message)], 1)[0]

    def send_many(
        self, pushes: Sequence[tuple[PushTarget, PushMessage]], concurrency: int
    ) -> list[PushResult]:
        """Deliver every push, up to `concurrency` of them awaiting their answers at once (one
        kept-alive connection each), all from this one thread: the next body is encrypted while
        earlier requests are on the wire, and answers are read as they arrive. Threads would
        hand the GIL to each other at every send and receive for the same concurrency.

        A push service that could not be reached is not tried again within the call: its
        remaining pushes are retries at once rather than a connect timeout each. The results
        come in the order of `pushes`; never raises for a push-service failure.
        """
        results: list[PushResult | None] = [None] * len(pushes)
        waiting = deque(enumerate(pushes))
        flying: dict[socket.socket, _InFlight] = {}
        unreachable: dict[str, str] = {}  # origin -> the failure that made it so
        selector = selectors.DefaultSelector()
        try:
            while waiting or flying:
                while waiting and len(flying) < max(1, concurrency):
                    index, (target, message) = waiting.popleft()
                    started = self._start(index, target, message, unreachable)
                    if isinstance(started, PushResult):
                        results[index] = started
                    else:
                        flying[started.sock] = started
                        selector.register(started.sock, selectors.EVENT_READ)
                if not flying:
                    continue
                wait = max(0.0, min(f.deadline for f in flying.values()) - time.monotonic())
                for key, _ in selector.select(wait):
                    push = flying.pop(key.fileobj)  # type: ignore[arg-type]
                    selector.unregister(push.sock)
                    try:
                        status, retry_after = push.connection.finish()
                    except _SendFailed as exc:
                        results[push.index] = self._failed(push.target, push.origin, exc)
                    else:
                        results[push.index] = self._answered(
                            push.target, push.origin, status, retry_after
                        )
                    self._checkin(push.connection)
                now = time.monotonic()
                for push in [f for f in flying.values() if f.deadline <= now]:
                    del flying[push.sock]
                    selector.unregister(push.sock)
                    exc = push.connection.abandon()
                    results[push.index] = self._failed(push.target, push.origin, exc)
                    self._checkin(push.connection)
        finally:
            selector.close()
            for push in flying.values():  # only when something above raised
                push.connection.abandon()
                self._checkin(push.connection)
        assert all(result is not None for result in results)
        return results  # type: ignore[return-value]

    def _start(
        self, index: int, target: PushTarget, message: PushMessage, unreachable: dict[str, str]
    ) -> _InFlight | PushResult:
        """Encrypt and send one push; its result at once when it cannot be sent."""
        if _UNSAFE_FIELD.search(message.topic):
            raise ValueError("a push topic is base64url, at most 32 characters")
        parts = urlsplit(target.endpoint)
        origin = _origin(parts)
        if origin in unreachable:
            return self._failed(target, origin, _SendFailed(unreachable[origin]))
        try:
            body = encrypt(message.payload(), target.p256dh, target.auth)
        except ValueError as exc:
            # Keys the browser gave that cannot be encrypted to: retrying will not help.
            log.warning(
                "push to subscription %s: unusable keys (%s)",
                target.subscription_id,
                type(exc).__name__,
            )
            return PushResult(target.subscription_id, "failed", None, error="unusable keys")
        headers = (
            f"Authorization: {self.signer.for_origin(origin)}\r\n"
            f"Topic: {message.topic}\r\n{self._fixed_headers}"
        )
        try:
            connection = self._checkout(origin)
        except _SendFailed as exc:
            return self._failed(target, origin, exc)
        try:
            sock = connection.start(connection.target(parts), headers, body)
        except _SendFailed as exc:
            self._checkin(connection)
            if exc.connecting:
                unreachable[origin] = exc.name
            return self._failed(target, origin, exc)
        return _InFlight(index, target, origin, connection, sock, time.monotonic() + self.timeout)

    def _failed(self, target: PushTarget, origin: str, exc: _SendFailed) -> PushResult:
        log.warning("push to subscription %s at %s: %s", target.subscription_id, origin, exc.name)
        return PushResult(target.subscription_id, "retry", None, error=exc.name)

    def _answered(
        self, target: PushTarget, origin: str, status: int, retry_after: str | None
    ) -> PushResult:
        outcome = classify(status)
        log.info(
            "push to subscription %s at %s: %s %s", target.subscription_id, origin, status, outcome
        )
        return PushResult(
            target.subscription_id,
            outcome,
            status,
            retry_after=_retry_after(retry_after) if outcome == "retry" else None,
            error=None if outcome == "sent" else f"HTTP {status}",
        )


@dataclass
class _InFlight:
    """A push whose request is on the wire, awaiting its answer."""

    index: int
    target: PushTarget
    origin: str
    connection: _Connection
    sock: socket.socket
    deadline: float  # time.monotonic()
