"""Batch calling: submit, the calls within the batch's limit, cancel, retry, delete, export.

No test waits for a time: calls end with ``end_call`` (``call_duration=None``)
or within a few loop turns (``call_duration=0``, ``wait_for_calls``).
"""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from elevenphone._wire.lifecycle import (
    decode_batch_call,
    decode_batch_call_detail,
    decode_batch_call_page,
)
from elevenphone.testing import FakeElevenLabs, Fault
from tests.testing.helpers import BATCHES, Api, all_pages, caller, within_turns

AGENT = "agent_3701k3ttaq12ewp8b7qv5rfyszkz"
SUBMIT = f"{BATCHES}/submit"
BATCH_KEYS = {
    "id",
    "phone_number_id",
    "phone_provider",
    "name",
    "agent_id",
    "agent_name",
    "branch_id",
    "branch_name",
    "environment",
    "created_at_unix",
    "scheduled_time_unix",
    "timezone",
    "total_calls_dispatched",
    "total_calls_scheduled",
    "total_calls_finished",
    "last_updated_at_unix",
    "status",
    "retry_count",
    "telephony_call_config",
    "target_concurrency_limit",
}
RECIPIENT_KEYS = {
    "id",
    "phone_number",
    "status",
    "created_at_unix",
    "updated_at_unix",
    "conversation_id",
    "conversation_initiation_client_data",
}
RESULTS = {
    "+15550000001": ("answered", "completed"),
    "+15550000002": ("voicemail", "voicemail"),
    "+15550000003": ("busy", "failed"),
    "+15550000004": ("no_answer", "failed"),
    "+15550000005": ("failed", "failed"),
}


def numbers(count: int) -> list[str]:
    return [f"+1555100{index:04d}" for index in range(count)]


def submit_body(fake: FakeElevenLabs, to: list[str], **extra: Any) -> dict[str, Any]:
    return {
        "call_name": "Spring reminders",
        "agent_id": AGENT,
        "agent_phone_number_id": caller(fake, "twilio"),
        "recipients": [{"phone_number": number} for number in to],
        **extra,
    }


async def submit(api: Api, body: dict[str, Any]) -> dict[str, Any]:
    status, answer = await api.call("POST", SUBMIT, json=body)
    assert status == 200, answer
    return dict(answer)


def encoded(body: Any) -> bytes:
    return json.dumps(body).encode()


def under_way(fake: FakeElevenLabs, batch_id: str) -> list[str]:
    return [
        r["conversation_id"]
        for r in fake.batch_calls[batch_id]["recipients"]
        if r["status"] in ("initiated", "in_progress")
    ]


@pytest.fixture
async def held() -> AsyncIterator[FakeElevenLabs]:
    """A fake whose calls only end when a test ends them."""
    async with FakeElevenLabs(numbers=30, seed=7, call_duration=None) as fake:
        fake.add_agent(AGENT, name="Receptionist", branches=["agtbrch_main", "agtbrch_spring"])
        yield fake


@pytest.fixture
async def quick() -> AsyncIterator[FakeElevenLabs]:
    """A fake whose calls end within a few turns of the event loop."""
    async with FakeElevenLabs(numbers=30, seed=7, call_duration=0) as fake:
        fake.add_agent(AGENT, name="Receptionist")
        yield fake


# --- submit ----------------------------------------------------------------------------


