"""The check of the agent a reassignment or a bulk update assigns, against the
fake: a missing or archived agent or branch touches no number (the PATCHes
the fake received are counted), one GET per agent and branch, the caller's
options on it, ``check_agent=False``, and a 401 or 503 raised as it is."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from bulk_helpers import agent_of, client_for, patched_ids

from elevenphone import (
    AgentCheckError,
    AuthenticationError,
    BulkOutcome,
    InternalServerError,
    InvalidRequestError,
    UpdatePhoneNumberRequest,
)
from elevenphone.testing import FakeElevenLabs, Fault

OLD, NEW = "agent_old", "agent_new"
AGENTS = "/v1/convai/agents"


@pytest.fixture
async def fake() -> AsyncIterator[FakeElevenLabs]:
    async with FakeElevenLabs(numbers=12, seed=61, agent_ids=[OLD]) as fake:
        fake.add_agent(NEW, name="New", branches=["agtbrch_live", ("agtbrch_old", True)])
        fake.add_agent("agent_archived", name="Gone", archived=True)
        yield fake


def sent(fake: FakeElevenLabs) -> list[tuple[str, str]]:
    return [(r.method, r.raw_path) for r in fake.requests]


def moves(fake: FakeElevenLabs, agent_id: str) -> dict[str, UpdatePhoneNumberRequest]:
    return {pid: UpdatePhoneNumberRequest(agent_id=agent_id) for pid in fake.numbers}


# --- reassign_agent ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("to_agent", "branch_id", "reason", "field", "requests"),
    [
        ("agent_missing", None, "not_found", "to_agent_id", [f"{AGENTS}/agent_missing"]),
        ("agent_archived", None, "archived", "to_agent_id", [f"{AGENTS}/agent_archived"]),
        (
            NEW,
            "agtbrch_missing",
            "branch_not_found",
            "branch_id",
            [f"{AGENTS}/{NEW}", f"{AGENTS}/{NEW}/branches/agtbrch_missing"],
        ),
        (
            NEW,
            "agtbrch_old",
            "branch_archived",
            "branch_id",
            [f"{AGENTS}/{NEW}", f"{AGENTS}/{NEW}/branches/agtbrch_old"],
        ),
    ],
)
async def test_a_reassignment_to_an_agent_that_fails_touches_no_number(
    fake: FakeElevenLabs,
    tmp_path: Path,
    to_agent: str,
    branch_id: str | None,
    reason: str,
    field: str,
    requests: list[str],
) -> None:
    before = {pid: agent_of(n) for pid, n in fake.numbers.items()}
    async with client_for(fake) as client:
        with pytest.raises(AgentCheckError) as caught:
            await client.phone_numbers.reassign_agent(
                OLD, to_agent, branch_id=branch_id, journal=tmp_path / "j.jsonl"
            )
    error = caught.value
    assert isinstance(error, InvalidRequestError)
    assert (error.agent_id, error.branch_id, error.reason) == (to_agent, branch_id, reason)
    assert error.field == field
    assert patched_ids(fake) == []
    assert sent(fake) == [("GET", path) for path in requests]  # not even the listing
    assert {pid: agent_of(n) for pid, n in fake.numbers.items()} == before


async def test_a_reassignment_checks_its_target_once_with_the_callers_options(
    fake: FakeElevenLabs,
) -> None:
    async with client_for(fake) as client:
        result = await client.phone_numbers.reassign_agent(
            OLD,
            NEW,
            branch_id="agtbrch_live",
            concurrency=4,
            extra_headers={"X-Trace": "t-7"},
            extra_query={"trace": "7"},
        )
    assert len(result.succeeded) == 12
    assert all(agent_of(n) == NEW for n in fake.numbers.values())
    reads = [r for r in fake.requests if r.method == "GET"]
    assert [(r.raw_path, dict(r.query)) for r in reads] == [
        (f"{AGENTS}/{NEW}", {"trace": "7"}),
        (f"{AGENTS}/{NEW}/branches/agtbrch_live", {"trace": "7"}),
        ("/v1/convai/phone-numbers", {"agent_id": OLD, "trace": "7"}),
    ]
    assert all(r.headers["X-Trace"] == "t-7" for r in fake.requests)
    assert len(patched_ids(fake)) == 12


async def test_check_agent_false_skips_the_check(fake: FakeElevenLabs) -> None:
    async with client_for(fake) as client:
        result = await client.phone_numbers.reassign_agent(OLD, "agent_unseen", check_agent=False)
    assert len(result.succeeded) == 12
    assert not any(r.path.startswith(AGENTS) for r in fake.requests)


@pytest.mark.parametrize(
    ("fault", "raised"),
    [
        (Fault.status(401, {"detail": {"status": "invalid_api_key"}}), AuthenticationError),
        (Fault.server_error(503), InternalServerError),
    ],
    ids=["401", "503"],
)
async def test_a_check_that_cannot_be_made_raises_its_error_as_it_is(
    fake: FakeElevenLabs, fault: Fault, raised: type[Exception]
) -> None:
    for _ in range(3):  # the first attempt and both retries
        fake.script(fault, method="GET", path=f"{AGENTS}/*")
    async with client_for(fake, max_retries=2) as client:
        with pytest.raises(raised) as caught:
            await client.phone_numbers.reassign_agent(OLD, NEW)
    assert not isinstance(caught.value, AgentCheckError)
    assert patched_ids(fake) == []
    assert all(r.path == f"{AGENTS}/{NEW}" for r in fake.requests)


# --- bulk_update and iter_bulk_update ----------------------------------------------------------


@pytest.mark.parametrize("container", ["mapping", "list", "stream"])
async def test_updates_to_one_missing_agent_touch_no_number(
    fake: FakeElevenLabs, container: str
) -> None:
    pairs = list(moves(fake, "agent_missing").items())

    async def stream() -> AsyncIterator[tuple[str, UpdatePhoneNumberRequest]]:
        for pair in pairs:
            yield pair

    updates = {"mapping": dict(pairs), "list": pairs, "stream": stream()}[container]
    async with client_for(fake) as client:
        with pytest.raises(AgentCheckError) as caught:
            await client.phone_numbers.bulk_update(updates, concurrency=8)  # type: ignore[arg-type]
    assert (caught.value.agent_id, caught.value.reason) == ("agent_missing", "not_found")
    assert patched_ids(fake) == []
    assert sent(fake) == [("GET", f"{AGENTS}/agent_missing")]  # one check, every item waited


async def test_updates_to_one_agent_check_it_once(fake: FakeElevenLabs) -> None:
    async with client_for(fake) as client:
        result = await client.phone_numbers.bulk_update(moves(fake, NEW), concurrency=8)
    assert len(result.succeeded) == 12
    assert result.requests == 1 + 12  # the check, then a PATCH each
    assert [path for method, path in sent(fake) if method == "GET"] == [f"{AGENTS}/{NEW}"]


async def test_an_update_to_an_archived_branch_is_never_sent(fake: FakeElevenLabs) -> None:
    updates = {
        pid: UpdatePhoneNumberRequest(agent_id=NEW, branch_id="agtbrch_old") for pid in fake.numbers
    }
    async with client_for(fake) as client:
        with pytest.raises(AgentCheckError) as caught:
            await client.phone_numbers.bulk_update(updates)
    assert (caught.value.branch_id, caught.value.reason) == ("agtbrch_old", "branch_archived")
    assert patched_ids(fake) == []


async def test_a_stream_checks_each_new_agent_before_its_first_update(
    fake: FakeElevenLabs,
) -> None:
    ids = list(fake.numbers)
    plan = [
        (ids[0], NEW),
        (ids[1], NEW),
        (ids[2], "agent_missing"),
        (ids[3], NEW),
    ]

    async def stream() -> AsyncIterator[tuple[str, UpdatePhoneNumberRequest]]:
        for pid, agent in plan:
            yield pid, UpdatePhoneNumberRequest(agent_id=agent)

    outcomes: list[BulkOutcome] = []

    async def take_every_outcome() -> None:
        async with client.phone_numbers.iter_bulk_update(stream(), concurrency=1) as run:
            async for outcome in run:
                outcomes.append(outcome)

    async with client_for(fake) as client:
        with pytest.raises(AgentCheckError) as caught:
            await take_every_outcome()
    assert caught.value.agent_id == "agent_missing"
    # The numbers put on NEW before the missing agent appeared were updated;
    # its own item and everything after it were not sent.
    assert [o.phone_number_id for o in outcomes] == ids[:2]
    assert patched_ids(fake) == ids[:2]
    assert [path for method, path in sent(fake) if method == "GET"] == [
        f"{AGENTS}/{NEW}",
        f"{AGENTS}/agent_missing",
    ]


async def test_updates_that_assign_no_agent_check_none(fake: FakeElevenLabs) -> None:
    updates = {pid: UpdatePhoneNumberRequest(label="x") for pid in fake.numbers}
    updates.update({pid: UpdatePhoneNumberRequest(agent_id=None) for pid in list(updates)[:3]})
    async with client_for(fake) as client:
        result = await client.phone_numbers.bulk_update(updates)
    assert len(result.succeeded) == 12
    assert not any(r.path.startswith(AGENTS) for r in fake.requests)


async def test_undo_puts_numbers_back_on_an_agent_archived_since(
    fake: FakeElevenLabs, tmp_path: Path
) -> None:
    journal = tmp_path / "j.jsonl"
    async with client_for(fake) as client:
        await client.phone_numbers.reassign_agent(OLD, NEW, journal=journal)
        fake.add_agent(OLD, archived=True)
        start = len(fake.requests)
        undone = await client.phone_numbers.undo(journal)
    assert len(undone.succeeded) == 12
    assert all(agent_of(n) == OLD for n in fake.numbers.values())
    assert not any(r.path.startswith(AGENTS) for r in fake.requests[start:])


async def test_check_agent_must_be_a_bool(fake: FakeElevenLabs) -> None:
    async with client_for(fake) as client:
        with pytest.raises(TypeError, match="check_agent must be a bool"):
            await client.phone_numbers.bulk_update(moves(fake, NEW), check_agent="no")  # type: ignore[arg-type]
    assert fake.requests == []
