"""What the quota rules read: trips, targets, indicators, funds, buildings, meetings.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SCHEMA_VERSION = 2


def upgrade() -> None:
    op.create_table(
        "trip",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("date_from", sa.Date, nullable=False),
        sa.Column("date_to", sa.Date, nullable=False),
        sa.Column("dest", sa.String, nullable=False),
        sa.Column("region", sa.String),
        sa.Column("purpose", sa.String),
        sa.Column("companies", sa.String),
        sa.PrimaryKeyConstraint("id", name="pk_trip"),
    )
    op.create_index("ix_trip_dates", "trip", ["date_from", "date_to"])
    op.create_table(
        "trip_person",
        sa.Column("trip_id", sa.Integer, nullable=False),
        sa.Column("person_id", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("trip_id", "person_id", name="pk_trip_person"),
        sa.ForeignKeyConstraint(["trip_id"], ["trip.id"], name="fk_trip_person_trip_id_trip"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name="fk_trip_person_person_id_person"),
    )
    op.create_index("ix_trip_person_person_id", "trip_person", ["person_id"])
    op.create_table(
        "trip_project",
        sa.Column("trip_id", sa.Integer, nullable=False),
        sa.Column("project_id", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("trip_id", "project_id", name="pk_trip_project"),
        sa.ForeignKeyConstraint(["trip_id"], ["trip.id"], name="fk_trip_project_trip_id_trip"),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], name="fk_trip_project_project_id_project"),
    )
    op.create_index("ix_trip_project_project_id", "trip_project", ["project_id"])
    op.create_table(
        "target",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("metric", sa.String, nullable=False),
        sa.Column("unit_id", sa.Integer),
        sa.Column("value", sa.String, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_target"),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name="fk_target_unit_id_unit"),
    )
    # One value per year, metric and unit; the district's own row has unit_id NULL.
    op.execute("CREATE UNIQUE INDEX uq_target_year_metric_unit ON target (year, metric, ifnull(unit_id, 0))")
    op.create_table(
        "indicator",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("month", sa.String, nullable=False),
        sa.Column("metric", sa.String, nullable=False),
        sa.Column("value", sa.String, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_indicator"),
        sa.UniqueConstraint("month", "metric", name="uq_indicator_month_metric"),
    )
    op.create_table(
        "fund",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("name", sa.String, nullable=False),
        sa.Column("kind", sa.String, nullable=False),
        sa.Column("set_up_on", sa.Date, nullable=False),
        sa.Column("unit_id", sa.Integer),
        sa.Column("amount", sa.BigInteger),
        sa.PrimaryKeyConstraint("id", name="pk_fund"),
        sa.UniqueConstraint("name", name="uq_fund_name"),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name="fk_fund_unit_id_unit"),
    )
    op.create_table(
        "hq_building",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("name", sa.String, nullable=False),
        sa.Column("unit_id", sa.Integer, nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("revenue", sa.BigInteger),
        sa.Column("tax", sa.BigInteger),
        sa.PrimaryKeyConstraint("id", name="pk_hq_building"),
        sa.UniqueConstraint("name", "year", name="uq_hq_building_name_year"),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name="fk_hq_building_unit_id_unit"),
    )
    op.create_index("ix_hq_building_unit_id", "hq_building", ["unit_id"])
    op.create_table(
        "meeting",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("kind", sa.String, nullable=False),
        sa.Column("held_on", sa.Date, nullable=False),
        sa.Column("title", sa.String),
        sa.PrimaryKeyConstraint("id", name="pk_meeting"),
    )
    op.create_index("ix_meeting_held_on", "meeting", ["held_on"])
    # 固投 (fixed-asset investment) as ledgers kept in Excel carry it beside 总投资.
    with op.batch_alter_table("project") as batch:
        batch.add_column(sa.Column("fixed_amount", sa.BigInteger))
    op.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def downgrade() -> None:
    with op.batch_alter_table("project") as batch:
        batch.drop_column("fixed_amount")
    for table in ("meeting", "hq_building", "fund", "indicator", "target", "trip_project", "trip_person", "trip"):
        op.drop_table(table)
    op.execute("PRAGMA user_version = 1")
