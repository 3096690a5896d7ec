"""Raw-HTTP helpers for testing the fake (never through the SDK)."""

from __future__ import annotations

from typing import Any

import aiohttp
from yarl import URL

from elevenphone.testing import FakeElevenLabs

NUMBERS = "/v1/convai/phone-numbers"


class Api:
    """A thin raw-HTTP helper bound to one fake: ``await api.call("GET", path)``."""

    def __init__(self, fake: FakeElevenLabs, session: aiohttp.ClientSession) -> None:
        self.fake = fake
        self.session = session

    async def call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        data: bytes | None = None,
        headers: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
    ) -> tuple[int, Any]:
        """Send one request with the right key (unless ``headers`` say otherwise).

        ``path`` is sent exactly as written (already percent-encoded). Returns
        ``(status, decoded JSON body)``.
        """
        sent = {"xi-api-key": self.fake.api_key, **(headers or {})}
        url = URL(self.fake.base_url + path, encoded=True)
        if params:
            url = url.with_query(params)
        async with self.session.request(
            method, url, json=json, data=data, headers=sent
        ) as response:
            return response.status, await response.json(content_type=None)

    async def patch(self, phone_number_id: str, body: Any) -> tuple[int, Any]:
        """PATCH ``body`` as JSON to one number."""
        return await self.call("PATCH", f"{NUMBERS}/{phone_number_id}", json=body)


def first_of(fake: FakeElevenLabs, provider: str, *, assigned: bool | None = None) -> str:
    """Return the ID of the first seeded number of ``provider`` (optionally (un)assigned)."""
    for pid, number in fake.numbers.items():
        if number["provider"] != provider:
            continue
        if assigned is None or (number["assigned_agent"] is not None) == assigned:
            return pid
    raise LookupError(provider)
