"""VAPID keys and headers, and one push over real HTTP to the loopback push service."""

import json
import os
import stat

import pytest
from cryptography.hazmat.primitives import serialization
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


def test_a_sender_reads_the_proxy_environment_once_per_push_service(monkeypatch):
    import requests

    looked_up = []
    real = requests.sessions.get_environ_proxies

    def counting(url, no_proxy=None):
        looked_up.append(url)
        return real(url, no_proxy=no_proxy)

    monkeypatch.setattr(requests.sessions, "get_environ_proxies", counting)
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "push.internal")
    session = push._PushSession()
    merged = [
        session.merge_environment_settings(url, {}, None, None, None)
        for url in (
            "https://fcm.googleapis.com/fcm/send/a",
            "https://fcm.googleapis.com/fcm/send/b",
            "https://push.internal/c",
        )
    ]

    assert len(looked_up) == 2  # once per push service, not once per push
    assert merged[0] == merged[1]
    assert merged[0]["proxies"]["https"] == "http://proxy.example:3128"
    assert "https" not in merged[2]["proxies"]  # NO_PROXY still honoured
    plain = requests.Session().merge_environment_settings(
        "https://fcm.googleapis.com/fcm/send/a", {}, None, None, None
    )
    assert merged[0] == plain


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
