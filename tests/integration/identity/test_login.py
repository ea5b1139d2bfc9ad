"""Password, SMS and WeChat login; refresh rotation and reuse; throttling; no secrets in logs."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncIterator

import asyncpg
import pytest
import uvicorn
from fastapi import FastAPI

from kit.db import asyncpg_dsn
from tests.integration.identity.conftest import PASSWORD, Identity, Tree, register


async def test_wrong_password_and_unknown_phone_get_the_same_answer(identity: Identity, tree: Tree):
    await register(identity, "13812340001", "孙一", tree.xiaobeijie)
    wrong = await identity.client.post(
        "/api/identity/auth/login", json={"phone": "13812340001", "password": "nope-nope"}
    )
    unknown = await identity.client.post(
        "/api/identity/auth/login", json={"phone": "13812340002", "password": "nope-nope"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


async def test_brute_force_is_throttled_with_retry_after(identity: Identity, tree: Tree):
    await register(identity, "13812340003", "孙三", tree.xiaobeijie)
    bad = {"phone": "13812340003", "password": "guess-guess"}
    statuses = [
        (await identity.client.post("/api/identity/auth/login", json=bad)).status_code
        for _ in range(6)
    ]
    assert statuses == [401] * 5 + [429]
    blocked = await identity.client.post(
        "/api/identity/auth/login", json={**bad, "password": PASSWORD}
    )
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0


async def test_wrong_passwords_from_one_ip_do_not_lock_the_owner_out_elsewhere(
    identity: Identity, tree: Tree
):
    await register(identity, "13812340010", "孙十", tree.xiaobeijie)
    login = "/api/identity/auth/login"
    bad = {"phone": "13812340010", "password": "guess-guess"}
    attacker = {"X-Forwarded-For": "203.0.113.7"}
    statuses = [
        (await identity.client.post(login, json=bad, headers=attacker)).status_code
        for _ in range(6)
    ]
    assert statuses == [401] * 5 + [429]
    owner = await identity.client.post(
        login,
        json={**bad, "password": PASSWORD},
        headers={"X-Forwarded-For": "198.51.100.20"},
    )
    assert owner.status_code == 200


async def test_guesses_spread_over_many_ips_hit_the_slow_per_phone_limit_but_sms_login_works(
    identity: Identity, tree: Tree
):
    identity.settings.login_limit_per_phone = "8/hour"  # the default 50 takes long to reach
    await register(identity, "13812340011", "孙十一", tree.xiaobeijie)
    login = "/api/identity/auth/login"
    bad = {"phone": "13812340011", "password": "guess-guess"}
    for i in range(8):
        headers = {"X-Forwarded-For": f"203.0.113.{i + 10}"}
        assert (await identity.client.post(login, json=bad, headers=headers)).status_code == 401
    fresh_ip = {"X-Forwarded-For": "198.51.100.30"}
    blocked = await identity.client.post(
        login, json={**bad, "password": PASSWORD}, headers=fresh_ip
    )
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0
    await identity.client.post("/api/identity/auth/sms-code", json={"phone": "13812340011"})
    code = await last_sms_code(identity, "13812340011")
    by_sms = await identity.client.post(
        "/api/identity/auth/sms-login", json={"phone": "13812340011", "code": code}
    )
    assert by_sms.status_code == 200


async def test_refresh_rotates_and_reusing_a_spent_token_revokes_the_family(
    identity: Identity, tree: Tree
):
    await register(identity, "13812340004", "孙四", tree.xiaobeijie)
    first = await identity.login("13812340004")
    refresh = "/api/identity/auth/refresh"
    second = await identity.client.post(refresh, json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200
    newest = second.json()["refresh_token"]
    assert newest != first["refresh_token"]
    # An attacker replays the spent token: refused, and the legitimate newest one dies too.
    replay = await identity.client.post(refresh, json={"refresh_token": first["refresh_token"]})
    assert replay.status_code == 401
    assert (await identity.client.post(refresh, json={"refresh_token": newest})).status_code == 401


async def test_logout_revokes_the_refresh_token(identity: Identity, tree: Tree):
    await register(identity, "13812340005", "孙五", tree.xiaobeijie)
    tokens = await identity.login("13812340005")
    body = {"refresh_token": tokens["refresh_token"]}
    assert (await identity.client.post("/api/identity/auth/logout", json=body)).status_code == 204
    assert (await identity.client.post("/api/identity/auth/refresh", json=body)).status_code == 401


async def last_sms_code(identity: Identity, phone: str) -> str:
    conn = await asyncpg.connect(asyncpg_dsn(identity.database_url))
    try:
        body = await conn.fetchval(
            "SELECT body FROM sms_outbox WHERE phone = $1 ORDER BY created_at DESC LIMIT 1", phone
        )
    finally:
        await conn.close()
    return "".join(ch for ch in str(body) if ch.isdigit())[:6]


async def test_sms_login_with_the_code_from_the_local_outbox(identity: Identity, tree: Tree):
    await register(identity, "13812340006", "孙六", tree.xiaobeijie)
    sent = await identity.client.post("/api/identity/auth/sms-code", json={"phone": "13812340006"})
    assert sent.status_code == 202
    code = await last_sms_code(identity, "13812340006")
    wrong = "000000" if code != "000000" else "111111"
    login = "/api/identity/auth/sms-login"
    refused = await identity.client.post(login, json={"phone": "13812340006", "code": wrong})
    assert refused.status_code == 401
    ok = await identity.client.post(login, json={"phone": "13812340006", "code": code})
    assert ok.status_code == 200 and ok.json()["token_type"] == "bearer"
    again = await identity.client.post(login, json={"phone": "13812340006", "code": code})
    assert again.status_code == 401, "a code is single use"
    too_soon = await identity.client.post(
        "/api/identity/auth/sms-code", json={"phone": "13812340006"}
    )
    assert too_soon.status_code == 429


async def test_sms_code_expires_after_five_minutes(identity: Identity, tree: Tree):
    await register(identity, "13812340007", "孙七", tree.xiaobeijie)
    await identity.client.post("/api/identity/auth/sms-code", json={"phone": "13812340007"})
    code = await last_sms_code(identity, "13812340007")
    identity.clock.advance(minutes=5, seconds=1)
    late = await identity.client.post(
        "/api/identity/auth/sms-login", json={"phone": "13812340007", "code": code}
    )
    assert late.status_code == 401


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def fake_wechat() -> AsyncIterator[str]:
    """A local stand-in for WeChat's code2session endpoint, served over real HTTP."""
    app = FastAPI()

    @app.get("/sns/jscode2session")
    async def code2session(
        js_code: str, appid: str, secret: str, grant_type: str
    ) -> dict[str, object]:
        if js_code.startswith("good-"):
            return {"openid": f"openid-{js_code[5:]}", "session_key": "k"}
        return {"errcode": 40029, "errmsg": "invalid code"}

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await task


