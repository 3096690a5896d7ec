"""Running ``python -m elevenphone`` as a real subprocess against the fake.

The fake runs in the test's event loop; the command line runs in a child
process, so the loop keeps serving while the test awaits the child.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from dataclasses import dataclass
from typing import Any

from elevenphone.testing import FakeElevenLabs

API_KEY = "sk_cli_test_secret_8d1f2a9e77"


@dataclass
class Completed:
    """A finished command: its exit status and what it printed."""

    returncode: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        """stdout parsed as JSON."""
        return json.loads(self.stdout)


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without any ElevenLabs setting, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ELEVENLABS_")}
    env.update(extra)
    return env


def cli_command(*args: str, fake: FakeElevenLabs | None = None) -> list[str]:
    """The argv of the command line, pointed at ``fake`` when given."""
    command = [sys.executable, "-m", "elevenphone"]
    if fake is not None:
        command += ["--base-url", fake.base_url, "--api-key", fake.api_key]
    return [*command, *args]


def assert_clean(result: Completed) -> None:
    """The rules every command keeps: no traceback, never the key."""
    assert "Traceback" not in result.stderr, result.stderr
    for stream in (result.stdout, result.stderr):
        assert API_KEY not in stream


async def run_cli(
    *args: str,
    fake: FakeElevenLabs | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 60.0,
    cwd: str | None = None,
) -> Completed:
    """Run the command line to the end; check it printed no traceback and no key."""
    process = await asyncio.create_subprocess_exec(
        *cli_command(*args, fake=fake),
        # Never the terminal pytest runs on: a command that asks would wait for it.
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=clean_env() if env is None else env,
        cwd=cwd,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout)
    assert process.returncode is not None
    result = Completed(process.returncode, out.decode(), err.decode())
    assert_clean(result)
    return result


def agent_of(number: dict[str, Any]) -> str | None:
    """The agent id of a number as the fake holds it."""
    agent = number.get("assigned_agent")
    return None if agent is None else str(agent["agent_id"])
