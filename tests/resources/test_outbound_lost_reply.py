"""A lost reply of ``calls.outbound``, aimed with ``script(method=, path=)`` past
the provider lookup at the call itself: outcome unknown, and the phone rang once.

Unaimed, the fault would land on the lookup GET, which is retried, and the test
would pass while testing nothing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from elevenphone import ElevenPhone, ElevenPhoneError, RetryPolicy
from elevenphone.testing import FakeElevenLabs, Fault
from tests.conftest import RecordingSleep

CALL = "/v1/convai/*/outbound-call"


@pytest.fixture
async def fake() -> AsyncIterator[FakeElevenLabs]:
    async with FakeElevenLabs(seed=3) as fake:
        yield fake


@pytest.mark.parametrize("provider", ["twilio", "exotel"])
@pytest.mark.parametrize(
    "lost",
    [Fault.reset(), Fault.server_error(503), Fault.truncate()],
    ids=["reset", "503", "truncated"],
)
async def test_a_lost_outbound_reply_is_outcome_unknown_and_the_phone_rang_once(
    fake: FakeElevenLabs, provider: str, lost: Fault
) -> None:
    pid = fake.add_number(provider=provider)
    fake.script(Fault.after_acting(lost), method="POST", path=CALL)
    policy = RetryPolicy(sleep=RecordingSleep())
    async with ElevenPhone(
        fake.api_key, base_url=fake.base_url, max_retries=5, retry_policy=policy
    ) as client:
        with pytest.raises(ElevenPhoneError) as caught:
            await client.calls.outbound(
                agent_id="agent_bot", agent_phone_number_id=pid, to_number="+14155550199"
            )
    assert caught.value.outcome_unknown is True
    assert len(fake.calls) == 1
    assert fake.scripted_pending == 0  # the fault hit the call, not the lookup
    assert [(r.method, r.path) for r in fake.requests] == [
        ("GET", f"/v1/convai/phone-numbers/{pid}"),
        ("POST", f"/v1/convai/{provider}/outbound-call"),
    ]
