"""A bulk run killed mid-way (SIGINT, SIGKILL), resumed with its journal, then undone."""

from __future__ import annotations

import asyncio
import copy
import json
import signal
from pathlib import Path

import pytest
from cli_helpers import API_KEY, Completed, agent_of, assert_clean, clean_env, cli_command, run_cli

from elevenphone.bulk.journal import read_journal
from elevenphone.testing import FakeElevenLabs

OLD, NEW = "agent_old", "agent_new"
COUNT = 240
PREFIX = "/v1/convai/phone-numbers/"


def _completed_in(journal: Path) -> int:
    if not journal.exists():
        return 0
    return journal.read_bytes().count(b'"op":"after"')


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "SIGKILL"])
async def test_killed_run_resumes_without_repeats_and_undo_restores_all(
    sig: signal.Signals, tmp_path: Path
) -> None:
    async with FakeElevenLabs(api_key=API_KEY, numbers=COUNT, seed=21, agent_ids=[OLD]) as fake:
        fake.add_agent(NEW)
        # Every update after the 30th waits until the kill: the run is caught
        # mid-way on any machine, never finished before the signal.
        killed_now = asyncio.Event()
        patches = 0

        async def hold() -> None:
            nonlocal patches
            if fake.requests[-1].method == "PATCH":
                patches += 1
                if patches > 30:
                    await killed_now.wait()

        fake._hold = hold
        for i, number in enumerate(fake.numbers.values()):
            if i % 4 == 0:  # something for undo to put back besides the agent
                agent = number["assigned_agent"]
                number["assigned_agent"] = {
                    **agent,
                    "branch_id": f"agtbrch_{i}",
                    "environment": "qa",
                }
        original = copy.deepcopy(fake.numbers)
        journal = tmp_path / "journal.jsonl"
        args = ("bulk-reassign", "--from-agent", OLD, "--to-agent", NEW, "--concurrency", "4")
        args += ("--journal", str(journal))

        process = await asyncio.create_subprocess_exec(
            *cli_command(*args, fake=fake),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=clean_env(),
        )
        while _completed_in(journal) < 30:
            assert process.returncode is None, "the run ended before it could be killed"
            await asyncio.sleep(0.01)
        process.send_signal(sig)
        killed_now.set()
        fake._hold = None
        out, err = await asyncio.wait_for(process.communicate(), 30)
        killed = Completed(process.returncode or 0, out.decode(), err.decode())
        assert_clean(killed)
        kill_point = len(fake.requests)  # every later request comes from the resumed run
        if sig == signal.SIGINT:
            assert killed.returncode == 130
            assert "interrupted" in killed.stderr
            assert f"--journal {journal}" in killed.stderr
        else:
            assert process.returncode == -signal.SIGKILL

        state = read_journal(journal)  # a torn last line (SIGKILL) is tolerated
        done_before_kill = state.done
        assert 30 <= len(done_before_kill) < COUNT
        if sig == signal.SIGINT:
            assert not state.torn_tail

        resumed = await run_cli(*args, "--json", fake=fake)
        assert resumed.returncode == 0, resumed.stderr
        assert resumed.json()["failed"] == {}
        assert all(agent_of(n) == NEW for n in fake.numbers.values())
        patched_after_kill = [
            r.path[len(PREFIX) :] for r in fake.requests[kill_point:] if r.method == "PATCH"
        ]
        assert not set(patched_after_kill) & done_before_kill
        assert len(patched_after_kill) == len(set(patched_after_kill))  # none twice
        # Every number was moved by exactly one of the two runs, or by both only
        # when the kill caught its request in flight.
        patched_before_kill = {
            r.path[len(PREFIX) :] for r in fake.requests[:kill_point] if r.method == "PATCH"
        }
        assert patched_before_kill | set(patched_after_kill) == set(fake.numbers)

        undone = await run_cli("undo", str(journal), "--json", fake=fake)
        assert undone.returncode == 0, undone.stderr
        assert len(undone.json()["succeeded"]) == COUNT
        assert fake.numbers == original
        assert json.loads(journal.read_text().splitlines()[-1])["op"] == "undone"


@pytest.mark.parametrize("command", ["bulk-reassign", "undo"])
async def test_a_journal_damaged_before_its_last_line_is_not_offered_for_resume(
    command: str, tmp_path: Path
) -> None:
    async with FakeElevenLabs(api_key=API_KEY, numbers=4, seed=2, agent_ids=[OLD]) as fake:
        fake.add_agent(NEW)
        journal = tmp_path / "journal.jsonl"
        args = ("bulk-reassign", "--from-agent", OLD, "--to-agent", NEW, "--journal", str(journal))
        moved = await run_cli(*args, fake=fake)
        assert moved.returncode == 0, moved.stderr
        lines = journal.read_text().splitlines(keepends=True)
        assert len(lines) > 3
        lines[2] = '{"v":1,"op":"bef\n'  # a torn write, then more records after it
        journal.write_text("".join(lines))
        sent = len(fake.requests)

        again = await run_cli(*(("undo", str(journal)) if command == "undo" else args), fake=fake)
        assert again.returncode == 1, again.stderr
        assert f"{journal}:3" in again.stderr
        assert f"line 3 of {journal}" in again.stderr
        assert "cannot be used as it is" in again.stderr
        assert "repair" in again.stderr
        assert "undo needs a readable journal" in again.stderr
        assert "can be written" not in again.stderr  # the hint of a failed write
        if command == "undo":
            assert "--journal" not in again.stderr
        else:
            assert "new --journal" in again.stderr
        # Nothing started: bulk-reassign only read its target agent, whose name it prints first.
        checked = [] if command == "undo" else [("GET", f"/v1/convai/agents/{NEW}")]
        assert [(r.method, r.path) for r in fake.requests[sent:]] == checked
