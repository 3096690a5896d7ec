"""Each command as a real subprocess against the fake: output, state, exit status."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from cli_helpers import API_KEY, agent_of, assert_clean, clean_env, cli_command, run_cli

from elevenphone.bulk.journal import read_journal
from elevenphone.testing import FakeElevenLabs, Fault

OLD, NEW = "agent_old", "agent_new"


@pytest.fixture
async def fake() -> AsyncIterator[FakeElevenLabs]:
    async with FakeElevenLabs(api_key=API_KEY, numbers=12, seed=11, agent_ids=[OLD]) as fake:
        fake.add_agent(NEW)  # where the tests move the numbers to
        yield fake


def _first(fake: FakeElevenLabs, provider: str) -> str:
    return next(pid for pid, n in fake.numbers.items() if n["provider"] == provider)


async def test_get_prints_the_number_as_a_table_or_json(fake: FakeElevenLabs) -> None:
    pid = _first(fake, "sip_trunk")
    table = await run_cli("get", pid, fake=fake)
    assert table.returncode == 0
    assert pid in table.stdout
    assert fake.numbers[pid]["phone_number"] in table.stdout
    as_json = await run_cli("get", pid, "--json", fake=fake)
    assert as_json.returncode == 0
    shown = as_json.json()
    for key in ("provider", "phone_number_id", "label", "assigned_agent", "livekit_stack"):
        assert shown[key] == fake.numbers[pid][key]
    twilio = _first(fake, "twilio")
    as_json = await run_cli("get", twilio, "--json", fake=fake)
    assert as_json.json() == fake.numbers[twilio]


async def test_list_filters_and_prints_a_table_or_json(fake: FakeElevenLabs) -> None:
    twilio = [pid for pid, n in fake.numbers.items() if n["provider"] == "twilio"]
    listed = await run_cli("list", "--provider", "twilio", "--json", fake=fake)
    assert listed.returncode == 0
    assert [n["phone_number_id"] for n in listed.json()] == twilio
    table = await run_cli("list", "--agent-id", OLD, fake=fake)
    assert table.returncode == 0
    assert all(pid in table.stdout for pid in fake.numbers)
    assert "12 phone numbers" in table.stdout


async def test_update_changes_only_the_fields_given(fake: FakeElevenLabs) -> None:
    pid = _first(fake, "twilio")
    label = fake.numbers[pid]["label"]
    result = await run_cli("update", pid, "--agent-id", NEW, "--json", fake=fake)
    assert result.returncode == 0
    assert result.json()["assigned_agent"]["agent_id"] == NEW
    assert agent_of(fake.numbers[pid]) == NEW
    assert fake.numbers[pid]["label"] == label
    assert fake.requests[-1].json == {"agent_id": NEW}

    result = await run_cli("update", pid, "--unassign", "--label", "Spare", fake=fake)
    assert result.returncode == 0
    assert fake.numbers[pid]["assigned_agent"] is None
    assert fake.numbers[pid]["label"] == "Spare"
    assert fake.requests[-1].json == {"agent_id": None, "label": "Spare"}


async def test_update_reads_trunk_configs_from_json_files(
    fake: FakeElevenLabs, tmp_path: Path
) -> None:
    pid = _first(fake, "sip_trunk")
    config = tmp_path / "out.json"
    config.write_text(json.dumps({"address": "sip.new.example", "transport": "tls"}))
    result = await run_cli(
        "update", pid, "--outbound-config", str(config), "--no-store-sip-messages", fake=fake
    )
    assert result.returncode == 0, result.stderr
    assert fake.numbers[pid]["outbound_trunk"]["address"] == "sip.new.example"
    assert fake.numbers[pid]["outbound_trunk"]["transport"] == "tls"
    assert fake.numbers[pid]["store_sip_messages"] is False


async def test_usage_errors_exit_2_and_send_nothing(fake: FakeElevenLabs, tmp_path: Path) -> None:
    pid = _first(fake, "twilio")
    bad_value = tmp_path / "in.json"
    bad_value.write_text(json.dumps({"media_encryption": "sometimes"}))
    not_json = tmp_path / "broken.json"
    not_json.write_text("{")
    for args in (
        ["update", pid],  # nothing to change
        ["update", pid, "--agent-id", NEW, "--unassign"],
        ["update", pid, "--inbound-config", str(bad_value)],  # refused locally
        ["update", pid, "--inbound-config", str(not_json)],
        ["update", pid, "--livekit-stack", "huge"],
        ["bulk-reassign", "--from-agent", OLD],
        ["no-such-command"],
    ):
        result = await run_cli(*args, fake=fake)
        assert result.returncode == 2, (args, result.stderr)
        assert result.stderr.startswith("error: ")
        assert len(result.stderr.strip().splitlines()) == 1
    assert fake.requests == []


async def test_api_errors_map_to_their_exit_statuses(fake: FakeElevenLabs) -> None:
    twilio = _first(fake, "twilio")
    missing = await run_cli("get", "phnum_missing", fake=fake)
    assert (missing.returncode, missing.stderr.count("\n")) == (5, 1)
    assert "404" in missing.stderr

    refused = await run_cli("update", twilio, "--livekit-stack", "static", fake=fake)
    assert refused.returncode == 3
    assert "400" in refused.stderr

    fake.script(
        Fault.status(
            422,
            {
                "detail": [
                    {"loc": ["body", "agent_id"], "msg": "Agent does not exist", "type": "x"},
                    {"loc": ["body", "label"], "msg": "Label too long", "type": "y"},
                ]
            },
        )
    )
    invalid = await run_cli("update", twilio, "--agent-id", "agent_gone", fake=fake)
    assert invalid.returncode == 3
    assert "body.agent_id: Agent does not exist" in invalid.stderr
    assert "body.label: Label too long" in invalid.stderr

    wrong_key = await run_cli(
        "--base-url", fake.base_url, "--api-key", "sk_wrong_key", "get", twilio
    )
    assert wrong_key.returncode == 4
    assert "sk_wrong_key" not in wrong_key.stderr + wrong_key.stdout
    no_key = await run_cli("--base-url", fake.base_url, "get", twilio)
    assert no_key.returncode == 4
    assert "ELEVENLABS_API_KEY" in no_key.stderr


async def test_the_environment_supplies_key_and_base_url(fake: FakeElevenLabs) -> None:
    env = clean_env(ELEVENLABS_API_KEY=API_KEY, ELEVENLABS_BASE_URL=fake.base_url)
    result = await run_cli("list", "--json", env=env)
    assert result.returncode == 0
    assert len(result.json()) == 12


async def test_a_connection_failure_is_one_line_exit_1() -> None:
    result = await run_cli(
        "--base-url", "http://127.0.0.1:9", "--api-key", API_KEY, "--max-retries", "0", "get", "x"
    )
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1


async def test_bulk_reassign_dry_run_then_for_real(fake: FakeElevenLabs, tmp_path: Path) -> None:
    journal = tmp_path / "j.jsonl"
    dry = await run_cli(
        "bulk-reassign", "--from-agent", OLD, "--to-agent", NEW, "--dry-run", "--json", fake=fake
    )
    assert dry.returncode == 0
    assert {n["phone_number_id"] for n in dry.json()} == set(fake.numbers)
    assert all(r.method == "GET" for r in fake.requests)

    real = await run_cli(
        "bulk-reassign",
        "--from-agent",
        OLD,
        "--to-agent",
        NEW,
        "--concurrency",
        "3",
        "--max-rate",
        "500",
        "--journal",
        str(journal),
        "--json",
        fake=fake,
    )
    assert real.returncode == 0, real.stderr
    report = real.json()
    assert report["ok"] is True
    assert set(report["succeeded"]) == set(fake.numbers)
    assert report["journal"] == str(journal)
    assert all(agent_of(n) == NEW for n in fake.numbers.values())
    assert "succeeded" in real.stderr  # the summary table, kept off stdout with --json


async def test_bulk_reassign_writes_a_journal_even_when_not_asked(
    fake: FakeElevenLabs, tmp_path: Path
) -> None:
    result = await run_cli(
        "bulk-reassign", "--from-agent", OLD, "--to-agent", NEW, fake=fake, cwd=str(tmp_path)
    )
    assert result.returncode == 0, result.stderr
    name = result.stderr.split("journal: ", 1)[1].split()[0]
    assert name.startswith("elevenphone-reassign-")
    assert read_journal(tmp_path / name).done == set(fake.numbers)


async def test_bulk_update_from_csv_and_jsonl(fake: FakeElevenLabs, tmp_path: Path) -> None:
    ids = list(fake.numbers)
    csv_file = tmp_path / "updates.csv"
    csv_file.write_text(
        "phone_number_id,agent_id,label\n"
        + "".join(f"{pid},{NEW},csv {i}\n" for i, pid in enumerate(ids[:6]))
    )
    jsonl_file = tmp_path / "updates.jsonl"
    jsonl_file.write_text(
        "".join(json.dumps({"id": pid, "agent_id": None}) + "\n" for pid in ids[6:])
    )
    by_csv = await run_cli(
        "bulk-update", str(csv_file), "--journal", str(tmp_path / "a"), fake=fake
    )
    assert by_csv.returncode == 0, by_csv.stderr
    assert "succeeded" in by_csv.stdout
    by_jsonl = await run_cli(
        "bulk-update", str(jsonl_file), "--journal", str(tmp_path / "b"), "--json", fake=fake
    )
    assert by_jsonl.returncode == 0, by_jsonl.stderr
    assert set(by_jsonl.json()["succeeded"]) == set(ids[6:])
    for i, pid in enumerate(ids[:6]):
        assert (agent_of(fake.numbers[pid]), fake.numbers[pid]["label"]) == (NEW, f"csv {i}")
    assert all(fake.numbers[pid]["assigned_agent"] is None for pid in ids[6:])


async def test_bulk_update_with_failed_items_exits_6(fake: FakeElevenLabs, tmp_path: Path) -> None:
    pid = next(iter(fake.numbers))
    rows = tmp_path / "rows.jsonl"
    rows.write_text(
        json.dumps({"id": pid, "label": "ok"})
        + "\n"
        + json.dumps({"id": "phnum_gone", "label": "x"})
    )
    result = await run_cli(
        "bulk-update", str(rows), "--journal", str(tmp_path / "j"), "--json", fake=fake
    )
    assert result.returncode == 6
    report = result.json()
    assert report["succeeded"] == [pid]
    assert report["failed"]["phnum_gone"]["status"] == 404
    assert fake.numbers[pid]["label"] == "ok"


async def test_a_bad_update_file_exits_2_before_anything_is_sent(
    fake: FakeElevenLabs, tmp_path: Path
) -> None:
    pid = next(iter(fake.numbers))
    files = {
        "unknown.csv": f"phone_number_id,colour\n{pid},red\n",
        "types.jsonl": json.dumps({"id": pid, "agent_id": 5}) + "\n",
        "twice.jsonl": (json.dumps({"id": pid, "label": "a"}) + "\n") * 2,
        "late.jsonl": json.dumps({"id": pid, "label": "a"}) + "\n{not json\n",
        "updates.txt": "",
    }
    for name, text in files.items():
        path = tmp_path / name
        path.write_text(text)
        result = await run_cli("bulk-update", str(path), fake=fake)
        assert result.returncode == 2, (name, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1
    assert fake.requests == []


async def test_undo_puts_every_number_back(fake: FakeElevenLabs, tmp_path: Path) -> None:
    before = {pid: json.dumps(n, sort_keys=True) for pid, n in fake.numbers.items()}
    journal = tmp_path / "j.jsonl"
    moved = await run_cli(
        "bulk-reassign",
        "--from-agent",
        OLD,
        "--to-agent",
        NEW,
        "--journal",
        str(journal),
        fake=fake,
    )
    assert moved.returncode == 0
    undone = await run_cli("undo", str(journal), "--json", fake=fake)
    assert undone.returncode == 0, undone.stderr
    assert set(undone.json()["succeeded"]) == set(fake.numbers)
    assert {pid: json.dumps(n, sort_keys=True) for pid, n in fake.numbers.items()} == before
    missing = await run_cli("undo", str(tmp_path / "nope.jsonl"), fake=fake)
    assert missing.returncode == 2


async def test_fake_server_serves_until_interrupted() -> None:
    process = await asyncio.create_subprocess_exec(
        *cli_command("fake-server", "--port", "0", "--numbers", "7", "--key", API_KEY),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=clean_env(),
    )
    assert process.stdout is not None
    first = (await asyncio.wait_for(process.stdout.readline(), 30)).decode()
    base_url = first.split(" on ")[-1].strip()
    assert base_url.startswith("http://127.0.0.1:")
    listed = await run_cli("--base-url", base_url, "--api-key", API_KEY, "list", "--json")
    assert listed.returncode == 0
    assert len(listed.json()) == 7
    process.send_signal(2)  # SIGINT
    await asyncio.wait_for(process.wait(), 30)
    assert process.returncode == 0
    assert process.stderr is not None
    assert "Traceback" not in (await process.stderr.read()).decode()


async def test_help_lists_every_command() -> None:
    helped = await run_cli("--help")
    assert helped.returncode == 0
    for command in ("update", "get", "list", "bulk-reassign", "bulk-update", "undo", "demo"):
        assert command in helped.stdout


def test_the_console_script_runs() -> None:
    script = Path(sys.executable).with_name("elevenphone")
    version = subprocess.run(
        [str(script), "--version"], capture_output=True, text=True, env=clean_env(), check=False
    )
    assert version.returncode == 0
    assert "elevenphone" in version.stdout


def test_importing_elevenphone_loads_neither_click_nor_rich() -> None:
    code = (
        "import sys, elevenphone\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in {'click', 'rich'})\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=clean_env(), check=True
    )
    assert result.stdout.strip() == ""


async def test_the_demo_verifies_the_fakes_final_state() -> None:
    result = await run_cli("demo", timeout=120)
    assert result.returncode == 0, result.stderr
    assert "OK: checked the fake's final state: all 1000 numbers" in result.stdout
    assert "succeeded" in result.stdout


def test_clean_rules_catch_a_traceback() -> None:
    from cli_helpers import Completed

    with pytest.raises(AssertionError):
        assert_clean(Completed(1, "", "Traceback (most recent call last):\n"))


def test_without_the_cli_extra_the_command_says_what_to_install() -> None:
    code = (
        "import sys\n"
        "sys.modules['click'] = None  # as if the cli extra were not installed\n"
        "from elevenphone.cli import main\n"
        "main(['--help'])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=clean_env(), check=False
    )
    assert result.returncode == 1
    assert "pip install 'elevenphone[cli]'" in result.stderr
    assert "Traceback" not in result.stderr


async def test_a_bare_command_shows_its_help() -> None:
    result = await run_cli()
    asked = await run_cli("--help")
    assert (result.returncode, asked.returncode) == (2, 0)
    assert result.stderr == asked.stdout  # the help itself, however click words it
    assert "bulk-reassign" in result.stderr
    assert not result.stderr.startswith("error:")


async def test_bulk_summaries_say_the_in_flight_limit_the_run_found(tmp_path: Path) -> None:
    # One request in flight at a time, and another client of the account holds
    # both slots exactly when each run's first PATCH arrives: after 2 requests
    # received (the first run's GETs: the check of the agent, the listing),
    # and after 35 (its 33, the second's two GETs). Each run is refused once
    # and finds its share, on any machine: the fake keys its limits by
    # requests received, never by time.
    others = [(0, 0), (2, 2), (3, 0), (35, 2), (36, 0)]
    async with FakeElevenLabs(
        api_key=API_KEY,
        numbers=30,
        seed=14,
        agent_ids=[OLD],
        concurrency_limit=2,
        other_clients_in_flight=others,
    ) as limited:
        limited.add_agent(NEW)
        as_json = await run_cli(
            "bulk-reassign",
            "--from-agent",
            OLD,
            "--to-agent",
            NEW,
            "--json",
            "--journal",
            str(tmp_path / "a"),
            "--concurrency",
            "1",
            fake=limited,
        )
        assert as_json.returncode == 0, as_json.stderr
        report = as_json.json()
        assert len(report["succeeded"]) == 30
        assert report["limit_found"] == 1  # its one request, less the one too many
        assert report["concurrency_limited"] == 1
        assert report["peak_in_flight"] == 1
        assert report["paced_rate"] is None
        assert "in-flight limit found" in as_json.stderr
        # The check, the listing, 30 PATCHes, the one retried.
        assert len(limited.requests) == 33
        table = await run_cli(
            "bulk-reassign",
            "--from-agent",
            NEW,
            "--to-agent",
            OLD,
            "--journal",
            str(tmp_path / "b"),
            "--concurrency",
            "1",
            fake=limited,
        )
        assert table.returncode == 0, table.stderr
        [row] = [line for line in table.stdout.splitlines() if "in-flight limit found" in line]
        assert row.split()[-1] == "1"
