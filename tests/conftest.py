"""Fixtures shared by every test: sample replies, the scripted loopback server,
aioresponses, and a client on a mocked base URL.

Tests that mock HTTP with aioresponses (the ``mocked`` fixture) are marked
``aioresponses``: the ``tests-latest-aiohttp`` session deselects them, since
aioresponses cannot build responses on aiohttp 3.14 yet.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from aioresponses import aioresponses
from hypothesis import HealthCheck, settings

from elevenphone import ElevenPhone, RetryPolicy
from tests.loopback import server

__all__ = ["server"]

# No property test may fail for being slow: on a loaded machine an example can
# take longer than hypothesis's 200 ms deadline, or the data longer to draw.
settings.register_profile(
    "elevenphone", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("elevenphone")

API_KEY = "sk_test_secret_key_0123456789"
BASE_URL = "https://api.test.invalid"
NUMBERS_URL = f"{BASE_URL}/v1/convai/phone-numbers"


def twilio_number(**overrides: Any) -> dict[str, Any]:
    """A twilio phone number as the API returns it."""
    number: dict[str, Any] = {
        "provider": "twilio",
        "phone_number": "+14155550100",
        "label": "Sales",
        "phone_number_id": "phnum_2701kacmjq23fzaacdgqwt0qty0b",
        "supports_inbound": True,
        "supports_outbound": True,
        "assigned_agent": {
            "agent_id": "agent_3701k3ttaq12ewp8b7qv5rfyszkz",
            "agent_name": "Receptionist",
        },
    }
    number.update(overrides)
    return number


def sip_trunk_number(**overrides: Any) -> dict[str, Any]:
    """A sip_trunk phone number as the API returns it."""
    number: dict[str, Any] = {
        "provider": "sip_trunk",
        "phone_number": "+442071838750",
        "label": "Support",
        "phone_number_id": "phnum_0001kacmjq23fzaacdgqwt0qty0c",
        "assigned_agent": None,
        "livekit_stack": "standard",
        "store_sip_messages": False,
        "outbound_trunk": {
            "address": "sip.example.com",
            "transport": "tls",
            "media_encryption": "required",
            "headers": {"X-Team": "support"},
            "has_auth_credentials": True,
            "username": "trunk-user",
            "enabled_codecs": ["PCMU", "opus"],
        },
        "inbound_trunk": {
            "allowed_addresses": ["203.0.113.0/24"],
            "allowed_numbers": None,
            "media_encryption": "allowed",
            "has_auth_credentials": False,
        },
    }
    number.update(overrides)
    return number


class RecordingSleep:
    """A sleep that records each delay instead of waiting."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@pytest.fixture
def sleeps() -> RecordingSleep:
    return RecordingSleep()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "mocked" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.aioresponses)


@pytest.fixture
def mocked() -> Iterator[aioresponses]:
    with aioresponses() as m:
        yield m


@pytest.fixture
async def client(sleeps: RecordingSleep) -> AsyncIterator[ElevenPhone]:
    async with ElevenPhone(API_KEY, base_url=BASE_URL, retry_policy=RetryPolicy(sleep=sleeps)) as c:
        yield c


def sent_requests(m: aioresponses) -> list[tuple[str, str, Any]]:
    """(method, url, kwargs) of every request aioresponses saw, in order."""
    calls = []
    for (method, url), requests in m.requests.items():
        for call in requests:
            calls.append((method, str(url), call.kwargs))
    return calls


def sent_queries(m: aioresponses) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(method, path, query) of every request aioresponses saw, the query as
    its sorted (name, value) pairs, a repeated name once per value:
    aioresponses keeps a URL with its query sorted."""
    sent = []
    for method, url, _ in sent_requests(m):
        parts = urlsplit(url)
        sent.append((method, parts.path, sorted(parse_qsl(parts.query))))
    return sent


def sent_json(kwargs: dict[str, Any]) -> Any:
    return json.loads(kwargs["data"])
