"""VAPID keys and headers, and one push over real HTTP to the loopback push service."""

import json
import os
import socket
import ssl
import stat
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02

from services import push
from services.push import PushMessage, PushSender, PushTarget, VapidSigner
from tests import pushservice

push_service = pushservice.push_service

MESSAGE = PushMessage("Time for your check-in", "How are you today?", "/checkin", "t", "topic-1")


def config(**values):
    return {"ENV_NAME": "development", "VAPID_SUBJECT": "", **values}


def test_development_generates_a_pair_once_and_keeps_it_private(tmp_path):
    first = push.load_vapid_keys(config(), str(tmp_path))
    second = push.load_vapid_keys(config(), str(tmp_path))

    assert first == second
    path = tmp_path / "vapid.json"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert json.loads(path.read_text())["public_key"] == first.public_key
    assert len(push.b64url_decode(first.public_key)) == 65
    assert first.subject == push.DEVELOPMENT_SUBJECT


def test_the_app_keeps_its_pair_under_its_instance_path(make_app, tmp_path):
    app = make_app(INSTANCE_PATH=str(tmp_path / "instance"))
    with app.app_context():
        key = push.public_key()
    assert (tmp_path / "instance" / "vapid.json").exists()
    assert json.loads((tmp_path / "instance" / "vapid.json").read_text())["public_key"] == key


def test_production_refuses_to_run_without_keys(tmp_path):
    with pytest.raises(push.PushNotConfigured, match="VAPID_SUBJECT"):
        push.load_vapid_keys(config(ENV_NAME="production"), str(tmp_path))
    with pytest.raises(push.PushNotConfigured, match="VAPID_PRIVATE_KEY"):
        push.load_vapid_keys(
            config(ENV_NAME="production", VAPID_SUBJECT="mailto:ops@clinic.example"), str(tmp_path)
        )
    assert not (tmp_path / "vapid.json").exists()


def test_configured_keys_are_used_and_checked(tmp_path):
    private, public = push.generate_vapid_keys()
    keys = push.load_vapid_keys(
        config(
            ENV_NAME="production",
            VAPID_PRIVATE_KEY=private,
            VAPID_PUBLIC_KEY=public,
            VAPID_SUBJECT="mailto:ops@clinic.example",
        ),
        str(tmp_path),
    )
    assert (keys.private_key, keys.public_key) == (private, public)
    _, other_public = push.generate_vapid_keys()
    with pytest.raises(push.PushNotConfigured, match="does not belong"):
        push.load_vapid_keys(
            config(VAPID_PRIVATE_KEY=private, VAPID_PUBLIC_KEY=other_public), str(tmp_path)
        )
    with pytest.raises(push.PushNotConfigured, match="not a P-256"):
        push.load_vapid_keys(config(VAPID_PRIVATE_KEY="not-a-key"), str(tmp_path))
    with pytest.raises(push.PushNotConfigured, match="mailto"):
        push.load_vapid_keys(
            config(VAPID_PRIVATE_KEY=private, VAPID_SUBJECT="ops@clinic"), str(tmp_path)
        )


def test_a_pem_private_key_is_accepted(tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    keys = push.load_vapid_keys(config(VAPID_PRIVATE_KEY=pem), str(tmp_path))
    assert push.b64url_decode(keys.public_key) == key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )


def test_the_vapid_header_is_signed_once_per_origin_and_renewed_before_expiry(tmp_path):
    keys = push.load_vapid_keys(config(), str(tmp_path))
    clock = [1_800_000_000.0]
    signer = VapidSigner(keys, clock=lambda: clock[0])

    first = signer.authorization("https://fcm.googleapis.com/fcm/send/abc")
    assert signer.authorization("https://fcm.googleapis.com/fcm/send/def") == first
    other = signer.authorization("https://web.push.apple.com/QGx")
    assert other != first and signer.signatures == 2

    token = first.split("t=")[1].split(",")[0]
    assert Vapid02.verify(first)
    claims = json.loads(push.b64url_decode(token.split(".")[1]))
    assert claims["aud"] == "https://fcm.googleapis.com"
    assert claims["exp"] - clock[0] <= 24 * 3600  # Apple's limit
    assert claims["sub"] == push.DEVELOPMENT_SUBJECT

    clock[0] += push.VAPID_TOKEN_LIFETIME - push.VAPID_REFRESH_BEFORE - 60
    assert signer.authorization("https://fcm.googleapis.com/x") == first
    clock[0] += 120  # now within the last hour of the token
    renewed = signer.authorization("https://fcm.googleapis.com/x")
    assert renewed != first and signer.signatures == 3


