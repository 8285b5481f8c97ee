"""Foundation: units, persons, projects and the append-only audit log.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SCHEMA_VERSION = 1


def upgrade() -> None:
    op.create_table(
        "unit",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("name", sa.String, nullable=False),
        sa.Column("kind", sa.String, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_unit"),
        sa.UniqueConstraint("name", name="uq_unit_name"),
    )
    op.create_table(
        "unit_alias",
        sa.Column("alias", sa.String, nullable=False),
        sa.Column("unit_id", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("alias", name="pk_unit_alias"),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name="fk_unit_alias_unit_id_unit"),
    )
    op.create_index("ix_unit_alias_unit_id", "unit_alias", ["unit_id"])
    op.create_table(
        "person",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("name", sa.String, nullable=False),
        sa.Column("unit_id", sa.Integer, nullable=False),
        sa.Column("role", sa.String, nullable=False),
        sa.Column("since", sa.Date),
        sa.Column("until", sa.Date),
        sa.PrimaryKeyConstraint("id", name="pk_person"),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name="fk_person_unit_id_unit"),
    )
    op.create_index("ix_person_name", "person", ["name"])
    op.create_index("ix_person_unit_id", "person", ["unit_id"])
    op.create_table(
        "project",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("code", sa.String, nullable=False),
        sa.Column("name", sa.String, nullable=False),
        sa.Column("unit_id", sa.Integer, nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("investor", sa.String),
        sa.Column("industry", sa.String),
        sa.Column("channel", sa.String),
        sa.Column("origin", sa.String),
        sa.Column("leader_id", sa.Integer),
        sa.Column("handler_id", sa.Integer),
        sa.Column("signed_on", sa.Date),
        sa.Column("started_on", sa.Date),
        sa.Column("included_on", sa.Date),
        sa.Column("completed_on", sa.Date),
        sa.Column("producing_on", sa.Date),
        sa.Column("status", sa.String, nullable=False, server_default="active"),
        sa.Column("status_reason", sa.String),
        sa.Column("terminated_on", sa.Date),
        sa.Column("note", sa.String),
        sa.PrimaryKeyConstraint("id", name="pk_project"),
        sa.UniqueConstraint("code", name="uq_project_code"),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name="fk_project_unit_id_unit"),
        sa.ForeignKeyConstraint(["leader_id"], ["person.id"], name="fk_project_leader_id_person"),
        sa.ForeignKeyConstraint(["handler_id"], ["person.id"], name="fk_project_handler_id_person"),
    )
    op.create_index("ix_project_unit_id", "project", ["unit_id"])
    op.create_index("ix_project_signed_on", "project", ["signed_on"])
    op.create_index("ix_project_started_on", "project", ["started_on"])
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("at", sa.String, nullable=False),
        sa.Column("actor", sa.String, nullable=False),
        sa.Column("action", sa.String, nullable=False),
        sa.Column("subject", sa.String),
        sa.Column("changes", sa.String, nullable=False),
        sa.Column("prev_hash", sa.String, nullable=False),
        sa.Column("hash", sa.String, nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_subject", "audit_log", ["subject"])
    # The log is append-only: the program never updates or deletes an entry.
    op.execute(
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, '审计日志只能追加，不能修改'); END"
    )
    op.execute(
        "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, '审计日志只能追加，不能删除'); END"
    )
    op.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def downgrade() -> None:
    op.execute("DROP TRIGGER audit_log_no_delete")
    op.execute("DROP TRIGGER audit_log_no_update")
    for table in ("audit_log", "project", "person", "unit_alias", "unit"):
        op.drop_table(table)
    op.execute("PRAGMA user_version = 0")
