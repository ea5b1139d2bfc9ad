"""resident.verified carries the counter check the mall finds elderly residents by."""

from __future__ import annotations

import json

from kit.phone import counter_check
from tests.integration import support
from tests.integration.identity.conftest import Identity, Tree, register, staff_of

ID_NUMBER = "11010519491231002X"  # GB 11643's worked example: its check character is X


def _verified(record, subject: str) -> bool:
    event = json.loads(record.value)
    return bool(event.get("subject") == subject and "resident.verified" in event.get("type", ""))


async def test_verification_publishes_the_counter_check_of_phone_and_id_tail(
    identity: Identity, tree: Tree, kafka: str
):
    person = await register(identity, "+86 135-0000-7777", "周老伯", tree.xiaobeijie)
    resident = await identity.bearer("13500007777")
    sent = await identity.client.post(
        "/api/identity/me/verification",
        json={"real_name": "周老伯", "id_number": ID_NUMBER.lower()},
        headers=resident,
    )
    assert sent.status_code == 202, sent.text
    staff = await staff_of(identity, "13500007778", "小北街干部", tree.xiaobeijie)
    approve = f"/api/identity/residents/{person}/verification/approve"
    assert (await identity.client.post(approve, json={}, headers=staff)).status_code == 200

    records = await support.read_topic(
        kafka, "identity.events", until=lambda rs: any(_verified(r, person) for r in rs)
    )
    event = next(json.loads(r.value) for r in records if _verified(r, person))
    key = identity.settings.phone_hash_key.get_secret_value()
    # What counter staff type: the phone as they hear it, the ID tail in either case.
    assert event["data"]["counter_check"] == counter_check(key, "135 0000 7777", "002x")
    assert event["data"]["counter_check"] != counter_check(key, "13500007777", "0021")
    raw = json.dumps(event)
    assert "13500007777" not in raw and ID_NUMBER not in raw and "002X" not in raw
