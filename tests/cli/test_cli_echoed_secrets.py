"""The command line never prints a secret a server echoes back: ``bulk-update``
(its ``--json`` result, its failure table on stderr or stdout, its journal),
``update`` and ``create``, with the passwords and tokens taken from files
and the environment. The server echoes everything it receives."""

from __future__ import annotations

import json
from pathlib import Path

from cli_helpers import API_KEY, Completed, clean_env, run_cli

from tests.echoing import (
    ACCOUNT_AUTH_TOKEN,
    EXOTEL_API_KEY,
    EXOTEL_API_TOKEN,
    INBOUND_CONFIG,
    OUTBOUND_CONFIG,
    SIP_PASSWORD,
    TWILIO_TOKEN,
    EchoingServer,
    echoing_server,
    shown_secrets,
)

EXIT_INVALID_REQUEST = 3
EXIT_BULK_FAILURES = 6


def _against(server: EchoingServer, *args: str) -> list[str]:
    return ["--base-url", server.base_url, "--api-key", API_KEY, "--max-retries", "1", *args]


def assert_clean(*results: Completed) -> None:
    for result in results:
        assert shown_secrets(result.stdout) == [], result.stdout
        assert shown_secrets(result.stderr) == [], result.stderr


def _updates(tmp_path: Path) -> Path:
    path = tmp_path / "updates.jsonl"
    rows = [
        {"id": "phnum_refused", "outbound_trunk_config": OUTBOUND_CONFIG},
        {"id": "phnum_down", "inbound_trunk_config": INBOUND_CONFIG, "label": "L"},
    ]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


async def test_bulk_update_never_prints_or_journals_an_echoed_password(tmp_path: Path) -> None:
    updates = _updates(tmp_path)
    journal = tmp_path / "journal.jsonl"
    async with echoing_server() as server:
        runs = []
        for output in ([], ["--json"]):
            # One item refused (400), one that fails twice (503, retried once).
            server.answer(400, 503, 503)
            args = ["bulk-update", str(updates), "--journal", str(journal), "--concurrency", "1"]
            runs.append(await run_cli(*_against(server, *args, *output)))
    assert len(server.bodies) == 6
    assert all(shown_secrets(body.decode()) for body in server.bodies)  # the secrets went out
    table, as_json = runs
    for result in runs:
        assert result.returncode == EXIT_BULK_FAILURES, result.stderr
    assert_clean(table, as_json)
    assert "[redacted]" in table.stdout  # the failure table, on stdout without --json
    assert "[redacted]" in as_json.stderr  # ... and on stderr with it
    failed = as_json.json()["failed"]
    assert set(failed) == {"phnum_refused", "phnum_down"}
    for item in failed.values():
        assert "[redacted]" in item["error"]
    records = journal.read_text()
    assert records.count('"op":"failed"') == 4
    assert shown_secrets(records) == []


async def test_update_never_prints_an_echoed_password(tmp_path: Path) -> None:
    config = tmp_path / "outbound.json"
    config.write_text(json.dumps(OUTBOUND_CONFIG))
    async with echoing_server() as server:
        server.answer(400)
        result = await run_cli(
            *_against(server, "update", "phnum_x", "--outbound-config", str(config))
        )
    assert result.returncode == EXIT_INVALID_REQUEST
    assert shown_secrets(server.bodies[0].decode())
    assert_clean(result)
    assert "[redacted]" in result.stderr


async def test_update_never_prints_a_password_a_reply_echoes(tmp_path: Path) -> None:
    config = tmp_path / "outbound.json"
    config.write_text(json.dumps(OUTBOUND_CONFIG))
    async with echoing_server() as server:
        results = []
        for output in ([], ["--json"]):
            server.answer(200)
            args = ["update", "phnum_x", "--outbound-config", str(config), *output]
            results.append(await run_cli(*_against(server, *args)))
    for result in results:
        assert result.returncode == 0, result.stderr
        assert "[redacted]" in result.stdout
    assert_clean(*results)
    assert "[redacted]" in results[1].json()["label"]


async def test_create_never_prints_an_echoed_password_or_token(tmp_path: Path) -> None:
    config = tmp_path / "outbound.json"
    config.write_text(json.dumps({"address": "sip.example.com", "credentials": {"username": "u"}}))
    imports = {
        "sip_trunk": [
            "--provider", "sip_trunk", "--outbound-config", str(config),
            "--outbound-password-env", "SIP_PASSWORD",
        ],
        "twilio": [
            "--provider", "twilio", "--sid", "SK0123", "--token-env", "TWILIO_TOKEN",
            "--account-auth-token-env", "ACCOUNT_AUTH_TOKEN",
        ],
        "exotel": [
            "--provider", "exotel", "--account-sid", "acct", "--app-id", "app",
            "--api-subdomain", "api.in.exotel.com", "--exotel-api-key-env", "EXOTEL_KEY",
            "--exotel-api-token-env", "EXOTEL_TOKEN",
        ],
    }  # fmt: skip
    env = clean_env(
        SIP_PASSWORD=SIP_PASSWORD,
        TWILIO_TOKEN=TWILIO_TOKEN,
        ACCOUNT_AUTH_TOKEN=ACCOUNT_AUTH_TOKEN,
        EXOTEL_KEY=EXOTEL_API_KEY,
        EXOTEL_TOKEN=EXOTEL_API_TOKEN,
    )
    async with echoing_server() as server:
        for provider, options in imports.items():
            server.answer(400)
            common = ["create", "--phone-number", "+14155550199", "--label", "L", *options]
            result = await run_cli(*_against(server, *common), env=env)
            assert result.returncode == EXIT_INVALID_REQUEST, (provider, result.stderr)
            assert shown_secrets(server.bodies[-1].decode()), provider
            assert_clean(result)
            assert "[redacted]" in result.stderr
