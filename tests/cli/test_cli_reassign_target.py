"""``elevenphone bulk-reassign`` checks its target agent first: it prints the
agent's name (under ``--dry-run`` too), and a missing or archived agent or
branch exits 2 naming it and why, with no number touched."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from cli_helpers import API_KEY, agent_of, run_cli

from elevenphone.testing import FakeElevenLabs

OLD, NEW = "agent_old", "agent_new"
NEW_NAME = "Night Shift"


@pytest.fixture
async def fake() -> AsyncIterator[FakeElevenLabs]:
    async with FakeElevenLabs(api_key=API_KEY, numbers=6, seed=2, agent_ids=[OLD]) as fake:
        fake.add_agent(NEW, name=NEW_NAME, branches=["agtbrch_live", ("agtbrch_old", True)])
        yield fake


def _reassign(*more: str) -> tuple[str, ...]:
    return ("bulk-reassign", "--from-agent", OLD, "--to-agent", NEW, *more)


def _agent_reads(fake: FakeElevenLabs) -> int:
    return sum(r.method == "GET" and r.path == f"/v1/convai/agents/{NEW}" for r in fake.requests)


async def test_a_dry_run_prints_the_target_agents_name(fake: FakeElevenLabs) -> None:
    shown = await run_cli(*_reassign("--dry-run"), fake=fake)
    assert shown.returncode == 0, shown.stderr
    assert (
        shown.stdout.splitlines()[0]
        == f"# dry run: 6 numbers would move from {OLD} to {NEW} ({NEW_NAME})"
    )
    assert NEW_NAME in shown.stderr

    as_json = await run_cli(*_reassign("--dry-run", "--json"), fake=fake)
    assert as_json.returncode == 0, as_json.stderr
    assert len(as_json.json()) == 6  # still the numbers that would move
    assert NEW_NAME in as_json.stderr
    assert _agent_reads(fake) == 2  # one check per run
    assert all(r.method == "GET" for r in fake.requests)


async def test_a_run_names_the_agent_and_checks_it_once(
    fake: FakeElevenLabs, tmp_path: Path
) -> None:
    result = await run_cli(*_reassign("--journal", str(tmp_path / "j.jsonl"), "--json"), fake=fake)
    assert result.returncode == 0, result.stderr
    assert result.json()["to_agent"] == {"agent_id": NEW, "name": NEW_NAME}
    assert NEW_NAME in result.stderr
    assert _agent_reads(fake) == 1
    assert all(agent_of(n) == NEW for n in fake.numbers.values())


@pytest.mark.parametrize(
    ("change", "more", "reason"),
    [
        ("remove", (), "not_found"),
        ("archive", (), "archived"),
        (None, ("--branch-id", "agtbrch_gone"), "branch_not_found"),
        (None, ("--branch-id", "agtbrch_old"), "branch_archived"),
    ],
    ids=["missing", "archived", "missing-branch", "archived-branch"],
)
@pytest.mark.parametrize("dry_run", [False, True], ids=["run", "dry-run"])
async def test_a_target_that_fails_its_check_exits_2_and_touches_nothing(
    fake: FakeElevenLabs,
    tmp_path: Path,
    change: str | None,
    more: tuple[str, ...],
    reason: str,
    dry_run: bool,
) -> None:
    if change == "remove":
        del fake.agents[NEW]
    elif change == "archive":
        fake.add_agent(NEW, archived=True)
    before = {pid: agent_of(n) for pid, n in fake.numbers.items()}
    mode = ("--dry-run",) if dry_run else ("--journal", str(tmp_path / "j.jsonl"))
    result = await run_cli(*_reassign(*more, *mode, "--json"), fake=fake)
    assert result.returncode == 2
    error = json.loads(result.stderr.splitlines()[-1])["error"]
    assert error["type"] == "AgentCheckError"
    assert NEW in error["message"]
    assert reason in error["message"]
    assert result.stdout == ""
    assert [r.method for r in fake.requests if r.method != "GET"] == []
    assert not any(r.path == "/v1/convai/phone-numbers" for r in fake.requests)  # nor listed
    assert {pid: agent_of(n) for pid, n in fake.numbers.items()} == before
