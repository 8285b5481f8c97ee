"""Alembic migrations shipped inside the package; `zhaoshang.db` runs them without an alembic.ini."""
