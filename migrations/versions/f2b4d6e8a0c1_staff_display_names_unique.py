"""users: a staff member's display name is unique in their clinic, whatever its case

services.auth.staff_name refused a colleague's name since e8a1c3d5f7b9 was written, but two
renames racing on PostgreSQL could both pass that check; this index decides. Names that
already collide (set before the check existed) keep the oldest account's; each later one
gets " (2)", " (3)"... so that nobody's name is lost and the index can be built.

Revision ID: f2b4d6e8a0c1
Revises: e8a1c3d5f7b9
Create Date: 2026-11-25 05:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f2b4d6e8a0c1"
down_revision = "e8a1c3d5f7b9"
branch_labels = None
depends_on = None

NAME_MAX = 120


def _tell_apart_colliding_names() -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.text(
            "SELECT id, clinic_id, display_name FROM users "
            "WHERE display_name IS NOT NULL ORDER BY clinic_id, id"
        )
    ).all()
    taken = {(clinic, name.lower()) for _id, clinic, name in rows}
    seen: set[tuple[int, str]] = set()
    for user_id, clinic, name in rows:
        key = (clinic, name.lower())
        if key not in seen:
            seen.add(key)
            continue
        number = 2
        while True:
            suffix = f" ({number})"
            candidate = name[: NAME_MAX - len(suffix)] + suffix
            if (clinic, candidate.lower()) not in taken:
                break
            number += 1
        taken.add((clinic, candidate.lower()))
        seen.add((clinic, candidate.lower()))
        connection.execute(
            sa.text("UPDATE users SET display_name = :name WHERE id = :id"),
            {"name": candidate, "id": user_id},
        )


def upgrade():
    _tell_apart_colliding_names()
    op.create_index(
        "uq_users_clinic_display_name",
        "users",
        ["clinic_id", sa.text("lower(display_name)")],
        unique=True,
    )


def downgrade():
    op.drop_index("uq_users_clinic_display_name", table_name="users")
