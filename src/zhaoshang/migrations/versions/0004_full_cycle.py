"""The full cycle of service: monthly investment, problems, enterprise requests, on-site
inspections; a project's lead date.

Revision ID: 0004
Revises: 0003

The tables and the column only: the lead date of the projects a ledger already holds (the day of
the audit entry that entered each) and the thresholds of ZS406 and ZS407 are written after the
migration by `seeding.after_upgrade`, through the audit Writer, so that the upgrade's entry explains them.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

SCHEMA_VERSION = 4


def upgrade() -> None:
    with op.batch_alter_table("project") as batch:
        batch.add_column(sa.Column("lead_on", sa.Date))
    op.create_table(
        "investment",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("project_id", sa.Integer, nullable=False),
        sa.Column("month", sa.String, nullable=False),
        sa.Column("invested", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_investment"),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], name="fk_investment_project_id_project"),
        sa.UniqueConstraint("project_id", "month", name="uq_investment_project_id_month"),
    )
    op.create_index("ix_investment_month", "investment", ["month"])
    op.create_table(
        "problem",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("project_id", sa.Integer, nullable=False),
        sa.Column("unit_id", sa.Integer, nullable=False),
        sa.Column("text", sa.String, nullable=False),
        sa.Column("raised_on", sa.Date, nullable=False),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("resolved_on", sa.Date),
        sa.Column("note", sa.String),
        sa.PrimaryKeyConstraint("id", name="pk_problem"),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], name="fk_problem_project_id_project"),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name="fk_problem_unit_id_unit"),
    )
    op.create_index("ix_problem_project_id", "problem", ["project_id"])
    op.create_index("ix_problem_unit_id", "problem", ["unit_id"])
    op.create_index("ix_problem_resolved_on", "problem", ["resolved_on"])
    op.create_table(
        "enterprise_request",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("enterprise", sa.String, nullable=False),
        sa.Column("text", sa.String, nullable=False),
        sa.Column("unit_id", sa.Integer, nullable=False),
        sa.Column("received_on", sa.Date, nullable=False),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("resolved_on", sa.Date),
        sa.Column("note", sa.String),
        sa.Column("rating", sa.String),
        sa.Column("rated_on", sa.Date),
        sa.Column("reopened", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_enterprise_request"),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name="fk_enterprise_request_unit_id_unit"),
    )
    op.create_index("ix_enterprise_request_unit_id", "enterprise_request", ["unit_id"])
    op.create_index("ix_enterprise_request_resolved_on", "enterprise_request", ["resolved_on"])
    op.create_index("ix_enterprise_request_rated_on", "enterprise_request", ["rated_on"])
    op.create_table(
        "inspection",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("project_id", sa.Integer, nullable=False),
        sa.Column("inspected_on", sa.Date, nullable=False),
        sa.Column("inspectors", sa.String, nullable=False),
        sa.Column("result", sa.String, nullable=False),
        sa.Column("note", sa.String),
        sa.PrimaryKeyConstraint("id", name="pk_inspection"),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], name="fk_inspection_project_id_project"),
    )
    op.create_index("ix_inspection_project_id_inspected_on", "inspection", ["project_id", "inspected_on"])
    op.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def downgrade() -> None:
    for table in ("inspection", "enterprise_request", "problem", "investment"):
        op.drop_table(table)
    with op.batch_alter_table("project") as batch:
        batch.drop_column("lead_on")
    op.execute("PRAGMA user_version = 3")
