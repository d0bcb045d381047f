"""Racing questionnaire submissions: one row per submit_id, one open alert per patient and kind."""

import threading
import uuid

from sqlalchemy import func, select

from models import Alert, QuestionnaireResponse, db

RESPONSES = "/api/v1/patients/me/questionnaire-responses"


def race(app, headers, bodies) -> list[int]:
    statuses: list[int] = []
    barrier = threading.Barrier(len(bodies))

    def submit(body) -> None:
        client = app.test_client()
        barrier.wait()
        statuses.append(client.post(RESPONSES, headers=headers, json=body).status_code)

    threads = [threading.Thread(target=submit, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db.session.expire_all()
    return statuses


def test_identical_submissions_store_one_response_and_one_alert(app, world):
    body = {"submit_id": str(uuid.uuid4()), "instrument": "phq9", "answers": [1] * 9}

    statuses = race(app, world.patient_actor.headers, [body] * 12)

    assert sorted(statuses) == [200] * 11 + [201]
    assert db.session.scalar(select(func.count()).select_from(QuestionnaireResponse)) == 1
    assert db.session.scalar(select(func.count()).select_from(Alert)) == 1


def test_different_item9_answers_at_once_open_one_urgent_alert(app, world):
    bodies = [
        {"submit_id": str(uuid.uuid4()), "instrument": "phq9", "answers": [1] * 8 + [item9]}
        for item9 in (1, 2, 3, 1, 2, 3, 1, 2)
    ]

    statuses = race(app, world.patient_actor.headers, bodies)

    assert statuses == [201] * 8
    assert db.session.scalar(select(func.count()).select_from(QuestionnaireResponse)) == 8
    alerts = db.session.scalars(select(Alert)).all()
    assert [(a.kind, a.status) for a in alerts] == [("urgent", "open")]
