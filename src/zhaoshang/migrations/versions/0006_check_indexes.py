"""Indexes for the nightly check on a city's ledger: the open problems and requests (ZS405,
ZS406) are found in an index that holds every column the rules read (a register of 200,000 of
each was read row by row from the table, and the three searches took half as long again), and a
year's trips (ZS201–ZS203) by their last day (ten years of 200,000 trips were read for one year's).

Revision ID: 0006
Revises: 0005

Each new index of a case starts with the column of the one it replaces, so every search that used
the old one uses the new one; the old ones are dropped, so a write keeps as many indexes to update.
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

SCHEMA_VERSION = 6


def upgrade() -> None:
    op.drop_index("ix_problem_resolved_on", table_name="problem")
    op.create_index("ix_problem_open", "problem", ["resolved_on", "due_on", "raised_on", "unit_id", "project_id"])
    op.drop_index("ix_enterprise_request_resolved_on", table_name="enterprise_request")
    op.create_index(
        "ix_enterprise_request_open", "enterprise_request", ["resolved_on", "due_on", "received_on", "unit_id"]
    )
    op.drop_index("ix_enterprise_request_rated_on", table_name="enterprise_request")
    op.create_index(
        "ix_enterprise_request_unrated", "enterprise_request", ["rated_on", "resolved_on", "received_on", "unit_id"]
    )
    op.create_index("ix_trip_ends", "trip", ["date_to", "date_from"])
    op.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def downgrade() -> None:
    op.drop_index("ix_trip_ends", table_name="trip")
    op.drop_index("ix_enterprise_request_unrated", table_name="enterprise_request")
    op.create_index("ix_enterprise_request_rated_on", "enterprise_request", ["rated_on"])
    op.drop_index("ix_enterprise_request_open", table_name="enterprise_request")
    op.create_index("ix_enterprise_request_resolved_on", "enterprise_request", ["resolved_on"])
    op.drop_index("ix_problem_open", table_name="problem")
    op.create_index("ix_problem_resolved_on", "problem", ["resolved_on"])
    op.execute("PRAGMA user_version = 5")
