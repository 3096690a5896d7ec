"""The global options of ``elevenphone``, the settings they make, and how a
command runs its coroutine."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

import click

from .._client import REGIONS, ElevenPhone
from ._errors import EXIT_AUTH, EXIT_USAGE, SECRETS, CommandError, Interrupted
from ._output import LogFormatter, say
from ._params import SECONDS

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Settings:
    """The global options."""

    api_key: str | None
    base_url: str | None
    region: str
    max_retries: int
    timeout: float

    def client(self) -> ElevenPhone:
        """A client with these settings.

        Raises:
            CommandError: no API key was given (exit 4), or the base URL or
                region is not usable (exit 2).
        """
        if not self.api_key:
            raise CommandError(
                "no API key: pass --api-key or set ELEVENLABS_API_KEY",
                exit_code=EXIT_AUTH,
                kind="AuthenticationError",
            )
        try:
            return ElevenPhone(
                self.api_key,
                region=self.region,
                base_url=self.base_url,
                timeout=self.timeout,
                max_retries=self.max_retries,
            )
        except ValueError as error:
            raise CommandError(str(error), exit_code=EXIT_USAGE, kind="UsageError") from None

    def run(self, call: Callable[[ElevenPhone], Awaitable[T]]) -> T:
        """What ``call(client)`` gives, awaited with a client of these settings
        (closed after), under :func:`run_async`'s handling of Ctrl-C."""

        async def go() -> T:
            async with self.client() as client:
                return await call(client)

        return run_async(go)


def global_options(func: F) -> F:
    """Add the global options (``--api-key`` ... ``--verbose``) to the group."""
    for option in reversed(
        [
            click.option(
                "--api-key",
                envvar="ELEVENLABS_API_KEY",
                metavar="KEY",
                help="API key (default: $ELEVENLABS_API_KEY).",
            ),
            click.option(
                "--base-url",
                envvar="ELEVENLABS_BASE_URL",
                metavar="URL",
                help="API base URL; overrides --region (default: $ELEVENLABS_BASE_URL).",
            ),
            click.option(
                "--region",
                type=click.Choice(list(REGIONS)),
                default="default",
                show_default=True,
                help="Which ElevenLabs servers to call.",
            ),
            click.option(
                "--max-retries",
                type=click.IntRange(min=0),
                default=2,
                show_default=True,
                help="Retries of a failed request.",
            ),
            click.option(
                "--timeout",
                type=SECONDS,
                default=60.0,
                show_default=True,
                help="Seconds one attempt may take.",
            ),
            click.option(
                "-v", "--verbose", count=True, help="Log retries (-v) and more (-vv) to stderr."
            ),
        ]
    ):
        func = option(func)
    return func


def settings_from(
    *,
    api_key: str | None,
    base_url: str | None,
    region: str,
    max_retries: int,
    timeout: float,
    verbose: int,
) -> Settings:
    """The settings of the global options; registers the key as a secret and
    turns on logging for ``-v``."""
    if api_key:
        SECRETS.append(api_key)
    if verbose:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(LogFormatter("%(levelname)s %(name)s: %(message)s"))
        logging.basicConfig(
            level=logging.DEBUG if verbose > 1 else logging.INFO, handlers=[handler]
        )
    return Settings(api_key, base_url or None, region, max_retries, timeout)


def run_async(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine; Ctrl-C or SIGTERM cancel it cleanly, then raise Interrupted."""

    async def guarded() -> T:
        loop = asyncio.get_running_loop()
        task = asyncio.current_task()
        assert task is not None
        handled = []
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(sig, task.cancel)
                handled.append(sig)
        try:
            return await make()
        finally:
            for sig in handled:
                loop.remove_signal_handler(sig)

    try:
        return asyncio.run(guarded())
    except (asyncio.CancelledError, KeyboardInterrupt):
        raise Interrupted from None


def note(message: str) -> None:
    """Print ``message`` on stderr, redacted, on one line, control characters shown."""
    say(message, err=True)
