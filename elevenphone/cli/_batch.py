"""``elevenphone batch``: batch calling, where the server places many calls
at its own pace (``submit``, ``list``, ``get``, ``wait``, ``cancel``,
``retry``, ``export``).

A submit and a retry are sent once: when the reply is lost the batch may
exist, or its recipients may be called again, so the command exits 7 and says
how to check rather than inviting a second run.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from msgspec import UNSET

from .._exceptions import ElevenPhoneError, PollTimeoutError
from .._models.batch_calls import (
    BatchCall,
    BatchCallDetail,
)
from ._errors import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_OUTCOME_UNKNOWN,
    EXIT_TIMEOUT,
    EXIT_USAGE,
    CommandError,
    Interrupted,
    describe,
    exit_code_for,
)
from ._lifecycle_output import batch_fields, batches_rows, recipients_rows
from ._numbers import first_items, page_size_for
from ._output import print_json, printable, show, stdout_console
from ._params import ID, SECONDS, TIME, WAIT_SECONDS
from ._recipients import RecipientsFileError, read_recipients
from ._settings import Settings, note, run_async

DEFAULT_INTERVAL = 5.0
"""Seconds between reads of a batch waited for (``batch_calls.poll``'s)."""


@click.group()
def batch() -> None:
    """Batch calling: the server calls many numbers for you, at its own pace."""


def _wait_options(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option(
        "--interval",
        type=SECONDS,
        default=DEFAULT_INTERVAL,
        show_default=True,
        metavar="SECONDS",
        help="Seconds between reads while waiting.",
    )(func)
    return click.option(
        "--timeout",
        type=WAIT_SECONDS,
        metavar="SECONDS",
        help="Stop waiting after SECONDS (exit 8); 0 looks once. Default: no limit.",
    )(func)


def _json_option(what: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option("--json", "as_json", is_flag=True, help=f"Print {what} as JSON.")


def _show(batch: BatchCall, *, as_json: bool) -> None:
    if as_json:
        print_json(batch)
    else:
        show(batch_fields(batch))


def _wait_hint(batch_id: str) -> str:
    return (
        f"follow it with 'elevenphone batch wait {batch_id}' or 'elevenphone batch get {batch_id}'"
    )


def _timed_out(error: PollTimeoutError, batch_id: str) -> CommandError:
    return CommandError(f"{error}; it goes on: {_wait_hint(batch_id)}", exit_code=EXIT_TIMEOUT)


@batch.command()
@click.option(
    "--agent",
    "--agent-id",
    "agent_id",
    required=True,
    type=ID,
    metavar="AGENT",
    help="The agent that talks.",
)
@click.option(
    "--from",
    "from_number",
    required=True,
    type=ID,
    metavar="PHONE_NUMBER_ID",
    help="The imported number the calls come from.",
)
@click.option(
    "--csv",
    "csv_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    metavar="FILE.csv",
    help="The recipients: phone_number, optional id, and dynamic-variable columns.",
)
@click.option("--name", type=ID, metavar="TEXT", help="A name for the batch (default: the file's).")
@click.option(
    "--at",
    "scheduled",
    type=TIME,
    metavar="ISO-TIME",
    help="Start at this time, with its timezone (2025-11-27T14:30:00Z); default: at once.",
)
@click.option(
    "--concurrency-limit",
    type=click.IntRange(min=1),
    metavar="N",
    help="At most N calls of the batch at a time (default: the API's choice).",
)
@click.option("--wait", "wait_for_end", is_flag=True, help="Wait until the batch ends.")
@_wait_options
@_json_option("the batch")
@click.pass_obj
def submit(
    settings: Settings,
    agent_id: str,
    from_number: str,
    csv_file: str,
    name: str | None,
    scheduled: int | None,
    concurrency_limit: int | None,
    wait_for_end: bool,
    timeout: float | None,
    interval: float,
    as_json: bool,
) -> int:
    """Submit a batch of calls: one per row of FILE.csv, from PHONE_NUMBER_ID, AGENT talking.

    The whole file is checked first: a bad row stops the command (exit 2)
    with its line number, and nothing is sent. The batch is submitted once:
    if the reply is lost it may exist (exit 7); check 'elevenphone batch
    list' before submitting it again.
    """
    if not wait_for_end:
        source = click.get_current_context().get_parameter_source
        for option in ("timeout", "interval"):
            if source(option) is not click.core.ParameterSource.DEFAULT:
                raise click.UsageError(f"--{option} applies to --wait only")
    path = Path(csv_file)
    try:
        recipients = read_recipients(path)
    except RecipientsFileError as error:
        raise CommandError(str(error), exit_code=EXIT_USAGE, kind="UsageError") from None
    submitted: list[BatchCall] = []

    async def go() -> BatchCall:
        async with settings.client() as client:
            made = await client.batch_calls.submit(
                call_name=name or path.name,
                agent_id=agent_id,
                agent_phone_number_id=from_number,
                recipients=recipients,
                scheduled_time_unix=UNSET if scheduled is None else scheduled,
                target_concurrency_limit=UNSET if concurrency_limit is None else concurrency_limit,
            )
            submitted.append(made)
            note(f"submitted batch {made.id}: {len(recipients)} recipients")
            if not wait_for_end:
                return made
            note(f"waiting for batch {made.id} to end")
            return await client.batch_calls.poll(made.id, interval=interval, timeout=timeout)

    try:
        result = run_async(go)
    except Exception as error:
        if submitted:
            raise _after_submit(submitted[0].id, error) from error
        if isinstance(error, ElevenPhoneError) and error.outcome_unknown:
            raise CommandError(
                f"the batch may have been submitted: {describe(error)}. {_NOT_AGAIN}",
                exit_code=EXIT_OUTCOME_UNKNOWN,
            ) from error
        if isinstance(error, Interrupted):
            # Stopped while the submit was on its way: it may have reached the API.
            raise CommandError(
                f"interrupted: the batch may have been submitted. {_NOT_AGAIN}",
                exit_code=EXIT_INTERRUPTED,
                kind="Interrupted",
            ) from None
        raise
    _show(result, as_json=as_json)
    return EXIT_OK


_NOT_AGAIN = (
    "Do not run this command again blindly: its recipients would be called twice."
    " Look for the batch with 'elevenphone batch list' first"
)


def _after_submit(batch_id: str, error: Exception) -> CommandError:
    """What went wrong once the batch was submitted: it goes on, whatever happened."""
    if isinstance(error, PollTimeoutError):
        return _timed_out(error, batch_id)
    if isinstance(error, Interrupted):
        message = f"interrupted while waiting; batch {batch_id} was submitted and goes on"
        return CommandError(
            f"{message}: {_wait_hint(batch_id)}", exit_code=EXIT_INTERRUPTED, kind="Interrupted"
        )
    return CommandError(
        f"batch {batch_id} was submitted, but waiting for it failed: {describe(error)};"
        f" {_wait_hint(batch_id)}",
        exit_code=exit_code_for(error),
    )


@batch.command("list")
@click.option(
    "--agent", "--agent-id", "agent_id", type=ID, metavar="AGENT", help="Only this agent's."
)
@click.option("--limit", type=click.IntRange(min=1), metavar="N", help="Stop after N batches.")
@click.option("--page-size", type=click.IntRange(min=1), metavar="N", help="Batches per page.")
@_json_option("a JSON array of the batches")
@click.pass_obj
def list_batches(
    settings: Settings,
    agent_id: str | None,
    limit: int | None,
    page_size: int | None,
    as_json: bool,
) -> int:
    """List the workspace's batches, newest first."""

    async def go() -> list[BatchCall]:
        async with settings.client() as client:
            found = client.batch_calls.iter(
                agent_id=agent_id, limit=page_size_for(page_size, limit)
            )
            return await first_items(found, limit)

    listed = run_async(go)
    if as_json:
        print_json(listed)
    else:
        show(batches_rows(listed, title=f"{len(listed)} batches"))
    return EXIT_OK


@batch.command()
@click.argument("batch_id", type=ID, metavar="BATCH_ID")
@_json_option("the batch and its recipients")
@click.pass_obj
def get(settings: Settings, batch_id: str, as_json: bool) -> int:
    """Show a batch, and where each of its recipients is."""
    detail: BatchCallDetail = settings.run(lambda client: client.batch_calls.get(batch_id))
    if as_json:
        print_json(detail)
    else:
        show(batch_fields(detail))
        show(recipients_rows(detail))
    return EXIT_OK


@batch.command()
@click.argument("batch_id", type=ID, metavar="BATCH_ID")
@_wait_options
@_json_option("the batch and its recipients")
@click.pass_obj
def wait(
    settings: Settings, batch_id: str, timeout: float | None, interval: float, as_json: bool
) -> int:
    """Wait until a batch ends (completed, failed or cancelled), then show its counts."""
    note(f"waiting for batch {batch_id} to end")
    try:
        detail: BatchCallDetail = settings.run(
            lambda client: client.batch_calls.poll(batch_id, interval=interval, timeout=timeout)
        )
    except PollTimeoutError as error:
        raise _timed_out(error, batch_id) from error
    _show(detail, as_json=as_json)
    return EXIT_OK


@batch.command()
@click.argument("batch_id", type=ID, metavar="BATCH_ID")
@_json_option("the batch")
@click.pass_obj
def cancel(settings: Settings, batch_id: str, as_json: bool) -> int:
    """Cancel a batch: recipients not yet called are not; the calls under way end as they would."""
    _show(settings.run(lambda client: client.batch_calls.cancel(batch_id)), as_json=as_json)
    return EXIT_OK


@batch.command()
@click.argument("batch_id", type=ID, metavar="BATCH_ID")
@_json_option("the batch")
@click.pass_obj
def retry(settings: Settings, batch_id: str, as_json: bool) -> int:
    """Call a finished batch's failed recipients again.

    Sent once: if the reply is lost they may be called again already (exit
    7); check with 'elevenphone batch get BATCH_ID' before retrying again.
    """
    try:
        retried = settings.run(lambda client: client.batch_calls.retry(batch_id))
    except ElevenPhoneError as error:
        if not error.outcome_unknown:
            raise
        raise CommandError(
            f"the retry of batch {batch_id} may have been accepted: {describe(error)}. Do not"
            " run this command again blindly: its recipients would be called twice. Check"
            f" its retry count with 'elevenphone batch get {batch_id}' first",
            exit_code=EXIT_OUTCOME_UNKNOWN,
        ) from error
    _show(retried, as_json=as_json)
    return EXIT_OK


@batch.command()
@click.argument("batch_id", type=ID, metavar="BATCH_ID")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, allow_dash=True),
    metavar="FILE",
    help="Write the CSV to FILE (- for stdout).",
)
@click.option(
    "--limit", type=click.IntRange(min=1), metavar="N", help="Only the first N recipients."
)
@click.pass_obj
def export(settings: Settings, batch_id: str, output: str, limit: int | None) -> int:
    """Write a batch's recipients and their results as CSV, as the API sends it."""
    data: bytes = settings.run(lambda client: client.batch_calls.export(batch_id, limit=limit))
    if output != "-":
        Path(output).write_bytes(data)
        note(f"wrote {len(data)} bytes to {output}")
    elif stdout_console().is_terminal:
        # For a person: the server's text shown, its control characters not obeyed.
        click.echo(printable(data.decode("utf-8", errors="replace")), nl=False)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return EXIT_OK