async def test_wechat_first_login_binds_by_phone_then_logs_in_by_code(
    identity: Identity, tree: Tree, fake_wechat: str
):
    identity.settings.wechat_api_base = fake_wechat
    await register(identity, "13812340008", "孙八", tree.xiaobeijie)
    wechat = "/api/identity/auth/wechat"
    unbound = await identity.client.post(wechat, json={"code": "good-u1"})
    assert unbound.status_code == 409 and unbound.json()["binding_required"] is True
    await identity.client.post("/api/identity/auth/sms-code", json={"phone": "13812340008"})
    code = await last_sms_code(identity, "13812340008")
    bound = await identity.client.post(
        wechat, json={"code": "good-u1", "phone": "13812340008", "sms_code": code}
    )
    assert bound.status_code == 200
    later = await identity.client.post(wechat, json={"code": "good-u1"})
    assert later.status_code == 200
    me = await identity.client.get(
        "/api/identity/me", headers={"Authorization": f"Bearer {later.json()['access_token']}"}
    )
    assert me.json()["name"] == "孙八"
    assert (await identity.client.post(wechat, json={"code": "bad"})).status_code == 401


async def test_wechat_unreachable_answers_503_problem_with_retry_after(identity: Identity):
    identity.settings.wechat_api_base = f"http://127.0.0.1:{free_port()}"  # nobody listens
    answer = await identity.client.post("/api/identity/auth/wechat", json={"code": "good-x"})
    assert answer.status_code == 503
    assert answer.headers["content-type"] == "application/problem+json"
    assert int(answer.headers["retry-after"]) > 0


async def test_no_log_line_carries_a_phone_id_number_password_or_token(
    identity: Identity, tree: Tree, caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.DEBUG)
    phone, id_number = "13812340009", "511703199001012345"
    await register(identity, phone, "孙九", tree.xiaobeijie)
    tokens = await identity.login(phone)
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    await identity.client.post(
        "/api/identity/me/verification",
        json={"real_name": "孙九", "id_number": id_number},
        headers=headers,
    )
    await identity.client.post("/api/identity/auth/sms-code", json={"phone": phone})
    await identity.client.post(
        "/api/identity/auth/login", json={"phone": phone, "password": "x" * 9}
    )
    await identity.client.post(
        "/api/identity/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    text = "\n".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert caplog.records, "nothing was logged: the check proves nothing"
    for secret in (phone, id_number, PASSWORD, tokens["access_token"], tokens["refresh_token"]):
        assert secret not in text
