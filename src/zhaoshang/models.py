"""SQLModel tables of the ledger.

Conventions that keep figures exact and SQL-friendly:
- money is whole 元 (yuan) in an INTEGER column (`amount`, `revenue`, `tax`); the contract's
  万元 is computed on output, so no float ever holds money;
- dates are ISO text (`2024-03-01`), which SQLite compares and groups correctly;
- targets and indicators are exact decimal text (`0.75`, `38.8`).
Schema changes go through `zhaoshang/migrations`; these classes describe the head revision.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Column, Index, MetaData, UniqueConstraint, text
from sqlmodel import Field, SQLModel

# Named constraints so that Alembic's batch mode can find them again on SQLite.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata


class Unit(SQLModel, table=True):
    __tablename__ = "unit"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    kind: str


class UnitAlias(SQLModel, table=True):
    """Another name of a unit (the opinion writes 区委督察考核办 for 区委督查考核办)."""

    __tablename__ = "unit_alias"
    alias: str = Field(primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)


class Person(SQLModel, table=True):
    """One identity. Since revision 0003 its posts are in `person_post`; unit_id, role, since and
    until here repeat its latest post (kept in step by every write), so a listing needs no join."""

    __tablename__ = "person"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    role: str
    since: date | None = None
    until: date | None = None


class Project(SQLModel, table=True):
    __tablename__ = "project"
    __table_args__ = (
        Index("ix_project_signed_on", "signed_on"),
        Index("ix_project_started_on", "started_on"),
        # ZS404's investor key (services.alike.INVESTOR_KEY_EXPRESSION), 0003
        Index("ix_project_investor_key", text("replace(replace(lower(investor), ' ', ''), '　', '')")),
    )
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True)
    name: str
    unit_id: int = Field(foreign_key="unit.id", index=True)
    amount: int = Field(sa_column=Column(BigInteger, nullable=False))  # yuan
    investor: str | None = None
    industry: str | None = None
    channel: str | None = None
    origin: str | None = None
    leader_id: int | None = Field(default=None, foreign_key="person.id")
    handler_id: int | None = Field(default=None, foreign_key="person.id")
    signed_on: date | None = None
    started_on: date | None = None
    included_on: date | None = None
    completed_on: date | None = None
    producing_on: date | None = None
    # The latest of its status events (`project_status`, 0003), repeated here: status and reason
    # of the last event, and the day of a termination (always the last event), so that "live at D"
    # is `terminated_on IS NULL OR terminated_on > D` without a join.
    status: str = "active"  # active | stalled | terminated
    status_reason: str | None = None
    terminated_on: date | None = None
    note: str | None = None
    fixed_amount: int | None = Field(default=None, sa_column=Column(BigInteger))  # yuan, 固投 (0002)
    # 在谈日期 (0004): since when the project is followed — `--lead`, else the day it entered the ledger.
    # A project entered already signed may have a later lead date than its signing (see services.projects).
    lead_on: date | None = None


class AuditEntry(SQLModel, table=True):
    """One write of the ledger; append-only (triggers refuse UPDATE and DELETE), hash-chained."""

    __tablename__ = "audit_log"
    seq: int | None = Field(default=None, primary_key=True)
    at: str
    actor: str
    action: str
    subject: str | None = Field(default=None, index=True)
    changes: str  # canonical JSON: [{"table", "id", "before", "after"}]
    prev_hash: str
    hash: str


# --- revision 0002: what the quota rules read -------------------------------------------


class Trip(SQLModel, table=True):
    """One outbound investment trip (外出招商) of one or more persons, both ends inclusive."""

    __tablename__ = "trip"
    # ix_trip_ends finds the trips of a year by their last day (ZS201–ZS203 count a year's days)
    __table_args__ = (Index("ix_trip_dates", "date_from", "date_to"), Index("ix_trip_ends", "date_to", "date_from"))
    id: int | None = Field(default=None, primary_key=True)
    date_from: date
    date_to: date
    dest: str
    region: str | None = None
    purpose: str | None = None
    companies: str | None = None  # companies visited


class TripPerson(SQLModel, table=True):
    __tablename__ = "trip_person"
    trip_id: int = Field(foreign_key="trip.id", primary_key=True)
    person_id: int = Field(foreign_key="person.id", primary_key=True, index=True)


class TripProject(SQLModel, table=True):
    __tablename__ = "trip_project"
    trip_id: int = Field(foreign_key="trip.id", primary_key=True)
    project_id: int = Field(foreign_key="project.id", primary_key=True, index=True)


class Target(SQLModel, table=True):
    """A quota for a year: district-wide (unit_id NULL) or a unit's own share (任务分解)."""

    __tablename__ = "target"
    __table_args__ = (Index("uq_target_year_metric_unit", "year", "metric", text("ifnull(unit_id, 0)"), unique=True),)
    id: int | None = Field(default=None, primary_key=True)
    year: int
    metric: str
    unit_id: int | None = Field(default=None, foreign_key="unit.id")
    value: str  # exact decimal text


