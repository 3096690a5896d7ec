"""``conversations.poll`` and ``batch_calls.poll``: done, failed, a timeout, a
404 before the conversation is written, a 429 waited out, cancelled.

No test waits for a time: the client's sleep records each delay and returns
at once, and the poll counts what it slept (the delays are minutes, far above
what a test takes); the loop itself is also driven by a clock of its own.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable

import pytest
from aioresponses import aioresponses

from elevenphone import (
    BatchCallDetail,
    Conversation,
    ElevenPhone,
    ElevenPhoneError,
    InvalidRequestError,
    NotFoundError,
    PollTimeoutError,
    RateLimitError,
    RetryPolicy,
)
from elevenphone.resources._polling import NOT_FOUND_GRACE, poll
from elevenphone.testing import FakeElevenLabs
from tests.conftest import API_KEY, BASE_URL, RecordingSleep, sent_queries
from tests.lifecycle_samples import (
    BATCH_ID,
    CONVERSATION_ID,
    batch_call_reply,
    batch_recipient,
    conversation_reply,
)

CONVERSATION = f"/v1/convai/conversations/{CONVERSATION_ID}"
BATCH = f"/v1/convai/batch-calling/{BATCH_ID}"
CONVERSATION_URL = re.compile(re.escape(BASE_URL + CONVERSATION) + "$")
BATCH_URL = re.compile(re.escape(BASE_URL + BATCH) + "$")
NOT_FOUND = {"detail": {"status": "conversation_not_found", "message": "Not found"}}


def under_way(status: str = "in-progress") -> dict[str, object]:
    return conversation_reply(status=status)


def reads(mocked: aioresponses) -> int:
    return len(sent_queries(mocked))


# --- conversations -----------------------------------------------------------------------


async def test_poll_returns_the_conversation_once_it_is_done(
    mocked: aioresponses, client: ElevenPhone, sleeps: RecordingSleep
) -> None:
    for status in ("initiated", "in-progress", "processing"):
        mocked.get(CONVERSATION_URL, payload=under_way(status))
    mocked.get(CONVERSATION_URL, payload=conversation_reply())
    conversation = await client.conversations.poll(CONVERSATION_ID, interval=3)
    assert isinstance(conversation, Conversation)
    assert (conversation.status, conversation.call_result) == ("done", "answered")
    assert sleeps.delays == [3, 3, 3]
    assert reads(mocked) == 4


async def test_poll_returns_a_failed_conversation(
    mocked: aioresponses, client: ElevenPhone, sleeps: RecordingSleep
) -> None:
    mocked.get(CONVERSATION_URL, payload=under_way("initiated"))
    failed = conversation_reply(status="failed")
    failed["metadata"]["error"] = {"code": 500, "reason": "carrier error"}
    mocked.get(CONVERSATION_URL, payload=failed)
    conversation = await client.conversations.poll(CONVERSATION_ID)
    assert conversation.status == "failed"
    assert conversation.metadata.error is not None
    assert conversation.metadata.error.reason == "carrier error"
    assert sleeps.delays == [2.0]  # the default interval


async def test_poll_gives_up_when_the_timeout_runs_out(
    mocked: aioresponses, client: ElevenPhone, sleeps: RecordingSleep
) -> None:
    mocked.get(CONVERSATION_URL, payload=under_way(), repeat=True)
    with pytest.raises(PollTimeoutError) as caught:
        await client.conversations.poll(CONVERSATION_ID, interval=60, timeout=150)
    error = caught.value
    assert isinstance(error, TimeoutError)
    assert isinstance(error, ElevenPhoneError)
    assert error.timeout == 150
    assert isinstance(error.last, Conversation)
    assert error.last.status == "in-progress"
    assert str(error) == f"conversation {CONVERSATION_ID!r} is still 'in-progress' after 150 s"
    # Reads at 0, 60, 120 and at the deadline, 150: never past it.
    assert sleeps.delays == [60, 60, 30]
    assert reads(mocked) == 4


async def test_a_timeout_of_zero_reads_once(
    mocked: aioresponses, client: ElevenPhone, sleeps: RecordingSleep
) -> None:
    mocked.get(CONVERSATION_URL, payload=under_way(), repeat=True)
    with pytest.raises(PollTimeoutError):
        await client.conversations.poll(CONVERSATION_ID, timeout=0)
    assert (reads(mocked), sleeps.delays) == (1, [])


async def test_a_conversation_not_written_yet_is_read_again(
    mocked: aioresponses, client: ElevenPhone, sleeps: RecordingSleep
) -> None:
    mocked.get(CONVERSATION_URL, status=404, payload=NOT_FOUND)
    mocked.get(CONVERSATION_URL, status=404, payload=NOT_FOUND)
    mocked.get(CONVERSATION_URL, payload=under_way("initiated"))
    mocked.get(CONVERSATION_URL, payload=conversation_reply())
    conversation = await client.conversations.poll(CONVERSATION_ID, interval=1, timeout=60)
    assert conversation.status == "done"
    assert sleeps.delays == [1, 1, 1]
    assert reads(mocked) == 4


async def test_a_conversation_never_found_ends_the_poll_after_the_grace(
    mocked: aioresponses, client: ElevenPhone, sleeps: RecordingSleep
) -> None:
    mocked.get(CONVERSATION_URL, status=404, payload=NOT_FOUND, repeat=True)
    with pytest.raises(NotFoundError):
        await client.conversations.poll(CONVERSATION_ID, interval=10)  # no timeout
    assert sum(sleeps.delays) == NOT_FOUND_GRACE
    assert reads(mocked) == NOT_FOUND_GRACE / 10 + 1


async def test_a_conversation_gone_after_it_was_read_ends_the_poll(
    mocked: aioresponses, client: ElevenPhone, sleeps: RecordingSleep
) -> None:
    mocked.get(CONVERSATION_URL, payload=under_way())
    mocked.get(CONVERSATION_URL, status=404, payload=NOT_FOUND)
    with pytest.raises(NotFoundError):
        await client.conversations.poll(CONVERSATION_ID, timeout=600)
    assert reads(mocked) == 2


@pytest.mark.parametrize("max_retries", [0, 2])
async def test_a_429_is_waited_out_as_the_server_asks(
    mocked: aioresponses, sleeps: RecordingSleep, max_retries: int
) -> None:
    # Waited by the request's own retries, or, with none left, by the poll.
    busy = {"detail": {"code": "rate_limit_exceeded", "message": "Slow down"}}
    mocked.get(CONVERSATION_URL, status=429, payload=busy, headers={"Retry-After": "7"})
    mocked.get(CONVERSATION_URL, payload=conversation_reply())
    policy = RetryPolicy(sleep=sleeps)
    async with ElevenPhone(
        API_KEY, base_url=BASE_URL, max_retries=max_retries, retry_policy=policy
    ) as client:
        conversation = await client.conversations.poll(CONVERSATION_ID, interval=1)
    assert conversation.status == "done"
    assert sleeps.delays == [7.0]
    assert reads(mocked) == 2


async def test_poll_stops_when_cancelled(mocked: aioresponses) -> None:
    mocked.get(CONVERSATION_URL, payload=under_way(), repeat=True)
    sleeping = asyncio.Event()

    async def sleep_until_cancelled(seconds: float) -> None:
        sleeping.set()
        await asyncio.get_running_loop().create_future()  # never done

    policy = RetryPolicy(sleep=sleep_until_cancelled)
    async with ElevenPhone(API_KEY, base_url=BASE_URL, retry_policy=policy) as client:
        task = asyncio.ensure_future(client.conversations.poll(CONVERSATION_ID))
        await sleeping.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert task.cancelled()
    assert reads(mocked) == 1


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"interval": 0}, "interval"),
        ({"interval": -1}, "interval"),
        ({"interval": float("nan")}, "interval"),
        ({"interval": "2"}, "interval"),
        ({"timeout": -1}, "timeout"),
        ({"timeout": float("inf")}, "timeout"),
        ({"timeout": True}, "timeout"),
    ],
)
async def test_bad_times_are_refused_before_anything_is_sent(
    mocked: aioresponses, client: ElevenPhone, arguments: dict[str, object], field: str
) -> None:
    for call in (client.conversations.poll, client.batch_calls.poll):
        with pytest.raises(InvalidRequestError) as caught:
            await call("x_1", **arguments)  # type: ignore[operator]
        assert caught.value.field == field
    assert reads(mocked) == 0


async def test_a_call_placed_on_the_fake_is_waited_for() -> None:
    async with FakeElevenLabs(numbers=3, seed=4, call_duration=0) as fake:
        fake.script_call_result("+14155550177", "busy")
        caller = next(pid for pid, n in fake.numbers.items() if n["provider"] == "twilio")
        async with ElevenPhone(fake.api_key, base_url=fake.base_url) as client:
            placed = await client.calls.outbound(
                agent_id="agent_bot", agent_phone_number_id=caller, to_number="+14155550177"
            )
            conversation = await client.conversations.poll(
                placed.conversation_id, interval=0.01, timeout=30
            )
    assert (conversation.status, conversation.call_result) == ("done", "busy")
    assert conversation.metadata.termination_reason == "Line busy"


# --- batches -------------------------------------------------------------------------------


def batch(status: str) -> dict[str, object]:
    return {**batch_call_reply(status=status), "recipients": [batch_recipient()]}


@pytest.mark.parametrize("final", ["completed", "failed", "cancelled"])
async def test_a_batch_poll_ends_at_each_final_status(
    mocked: aioresponses, client: ElevenPhone, sleeps: RecordingSleep, final: str
) -> None:
    mocked.get(BATCH_URL, payload=batch("pending"))
    mocked.get(BATCH_URL, payload=batch("in_progress"))
    mocked.get(BATCH_URL, payload=batch(final))
    detail = await client.batch_calls.poll(BATCH_ID)
    assert isinstance(detail, BatchCallDetail)
    assert detail.status == final
    assert sleeps.delays == [5.0, 5.0]  # the default interval


async def test_a_batch_poll_times_out_and_a_missing_batch_is_not_waited_for(
    mocked: aioresponses, client: ElevenPhone, sleeps: RecordingSleep
) -> None:
    mocked.get(BATCH_URL, payload=batch("in_progress"), repeat=True)
    with pytest.raises(PollTimeoutError) as caught:
        await client.batch_calls.poll(BATCH_ID, interval=100, timeout=250)
    assert str(caught.value) == f"batch {BATCH_ID!r} is still 'in_progress' after 250 s"
    assert isinstance(caught.value.last, BatchCallDetail)
    mocked.clear()
    sleeps.delays.clear()
    mocked.get(BATCH_URL, status=404, payload={"detail": {"status": "batch_call_not_found"}})
    with pytest.raises(NotFoundError):
        await client.batch_calls.poll(BATCH_ID, timeout=600)
    assert sleeps.delays == []


# --- the loop, on a clock of its own --------------------------------------------------------


class Clock:
    """A clock that moves only when the poll sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.delays: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.delays.append(seconds)
        self.now += seconds


