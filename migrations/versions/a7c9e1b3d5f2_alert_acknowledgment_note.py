"""alerts.acknowledgment_note: what the clinician who acknowledged is doing about it

Optional; resolving still needs its own note (resolution_note).

Revision ID: a7c9e1b3d5f2
Revises: f2b4d6e8a0c1
Create Date: 2026-11-25 05:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a7c9e1b3d5f2"
down_revision = "f2b4d6e8a0c1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("alerts") as batch_op:
        batch_op.add_column(sa.Column("acknowledgment_note", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("alerts") as batch_op:
        batch_op.drop_column("acknowledgment_note")
