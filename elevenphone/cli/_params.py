"""Parameter types and callbacks the commands share: ids that may not be
blank, seconds, times, and JSON read from a file."""

from __future__ import annotations

import datetime
import json
import math
from collections.abc import Callable
from enum import Enum
from typing import Any, TypeVar

import click
from msgspec import UNSET

from .._models import TelephonyProvider

F = TypeVar("F", bound=Callable[..., Any])


class NonBlank(click.types.StringParamType):
    """Text that is not empty or blank: an id (``""`` would name no number,
    or every number, depending on the endpoint)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        value = super().convert(value, param, ctx)
        if not value.strip():
            # An argument is named by its metavar only; say which id, as the SDK does.
            what = f"the {param.name} " if isinstance(param, click.Argument) else ""
            self.fail(f"{what}must not be empty or blank", param, ctx)
        return value


ID = NonBlank()
"""The type of every id and agent id, argument or option."""


def choice_of(enum: type[Enum]) -> click.Choice[str]:
    """The values of ``enum`` as a choice, spelt as the API takes them: a value
    outside them is a usage error naming them, and the shell completes them."""
    return click.Choice([str(member.value) for member in enum])


PROVIDER = choice_of(TelephonyProvider)
"""The type of every ``--provider``."""


class Seconds(click.FloatRange):
    """A finite number of seconds, more than 0 (or, with ``zero``, 0 or
    more): ``inf`` and ``nan`` parse as floats, but no timer can run for them."""

    def __init__(self, *, zero: bool = False) -> None:
        super().__init__(min=0, min_open=not zero)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        seconds = super().convert(value, param, ctx)
        if not math.isfinite(seconds):
            self.fail(f"{value} is not a finite number of seconds", param, ctx)
        return seconds


SECONDS = Seconds()
"""The type of the global ``--timeout`` and of ``--interval``."""

WAIT_SECONDS = Seconds(zero=True)
"""The type of a wait's ``--timeout`` (0: look once)."""


class Time(click.types.StringParamType):
    """An ISO 8601 time that says its timezone (``2025-11-27T14:30:00+01:00``,
    ``2025-11-27T13:30Z``), as whole seconds since the Unix epoch.

    A time without a timezone is refused: read in the wrong one, a schedule
    would ring phones hours early or late.
    """

    name = "time"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        text = super().convert(value, param, ctx).strip()
        # Python 3.10 reads no "Z"; it is UTC.
        iso = text[:-1] + "+00:00" if text[-1:] in {"Z", "z"} else text
        try:
            moment = datetime.datetime.fromisoformat(iso)
        except ValueError:
            self.fail(f"{text!r} is not an ISO 8601 time (2025-11-27T14:30:00Z)", param, ctx)
        if moment.tzinfo is None or moment.utcoffset() is None:
            self.fail(
                f"{text!r} has no timezone: add Z for UTC, or an offset such as +01:00",
                param,
                ctx,
            )
        return math.floor(moment.timestamp())


TIME = Time()
"""The type of ``--at``: seconds since the Unix epoch."""


def json_file(ctx: click.Context, param: click.Parameter, path: str | None) -> Any:
    """Option callback: the JSON value of the file at ``path`` (``null`` is
    None), or UNSET when the option was not given.

    Raises:
        click.BadParameter: the file is not JSON (exit 2).
    """
    if path is None:
        return UNSET
    try:
        with open(path, encoding="utf-8") as file:
            return json.load(file)
    except ValueError as error:  # UnicodeDecodeError included
        raise click.BadParameter(f"{path} is not JSON: {error}", ctx=ctx, param=param) from None


def json_file_option(*names: str, help: str) -> Callable[[F], F]:
    """An option naming a JSON file, read by :func:`json_file`."""
    return click.option(
        *names,
        type=click.Path(exists=True, dir_okay=False),
        metavar="FILE.json",
        callback=json_file,
        help=help,
    )
