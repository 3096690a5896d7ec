"""The ``fake_elevenlabs`` pytest fixture and the ``python -m elevenphone.testing`` command."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import aiohttp
import pytest

from elevenphone.testing import FakeElevenLabs
from tests.pytest_outcomes import junit_option, outcomes
from tests.testing.helpers import NUMBERS


async def test_fixture_serves_ten_seeded_numbers(fake_elevenlabs: FakeElevenLabs) -> None:
    assert len(fake_elevenlabs.numbers) == 10
    assert fake_elevenlabs.numbers == FakeElevenLabs(numbers=10, seed=0).numbers
    async with (
        aiohttp.ClientSession() as session,
        session.get(
            fake_elevenlabs.base_url + NUMBERS, headers={"xi-api-key": fake_elevenlabs.api_key}
        ) as response,
    ):
        assert response.status == 200
        assert await response.json() == list(fake_elevenlabs.numbers.values())


USER_TESTS = """
import aiohttp
{marker}

async def test_update(fake_elevenlabs):
    pid = next(iter(fake_elevenlabs.numbers))
    url = f"{{fake_elevenlabs.base_url}}/v1/convai/phone-numbers/{{pid}}"
    async with aiohttp.ClientSession() as session:
        async with session.patch(
            url, json={{"agent_id": None}}, headers={{"xi-api-key": "test-key"}}
        ) as response:
            assert response.status == 200
    assert fake_elevenlabs.numbers[pid]["assigned_agent"] is None

{marker}
async def test_fresh_fake_per_test(fake_elevenlabs):
    assert fake_elevenlabs.requests == []
"""

INI = """
[pytest]
filterwarnings = error
asyncio_default_fixture_loop_scope = function
"""


def run_pytest(directory: Path, *args: str, pythonpath: Path | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-q",
            junit_option(directory),
            *args,
        ],
        cwd=directory,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return result.stdout + result.stderr


@pytest.mark.parametrize(("mode", "marker"), [("strict", "@pytest.mark.asyncio"), ("auto", "")])
def test_fixture_in_user_projects(tmp_path: Path, mode: str, marker: str) -> None:
    imports = "import pytest\n" if marker else ""
    (tmp_path / "pytest.ini").write_text(INI + f"asyncio_mode = {mode}\n")
    (tmp_path / "test_user.py").write_text(imports + USER_TESTS.format(marker=marker))
    output = run_pytest(tmp_path)
    assert outcomes(tmp_path) == {"passed": 2, "failed": 0, "errors": 0, "skipped": 0}, output


def test_plugin_does_not_break_pytest_without_pytest_asyncio(tmp_path: Path) -> None:
    shadow = tmp_path / "shadow"
    (shadow / "pytest_asyncio").mkdir(parents=True)
    (shadow / "pytest_asyncio" / "__init__.py").write_text("raise ImportError('absent')\n")
    project = tmp_path / "project"
    project.mkdir()
    (project / "pytest.ini").write_text("[pytest]\nfilterwarnings = error\n")
    (project / "test_sync.py").write_text(
        "import sys\n\ndef test_plain():\n    assert 'aiohttp.web' not in sys.modules\n"
    )
    output = run_pytest(project, "-p", "no:asyncio", pythonpath=shadow)
    assert outcomes(project) == {"passed": 1, "failed": 0, "errors": 0, "skipped": 0}, output


def test_command_line_serves_until_interrupted() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "elevenphone.testing", "--port", "0", "--numbers", "5"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("serving 5 numbers on http://127.0.0.1:")
        base_url = first.split(" on ")[-1].strip()
        assert process.stdout.readline().split() == [
            "export",
            f"ELEVENLABS_BASE_URL={base_url}",
            "ELEVENLABS_API_KEY=test-key",
        ]
        request = urllib.request.Request(base_url + NUMBERS, headers={"xi-api-key": "test-key"})
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.status == 200
            assert response.read().startswith(b'[{"provider":')
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err
    assert out == ""
    assert err.splitlines() == ["Ctrl-C to stop", "stopped"]
