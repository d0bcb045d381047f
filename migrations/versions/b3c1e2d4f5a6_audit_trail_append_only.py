"""audit trail append-only: a PostgreSQL trigger refuses UPDATE and DELETE; index for paging

Revision ID: b3c1e2d4f5a6
Revises: 91cf2b5cf102
Create Date: 2026-11-25 10:00:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "b3c1e2d4f5a6"
down_revision = "91cf2b5cf102"
branch_labels = None
depends_on = None

# Statement-level, so even an UPDATE or DELETE that matches no row is refused. TRUNCATE is not
# covered on purpose (the test suite empties tables with it); the application role should not
# own the table nor hold TRUNCATE on it (docs/deployment.md).
APPEND_ONLY = """
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_events_append_only
    BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
"""


def upgrade():
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index("ix_audit_events_clinic_id_id", ["clinic_id", "id"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(APPEND_ONLY)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS audit_events_append_only()")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_events_clinic_id_id")
