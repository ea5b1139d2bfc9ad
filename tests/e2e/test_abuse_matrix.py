"""Every route of every service × every caller × own and other tenants' ids: no 2xx may read or
change another tenant's data. Routes join the matrix by appearing in their service's OpenAPI."""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from typing import Any

import httpx
import pytest

from tests.e2e.abuse import CALLERS, TARGETS, Cell, cells, run, verdict
from tests.e2e.platform import SERVICES, Platform
from tests.e2e.tenant_mall import add_mall
from tests.e2e.tenant_notices import add_notices
from tests.e2e.tenant_petitions import add_petitions
from tests.e2e.tenants import build_world


def _order(cell: Cell) -> tuple[bool, bool]:
    # Other tenants' cells before own ones, deletes last: a legitimate own-cell change must not
    # remove what a later cell needs to reach its check.
    return cell.target == "own", cell.method == "DELETE"


async def _documents(gw: httpx.AsyncClient) -> dict[str, dict[str, Any]]:
    docs = {}
    for service in SERVICES:
        answer = await gw.get(f"/api/{service}/openapi.json")
        assert answer.status_code == 200, f"{service}: {answer.status_code}"
        docs[service] = answer.json()
    return docs


async def test_no_caller_reads_or_changes_another_tenants_data(
    platform: Platform, capsys: pytest.CaptureFixture[str]
) -> None:
    async with httpx.AsyncClient(base_url=platform.gateway, timeout=30) as gw:
        world = await build_world(gw)
        for tenant in world.tenants.values():
            await add_petitions(gw, tenant)
            await add_notices(gw, tenant)
            await add_mall(gw, tenant)
        docs = await _documents(gw)
        matrix = sorted((c for s, doc in docs.items() for c in cells(s, doc, world)), key=_order)
        started, failures, statuses = time.monotonic(), [], Counter[str]()
        by_service: dict[str, Counter[int]] = defaultdict(Counter)
        errors: set[str] = set()
        for cell in matrix:
            answer = await run(gw, cell)
            statuses[f"{cell.target}:{answer.status_code}"] += 1
            by_service[cell.service][answer.status_code] += 1
            if (why := verdict(cell, answer, world)) is not None:
                failures.append(f"{why}: {cell.describe()} -> {answer.text[:200]}")
            if answer.status_code >= 500 or answer.status_code == 429:
                errors.add(f"{answer.status_code} {cell.method} {cell.template}")
    routes = len({(c.method, c.template) for c in matrix})
    with capsys.disabled():
        _report(routes, matrix, docs, time.monotonic() - started, statuses, errors)
        for service, counts in by_service.items():
            print(f"[e2e] abuse matrix, {service}: statuses {dict(sorted(counts.items()))}")
    assert not failures, f"{len(failures)} abuse cells:\n" + "\n".join(failures)


def _report(
    routes: int,
    matrix: list[Cell],
    docs: dict[str, Any],
    took: float,
    statuses: Counter[str],
    errors: set[str],
) -> None:
    print(
        f"\n[e2e] abuse matrix: {routes} routes × {len(CALLERS)} callers × {len(TARGETS)} targets"
        f" -> {len(matrix)} distinct requests (services {', '.join(docs)}) in"
        f" {took:.1f} s; statuses {dict(sorted(statuses.items()))}"
    )
    print(f"[e2e] throttled or server errors (not judged here): {sorted(errors)}")
