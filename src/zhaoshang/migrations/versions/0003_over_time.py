"""People and projects over time: posts, dated status events, distinct pairs, retired projects;
an index on the investor key ZS404 compares.

Revision ID: 0003
Revises: 0002

The tables only: the rows an existing ledger needs in them (each person's record as their first
post, its stalls and terminations as dated events) are written after the migration by
`seeding.after_upgrade`, through the audit Writer, so that the upgrade's audit entry explains them.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SCHEMA_VERSION = 3


def upgrade() -> None:
    op.create_table(
        "person_post",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("person_id", sa.Integer, nullable=False),
        sa.Column("unit_id", sa.Integer, nullable=False),
        sa.Column("role", sa.String, nullable=False),
        sa.Column("since", sa.Date),
        sa.Column("until", sa.Date),
        sa.PrimaryKeyConstraint("id", name="pk_person_post"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name="fk_person_post_person_id_person"),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name="fk_person_post_unit_id_unit"),
    )
    op.create_index("ix_person_post_person_id", "person_post", ["person_id"])
    op.create_index("ix_person_post_unit_id", "person_post", ["unit_id"])
    op.create_table(
        "project_status",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("project_id", sa.Integer, nullable=False),
        sa.Column("status", sa.String, nullable=False),
        sa.Column("since", sa.Date, nullable=False),
        sa.Column("reason", sa.String),
        sa.PrimaryKeyConstraint("id", name="pk_project_status"),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], name="fk_project_status_project_id_project"),
    )
    op.create_index("ix_project_status_project_id_since", "project_status", ["project_id", "since"])
    op.create_table(
        "project_distinct",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("first_id", sa.Integer, nullable=False),
        sa.Column("second_id", sa.Integer, nullable=False),
        sa.Column("reason", sa.String, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_project_distinct"),
        sa.ForeignKeyConstraint(["first_id"], ["project.id"], name="fk_project_distinct_first_id_project"),
        sa.ForeignKeyConstraint(["second_id"], ["project.id"], name="fk_project_distinct_second_id_project"),
        sa.UniqueConstraint("first_id", "second_id", name="uq_project_distinct_first_id_second_id"),
    )
    op.create_index("ix_project_distinct_first_id", "project_distinct", ["first_id"])
    op.create_index("ix_project_distinct_second_id", "project_distinct", ["second_id"])
    op.create_table(
        "retired_project",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("code", sa.String, nullable=False),
        sa.Column("name", sa.String, nullable=False),
        sa.Column("reason", sa.String, nullable=False),
        sa.Column("merged_into", sa.String),
        sa.PrimaryKeyConstraint("id", name="pk_retired_project"),
    )
    op.create_index("ix_retired_project_code", "retired_project", ["code"])
    # ZS404 looks for the year's investors among all projects by this key (case and spaces ignored).
    op.execute("CREATE INDEX ix_project_investor_key ON project (replace(replace(lower(investor), ' ', ''), '　', ''))")
    op.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def downgrade() -> None:
    op.execute("DROP INDEX ix_project_investor_key")
    for table in ("retired_project", "project_distinct", "project_status", "person_post"):
        op.drop_table(table)
    op.execute("PRAGMA user_version = 2")