def test_a_sender_reads_the_proxy_environment_once_per_push_service(monkeypatch, tmp_path):
    import urllib.request

    import requests

    looked_up = []
    real = urllib.request.getproxies

    def counting():
        looked_up.append(1)
        return real()

    monkeypatch.setattr(urllib.request, "getproxies", counting)
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "push.internal")
    signer = VapidSigner(push.load_vapid_keys(config(), str(tmp_path)))
    with PushSender(signer, ttl=60, timeout=1) as sender:
        # Two connections to the same service at once (two threads), then another service.
        urls = ["https://fcm.googleapis.com", "https://fcm.googleapis.com", "https://push.internal"]
        proxies = [sender._checkout(url).proxy for url in urls]

    assert len(looked_up) == 2  # once per push service, not once per push or connection
    assert proxies == ["http://proxy.example:3128", "http://proxy.example:3128", None]
    for url, proxy in zip(urls, proxies, strict=True):  # NO_PROXY honoured as requests does
        assert requests.utils.get_environ_proxies(url + "/x").get("https") == proxy


def test_the_body_is_rfc8291_aes128gcm_with_a_fresh_key_and_salt_every_time():
    import http_ece

    key = ec.generate_private_key(ec.SECP256R1())
    point = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    secret = os.urandom(16)
    p256dh, auth = push.b64url_encode(point), push.b64url_encode(secret)
    first, second = (push.encrypt(MESSAGE.payload(), p256dh, auth) for _ in range(2))

    for body in (first, second):
        assert (
            http_ece.decrypt(body, private_key=key, auth_secret=secret, version="aes128gcm")
            == MESSAGE.payload()
        )
        assert int.from_bytes(body[16:20], "big") == push.RECORD_SIZE and body[20] == 65
    assert first[:16] != second[:16]  # the salt
    assert first[21:86] != second[21:86]  # the sender's ECDH public key
    assert len(push.encrypt(b"x" * push.MAX_PLAINTEXT, p256dh, auth)) <= 4096
    with pytest.raises(ValueError, match="at most"):
        push.encrypt(b"x" * (push.MAX_PLAINTEXT + 1), p256dh, auth)
    with pytest.raises(ValueError):
        push.encrypt(MESSAGE.payload(), "AAAA", auth)


def test_pushes_to_one_service_share_a_kept_alive_connection(app, push_service):
    push_service.server.RequestHandlerClass.protocol_version = "HTTP/1.1"
    accepted = []
    process_request = push_service.server.process_request

    def counting(request, address):
        accepted.append(address)
        process_request(request, address)

    push_service.server.process_request = counting
    devices = [push_service.subscribe() for _ in range(3)]
    targets = [
        PushTarget(i, d["endpoint"], d["keys"]["p256dh"], d["keys"]["auth"])
        for i, d in enumerate(devices)
    ]
    with PushSender.from_config() as sender:
        results = [sender.send(target, MESSAGE) for target in targets * 2]

    assert [r.outcome for r in results] == ["sent"] * 6
    assert push_service.errors == [] and len(push_service.delivered()) == 6
    assert len(accepted) == 1


