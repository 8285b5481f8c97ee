"""《关于进一步强化招商引资持续推动经济高质量发展的意见》(2024) as data.

Clauses are cited as in the opinion: （二） monthly trip days of leaders, （四） the year's
quotas, （七） headquarters buildings, （十） funds, （十一） trip days of unit heads,
（十二） enterprise requests, （十六） start and inclusion rates, investment, （十七） monthly
meetings and problems, （十八） on-site inspections, （十九） stalled projects.
"""

from __future__ import annotations

SEED_YEAR = 2024

# (name, kind) of every unit the opinion names as 责任单位.
SEED_UNITS: tuple[tuple[str, str], ...] = (
    ("区委办公室", "leadership"),
    ("区人大办公室", "leadership"),
    ("区政府办公室", "leadership"),
    ("区政协办公室", "leadership"),
    ("区投资促进局", "department"),
    ("区发改委", "department"),
    ("区农水局", "department"),
    ("区经信局", "department"),
    ("区科技局", "department"),
    ("区住建局", "department"),
    ("区财政局", "department"),
    ("区委组织部", "department"),
    ("区委督查考核办", "department"),
    ("区营商办", "department"),
    ("区统计局", "department"),
    ("区人社局", "department"),
    ("区纪委监委", "department"),
    ("渠沟镇", "town"),
    ("开发区", "zone"),
    ("相山城投", "enterprise"),
    ("相山工投", "enterprise"),
)

# The opinion writes 区委督察考核办 in （十二）（十六） for the same unit as 区委督查考核办.
UNIT_ALIASES: dict[str, str] = {"区委督察考核办": "区委督查考核办"}

# metric -> (Chinese label, what its value is). Values are stored as exact decimal text.
# "count" and "days" are whole numbers, "rate" a fraction (0.75), "percent" and "points"
# a number of percent / percentage points, "amount" 万元.
METRICS: dict[str, tuple[str, str]] = {
    "ZS101": ("签约亿元以上项目（个）", "count"),
    "ZS102": ("新开工亿元以上项目（个）", "count"),
    "ZS103": ("签约50亿元以上项目（个）", "count"),
    "ZS104": ("签约项目开工率", "rate"),
    "ZS105": ("开工项目纳统率", "rate"),
    "ZS201": ("四大班子主要负责同志每月外出招商天数", "days"),
    "ZS202": ("区政府分管领导每月外出招商天数", "days"),
    "ZS203": ("单位主要负责同志每月外出招商天数", "days"),
    "ZS301": ("培育规上工业企业（家）", "count"),
    "ZS302": ("规上制造业增加值增长（%）", "percent"),
    "ZS303": ("规上工业总产值（万元）", "amount"),
    "ZS304": ("拉动制造业投资增长（个百分点）", "points"),
    "ZS305.guidance": ("组建产业引导基金（支）", "count"),
    "ZS305.angel": ("组建天使基金（支）", "count"),
    "ZS306.buildings": ("每个镇街总部经济楼宇（栋）", "count"),
    "ZS306.revenue": ("总部经济楼宇营业收入（万元）", "amount"),
    "ZS306.tax": ("总部经济楼宇税收（万元）", "amount"),
    "ZS401.dispatch": ("每月招商引资工作调度会（次）", "count"),
    "ZS401.project": ("每月项目推进会（次）", "count"),
    "ZS402": ("签约项目专人推进比例", "rate"),
    "ZS403.unstarted_days": ("签约后未开工预警天数", "days"),
    "ZS403.unincluded_days": ("开工后未纳统预警天数", "days"),
    "ZS406.unrated_days": ("诉求办结后未评价预警天数", "days"),
    "ZS407.inspection_days": ("开工后现场查看时限（天）", "days"),
}

# Thresholds of the full-cycle rules (design §5.4), added by revision 0004: an upgrade seeds them
# for every year that has targets.
SERVICE_THRESHOLDS: tuple[tuple[str, str], ...] = (
    ("ZS406.unrated_days", "15"),  # （十二） 事后跟踪评价: a resolved request is rated within 15 days
    ("ZS407.inspection_days", "30"),  # （十八） 现场查看: a start is seen on site within 30 days
)

# (metric, value, unit name or None for the district): the 2024 figures of the opinion.
SEED_TARGETS: tuple[tuple[str, str, str | None], ...] = (
    ("ZS101", "117", None),
    ("ZS102", "79", None),
    ("ZS103", "1", None),
    ("ZS104", "0.75", None),
    ("ZS105", "0.80", None),
    ("ZS201", "7", None),  # （二） 不少于一周
    ("ZS202", "14", None),  # （二） 累计不少于两周
    ("ZS203", "5", None),  # （十一） 不少于1批次（5天）
    ("ZS203", "10", "渠沟镇"),  # （十一） 渠沟镇主要负责同志不少于10天
    ("ZS203", "10", "开发区"),  # （十一） 开发区主要负责同志不少于10天
    ("ZS301", "20", None),
    ("ZS302", "10", None),
    ("ZS303", "3300000", None),  # 330亿元 = 3,300,000万元
    ("ZS304", "38.8", None),
    ("ZS305.guidance", "2", None),
    ("ZS305.angel", "1", None),
    ("ZS306.buildings", "1", None),
    ("ZS306.revenue", "10000", None),  # 亿元以上
    ("ZS306.tax", "1000", None),  # 千万元以上
    ("ZS401.dispatch", "1", None),
    ("ZS401.project", "1", None),
    ("ZS402", "1", None),
    ("ZS403.unstarted_days", "180", None),
    ("ZS403.unincluded_days", "90", None),
    *((metric, value, None) for metric, value in SERVICE_THRESHOLDS),
)
