"""What the proxy passes on: hop-by-hop headers dropped, ids and forwarding set, bodies capped."""

from __future__ import annotations

import re

import pytest

from gateway.proxy import declared_too_large, has_body, upstream_headers
from gateway.relay import BodyTooLarge, LimitedBody, end_to_end

TRACE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def h(**pairs: str) -> list[tuple[bytes, bytes]]:
    return [(k.replace("_", "-").encode(), v.encode()) for k, v in pairs.items()]


def names(headers: list[tuple[bytes, bytes]]) -> set[str]:
    return {k.decode() for k, _ in headers}


def test_hop_by_hop_headers_and_those_connection_names_are_dropped():
    incoming = h(
        Connection="keep-alive, X-Session-Hop",
        X_Session_Hop="1",
        Keep_Alive="timeout=5",
        TE="trailers",
        Trailer="Expires",
        Transfer_Encoding="chunked",
        Upgrade="websocket",
        Proxy_Authorization="Basic eA==",
        Proxy_Connection="keep-alive",
        Authorization="Bearer t",
        Content_Type="application/json",
    )
    assert names(end_to_end(incoming)) == {"authorization", "content-type"}


def test_authorization_and_content_length_pass_unchanged():
    kept = dict(end_to_end(h(Authorization="Bearer abc", Content_Length="12")))
    assert kept == {b"authorization": b"Bearer abc", b"content-length": b"12"}


def test_request_id_traceparent_and_client_ip_are_set_on_the_way_up():
    out = dict(
        upstream_headers(h(Host="gw", Accept="*/*"), request_id="rid-1", client_ip="10.0.0.9")
    )
    assert out[b"x-request-id"] == b"rid-1"
    assert out[b"x-forwarded-for"] == b"10.0.0.9"
    assert re.fullmatch(rb"00-[0-9a-f]{32}-[0-9a-f]{16}-01", out[b"traceparent"])
    assert b"host" not in out and out[b"accept"] == b"*/*"


def test_incoming_traceparent_is_kept_and_a_malformed_one_replaced():
    kept = dict(upstream_headers(h(traceparent=TRACE), request_id="r", client_ip="1.1.1.1"))
    bad = dict(upstream_headers(h(traceparent="00-zz-01"), request_id="r", client_ip="1.1.1.1"))
    assert kept[b"traceparent"] == TRACE.encode()
    assert bad[b"traceparent"] != b"00-zz-01"


def test_client_ip_is_appended_to_an_existing_forwarded_chain():
    incoming = [(b"x-forwarded-for", b"203.0.113.7"), (b"x-forwarded-for", b"198.51.100.2")]
    out = upstream_headers(incoming, request_id="r", client_ip="10.0.0.9")
    assert [v for k, v in out if k == b"x-forwarded-for"] == [
        b"203.0.113.7, 198.51.100.2, 10.0.0.9"
    ]


def test_client_already_at_the_end_of_the_chain_is_not_listed_twice():
    # uvicorn with --forwarded-allow-ips took the client from the chain a trusted balancer sent.
    out = upstream_headers(
        h(X_Forwarded_For="203.0.113.7"), request_id="r", client_ip="203.0.113.7"
    )
    assert dict(out)[b"x-forwarded-for"] == b"203.0.113.7"


def test_incoming_request_id_header_is_replaced_by_the_one_the_gateway_answers_with():
    out = upstream_headers(h(X_Request_ID="bad id!"), request_id="clean", client_ip="1.1.1.1")
    assert [v for k, v in out if k == b"x-request-id"] == [b"clean"]


@pytest.mark.parametrize(
    ("length", "too_large"), [("1024", False), ("1025", True), ("-1", True), ("abc", True)]
)
def test_declared_length_over_the_limit_or_not_a_number_is_refused(length, too_large):
    assert declared_too_large(h(Content_Length=length), 1024) is too_large


def test_no_declared_length_is_left_to_the_streaming_check():
    assert not declared_too_large(h(Transfer_Encoding="chunked"), 1024)


@pytest.mark.parametrize(
    ("headers", "body"),
    [
        ({}, False),
        ({"Content_Length": "0"}, False),
        ({"Content_Length": "3"}, True),
        ({"Transfer_Encoding": "chunked"}, True),
    ],
)
def test_only_requests_that_carry_a_body_stream_one_up(headers, body):
    assert has_body(h(**headers)) is body


async def chunks(*parts: bytes):
    for part in parts:
        yield part


async def test_body_within_the_limit_streams_through_unchanged():
    body = LimitedBody(chunks(b"ab", b"cd"), limit=4)
    assert not body.started
    assert [c async for c in body] == [b"ab", b"cd"] and body.started


async def test_body_past_the_limit_stops_before_the_chunk_that_crosses_it():
    sent = []
    with pytest.raises(BodyTooLarge):
        async for chunk in LimitedBody(chunks(b"ab", b"cd", b"e"), limit=4):
            sent.append(chunk)
    assert sent == [b"ab", b"cd"]


def test_open311_paths_map_onto_the_petitions_service_as_the_client_encoded_them():
    from gateway.proxy import open311_path

    scope = {
        "path": "/open311/v2/services/a b.json",
        "raw_path": b"/open311/v2/services/a%20b.json",
    }
    assert open311_path(scope) == b"/api/petitions/open311/v2/services/a%20b.json"
    assert open311_path({"path": "/open311/v2/discovery.xml"}) == (
        b"/api/petitions/open311/v2/discovery.xml"
    )