async def test_submit_answers_the_batch_as_the_spec_gives_it(
    held: FakeElevenLabs, session: aiohttp.ClientSession
) -> None:
    api = Api(held, session)
    client_data = {"dynamic_variables": {"name": "Ada"}}
    body = submit_body(
        held,
        numbers(2),
        branch_id="agtbrch_spring",
        environment="production",
        timezone="Europe/London",
        telephony_call_config={"ringing_timeout_secs": 30},
        target_concurrency_limit=1,
    )
    body["recipients"][0].update(id="rcpt_1", conversation_initiation_client_data=client_data)
    batch = await submit(api, body)
    assert batch.keys() == BATCH_KEYS
    assert batch["name"] == "Spring reminders"
    assert (batch["agent_id"], batch["agent_name"]) == (AGENT, "Receptionist")
    assert (batch["phone_number_id"], batch["phone_provider"]) == (
        body["agent_phone_number_id"],
        "twilio",
    )
    assert (batch["branch_id"], batch["branch_name"]) == ("agtbrch_spring", "Branch spring")
    assert (batch["environment"], batch["timezone"]) == ("production", "Europe/London")
    assert batch["telephony_call_config"] == {"ringing_timeout_secs": 30}
    assert batch["target_concurrency_limit"] == 1
    assert (batch["status"], batch["retry_count"]) == ("pending", 0)
    assert batch["scheduled_time_unix"] == batch["created_at_unix"]
    assert (batch["total_calls_scheduled"], batch["total_calls_dispatched"]) == (2, 0)
    assert decode_batch_call(encoded(batch)).total_calls_scheduled == 2
    recipients = held.batch_calls[batch["id"]]["recipients"]
    await within_turns(lambda: recipients[0]["status"] == "in_progress")
    status, detail = await api.call("GET", f"{BATCHES}/{batch['id']}")
    assert status == 200
    assert detail.keys() == {*BATCH_KEYS, "recipients"}
    first, second = detail["recipients"]
    assert first.keys() == RECIPIENT_KEYS
    assert (first["id"], first["phone_number"]) == ("rcpt_1", numbers(2)[0])
    assert first["conversation_initiation_client_data"] == client_data
    assert (first["status"], second["status"]) == ("in_progress", "pending")  # one at a time
    conversation = held.conversations[first["conversation_id"]]
    assert conversation["metadata"]["batch_call"] == {
        "batch_call_id": batch["id"],
        "batch_call_recipient_id": "rcpt_1",
    }
    assert conversation["metadata"]["phone_call"]["external_number"] == numbers(2)[0]
    assert conversation["branch_id"] == "agtbrch_spring"
    assert decode_batch_call_detail(encoded(detail)).recipients[0].id == "rcpt_1"
    assert detail == held.batch_calls[batch["id"]]


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        ({"call_name": None}, [("string_type", ["body", "call_name"])]),
        ({"recipients": []}, [("too_short", ["body", "recipients"])]),
        ({"recipients": [{"id": "x"}]}, [("value_error", ["body", "recipients", 0])]),
        (
            {"recipients": [{"phone_number": 5551234}]},
            [("string_type", ["body", "recipients", 0, "phone_number"])],
        ),
        (
            {"target_concurrency_limit": 0},
            [("greater_than_equal", ["body", "target_concurrency_limit"])],
        ),
        (
            {"telephony_call_config": {"ringing_timeout_secs": 0}},
            [("greater_than_equal", ["body", "telephony_call_config", "ringing_timeout_secs"])],
        ),
        ({"scheduled_time_unix": "soon"}, [("int_parsing", ["body", "scheduled_time_unix"])]),
    ],
)
async def test_a_bad_body_is_422(
    api: Api, fake: FakeElevenLabs, change: dict[str, Any], errors: list[Any]
) -> None:
    fake.add_agent(AGENT)
    status, body = await api.call("POST", SUBMIT, json={**submit_body(fake, numbers(1)), **change})
    assert status == 422
    assert [(e["type"], e["loc"]) for e in body["detail"]] == errors
    assert fake.batch_calls == {}


async def test_required_fields_and_the_order_of_checks(api: Api, fake: FakeElevenLabs) -> None:
    status, body = await api.call("POST", SUBMIT, json={})
    assert status == 422
    assert [e["loc"][-1] for e in body["detail"]] == ["call_name", "agent_id", "recipients"]
    body = submit_body(fake, numbers(1), agent_id="agent_missing")
    status, answer = await api.call("POST", SUBMIT, json=body, headers={"xi-api-key": "no"})
    assert status == 401
    status, answer = await api.call("POST", SUBMIT, json=body)
    assert (status, answer["detail"]["status"]) == (404, "agent_not_found")
    fake.add_agent(AGENT)
    status, answer = await api.call(
        "POST", SUBMIT, json=submit_body(fake, numbers(1), agent_phone_number_id="phnum_missing")
    )
    assert (status, answer["detail"]["status"]) == (404, "phone_number_not_found")
    status, answer = await api.call(
        "POST", SUBMIT, json=submit_body(fake, numbers(1), branch_id="agtbrch_missing")
    )
    assert (status, answer["detail"]["status"]) == (404, "branch_not_found")
    body = submit_body(fake, numbers(1))
    del body["agent_phone_number_id"]
    status, answer = await api.call("POST", SUBMIT, json=body)
    assert (status, answer["detail"]["status"]) == (400, "invalid_request")
    fake.numbers[caller(fake, "twilio")]["supports_outbound"] = False
    status, answer = await api.call("POST", SUBMIT, json=submit_body(fake, numbers(1)))
    assert (status, answer["detail"]["status"]) == (400, "invalid_request")
    assert fake.batch_calls == {}
    assert (await api.call("GET", SUBMIT))[0] == 405
    assert (await api.call("POST", f"{BATCHES}/workspace"))[0] == 405
    assert (await api.call("PATCH", f"{BATCHES}/btcal_x"))[0] == 405
    assert (await api.call("GET", f"{BATCHES}/btcal_x/pause"))[0] == 404
    wrong = {"xi-api-key": "no"}
    for method, path in (("GET", f"{BATCHES}/btcal_x"), ("POST", f"{BATCHES}/btcal_x/retry")):
        assert (await api.call(method, path, headers=wrong))[0] == 401
        assert (await api.call(method, path))[0] == 404


