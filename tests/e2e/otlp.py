"""An OTLP/HTTP trace receiver for tests: what the platform's processes export, decoded."""

from __future__ import annotations

import asyncio
import gzip
from dataclasses import dataclass, field

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)


@dataclass(frozen=True)
class ExportedSpan:
    service: str  # the resource's service.name
    trace_id: str
    name: str
    attributes: dict[str, str]


@dataclass
class Receiver:
    """POST /v1/traces (application/x-protobuf, maybe gzip) on 127.0.0.1:`port`."""

    port: int
    spans: list[ExportedSpan] = field(default_factory=list)
    _server: asyncio.Server | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    def traces_of(self, service: str) -> set[str]:
        return {s.trace_id for s in self.spans if s.service == service}

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while head := await reader.readuntil(b"\r\n\r\n"):
                headers = _headers(head)
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                if headers.get("content-encoding") == "gzip":
                    body = gzip.decompress(body)
                self.spans.extend(decode(body))
                answer = ExportTraceServiceResponse().SerializeToString()
                writer.write(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/x-protobuf\r\n"
                    + f"Content-Length: {len(answer)}\r\n\r\n".encode()
                    + answer
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


def _headers(head: bytes) -> dict[str, str]:
    lines = head.decode("latin-1").split("\r\n")[1:]
    pairs = (line.split(":", 1) for line in lines if ":" in line)
    return {name.strip().lower(): value.strip() for name, value in pairs}


def decode(body: bytes) -> list[ExportedSpan]:
    request = ExportTraceServiceRequest.FromString(body)
    found: list[ExportedSpan] = []
    for resource_spans in request.resource_spans:
        resource = {a.key: a.value.string_value for a in resource_spans.resource.attributes}
        for scope_spans in resource_spans.scope_spans:
            for span in scope_spans.spans:
                attributes = {a.key: a.value.string_value for a in span.attributes}
                found.append(
                    ExportedSpan(
                        service=resource.get("service.name", ""),
                        trace_id=span.trace_id.hex(),
                        name=span.name,
                        attributes=attributes,
                    )
                )
    return found
