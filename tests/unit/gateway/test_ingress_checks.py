"""Partner ingress without I/O: signatures, push parsing, the phone hash, dedupe and the cache."""

import copy
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from gateway.dedupe import SeenEvents
from gateway.ingress_checks import (
    BATCH,
    SINGLE,
    BatchTooLarge,
    NotAuthenticated,
    Rules,
    UnsupportedMediaType,
    check_timestamp,
    parse_push,
    parse_signature,
    signature_header,
    signed_by_any,
)
from gateway.partners import IdentityUnavailable, PartnerDirectory
from kit.errors import Invalid
from kit.events import parse_event, serialize
from kit.phone import phone_hash

NOW = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)
T = int(NOW.timestamp())
KEY = "phone-hash-key"
RULES = Rules(
    partner_id="ptn_demo",
    phone_hash_key=KEY,
    now=NOW,
    tolerance=timedelta(seconds=300),
    batch_max=3,
)


def pushed(**data: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "specversion": "1.0",
        "id": "evt-1",
        "source": "https://volunteer.example/platform",
        "type": "org.shanzhi.volunteer.activity_completed.v1",
        "time": "2026-11-28T07:59:00Z",
        "data": {
            "volunteer": {"phone": "+86 138-0000-2001"},
            "activity": {"id": "a1", "type": "环境整治", "title": "小北街环境整治"},
            "community_code": "xiaobeijie",
            "hours": 2,
            "completed_at": "2026-11-28T07:30:00+08:00",
        },
    }
    event["data"].update(data)
    return event


def body(document: Any) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode()


# --- signature ---------------------------------------------------------------------------


def verify(header: str, raw: bytes, secrets: list[str], now: float = T) -> bool:
    signature = parse_signature(header)
    check_timestamp(signature, now=now, tolerance=300)
    return signed_by_any(signature, raw, secrets)


def test_a_correctly_signed_body_is_accepted():
    raw = body(pushed())
    assert verify(signature_header("s3cret", raw, timestamp=T), raw, ["s3cret"])


def test_a_tampered_body_does_not_match_its_signature():
    raw = body(pushed())
    header = signature_header("s3cret", raw, timestamp=T)
    assert not verify(header, raw.replace(b'"hours": 2', b'"hours": 20'), ["s3cret"])


def test_a_signature_with_the_wrong_secret_does_not_match():
    raw = body(pushed())
    assert not verify(signature_header("other", raw, timestamp=T), raw, ["s3cret"])


def test_an_old_secret_in_its_grace_period_still_signs():
    raw = body(pushed())
    assert verify(signature_header("old", raw, timestamp=T), raw, ["new", "old"])


def test_the_signature_covers_the_timestamp():
    raw = body(pushed())
    header = signature_header("s3cret", raw, timestamp=T).replace(f"t={T}", f"t={T + 1}")
    assert not verify(header, raw, ["s3cret"], now=T + 1)


@pytest.mark.parametrize("skew", [-301, 301])
def test_a_stale_or_future_timestamp_is_refused(skew: int):
    raw = body(pushed())
    with pytest.raises(NotAuthenticated, match="300 s"):
        verify(signature_header("s3cret", raw, timestamp=T + skew), raw, ["s3cret"])


def test_a_timestamp_within_the_window_is_accepted():
    raw = body(pushed())
    assert verify(signature_header("s3cret", raw, timestamp=T - 299), raw, ["s3cret"])


@pytest.mark.parametrize("header", ["", "v1=abc", "t=12,", "t=now,v1=abc", "sha256=abc"])
def test_a_malformed_signature_header_is_refused(header: str):
    with pytest.raises(NotAuthenticated):
        parse_signature(header)


def test_no_secret_signs_for_a_partner_without_secrets():
    raw = body(pushed())
    assert not verify(signature_header("s3cret", raw, timestamp=T), raw, [])


# --- parsing a push ----------------------------------------------------------------------


def test_a_single_event_is_parsed_and_re_wrapped():
    push = parse_push(body(pushed()), f"{SINGLE}; charset=utf-8", RULES)
    assert push.rejected == []
    [event] = push.events
    assert event.envelope.id == "evt-1"
    assert event.envelope.source == "/partners/ptn_demo"
    assert event.envelope.type == "org.shanzhi.volunteer.activity_completed.v1"
    assert event.envelope.model_extra == {"partnersource": "https://volunteer.example/platform"}
    assert event.envelope.data["activity"]["type"] == "环境整治"