class Indicator(SQLModel, table=True):
    """A year-to-date figure as the statistics bureau publishes it for a month."""

    __tablename__ = "indicator"
    __table_args__ = (UniqueConstraint("month", "metric"),)
    id: int | None = Field(default=None, primary_key=True)
    month: str  # YYYY-MM
    metric: str
    value: str  # exact decimal text; output in 万元


class Fund(SQLModel, table=True):
    """An industry guidance fund or angel fund set up (（十） 基金招商)."""

    __tablename__ = "fund"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    kind: str  # guidance | angel
    set_up_on: date
    unit_id: int | None = Field(default=None, foreign_key="unit.id")
    amount: int | None = Field(default=None, sa_column=Column(BigInteger))  # yuan


class HqBuilding(SQLModel, table=True):
    """A headquarters building of a town or street with its figures for a year (（七）)."""

    __tablename__ = "hq_building"
    __table_args__ = (UniqueConstraint("name", "year"),)
    id: int | None = Field(default=None, primary_key=True)
    name: str
    unit_id: int = Field(foreign_key="unit.id", index=True)
    year: int
    revenue: int | None = Field(default=None, sa_column=Column(BigInteger))  # yuan
    tax: int | None = Field(default=None, sa_column=Column(BigInteger))  # yuan


class Meeting(SQLModel, table=True):
    """A dispatch meeting (调度会) or project meeting (推进会) (（十七）)."""

    __tablename__ = "meeting"
    id: int | None = Field(default=None, primary_key=True)
    kind: str  # dispatch | project
    held_on: date = Field(index=True)
    title: str | None = None


# --- revision 0003: people and projects over time -----------------------------------------


class PersonPost(SQLModel, table=True):
    """A post a person held: unit and role from `since` to `until` (both inclusive; None: open).
    A person's posts do not overlap."""

    __tablename__ = "person_post"
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    role: str
    since: date | None = None
    until: date | None = None


class ProjectStatus(SQLModel, table=True):
    """A dated change of a project's status: stalled (停滞), active again (恢复) or terminated (终止).
    At D a project has the status of its last event dated on or before D, events of one day in the
    order entered (id); before its first event it is active. A termination is always the last event."""

    __tablename__ = "project_status"
    __table_args__ = (Index("ix_project_status_project_id_since", "project_id", "since"),)
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id")
    status: str  # stalled | active | terminated
    since: date
    reason: str | None = None


class ProjectDistinct(SQLModel, table=True):
    """Two projects alike enough for ZS404 that the bureau says are two (`zs project distinct`);
    first_id < second_id."""

    __tablename__ = "project_distinct"
    __table_args__ = (UniqueConstraint("first_id", "second_id"),)
    id: int | None = Field(default=None, primary_key=True)
    first_id: int = Field(foreign_key="project.id", index=True)
    second_id: int = Field(foreign_key="project.id", index=True)
    reason: str


