"""Admins adding the same colleague at the same moment add one account; the others get 409."""

import threading

from sqlalchemy import func, select

from models import User, db


def test_racing_additions_of_one_email_add_one_account(app, world):
    body = {"email": "racing@clinic.test", "password": "a-long-passphrase"}
    statuses: list[int] = []
    barrier = threading.Barrier(8)

    def add() -> None:
        client = app.test_client()
        barrier.wait()
        statuses.append(
            client.post("/api/v1/users", headers=world.admin.headers, json=body).status_code
        )

    threads = [threading.Thread(target=add) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [201] + [409] * 7
    db.session.expire_all()
    count = select(func.count()).select_from(User).where(User.email == "racing@clinic.test")
    assert db.session.scalar(count) == 1
