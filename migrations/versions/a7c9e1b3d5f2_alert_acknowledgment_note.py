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


# Plain ALTER TABLE on both databases (SQLite has dropped columns since 3.35): batch mode would
# rebuild `alerts` from a reflection of the schema, which cannot read the expression index on
# users (uq_users_clinic_display_name) and warns.


def upgrade():
    op.add_column("alerts", sa.Column("acknowledgment_note", sa.Text(), nullable=True))


def downgrade():
    op.drop_column("alerts", "acknowledgment_note")
