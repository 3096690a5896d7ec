"""A bulk item succeeds only when its reply shows the change on the number
asked for. Against a loopback server that answers some numbers with another
number's id, or with their old state: the item fails, its journal records it
failed (not done), and a run resumed with the journal sends it again."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from aiohttp import web

from elevenphone import (
    APIResponseValidationError,
    BulkOutcome,
    ElevenPhone,
    RetryPolicy,
    UpdatePhoneNumberRequest,
)
from tests.conftest import API_KEY, RecordingSleep, twilio_number
from tests.loopback import ScriptedServer

A, B = "phnum_a", "phnum_b"
MOVE = UpdatePhoneNumberRequest(agent_id="agent_new", label="Moved")
NOT_SHOWN = (
    "the reply does not show the change: agent_id was asked to be 'agent_new',"
    " the reply shows 'agent_default'"
)


def client_for(server: ScriptedServer) -> ElevenPhone:
    policy = RetryPolicy(sleep=RecordingSleep())
    return ElevenPhone(API_KEY, base_url=server.base_url, retry_policy=policy)


def records(journal: Path, pid: str) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in journal.read_text().splitlines()]
    return [record for record in lines if record.get("id") == pid]


def sent(server: ScriptedServer, start: int = 0) -> list[tuple[str, str]]:
    return [(s.method, s.raw_path.rsplit("/", 1)[-1]) for s in server.seen[start:]]


async def run(client: ElevenPhone, journal: Path | None = None) -> dict[str, BulkOutcome]:
    updates = {A: MOVE, B: MOVE}
    # This server answers phone numbers only: the agent check has tests of its own.
    run = client.phone_numbers.iter_bulk_update(updates, journal=journal, check_agent=False)
    async with run as bulk:
        return {outcome.phone_number_id: outcome async for outcome in bulk}


async def test_an_item_answered_with_another_number_fails(server: ScriptedServer) -> None:
    server.answers_for[B] = "phnum_z"
    async with client_for(server) as client:
        outcomes = await run(client)
    assert outcomes[A].status == "succeeded"
    assert outcomes[B].status == "failed"
    assert outcomes[B].phone_number is None
    error = outcomes[B].error
    assert isinstance(error, APIResponseValidationError)
    assert error.message == (
        "the reply is about the phone number 'phnum_z', not 'phnum_b' that was asked for"
    )
    assert sorted(sent(server)) == [("PATCH", A), ("PATCH", B)]  # not retried


async def test_a_journaled_item_read_as_another_number_is_sent_again_on_resume(
    server: ScriptedServer, tmp_path: Path
) -> None:
    journal = tmp_path / "move.jsonl"
    server.answers_for[B] = "phnum_z"
    async with client_for(server) as client:
        first = await run(client, journal)
        # The state before comes from a GET: another number's is not B's.
        assert first[B].status == "failed"
        assert [r["op"] for r in records(journal, B)] == ["failed"]
        assert "'phnum_z', not 'phnum_b'" in records(journal, B)[0]["error"]
        del server.answers_for[B]
        start = len(server.seen)
        again = await run(client, journal)
    assert (again[A].status, again[B].status) == ("skipped", "succeeded")
    assert sent(server, start) == [("GET", B), ("PATCH", B)]
    assert [r["op"] for r in records(journal, B)] == ["failed", "before", "after"]


async def test_an_item_whose_reply_shows_the_old_state_fails_and_is_resumed(
    server: ScriptedServer, tmp_path: Path
) -> None:
    journal = tmp_path / "move.jsonl"
    server.ignores.add(B)
    async with client_for(server) as client:
        first = await run(client, journal)
        assert first[A].status == "succeeded"
        assert first[B].status == "failed"
        error = first[B].error
        assert isinstance(error, APIResponseValidationError)
        assert error.message == NOT_SHOWN
        assert error.status_code == 200
        # Journaled as failed, never as done: undo keeps its state before.
        assert [r["op"] for r in records(journal, A)] == ["before", "after"]
        assert [r["op"] for r in records(journal, B)] == ["before", "failed"]
        assert records(journal, B)[1]["error"] == NOT_SHOWN
        assert records(journal, B)[0]["state"]["agent_id"] == "agent_default"

        server.ignores.clear()
        start = len(server.seen)
        again = await run(client, journal)
    assert (again[A].status, again[B].status) == ("skipped", "succeeded")
    assert sent(server, start) == [("PATCH", B)]  # its state before is kept
    assert [r["op"] for r in records(journal, B)] == ["before", "failed", "before", "after"]


async def test_a_label_not_applied_names_the_label_and_extra_body_is_not_compared(
    server: ScriptedServer,
) -> None:
    server.ignores.add(A)
    async with client_for(server) as client:
        result = await client.phone_numbers.bulk_update(
            {A: UpdatePhoneNumberRequest(label="Moved"), B: UpdatePhoneNumberRequest(label="B")},
            # Sent over each item's agent_id: the reply is not held to the item's.
            extra_body={"agent_id": "agent_other"},
        )
    assert list(result.failed) == [A]
    assert str(result.failed[A]) == (
        "the reply does not show the change: label was asked to be 'Moved', the reply shows 'Sales'"
    )
    agent = result.succeeded[B].assigned_agent
    assert agent is not None
    assert agent.agent_id == "agent_other"


async def test_an_undo_whose_reply_shows_the_change_still_is_not_undone(
    server: ScriptedServer, tmp_path: Path
) -> None:
    journal = tmp_path / "move.jsonl"

    async def still_moved(request: web.Request) -> web.StreamResponse:
        # B's undo is answered 200 with its moved state: the undo did not apply.
        if request.match_info["phone_number_id"] == B:
            moved = {"agent_id": "agent_new", "agent_name": "New"}
            return web.json_response(
                twilio_number(phone_number_id=B, label="Moved", assigned_agent=moved)
            )
        return await server.answer_with_number(request)

    async with client_for(server) as client:
        await run(client, journal)
        server.script.extend([still_moved, still_moved])
        undone = await client.phone_numbers.undo(journal)
    assert set(undone.failed) == {B}
    assert str(undone.failed[B]) == (
        "the reply does not show the change: agent_id was asked to be 'agent_default',"
        " the reply shows 'agent_new'"
    )
    assert [r["op"] for r in records(journal, A)][-1] == "undone"
    assert [r["op"] for r in records(journal, B)][-1] == "failed"
