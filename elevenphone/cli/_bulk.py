"""The bulk commands: ``bulk-reassign``, ``bulk-update`` and ``undo``, with
their journals, progress bars and summaries."""

from __future__ import annotations

import dataclasses
import datetime
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import click
from msgspec import UNSET

from .._client import ElevenPhone
from .._exceptions import AgentCheckError, JournalError
from .._models.agents import Agent
from .._options import DEFAULT_OPTIONS
from ..bulk.journal import read_journal
from ..bulk.preflight import AgentChecks
from ..bulk.recipes import assigned_to
from ..bulk.result import BulkResult
from ._errors import (
    EXIT_BULK_FAILURES,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    CommandError,
    Interrupted,
)
from ._output import (
    numbers_rows,
    print_json,
    print_summary,
    result_json,
    say,
    show,
    stderr_console,
    stdout_console,
)
from ._params import ID
from ._progress import BulkProgressBar
from ._settings import Settings, note, run_async
from ._update_file import UpdateFileError, check_rows, file_format, read_updates


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
        help="At most N requests in flight (the run finds the account's limit below it).",
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
    note(f"journal: {path} (pass --journal to choose; run again with it to resume)")
    return path


def _journal_trouble(error: JournalError, resume_hint: str, *, undoing: bool) -> str:
    """What went wrong with a journal, and what to do next.

    A line that cannot be read (damaged before the last line, or of another
    format version) makes the journal unusable as it is: a resume or an undo
    would meet the same line. A failed write leaves what was done recorded:
    the run resumes once the journal can be written.
    """
    if error.line is None:
        # Nothing more was started; the journal holds what was done.
        return f"{error}; no new item was started. Once the journal can be written, {resume_hint}"
    where = f"line {error.line} of {error.path}"
    if undoing:
        then = f"repair {where}, then run undo again: undo needs a readable journal"
    else:
        then = (
            f"inspect and repair {where} to resume with it, or start a new run with a new"
            " --journal (the changes this journal records can be undone only once it is"
            " repaired: undo needs a readable journal)"
        )
    return f"{error}; nothing was started. The journal cannot be used as it is: {then}"


def _run_bulk(
    title: str,
    start: Callable[[BulkProgressBar], Awaitable[BulkResult]],
    *,
    as_json: bool,
    journal: Path | None,
    resume_hint: str,
    when_idle: Callable[[], dict[str, Any]] | None = None,
    undoing: bool = False,
    reported: Callable[[], dict[str, Any]] | None = None,
) -> int:
    """Run a bulk job with a progress bar, print its summary, and exit by its result.

    ``when_idle``: for a run that found nothing to do, what to say instead of
    a summary of zeros: its ``message`` is printed, and every key goes into
    the ``--json`` result. ``undoing``: the job is an undo (what to do about a
    damaged journal differs). ``reported``: more keys of the ``--json``
    result, read once the run is over.
    """
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
            f"interrupted after {done} items; {resume_hint}",
            exit_code=EXIT_INTERRUPTED,
            kind="Interrupted",
        ) from None
    except JournalError as error:
        raise CommandError(
            _journal_trouble(error, resume_hint, undoing=undoing),
            kind="JournalError",
        ) from None
    report = result_json(result, journal=str(journal) if journal else None)
    if reported is not None:
        report |= reported()
    if when_idle is not None and not (result.succeeded or result.failed or result.skipped):
        idle = when_idle()
        report |= idle
        if as_json:
            note(idle["message"])
        else:
            say(idle["message"])
    else:
        print_summary(console if as_json else stdout_console(), result, title=title)
    for warning in result.warnings:
        note(f"warning: {warning}")
    if as_json:
        print_json(report)
    if result.failed:
        done = len(result.succeeded) + len(result.failed)
        note(f"error: {len(result.failed)} of {done} items failed")
        return EXIT_BULK_FAILURES
    return EXIT_OK


@click.command("bulk-reassign")
@click.option(
    "--from-agent", required=True, type=ID, metavar="AGENT", help="Move the numbers of this agent"
)
@click.option("--to-agent", required=True, type=ID, metavar="AGENT", help="... to this agent.")
@click.option(
    "--branch-id", type=ID, metavar="BRANCH", help="Put them on this branch of the new agent."
)
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
    """Move every number of one agent to another, resumably (see undo).

    The target agent (and branch) is checked first: one that does not exist
    or is archived stops the command (exit 2) before any number is touched.
    """

    async def target(client: ElevenPhone) -> Agent:
        return await _checked_target(client, to_agent, branch_id)

    if dry_run:

        async def listing() -> tuple[Agent, Any]:
            async with settings.client() as client:
                agent = await target(client)
                listed = await client.phone_numbers.list(agent_id=from_agent)
                return agent, assigned_to(listed, from_agent)

        agent, numbers = run_async(listing)
        if as_json:
            print_json(numbers)
        else:
            title = (
                f"dry run: {len(numbers)} numbers would move from {from_agent}"
                f" to {to_agent} ({agent.name})"
            )
            show(numbers_rows(numbers, title=title))
        return EXIT_OK

    path = _journal_path(journal, "reassign")
    checked: list[Agent] = []

    async def start(bar: BulkProgressBar) -> BulkResult:
        async with settings.client() as client:
            checked.append(await target(client))
            # Checked above, where its name is read: the run need not GET it again.
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
                check_agent=False,
            )

    return _run_bulk(
        f"reassign {from_agent} -> {to_agent}",
        start,
        as_json=as_json,
        journal=path,
        resume_hint=f"run the same command with --journal {path} to resume",
        reported=lambda: {"to_agent": _agent_json(checked)},
    )


async def _checked_target(client: ElevenPhone, agent_id: str, branch_id: str | None) -> Agent:
    """The agent numbers are to move to, once it (and ``branch_id``) passed the
    SDK's own preflight; its name is printed on stderr.

    Raises:
        CommandError: the agent or branch does not exist or is archived (exit 2).
    """
    try:
        # The SDK's own preflight, on the client's send path: the same verdict
        # as reassign_agent's, and the agent it read, whose name is shown.
        agent = await AgentChecks(DEFAULT_OPTIONS).check(
            agent_id, branch_id, client._sender.send, field="to_agent_id"
        )
    except AgentCheckError as error:
        raise CommandError(f"{error} (reason: {error.reason})", exit_code=EXIT_USAGE) from error
    on_branch = "" if branch_id is None else f", branch {branch_id}"
    note(f"target agent: {agent.name} ({agent.agent_id}{on_branch})")
    return agent


def _agent_json(checked: list[Agent]) -> dict[str, Any] | None:
    return {"agent_id": checked[0].agent_id, "name": checked[0].name} if checked else None


@click.command("bulk-update")
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
        raise CommandError(str(error), exit_code=EXIT_USAGE, kind="UsageError") from None
    if dry_run:
        note(f"{file}: {total} valid updates; nothing sent (dry run)")
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


@click.command()
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
        when_idle=lambda: _nothing_to_undo(path),
        undoing=True,
    )


def _nothing_to_undo(path: Path) -> dict[str, Any]:
    """Why an undo found nothing to do: the numbers an earlier undo put back."""
    count = len(read_journal(path).undone)
    if count == 0:
        message = "this journal records no change to undo; nothing to do"
    elif count == 1:
        message = "the number of this journal is already back (undone before); nothing to do"
    else:
        message = (
            f"all {count} numbers of this journal are already back (undone before); nothing to do"
        )
    return {"message": message, "already_undone": count}