# --- the calls -------------------------------------------------------------------------


async def test_a_batch_never_runs_more_calls_than_its_limit(
    held: FakeElevenLabs, session: aiohttp.ClientSession
) -> None:
    api = Api(held, session)
    batch = await submit(api, submit_body(held, numbers(7), target_concurrency_limit=3))
    batch_id = batch["id"]
    seen = []
    while running := under_way(held, batch_id):
        seen.append(len(running))
        held.end_call(running[0])
    assert seen == [3, 3, 3, 3, 3, 2, 1]
    assert held.batch_peak_in_flight[batch_id] == 3
    record = held.batch_calls[batch_id]
    assert record["status"] == "completed"
    assert [r["status"] for r in record["recipients"]] == ["completed"] * 7
    assert (
        record["total_calls_scheduled"],
        record["total_calls_dispatched"],
        record["total_calls_finished"],
    ) == (7, 7, 7)


async def test_every_recipient_reaches_its_status(
    quick: FakeElevenLabs, session: aiohttp.ClientSession
) -> None:
    api = Api(quick, session)
    for number, (result, _) in RESULTS.items():
        quick.script_call_result(number, result)
    batch = await submit(api, submit_body(quick, list(RESULTS), target_concurrency_limit=2))
    await quick.wait_for_calls()
    status, detail = await api.call("GET", f"{BATCHES}/{batch['id']}")
    assert status == 200
    assert detail["status"] == "completed"
    assert quick.batch_peak_in_flight[batch["id"]] <= 2
    for recipient in detail["recipients"]:
        result, expected = RESULTS[recipient["phone_number"]]
        assert recipient["status"] == expected
        conversation = quick.conversations[recipient["conversation_id"]]
        assert conversation["metadata"]["phone_call"]["call_result"] == result
    assert (detail["total_calls_dispatched"], detail["total_calls_finished"]) == (5, 5)


@pytest.mark.parametrize(
    ("agent_limit", "target", "expected"),
    [(-1, None, 10), (4, None, 2), (1, None, 1), (4, 6, 6)],
)
async def test_the_default_limit_follows_the_spec(
    held: FakeElevenLabs,
    session: aiohttp.ClientSession,
    agent_limit: int,
    target: int | None,
    expected: int,
) -> None:
    # The smaller of half the workspace's (the fake's: 20) and 70% of the agent's.
    held.agents[AGENT]["platform_settings"]["call_limits"]["agent_concurrency_limit"] = agent_limit
    batch = await submit(
        Api(held, session), submit_body(held, numbers(12), target_concurrency_limit=target)
    )
    assert len(under_way(held, batch["id"])) == expected
    assert held.batch_peak_in_flight[batch["id"]] == expected
    for conversation_id in list(held.conversations):
        held.end_call(conversation_id)


async def test_a_batch_scheduled_later_waits(
    quick: FakeElevenLabs, session: aiohttp.ClientSession
) -> None:
    api = Api(quick, session)
    later = int(time.time()) + 3600
    batch = await submit(api, submit_body(quick, numbers(2), scheduled_time_unix=later))
    now = await submit(api, submit_body(quick, numbers(2)))
    await quick.wait_for_calls()
    assert quick.batch_calls[now["id"]]["status"] == "completed"
    waiting = quick.batch_calls[batch["id"]]
    assert (waiting["status"], waiting["scheduled_time_unix"]) == ("pending", later)
    assert waiting["total_calls_dispatched"] == 0
    assert {r["status"] for r in waiting["recipients"]} == {"pending"}


