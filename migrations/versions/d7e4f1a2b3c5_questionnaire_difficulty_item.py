"""questionnaire_responses.difficulty: the PHQ-9's unscored difficulty follow-up (69722-7)

Nullable: responses stored before it, GAD-7s, and patients who skip it have none.

Revision ID: d7e4f1a2b3c5
Revises: 572dcab9315d
Create Date: 2026-11-24 20:45:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d7e4f1a2b3c5"
down_revision = "572dcab9315d"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("questionnaire_responses") as batch_op:
        batch_op.add_column(sa.Column("difficulty", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("questionnaire_responses") as batch_op:
        batch_op.drop_column("difficulty")