class ScriptedService:
    """A raw HTTP/1.1 server answering each request with the next scripted bytes (then closing
    the connection if told to); it reads requests but checks nothing (the transport's test)."""

    def __init__(
        self, *answers: tuple[bytes, bool], tls: ssl.SSLContext | None = None, delay: float = 0
    ) -> None:
        self.answers = list(answers)
        self.connections = 0
        self.tls = tls
        self.delay = delay  # seconds before each answer
        self.listener = socket.create_server(("127.0.0.1", 0))
        port = self.listener.getsockname()[1]
        self.origin = f"https://localhost:{port}" if tls else f"http://127.0.0.1:{port}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection: socket.socket) -> None:
        if self.tls is not None:
            try:
                connection = self.tls.wrap_socket(connection, server_side=True)
            except (ssl.SSLError, OSError):  # the client refused our certificate
                connection.close()
                return
        with connection:
            data = b""
            while self.answers:
                while b"\r\n\r\n" not in data:
                    chunk = connection.recv(65536)
                    if not chunk:
                        return
                    data += chunk
                head, _, data = data.partition(b"\r\n\r\n")
                length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
                while len(data) < length:
                    data += connection.recv(65536)
                data = data[length:]
                answer, close = self.answers.pop(0)
                time.sleep(self.delay)
                if answer:
                    connection.sendall(answer)
                if close:
                    return

    def target(self, subscription_id: int = 1) -> PushTarget:
        key = ec.generate_private_key(ec.SECP256R1()).public_key()
        point = key.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        p256dh, auth = push.b64url_encode(point), push.b64url_encode(os.urandom(16))
        return PushTarget(subscription_id, f"{self.origin}/push/x", p256dh, auth)


def scripted_send(app, service: ScriptedService, pushes: int, **sender_args) -> list:
    with app.app_context():
        signer = push.vapid_signer()
    sender_args = {"ttl": 60, "timeout": 5, **sender_args}
    with PushSender(signer, **sender_args) as sender:
        results = [sender.send(service.target(), MESSAGE) for _ in range(pushes)]
    service.listener.close()
    return [(r.outcome, r.status_code, r.retry_after, r.error) for r in results]


