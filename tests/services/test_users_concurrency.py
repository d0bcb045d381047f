"""Admins adding the same colleague at the same moment add one account; the others get 409.
Colleagues taking the same name at the same moment: one gets it, the others a 422 naming
`display_name` (on PostgreSQL the unique index decides, on SQLite the write lock)."""

import threading
from collections.abc import Callable

from sqlalchemy import func, select

from models import User, db

RACERS = 8


def _race(request: Callable[[int], int]) -> list[int]:
    """`request(i)` from RACERS threads released at once; their statuses, sorted."""
    statuses: list[int] = []
    barrier = threading.Barrier(RACERS)

    def run(index: int) -> None:
        barrier.wait()
        statuses.append(request(index))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(statuses)


def test_racing_additions_of_one_email_add_one_account(app, world):
    body = {"email": "racing@clinic.test", "password": "a-long-passphrase"}

    def add(_index: int) -> int:
        return app.test_client().post("/api/v1/users", headers=world.admin.headers, json=body)

    assert _race(lambda i: add(i).status_code) == [201] + [409] * (RACERS - 1)
    db.session.expire_all()
    count = select(func.count()).select_from(User).where(User.email == "racing@clinic.test")
    assert db.session.scalar(count) == 1


def test_racing_additions_under_one_name_add_one_colleague_by_it(app, world):
    def add(index: int) -> int:
        body = {
            "email": f"racer{index}@clinic.test",
            "password": "a-long-passphrase",
            "display_name": "Dr. Same" if index % 2 else "DR. SAME",
        }
        answer = app.test_client().post("/api/v1/users", headers=world.admin.headers, json=body)
        if answer.status_code == 422:
            assert "display_name" in answer.get_json()["errors"]
        return answer.status_code

    assert _race(add) == [201] + [422] * (RACERS - 1)
    db.session.expire_all()
    named = select(func.count()).where(func.lower(User.display_name) == "dr. same")
    assert db.session.scalar(named) == 1


def test_racing_renames_to_one_name_give_it_to_one_colleague(app, world, make_staff):
    racers = [make_staff(world.clinic) for _ in range(RACERS)]

    def rename(index: int) -> int:
        actor = racers[index]
        answer = app.test_client().patch(
            f"/api/v1/users/{actor.user.id}",
            headers=actor.headers,
            json={"display_name": "Dr. Taken"},
        )
        if answer.status_code == 422:
            assert "display_name" in answer.get_json()["errors"]
        return answer.status_code

    assert _race(rename) == [200] + [422] * (RACERS - 1)
    db.session.expire_all()
    named = select(func.count()).where(User.display_name == "Dr. Taken")
    assert db.session.scalar(named) == 1
