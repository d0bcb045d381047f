"""No cookie sessions: a cookie is neither read nor set, and nothing can be kept in one."""

import pytest
from flask import session


@pytest.mark.parametrize("path", ["/api/v1/me", "/api/v1/auth/login", "/clinic/"])
def test_no_answer_sets_a_cookie(client, world, path):
    client.set_cookie("session", "eyJmb3JnZWQiOnRydWV9.forged.signature")
    if path.endswith("/login"):
        response = client.post(path, json={"email": world.clinician.user.email, "password": "x"})
    else:
        response = client.get(path, headers=world.clinician.headers)
    with response:
        assert response.status_code < 500
        assert "Set-Cookie" not in response.headers
        assert "Cookie" not in response.headers.get("Vary", "")


def test_a_session_can_be_read_but_never_written(app):
    with app.test_request_context("/api/v1/me", headers={"Cookie": "session=anything"}):
        assert dict(session) == {}  # the cookie is not read
        with pytest.raises(RuntimeError):
            session["patient"] = "kept in a cookie"
