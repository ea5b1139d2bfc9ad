"""Rate limits: per person when signed in, per IP when not, the stricter login window per IP."""

from __future__ import annotations

from limits import parse

from gateway.limits import LocalWindows, RateLimits, async_storage_uri


def limits(**overrides: str) -> RateLimits:
    values = {"person": "3/minute", "anonymous": "2/minute", "login": "1/minute"} | overrides
    return RateLimits(**values)


async def test_anonymous_calls_are_counted_per_ip():
    rl = limits()
    assert [
        await rl.retry_after(throttle="standard", ip="1.1.1.1", person=None) for _ in range(2)
    ] == [None, None]
    wait = await rl.retry_after(throttle="standard", ip="1.1.1.1", person=None)
    assert wait is not None and 1 <= wait <= 60
    assert await rl.retry_after(throttle="standard", ip="2.2.2.2", person=None) is None


async def test_signed_in_calls_are_counted_per_person_not_per_ip():
    rl = limits()
    for _ in range(3):
        assert await rl.retry_after(throttle="standard", ip="1.1.1.1", person="p-1") is None
    assert await rl.retry_after(throttle="standard", ip="1.1.1.1", person="p-1") is not None
    # Someone else behind the same address (a village's shared line) is not held back.
    assert await rl.retry_after(throttle="standard", ip="1.1.1.1", person="p-2") is None
    assert await rl.retry_after(throttle="standard", ip="1.1.1.1", person=None) is None


async def test_login_routes_have_the_stricter_per_ip_window_on_top():
    rl = limits(anonymous="5/minute")
    assert await rl.retry_after(throttle="login", ip="1.1.1.1", person=None) is None
    assert await rl.retry_after(throttle="login", ip="1.1.1.1", person=None) is not None
    # Only the login window is spent: the other one still has room for ordinary calls.
    assert await rl.retry_after(throttle="standard", ip="1.1.1.1", person=None) is None


async def test_unthrottled_routes_are_not_counted():
    rl = limits(anonymous="1/minute")
    for _ in range(5):
        assert await rl.retry_after(throttle="none", ip="1.1.1.1", person=None) is None
    assert await rl.retry_after(throttle="standard", ip="1.1.1.1", person=None) is None


async def test_several_windows_in_one_setting_all_apply():
    rl = limits(anonymous="5/minute;2/second")
    results = [
        await rl.retry_after(throttle="standard", ip="1.1.1.1", person=None) for _ in range(3)
    ]
    assert results[:2] == [None, None] and results[2] == 1


def test_storage_uri_gets_the_async_form_once():
    assert async_storage_uri("memory://") == "async+memory://"
    assert async_storage_uri("async+redis://r:6379") == "async+redis://r:6379"


async def test_a_failing_storage_lets_requests_through(caplog, monkeypatch):
    rl = limits()

    async def broken(*args: object) -> bool:
        raise ConnectionError("redis is down")

    monkeypatch.setattr(rl._windows, "wait", broken)
    assert await rl.retry_after(throttle="standard", ip="1.1.1.1", person=None) is None
    assert "rate limit storage failed" in caplog.text


async def test_open311_posts_have_their_own_per_ip_window_on_top():
    rl = limits(anonymous="5/minute", open311="2/minute")
    for _ in range(2):
        assert await rl.retry_after(throttle="open311", ip="1.1.1.1", person=None) is None
    wait = await rl.retry_after(throttle="open311", ip="1.1.1.1", person=None)
    assert wait is not None and 1 <= wait <= 60
    # Another partner's server is not held back, nor this address's ordinary calls.
    assert await rl.retry_after(throttle="open311", ip="2.2.2.2", person=None) is None
    assert await rl.retry_after(throttle="standard", ip="1.1.1.1", person=None) is None


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def test_a_moving_window_lets_a_request_through_once_the_oldest_leaves_it():
    clock, item = Clock(), parse("2/minute")
    windows = LocalWindows(clock=clock)
    assert await windows.wait(item, "person", "p-1") is None
    clock.now += 30
    assert await windows.wait(item, "person", "p-1") is None
    assert await windows.wait(item, "person", "p-1") == 30  # the first leaves at 160
    clock.now += 30
    assert await windows.wait(item, "person", "p-1") is None
    assert await windows.wait(item, "person", "p-1") == 30  # refused requests are not counted


async def test_keys_whose_window_emptied_are_swept_away():
    clock, item = Clock(), parse("2/minute")
    windows = LocalWindows(clock=clock, sweep_seconds=10)
    for person in ("p-1", "p-2"):
        await windows.wait(item, "person", person)
    clock.now += 50
    await windows.wait(item, "person", "p-1")
    clock.now += 20  # p-2's one request left its window; p-1's second has not
    await windows.wait(item, "person", "p-3")
    assert {key[3] for key in windows._counted} == {"p-1", "p-3"}
