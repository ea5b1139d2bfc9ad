"""The demo communities' 村民说事 as data: categories, and petitions taken through the API to the
state each should show on first start (deploy/seed_petitions.py does the HTTP).

Every community gets the same five categories; each petition is raised by one of the
community's verified residents and moved along by its staff (`by="staff"`) or its author.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["demand", "dispute", "suggestion", "help"]
By = Literal["staff", "author"]
# In a step's body: replaced by the id of the community's staff member who handles petitions.
STAFF_ID = "{staff}"


@dataclass(frozen=True)
class Category:
    name: str
    service_code: str  # the Open311 service code
    kind: Kind
    accept_within_hours: int
    resolve_within_days: int
    description: str


@dataclass(frozen=True)
class Step:
    """One action on the petition: who takes it, and its body."""

    action: str
    by: By = "staff"
    body: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Petition:
    community: str
    author: str  # phone of a verified resident of the community
    category: str  # a Category.name
    title: str  # unique per author: how a second run finds it again
    content: str
    address: str
    visibility: Literal["public", "private"] = "public"
    steps: tuple[Step, ...] = ()


CATEGORIES: tuple[Category, ...] = (
    Category("环境卫生", "sanitation", "demand", 24, 3, "垃圾清运、卫生死角、绿化养护"),
    Category("道路设施", "roads", "demand", 48, 15, "道路破损、路灯、井盖、健身器材"),
    Category("邻里纠纷", "disputes", "dispute", 24, 7, "噪音、占道、漏水等邻里矛盾调解"),
    Category("安全隐患", "safety", "demand", 12, 3, "消防通道、电线私拉、危房等隐患"),
    Category("意见建议", "suggestions", "suggestion", 72, 30, "对社区建设和服务的意见建议"),
)

ACCEPT = Step("accept", body={"assignee_id": STAFF_ID})
START = Step("start")
UNDER_WAY = (ACCEPT, START)  # accepted, assigned to the staff member, work started


def _progress(text: str, percent: int) -> Step:
    return Step("progress", body={"text": text, "progress": percent})


def _resolve(reply: str) -> Step:
    return Step("resolve", body={"reply": reply})


def _rate(rating: int, comment: str) -> Step:
    return Step("rate", by="author", body={"rating": rating, "comment": comment})


def _reopen(comment: str) -> Step:
    return Step("reopen", by="author", body={"rating": 2, "comment": comment})


XIAOBEIJIE: tuple[Petition, ...] = (
    Petition(
        "xiaobeijie",
        "13800002004",
        "环境卫生",
        "小区垃圾桶满溢无人清运",
        "8号楼旁的垃圾桶已经两天没有清运，气味很大，麻烦尽快处理。",
        "小北街8号楼东侧",
    ),
    Petition(
        "xiaobeijie",
        "13800002002",
        "道路设施",
        "12号楼前路灯不亮",
        "12号楼前的两盏路灯坏了一周，晚上老人出门不方便。",
        "小北街12号楼前",
        steps=(ACCEPT,),
    ),
    Petition(
        "xiaobeijie",
        "13800002001",
        "安全隐患",
        "楼道堆放杂物堵塞消防通道",
        "2单元一楼楼道堆满纸箱和旧家具，存在消防隐患。",
        "小北街12号2单元",
        steps=(*UNDER_WAY, _progress("已联系住户，约定本周六统一清理。", 50)),
    ),
    Petition(
        "xiaobeijie",
        "13800002004",
        "道路设施",
        "人行道地砖松动",
        "小北街口人行道有十几块地砖松动，下雨天容易溅水绊脚。",
        "小北街与西城路交叉口",
        steps=(*UNDER_WAY, _resolve("已协调市政维修队更换松动地砖，请居民监督。")),
    ),
    Petition(
        "xiaobeijie",
        "13800002002",
        "环境卫生",
        "绿化带杂草丛生",
        "小区中心花园绿化带杂草很高，夏天蚊虫多。",
        "小北街社区中心花园",
        steps=(
            *UNDER_WAY,
            _resolve("已组织志愿者和物业清除杂草并喷洒灭蚊药。"),
            _rate(5, "处理很及时，环境好多了，感谢社区！"),
        ),
    ),
    Petition(
        "xiaobeijie",
        "13800002001",
        "邻里纠纷",
        "楼上住户夜间噪音扰民",
        "楼上住户经常深夜拖动家具，影响休息，希望社区帮忙协调。",
        "小北街12号2单元",
        visibility="private",
        steps=(
            *UNDER_WAY,
            _resolve("网格员已上门沟通，住户承诺晚上十点后不再发出噪音。"),
            _reopen("这几天晚上还是很吵，问题没有解决。"),
        ),
    ),
    Petition(
        "xiaobeijie",
        "13800002004",
        "意见建议",
        "建议增设老年人活动室",
        "社区老人多，建议利用一楼闲置用房开设老年人活动室。",
        "小北街社区服务中心",
        steps=(ACCEPT, Step("adopt", body={"note": "已纳入今年社区服务中心改造计划"})),
    ),
)

FUXING: tuple[Petition, ...] = (
    Petition(
        "fuxing-sq",
        "13800002014",
        "道路设施",
        "三组通组路塌陷",
        "三组通组路靠近水塘的一段路基塌陷，农用车通行危险。",
        "复兴社区三组",
    ),
    Petition(
        "fuxing-sq",
        "13800002011",
        "环境卫生",
        "河沟漂浮垃圾",
        "复兴街后面的河沟里有很多塑料袋和瓶子，希望组织清理。",
        "复兴街后河沟",
        steps=(*UNDER_WAY, _progress("已安排保洁员打捞，下游段本周完成。", 60)),
    ),
    Petition(
        "fuxing-sq",
        "13800002012",
        "道路设施",
        "广场健身器材损坏",
        "党群服务中心广场的漫步机踏板断了，老人锻炼容易受伤。",
        "复兴社区党群服务中心广场",
        steps=(ACCEPT,),
    ),
    Petition(
        "fuxing-sq",
        "13800002012",
        "安全隐患",
        "村口电线私拉乱接",
        "村口小卖部门前电线私拉乱接，雨天容易漏电。",
        "复兴社区村口",
        steps=(
            *UNDER_WAY,
            _resolve("已联系供电所规范线路并张贴安全提示。"),
            _rate(4, "线路整改了，希望以后多检查。"),
        ),
    ),
    Petition(
        "fuxing-sq",
        "13800002014",
        "邻里纠纷",
        "邻居占用晒坝",
        "邻居长期在公共晒坝堆放柴草，秋收时无处晾晒。",
        "复兴镇复兴街42号旁",
        visibility="private",
        steps=(*UNDER_WAY, _resolve("已组织双方协商，柴草移至自家院坝。")),
    ),
    Petition(
        "fuxing-sq",
        "13800002011",
        "意见建议",
        "建议开设农技培训课",
        "建议社区请农技站老师讲讲柑橘病虫害防治。",
        "复兴社区党群服务中心",
        steps=(ACCEPT, Step("adopt", body={"note": "已联系农技站，下月开课"})),
    ),
)

PETITIONS: tuple[Petition, ...] = (*XIAOBEIJIE, *FUXING)
