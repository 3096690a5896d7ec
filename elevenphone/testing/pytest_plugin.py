"""pytest plugin: the ``fake_elevenlabs`` fixture.

Registered through the ``pytest11`` entry point, so installing elevenphone is
enough. The fixture is an async fixture: with pytest-asyncio installed it is
declared through ``pytest_asyncio.fixture`` and works in both ``auto`` and
``strict`` mode; without it, it is a plain async fixture that another async
plugin (such as anyio's) may run. Nothing heavy is imported until a test asks
for the fixture.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from elevenphone.testing import FakeElevenLabs


def _async_fixture_decorator() -> Any:
    try:
        import pytest_asyncio
    except ImportError:  # pragma: no cover - depends on the user's environment
        return pytest.fixture
    return pytest_asyncio.fixture


async def _fake_elevenlabs() -> AsyncIterator[FakeElevenLabs]:
    """A started ``FakeElevenLabs(numbers=10, seed=0)``, closed after the test.

    The ten numbers and their IDs are the same in every test; tweak
    ``latency``, ``fault_rate``, ``concurrency_limit`` or ``script()`` faults
    on the instance as needed.
    """
    from elevenphone.testing import FakeElevenLabs

    async with FakeElevenLabs(numbers=10, seed=0) as fake:
        yield fake


fake_elevenlabs = _async_fixture_decorator()(_fake_elevenlabs, name="fake_elevenlabs")
