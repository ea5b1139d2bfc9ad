"""Demo community activities: one in progress and one finished (its attendees awarded points).

Loaded through the gateway like the rest of the seed (/api/activities reaches notices). Times
are built from now, so a first start shows a living community whatever the date.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from deploy.seed_api import Caller

FINISHED = "重阳节敬老院志愿服务"
RUNNING = "河道垃圾清理"


def _draft(community_id: str, title: str, start: datetime, hours: int, **extra: Any) -> Any:
    return {
        "community_id": community_id,
        "title": title,
        "description": "请穿方便活动的衣服，工具由村委会准备。",
        "place": "村委会门口集合",
        "activity_type": "环境整治" if title == RUNNING else "助老服务",
        "capacity": 20,
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=hours)).isoformat(),
        **extra,
    }


async def _mark(staff: Caller, activity_id: str, resident_id: str, hours: float) -> None:
    """Attendance by hand, once notices has heard of the resident (its consumer may lag)."""
    path = f"/{activity_id}/attendance"
    for _ in range(60):
        try:
            await staff.call(
                "POST",
                path,
                body={"resident_id": resident_id, "hours": hours},
                service="activities",
            )
            return
        except RuntimeError as error:  # SeedError: a 422 until notices knows them; retried
            last = error
        await asyncio.sleep(0.5)
    raise last


async def ensure_activities(staff: Caller, community_id: str, attendees: list[str]) -> int:
    """The two demo activities of a community unless they exist; how many were created."""
    listed = await staff.call("GET", f"?community_id={community_id}", service="activities")
    titles = {a["title"] for a in listed["items"]}
    now = datetime.now(UTC).replace(microsecond=0)
    created = 0
    if FINISHED not in titles:
        body = _draft(community_id, FINISHED, now - timedelta(days=1), 2)
        done = await staff.call("POST", "", body=body, service="activities")
        for resident_id in attendees:
            await _mark(staff, done["id"], resident_id, 2)
        await staff.call("POST", f"/{done['id']}/complete", body={}, service="activities")
        created += 1
    if RUNNING not in titles:
        closes = (now + timedelta(hours=1)).isoformat()
        body = _draft(
            community_id, RUNNING, now - timedelta(minutes=30), 3, signup_closes_at=closes
        )
        running = await staff.call("POST", "", body=body, service="activities")
        for resident_id in attendees[:1]:
            await _mark(staff, running["id"], resident_id, 1)
        created += 1
    return created
