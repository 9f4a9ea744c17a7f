"""The five stars and the indicator catalog, kept as data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Direction = Literal["up", "down", "bool"]
PeriodKind = Literal["flow", "ytd", "stock"]


@dataclass(frozen=True)
class Star:
    """One of the five stars: stable id, Chinese name, short name and fixed colour."""

    id: str
    label: str
    short: str
    color: str


# Order and colours are fixed: every chart, table and deck uses them.
STARS: tuple[Star, ...] = (
    Star("branch", "支部过硬星", "支部过硬", "#C0392B"),
    Star("industry", "产业兴旺星", "产业兴旺", "#E67E22"),
    Star("ecology", "生态宜居星", "生态宜居", "#27AE60"),
    Star("safety", "平安法治星", "平安法治", "#2E86C1"),
    Star("civility", "文明幸福星", "文明幸福", "#8E44AD"),
)
STAR_IDS: tuple[str, ...] = tuple(s.id for s in STARS)
STAR_BY_ID: dict[str, Star] = {s.id: s for s in STARS}
STAR_COLORS: dict[str, str] = {s.id: s.color for s in STARS}
LEVEL_LABELS: tuple[str, ...] = ("无星", "一星", "二星", "三星", "四星", "五星")


@dataclass(frozen=True)
class Indicator:
    """A measured quantity: where it belongs, how it is written and how it adds up over time."""

    id: str
    star: str
    label: str
    unit: str
    kind: PeriodKind
    direction: Direction = "up"
    aliases: tuple[str, ...] = ()
    #: Other units a header may carry, with the factor that converts to `unit`.
    unit_factors: dict[str, float] = field(default_factory=dict)
    #: Percentages and yes/no values are not summed over villages but averaged.
    is_rate: bool = False
    #: Whether "per household" is a meaningful view of this indicator.
    per_household: bool = False
    #: Band edges for colouring bars, in `unit`.
    bands: tuple[float, ...] = ()

    @property
    def max_value(self) -> float | None:
        """Upper bound of a valid value (rates cannot exceed 100 %), or None."""
        if self.unit == "%":
            return 100.0
        if self.direction == "bool":
            return 1.0
        return None

    @property
    def display(self) -> str:
        """Label with unit, as used in headers and axis titles."""
        return f"{self.label}（{self.unit}）"


COLLECTIVE_INCOME = "collective_income"
MUSHROOM_OUTPUT = "mushroom_output"
TOILET_UPGRADES = "toilet_upgrades"
VOLUNTEER_ACTIVITIES = "volunteer_activities"
VOLUNTEERS = "volunteers"

#: The four indicators the overview headlines, in display order.
HEADLINE_INDICATORS: tuple[str, ...] = (
    COLLECTIVE_INCOME,
    TOILET_UPGRADES,
    VOLUNTEER_ACTIVITIES,
    MUSHROOM_OUTPUT,
)

_YUAN = {"元": 1 / 10000, "千元": 1 / 10, "万元": 1.0, "亿元": 10000.0}
_TON = {"吨": 1.0, "公斤": 1 / 1000, "千克": 1 / 1000, "kg": 1 / 1000, "斤": 1 / 2000}

INDICATORS: tuple[Indicator, ...] = (
    # 支部过硬星
    Indicator(
        "party_meetings",
        "branch",
        "三会一课及主题党日",
        "次",
        "flow",
        aliases=("三会一课", "主题党日", "党内组织生活", "组织生活会次数", "三会一课开展次数"),
    ),
    Indicator(
        "young_member_share",
        "branch",
        "35岁以下党员占比",
        "%",
        "stock",
        is_rate=True,
        aliases=("青年党员占比", "35岁以下党员比例"),
    ),
    Indicator(
        "reserve_cadres",
        "branch",
        "村级后备干部",
        "人",
        "stock",
        aliases=("后备干部", "后备干部人数"),
    ),
    Indicator(
        "household_link_rate",
        "branch",
        "党员联户覆盖率",
        "%",
        "stock",
        is_rate=True,
        aliases=("党员联户率", "联户覆盖率"),
    ),
    Indicator(
        "service_items",
        "branch",
        "党群服务事项",
        "项",
        "stock",
        aliases=("服务事项", "党群服务中心服务事项"),
    ),
    Indicator(
        "mass_satisfaction",
        "branch",
        "群众满意度",
        "%",
        "stock",
        is_rate=True,
        aliases=("满意度", "群众满意率"),
    ),
    # 产业兴旺星
    Indicator(
        COLLECTIVE_INCOME,
        "industry",
        "村集体经济收入",
        "万元",
        "ytd",
        aliases=("集体经济收入", "集体收入", "村集体收入", "村集体经济"),
        unit_factors=_YUAN,
        per_household=True,
        bands=(5.0, 10.0, 20.0),
    ),
    Indicator(
        "operating_income",
        "industry",
        "经营性收入",
        "万元",
        "ytd",
        aliases=("其中经营性收入", "集体经营性收入", "经营收入"),
        unit_factors=_YUAN,
        per_household=True,
    ),
    Indicator(
        MUSHROOM_OUTPUT,
        "industry",
        "食用菌产量",
        "吨",
        "flow",
        aliases=("茶树菇产量", "菌菇产量", "食用菌"),
        unit_factors=_TON,
    ),
    Indicator(
        "mushroom_greenhouses",
        "industry",
        "食用菌大棚",
        "座",
        "stock",
        aliases=("菌菇大棚", "大棚数量", "食用菌大棚数"),
    ),
    Indicator(
        "land_transferred",
        "industry",
        "土地流转面积",
        "亩",
        "stock",
        aliases=("土地流转", "流转托管面积", "土地托管面积"),
    ),
    Indicator(
        "households_lifted",
        "industry",
        "带动脱贫户",
        "户",
        "stock",
        aliases=("带动脱贫户数", "联农带农户数"),
        per_household=True,
    ),
    Indicator(
        "jobs_created", "industry", "带动就业", "人", "ytd", aliases=("安置就业", "带动就业人数")
    ),
    # 生态宜居星
    Indicator(
        TOILET_UPGRADES,
        "ecology",
        "卫生厕所改造",
        "户",
        "stock",
        aliases=("改厕", "厕所改造", "改厕户数", "卫生厕所改造户数"),
        per_household=True,
    ),
    Indicator(
        "alleys_paved",
        "ecology",
        "硬化胡同",
        "米",
        "stock",
        aliases=("胡同硬化", "道路硬化", "硬化道路"),
    ),
    Indicator(
        "waste_cleared",
        "ecology",
        "清理垃圾",
        "立方米",
        "flow",
        aliases=("垃圾清理", "清运垃圾", "垃圾清运量"),
    ),
    Indicator("trees_planted", "ecology", "植树", "棵", "flow", aliases=("植树数量", "新植树木")),
    Indicator("green_area", "ecology", "绿化面积", "平方米", "stock", aliases=("绿化",)),
    Indicator(
        "env_issues_open",
        "ecology",
        "人居环境未整改问题",
        "个",
        "stock",
        direction="down",
        aliases=("未整改问题", "督查未整改问题"),
    ),
    # 平安法治星
    Indicator(
        "disputes_resolved",
        "safety",
        "矛盾纠纷化解",
        "起",
        "flow",
        aliases=("调处矛盾纠纷", "化解矛盾纠纷", "纠纷化解"),
    ),
    Indicator(
        "dispute_resolution_rate",
        "safety",
        "矛盾纠纷化解率",
        "%",
        "stock",
        is_rate=True,
        aliases=("纠纷化解率", "调解成功率"),
    ),
    Indicator(
        "criminal_cases",
        "safety",
        "刑事案件",
        "起",
        "flow",
        direction="down",
        aliases=("案件", "刑事案件数"),
    ),
    Indicator(
        "petitions",
        "safety",
        "越级上访",
        "件",
        "flow",
        direction="down",
        aliases=("上访", "信访件", "越级上访件"),
    ),
    Indicator(
        "safety_accidents",
        "safety",
        "安全事故",
        "起",
        "flow",
        direction="down",
        aliases=("事故", "安全事故数"),
    ),
    Indicator(
        "law_outreach", "safety", "普法宣传", "次", "flow", aliases=("普法宣传次数", "法治宣传")
    ),
    # 文明幸福星
    Indicator(
        VOLUNTEERS,
        "civility",
        "注册志愿者",
        "人",
        "stock",
        aliases=("志愿者", "志愿者人数", "注册志愿者人数"),
        per_household=True,
    ),
    Indicator(
        VOLUNTEER_ACTIVITIES,
        "civility",
        "志愿服务活动",
        "次",
        "flow",
        aliases=("志愿活动", "志愿服务", "志愿服务活动次数", "志愿活动次数"),
    ),
    Indicator(
        "model_households",
        "civility",
        "星级文明户",
        "户",
        "stock",
        aliases=("文明家庭", "文明户", "星级文明户数"),
        per_household=True,
    ),
    Indicator(
        "culture_events", "civility", "文化活动", "场", "flow", aliases=("文化活动场次", "文体活动")
    ),
)

INDICATOR_BY_ID: dict[str, Indicator] = {i.id: i for i in INDICATORS}
INDICATOR_IDS: tuple[str, ...] = tuple(i.id for i in INDICATORS)


def indicators_of(star: str) -> tuple[Indicator, ...]:
    """The indicators that belong to one star, in catalog order."""
    return tuple(i for i in INDICATORS if i.star == star)


def indicator(indicator_id: str) -> Indicator:
    """Look an indicator up by id (KeyError names the id)."""
    return INDICATOR_BY_ID[indicator_id]


def star_label(star: str | None) -> str:
    """A star's name (`产业兴旺星`), or 全部五星 for None (every star)."""
    return "全部五星" if star is None else STAR_BY_ID[star].label
