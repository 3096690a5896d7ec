"""What ``call`` and ``create`` exit with when the server acted but its reply
cannot be read (7: do not run it again), and when it refused an import that
was already done (a 409: a known outcome, not 7)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
from cli_helpers import API_KEY, clean_env, run_cli

from elevenphone.testing import FakeElevenLabs, Fault

TOKEN = "twilio_token_0c1d2e3f4a"
NUMBER = "+14155550177"
IMPORT = ("create", "--provider", "twilio", "--phone-number", NUMBER, "--label", "Sales")


@pytest.fixture
async def fake() -> AsyncIterator[FakeElevenLabs]:
    async with FakeElevenLabs(api_key=API_KEY, numbers=3, seed=3) as fake:
        yield fake


def _error(stderr: str) -> dict[str, object]:
    error: dict[str, object] = json.loads(stderr.strip().splitlines()[-1])["error"]
    return error


async def test_a_call_whose_2xx_cannot_be_read_exits_7(fake: FakeElevenLabs) -> None:
    pid = fake.add_number(provider="twilio")
    fake.script(Fault.after_acting(Fault.status(200, b"<html>placed</html>")))
    result = await run_cli(
        "call", "--agent-id", "agent_a", "--from", pid, "--to", "+14155550100",
        "--provider", "twilio", "--json", fake=fake,
    )  # fmt: skip
    assert result.returncode == 7, result.stderr
    error = _error(result.stderr)
    assert error["outcome_unknown"] is True
    assert error["type"] == "APIResponseValidationError"
    assert "the server accepted the call (200) but its reply cannot be read" in str(
        error["message"]
    )
    assert len(fake.calls) == 1
    assert [r.method for r in fake.requests] == ["POST"]


async def test_an_import_whose_2xx_cannot_be_read_exits_7(fake: FakeElevenLabs) -> None:
    fake.script(Fault.after_acting(Fault.status(200, b"{")))
    result = await run_cli(
        *IMPORT, "--sid", "AC1", "--token-env", "T", fake=fake, env=clean_env(T=TOKEN)
    )
    assert result.returncode == 7, result.stderr
    assert "the server accepted the import (200) but its reply cannot be read" in result.stderr
    assert "ringing" not in result.stderr
    assert [n["phone_number"] for n in fake.numbers.values()].count(NUMBER) == 1
    assert [r.method for r in fake.requests] == ["POST"]
    assert TOKEN not in result.stderr


async def test_an_import_of_a_number_already_imported_is_a_known_refusal(
    fake: FakeElevenLabs,
) -> None:
    fake.add_number(provider="twilio", phone_number=NUMBER)
    result = await run_cli(
        *IMPORT, "--sid", "AC1", "--token-env", "T", "--json",
        fake=fake, env=clean_env(T=TOKEN),
    )  # fmt: skip
    assert result.returncode == 1, result.stderr  # what any 409 exits with
    error = _error(result.stderr)
    assert error["type"] == "ConflictError"
    assert error["status_code"] == 409
    assert error["outcome_unknown"] is False
    message = str(error["message"])
    assert "ringing" not in message
    assert "may have been imported" not in message
    assert [r.method for r in fake.requests] == ["POST"]  # not sent again
    assert [n["phone_number"] for n in fake.numbers.values()].count(NUMBER) == 1
