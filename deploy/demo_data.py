"""The demo district as data: towns, communities, grids, staff, residents, households, a partner.

Everything a first `make up` loads through the public API (deploy/seed.py does the
HTTP). The names follow the district in DOMAIN.md; phone numbers sit in the
clearly fake 1380000xxxx range and ID numbers are generated with a valid
GB 11643 check character, so verification accepts them, but belong to nobody.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# One password for every demo account but the district admin (FIRST_ADMIN_PASSWORD).
DEMO_PASSWORD = "Demo@2026"
PARTNER_NAME = "新时代文明实践信息平台"
# Region part of the demo ID numbers: 511702 is Tongchuan District's code in GB/T 2260.
REGION = "511702"

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

StaffRole = Literal["community_admin", "community_staff", "counter_operator"]
Verification = Literal["unverified", "pending", "verified"]


def citizen_id(born: str, sequence: int, region: str = REGION) -> str:
    """An 18-character ID number: region, birth date (YYYYMMDD), sequence, check character.

    The sequence's last digit is odd for men and even for women, as on real cards.
    """
    first17 = f"{region}{born}{sequence:03d}"
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return first17 + _ID_CHECK[total % 11]


@dataclass(frozen=True)
class Unit:
    """An org unit below the root district; `parent` is a unit code, None for the root."""

    kind: Literal["town", "community", "grid"]
    code: str
    name: str
    parent: str | None


@dataclass(frozen=True)
class Staff:
    """A cadre: registered as a resident of the community, then granted a role on it."""

    name: str
    phone: str
    community: str
    role: StaffRole


@dataclass(frozen=True)
class Resident:
    """A resident; `verification` is the state the seed leaves them in."""

    name: str
    phone: str
    community: str
    verification: Verification = "unverified"
    id_number: str | None = None


@dataclass(frozen=True)
class Household:
    """A household at an address; the first member founds it and is its head."""

    community: str
    address: str
    members: tuple[str, ...]  # phones, head first


UNITS: tuple[Unit, ...] = (
    Unit("town", "xicheng", "西城街道", None),
    Unit("community", "xiaobeijie", "小北街社区", "xicheng"),
    Unit("grid", "xiaobeijie-g1", "第一网格", "xiaobeijie"),
    Unit("grid", "xiaobeijie-g2", "第二网格", "xiaobeijie"),
    Unit("grid", "xiaobeijie-g3", "第三网格", "xiaobeijie"),
    Unit("town", "fuxing", "复兴镇", None),
    Unit("community", "fuxing-sq", "复兴社区", "fuxing"),
    Unit("grid", "fuxing-sq-g1", "第一网格", "fuxing-sq"),
    Unit("grid", "fuxing-sq-g2", "第二网格", "fuxing-sq"),
)

STAFF: tuple[Staff, ...] = (
    Staff("王建国", "13800001001", "xiaobeijie", "community_admin"),
    Staff("李秀英", "13800001002", "xiaobeijie", "community_staff"),
    Staff("张丽", "13800001003", "xiaobeijie", "counter_operator"),
    Staff("陈志强", "13800001011", "fuxing-sq", "community_admin"),
    Staff("刘芳", "13800001012", "fuxing-sq", "community_staff"),
    Staff("杨小红", "13800001013", "fuxing-sq", "counter_operator"),
)

RESIDENTS: tuple[Resident, ...] = (
    Resident("赵德明", "13800002001", "xiaobeijie", "verified", citizen_id("19580412", 31)),
    Resident("孙桂兰", "13800002002", "xiaobeijie", "verified", citizen_id("19610903", 42)),
    Resident("赵磊", "13800002003", "xiaobeijie"),
    Resident("周晓燕", "13800002004", "xiaobeijie", "verified", citizen_id("19900615", 64)),
    Resident("吴海涛", "13800002005", "xiaobeijie", "pending", citizen_id("19870228", 75)),
    Resident("郑淑芬", "13800002006", "xiaobeijie"),
    Resident("何永福", "13800002011", "fuxing-sq", "verified", citizen_id("19550707", 113)),
    Resident("罗春梅", "13800002012", "fuxing-sq", "verified", citizen_id("19570318", 124)),
    Resident("何小军", "13800002013", "fuxing-sq", "pending", citizen_id("19831009", 135)),
    Resident("马德胜", "13800002014", "fuxing-sq", "verified", citizen_id("19660125", 147)),
    Resident("黄玉兰", "13800002015", "fuxing-sq"),
    Resident("谢文斌", "13800002016", "fuxing-sq"),
)

HOUSEHOLDS: tuple[Household, ...] = (
    Household("xiaobeijie", "小北街12号2单元301", ("13800002001", "13800002002", "13800002003")),
    Household("xiaobeijie", "小北街8号1单元502", ("13800002004", "13800002005")),
    Household("fuxing-sq", "复兴镇复兴社区三组15号", ("13800002011", "13800002012", "13800002013")),
    Household("fuxing-sq", "复兴镇复兴街42号", ("13800002014", "13800002015")),
)


def communities() -> list[str]:
    """Codes of the demo communities, in the order they are declared."""
    return [unit.code for unit in UNITS if unit.kind == "community"]


def reviewer_of(community: str) -> Staff:
    """The community's staff member who reviews verifications and manages households."""
    return next(s for s in STAFF if s.community == community and s.role == "community_staff")


def _item(code: str, name: str, category: str, points: int, **extra: object) -> dict[str, object]:
    return {"code": code, "name": name, "category": category, "points": points, **extra}


COMMON_ITEMS: tuple[dict[str, object], ...] = (
    _item("WELCOME", "注册善治平台", "参与治理", 10, triggers=[{"source": "registration"}]),
    _item(
        "VOL-ENV",
        "环境整治志愿服务",
        "志愿服务",
        5,
        caps={"day": 10},
        triggers=[{"source": "volunteer", "activity_type": "环境整治"}],
    ),
    _item(
        "VOL-ELDER",
        "助老服务",
        "志愿服务",
        2,
        unit="per_hour",
        caps={"month": 40},
        triggers=[{"source": "volunteer", "activity_type": "助老服务"}],
    ),
    _item(
        "VOL-OTHER",
        "其他志愿服务",
        "志愿服务",
        3,
        caps={"day": 6},
        triggers=[{"source": "volunteer"}],
    ),
    _item("ACTIVITY", "参加社区活动", "参与治理", 2, triggers=[{"source": "activity"}]),
    _item("ADOPTED", "建议被采纳", "参与治理", 5, triggers=[{"source": "petition_adopted"}]),
    _item(
        "YARD",
        "庭院整洁户",
        "乡风文明",
        3,
        requires_claim=True,
        evidence_required=True,
        caps={"month": 3},
    ),
    _item("VIOLATION", "违反村规民约", "扣分项", -10),
)
LOCAL_ITEMS: dict[str, tuple[dict[str, object], ...]] = {
    "xiaobeijie": (_item("SORTING", "垃圾分类示范", "乡风文明", 2, requires_claim=True),),
    "fuxing-sq": (_item("HARVEST", "帮助邻里秋收", "邻里互助", 4, requires_claim=True),),
}


def points_list(community: str) -> list[dict[str, object]]:
    """The community's 积分清单: the common items plus its own local ones."""
    return [*COMMON_ITEMS, *LOCAL_ITEMS.get(community, ())]