# --- cancel, retry, delete ---------------------------------------------------------------


async def test_cancel_stops_the_pending_recipients(
    held: FakeElevenLabs, session: aiohttp.ClientSession
) -> None:
    api = Api(held, session)
    batch = await submit(api, submit_body(held, numbers(4), target_concurrency_limit=1))
    [running] = under_way(held, batch["id"])
    status, answer = await api.call("POST", f"{BATCHES}/{batch['id']}/retry")
    assert (status, answer["detail"]["status"]) == (400, "invalid_request")  # still calling
    status, cancelled = await api.call("POST", f"{BATCHES}/{batch['id']}/cancel")
    assert status == 200
    assert cancelled.keys() == BATCH_KEYS
    assert cancelled["status"] == "cancelled"
    statuses = [r["status"] for r in held.batch_calls[batch["id"]]["recipients"]]
    assert statuses[1:] == ["cancelled", "cancelled", "cancelled"]
    assert statuses[0] in ("initiated", "in_progress")
    held.end_call(running)  # a call under way goes on to its end
    record = held.batch_calls[batch["id"]]
    assert next(r["status"] for r in record["recipients"]) == "completed"
    assert (record["status"], record["total_calls_finished"]) == ("cancelled", 1)
    status, answer = await api.call("POST", f"{BATCHES}/{batch['id']}/cancel")
    assert (status, answer["detail"]["status"]) == (400, "invalid_request")
    status, answer = await api.call("POST", f"{BATCHES}/btcal_missing/cancel")
    assert (status, answer["detail"]["status"]) == (404, "batch_call_not_found")


async def test_retry_calls_the_failed_recipients_again(
    quick: FakeElevenLabs, session: aiohttp.ClientSession
) -> None:
    api = Api(quick, session)
    for number, (result, _) in RESULTS.items():
        quick.script_call_result(number, result)
    batch = await submit(api, submit_body(quick, list(RESULTS)))
    await quick.wait_for_calls()
    before = {
        r["phone_number"]: r["conversation_id"]
        for r in quick.batch_calls[batch["id"]]["recipients"]
    }
    for number in RESULTS:
        quick.script_call_result(number, None)  # answered, this time
    status, retried = await api.call("POST", f"{BATCHES}/{batch['id']}/retry")
    assert status == 200
    assert retried.keys() == BATCH_KEYS
    assert (retried["retry_count"], retried["status"]) == (1, "in_progress")
    assert retried["total_calls_scheduled"] == 5 + 3  # busy, no answer and failed again
    await quick.wait_for_calls()
    record = quick.batch_calls[batch["id"]]
    assert record["status"] == "completed"
    statuses = {r["phone_number"]: r["status"] for r in record["recipients"]}
    assert statuses == {
        "+15550000001": "completed",
        "+15550000002": "voicemail",
        "+15550000003": "completed",
        "+15550000004": "completed",
        "+15550000005": "completed",
    }
    called_again = {
        r["phone_number"]
        for r in record["recipients"]
        if r["conversation_id"] != before[r["phone_number"]]
    }
    assert called_again == {"+15550000003", "+15550000004", "+15550000005"}
    assert (record["total_calls_dispatched"], record["total_calls_finished"]) == (8, 8)


async def test_delete_forgets_the_batch_but_not_its_conversations(
    quick: FakeElevenLabs, session: aiohttp.ClientSession
) -> None:
    api = Api(quick, session)
    batch = await submit(api, submit_body(quick, numbers(2)))
    await quick.wait_for_calls()
    conversations = [r["conversation_id"] for r in quick.batch_calls[batch["id"]]["recipients"]]
    assert await api.raw("DELETE", f"{BATCHES}/{batch['id']}") == (204, "", b"")
    assert batch["id"] not in quick.batch_calls
    status, answer = await api.call("GET", f"{BATCHES}/{batch['id']}")
    assert (status, answer["detail"]["status"]) == (404, "batch_call_not_found")
    assert (await api.call("DELETE", f"{BATCHES}/{batch['id']}"))[0] == 404
    assert all(cid in quick.conversations for cid in conversations)


