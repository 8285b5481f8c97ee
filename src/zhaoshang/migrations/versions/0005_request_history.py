"""Enterprise requests keep their history: every step (received, assigned, resolved, rated) as a
dated event, so that a request is judged at any day D as it stood on D.

Revision ID: 0005
Revises: 0004

The table only: the events of the requests a ledger already holds (from the audit entries that
wrote their rows, else from the row itself) are written after the migration by
`seeding.after_upgrade`, through the audit Writer, so that the upgrade's entry explains them.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

SCHEMA_VERSION = 5


def upgrade() -> None:
    op.create_table(
        "request_event",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("request_id", sa.Integer, nullable=False),
        sa.Column("kind", sa.String, nullable=False),
        sa.Column("happened_on", sa.Date, nullable=False),
        sa.Column("unit_id", sa.Integer),
        sa.Column("due_on", sa.Date),
        sa.Column("rating", sa.String),
        sa.Column("note", sa.String),
        sa.PrimaryKeyConstraint("id", name="pk_request_event"),
        sa.ForeignKeyConstraint(
            ["request_id"], ["enterprise_request.id"], name="fk_request_event_request_id_enterprise_request"
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name="fk_request_event_unit_id_unit"),
    )
    op.create_index("ix_request_event_request_id_happened_on", "request_event", ["request_id", "happened_on"])
    op.create_index("ix_request_event_happened_on", "request_event", ["happened_on"])
    op.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def downgrade() -> None:
    op.drop_table("request_event")
    op.execute("PRAGMA user_version = 4")