class Status:
    def __init__(self, status: str) -> None:
        self.status = status


def reader(*statuses: str) -> tuple[Callable[[], Awaitable[Status]], list[int]]:
    count = [0]

    async def read() -> Status:
        count[0] += 1
        return Status(statuses[min(count[0], len(statuses)) - 1])

    return read, count


async def test_the_loop_reads_on_its_clock_until_the_deadline() -> None:
    clock = Clock()
    read, count = reader("a", "a", "a", "a", "a", "end")
    with pytest.raises(PollTimeoutError) as caught:
        await poll(
            read,
            final=frozenset({"end"}),
            what="thing 't'",
            interval=4,
            timeout=10,
            policy=RetryPolicy(sleep=clock.sleep),
            clock=clock,
        )
    assert clock.delays == [4, 4, 2]
    assert count[0] == 4
    assert str(caught.value) == "thing 't' is still 'a' after 10 s"


async def test_the_loop_counts_what_it_slept_when_its_clock_stands_still() -> None:
    sleeps = RecordingSleep()
    read, count = reader("a")
    with pytest.raises(PollTimeoutError):
        await poll(
            read,
            final=frozenset({"end"}),
            what="thing",
            interval=1,
            timeout=3,
            policy=RetryPolicy(sleep=sleeps),
            clock=lambda: 0.0,
        )
    assert (sleeps.delays, count[0]) == ([1, 1, 1], 4)


async def test_a_429_until_the_deadline_times_out_with_nothing_read() -> None:
    clock = Clock()
    refused = RateLimitError("Slow down", status_code=429, headers={}, body=None, retry_after=30.0)

    async def read() -> Status:
        raise refused

    with pytest.raises(PollTimeoutError) as caught:
        await poll(
            read,
            final=frozenset({"end"}),
            what="thing 't'",
            interval=1,
            timeout=45,
            policy=RetryPolicy(sleep=clock.sleep),
            clock=clock,
        )
    assert str(caught.value) == "thing 't' was not read after 45 s"
    assert caught.value.last is None
    assert clock.delays == [30.0, 15.0]  # as the server asked, then the rest of the timeout
