"""users.display_name: the name staff are known by, shown on the alert trail

Nullable: staff created before it (and patients, whose name is on their patient row) have none;
the app shows their email instead.

Revision ID: e8a1c3d5f7b9
Revises: d7e4f1a2b3c5
Create Date: 2026-11-25 00:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e8a1c3d5f7b9"
down_revision = "d7e4f1a2b3c5"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("display_name", sa.String(length=120), nullable=True))


def downgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("display_name")
