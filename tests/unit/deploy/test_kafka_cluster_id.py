"""The KRaft cluster id never reaches `kafka-storage format` looking like an option."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

from deploy.kafka.broker import format_arguments, new_cluster_id

# 0xF8 puts 62 in the first six bits, which base64url writes as '-'.
DASHED = bytes([0xF8]) + bytes(15)
PLAIN = bytes([0x10]) + bytes(15)


def _source(*draws: bytes) -> Iterator[bytes]:
    return iter(draws)


def test_a_drawn_id_that_starts_with_a_dash_is_drawn_again():
    assert base64.urlsafe_b64encode(DASHED).decode().startswith("-")
    draws = _source(DASHED, DASHED, PLAIN)
    cluster_id = new_cluster_id(lambda: next(draws))
    assert cluster_id == base64.urlsafe_b64encode(PLAIN).decode().rstrip("=")
    assert next(draws, None) is None  # exactly three draws were taken


def test_ids_are_22_characters_of_base64url_and_never_start_with_a_dash():
    ids = {new_cluster_id() for _ in range(2000)}
    assert len(ids) == 2000
    for cluster_id in ids:
        assert len(cluster_id) == 22 and not cluster_id.startswith("-")
        assert len(base64.urlsafe_b64decode(cluster_id + "==")) == 16


def test_the_id_is_passed_joined_to_its_option_so_a_dash_cannot_read_as_a_flag():
    argv = format_arguments("-AbCdEfGhIjKlMnOpQrStU", Path("server.properties"))
    assert "--cluster-id=-AbCdEfGhIjKlMnOpQrStU" in argv
    assert "-t" not in argv and "-AbCdEfGhIjKlMnOpQrStU" not in argv
