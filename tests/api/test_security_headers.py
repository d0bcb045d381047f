"""Security headers on every answer, a looser CSP on the API docs only, HSTS in production,
and CORS closed unless CORS_ORIGINS lists the caller's origin."""

import pytest

from api.headers import APP_CSP, DOCS_CSP

APP_PATHS = ["/", "/clinic/", "/checkin", "/api/v1/me", "/api/v1/swagger.json", "/api/v1/nope"]


def headers_of(client, path: str, **kwargs):
    with client.get(path, **kwargs) as response:  # closes files the PWA routes send
        return response.headers


def directives(csp: str) -> dict[str, str]:
    return {
        part.strip().split(" ", 1)[0]: part.strip().partition(" ")[2]
        for part in csp.split(";")
        if part.strip()
    }


@pytest.mark.parametrize("path", APP_PATHS)
def test_every_answer_carries_the_strict_headers(client, path):
    headers = headers_of(client, path)

    csp = directives(headers["Content-Security-Policy"])
    assert csp["default-src"] == "'self'"
    assert csp["script-src"] == "'self'"  # no inline or third-party script (tokens in IndexedDB)
    assert csp["object-src"] == "'none'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["worker-src"] == "'self'" and csp["manifest-src"] == "'self'"
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert "unsafe-eval" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Frame-Options"] == "DENY"
    permissions = headers["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation"):
        assert f"{feature}=()" in permissions
    assert "Strict-Transport-Security" not in headers  # only in production
    assert "Access-Control-Allow-Origin" not in headers


def test_api_answers_are_never_cached(client, world):
    response = client.get("/api/v1/me", headers=world.patient_actor.headers)
    assert response.headers["Cache-Control"] == "no-store"


def test_a_header_the_view_set_is_kept_and_none_is_doubled(make_app):
    app = make_app()

    @app.get("/api/v1/probe-own-headers")
    def own_headers():
        return "", 204, {"cache-control": "private, max-age=60", "X-Frame-Options": "SAMEORIGIN"}

    headers = app.test_client().get("/api/v1/probe-own-headers").headers

    assert headers.getlist("Cache-Control") == ["private, max-age=60"]  # names match any case
    assert headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]
    assert headers.getlist("Referrer-Policy") == ["no-referrer"]


def test_only_the_api_docs_get_the_looser_policy(client):
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert docs.headers["Content-Security-Policy"] == DOCS_CSP
    csp = directives(DOCS_CSP)
    assert csp["frame-ancestors"] == "'none'" and csp["object-src"] == "'none'"
    assert "unsafe-eval" not in DOCS_CSP
    for path in APP_PATHS:
        assert headers_of(client, path)["Content-Security-Policy"] == APP_CSP
    # A path merely starting like the docs is not the docs.
    assert headers_of(client, "/api/v1/docsx")["Content-Security-Policy"] == APP_CSP


def test_production_adds_hsts(make_app):
    client = make_app(ENV_NAME="production").test_client()
    hsts = client.get("/api/v1/swagger.json").headers["Strict-Transport-Security"]
    assert "max-age=63072000" in hsts and "includeSubDomains" in hsts


def test_cors_is_closed_by_default(client, world):
    headers = {**world.patient_actor.headers, "Origin": "https://evil.example"}
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response.headers
    preflight = client.options(
        "/api/v1/me",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
    )
    assert "Access-Control-Allow-Origin" not in preflight.headers
    assert "Access-Control-Allow-Methods" not in preflight.headers


def test_cors_allows_only_the_listed_origins(make_app, world):
    client = make_app(CORS_ORIGINS=("https://app.clinic.example",)).test_client()
    allowed = client.options(
        "/api/v1/patients/me/checkins",
        headers={
            "Origin": "https://app.clinic.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://app.clinic.example"
    assert "POST" in allowed.headers["Access-Control-Allow-Methods"]
    assert "Authorization" in allowed.headers["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in allowed.headers  # bearer tokens, no cookies
    assert "Origin" in allowed.headers["Vary"]

    real = client.get(
        "/api/v1/me",
        headers={**world.patient_actor.headers, "Origin": "https://app.clinic.example"},
    )
    assert real.headers["Access-Control-Allow-Origin"] == "https://app.clinic.example"

    for origin in ("https://evil.example", "https://app.clinic.example.evil.example", "null"):
        refused = client.get("/api/v1/me", headers={"Origin": origin})
        assert "Access-Control-Allow-Origin" not in refused.headers
        assert "Origin" in refused.headers["Vary"]
