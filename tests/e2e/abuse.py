"""The abuse matrix, generated from the services' OpenAPI documents: every operation × caller ×
target becomes one request, and the expected outcome follows from the gateway's public allowlist
and from whose ids the request carries. Only the tables in abuse_tables.py are written by hand."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from gateway.edge import public_route
from tests.e2e.abuse_tables import (
    CALLER_SCOPED,
    CALLERS,
    HIDES,
    JUDGED_THOUGH_PUBLIC,
    OPTIONAL_FILLED,
    PARAM_POOLS,
    PATH_VALUES,
    PATH_VARIANTS,
    PERSON_POOLS,
    PREFERRED,
    PRIVATE_POOLS,
    PUBLIC_BY_DESIGN,
    RESIDENT_MAY_ASK_OTHERS,
    RESIDENT_MAY_NAME_OTHERS,
    TARGETS,
)
from tests.e2e.scene import SHANGHAI
from tests.e2e.tenants import PLATFORM, Headers, World

__all__ = ["CALLERS", "TARGETS", "Cell", "cells", "run", "verdict"]


@dataclass
class Cell:
    service: str
    method: str
    template: str
    caller: str
    target: str
    path: str
    query: dict[str, str]
    body: Any
    headers: Headers
    owners: frozenset[str]  # tenants whose ids the request carries (PLATFORM for keys/partners)
    tenant: str | None
    declared_public: bool  # the service declares no security for it

    @property
    def public(self) -> bool:
        route = (self.method, self.template)
        if route in JUDGED_THOUGH_PUBLIC:
            return False
        at_the_door = public_route(self.method, self.path) is not None
        return route in PUBLIC_BY_DESIGN or self.declared_public or at_the_door

    @property
    def foreign(self) -> bool:
        return bool(self.owners - {self.tenant}) or self.tenant is None

    def request(self) -> str:
        body = "" if self.body is None else f" body={json.dumps(self.body, ensure_ascii=False)}"
        return f"{self.method} {self.path}{_qs(self.query)}{body} as {self.caller}"

    def describe(self) -> str:
        return f"{self.request()} ({self.target})"


def _qs(query: dict[str, str]) -> str:
    return "?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""


def cells(service: str, document: dict[str, Any], world: World) -> list[Cell]:
    out, seen = [], set()
    for template, operations in document["paths"].items():
        if not template.startswith("/api/"):
            continue  # health and readiness probes carry no tenant data
        for method, operation in operations.items():
            for pools in _variants(operation):
                cell = _cell(service, document, world, method.upper(), template, operation, pools)
                for caller, tenant, role in CALLERS:
                    headers = world.tenants[tenant].callers[role] if tenant and role else {}
                    for target in TARGETS:
                        made = cell(caller, tenant, role, headers, target)
                        if made is not None and made.request() not in seen:
                            seen.add(made.request())  # id-less routes: one request, not 3
                            out.append(made)
    return out


def _variants(operation: dict[str, Any]) -> list[dict[str, str]]:
    """The pools to fill path parameters from: one mapping per variant (most routes: one)."""
    names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
    varied = [n for n in names if n in PATH_VARIANTS]
    if not varied:
        return [{}]
    return [{varied[0]: pool} for pool in PATH_VARIANTS[varied[0]]]


def _cell(
    service: str,
    document: dict[str, Any],
    world: World,
    method: str,
    template: str,
    operation: dict[str, Any],
    pools: dict[str, str],
) -> Any:
    def make(
        caller: str, tenant: str | None, role: str | None, headers: Headers, target: str
    ) -> Cell | None:
        own = tenant or "A"
        other = "B" if own == "A" else "A"
        path_from = own if target != "other" else other
        body_from = other if target != "own" else own
        path, query = template, {}
        for p in operation.get("parameters", []):
            value = _path_id(world, p["name"], path_from, pools) if p["in"] == "path" else None
            if p["in"] == "path":
                value = value or PATH_VALUES.get(p["name"]) or str(uuid.uuid4())
                path = path.replace("{" + p["name"] + "}", value)
            elif p["in"] == "query" and p["name"] in PARAM_POOLS:
                query[p["name"]] = _id(world, p["name"], body_from) or str(uuid.uuid4())
        filled = OPTIONAL_FILLED.get((method, template), ())
        body = _body(document, operation, world, body_from, filled)
        if target == "own path, other body" and not _ids_in(body):
            return None  # the same request as "own": nothing of the other tenant in the body
        # A GET's query ids are filters: what it answers is judged by the leak scan instead.
        filters = [] if method == "GET" else list(query.values())
        carried = [*re.findall(r"[0-9a-f-]{36}", path), *filters, *_ids_in(body)]
        owners = {o for o in map(world.owner_of, carried) if o is not None}
        if not owners and method != "GET" and not _caller_scoped(method, template):
            owners = {PLATFORM}
        if owners == {PLATFORM}:
            target = "platform-wide"
        if role == "resident" and (method, template) not in RESIDENT_MAY_NAME_OTHERS:
            others = [world.tenants[own].ids[p] for p in PERSON_POOLS if p != "resident"]
            owners |= {f"{own}: another resident"} if set(carried) & set(others) else set()
        return Cell(
            service,
            method,
            template,
            caller,
            target,
            path,
            query,
            body,
            headers,
            frozenset(owners),
            tenant,
            "security" not in operation,
        )

    return make


def _caller_scoped(method: str, template: str) -> bool:
    return "me" in template.split("/") or (method, template) in CALLER_SCOPED


def _path_id(world: World, name: str, tenant: str, pools: dict[str, str]) -> str | None:
    pool = pools.get(name)
    return world.tenants[tenant].ids.get(pool) if pool else _id(world, name, tenant)


def _id(world: World, name: str, tenant: str) -> str | None:
    pool = PARAM_POOLS.get(name)
    if pool == "partner":
        return world.partner_id
    return world.tenants[tenant].ids.get(pool) if pool else None


def _ids_in(body: Any) -> list[str]:
    return re.findall(r"[0-9a-f]{8}-[0-9a-f-]{27}", json.dumps(body)) if body is not None else []


def _body(
    document: dict[str, Any],
    operation: dict[str, Any],
    world: World,
    tenant: str,
    filled: tuple[str, ...] = (),
) -> Any:
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" not in content:
        return None
    body = _value(document, content["application/json"]["schema"], "", world, tenant)
    return {**body, **{name: _id(world, name, tenant) for name in filled}} if filled else body


def _value(
    document: dict[str, Any], schema: dict[str, Any], name: str, world: World, tenant: str
) -> Any:
    """A minimal valid value: required properties only, each of the simplest fitting kind."""
    if "$ref" in schema:
        resolved = document
        for part in schema["$ref"].removeprefix("#/").split("/"):
            resolved = resolved[part]
        return _value(document, resolved, name, world, tenant)
    if options := schema.get("anyOf") or schema.get("oneOf"):
        usable = [o for o in options if o.get("type") != "null"]
        return _value(document, usable[0], name, world, tenant)
    if name in PARAM_POOLS:
        return _id(world, name, tenant) or str(uuid.uuid4())
    if name in PREFERRED:
        return PREFERRED[name]
    if "enum" in schema or "const" in schema:
        return schema.get("enum", [schema.get("const")])[0]
    return _scalar(document, schema, world, tenant)


def _scalar(document: dict[str, Any], schema: dict[str, Any], world: World, tenant: str) -> Any:
    kind = schema.get("type", "object")
    if kind == "object":
        props = schema.get("properties", {})
        return {k: _value(document, props[k], k, world, tenant) for k in schema.get("required", [])}
    if kind == "array":
        item = _value(document, schema.get("items", {}), "", world, tenant)
        return [item] * schema.get("minItems", 0)
    if kind in ("integer", "number"):
        return max(1, schema.get("minimum", 1), schema.get("exclusiveMinimum", 0) + 1)
    if kind == "boolean":
        return True
    return _string(schema)


def _string(schema: dict[str, Any]) -> str:
    now = datetime.now(SHANGHAI)
    formats = {"date": now.date().isoformat(), "date-time": now.isoformat(), "uuid": None}
    if schema.get("format") in formats:
        return formats[schema["format"]] or str(uuid.uuid4())
    if schema.get("format") == "uri":
        return "https://example.com/x"
    return "矩阵测试" + "x" * max(0, int(schema.get("minLength", 1)) - 4)


async def run(gw: httpx.AsyncClient, cell: Cell) -> httpx.Response:
    kw: dict[str, Any] = {"params": cell.query, "headers": cell.headers}
    if cell.body is not None:
        kw["json"] = cell.body
    return await gw.request(cell.method, cell.path, **kw)


def verdict(cell: Cell, answer: httpx.Response, world: World) -> str | None:
    """Why this answer is abuse, or None: a 2xx on another tenant's (or the platform's) data,
    or a 2xx that shows another tenant's private ids. Public routes are open by design."""
    if not answer.is_success:
        return None
    if cell.public:
        return _shown_on_public(cell, answer, world)
    if _only_asked(cell, answer):
        return None
    if cell.foreign:
        return f"{answer.status_code} on {sorted(cell.owners - {cell.tenant}) or 'anonymous'}"
    for name, tenant in world.tenants.items():
        if name == cell.tenant:
            continue
        leaked = [p for p in PRIVATE_POOLS if tenant.ids.get(p, "-") in answer.text]
        if leaked:
            return f"{answer.status_code} shows tenant {name}'s {', '.join(leaked)}"
    if world.partner_id in answer.text and cell.tenant is not None:
        return f"{answer.status_code} shows the platform's partner"
    return None


def _shown_on_public(cell: Cell, answer: httpx.Response, world: World) -> str | None:
    """A public-by-design answer that shows a private petition or who wrote one."""
    if (cell.method, cell.template) not in PUBLIC_BY_DESIGN:
        return None
    for name, tenant in world.tenants.items():
        leaked = [p for p in HIDES if tenant.ids.get(p, "-") in answer.text]
        if leaked:
            return f"{answer.status_code} on a public route shows tenant {name}'s {leaked}"
    return None


def _only_asked(cell: Cell, answer: httpx.Response) -> bool:
    """A resident's request to another person of their own community, left pending for them."""
    if (cell.method, cell.template) not in RESIDENT_MAY_ASK_OTHERS:
        return False
    if cell.owners - {cell.tenant, f"{cell.tenant}: another resident"}:
        return False
    return answer.status_code == 202 and answer.json().get("status") == "pending"
