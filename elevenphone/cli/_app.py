"""The commands of ``elevenphone`` and the one place errors become exit statuses."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime
import json
import logging
import secrets
import signal
import sys
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click
from msgspec import UNSET

from .._client import REGIONS, ElevenPhone
from .._exceptions import JournalError
from .._version import __version__
from ..bulk.recipes import numbers_on_agent
from ..bulk.result import BulkResult
from ._errors import (
    EXIT_AUTH,
    EXIT_BULK_FAILURES,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    SECRETS,
    CommandError,
    Interrupted,
    describe,
    exit_code_for,
    one_line,
)
from ._output import (
    number_table,
    numbers_table,
    print_json,
    print_summary,
    result_json,
    stderr_console,
    stdout_console,
)
from ._progress import BulkProgressBar
from ._update_file import UpdateFileError, check_rows, file_format, read_updates

T = TypeVar("T")


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
                "no API key: pass --api-key or set ELEVENLABS_API_KEY", exit_code=EXIT_AUTH
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
            raise CommandError(str(error), exit_code=EXIT_USAGE) from None


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


def _note(message: str) -> None:
    click.echo(one_line(message), err=True)


# --- the group ----------------------------------------------------------------


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    no_args_is_help=True,
)
@click.option(
    "--api-key",
    envvar="ELEVENLABS_API_KEY",
    metavar="KEY",
    help="API key (default: $ELEVENLABS_API_KEY).",
)
@click.option(
    "--base-url",
    envvar="ELEVENLABS_BASE_URL",
    metavar="URL",
    help="API base URL; overrides --region (default: $ELEVENLABS_BASE_URL).",
)
@click.option(
    "--region",
    type=click.Choice(list(REGIONS)),
    default="default",
    show_default=True,
    help="Which ElevenLabs servers to call.",
)
@click.option(
    "--max-retries",
    type=click.IntRange(min=0),
    default=2,
    show_default=True,
    help="Retries of a failed request.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=60.0,
    show_default=True,
    help="Seconds one attempt may take.",
)
@click.option("-v", "--verbose", count=True, help="Log retries (-v) and more (-vv) to stderr.")
@click.version_option(__version__, prog_name="elevenphone")
@click.pass_context
def cli(
    ctx: click.Context,
    api_key: str | None,
    base_url: str | None,
    region: str,
    max_retries: int,
    timeout: float,
    verbose: int,
) -> None:
    """Manage ElevenLabs Conversational AI phone numbers.

    Start with `elevenphone demo`: it needs no key and no network.
    """
    if api_key:
        SECRETS.append(api_key)
    if verbose:
        logging.basicConfig(
            level=logging.DEBUG if verbose > 1 else logging.INFO,
            stream=sys.stderr,
            format="%(levelname)s %(name)s: %(message)s",
        )
    ctx.obj = Settings(api_key, base_url or None, region, max_retries, timeout)


# --- single numbers ---------------------------------------------------------------


def _json_file(path: str | None, option: str) -> Any:
    if path is None:
        return UNSET
    try:
        with open(path, encoding="utf-8") as file:
            return json.load(file)
    except ValueError as error:
        raise click.BadParameter(f"{path} is not JSON: {error}", param_hint=option) from None


@cli.command()
@click.argument("phone_number_id")
@click.option("--agent-id", metavar="AGENT", help="Assign the number to this agent.")
@click.option("--unassign", is_flag=True, help="Remove the number's agent.")
@click.option("--label", help="A new label.")
@click.option("--branch-id", metavar="BRANCH", help="The agent branch to use.")
@click.option("--environment", metavar="ENV", help="The environment to use.")
@click.option(
    "--livekit-stack", type=click.Choice(["standard", "static"]), help="SIP trunk numbers only."
)
@click.option(
    "--store-sip-messages/--no-store-sip-messages",
    default=None,
    help="Whether to store SIP messages (SIP trunk numbers only).",
)
@click.option(
    "--inbound-config",
    type=click.Path(exists=True, dir_okay=False),
    metavar="FILE.json",
    help="Inbound SIP trunk config as JSON (null clears it).",
)
@click.option(
    "--outbound-config",
    type=click.Path(exists=True, dir_okay=False),
    metavar="FILE.json",
    help="Outbound SIP trunk config as JSON (null clears it).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the updated number as JSON.")
@click.pass_obj
def update(
    settings: Settings,
    phone_number_id: str,
    agent_id: str | None,
    unassign: bool,
    label: str | None,
    branch_id: str | None,
    environment: str | None,
    livekit_stack: str | None,
    store_sip_messages: bool | None,
    inbound_config: str | None,
    outbound_config: str | None,
    as_json: bool,
) -> int:
    """Update one phone number; only the options given are changed."""
    if agent_id is not None and unassign:
        raise click.UsageError("--agent-id and --unassign exclude each other")
    fields: dict[str, Any] = {
        name: value
        for name, value in (
            ("agent_id", None if unassign else agent_id),
            ("label", label),
            ("branch_id", branch_id),
            ("environment", environment),
            ("livekit_stack", livekit_stack),
            ("store_sip_messages", store_sip_messages),
        )
        if value is not None
    }
    if unassign:
        fields["agent_id"] = None
    for name, path, option in (
        ("inbound_trunk_config", inbound_config, "--inbound-config"),
        ("outbound_trunk_config", outbound_config, "--outbound-config"),
    ):
        value = _json_file(path, option)
        if value is not UNSET:
            fields[name] = value
    if not fields:
        raise click.UsageError("nothing to update: give at least one option to change")

    async def go() -> Any:
        async with settings.client() as client:
            return await client.phone_numbers.update(phone_number_id, **fields)

    number = run_async(go)
    if as_json:
        print_json(number)
    else:
        stdout_console().print(number_table(number))
    return EXIT_OK


@cli.command()
@click.argument("phone_number_id")
@click.option("--json", "as_json", is_flag=True, help="Print the number as JSON.")
@click.pass_obj
def get(settings: Settings, phone_number_id: str, as_json: bool) -> int:
    """Show one phone number."""

    async def go() -> Any:
        async with settings.client() as client:
            return await client.phone_numbers.get(phone_number_id)

    number = run_async(go)
    if as_json:
        print_json(number)
    else:
        stdout_console().print(number_table(number))
    return EXIT_OK


@cli.command("list")
@click.option("--provider", help="Only numbers of this provider (twilio, sip_trunk, exotel).")
@click.option("--agent-id", metavar="AGENT", help="Only numbers assigned to this agent.")
@click.option("--branch-id", metavar="BRANCH", help="Only numbers on this agent branch.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.pass_obj
def list_numbers(
    settings: Settings,
    provider: str | None,
    agent_id: str | None,
    branch_id: str | None,
    as_json: bool,
) -> int:
    """List the account's phone numbers."""

    async def go() -> Any:
        async with settings.client() as client:
            return await client.phone_numbers.list(
                provider=provider, agent_id=agent_id, branch_id=branch_id
            )

    numbers = run_async(go)
    if as_json:
        print_json(numbers)
    else:
        stdout_console().print(numbers_table(numbers, title=f"{len(numbers)} phone numbers"))
    return EXIT_OK


