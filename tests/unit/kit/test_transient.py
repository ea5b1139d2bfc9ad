"""Which failures the consumer retries forever and which it does not."""

import asyncpg
from aiokafka.errors import KafkaConnectionError
from sqlalchemy import exc as sa_exc

from kit.errors import PermanentEventError
from kit.transient import is_transient


def test_connection_failures_are_transient():
    assert is_transient(ConnectionRefusedError())
    assert is_transient(KafkaConnectionError())
    assert is_transient(asyncpg.CannotConnectNowError("starting up"))
    wrapped = sa_exc.OperationalError("SELECT 1", {}, ConnectionResetError())
    assert is_transient(wrapped)


def test_a_cause_chain_is_followed():
    try:
        try:
            raise ConnectionResetError("reset")
        except ConnectionResetError as inner:
            raise RuntimeError("wrapped") from inner
    except RuntimeError as outer:
        assert is_transient(outer)


def test_domain_and_programming_errors_are_not_transient():
    assert not is_transient(PermanentEventError("no such item"))
    assert not is_transient(ValueError("bad"))
    assert not is_transient(sa_exc.IntegrityError("INSERT", {}, Exception("duplicate key")))
