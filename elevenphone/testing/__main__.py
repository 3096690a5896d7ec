"""Run the fake API standalone: ``python -m elevenphone.testing --port 8080 --numbers 1000``.

Prints the base URL and the API key, then serves until Ctrl-C (or SIGTERM).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from elevenphone.testing import FakeElevenLabs


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m elevenphone.testing",
        description="Serve a fake ElevenLabs phone-numbers API on this machine.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default %(default)s)")
    parser.add_argument("--port", type=int, default=8080, help="0 picks a free port")
    parser.add_argument("--numbers", type=int, default=0, help="seeded phone numbers to start with")
    parser.add_argument("--seed", type=int, default=0, help="seed for data, faults and latency")
    parser.add_argument("--api-key", default="test-key", help="the accepted xi-api-key")
    parser.add_argument(
        "--agent-id",
        action="append",
        dest="agent_ids",
        metavar="AGENT_ID",
        help="put the seeded numbers on this agent (repeat for several)",
    )
    parser.add_argument("--fault-rate", type=float, default=0.0, help="share of requests to fail")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added per request")
    parser.add_argument(
        "--concurrency-limit", type=int, default=None, help="requests in flight before 429"
    )
    return parser


async def serve(on_ready: Callable[[FakeElevenLabs], None], **options: Any) -> None:
    """Run ``FakeElevenLabs(**options)`` until SIGTERM, Ctrl-C or cancellation.

    ``on_ready`` is called once the fake listens, to announce where. Shared by
    ``python -m elevenphone.testing`` and ``elevenphone fake-server``.

    Raises:
        ValueError: an option out of range.
        OSError: the port cannot be bound.
    """
    from elevenphone.testing import FakeElevenLabs

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    with contextlib.suppress(NotImplementedError):  # no signal handlers on Windows
        loop.add_signal_handler(signal.SIGTERM, stop.set)
    async with FakeElevenLabs(**options) as fake:
        on_ready(fake)
        await stop.wait()


def _announce(fake: FakeElevenLabs) -> None:
    print(f"base URL: {fake.base_url}", flush=True)
    print(f"API key:  {fake.api_key}", flush=True)
    print(f"numbers:  {len(fake.numbers)}  (Ctrl-C to stop)", flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv``, serve until interrupted and return the exit status.

    Invalid options exit with status 2 (argparse); invalid values such as a
    negative ``--numbers`` or a port in use exit with status 1.
    """
    args = _parser().parse_args(argv)
    try:
        asyncio.run(
            serve(
                _announce,
                api_key=args.api_key,
                numbers=args.numbers,
                seed=args.seed,
                agent_ids=args.agent_ids,
                host=args.host,
                port=args.port,
                latency=args.latency,
                fault_rate=args.fault_rate,
                concurrency_limit=args.concurrency_limit,
            )
        )
    except KeyboardInterrupt:
        pass
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print("stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