def test_answers_are_read_whole_however_they_are_framed(app):
    service = ScriptedService(
        (
            b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 3\r\n\r\nabc",
            False,
        ),
        (
            b"HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"5;ext=1\r\nhello\r\n3\r\n!!!\r\n0\r\nX-Trailer: y\r\n\r\n",
            False,
        ),
        (b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 30\r\nContent-Length: 0\r\n\r\n", False),
        (b"HTTP/1.1 204 No Content\r\n\r\n", False),
        (b"HTTP/1.0 410 Gone\r\n\r\nthe body ends with the connection", True),
        (
            b"HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
            True,
        ),
        (b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n", False),
    )
    assert scripted_send(app, service, 7) == [
        ("sent", 201, None, None),
        ("failed", 400, None, "HTTP 400"),
        ("retry", 429, 30, "HTTP 429"),
        ("sent", 204, None, None),
        ("gone", 410, None, "HTTP 410"),
        ("retry", 503, None, "HTTP 503"),
        ("sent", 201, None, None),
    ]
    assert service.connections == 3  # kept alive until the 410 (HTTP/1.0) and the 503 (close)


OK = b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"


def many_send(app, targets: list[PushTarget], concurrency: int, timeout: float = 5) -> list:
    with app.app_context():
        signer = push.vapid_signer()
    with PushSender(signer, ttl=60, timeout=timeout) as sender:
        results = sender.send_many([(t, MESSAGE) for t in targets], concurrency)
    return [(r.outcome, r.error) for r in results]


def test_pushes_await_their_answers_together_one_connection_each(app):
    """Eight pushes, four at a time, to a service that takes 0.2 s an answer: two rounds (about
    0.4 s), not eight (1.6 s), over four kept-alive connections."""
    service = ScriptedService(*[(OK, False)] * 8, delay=0.2)
    started = time.monotonic()
    results = many_send(app, [service.target(i) for i in range(8)], concurrency=4)
    elapsed = time.monotonic() - started
    service.listener.close()
    assert results == [("sent", None)] * 8
    assert service.connections == 4
    assert elapsed < 1.0, f"{elapsed:.2f} s: the pushes waited for each other"


def test_an_unreachable_push_service_is_tried_once_and_the_others_go_on(app, monkeypatch):
    with socket.create_server(("127.0.0.1", 0)) as closed:
        dead_port = closed.getsockname()[1]  # nothing listens there once closed
    service = ScriptedService(*[(OK, False)] * 3)
    dead = [
        PushTarget(i, f"http://127.0.0.1:{dead_port}/push/{i}", t.p256dh, t.auth)
        for i, t in enumerate(service.target(i) for i in range(4))
    ]
    attempts = []
    connect = push.http.client.HTTPConnection.connect

    def counting(self):
        attempts.append(self.port)
        return connect(self)

    monkeypatch.setattr(push.http.client.HTTPConnection, "connect", counting)
    live = [service.target(10 + i) for i in range(3)]
    results = many_send(app, [dead[0], live[0], dead[1], live[1], dead[2], dead[3], live[2]], 2)
    service.listener.close()
    refused = ("retry", "ConnectionError")
    assert results == [refused, ("sent", None), refused, ("sent", None), refused, refused] + [
        ("sent", None)
    ]
    assert attempts.count(dead_port) == 1  # not once a push


def test_a_service_that_does_not_answer_times_out_while_another_answers(app):
    silent = ScriptedService((b"", False), (b"", False))  # reads, says nothing
    service = ScriptedService(*[(OK, False)] * 4)
    targets = [silent.target(0), *[service.target(i) for i in range(1, 5)]]
    started = time.monotonic()
    results = many_send(app, targets, concurrency=2, timeout=0.5)
    elapsed = time.monotonic() - started
    silent.listener.close()
    service.listener.close()
    assert results == [("retry", "ReadTimeout")] + [("sent", None)] * 4
    assert 0.5 <= elapsed < 2.0


def test_a_connection_the_service_closed_while_idle_is_replaced(app, monkeypatch):
    monkeypatch.setattr(push, "IDLE_CHECK_AFTER", 0.0)
    ok = b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"
    service = ScriptedService((ok, True), (ok, False))  # closes without saying so
    with app.app_context():
        signer = push.vapid_signer()
    with PushSender(signer, ttl=60, timeout=5) as sender:
        first = sender.send(service.target(), MESSAGE)
        time.sleep(0.2)  # the close reaches us
        second = sender.send(service.target(), MESSAGE)
    service.listener.close()
    assert (first.outcome, second.outcome) == ("sent", "sent")
    assert service.connections == 2


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (b"", "ReadTimeout"),  # no answer within the timeout
        (b"SMTP ready\r\n\r\n", "ConnectionError"),
        (b"HTTP/1.1 201 Created\r\nContent-Length: 10\r\n\r\nabc", "ConnectionError"),
    ],
)
def test_no_answer_or_a_broken_one_is_retried(app, answer, error):
    service = ScriptedService((answer, True))
    timeout = 0.3 if not answer else 5
    if not answer:
        service.answers.insert(0, (b"", False))  # hold the connection open, say nothing
    results = scripted_send(app, service, 1, timeout=timeout)
    assert results == [("retry", None, None, error)]


@pytest.mark.parametrize(
    ("code", "outcome"),
    [(200, "sent"), (201, "sent"), (404, "gone"), (410, "gone"), (429, "retry"), (500, "retry")]
    + [(503, "retry"), (400, "failed"), (403, "failed"), (413, "failed")],
)
def test_push_service_answers_are_classified(code, outcome):
    assert push.classify(code) == outcome


def test_one_push_reaches_the_service_encrypted_and_signed(app, push_service):
    device = push_service.subscribe()
    target = PushTarget(1, device["endpoint"], device["keys"]["p256dh"], device["keys"]["auth"])
    with PushSender.from_config() as sender:
        results = [sender.send(target, MESSAGE), sender.send(target, MESSAGE)]

    assert [(r.outcome, r.status_code) for r in results] == [("sent", 201), ("sent", 201)]
    assert push_service.errors == []
    first, second = push_service.delivered()
    assert first.payload == {
        "title": "Time for your check-in",
        "body": "How are you today?",
        "url": "/checkin",
        "tag": "t",
    }
    assert first.headers["topic"] == "topic-1"
    assert first.headers["urgency"] == "normal"
    assert first.headers["ttl"] == str(app.config["PUSH_TTL_SECONDS"])
    # The same signed header served both pushes to this origin.
    assert first.headers["authorization"] == second.headers["authorization"]


