"""What commands print: phone numbers and bulk results, as tables or JSON.

Everything printed passes :func:`~elevenphone.cli._errors.redact`: a server
may echo the key back in any field.
"""

from __future__ import annotations

import datetime
import sys
from collections.abc import Iterable
from typing import Any

import msgspec
from rich.console import Console
from rich.table import Table
from rich.text import Text

from .._exceptions import APIStatusError
from .._models import CallResult, PhoneNumber, SIPMessage, SIPTrunkPhoneNumber
from ..bulk.result import BulkResult
from ._errors import redact


def _cell(value: str) -> Text:
    """A table cell of data: redacted, and plain text (a server's ``[bold]`` is
    not markup)."""
    return Text(redact(value))


_WIDE = 200  # when stdout is not a terminal: never squeeze IDs into 80 columns


def stdout_console() -> Console:
    """The console for results (stdout), without colour when piped."""
    return Console(width=None if sys.stdout.isatty() else _WIDE, highlight=False)


def stderr_console() -> Console:
    """The console for progress and notes (stderr)."""
    return Console(stderr=True, highlight=False)


def print_json(value: Any) -> None:
    """Print ``value`` (Structs included) as indented JSON on stdout."""
    encoded = msgspec.json.format(msgspec.json.encode(value), indent=2)
    sys.stdout.write(redact(encoded.decode()) + "\n")
    sys.stdout.flush()


def _agent(number: PhoneNumber) -> tuple[str, str, str]:
    agent = number.assigned_agent
    if agent is None:
        return "-", "-", "-"
    return (
        f"{agent.agent_name} ({agent.agent_id})",
        agent.branch_id or "-",
        agent.environment or "-",
    )


def number_table(number: PhoneNumber) -> Table:
    """One phone number as a two-column table."""
    agent, branch, environment = _agent(number)
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column()
    rows = [
        ("id", number.phone_number_id),
        ("number", number.phone_number),
        ("provider", number.provider),
        ("label", number.label),
        ("agent", agent),
        ("branch", branch),
        ("environment", environment),
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
    for name, value in rows:
        table.add_row(name, _cell(value))
    return table


def numbers_table(numbers: Iterable[PhoneNumber], *, title: str) -> Table:
    """Phone numbers as a table, one row each."""
    table = Table(title=_cell(title), title_justify="left")
    for column in ("ID", "Number", "Provider", "Label", "Agent", "Branch", "Environment"):
        table.add_column(column, overflow="fold")
    for number in numbers:
        agent, branch, environment = _agent(number)
        cells = (
            number.phone_number_id,
            number.phone_number,
            number.provider,
            number.label,
            agent,
            branch,
            environment,
        )
        table.add_row(*map(_cell, cells))
    return table


def _time(unix_micro: int) -> str:
    moment = datetime.datetime.fromtimestamp(unix_micro / 1e6, tz=datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def sip_messages_table(messages: Iterable[SIPMessage], *, title: str) -> Table:
    """SIP messages as a table: when, which way, the call, the addresses, and
    the first line of each message."""
    table = Table(title=_cell(title), title_justify="left")
    for column in ("Time", "Dir", "Call ID", "Local", "Remote", "Message"):
        table.add_column(column, overflow="fold")
    for message in messages:
        first_line = message.raw_message.split("\n", 1)[0].strip()
        cells = (
            _time(message.created_at_unix_micro),
            message.direction,
            message.call_id,
            message.local_address,
            message.remote_address,
            first_line,
        )
        table.add_row(*map(_cell, cells))
    return table


def call_json(result: CallResult, *, provider: str) -> dict[str, Any]:
    """A placed call for machines: the provider, and the reply's fields by their
    Python names (``call_sid``, not the wire's ``callSid``)."""
    fields = {name: getattr(result, name) for name in result.__struct_fields__}
    return {"provider": provider, **fields}


def call_table(result: CallResult, *, provider: str) -> Table:
    """A placed call as a two-column table."""
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column()
    for name, value in call_json(result, provider=provider).items():
        shown = "-" if value is None else str(value).lower() if isinstance(value, bool) else value
        table.add_row(name.replace("_", " "), _cell(str(shown)))
    return table


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
        "stopped_early": result.stopped_early,
        "warnings": result.warnings,
        "journal": journal,
    }


_SHOWN_FAILURES = 20


def print_summary(console: Console, result: BulkResult, *, title: str) -> None:
    """A summary table of a bulk run, and its first failures."""
    rate = result.requests / result.elapsed if result.elapsed > 0 else 0.0
    table = Table(title=title, title_justify="left", show_header=False)
    table.add_column(style="bold")
    table.add_column(justify="right")
    table.add_row("succeeded", str(len(result.succeeded)))
    table.add_row("failed", str(len(result.failed)), style="red" if result.failed else None)
    table.add_row("skipped (done already)", str(len(result.skipped)))
    table.add_row("requests", str(result.requests))
    table.add_row("retries", str(result.retries))
    table.add_row("429 replies", str(result.rate_limited))
    table.add_row("final concurrency limit", str(result.concurrency_limit))
    table.add_row("elapsed", f"{result.elapsed:.2f} s")
    table.add_row("requests per second", f"{rate:.0f}")
    if result.stopped_early:
        table.add_row("stopped early", "yes (--stop-on-error)")
    console.print(table)
    if result.failed:
        failures = Table(title="failures", title_justify="left")
        failures.add_column("ID", no_wrap=True)
        failures.add_column("error", overflow="fold")
        for pid, error in list(result.failed.items())[:_SHOWN_FAILURES]:
            failures.add_row(_cell(pid), _cell(str(error)))
        console.print(failures)
        more = len(result.failed) - _SHOWN_FAILURES
        if more > 0:
            console.print(f"... and {more} more (--json lists them all)")
