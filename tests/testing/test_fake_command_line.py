"""The one standalone entry point: its options, shared by ``elevenphone fake-server``."""

from __future__ import annotations

import subprocess
import sys
import urllib.error
import urllib.request
from typing import Any

import pytest

from elevenphone.testing.__main__ import DEFAULT_NUMBERS, DEFAULT_PORT, build_parser, main
from tests.testing.helpers import NUMBERS


def parse(*argv: str) -> dict[str, Any]:
    return vars(build_parser().parse_args(argv))


def test_defaults() -> None:
    assert parse() == {
        "host": "127.0.0.1",
        "port": DEFAULT_PORT,
        "numbers": DEFAULT_NUMBERS,
        "seed": 0,
        "api_key": "test-key",
        "agent_ids": None,
        "fault_rate": 0.0,
        "latency": 0.0,
        "concurrency_limit": None,
        "other_clients_in_flight": 0,
        "rate_limit": None,
        "rate_limit_burst": None,
        "retry_after": False,
        "webhook_url": None,
        "webhook_secret": None,
    }
    assert (DEFAULT_PORT, DEFAULT_NUMBERS) == (8080, 100)


def test_values_and_schedules() -> None:
    args = parse(
        "--key",
        "k",
        "--agent-id",
        "agent_a",
        "--agent-id",
        "agent_b",
        "--latency",
        "0.01,0.05",
        "--concurrency-limit",
        "0:16,300:4,600:none",
        "--other-clients-in-flight",
        "2",
        "--rate-limit",
        "0:50,100:12.5",
        "--rate-limit-burst",
        "5",
        "--retry-after",
        "--webhook-url",
        "http://127.0.0.1:9/hooks",
        "--webhook-secret",
        "whsec",
    )
    assert (args["webhook_url"], args["webhook_secret"]) == ("http://127.0.0.1:9/hooks", "whsec")
    assert args["api_key"] == "k"  # --key is another name of --api-key
    assert args["agent_ids"] == ["agent_a", "agent_b"]
    assert args["latency"] == (0.01, 0.05)
    assert args["concurrency_limit"] == [(0, 16), (300, 4), (600, None)]
    assert args["other_clients_in_flight"] == 2
    assert args["rate_limit"] == [(0, 50.0), (100, 12.5)]
    assert (args["rate_limit_burst"], args["retry_after"]) == (5, True)
    assert parse("--concurrency-limit", "none")["concurrency_limit"] is None


@pytest.mark.parametrize(
    "argv",
    [
        ["--port", "70000"],
        ["--numbers", "-1"],
        ["--fault-rate", "1.5"],
        ["--latency", "0.5,0.1"],
        ["--latency", "-1"],
        ["--concurrency-limit", "0"],
        ["--concurrency-limit", "0:4,0:5"],
        ["--concurrency-limit", "4.5"],
        ["--other-clients-in-flight", "none"],
        ["--rate-limit", "0"],
        ["--rate-limit-burst", "0"],
        ["--unknown"],
    ],
)
def test_bad_options_are_usage_errors(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    # Our words only (argparse words the rest): the command and the option at fault.
    assert "python -m elevenphone.testing" in err
    assert argv[0] in err


def test_help_lists_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    # elevenphone fake-server reads these options: tests/cli/test_cli_fake_server.py.
    assert main(["--help"]) == 0
    shown = capsys.readouterr().out
    assert "python -m elevenphone.testing" in shown.splitlines()[0]
    for option in build_parser()._option_string_actions:
        assert option in shown


def test_the_limit_flags_reach_the_fake() -> None:
    command = [
        sys.executable,
        "-m",
        "elevenphone.testing",
        "--port",
        "0",
        "--numbers",
        "1",
        "--concurrency-limit",
        "0:1,2:none",
        "--other-clients-in-flight",
        "1",
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        base_url = process.stdout.readline().split(" on ")[-1].strip()
        seen = []
        current = []
        for _ in range(3):
            request = urllib.request.Request(base_url + NUMBERS, headers={"xi-api-key": "test-key"})
            try:
                with urllib.request.urlopen(request, timeout=5) as response:
                    seen.append(response.status)
            except urllib.error.HTTPError as error:
                seen.append(error.code)
                current.append(error.headers["current-concurrent-requests"])
                error.close()
        assert seen == [429, 429, 200]
        assert current == ["2", "2"]  # one request of ours, one of the other client
    finally:
        process.terminate()
        process.communicate(timeout=10)
    assert process.returncode == 0


def test_the_webhook_flags_reach_the_fake(monkeypatch: pytest.MonkeyPatch) -> None:
    import elevenphone.testing.__main__ as entry

    seen: dict[str, Any] = {}

    async def serve(on_ready: Any, **options: Any) -> None:
        seen.update(options)

    monkeypatch.setattr(entry, "serve", serve)
    argv = ["--webhook-url", "http://127.0.0.1:9/hooks", "--webhook-secret", "whsec"]
    assert main(argv) == 0
    assert (seen["webhook_url"], seen["webhook_secret"]) == ("http://127.0.0.1:9/hooks", "whsec")
    assert main([]) == 0
    assert (seen["webhook_url"], seen["webhook_secret"]) == (None, None)


def test_a_port_in_use_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["--port", str(port), "--numbers", "0"]) == 1
    assert capsys.readouterr().err.startswith("error:")
