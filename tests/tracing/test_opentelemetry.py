"""OpenTelemetry's aiohttp instrumentation traces elevenphone's requests, each
retry attempt included, on the session the SDK creates itself (the ``otel``
extra: ``pip install "elevenphone[otel]"``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

pytest.importorskip("opentelemetry.instrumentation.aiohttp_client")

from opentelemetry import trace
from opentelemetry.instrumentation.aiohttp_client import AioHttpClientInstrumentor
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import (
    InMemorySpanExporter,
)

from elevenphone import ElevenPhone, RetryPolicy
from elevenphone.testing import FakeElevenLabs, Fault
from tests.conftest import RecordingSleep


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    instrumentor = AioHttpClientInstrumentor()
    instrumentor.instrument(tracer_provider=provider)
    try:
        yield exporter
    finally:
        instrumentor.uninstrument()


def _http(span: ReadableSpan, *names: str) -> object:
    attributes = span.attributes or {}
    return next((attributes[name] for name in names if name in attributes), None)


async def test_every_attempt_is_a_client_span(spans: InMemorySpanExporter) -> None:
    async with FakeElevenLabs() as fake:
        pid = fake.add_number(phone_number_id="phnum_traced")
        fake.script(Fault.server_error(503), Fault.rate_limited())
        async with ElevenPhone(
            fake.api_key,
            base_url=fake.base_url,
            retry_policy=RetryPolicy(sleep=RecordingSleep()),
        ) as client:  # the SDK creates its session itself, after instrumenting
            await client.phone_numbers.update(pid, label="Traced")
    finished = spans.get_finished_spans()
    assert len(finished) == 3  # the first attempt and both retries
    assert all(span.kind is trace.SpanKind.CLIENT for span in finished)
    statuses = [_http(span, "http.response.status_code", "http.status_code") for span in finished]
    assert statuses == [503, 429, 200]
    methods = {_http(span, "http.request.method", "http.method") for span in finished}
    assert methods == {"PATCH"}
    urls = {str(_http(span, "url.full", "http.url")) for span in finished}
    assert all(url.endswith("/v1/convai/phone-numbers/phnum_traced") for url in urls)
    for span in finished:  # the key is a header: never an attribute of a span
        assert fake.api_key not in repr(span.attributes)
