"""``client.batch_calls``: the exact requests (aioresponses), recipients
refused before anything is sent, a submit and a retry never sent twice (the
fake's act-then-lose faults), a cancel retried, and a batch's life against
the fake."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import AsyncIterator

import pytest
from aioresponses import aioresponses

from elevenphone import (
    APIResponseValidationError,
    BatchCall,
    BatchCallDetail,
    BatchCallPage,
    BatchCallRecipient,
    BatchCallRecipientStatus,
    BatchCallStatus,
    BatchCallsWithRawResponse,
    ConversationInitiationClientData,
    ElevenPhone,
    ElevenPhoneError,
    InvalidRequestError,
    RetryPolicy,
    TelephonyCallConfig,
)
from elevenphone.testing import FakeElevenLabs, Fault
from tests.conftest import BASE_URL, RecordingSleep, sent_json, sent_queries, sent_requests
from tests.lifecycle_samples import AGENT_ID, BATCH_ID, batch_call_reply, batch_recipient

BATCHES = "/v1/convai/batch-calling"
URL = re.compile(re.escape(f"{BASE_URL}{BATCHES}") + r".*")
FROM = "phnum_2701kacmjq23fzaacdgqwt0qty0b"


def detail(**overrides: object) -> dict[str, object]:
    return {**batch_call_reply(**overrides), "recipients": [batch_recipient()]}


# --- submit --------------------------------------------------------------------------------


async def test_submit_sends_every_field_given_and_reads_the_batch(
    mocked: aioresponses, client: ElevenPhone
) -> None:
    mocked.post(URL, payload=batch_call_reply(status="pending"))
    batch = await client.batch_calls.submit(
        call_name="Spring reminders",
        agent_id=AGENT_ID,
        recipients=[
            BatchCallRecipient(
                phone_number="+14155550199",
                id="rcpt_0001",
                conversation_initiation_client_data=ConversationInitiationClientData(
                    dynamic_variables={"customer_name": "Grace"}
                ),
            ),
            {"phone_number": "+14155550198"},
        ],
        agent_phone_number_id=FROM,
        scheduled_time_unix=1739003600,
        timezone="Europe/London",
        target_concurrency_limit=2,
        telephony_call_config=TelephonyCallConfig(ringing_timeout_secs=30),
        branch_id="agtbrch_0201k5",
        environment=None,
    )
    [(method, url, sent)] = sent_requests(mocked)
    assert (method, url) == ("POST", f"{BASE_URL}{BATCHES}/submit")
    assert sent_json(sent) == {
        "call_name": "Spring reminders",
        "agent_id": AGENT_ID,
        "recipients": [
            {
                "phone_number": "+14155550199",
                "id": "rcpt_0001",
                "conversation_initiation_client_data": {
                    "dynamic_variables": {"customer_name": "Grace"}
                },
            },
            {"phone_number": "+14155550198"},
        ],
        "agent_phone_number_id": FROM,
        "scheduled_time_unix": 1739003600,
        "timezone": "Europe/London",
        "target_concurrency_limit": 2,
        "telephony_call_config": {"ringing_timeout_secs": 30},
        "branch_id": "agtbrch_0201k5",
        "environment": None,
    }
    assert isinstance(batch, BatchCall)
    assert (batch.id, batch.status) == (BATCH_ID, BatchCallStatus.PENDING)
    assert (batch.phone_provider, batch.target_concurrency_limit) == ("twilio", 2)


async def test_submit_sends_only_what_was_given(mocked: aioresponses, client: ElevenPhone) -> None:
    mocked.post(URL, payload=batch_call_reply())
    await client.batch_calls.submit(
        call_name="x", agent_id="agent_1", recipients=[{"phone_number": "+14155550199"}]
    )
    [(_, _, sent)] = sent_requests(mocked)
    assert sent["data"] == (
        b'{"call_name":"x","agent_id":"agent_1","recipients":[{"phone_number":"+14155550199"}]}'
    )


@pytest.mark.parametrize(
    ("recipients", "field", "words"),
    [
        ([], "recipients", "must not be empty"),
        ("+14155550199", "recipients", "must be a sequence"),
        ([{"phone_number": "+14155550199"}, {"id": "r2"}], "recipients.1.phone_number", ""),
        (
            [
                BatchCallRecipient(phone_number="+1 415-555-0199"),
                {"phone_number": "+14155550100"},
                {"phone_number": "+14155550199"},
            ],
            "recipients.2",
            "is already recipients.0",
        ),
        ([{"phone_number": "+14155550199"}, 42], "recipients.1", "must be a BatchCallRecipient"),
    ],
)
async def test_bad_recipients_are_refused_naming_the_index_before_anything_is_sent(
    mocked: aioresponses, client: ElevenPhone, recipients: object, field: str, words: str
) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        await client.batch_calls.submit(
            call_name="x",
            agent_id="agent_1",
            recipients=recipients,  # type: ignore[arg-type]
        )
    assert caught.value.field == field
    assert words in str(caught.value)
    assert sent_requests(mocked) == []


async def test_a_value_that_does_not_fit_is_refused_by_name(
    mocked: aioresponses, client: ElevenPhone
) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        await client.batch_calls.submit(
            call_name="x",
            agent_id="agent_1",
            recipients=[{"phone_number": "+14155550199"}],
            target_concurrency_limit=0,
        )
    assert caught.value.field == "target_concurrency_limit"
    assert sent_requests(mocked) == []


# --- never twice -----------------------------------------------------------------------


@pytest.fixture
async def fake() -> AsyncIterator[FakeElevenLabs]:
    async with FakeElevenLabs(numbers=6, seed=7, call_duration=0) as fake:
        fake.add_agent(AGENT_ID, name="Receptionist")
        yield fake


def client_of(fake: FakeElevenLabs, **kwargs: object) -> ElevenPhone:
    kwargs.setdefault("retry_policy", RetryPolicy(sleep=RecordingSleep()))
    return ElevenPhone(fake.api_key, base_url=fake.base_url, **kwargs)  # type: ignore[arg-type]


def twilio_number(fake: FakeElevenLabs) -> str:
    return next(pid for pid, n in fake.numbers.items() if n["provider"] == "twilio")


async def submit(client: ElevenPhone, fake: FakeElevenLabs, *numbers: str) -> BatchCall:
    return await client.batch_calls.submit(
        call_name="Spring reminders",
        agent_id=AGENT_ID,
        agent_phone_number_id=twilio_number(fake),
        recipients=[BatchCallRecipient(phone_number=n) for n in numbers],
    )


@pytest.mark.parametrize(
    "lost",
    [Fault.reset(), Fault.server_error(503), Fault.truncate()],
    ids=["reset", "503", "truncated"],
)
async def test_a_lost_submit_reply_is_outcome_unknown_and_one_batch_exists(
    fake: FakeElevenLabs, lost: Fault
) -> None:
    fake.script(Fault.after_acting(lost), method="POST", path=f"{BATCHES}/submit")
    async with client_of(fake, max_retries=5) as client:
        with pytest.raises(ElevenPhoneError) as caught:
            await submit(client, fake, "+14155550101")
    assert caught.value.outcome_unknown is True
    assert "batch submit" in str(caught.value)
    assert len(fake.batch_calls) == 1
    assert [r.method for r in fake.requests] == ["POST"]


async def test_a_submit_refused_up_front_is_sent_again(fake: FakeElevenLabs) -> None:
    fake.script(Fault.rate_limited(), method="POST", path=f"{BATCHES}/submit")
    async with client_of(fake) as client:
        batch = await submit(client, fake, "+14155550101")
    assert list(fake.batch_calls) == [batch.id]
    assert [r.method for r in fake.requests] == ["POST", "POST"]


@pytest.mark.parametrize(
    "lost",
    [Fault.reset(), Fault.server_error(503), Fault.truncate()],
    ids=["reset", "503", "truncated"],
)
async def test_a_lost_retry_reply_is_outcome_unknown_and_one_retry_happened(
    fake: FakeElevenLabs, lost: Fault
) -> None:
    fake.script_call_result("+14155550101", "busy")
    async with client_of(fake, max_retries=5) as client:
        batch = await submit(client, fake, "+14155550101")
        await fake.wait_for_calls()
        fake.script(Fault.after_acting(lost), method="POST", path=f"{BATCHES}/*/retry")
        with pytest.raises(ElevenPhoneError) as caught:
            await client.batch_calls.retry(batch.id)
    assert caught.value.outcome_unknown is True
    assert "batch retry" in str(caught.value)
    assert fake.batch_calls[batch.id]["retry_count"] == 1
    retries = [r for r in fake.requests if r.path.endswith("/retry")]
    assert len(retries) == 1


async def test_cancel_is_sent_again_after_a_lost_reply(
    mocked: aioresponses, client: ElevenPhone
) -> None:
    mocked.post(URL, status=503)
    mocked.post(URL, payload=batch_call_reply(status="cancelled"))
    cancelled = await client.batch_calls.cancel(BATCH_ID)
    assert cancelled.status == BatchCallStatus.CANCELLED
    cancel = f"{BATCHES}/{BATCH_ID}/cancel"
    assert sent_queries(mocked) == [("POST", cancel, []), ("POST", cancel, [])]
    assert all(sent["data"] is None for _, _, sent in sent_requests(mocked))  # no body


# --- the other calls, on the wire ------------------------------------------------------------


async def test_get_retry_delete_and_export_requests(
    mocked: aioresponses, client: ElevenPhone
) -> None:
    mocked.get(re.compile(re.escape(f"{BASE_URL}{BATCHES}/{BATCH_ID}") + "$"), payload=detail())
    mocked.post(URL, payload=batch_call_reply(retry_count=2))
    mocked.delete(URL, status=204)
    mocked.get(
        re.compile(re.escape(f"{BASE_URL}{BATCHES}/{BATCH_ID}/export") + r".*"),
        body=b"id,phone_number\nrcpt_0001,+14155550199\n",
        content_type="text/csv",
    )
    got = await client.batch_calls.get(BATCH_ID)
    retried = await client.batch_calls.retry(BATCH_ID)
    deleted = await client.batch_calls.delete(BATCH_ID)
    exported = await client.batch_calls.export(BATCH_ID, limit=1)
    assert sent_queries(mocked) == [
        ("GET", f"{BATCHES}/{BATCH_ID}", []),
        ("POST", f"{BATCHES}/{BATCH_ID}/retry", []),
        ("DELETE", f"{BATCHES}/{BATCH_ID}", []),
        ("GET", f"{BATCHES}/{BATCH_ID}/export", [("limit", "1")]),
    ]
    assert isinstance(got, BatchCallDetail)
    [recipient] = got.recipients
    assert (recipient.status, recipient.conversation_id) == (
        BatchCallRecipientStatus.COMPLETED,
        "conv_8701k4h2z3x5ve3a1n6qbv4t9s2m",
    )
    assert retried.retry_count == 2
    assert deleted is None
    assert exported == b"id,phone_number\nrcpt_0001,+14155550199\n"


async def test_an_id_is_one_path_segment_and_a_bad_one_is_refused(
    mocked: aioresponses, client: ElevenPhone
) -> None:
    mocked.post(URL, payload=batch_call_reply())
    await client.batch_calls.cancel("../submit")
    assert sent_queries(mocked) == [("POST", f"{BATCHES}/%2E%2E%2Fsubmit/cancel", [])]
    for call in (
        client.batch_calls.get,
        client.batch_calls.cancel,
        client.batch_calls.retry,
        client.batch_calls.delete,
        client.batch_calls.export,
        client.batch_calls.poll,
    ):
        with pytest.raises(InvalidRequestError) as caught:
            await call("")
        assert caught.value.field == "batch_id"
    with pytest.raises(InvalidRequestError) as caught:
        await client.batch_calls.export(BATCH_ID, limit=0)
    assert caught.value.field == "limit"
    assert len(sent_queries(mocked)) == 1


async def test_an_export_larger_than_the_cap_is_refused(mocked: aioresponses) -> None:
    mocked.get(URL, body=b"x" * 2048, content_type="text/csv")
    policy = RetryPolicy(sleep=RecordingSleep())
    async with ElevenPhone(
        "key", base_url=BASE_URL, max_response_bytes=1024, retry_policy=policy
    ) as client:
        with pytest.raises(APIResponseValidationError):
            await client.batch_calls.export(BATCH_ID)


async def test_list_page_and_iter_page_with_last_doc(
    mocked: aioresponses, client: ElevenPhone
) -> None:
    first = {"batch_calls": [batch_call_reply(id="b1")], "next_doc": "d2", "has_more": True}
    last = {"batch_calls": [batch_call_reply(id="b2")], "next_doc": None, "has_more": None}
    mocked.get(URL, payload=first)
    mocked.get(URL, payload=last)
    mocked.get(URL, payload=first)
    mocked.get(URL, payload=last)
    page = await client.batch_calls.list_page(agent_id="agent_1", limit=1, last_doc="d1")
    assert isinstance(page, BatchCallPage)
    assert (page.next_doc, page.has_more, page.cursor) == ("d2", True, "d2")
    following = await page.next_page()
    assert following is not None
    assert [b.id for b in following.batch_calls] == ["b2"]
    assert following.has_more is False
    found = [b.id async for b in client.batch_calls.iter(limit=1)]
    assert found == ["b1", "b2"]
    workspace = f"{BATCHES}/workspace"
    assert sent_queries(mocked) == [
        ("GET", workspace, [("agent_id", "agent_1"), ("last_doc", "d1"), ("limit", "1")]),
        ("GET", workspace, [("agent_id", "agent_1"), ("last_doc", "d2"), ("limit", "1")]),
        ("GET", workspace, [("limit", "1")]),
        ("GET", workspace, [("last_doc", "d2"), ("limit", "1")]),
    ]


async def test_raw_responses_of_batch_calls(mocked: aioresponses, client: ElevenPhone) -> None:
    mocked.post(URL, payload=batch_call_reply())
    raw_calls = client.batch_calls.with_raw_response
    assert isinstance(raw_calls, BatchCallsWithRawResponse)
    raw = await raw_calls.cancel(BATCH_ID)
    assert raw.status_code == 200
    assert raw.parse().id == BATCH_ID


# --- a batch's life, against the fake ------------------------------------------------------


async def test_a_batch_is_submitted_followed_exported_listed_and_deleted(
    fake: FakeElevenLabs,
) -> None:
    fake.script_call_result("+14155550102", "voicemail")
    async with client_of(fake) as client:
        batch = await submit(client, fake, "+14155550101", "+14155550102")
        done = await client.batch_calls.poll(batch.id, interval=0.01, timeout=30)
        assert done.status == BatchCallStatus.COMPLETED
        statuses = {r.phone_number: r.status for r in done.recipients}
        assert statuses == {"+14155550101": "completed", "+14155550102": "voicemail"}
        for recipient in done.recipients:
            assert recipient.conversation_id in fake.conversations

        exported = await client.batch_calls.export(batch.id, limit=1)
        rows = list(csv.DictReader(io.StringIO(exported.decode())))
        assert [row["id"] for row in rows] == [done.recipients[0].id]

        second = await submit(client, fake, "+14155550103")
        listed = [b.id async for b in client.batch_calls.iter(limit=1, agent_id=AGENT_ID)]
        assert listed == [second.id, batch.id]  # newest first

        await client.batch_calls.delete(batch.id)
        assert batch.id not in fake.batch_calls
