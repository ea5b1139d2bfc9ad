"""Property-based requests from every service's OpenAPI document (schemathesis) against the real
running services, as the platform operator: no 5xx, and every answer matches its schema."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Err, Ok
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.e2e.mall_scene import fund, open_counter, place, settled, shelve
from tests.e2e.platform import ADMIN_PASSWORD, ADMIN_PHONE, SERVICES, Platform
from tests.e2e.scene import Scene, prepare
from tests.e2e.tenant_petitions import SYNC_WITHIN
from tests.e2e.tenants import id_number

# A platform of its own: its log scan is off, and the fuzzed writes of the platform operator
# must not land in other modules' communities (see conftest.py).
OWN_PLATFORM = True
# Fuzzed paths may hold phone-shaped strings, which are inputs, not anyone's personal data.
LOG_SCAN = False
MAX_EXAMPLES = 50  # per operation
BUDGET_SECONDS = 50.0  # for all services together; shared out evenly among the operations
CHECKS = [not_a_server_error, response_schema_conformance]
# Operations not fuzzed, and why: each is data, small and justified.
NOT_FUZZED = {
    "POST /api/identity/auth/wechat": "calls the WeChat API, unreachable in tests: 502 by design",
}


Operation = schemathesis.APIOperation[Any, Any, Any, Any]
# Services whose path and query parameters of these names get real ids in three cases of four
# (random ids reach little beyond a 404), the fourth keeping what was generated.
REAL_IDS_FOR = ("petitions", "mall")


class OutOfTime(Exception):
    """Ends one operation's examples when its share of the budget is spent."""


@dataclass
class Fuzz:
    deadline: float
    headers: dict[str, str]
    real: dict[str, list[str]] = field(default_factory=dict)  # parameter name → real ids
    cases: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def operations(self, service: str, url: str) -> list[tuple[str, str, Operation]]:
        schema = schemathesis.openapi.from_url(f"{url}/api/{service}/openapi.json")
        results = list(schema.get_all_operations())
        self.failures += [f"{service}: invalid {r.err()}" for r in results if isinstance(r, Err)]
        self.cases[service] = 0
        ops = [r.ok() for r in results if isinstance(r, Ok)]
        return [(service, url, op) for op in ops if op.label not in NOT_FUZZED]

    def run(self, operations: list[tuple[str, str, Operation]]) -> None:
        """Every operation of every service gets an even share of what is left of the budget."""
        for left, (service, url, operation) in zip(
            range(len(operations), 0, -1), operations, strict=True
        ):
            share = (self.deadline - time.monotonic()) / left
            self._operation(service, url, operation, time.monotonic() + share)

    def _operation(self, service: str, url: str, operation: Operation, stop: float) -> None:
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def fuzz(case: schemathesis.Case[Any]) -> None:
            if time.monotonic() > stop:
                raise OutOfTime
            self.cases[service] += 1
            if service in REAL_IDS_FOR and self.cases[service] % 4:
                self._real_ids(case, self.cases[service])
            case.call_and_validate(base_url=url, headers=self.headers, checks=CHECKS)

        try:
            fuzz()
        except OutOfTime:
            pass
        except (Exception, BaseExceptionGroup) as exc:  # report every failing operation
            self.failures.append(f"{service} {operation.label}: {exc}")

    def _real_ids(self, case: schemathesis.Case[Any], turn: int) -> None:
        for part in (case.path_parameters, case.query):
            for name, values in self.real.items():
                if part is not None and name in part:
                    part[name] = values[turn % len(values)]


