"""What commands print: phone numbers, SIP messages, calls and bulk results,
as tables or JSON.

A table is a rich table on a terminal, at the terminal's width. Anywhere else
(a pipe, a file) it is TSV, plain and narrow for ``cut``, ``awk`` and
``sort``: a ``# title`` line when the table has a title, a header line, then
one line per row, cells separated by tabs, whitespace inside a cell folded to
one space, an empty cell where the terminal shows ``-``.

Everything printed passes :func:`~elevenphone.cli._errors.redact`: a server
may echo the key back in any field. Everything printed for a person (tables,
TSV, notes, error lines, progress, logs) also passes :func:`printable`: a
server's text holding terminal escape sequences is shown, not obeyed.
"""

from __future__ import annotations

import datetime
import json
import logging
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import click
import msgspec
from rich.console import Console
from rich.table import Table
from rich.text import Text

from .._exceptions import APIStatusError
from .._models import CallResult, PhoneNumber, SIPMessage, SIPTrunkPhoneNumber
from ..bulk.result import BulkResult
from ._errors import error_json, one_line, redact

# What a terminal obeys: C0 but tab and newline (layout, not commands), then
# DEL and C1. Shown as Python writes them (\x1b), so what was sent can be read.
_C0 = [*range(0x00, 0x09), *range(0x0B, 0x20)]
_DEL_AND_C1 = [0x7F, *range(0x80, 0xA0)]
# Bidi controls reorder what follows on the line: a label could disguise a cell.
_BIDI = [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_SHOWN = str.maketrans(
    {code: f"\\x{code:02x}" for code in (*_C0, *_DEL_AND_C1)}
    | {code: f"\\u{code:04x}" for code in _BIDI}
)
# JSON escapes C0 itself; DEL, C1 and bidi controls are valid raw in a JSON
# string, so they get JSON's own escapes: the same value, nothing obeyed.
_JSON_ESCAPED = str.maketrans({code: f"\\u{code:04x}" for code in (*_DEL_AND_C1, *_BIDI)})


def printable(text: str) -> str:
    """``text`` with every control character a terminal could obey (C0 but
    tab and newline, DEL, C1, bidi controls) shown as its escape: the label
    ``"\\x1b[2J"`` is printed as the 7 characters ``\\x1b[2J``."""
    return text.translate(_SHOWN)


def human_line(text: str) -> str:
    """``text`` for a person, on one line: redacted, whitespace folded, and
    :func:`printable`."""
    return printable(one_line(text))


def say(text: str, *, err: bool = False) -> None:
    """Print ``text`` as :func:`human_line` makes it, on stdout (or stderr)."""
    click.echo(human_line(text), err=err)


def report(error: BaseException, message: str, *, as_json: bool) -> None:
    """Print a failed command on stderr: ``error: MESSAGE`` on one line, or
    with ``as_json`` the one JSON object of :func:`~._errors.error_json`."""
    if as_json:
        click.echo(json.dumps(error_json(error, message)), err=True)
    else:
        say(f"error: {message}", err=True)


class LogFormatter(logging.Formatter):
    """Log lines (``-v``), redacted and :func:`printable`: they may quote a reply."""

    def format(self, record: logging.LogRecord) -> str:
        return printable(redact(super().format(record)))


Cell = str | None
"""A cell of a table; None shows as ``-`` on a terminal and as an empty TSV cell."""


@dataclass(frozen=True)
class Rows:
    """Rows of text under named columns, to :func:`show`.

    ``fields``: name/value pairs, shown on a terminal without a header or a
    box (TSV keeps its header). ``boxed``: a box on a terminal.
    """

    columns: tuple[str, ...]
    rows: Sequence[Sequence[Cell]]
    title: str | None = None
    fields: bool = False
    boxed: bool = True


def _console(*, stderr: bool) -> Console:
    console = Console(stderr=stderr, highlight=False)
    # Off a terminal no width is known: a line of prose stays one line.
    console.soft_wrap = not console.is_terminal
    return console


def stdout_console() -> Console:
    """The console for results (stdout): the terminal's width, plain when piped."""
    return _console(stderr=False)


def stderr_console() -> Console:
    """The console for progress and notes (stderr)."""
    return _console(stderr=True)


def show(rows: Rows, console: Console | None = None) -> None:
    """Print ``rows`` on ``console`` (default: stdout): a table on a terminal,
    else TSV."""
    console = console or stdout_console()
    if console.is_terminal:
        console.print(_table(rows))
        return
    lines = [] if rows.title is None else [f"# {human_line(rows.title)}"]
    for row in (rows.columns, *rows.rows):
        lines.append("\t".join("" if cell is None else human_line(cell) for cell in row))
    console.file.write("\n".join(lines) + "\n")
    console.file.flush()


def _table(rows: Rows) -> Table:
    title = None if rows.title is None else Text(printable(redact(rows.title)))
    table = Table(title=title, title_justify="left", show_header=not rows.fields)
    if not rows.boxed:
        table.box, table.pad_edge = None, False
    for index, column in enumerate(rows.columns):
        if rows.fields:
            style = "bold" if index == 0 else None
            table.add_column(column, style=style, overflow="fold")
        else:
            # The first column is the row's key (an id, a time): folded, it could not be copied.
            table.add_column(column, overflow="fold", no_wrap=index == 0)
    for row in rows.rows:
        # Text, not markup: a server's "[bold]" in a label is shown as it is.
        table.add_row(*(Text("-" if cell is None else printable(redact(cell))) for cell in row))
    return table


def print_json(value: Any) -> None:
    """Print ``value`` (Structs included) as indented JSON on stdout: exact
    JSON, with every control character escaped."""
    encoded = msgspec.json.format(msgspec.json.encode(value), indent=2)
    sys.stdout.write(redact(encoded.decode()).translate(_JSON_ESCAPED) + "\n")
    sys.stdout.flush()


_FIELDS = ("field", "value")


_AGENT_FIELDS = ("agent id", "agent", "branch", "environment")


def _agent_cells(number: PhoneNumber) -> tuple[Cell, Cell, Cell, Cell]:
    """The assigned agent's id, name, branch and environment (empty without one)."""
    agent = number.assigned_agent
    if agent is None:
        return None, None, None, None
    return agent.agent_id, agent.agent_name, agent.branch_id, agent.environment


def number_fields(number: PhoneNumber) -> Rows:
    """One phone number, field by field."""
    rows: list[tuple[str, Cell]] = [
        ("id", number.phone_number_id),
        ("number", number.phone_number),
        ("provider", number.provider),
        ("label", number.label),
        *zip(_AGENT_FIELDS, _agent_cells(number), strict=True),
    ]
    if isinstance(number, SIPTrunkPhoneNumber):
        rows.append(("livekit stack", str(number.livekit_stack)))
        rows.append(("store SIP messages", "yes" if number.store_sip_messages else "no"))
        if number.outbound_trunk is not None:
            trunk = number.outbound_trunk
            rows.append(("outbound trunk", f"{trunk.address} ({trunk.transport})"))
        if number.inbound_trunk is not None:
            allowed = ", ".join(number.inbound_trunk.allowed_addresses) or "any address"
            rows.append(("inbound trunk", allowed))
    return Rows(_FIELDS, rows, fields=True, boxed=False)


def numbers_rows(numbers: Iterable[PhoneNumber], *, title: str) -> Rows:
    """Phone numbers, one row each."""
    rows = []
    for number in numbers:
        rows.append(
            (
                number.phone_number_id,
                number.phone_number,
                number.provider,
                number.label,
                *_agent_cells(number),
            )
        )
    columns = ("ID", "Number", "Provider", "Label", "Agent ID", "Agent", "Branch", "Environment")
    return Rows(columns, rows, title=title)


def _time(unix_micro: int) -> str:
    moment = datetime.datetime.fromtimestamp(unix_micro / 1e6, tz=datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def sip_messages_rows(messages: Iterable[SIPMessage], *, title: str) -> Rows:
    """SIP messages, one row each: when, which way, the call, the addresses,
    and the first line of the message."""
    rows = [
        (
            _time(message.created_at_unix_micro),
            message.direction,
            message.call_id,
            message.local_address,
            message.remote_address,
            message.raw_message.split("\n", 1)[0].strip(),
        )
        for message in messages
    ]
    columns = ("Time", "Dir", "Call ID", "Local", "Remote", "Message")
    return Rows(columns, rows, title=title)


def call_json(result: CallResult, *, provider: str) -> dict[str, Any]:
    """A placed call for machines: the provider, and the reply's fields by their
    Python names (``call_sid``, not the wire's ``callSid``)."""
    fields = {name: getattr(result, name) for name in result.__struct_fields__}
    return {"provider": provider, **fields}


def call_fields(result: CallResult, *, provider: str) -> Rows:
    """A placed call, field by field."""
    rows = [
        (name.replace("_", " "), _text(value))
        for name, value in call_json(result, provider=provider).items()
    ]
    return Rows(_FIELDS, rows, fields=True, boxed=False)


def _text(value: object) -> Cell:
    if value is None:
        return None
    return str(value).lower() if isinstance(value, bool) else str(value)


def _error_json(error: Exception) -> dict[str, Any]:
    status = error.status_code if isinstance(error, APIStatusError) else None
    return {"error": str(error), "type": type(error).__name__, "status": status}


def result_json(result: BulkResult, *, journal: str | None) -> dict[str, Any]:
    """A bulk result for machines (print it with :func:`print_json`, which redacts)."""
    return {
        "ok": result.ok,
        "succeeded": sorted(result.succeeded),
        "failed": {pid: _error_json(error) for pid, error in sorted(result.failed.items())},
        "skipped": sorted(result.skipped),
        "requests": result.requests,
        "retries": result.retries,
        "rate_limited": result.rate_limited,
        "elapsed": round(result.elapsed, 3),
        "concurrency_limit": result.concurrency_limit,
        "limit_found": result.limit_found,
        "peak_in_flight": result.peak_in_flight,
        "concurrency_limited": result.concurrency_limited,
        "paced_rate": result.paced_rate,
        "stopped_early": result.stopped_early,
        "warnings": result.warnings,
        "journal": journal,
    }


_SHOWN_FAILURES = 20


def _limit_found(limit: int | None) -> str:
    return "none (never refused for it)" if limit is None else str(limit)


def print_summary(console: Console, result: BulkResult, *, title: str) -> None:
    """A summary of a bulk run, and its first failures."""
    rate = result.requests / result.elapsed if result.elapsed > 0 else 0.0
    rows = [
        ("succeeded", str(len(result.succeeded))),
        ("failed", str(len(result.failed))),
        ("skipped (done already)", str(len(result.skipped))),
        ("requests", str(result.requests)),
        ("retries", str(result.retries)),
        ("429 replies", str(result.rate_limited)),
        ("in-flight limit found", _limit_found(result.limit_found)),
        ("peak in flight", str(result.peak_in_flight)),
        ("elapsed", f"{result.elapsed:.2f} s"),
        ("requests per second", f"{rate:.0f}"),
    ]
    if result.stopped_early:
        rows.append(("stopped early", "yes (--stop-on-error)"))
    show(Rows(_FIELDS, rows, title=title, fields=True), console)
    if result.failed:
        failures = [(pid, str(error)) for pid, error in result.failed.items()]
        show(Rows(("ID", "error"), failures[:_SHOWN_FAILURES], title="failures"), console)
        more = len(result.failed) - _SHOWN_FAILURES
        if more > 0:
            line = f"... and {more} more (--json lists them all)"
            if console.is_terminal:
                console.print(line)
            else:
                console.file.write(f"# {line}\n")
