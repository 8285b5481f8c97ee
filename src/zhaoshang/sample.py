"""A deterministic sample ledger: a believable year 2024 of the district up to 31 October.

    python -m zhaoshang.sample PATH [--seed N] [--until DATE]

Same seed, same content, byte for byte in every table (the audit log included: its
entries are stamped with the simulated day of each event, not the wall clock). Every row
is written through the same services as the commands, so the sample obeys every rule a
clerk's input does, and `zs audit verify` passes on it.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from zhaoshang.errors import ZsError
from zhaoshang.parsing import parse_amount, parse_date

if TYPE_CHECKING:
    from zhaoshang.db import Ledger

SAMPLE_YEAR = 2024
DEFAULT_UNTIL = date(2024, 10, 31)
DEFAULT_SEED = 2024
ACTOR = "投促局-王敏"
LEDGER_START = date(SAMPLE_YEAR, 1, 2)  # the bureau starts its ledger: units and persons are entered
_TZ = timezone(timedelta(hours=8))

STREETS = ("东街街道", "南黎街道", "三堤口街道", "任圩街道", "曲阳街道")
INDUSTRIES = (
    "汽车及零部件",
    "新材料",
    "新能源",
    "高端绿色食品",
    "新型显示",
    "现代物流",
    "科技服务",
    "现代商贸",
    "文化旅游",
    "生物医药",
)
CHANNELS = ("委托招商", "以商招商", "基金招商", "外出招商", "驻点招商", "产业链招商", "其他")
ORIGINS = (
    "江苏南京",
    "上海",
    "浙江杭州",
    "广东深圳",
    "北京",
    "江苏苏州",
    "浙江宁波",
    "山东济南",
    "安徽合肥",
    "广东东莞",
)
REGIONS = ("长三角", "珠三角", "京津冀", "长三角", "长三角", "成渝")
DESTINATIONS = {"长三角": ("上海", "苏州", "杭州", "南京", "宁波"), "珠三角": ("深圳", "广州", "东莞"),
                "京津冀": ("北京", "天津"), "成渝": ("成都", "重庆")}  # fmt: skip
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = ("建国", "志强", "海燕", "伟", "磊", "静", "敏", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "华", "平", "刚",
         "桂英", "文", "辉", "鹏", "红", "波", "宁", "斌", "婷", "雪", "晨", "浩", "颖", "健", "凯")  # fmt: skip
COMPANY_WORDS = ("华鼎", "恒瑞", "中联", "宏远", "瑞丰", "金泰", "天成", "远航", "新宇", "博创", "凯盛", "鑫源", "德润", "卓越", "汇通",
                 "嘉禾", "正泰", "信达", "安捷", "普华", "盛世", "银河", "云帆", "旭日", "同创", "永昌", "东方", "海纳", "众诚", "精工")  # fmt: skip
PRODUCTS = {
    "汽车及零部件": ("汽车轻量化部件", "新能源汽车电驱系统", "汽车线束", "智能座舱"),
    "新材料": ("高性能复合材料", "新型建材", "特种纤维", "电子化学品"),
    "新能源": ("光伏组件", "储能电池", "氢能装备", "风电装备"),
    "高端绿色食品": ("预制菜", "绿色粮油", "功能饮品", "烘焙食品"),
    "新型显示": ("OLED模组", "液晶面板配套", "光学膜", "显示驱动芯片封测"),
    "现代物流": ("冷链物流园", "智慧仓储", "供应链中心", "城市配送中心"),
    "科技服务": ("工业互联网平台", "检验检测中心", "研发中心", "数字产业园"),
    "现代商贸": ("商业综合体", "专业市场", "电商产业园"),
    "文化旅游": ("文旅综合体", "康养度假区", "研学基地"),
    "生物医药": ("医疗器械", "生物制剂", "中药饮片"),
}


@dataclass(order=True)
class Event:
    """One write of the simulated year, applied in date order so the audit log reads like a year."""

    day: date
    order: int
    apply: Callable[[], object] = field(compare=False)


class SampleYear:
    def __init__(self, path: Path, seed: int, until: date):
        self.path = path
        self.random = random.Random(seed)
        self.until = until
        self.events: list[Event] = []
        self.names: set[str] = set()
        self.created: dict[str, date] = {}  # project code -> the day it enters the ledger
        self.since: dict[str, date] = {}  # person (姓名@单位) -> the day they enter the ledger
        self.moves: dict[str, tuple[date, str, str]] = {}  # person -> (day, new role, new unit)
        self.signed_this_year: list[str] = []
        # Stage days and amounts the simulated year gives each project (those by `until`), for the
        # full cycle of service; drawn from a generator of their own so the rest of the year stays as it was.
        self.signed_on: dict[str, date] = {}
        self.started_on: dict[str, date] = {}
        self.amounts: dict[str, int] = {}  # yuan
        self.investors: dict[str, str] = {}
        self.withdrawn: str | None = None
        self.service_random = random.Random(f"{seed}-service")
        self._ledger: Ledger | None = None  # opened by build(); events only run after that

    @property
    def ledger(self) -> Ledger:
        assert self._ledger is not None, "the ledger is opened by build()"
        return self._ledger

    # --- helpers --------------------------------------------------------------------------

    def at(self, day: date, apply: Callable[[], object]) -> None:
        if day <= self.until:
            self.events.append(Event(day, len(self.events), apply))

    def person_name(self) -> str:
        while True:
            name = self.random.choice(SURNAMES) + self.random.choice(GIVEN)
            if name not in self.names:
                self.names.add(name)
                return name

    def day_in(self, first: date, last: date, draw: random.Random | None = None) -> date:
        return first + timedelta(days=(draw or self.random).randrange((last - first).days + 1))

    def stamp(self, day: date) -> Callable[[], datetime]:
        minute = self.random.randrange(8 * 60, 18 * 60)
        return lambda: datetime.combine(day, time(minute // 60, minute % 60), _TZ)

    # --- the year -------------------------------------------------------------------------

    def build(self) -> None:
        from zhaoshang.services.setup import init_ledger

        self._ledger = init_ledger(self.path, ACTOR, SAMPLE_YEAR, clock=self.stamp(LEDGER_START))
        self.units()
        persons = self.persons()
        projects = self.projects(persons)
        self.unit_targets()
        self.trips(persons, projects)
        self.indicators()
        self.funds()
        self.buildings()
        self.meetings()
        self.investment()
        self.inspections(persons)
        self.problems()
        self.requests()
        for event in sorted(self.events):
            self.ledger.clock = self.stamp(event.day)
            event.apply()
        self.ledger.close()
        connection = sqlite3.connect(self.path, isolation_level=None)
        connection.execute("VACUUM")  # a compact file to commit
        connection.close()

    def units(self) -> None:
        from zhaoshang.services.units import add_unit

        for street in STREETS:
            self.at(LEDGER_START, partial(add_unit, self.ledger, ACTOR, street, "street"))

    def persons(self) -> dict[str, list[str]]:
        """Leaders and heads by role; returns qualified names (姓名@单位) by role."""
        from zhaoshang.policy import SEED_UNITS
        from zhaoshang.services.units import add_person

        people: dict[str, list[str]] = {"principal": [], "deputy": [], "head": [], "member": [], "staff": []}

        def hire(unit: str, role: str, since: date | None = None) -> None:
            name = self.person_name()
            people[role].append(f"{name}@{unit}")
            self.since[f"{name}@{unit}"] = since or LEDGER_START
            since_text = since.isoformat() if since else None
            self.at(since or LEDGER_START, lambda: add_person(self.ledger, ACTOR, name, unit, role, since_text))

        for unit in ("区委办公室", "区人大办公室", "区政府办公室", "区政协办公室"):
            hire(unit, "principal")
        for _ in range(6):
            hire("区政府办公室", "deputy")
        heads = [name for name, kind in SEED_UNITS if kind not in ("leadership",)] + list(STREETS)
        for unit in heads:
            # One head took office mid-year: not judged for June, judged from July.
            hire(unit, "head", date(SAMPLE_YEAR, 6, 17) if unit == "区科技局" else None)
        self.promote(people)
        for unit in ("区投资促进局", "区投资促进局", "开发区", "渠沟镇"):
            hire(unit, "member")
        for unit in (
            "区投资促进局",
            "区投资促进局",
            "区投资促进局",
            "开发区",
            "开发区",
            "渠沟镇",
            "东街街道",
            "南黎街道",
        ):
            hire(unit, "staff")
        return people

    def promote(self, people: dict[str, list[str]]) -> None:
        """The head of 区发改委 becomes a deputy district head on 15 July (July is judged against the
        smaller of the two minimums, 5 days; from August 14), and a new head takes over 区发改委."""
        from zhaoshang.services.units import add_person, move_person

        moved_on = date(SAMPLE_YEAR, 7, 15)
        head = next(person for person in people["head"] if person.endswith("@区发改委"))
        self.moves[head] = (moved_on, "deputy", "区政府办公室")
        self.at(
            moved_on,
            partial(move_person, self.ledger, ACTOR, head, "deputy", moved_on.isoformat(), "区政府办公室"),
        )
        successor = self.person_name()
        people["head"].append(f"{successor}@区发改委")
        self.since[f"{successor}@区发改委"] = moved_on
        self.at(
            moved_on,
            partial(add_person, self.ledger, ACTOR, successor, "区发改委", "head", moved_on.isoformat()),
        )

    def project_name(self, industry: str) -> tuple[str, str]:
        company = self.random.choice(COMPANY_WORDS) + self.random.choice(
            ("科技", "集团", "实业", "新能源", "智造", "控股")
        )
        investor = f"{self.random.choice(ORIGINS)[:2]}{company}有限公司"
        return investor, f"{company}{self.random.choice(PRODUCTS[industry])}项目"

    def amount(self) -> str:
        draw = self.random.random()
        if draw < 0.12:
            return f"{self.random.randrange(2000, 9999)}"  # below 1亿: not a major project
        if draw < 0.15:
            return "10000"  # exactly 1亿: counts
        if draw < 0.93:
            return f"{self.random.randrange(10, 80) / 10}亿"
        return f"{self.random.randrange(8, 45)}亿"

    def projects(self, persons: dict[str, list[str]]) -> list[str]:
        from zhaoshang.services.projects import ProjectFields, add_project, advance_project, set_status

        units = (
            ["开发区"] * 5
            + ["渠沟镇"] * 3
            + list(STREETS)
            + ["区投资促进局", "区经信局", "区发改委", "区农水局", "区科技局", "相山城投", "相山工投"]
        )
        leaders = persons["principal"] + persons["deputy"]
        handlers = [p for p in persons["member"] + persons["staff"] + persons["head"] if self.since[p] == LEDGER_START]
        codes: list[str] = []
        stage_days: dict[str, list[date]] = {}
        for number in range(1, 151):
            industry = self.random.choice(INDUSTRIES)
            investor, name = self.project_name(industry)
            code = f"XS2024{number:03d}"
            codes.append(code)
            draw = self.random.random()
            if draw < 0.20:
                signed = None  # still a lead (在谈)
            elif draw < 0.28:
                signed = self.day_in(date(2023, 6, 1), date(2023, 12, 28))  # last year's signing, started this year
            else:
                signed = self.day_in(date(SAMPLE_YEAR, 1, 8), date(SAMPLE_YEAR, 10, 28))
            fields = ProjectFields(
                name=name, unit=self.random.choice(units), amount=self.amount(), code=code, investor=investor,
                industry=industry, channel=self.random.choice(CHANNELS), origin=self.random.choice(ORIGINS),
                leader=self.random.choice(leaders),
                # A few signed projects still lack a handler: ZS402 flags them.
                handler=None if self.random.random() < 0.05 else self.random.choice(handlers),
            )  # fmt: skip
            created = signed or self.day_in(date(SAMPLE_YEAR, 2, 1), date(SAMPLE_YEAR, 10, 20))
            if signed and signed.year < SAMPLE_YEAR:
                fields.signed = signed.isoformat()  # entered as history when the ledger began
                created = date(SAMPLE_YEAR, 1, 5)
            self.created[code] = created
            self.amounts[code] = parse_amount(fields.amount or "0")
            self.investors[code] = investor
            if signed is not None:
                self.signed_on[code] = signed
            if signed is not None and signed.year == SAMPLE_YEAR:
                self.signed_this_year.append(code)
            self.at(created, partial(add_project, self.ledger, ACTOR, fields))
            if signed is None:
                continue
            if signed.year == SAMPLE_YEAR:
                self.at(
                    signed,
                    partial(advance_project, self.ledger, ACTOR, code, "signed", signed.isoformat()),
                )
            stage_day = signed
            for stage, low, high, chance in (
                ("started", 20, 200, 0.82),
                ("included", 15, 120, 0.85),
                ("completed", 90, 300, 0.35),
                ("producing", 10, 60, 0.8),
            ):
                if self.random.random() > chance:
                    break
                stage_day = stage_day + timedelta(days=self.random.randrange(low, high))
                if stage_day <= created:  # signed last year: the ledger learns of its start this year
                    stage_day = created + timedelta(days=self.random.randrange(3, 60))
                self.at(
                    stage_day,
                    partial(advance_project, self.ledger, ACTOR, code, stage, stage_day.isoformat()),
                )
                stage_days.setdefault(code, []).append(stage_day)
                if stage == "started" and stage_day <= self.until:
                    self.started_on[code] = stage_day
            if number % 37 == 0:
                stall_day = stage_day + timedelta(days=30)
                self.at(
                    stall_day,
                    partial(
                        set_status,
                        self.ledger,
                        ACTOR,
                        code,
                        "stalled",
                        "企业资金链紧张，暂缓建设",
                        stall_day.isoformat(),
                    ),
                )
        # One project withdrawn by its investor, and one signed twice under an alike name.
        early = [code for code in codes if self.created[code] < date(SAMPLE_YEAR, 8, 1)]
        withdrawn = early[len(early) // 2]
        self.withdrawn = withdrawn
        self.at(
            date(SAMPLE_YEAR, 9, 12),
            lambda: set_status(self.ledger, ACTOR, withdrawn, "terminated", "投资方战略调整撤资", "2024-09-12"),
        )
        self.twin(next(code for code in self.signed_this_year if code in early and code != withdrawn), codes)
        # A stall that ended: land acquisition held a project up from May to July.
        stalled_on, resumed_on = date(SAMPLE_YEAR, 5, 6), date(SAMPLE_YEAR, 7, 8)
        held_up = next(
            code for code in early
            if code != withdrawn and self.created[code] < stalled_on and code in stage_days
            and not any(stalled_on <= day <= resumed_on for day in stage_days[code])
        )  # fmt: skip
        self.at(
            stalled_on,
            partial(set_status, self.ledger, ACTOR, held_up, "stalled", "土地征收未完成", stalled_on.isoformat()),
        )
        self.at(resumed_on, partial(set_status, self.ledger, ACTOR, held_up, "active", None, resumed_on.isoformat()))
        return codes

    def twin(self, original_code: str, codes: list[str]) -> None:
        """The same project entered again by another unit (（十六） 避免包装项目: ZS404 flags it)."""
        from zhaoshang.services.projects import ProjectFields, add_project, show_project

        def add_twin() -> None:
            original = show_project(self.ledger, original_code)
            fields = ProjectFields(
                name=f"{original['name'].removesuffix('项目')}生产基地项目", unit="渠沟镇", amount=str(original["amount"]),
                code="XS2024151", investor=original["investor"], industry=original["industry"],
                channel=original["channel"], signed="2024-10-15",
            )  # fmt: skip
            add_project(self.ledger, ACTOR, fields)

        self.at(date(SAMPLE_YEAR, 10, 15), add_twin)
        self.created["XS2024151"] = date(SAMPLE_YEAR, 10, 15)
        codes.append("XS2024151")

    def unit_targets(self) -> None:
        """任务分解（（四） 量化细化分工）: the district's 117 and 79 shared among the carriers."""
        from zhaoshang.services.quota_data import set_target

        shares = {"开发区": (40, 28), "渠沟镇": (22, 15), "区投资促进局": (10, 6), "区经信局": (6, 4), "区发改委": (5, 3),
                  "相山城投": (4, 3), "相山工投": (4, 3)} | dict.fromkeys(STREETS, (5, 3))  # fmt: skip
        for unit, (signed, started) in shares.items():
            self.at(
                date(SAMPLE_YEAR, 1, 10),
                partial(set_target, self.ledger, ACTOR, "ZS101", str(signed), SAMPLE_YEAR, unit),
            )
            self.at(
                date(SAMPLE_YEAR, 1, 10),
                partial(set_target, self.ledger, ACTOR, "ZS102", str(started), SAMPLE_YEAR, unit),
            )

    def trips(self, persons: dict[str, list[str]], projects: list[str]) -> None:
        from zhaoshang.services.trips import TripFields, log_trip

        needs = {"principal": 7, "deputy": 14, "head": 5}

        def need_of(role: str, unit: str) -> int:
            return 10 if unit in ("渠沟镇", "开发区") and role == "head" else needs[role]

        for role in needs:
            for person in persons[role]:
                diligence = self.random.random()
                for month in range(1, 11):
                    if self.since[person] > date(SAMPLE_YEAR, month, 1) and self.since[person] != LEDGER_START:
                        continue  # took office mid-year: trips from the next month on
                    need = need_of(role, person.split("@")[1])
                    if person in self.moves:  # the month of a move: the smaller minimum; after it, the new post's
                        moved_on, new_role, new_unit = self.moves[person]
                        if (moved_on.year, moved_on.month) == (SAMPLE_YEAR, month):
                            need = min(need, need_of(new_role, new_unit))
                        elif moved_on < date(SAMPLE_YEAR, month, 1):
                            need = need_of(new_role, new_unit)
                    # Most reach their minimum; the less diligent fall short now and then.
                    short = self.random.random() > 0.75 + 0.25 * diligence
                    days = max(1, need - self.random.randrange(1, 4)) if short else need + self.random.randrange(0, 3)
                    self.month_trips(person, month, days, projects, log_trip, TripFields)

    def month_trips(self, person: str, month: int, days: int, projects: list[str], log_trip, TripFields) -> None:
        """`days` days of trips in a month, in one or two batches."""
        batches = [days] if days <= 7 else [days // 2, days - days // 2]
        start = date(SAMPLE_YEAR, month, 2) + timedelta(days=self.random.randrange(0, 3))
        for length in batches:
            region = self.random.choice(REGIONS)
            first, last = start, start + timedelta(days=length - 1)
            fields = TripFields(
                persons=[person], date_from=first.isoformat(), date_to=last.isoformat(),
                dest=self.random.choice(DESTINATIONS[region]), region=region, purpose="拜访客商、洽谈项目",
                companies="、".join(self.random.sample(COMPANY_WORDS, 2)) + "等企业",
                projects=self.linked_project(projects, first),
            )  # fmt: skip
            self.at(last, partial(log_trip, self.ledger, ACTOR, fields))
            start = last + timedelta(days=self.random.randrange(2, 5))

    def linked_project(self, projects: list[str], day: date) -> list[str] | None:
        """Now and then a trip follows up a project already in the ledger."""
        known = [code for code in projects if self.created[code] < day]
        return [self.random.choice(known)] if known and self.random.random() < 0.3 else None

    def indicators(self) -> None:
        """The statistics bureau's year-to-date figures, published around the 20th of the next month;
        January and February together as 1–2月 (recorded as February)."""
        from zhaoshang.services.quota_data import set_indicator

        output = self.random.randrange(230_000, 290_000)  # January's, published with February's
        for month in range(2, 11):
            output += self.random.randrange(230_000, 290_000)  # 万元 a month: about 330亿 a year is tight
            published = date(SAMPLE_YEAR, month + 1, 20) if month < 12 else date(SAMPLE_YEAR + 1, 1, 20)
            figures = {
                "output": f"{output}万",
                "value_added_growth": f"{self.random.randrange(82, 121) / 10}",
                "new_enterprises": str(min(20, month * 2 - self.random.randrange(0, 2))),
                "investment_pull": f"{self.random.randrange(250, 420) / 10}",
            }
            for metric, value in figures.items():
                month_text = f"{SAMPLE_YEAR}-{month:02d}"
                self.at(
                    published,
                    partial(set_indicator, self.ledger, ACTOR, metric, value, month_text),
                )

    def funds(self) -> None:
        from zhaoshang.services.quota_data import add_fund

        self.at(
            date(SAMPLE_YEAR, 5, 20),
            lambda: add_fund(
                self.ledger, ACTOR, "相山区新能源汽车产业引导基金", "guidance", "2024-05-20", "相山城投", "5亿"
            ),
        )
        self.at(
            date(SAMPLE_YEAR, 9, 3),
            lambda: add_fund(self.ledger, ACTOR, "相山区科创天使基金", "angel", "2024-09-03", "相山工投", "1亿"),
        )

    def buildings(self) -> None:
        from zhaoshang.services.quota_data import set_building

        for unit in ("渠沟镇", *STREETS):
            if unit == "曲阳街道":
                continue  # no headquarters building yet
            revenue = f"{self.random.randrange(6000, 18000)}万"
            tax = f"{self.random.randrange(600, 1600)}万"
            name = f"{unit.removesuffix('街道').removesuffix('镇')}总部经济大厦"
            self.at(
                date(SAMPLE_YEAR, 10, 8),
                partial(set_building, self.ledger, ACTOR, name, unit, SAMPLE_YEAR, revenue, tax),
            )

    def meetings(self) -> None:
        from zhaoshang.services.quota_data import add_meeting

        for month in range(1, 11):
            dispatch = date(SAMPLE_YEAR, month, 5 + self.random.randrange(0, 5))
            self.at(
                dispatch,
                partial(
                    add_meeting, self.ledger, ACTOR, "dispatch", dispatch.isoformat(), f"{month}月招商引资工作调度会"
                ),
            )
            if month == 8:
                continue  # August's project meeting was not held: ZS401 flags it
            project_day = date(SAMPLE_YEAR, month, 18 + self.random.randrange(0, 8))
            self.at(
                project_day,
                partial(add_meeting, self.ledger, ACTOR, "project", project_day.isoformat(), f"{month}月项目推进会"),
            )

    # --- the full cycle of service (design §5.4) ------------------------------------------------

    def live_on(self, code: str, day: date) -> bool:
        """Not yet withdrawn on that day (the one termination of the year)."""
        return not (code == self.withdrawn and day >= date(SAMPLE_YEAR, 9, 12))

    def investment(self) -> None:
        """实际完成投资, reported by the units near each month's end, from the month of the start: a few
        per cent of the total a month, the month of the start a little less."""
        from zhaoshang.services.investment import set_investment

        draw = self.service_random
        for code, started in sorted(self.started_on.items()):
            first = max(started, date(SAMPLE_YEAR, 1, 1))
            for month in range(first.month, self.until.month + 1):
                day = date(SAMPLE_YEAR, month, draw.randrange(25, 29))
                if day > self.until or not self.live_on(code, day) or draw.random() < 0.08:
                    continue  # a month not reported: the unit forgot, or nothing was built
                share = draw.uniform(0.01, 0.03) if month == first.month else draw.uniform(0.02, 0.07)
                wan = max(10, round(self.amounts[code] * share / 100_000) * 10)  # to 10万元
                self.at(day, partial(set_investment, self.ledger, ACTOR, code, f"{SAMPLE_YEAR}-{month:02d}", str(wan)))

    def inspections(self, persons: dict[str, list[str]]) -> None:
        """现场查看 of the year's starts: most within the 30 days, a few late or never (ZS407 flags them);
        two claimed starts were not real (不属实), and a few were partly so."""
        from zhaoshang.services.inspections import inspect_project

        draw = self.service_random
        bureau = [person.split("@")[0] for person in persons["member"] + persons["staff"] if "区投资促进局" in person]
        starts = sorted((code, day) for code, day in self.started_on.items() if day.year == SAMPLE_YEAR)
        refuted = {starts[len(starts) // 3][0], starts[2 * len(starts) // 3][0]}
        for code, started in starts:
            chance = draw.random()
            if chance < 0.06 and code not in refuted:
                continue  # never seen on site
            late = chance < 0.12 and code not in refuted
            day = started + timedelta(days=draw.randrange(35, 60) if late else draw.randrange(3, 28))
            result, note = "属实", "已进场施工"
            if code in refuted:
                result, note = "不属实", "现场未见施工，仅平整场地"
            elif draw.random() < 0.06:
                result, note = "部分属实", "仅临时设施开工，主体未动工"
            by = f"{draw.choice(bureau)}、区住建局工作人员"
            if day <= self.until and self.live_on(code, day):
                self.at(day, partial(inspect_project, self.ledger, ACTOR, code, day.isoformat(), by, result, note))

    def problems(self) -> None:
        """Problems that block projects (（十七）（十三）), each given to the unit that can solve it;
        most solved, some late, some still open on the last day."""
        from zhaoshang.services.casework import add_problem, resolve_problem

        draw = self.service_random
        kinds = (
            ("土地指标未落实，影响供地", "区发改委"), ("电力增容方案未批复", "区发改委"),
            ("施工许可手续办理缓慢", "区住建局"), ("环评审批未完成", "区发改委"), ("配套道路未建成", "区住建局"),
            ("项目融资未到位", "区财政局"), ("技术工人招聘困难", "区人社局"), ("供水供气管网未接通", "区农水局"),
            ("并联审批材料反复补正", "区营商办"),
        )  # fmt: skip
        signed = sorted(
            code for code, day in self.signed_on.items() if code in self.started_on or day.year == SAMPLE_YEAR
        )
        ids: dict[int, int] = {}
        for number, code in enumerate(draw.sample(signed, min(36, len(signed)))):
            since = max(self.signed_on[code], self.created[code]) + timedelta(days=draw.randrange(10, 40))
            if since > self.until - timedelta(days=5) or not self.live_on(code, since):
                continue
            text, unit = draw.choice(kinds)
            due = since + timedelta(days=draw.randrange(20, 60))
            self.at(
                since,
                partial(self.new_case, ids, number, add_problem, code, text, unit, due.isoformat(), since.isoformat()),
            )
            if draw.random() < 0.72:
                solved = since + timedelta(days=draw.randrange(8, 80))
                note = draw.choice(("已协调解决", "经区调度会协调解决", "包保领导现场办公解决"))
                if self.live_on(code, solved):
                    self.at(solved, partial(self.case_step, ids, number, resolve_problem, solved.isoformat(), note))

    def new_case(self, ids: dict[int, int], number: int, add: Callable[..., dict], *args: object) -> None:
        """Add a problem or request, keeping its id for the steps that follow."""
        ids[number] = add(self.ledger, ACTOR, *args)["id"]

    def case_step(self, ids: dict[int, int], number: int, step: Callable[..., object], *args: object) -> None:
        """A later step of a problem or request added by `new_case`."""
        step(self.ledger, ACTOR, str(ids[number]), *args)

    def requests(self) -> None:
        """企业诉求 (（十二）): received, now and then handed to another unit (转办), resolved, rated;
        a few rated 不满意 and redone (重办), a few left unrated."""
        from zhaoshang.services.casework import add_request, assign_request, rate_request, resolve_request

        draw = self.service_random
        topics = (
            ("申请兑现招商引资奖励政策", "区财政局"), ("员工子女入学", "区委组织部"), ("人才公寓申请", "区人社局"),
            ("厂区周边道路破损", "区住建局"), ("申请融资对接", "区财政局"), ("用电报装", "区发改委"),
            ("证照办理咨询", "区营商办"), ("物流通道限行", "区住建局"), ("申请技改补助", "区经信局"),
        )  # fmt: skip
        enterprises = sorted(set(self.investors.values()))
        ids: dict[int, int] = {}
        for number in range(32):
            received = self.day_in(date(SAMPLE_YEAR, 2, 1), self.until - timedelta(days=3), draw)
            topic, unit = draw.choice(topics)
            enterprise = draw.choice(enterprises)
            due = received + timedelta(days=draw.randrange(15, 31))

            self.at(
                received,
                partial(
                    self.new_case,
                    ids,
                    number,
                    add_request,
                    enterprise,
                    topic,
                    unit,
                    due.isoformat(),
                    received.isoformat(),
                ),
            )
            day = received
            if draw.random() < 0.15:  # not this unit's to do: 转办
                day += timedelta(days=draw.randrange(1, 4))
                other = draw.choice([name for _, name in topics if name != unit])
                self.at(day, partial(self.case_step, ids, number, assign_request, other))
            for round_number in range(2):
                if draw.random() > 0.85 and day > self.until - timedelta(days=60):
                    break  # still being handled (a few old ones are long overdue: ZS406)
                day += timedelta(days=draw.randrange(5, 35))
                self.at(
                    day,
                    partial(self.case_step, ids, number, resolve_request, day.isoformat(), "已按政策办理并答复企业"),
                )
                if draw.random() < 0.12 or (draw.random() < 0.5 and day > self.until - timedelta(days=10)):
                    break  # the enterprise has not rated it yet
                day += timedelta(days=draw.randrange(2, 14))
                rating = (
                    "不满意"
                    if round_number == 0 and draw.random() < 0.12
                    else draw.choice(("满意",) * 4 + ("基本满意",))
                )
                redo = (day + timedelta(days=15)).isoformat() if rating == "不满意" else None
                self.at(day, partial(self.case_step, ids, number, rate_request, rating, redo, day.isoformat()))
                if rating != "不满意":
                    break


def generate(path: str | Path, seed: int = DEFAULT_SEED, until: date = DEFAULT_UNTIL) -> Path:
    """Write the sample ledger to a new file `path`."""
    path = Path(path)
    SampleYear(path, seed, until).build()
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m zhaoshang.sample", description="生成样例账本（2024年，确定性）")
    parser.add_argument("path", help="新账本文件路径（不能已存在）")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="随机种子；同一种子生成相同内容")
    parser.add_argument("--until", default=DEFAULT_UNTIL.isoformat(), help="模拟到哪一天（含）")
    args = parser.parse_args(argv)
    try:
        until = parse_date(args.until, "截止日期（--until）")
        generate(args.path, args.seed, until)
    except ZsError as error:
        print(f"错误：{error.message}", file=sys.stderr)
        if error.hint:
            print(f"提示：{error.hint}", file=sys.stderr)
        return 2
    print(f"已生成样例账本：{args.path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
