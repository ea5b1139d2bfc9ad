"""Round-robin over replicas, a refusing replica benched for the cooldown (fake clock)."""

from __future__ import annotations

import pytest

from gateway.upstreams import ReplicaPool, replica_pools

A, B, C = "http://a:1", "http://b:1", "http://c:1"


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def firsts(pool: ReplicaPool, n: int) -> list[str]:
    return [pool.attempt_order()[0] for _ in range(n)]


def test_replicas_take_turns(clock):
    pool = ReplicaPool([A, B, C], cooldown_seconds=5, clock=clock)
    assert firsts(pool, 6) == [A, B, C, A, B, C]


def test_each_attempt_order_lists_every_replica_once(clock):
    pool = ReplicaPool([A, B, C], cooldown_seconds=5, clock=clock)
    assert sorted(pool.attempt_order()) == [A, B, C]


def test_refusing_replica_is_skipped_until_its_cooldown_ends(clock):
    pool = ReplicaPool([A, B, C], cooldown_seconds=5, clock=clock)
    pool.refused(B)
    assert set(firsts(pool, 4)) == {A, C}
    assert pool.attempt_order()[-1] == B  # still the last resort
    clock.now += 5
    assert B in firsts(pool, 3)


def test_healthy_replicas_share_the_load_evenly_while_one_is_benched(clock):
    pool = ReplicaPool([A, B, C], cooldown_seconds=5, clock=clock)
    pool.refused(A)
    assert firsts(pool, 4) == [B, C, B, C]


def test_when_every_replica_is_benched_the_soonest_back_is_tried_first(clock):
    pool = ReplicaPool([A, B], cooldown_seconds=5, clock=clock)
    pool.refused(B)
    clock.now += 1
    pool.refused(A)
    assert pool.attempt_order() == [B, A]


def test_a_benched_replica_that_answers_is_healthy_again(clock):
    pool = ReplicaPool([A, B], cooldown_seconds=5, clock=clock)
    pool.refused(A)
    pool.answered(A)
    assert set(firsts(pool, 2)) == {A, B}


def test_base_urls_lose_their_trailing_slash_and_empty_services_are_not_routed(clock):
    pools = replica_pools({"points": [A + "/"], "mall": []}, cooldown_seconds=5, clock=clock)
    assert list(pools) == ["points"] and pools["points"].urls == (A,)
