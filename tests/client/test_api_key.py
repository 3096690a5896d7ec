"""No key at all is refused when the client is built, naming both ways to give
one; an empty or blank key still means "send no key" (for a proxy that adds it)."""

from __future__ import annotations

import pytest

from elevenphone import AuthenticationError, ElevenPhone, InvalidRequestError
from elevenphone.testing import FakeElevenLabs


def test_no_key_at_all_is_refused_at_construction(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ELEVENLABS_API_KEY", raising=False)
    with pytest.raises(InvalidRequestError) as caught:
        ElevenPhone(base_url="http://127.0.0.1:9")
    assert caught.value.field == "api_key"
    assert "api_key=" in caught.value.message
    assert "ELEVENLABS_API_KEY" in caught.value.message
    # Both kinds of local refusal, as every InvalidRequestError is.
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, TypeError)


async def test_no_key_sends_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ELEVENLABS_API_KEY", raising=False)
    async with FakeElevenLabs() as fake:
        with pytest.raises(InvalidRequestError):
            ElevenPhone(base_url=fake.base_url)
        assert fake.requests == []


@pytest.mark.parametrize("key", ["", "  "])
async def test_an_explicit_empty_key_still_sends_no_key(
    key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with FakeElevenLabs() as fake:
        monkeypatch.setenv("ELEVENLABS_API_KEY", key)
        for client in (
            ElevenPhone(key, base_url=fake.base_url),
            ElevenPhone(base_url=fake.base_url),
        ):
            async with client:
                with pytest.raises(AuthenticationError):
                    await client.phone_numbers.list()
    assert [r.headers.get("xi-api-key") for r in fake.requests] == [None, None]


def test_a_key_from_the_environment_is_enough(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ELEVENLABS_API_KEY", "sk_from_env")
    assert "api_key=set" in repr(ElevenPhone(base_url="http://127.0.0.1:9"))
