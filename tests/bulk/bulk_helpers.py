"""Helpers for bulk tests against elevenphone.testing's fake."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

from elevenphone import ElevenPhone, RetryPolicy
from elevenphone.testing import FakeElevenLabs

# Tiny backoff, and Retry-After ignored (the fake's default fault mix asks for
# 1 s), so that a run full of faults stays fast.
FAST_RETRIES = RetryPolicy(initial_delay=0.001, max_delay=0.01, max_retry_after=0.0)


async def _one_turn(seconds: float) -> None:
    await asyncio.sleep(0)


# Backoff waits one turn of the event loop, whatever its length, so that when
# a retry reaches the fake depends on events, never on the clock.
TURN_RETRIES = dataclasses.replace(FAST_RETRIES, sleep=_one_turn)


def client_for(
    fake: FakeElevenLabs,
    *,
    max_retries: int = 10,
    retry_policy: RetryPolicy = FAST_RETRIES,
    **options: Any,
) -> ElevenPhone:
    """A client of ``fake`` that retries fast."""
    return ElevenPhone(
        fake.api_key,
        base_url=fake.base_url,
        max_retries=max_retries,
        retry_policy=retry_policy,
        **options,
    )


def agent_of(number: dict[str, Any]) -> str | None:
    """The agent id of a number as the fake holds it."""
    agent = number.get("assigned_agent")
    return None if agent is None else str(agent["agent_id"])


def patched_ids(fake: FakeElevenLabs, start: int = 0) -> list[str]:
    """The ids of the PATCH requests the fake received, from request ``start`` on."""
    prefix = "/v1/convai/phone-numbers/"
    return [
        request.path[len(prefix) :]
        for request in fake.requests[start:]
        if request.method == "PATCH" and request.path.startswith(prefix)
    ]