def test_answers_and_failures_become_results(app, push_service):
    device = push_service.subscribe()
    target = PushTarget(7, device["endpoint"], device["keys"]["p256dh"], device["keys"]["auth"])
    push_service.answer(device["endpoint"], 410, 429)
    with PushSender.from_config() as sender:
        gone = sender.send(target, MESSAGE)
        busy = sender.send(target, MESSAGE)
        unusable = sender.send(
            PushTarget(8, device["endpoint"], "AAAA", device["keys"]["auth"]), MESSAGE
        )
    assert (gone.outcome, gone.status_code) == ("gone", 410)
    assert (busy.outcome, busy.status_code, busy.retry_after) == ("retry", 429, 1)
    assert (unusable.outcome, unusable.status_code) == ("failed", None)


@pytest.mark.parametrize(
    ("p256dh", "ok"),
    [
        (
            "BEl62iUYgUivxIkv69yViEuiBIa-Ib9-SkvMeAtA3LFgDzkrxZJjSgSnfckjBJuBkr3qBUYIHBQFLXYp5Nksh8U",
            True,
        ),
        (
            "BEl62iUYgUivxIkv69yViEuiBIa-Ib9-SkvMeAtA3LFgDzkrxZJjSgSnfckjBJuBkr3qBUYIHBQFLXYp5Nksh8",
            False,
        ),
        (
            "AEl62iUYgUivxIkv69yViEuiBIa-Ib9-SkvMeAtA3LFgDzkrxZJjSgSnfckjBJuBkr3qBUYIHBQFLXYp5Nksh8U",
            False,
        ),
        (
            "BAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            False,
        ),
        ("not base64!", False),
        ("", False),
    ],
)
def test_p256dh_must_be_an_uncompressed_point_on_the_curve(p256dh, ok):
    assert (push.check_p256dh(p256dh) is None) == ok


@pytest.mark.parametrize(
    ("auth", "ok"),
    [("8eDyX_uCN0XRhSbY5hs7Hg", True), ("8eDyX_uCN0XRhSbY5hs7Hg==", True), ("8eDyX_uCN0XR", False)],
)
def test_auth_must_be_sixteen_bytes(auth, ok):
    assert (push.check_auth_secret(auth) is None) == ok


@pytest.fixture
def tls_pair(tmp_path):
    """(server context, a CA file that trusts it) for "localhost", self-signed."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "localhost")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    (tmp_path / "cert.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    return server, str(tmp_path / "cert.pem")


def test_pushes_over_tls_keep_the_connection_and_time_out(app, tls_pair, monkeypatch):
    server, ca_file = tls_pair
    monkeypatch.setattr(push, "_tls_context", lambda: ssl.create_default_context(cafile=ca_file))
    ok = b"HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok"
    gone = b"HTTP/1.1 410 Gone\r\nTransfer-Encoding: chunked\r\n\r\n4\r\ngone\r\n0\r\n\r\n"
    service = ScriptedService((ok, False), (gone, False), (b"", False), (b"", True), tls=server)
    results = scripted_send(app, service, 3, timeout=0.5)
    assert results == [
        ("sent", 201, None, None),
        ("gone", 410, None, "HTTP 410"),
        ("retry", None, None, "ReadTimeout"),  # the third is never answered
    ]
    assert service.connections == 1


def test_a_certificate_that_does_not_verify_is_a_retry(app, tls_pair):
    server, _ = tls_pair  # self-signed: certifi's bundle does not trust it
    service = ScriptedService(
        (b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n", True), tls=server
    )
    assert scripted_send(app, service, 1) == [("retry", None, None, "SSLError")]