# --- bulk ----------------------------------------------------------------------------


def _bulk_options(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option(
        "--json", "as_json", is_flag=True, help="Print the result as JSON on stdout."
    )(func)
    func = click.option(
        "--max-rate",
        type=click.FloatRange(min=0, min_open=True),
        metavar="R",
        help="At most R requests per second.",
    )(func)
    func = click.option(
        "--concurrency",
        type=click.IntRange(min=1),
        default=8,
        show_default=True,
        metavar="N",
        help="At most N requests in flight (lowered automatically on 429).",
    )(func)
    return func


def _run_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The options of the commands that start a bulk run (not undo)."""
    func = click.option("--stop-on-error", is_flag=True, help="Start no new item after a failure.")(
        func
    )
    return click.option(
        "--journal",
        type=click.Path(dir_okay=False),
        metavar="FILE",
        help="Journal to write (and resume from); default: a new file here.",
    )(func)


def _journal_path(given: str | None, command: str) -> Path:
    if given:
        return Path(given)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    # The time alone repeats within a second, and two runs must never share a journal.
    path = Path(f"elevenphone-{command}-{stamp}-{secrets.token_hex(3)}.jsonl")
    _note(f"journal: {path} (pass --journal to choose; run again with it to resume)")
    return path


def _run_bulk(
    title: str,
    start: Callable[[BulkProgressBar], Awaitable[BulkResult]],
    *,
    as_json: bool,
    journal: Path | None,
    resume_hint: str,
) -> int:
    """Run a bulk job with a progress bar, print its summary, and exit by its result."""
    console = stderr_console()
    bar = BulkProgressBar(console, title)

    async def go() -> BulkResult:
        with bar:
            return await start(bar)

    try:
        result = run_async(go)
    except Interrupted:
        done = bar.last.done if bar.last else 0
        raise CommandError(
            f"interrupted after {done} items; {resume_hint}", exit_code=EXIT_INTERRUPTED
        ) from None
    except JournalError as error:
        # Nothing more was started; the journal holds what was done.
        raise CommandError(
            f"{error}; no new item was started. Once the journal can be written, {resume_hint}"
        ) from None
    print_summary(console if as_json else stdout_console(), result, title=title)
    for warning in result.warnings:
        _note(f"warning: {warning}")
    if as_json:
        print_json(result_json(result, journal=str(journal) if journal else None))
    if result.failed:
        done = len(result.succeeded) + len(result.failed)
        _note(f"error: {len(result.failed)} of {done} items failed")
        return EXIT_BULK_FAILURES
    return EXIT_OK


@cli.command("bulk-reassign")
@click.option("--from-agent", required=True, metavar="AGENT", help="Move the numbers of this agent")
@click.option("--to-agent", required=True, metavar="AGENT", help="... to this agent.")
@click.option("--branch-id", metavar="BRANCH", help="Put them on this branch of the new agent.")
@click.option("--environment", metavar="ENV", help="Use this environment.")
@_bulk_options
@_run_options
@click.option("--dry-run", is_flag=True, help="Only list the numbers that would move.")
@click.pass_obj
def bulk_reassign(
    settings: Settings,
    from_agent: str,
    to_agent: str,
    branch_id: str | None,
    environment: str | None,
    concurrency: int,
    max_rate: float | None,
    as_json: bool,
    journal: str | None,
    stop_on_error: bool,
    dry_run: bool,
) -> int:
    """Move every number of one agent to another, resumably (see undo)."""
    if dry_run:

        async def listing() -> Any:
            async with settings.client() as client:
                return await numbers_on_agent(client, from_agent)

        numbers = run_async(listing)
        if as_json:
            print_json(numbers)
        else:
            title = f"dry run: {len(numbers)} numbers would move from {from_agent} to {to_agent}"
            stdout_console().print(numbers_table(numbers, title=title))
        return EXIT_OK

    path = _journal_path(journal, "reassign")

    async def start(bar: BulkProgressBar) -> BulkResult:
        async with settings.client() as client:
            return await client.phone_numbers.reassign_agent(
                from_agent,
                to_agent,
                branch_id=UNSET if branch_id is None else branch_id,
                environment=UNSET if environment is None else environment,
                concurrency=concurrency,
                max_rate=max_rate,
                stop_on_error=stop_on_error,
                journal=path,
                on_progress=bar.update,
            )

    return _run_bulk(
        f"reassign {from_agent} -> {to_agent}",
        start,
        as_json=as_json,
        journal=path,
        resume_hint=f"run the same command with --journal {path} to resume",
    )


@cli.command("bulk-update")
@click.argument("file", type=click.Path(exists=True, dir_okay=False), metavar="FILE.csv|FILE.jsonl")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "jsonl"]),
    help="The file's format (default: from its extension).",
)
@_bulk_options
@_run_options
@click.option("--dry-run", is_flag=True, help="Only check the file.")
@click.pass_obj
def bulk_update(
    settings: Settings,
    file: str,
    fmt: str | None,
    concurrency: int,
    max_rate: float | None,
    as_json: bool,
    journal: str | None,
    stop_on_error: bool,
    dry_run: bool,
) -> int:
    """Apply the updates in a CSV or JSON Lines file: an id and the fields to set per row.

    CSV columns: phone_number_id (or id), agent_id, label, branch_id,
    environment, livekit_stack, store_sip_messages; an empty cell changes
    nothing. JSON Lines: one object per line with phone_number_id and any
    update field; null clears a field.
    """
    source = Path(file)
    try:
        kind = file_format(source, fmt)
        total = check_rows(source, kind)
    except (UpdateFileError, UnicodeDecodeError) as error:
        raise CommandError(str(error), exit_code=EXIT_USAGE) from None
    if dry_run:
        _note(f"{file}: {total} valid updates; nothing sent (dry run)")
        return EXIT_OK
    path = _journal_path(journal, "update")

    async def start(bar: BulkProgressBar) -> BulkResult:
        def progress(snapshot: Any) -> None:
            bar.update(snapshot if snapshot.total is not None else _with_total(snapshot, total))

        async with settings.client() as client:
            return await client.phone_numbers.bulk_update(
                read_updates(source, kind),
                concurrency=concurrency,
                max_rate=max_rate,
                stop_on_error=stop_on_error,
                journal=path,
                on_progress=progress,
            )

    return _run_bulk(
        f"update from {source.name}",
        start,
        as_json=as_json,
        journal=path,
        resume_hint=f"run the same command with --journal {path} to resume",
    )


def _with_total(snapshot: Any, total: int) -> Any:
    return dataclasses.replace(snapshot, total=total)


@cli.command()
@click.argument("journal", type=click.Path(exists=True, dir_okay=False))
@_bulk_options
@click.pass_obj
def undo(
    settings: Settings,
    journal: str,
    concurrency: int,
    max_rate: float | None,
    as_json: bool,
) -> int:
    """Put back every number a bulk run changed, from its journal."""
    path = Path(journal)

    async def start(bar: BulkProgressBar) -> BulkResult:
        async with settings.client() as client:
            return await client.phone_numbers.undo(
                path, concurrency=concurrency, max_rate=max_rate, on_progress=bar.update
            )

    return _run_bulk(
        f"undo {path.name}",
        start,
        as_json=as_json,
        journal=path,
        resume_hint=f"run undo {path} again to finish",
    )


# --- local tools -------------------------------------------------------------------


@cli.command(
    "fake-server",
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
    add_help_option=False,
    short_help="Serve the in-memory fake API (elevenphone.testing) until Ctrl-C.",
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED, metavar="[OPTIONS]")
def fake_server(args: tuple[str, ...]) -> int:
    """Serve the in-memory fake API (elevenphone.testing) until Ctrl-C.

    The options are those of ``python -m elevenphone.testing``, defined once
    there: ``elevenphone fake-server --help`` lists them.
    """
    from elevenphone.testing.__main__ import main

    return main(list(args), prog="elevenphone fake-server")


@cli.command()
@click.option("--numbers", type=click.IntRange(min=1), default=1000, show_default=True)
def demo(numbers: int) -> int:
    """Reassign 1,000 numbers on a local fake API, with faults: no key, no network."""
    from ._demo import run_demo

    return run_async(lambda: run_demo(numbers))


# --- the entry point -------------------------------------------------------------


def run(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status. Never lets a traceback out."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        status = cli.main(args=args, prog_name="elevenphone", standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as error:
        # A bare command (``elevenphone``): show its help as help, not as an error.
        click.echo(error.format_message(), err=True)
        return EXIT_USAGE
    except click.UsageError as error:
        hint = ""
        if error.ctx is not None:
            hint = f" (see '{error.ctx.command_path} --help')"
        _note(f"error: {error.format_message()}{hint}")
        return EXIT_USAGE
    except click.ClickException as error:
        _note(f"error: {error.format_message()}")
        return error.exit_code
    except click.Abort:
        _note("error: interrupted")
        return EXIT_INTERRUPTED
    except Exception as error:
        _note(f"error: {describe(error)}")
        return exit_code_for(error)
    except KeyboardInterrupt:
        _note("error: interrupted")
        return EXIT_INTERRUPTED
    return status if isinstance(status, int) else EXIT_OK
