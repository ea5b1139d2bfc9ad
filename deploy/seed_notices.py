"""村务公开 demo data through the API: per community, a notice of each category written and
published by the community's staff (a finance notice with its sheet, a pinned notice every
household must acknowledge), and one district-wide notice by the district administrator.

Idempotent: notices are found by title among the unit's own, and a step already taken (published,
pinned) is not taken again. Notices learns units from identity's events: until it has, a request
naming one answers 404, which is retried for a while. Dates are built from now.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from deploy.seed_api import Caller, Json, SeedError

WAIT_FOR_SYNC = 90.0  # seconds notices may take to hear of a unit
SHANGHAI = ZoneInfo("Asia/Shanghai")
PINNED = "关于开展人居环境整治的通知"
FINANCE = "村级财务收支公开"
DISTRICT = "关于防范电信网络诈骗的提醒"


@dataclass(frozen=True)
class Draft:
    category: str
    title: str
    body: str
    require_ack: bool = False
    pinned: bool = False
    finance: bool = False


COMMUNITY_NOTICES: tuple[Draft, ...] = (
    Draft(
        "village_affairs",
        PINNED,
        "为改善村容村貌，本周六上午 8:00 起开展人居环境集中整治：\n\n"
        "1. 各户清理房前屋后杂物、柴草；\n2. 不得在道路两侧堆放建筑垃圾；\n"
        "3. 党员、网格员带头参加。\n\n请各户户主**阅读后点击确认**。",
        require_ack=True,
        pinned=True,
    ),
    Draft(
        "party_affairs",
        "关于开展主题党日活动的通知",
        "全体党员于本月 15 日下午 2:30 到党群服务中心参加主题党日活动，"
        "内容为集中学习和志愿服务，请准时参加，不能参加的向支部书记请假。",
    ),
    Draft(
        "finance",
        FINANCE,
        "现将上月村级财务收支情况公开如下，明细见附表，可下载 Excel 或 CSV。"
        "如有疑问，请于公开之日起 10 日内向村务监督委员会反映。",
        finance=True,
    ),
    Draft(
        "government",
        "关于做好城乡居民医保缴费工作的通知",
        "明年度城乡居民基本医疗保险开始缴费，个人缴费标准以税务部门公布为准。"
        "可通过微信、支付宝或到村便民服务站缴纳，请勿轻信陌生人代缴。",
    ),
    Draft(
        "general",
        "关于停水检修的温馨提示",
        "因供水管网检修，本周四 9:00–17:00 部分片区暂停供水，请提前储水。给您带来不便，敬请谅解。",
    ),
)
DISTRICT_NOTICE = Draft(
    "general",
    DISTRICT,
    "近期冒充客服、公检法、“刷单返利”的电信网络诈骗多发。"
    "**不听、不信、不转账**，接到可疑电话请拨打 96110 咨询。",
)


def finance_sheet(today: date) -> Json:
    """Last month's income and expenses in fen: two receipts, four payments, dated in it."""
    last = today.replace(day=1) - timedelta(days=1)

    def day(n: int) -> str:
        return last.replace(day=min(n, last.day)).isoformat()

    lines = [
        ("上级转移支付（村级运转经费）", 8_000_000, 0, "收-01", "区财政拨付"),
        ("村集体厂房租金", 3_600_000, 0, "收-02", "第三季度租金"),
        ("保洁员工资", 0, 1_800_000, "付-01", "3 人"),
        ("路灯维修", 0, 426_500, "付-02", "更换灯头 12 个"),
        ("办公用品", 0, 83_200, "付-03", ""),
        ("走访慰问困难户", 0, 600_000, "付-04", "10 户，每户 600 元"),
    ]
    return {
        "period": f"{last.year}年{last.month}月",
        "opening_balance_fen": 12_856_000,
        "lines": [
            {"date": day(3 + 5 * n), "item": item, "income_fen": income}
            | {"expense_fen": expense, "voucher_no": voucher, "note": note}
            for n, (item, income, expense, voucher, note) in enumerate(lines)
        ],
    }


async def request(caller: Caller, method: str, path: str, body: Json | None = None) -> Any:
    """The notices API's JSON answer, retried while notices has not yet heard of the unit."""
    headers = {"Authorization": f"Bearer {caller.token}"}
    deadline = time.monotonic() + WAIT_FOR_SYNC
    while True:
        answer = await caller.client.request(
            method, f"/api/notices{path}", json=body, headers=headers
        )
        if answer.status_code != 404 or time.monotonic() > deadline:
            break
        await asyncio.sleep(1.0)
    if answer.is_error:
        raise SeedError(f"{method} /api/notices{path}: {answer.status_code} {answer.text[:300]}")
    return answer.json() if answer.content else None


async def ensure_notices(
    staff: Caller, unit_id: str, drafts: tuple[Draft, ...], today: date
) -> int:
    """Each draft as a published notice of the unit (pinned if asked); how many were created."""
    known: dict[str, Json] = {}
    cursor: str | None = None
    while True:  # the unit's own notices, drafts and withdrawn ones included
        query = {"unit_id": unit_id, "limit": 100} | ({"cursor": cursor} if cursor else {})
        page = await request(staff, "GET", f"?{urlencode(query)}")
        known |= {n["title"]: n for n in page["items"]}
        cursor = page["next_cursor"]
        if cursor is None:
            break
    created = 0
    for draft in drafts:
        notice = known.get(draft.title)
        if notice is None:
            body: Json = {"unit_id": unit_id, "category": draft.category, "title": draft.title}
            body |= {"body": draft.body, "require_ack": draft.require_ack}
            if draft.finance:
                body["sheet"] = finance_sheet(today)
            notice = await request(staff, "POST", "", body)
            created += 1
        if notice["status"] == "draft":
            notice = await request(staff, "POST", f"/{notice['id']}/publish", {})
        if draft.pinned and not notice["pinned"] and notice["status"] == "published":
            await request(staff, "POST", f"/{notice['id']}/pin", {})
    return created