class RetiredProject(SQLModel, table=True):
    """A project that left the ledger: deleted as a mistaken entry, or merged into another
    (`merged_into` its code). Keeps the reason, and lets a lookup of the old code say where it went."""

    __tablename__ = "retired_project"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(index=True)
    name: str
    reason: str
    merged_into: str | None = None  # the code of the project it was folded into


# --- revision 0004: the full cycle of service (项目全周期服务) ---------------------------------


class Investment(SQLModel, table=True):
    """实际完成投资 of a project in a month (（十六）), in whole 元; one row per project and month."""

    __tablename__ = "investment"
    __table_args__ = (UniqueConstraint("project_id", "month"), Index("ix_investment_month", "month"))
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id")
    month: str  # YYYY-MM
    invested: int = Field(sa_column=Column(BigInteger, nullable=False))  # yuan, may be 0


class Problem(SQLModel, table=True):
    """A problem blocking a project (（十七） 协调解决项目推进难题, （十三） 要素保障): whose job it is
    (`unit_id`), raised on a day, due by a day, resolved on a day (None: open)."""

    __tablename__ = "problem"
    # ZS405 reads the open ones, and all it needs of them, from this index (migration 0006)
    __table_args__ = (Index("ix_problem_open", "resolved_on", "due_on", "raised_on", "unit_id", "project_id"),)
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    text: str
    raised_on: date
    due_on: date
    resolved_on: date | None = None
    note: str | None = None


class EnterpriseRequest(SQLModel, table=True):
    """An enterprise's request (企业诉求, （十二） 闭环处理): received, handled by a unit (转办 moves it),
    resolved, rated. Rated 不满意 it is reopened (重办): `reopened` counts the times, `rating` and
    `rated_on` keep the 不满意 until it is resolved again, and `due_on` is the new due date."""

    __tablename__ = "enterprise_request"
    # ZS406 reads the open and the unrated ones, and all it needs of them, from these (migration 0006)
    __table_args__ = (
        Index("ix_enterprise_request_open", "resolved_on", "due_on", "received_on", "unit_id"),
        Index("ix_enterprise_request_unrated", "rated_on", "resolved_on", "received_on", "unit_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    enterprise: str
    text: str
    unit_id: int = Field(foreign_key="unit.id", index=True)
    received_on: date
    due_on: date
    resolved_on: date | None = None
    note: str | None = None
    rating: str | None = None  # satisfied | fair | unsatisfied
    rated_on: date | None = None
    reopened: int = 0


class RequestEvent(SQLModel, table=True):
    """A dated step of an enterprise request: received (受理), assigned (转办: the unit, perhaps a new
    due day), resolved (办结, with what was done) or rated (评价; 不满意 reopens it with a new due day).
    A request's state at D is its events dated on or before D folded in order (the day, then the
    order entered); its `enterprise_request` row is the fold of them all."""

    __tablename__ = "request_event"
    __table_args__ = (Index("ix_request_event_request_id_happened_on", "request_id", "happened_on"),)
    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="enterprise_request.id")
    kind: str  # received | assigned | resolved | rated
    happened_on: date = Field(index=True)  # the requests that changed after a day D
    unit_id: int | None = Field(default=None, foreign_key="unit.id")  # received, assigned
    due_on: date | None = None  # received; assigned with a new due day; rated 不满意 (重办)
    rating: str | None = None  # rated: satisfied | fair | unsatisfied
    note: str | None = None  # resolved: what was done


class Inspection(SQLModel, table=True):
    """An on-site inspection of a started project (（十八） 现场查看): who went, what they found."""

    __tablename__ = "inspection"
    __table_args__ = (Index("ix_inspection_project_id_inspected_on", "project_id", "inspected_on"),)
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id")
    inspected_on: date
    inspectors: str
    result: str  # confirmed 属实 | partly 部分属实 | refuted 不属实
    note: str | None = None
