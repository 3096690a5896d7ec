"""Serve the fake API standalone: the one entry point and its one set of options.

:func:`build_parser` holds the only definition of the options, their
defaults and their help. ``python -m elevenphone.testing [OPTIONS]`` parses
them with it (:func:`main`); ``elevenphone fake-server [OPTIONS]`` reads them
from it as click options. Both then :func:`run`: print where it serves and
the ``export`` line to use, then serve until Ctrl-C (or SIGTERM).
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

PROG = "python -m elevenphone.testing"
DEFAULT_PORT = 8080
DEFAULT_NUMBERS = 100

_SCHEDULE_HELP = "a schedule REQUESTS:VALUE,... changes it as requests come in (0:16,300:4)"


def _int_at_least(minimum: int, maximum: int | None = None) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if value < minimum or (maximum is not None and value > maximum):
            bounds = f"from {minimum} to {maximum}" if maximum is not None else f">= {minimum}"
            raise argparse.ArgumentTypeError(f"must be {bounds}, not {value}")
        return value

    return parse


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be from 0 to 1, not {value:g}")
    return value


def _latency(text: str) -> float | tuple[float, float]:
    """``SECONDS`` or ``LOW,HIGH`` (a seeded uniform draw per request)."""
    try:
        parts = [float(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not SECONDS or LOW,HIGH: {text!r}") from None
    if len(parts) > 2 or any(part < 0 for part in parts) or parts != sorted(parts):
        raise argparse.ArgumentTypeError(f"not SECONDS or LOW,HIGH (0 <= LOW <= HIGH): {text!r}")
    return parts[0] if len(parts) == 1 else (parts[0], parts[1])


def _schedule(
    name: str, kind: type[int] | type[float], minimum: float, allow_none: bool
) -> Callable[[str], Any]:
    """Parse ``N`` or ``REQUESTS:N,REQUESTS:N,...`` (``none`` lifts a limit)."""
    from ._limits import schedule

    def value(text: str) -> int | float | None:
        return None if allow_none and text.strip().lower() == "none" else kind(text)

    def parse(text: str) -> Any:
        try:
            if ":" in text:
                setting: Any = [
                    (int(start), value(limit))
                    for start, _, limit in (step.partition(":") for step in text.split(","))
                ]
            else:
                setting = value(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not N or REQUESTS:N,...: {text!r}") from None
        try:
            schedule(setting, name, kind, minimum=kind(minimum), allow_none=allow_none)
        except (TypeError, ValueError) as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
        return setting

    return parse


def build_parser(prog: str = PROG) -> argparse.ArgumentParser:
    """The options of the standalone fake, for ``prog`` (how the user invoked it)."""
    parser = argparse.ArgumentParser(
        prog=prog,
        description=(
            "Serve the in-memory fake ElevenLabs API (elevenphone.testing) on this machine"
            " until Ctrl-C. Needs no key and no network."
        ),
    )
    add = parser.add_argument
    add("--host", default="127.0.0.1", help="Address to bind (default: %(default)s).")
    add(
        "--port",
        type=_int_at_least(0, 65535),
        default=DEFAULT_PORT,
        metavar="N",
        help="Port to serve on, 0 picks a free one (default: %(default)s).",
    )
    add(
        "--numbers",
        type=_int_at_least(0),
        default=DEFAULT_NUMBERS,
        metavar="N",
        help="Seeded phone numbers to start with (default: %(default)s).",
    )
    add(
        "--seed",
        type=int,
        default=0,
        metavar="N",
        help="Seed of the data, IDs, faults and latency (default: 0).",
    )
    add(
        "--api-key",
        "--key",
        dest="api_key",
        default="test-key",
        metavar="KEY",
        help="The one API key accepted (default: %(default)s).",
    )
    add(
        "--agent-id",
        action="append",
        dest="agent_ids",
        metavar="AGENT_ID",
        help="Put the seeded numbers on this agent (repeat for several).",
    )
    add(
        "--fault-rate",
        type=_share,
        default=0.0,
        metavar="SHARE",
        help="Share of requests, 0 to 1, that fail on purpose (default: 0).",
    )
    add(
        "--latency",
        type=_latency,
        default=0.0,
        metavar="SECONDS|LOW,HIGH",
        help="Seconds added to every request, or a random draw between LOW and HIGH (default: 0).",
    )
    add(
        "--concurrency-limit",
        type=_schedule("concurrency limit", int, 1, allow_none=True),
        default=None,
        metavar="N|SCHEDULE",
        help="Answer 429 concurrent_limit_exceeded past N requests in flight;"
        f" {_SCHEDULE_HELP} (default: no limit).",
    )
    add(
        "--other-clients-in-flight",
        type=_schedule("other clients in flight", int, 0, allow_none=False),
        default=0,
        metavar="N|SCHEDULE",
        help="Requests another client of the account keeps in flight, counted in the"
        f" concurrency limit; {_SCHEDULE_HELP} (default: 0).",
    )
    add(
        "--rate-limit",
        type=_schedule("rate limit", float, 0.001, allow_none=True),
        default=None,
        metavar="RPS|SCHEDULE",
        help="Answer 429 rate_limit_exceeded past RPS requests a second (a token bucket);"
        f" {_SCHEDULE_HELP} (default: no limit).",
    )
    add(
        "--rate-limit-burst",
        type=_int_at_least(1),
        default=None,
        metavar="N",
        help="Size of the rate limit's token bucket (default: one second's worth).",
    )
    add(
        "--retry-after",
        action="store_true",
        help="Send Retry-After on rate_limit_exceeded (default: no Retry-After).",
    )
    add(
        "--webhook-url",
        default=None,
        metavar="URL",
        help="POST a webhook to URL when each call ends (default: no webhooks).",
    )
    add(
        "--webhook-secret",
        default=None,
        metavar="SECRET",
        help="Sign the webhooks with SECRET (ElevenLabs-Signature; default: unsigned).",
    )
    return parser


async def serve(on_ready: Callable[[FakeElevenLabs], None], **options: Any) -> None:
    """Run ``FakeElevenLabs(**options)`` until SIGTERM, Ctrl-C or cancellation.

    ``on_ready`` is called once the fake listens, to announce where.

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
    print(f"serving {len(fake.numbers)} numbers on {fake.base_url}", flush=True)
    print(
        f"  export ELEVENLABS_BASE_URL={fake.base_url} ELEVENLABS_API_KEY={fake.api_key}",
        flush=True,
    )
    print("Ctrl-C to stop", file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None, prog: str = PROG) -> int:
    """Parse ``argv`` (default: ``sys.argv[1:]``), serve until interrupted, return the exit status.

    ``prog`` is how the user invoked it, for the usage line. ``--help`` exits
    0; invalid options exit 2 (usage); a port that cannot be bound exits 1.
    """
    try:
        args = build_parser(prog).parse_args(argv)
    except SystemExit as exit_:  # --help, or a usage error argparse has printed
        return exit_.code if isinstance(exit_.code, int) else 2
    return run(args)


def run(args: argparse.Namespace) -> int:
    """Serve with the options of :func:`build_parser` (parsed there or by
    ``elevenphone fake-server``) until interrupted; return the exit status.

    A port that cannot be bound, or an option out of range, prints ``error:
    ...`` and returns 1.
    """
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
                other_clients_in_flight=args.other_clients_in_flight,
                rate_limit=args.rate_limit,
                rate_limit_burst=args.rate_limit_burst,
                rate_limit_retry_after=args.retry_after,
                webhook_url=args.webhook_url,
                webhook_secret=args.webhook_secret,
            )
        )
    except KeyboardInterrupt:
        pass
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print("stopped", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
