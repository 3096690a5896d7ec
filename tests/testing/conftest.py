"""Fixtures for testing the fake API with raw aiohttp requests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from elevenphone.testing import FakeElevenLabs
from tests.testing.helpers import Api


@pytest.fixture
async def fake() -> AsyncIterator[FakeElevenLabs]:
    """A started fake with 30 seeded numbers."""
    async with FakeElevenLabs(numbers=30, seed=7) as fake:
        yield fake


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    """A client session that opens a new connection per request, so a connection
    broken by a fault is never reused."""
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True)) as session:
        yield session


@pytest.fixture
def api(fake: FakeElevenLabs, session: aiohttp.ClientSession) -> Api:
    """Raw HTTP access to ``fake``."""
    return Api(fake, session)
