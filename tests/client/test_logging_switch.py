"""``ELEVENPHONE_LOG=debug|info`` writes the ``elevenphone`` logger to stderr
with no code; each program runs in a subprocess, as a user's would."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from elevenphone._logs import log_from_environment, logger

KEY = "sk_logging_switch_secret_31337"

PROGRAM = textwrap.dedent(
    f"""
    import asyncio

    from elevenphone import ElevenPhone, RetryPolicy
    from elevenphone.testing import FakeElevenLabs, Fault


    async def main() -> None:
        async with FakeElevenLabs(api_key={KEY!r}) as fake:
            pid = fake.add_number(phone_number_id="phnum_logs")
            fake.script(Fault.server_error(503))
            policy = RetryPolicy(initial_delay=0.01)
            async with ElevenPhone({KEY!r}, base_url=fake.base_url, retry_policy=policy) as c:
                await c.phone_numbers.update(pid, label="Logged")


    asyncio.run(main())
    """
)


def run(level: str | None) -> str:
    env = {"PATH": "/usr/bin:/bin"}
    if level is not None:
        env["ELEVENPHONE_LOG"] = level
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert KEY not in done.stderr
    return done.stderr


@pytest.mark.parametrize("level", ["debug", "DEBUG", " Debug "])
def test_debug_writes_every_attempt_with_its_path(level: str) -> None:
    lines = run(level).splitlines()
    assert any(
        "DEBUG elevenphone: PATCH /v1/convai/phone-numbers/phnum_logs -> 503" in line
        for line in lines
    ), lines
    assert any(
        "INFO elevenphone: retrying PATCH /v1/convai/phone-numbers/phnum_logs" in line
        for line in lines
    ), lines
    assert any("-> 200" in line for line in lines), lines


def test_info_writes_the_retries_only() -> None:
    lines = run("info").splitlines()
    assert len(lines) == 1, lines
    assert "INFO elevenphone: retrying PATCH /v1/convai/phone-numbers/phnum_logs" in lines[0]


@pytest.mark.parametrize("level", [None, "", "verbose"])
def test_unset_empty_or_unknown_writes_nothing(level: str | None) -> None:
    assert run(level) == ""


def test_switching_twice_adds_one_handler(monkeypatch: pytest.MonkeyPatch) -> None:
    saved = (logger.handlers[:], logger.level, logger.propagate)
    try:
        log_from_environment({"ELEVENPHONE_LOG": "info"})
        log_from_environment({"ELEVENPHONE_LOG": "debug"})
        added = [h for h in logger.handlers if h not in saved[0]]
        assert len(added) == 1
        assert logger.level == 10
        assert logger.propagate is False
    finally:
        logger.handlers[:], logger.level, logger.propagate = saved