async def test_a_lost_reply_after_submit_and_retry(
    quick: FakeElevenLabs, session: aiohttp.ClientSession
) -> None:
    api = Api(quick, session)
    quick.script(Fault.after_acting(Fault.reset()), method="POST", path=SUBMIT)
    with pytest.raises(aiohttp.ClientConnectionError):
        await api.call("POST", SUBMIT, json=submit_body(quick, ["+15550000005"]))
    [batch_id] = quick.batch_calls  # the batch exists: the reply was lost after
    quick.script_call_result("+15550000005", "failed")
    await quick.wait_for_calls()
    quick.script(Fault.after_acting(Fault.server_error(503)), path=f"{BATCHES}/*/retry")
    status, _ = await api.call("POST", f"{BATCHES}/{batch_id}/retry")
    assert status == 503
    assert quick.batch_calls[batch_id]["retry_count"] == 1  # the retry was done
    assert quick.stats.faults["after_acting"] == 2
    assert quick.scripted_pending == 0


# --- export and the list -------------------------------------------------------------------


async def test_export_is_csv_of_the_recipients(
    quick: FakeElevenLabs, session: aiohttp.ClientSession
) -> None:
    api = Api(quick, session)
    body = submit_body(quick, numbers(3))
    body["recipients"][1]["id"] = "rcpt_b"
    batch = await submit(api, body)
    await quick.wait_for_calls()
    status, content_type, raw = await api.raw("GET", f"{BATCHES}/{batch['id']}/export")
    assert (status, content_type) == (200, "text/csv; charset=utf-8")
    rows = list(csv.DictReader(io.StringIO(raw.decode())))
    recipients = quick.batch_calls[batch["id"]]["recipients"]
    assert [row["phone_number"] for row in rows] == numbers(3)
    assert [row["id"] for row in rows] == [r["id"] for r in recipients]
    assert rows[1]["id"] == "rcpt_b"
    assert [row["status"] for row in rows] == ["completed"] * 3
    assert [row["conversation_id"] for row in rows] == [r["conversation_id"] for r in recipients]
    _, _, raw = await api.raw("GET", f"{BATCHES}/{batch['id']}/export", params={"limit": "2"})
    assert [row["phone_number"] for row in csv.DictReader(io.StringIO(raw.decode()))] == numbers(2)
    status, answer = await api.call("GET", f"{BATCHES}/{batch['id']}/export", params={"limit": "0"})
    assert (status, answer["detail"][0]["loc"]) == (422, ["query", "limit"])
    status, answer = await api.call("GET", f"{BATCHES}/btcal_missing/export")
    assert (status, answer["detail"]["status"]) == (404, "batch_call_not_found")


async def test_the_workspace_list_pages_by_last_doc(
    held: FakeElevenLabs, session: aiohttp.ClientSession
) -> None:
    api = Api(held, session)
    held.add_agent("agent_other")
    ids = []
    for index in range(7):
        agent = AGENT if index % 2 else "agent_other"
        batch = await submit(api, submit_body(held, [f"+1555200{index:04d}"], agent_id=agent))
        ids.append(batch["id"])
    status, body = await api.call("GET", f"{BATCHES}/workspace")
    assert status == 200
    assert body.keys() == {"batch_calls", "next_doc", "has_more"}
    assert [b["id"] for b in body["batch_calls"]] == ids[::-1]  # newest first
    assert (body["next_doc"], body["has_more"]) == (None, False)
    assert all(b.keys() == BATCH_KEYS for b in body["batch_calls"])
    assert len(decode_batch_call_page(encoded(body)).batch_calls) == 7
    pages = await all_pages(api, f"{BATCHES}/workspace", "batch_calls", {"limit": "3"}, "last_doc")
    assert [[b["id"] for b in page] for page in pages] == [ids[6:3:-1], ids[3:0:-1], ids[:1]]
    _, body = await api.call("GET", f"{BATCHES}/workspace", params={"agent_id": AGENT})
    assert [b["id"] for b in body["batch_calls"]] == ids[1::2][::-1]
    for params in ({"limit": "0"}, {"limit": "101"}, {"last_doc": "garbled"}):
        status, answer = await api.call("GET", f"{BATCHES}/workspace", params=params)
        assert status == 422
        assert answer["detail"][0]["loc"] == ["query", next(iter(params))]
    for conversation_id in list(held.conversations):
        held.end_call(conversation_id)
