"""Every error is an RFC 9457 problem, and none echoes the request."""

import pytest

from services import checkins as checkin_service

PROBLEM = "application/problem+json"


def assert_problem(response, status: int) -> None:
    assert response.status_code == status
    assert response.content_type == PROBLEM
    assert {"type", "title", "status", "detail"} <= set(response.json)
    assert response.json["status"] == status


def test_unknown_api_path_is_a_404_problem(client):
    assert_problem(client.get("/api/v1/no-such-thing"), 404)


def test_wrong_method_is_a_405_problem_with_allow(client):
    response = client.delete("/api/v1/auth/login")
    assert_problem(response, 405)
    assert "POST" in response.headers["Allow"]


def test_body_over_the_limit_is_a_413_problem(client, world):
    big = {"display_name": "x" * (3 * 1024 * 1024)}
    response = client.post("/api/v1/patients", headers=world.clinician.headers, json=big)
    assert_problem(response, 413)


def test_malformed_json_is_a_400_problem(client, world):
    response = client.post(
        "/api/v1/patients/me/checkins",
        headers={**world.patient_actor.headers, "Content-Type": "application/json"},
        data='{"mood": 5, "note": "SECRET-NOTE"',
    )
    assert_problem(response, 400)
    assert "SECRET-NOTE" not in response.get_data(as_text=True)


@pytest.mark.parametrize("body", ["[1, 2]", '"text"', "42"])
def test_json_that_is_not_an_object_is_refused(client, world, body):
    response = client.post(
        "/api/v1/patients/me/checkins",
        headers={**world.patient_actor.headers, "Content-Type": "application/json"},
        data=body,
    )
    assert_problem(response, 400)


def test_form_body_is_a_415_problem(client, world):
    response = client.post(
        "/api/v1/patients/me/checkins", headers=world.patient_actor.headers, data={"a": "b"}
    )
    assert_problem(response, 415)


def test_unexpected_failure_is_a_generic_500_that_reveals_nothing(
    client, world, monkeypatch, caplog
):
    def explode(*args, **kwargs):
        raise RuntimeError("database exploded with PRIVATE detail")

    monkeypatch.setattr(checkin_service, "list_checkins", explode)
    response = client.get("/api/v1/patients/me/checkins", headers=world.patient_actor.headers)

    assert_problem(response, 500)
    assert "PRIVATE" not in response.get_data(as_text=True)
    assert "RuntimeError" in caplog.text


def test_non_api_paths_are_not_problems(client):
    response = client.get("/checkin", buffered=True)
    assert response.status_code == 200
    assert response.mimetype == "text/html"


def test_any_method_on_an_unknown_api_path_is_a_404_problem(client, world):
    for path in ("/api/v1/no-such-thing", "/api/v1/alerts/-5/resolve", "/api/v1/alerts/x/resolve"):
        assert_problem(client.post(path, headers=world.clinician.headers, json={}), 404)
    # A real path with the wrong method stays a 405, even when it only answers GET.
    response = client.post("/api/v1/me", headers=world.clinician.headers, json={})
    assert_problem(response, 405)
    assert "GET" in response.headers["Allow"]


def test_ids_no_row_can_have_are_404_not_overflows(client, world):
    huge = "9" * 30
    for path in (
        f"/api/v1/alerts/{huge}/acknowledge",
        f"/api/v1/patients/{world.patient.id}/treatment-sessions/{2**31}",
        f"/api/v1/users/{huge}/deactivate",
    ):
        method = client.put if "treatment-sessions" in path else client.post
        assert_problem(method(path, headers=world.admin.headers, json={}), 404)
    for pid in (huge, "9" * 5000, "²", "١", "0", "-1"):
        response = client.get(f"/api/v1/patients/{pid}", headers=world.clinician.headers)
        assert_problem(response, 404)
    response = client.get(f"/api/v1/alerts?patient_id={huge}", headers=world.clinician.headers)
    assert_problem(response, 422)
