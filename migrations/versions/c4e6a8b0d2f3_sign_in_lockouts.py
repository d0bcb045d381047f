"""sign_in_lockouts: failed sign-ins for emails that have no account, counted like an account's

An unknown email answered 401 forever while a known one locked after 5 wrong passwords and
answered 429, so the answers told who has an account. An unknown email now counts failures and
locks the same way, in this table keyed by a keyed hash of the email (the address is not kept).

Revision ID: c4e6a8b0d2f3
Revises: a7c9e1b3d5f2
Create Date: 2026-11-26 09:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c4e6a8b0d2f3"
down_revision = "a7c9e1b3d5f2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sign_in_lockouts",
        sa.Column("email_digest", sa.String(length=64), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("email_digest", name=op.f("pk_sign_in_lockouts")),
    )


def downgrade():
    op.drop_table("sign_in_lockouts")
