"""checkins: a covering index (patient_id, local_date, mood, anxiety, pain) for trends and roster

One patient's daily scores become one short index range read (an index-only scan on
PostgreSQL once autovacuum has set the visibility map) instead of a heap page per day: check-ins
arrive day by day across patients, so a patient's year of rows sits on ~365 different pages.
The roster's recent check-ins of a clinic become a nested loop over it instead of a sequential
scan of every check-in. Measured in docs/performance.md (trend_read, roster).

Revision ID: a45b76b8c2da
Revises: b3c1e2d4f5a6
Create Date: 2026-11-24 16:00:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "a45b76b8c2da"
down_revision = "b3c1e2d4f5a6"
branch_labels = None
depends_on = None

NAME = "ix_checkins_patient_date_scores"
COLUMNS = ["patient_id", "local_date", "mood", "anxiety", "pain"]


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        # CONCURRENTLY: a live clinic keeps writing check-ins while the index builds.
        with op.get_context().autocommit_block():
            op.create_index(NAME, "checkins", COLUMNS, postgresql_concurrently=True)
    else:
        op.create_index(NAME, "checkins", COLUMNS)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        with op.get_context().autocommit_block():
            op.drop_index(NAME, table_name="checkins", postgresql_concurrently=True)
    else:
        op.drop_index(NAME, table_name="checkins")