def test_a_batch_is_parsed_event_by_event():
    second = pushed(volunteer={"resident_id": "r-42"})
    second["id"] = "evt-2"
    push = parse_push(body([pushed(), second]), BATCH, RULES)
    assert [e.envelope.id for e in push.events] == ["evt-1", "evt-2"]
    assert push.events[1].key == "r-42"


def test_a_batch_over_the_limit_is_refused_naming_the_limit():
    with pytest.raises(BatchTooLarge, match="at most 3") as refused:
        parse_push(body([pushed()] * 4), BATCH, RULES)
    assert refused.value.extra == {"limit": 3}


@pytest.mark.parametrize("content_type", [None, "application/json", "text/plain"])
def test_other_content_types_are_refused(content_type: str | None):
    with pytest.raises(UnsupportedMediaType):
        parse_push(body(pushed()), content_type, RULES)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"hours": 0}, "data.hours"),
        ({"hours": 24.5}, "data.hours"),
        ({"volunteer": {"phone": "12345"}}, "data.volunteer.phone"),
        ({"volunteer": {"phone": "13800002001", "resident_id": "r"}}, "data.volunteer"),
        ({"volunteer": {}}, "data.volunteer"),
        ({"activity": {"id": "a1", "type": "环境整治"}}, "data.activity.title"),
        ({"community_code": None}, "data"),
        ({"completed_at": "2026-11-28T07:30:00"}, "data.completed_at"),
        ({"completed_at": "2026-11-29T08:00:00Z"}, "data.completed_at"),
        ({"points": 100}, "data.points"),
    ],
)
def test_an_invalid_single_event_names_the_field(change: dict[str, Any], field: str):
    with pytest.raises(Invalid) as refused:
        parse_push(body(pushed(**change)), SINGLE, RULES)
    assert refused.value.field == field


@pytest.mark.parametrize(
    ("attribute", "value"),
    [("type", "org.shanzhi.volunteer.other.v1"), ("specversion", "0.3"), ("id", "")],
)
def test_an_invalid_envelope_attribute_is_named(attribute: str, value: str):
    with pytest.raises(Invalid) as refused:
        parse_push(body({**pushed(), attribute: value}), SINGLE, RULES)
    assert refused.value.field == attribute


@pytest.mark.parametrize("raw", [b"{not json", b'{"hours": NaN}', b"\xff\xfe"])
def test_a_body_that_is_not_json_is_invalid(raw: bytes):
    with pytest.raises(Invalid) as refused:
        parse_push(raw, SINGLE, RULES)
    assert refused.value.field == "body"


def test_a_batch_must_be_an_array():
    with pytest.raises(Invalid, match="array"):
        parse_push(body(pushed()), BATCH, RULES)


def test_a_batch_lists_its_invalid_events_by_index_and_keeps_the_rest():
    bad = pushed(hours=30)
    bad["id"] = "evt-bad"
    push = parse_push(body([pushed(), bad, "nonsense"]), BATCH, RULES)
    assert [e.index for e in push.events] == [0]
    assert [(r.index, r.field) for r in push.rejected] == [(1, "data.hours"), (2, "event")]
    assert "24" in push.rejected[0].reason


# --- the phone never leaves as itself ----------------------------------------------------


def test_the_phone_is_replaced_by_its_keyed_hash_before_the_bus():
    push = parse_push(body(pushed()), SINGLE, RULES)
    [event] = push.events
    produced = serialize(event.envelope)
    expected = phone_hash(KEY, "13800002001")
    assert event.key == expected
    assert event.envelope.data["volunteer"]["phone_hash"] == expected
    assert "phone" not in event.envelope.data["volunteer"]
    for form in (b"13800002001", b"138-0000-2001", b"+86 138-0000-2001"):
        assert form not in produced
    assert b'"phone"' not in produced


def test_the_produced_bytes_are_a_valid_activity_completed_event():
    produced = serialize(parse_push(body(pushed()), SINGLE, RULES).events[0].envelope)
    parsed = parse_event(produced)
    assert parsed.data.model_dump()["hours"] == 2
    assert parsed.envelope.traceparent is not None


