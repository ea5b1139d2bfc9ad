"""Changing one's password: the current password is required, and other sessions end."""

from __future__ import annotations

from tests.integration.identity.conftest import PASSWORD, Identity, Tree, register

NEW_PASSWORD = "N3w-Passw0rd!"


async def test_changing_the_password_needs_the_current_one(identity: Identity, tree: Tree):
    await register(identity, "13812350001", "钱一", tree.xiaobeijie)
    auth = await identity.bearer("13812350001")
    missing = await identity.client.patch(
        "/api/identity/me", json={"password": NEW_PASSWORD}, headers=auth
    )
    assert missing.status_code == 422 and missing.json()["field"] == "current_password"
    assert missing.headers["content-type"] == "application/problem+json"
    wrong = await identity.client.patch(
        "/api/identity/me",
        json={"password": NEW_PASSWORD, "current_password": "not-my-password"},
        headers=auth,
    )
    assert wrong.status_code == 403 and wrong.json()["field"] == "current_password"
    await identity.login("13812350001", PASSWORD)  # unchanged


async def test_a_password_change_ends_every_other_session_but_keeps_this_one(
    identity: Identity, tree: Tree
):
    await register(identity, "13812350002", "钱二", tree.xiaobeijie)
    phone_session = await identity.login("13812350002")
    stolen_session = await identity.login("13812350002")
    changed = await identity.client.patch(
        "/api/identity/me",
        json={"password": NEW_PASSWORD, "current_password": PASSWORD},
        headers={"Authorization": f"Bearer {phone_session['access_token']}"},
    )
    assert changed.status_code == 200
    refresh = "/api/identity/auth/refresh"
    other = await identity.client.post(
        refresh, json={"refresh_token": stolen_session["refresh_token"]}
    )
    assert other.status_code == 401
    mine = await identity.client.post(
        refresh, json={"refresh_token": phone_session["refresh_token"]}
    )
    assert mine.status_code == 200
    old = await identity.client.post(
        "/api/identity/auth/login", json={"phone": "13812350002", "password": PASSWORD}
    )
    assert old.status_code == 401
    await identity.login("13812350002", NEW_PASSWORD)
