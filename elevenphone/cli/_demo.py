"""``elevenphone demo``: the flagship job on a local fake API, no key, no network.

1. Starts :mod:`elevenphone.testing` on loopback with 1,000 numbers on one
   agent, about 10% transient faults (5xx, HTML 502, 429, connection resets),
   and a concurrency limit below the demo's concurrency, unknown to the run.
2. Moves every number to another agent with ``reassign_agent``, showing the
   progress bar and writing a journal (in a temporary directory).
3. Prints the summary.
4. Reads the fake's final state and says whether every number is right; the
   exit status is 0 only if it is.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from rich.console import Console

from .._client import ElevenPhone
from .._retry import RetryPolicy
from ..bulk.result import BulkResult
from ._errors import EXIT_FAILURE, EXIT_OK
from ._output import print_summary, stdout_console
from ._progress import BulkProgressBar

OLD_AGENT = "agent_3701k3ttaq12ewp8b7qv5rfyszkz"
NEW_AGENT = "agent_8201k9v3xg5qnfd0c8m7sjbw4hry"
SERVER_LIMIT = 6
START_CONCURRENCY = 24
FAULT_RATE = 0.10


async def run_demo(count: int = 1000) -> int:
    """Run the demo; return 0 if every number ended on the new agent."""
    from elevenphone.testing import FakeElevenLabs

    console = stdout_console()
    agents = {OLD_AGENT: "Support Agent (2024)", NEW_AGENT: "Support Agent (2025)"}
    async with FakeElevenLabs(
        api_key="demo-key",
        numbers=count,
        seed=2025,
        agent_ids={OLD_AGENT: agents[OLD_AGENT]},
        latency=(0.002, 0.012),
        fault_rate=FAULT_RATE,
        concurrency_limit=SERVER_LIMIT,
    ) as fake:
        fake.add_agent(NEW_AGENT, name=agents[NEW_AGENT])
        console.print(
            f"[bold]elevenphone demo[/]: a fake ElevenLabs API on {fake.base_url} holds"
            f" {len(fake.numbers)} numbers on {agents[OLD_AGENT]}.\n"
            f"It fails about {FAULT_RATE:.0%} of requests on purpose and allows"
            f" {SERVER_LIMIT} requests in flight; the run may use up to {START_CONCURRENCY}"
            " and has to find the limit.\n"
        )
        with tempfile.TemporaryDirectory(prefix="elevenphone-demo-") as directory:
            journal = Path(directory) / "journal.jsonl"
            # Short backoff: the fake's faults are instant, a real API's are not.
            policy = RetryPolicy(initial_delay=0.05, max_delay=1.0)
            async with ElevenPhone(
                fake.api_key, base_url=fake.base_url, max_retries=8, retry_policy=policy
            ) as client:
                title = f"moving {count} numbers to {agents[NEW_AGENT]}"
                with BulkProgressBar(console, title) as bar:
                    result = await client.phone_numbers.reassign_agent(
                        OLD_AGENT,
                        NEW_AGENT,
                        concurrency=START_CONCURRENCY,
                        journal=journal,
                        on_progress=bar.update,
                    )
            records = sum(1 for _ in journal.open(encoding="utf-8"))
        print_summary(console, result, title="summary")
        stats = fake.stats
        found = (
            "never reached it"
            if result.limit_found is None
            else f"found a limit of {result.limit_found} in flight"
        )
        console.print(
            f"The fake injected {sum(stats.faults.values())} faults and refused"
            f" {stats.concurrency_rejections} requests for exceeding its limit of"
            f" {SERVER_LIMIT}; the run {found} (at most {result.peak_in_flight} at once)."
            f" The journal held {records} records."
        )
        wrong = sorted(
            pid
            for pid, number in fake.numbers.items()
            if (number.get("assigned_agent") or {}).get("agent_id") != NEW_AGENT
        )
    return _verdict(console, result, wrong, count)


def _verdict(console: Console, result: BulkResult, wrong: list[str], count: int) -> int:
    if wrong or result.failed:
        console.print(
            f"[bold red]FAILED[/]: {len(wrong)} of {count} numbers are not on the new agent"
            f" ({len(result.failed)} updates failed)."
        )
        return EXIT_FAILURE
    console.print(
        f"[bold green]OK[/]: checked the fake's final state: all {count} numbers are on"
        f" {NEW_AGENT}."
    )
    return EXIT_OK