async def real_petitions(gw: httpx.AsyncClient, scene: Scene) -> dict[str, list[str]]:
    """A community with a category and public petitions (some accepted), raised by a verified
    resident: ids by the parameter names that take them."""
    person = await scene.register("13700000201", "周模糊")
    me = await scene.login("13700000201")
    real = {"real_name": "周模糊", "id_number": id_number(201)}
    assert (await gw.post("/api/identity/me/verification", json=real, headers=me)).is_success
    approve = f"/api/identity/residents/{person}/verification/approve"
    assert (await gw.post(approve, json={}, headers=scene.staff)).status_code == 200
    me = await scene.login("13700000201")
    body: dict[str, Any] = {"community_id": scene.community_id, "name": "意见建议"}
    body["service_code"] = "suggestions"
    body |= {"kind": "suggestion", "accept_within_hours": 24, "resolve_within_days": 7}
    category = await gw.post("/api/petitions/categories", json=body, headers=scene.staff)
    assert category.status_code == 201, category.text
    raised = {"community_id": scene.community_id, "category_id": category.json()["id"]}
    raised |= {"content": "模糊测试", "location": {"address": "模糊测试"}, "visibility": "public"}
    ids = []
    for n in range(6):
        ids.append(await _raise(gw, {**raised, "title": f"诉求{n}"}, me))
        if n % 2:
            accept = f"/api/petitions/{ids[-1]}/actions/accept"
            assert (await gw.post(accept, json={}, headers=scene.staff)).status_code == 200
    return {
        "petition_id": ids,
        "community_id": [scene.community_id],
        "category_id": [category.json()["id"]],
        "resident_id": [person],
    }


async def real_mall(gw: httpx.AsyncClient, scene: Scene, resident: str) -> dict[str, list[str]]:
    """The community's counter, two items stocked there and an order of each by the verified
    resident, confirmed over Kafka (one of them with a per-person limit)."""
    counter = await open_counter(gw, scene.staff, scene.community_id)
    vinegar = await shelve(
        gw, scene.staff, scene.community_id, counter, name="老陈醋", price=3, units=9
    )
    limit = {"per_person_limit": 2, "limit_period": "month"}
    rice = await shelve(
        gw, scene.staff, scene.community_id, counter, name="大米", price=4, units=9, **limit
    )
    await fund(gw, scene.staff, resident, 20)
    me = await scene.login("13700000201")
    orders = []
    for shelf in (vinegar, rice):
        placed = await place(gw, me, shelf)
        assert placed.status_code == 201, placed.text
        orders.append(str((await settled(gw, me, placed.json()["id"]))["id"]))
    return {
        "counter_id": [counter],
        "item_id": [vinegar.item_id, rice.item_id],
        "order_id": orders,
    }


async def _raise(gw: httpx.AsyncClient, body: dict[str, Any], me: dict[str, str]) -> str:
    deadline = time.monotonic() + SYNC_WITHIN
    while (made := await gw.post("/api/petitions", json=body, headers=me)).status_code == 422:
        assert time.monotonic() < deadline, made.text  # petitions never heard of the community
        await asyncio.sleep(0.3)
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


async def test_services_answer_generated_requests_without_errors_and_to_schema(
    platform: Platform, capsys: pytest.CaptureFixture[str]
) -> None:
    async with httpx.AsyncClient(base_url=platform.gateway, timeout=30) as gw:
        body = {"phone": ADMIN_PHONE, "password": ADMIN_PASSWORD}
        token = (await gw.post("/api/identity/auth/login", json=body)).json()["access_token"]
        scene = await prepare(gw)
        real = await real_petitions(gw, scene)
        real |= await real_mall(gw, scene, real.pop("resident_id")[0])
    fuzz = Fuzz(time.monotonic() + BUDGET_SECONDS, {"Authorization": f"Bearer {token}"}, real)
    started = time.monotonic()
    operations = [op for s in SERVICES for op in fuzz.operations(s, platform.url(s))]
    await asyncio.to_thread(fuzz.run, operations)
    with capsys.disabled():
        print(
            f"\n[e2e] schemathesis: {sum(fuzz.cases.values())} cases {fuzz.cases} in"
            f" {time.monotonic() - started:.1f} s, {len(operations)} operations, at most"
            f" {MAX_EXAMPLES} each"
        )
    assert not fuzz.failures, "\n\n".join(fuzz.failures)