def test_a_rejection_reason_never_carries_the_phone():
    event = pushed(volunteer={"phone": "13800002001", "resident_id": "r"})
    push = parse_push(body([event]), BATCH, RULES)
    assert "13800002001" not in json.dumps([vars(r) for r in push.rejected], ensure_ascii=False)


# --- dedupe ------------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_seen_event_is_remembered_until_its_ttl_runs_out():
    clock = Clock()
    seen = SeenEvents(60, clock=clock)
    seen.remember([("p", "e1")])
    clock.now += 59
    assert ("p", "e1") in seen
    assert ("q", "e1") not in seen
    clock.now += 2
    assert ("p", "e1") not in seen


def test_the_dedupe_forgets_the_oldest_beyond_its_bound():
    seen = SeenEvents(60, max_entries=2, clock=Clock())
    seen.remember([("p", "e1"), ("p", "e2"), ("p", "e3")])
    assert [("p", e) in seen for e in ("e1", "e2", "e3")] == [False, True, True]


# --- partner secrets cache ---------------------------------------------------------------


def identity(answers: dict[str, Any], calls: list[str]) -> httpx.AsyncClient:
    def handle(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        assert request.headers["X-Internal-Token"] == "internal"
        partner = request.url.path.split("/")[3]
        if partner not in answers:
            return httpx.Response(404, json={"title": "未找到"})
        return httpx.Response(200, json=copy.deepcopy(answers[partner]))

    return httpx.AsyncClient(transport=httpx.MockTransport(handle))


async def test_partner_secrets_are_cached_for_their_ttl():
    calls: list[str] = []
    answers = {"ptn_a": {"partner_id": "ptn_a", "enabled": True, "secrets": ["s1", "s0"]}}
    clock = Clock()
    async with identity(answers, calls) as client:
        directory = PartnerDirectory(client, ["http://identity/"], "internal", clock=clock)
        keys = await directory.lookup("ptn_a")
        assert keys is not None and keys.secrets == ("s1", "s0")
        assert await directory.lookup("ptn_a") == keys
        assert calls == ["/internal/partners/ptn_a/secrets"]
        clock.now += 31
        await directory.lookup("ptn_a")
        assert len(calls) == 2


async def test_unknown_partners_are_cached_and_odd_ids_never_asked():
    calls: list[str] = []
    async with identity({}, calls) as client:
        directory = PartnerDirectory(client, ["http://identity"], "internal", clock=Clock())
        assert await directory.lookup("ptn_x") is None
        assert await directory.lookup("ptn_x") is None
        assert await directory.lookup("../admin") is None
        assert calls == ["/internal/partners/ptn_x/secrets"]


async def test_a_refresh_asks_identity_again_but_not_more_often_than_its_floor():
    calls: list[str] = []
    answers = {"ptn_a": {"partner_id": "ptn_a", "enabled": True, "secrets": ["s1"]}}
    clock = Clock()
    async with identity(answers, calls) as client:
        directory = PartnerDirectory(client, ["http://identity"], "internal", clock=clock)
        await directory.lookup("ptn_a")
        await directory.lookup("ptn_a", refresh=True)
        assert len(calls) == 1
        answers["ptn_a"]["secrets"] = ["s2", "s1"]
        clock.now += 3
        keys = await directory.lookup("ptn_a", refresh=True)
        assert keys is not None and keys.secrets == ("s2", "s1")


async def test_unreachable_identity_is_reported_not_taken_for_an_unknown_partner():
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    async with httpx.AsyncClient(transport=httpx.MockTransport(refuse)) as client:
        directory = PartnerDirectory(client, ["http://a", "http://b"], "internal")
        with pytest.raises(IdentityUnavailable):
            await directory.lookup("ptn_a")


async def test_identity_refusing_the_service_token_is_unavailable_not_unknown():
    async with httpx.AsyncClient(
        transport=httpx.MockTransport(lambda _: httpx.Response(401, json={}))
    ) as client:
        directory = PartnerDirectory(client, ["http://identity"], "wrong")
        with pytest.raises(IdentityUnavailable, match="401"):
            await directory.lookup("ptn_a")
