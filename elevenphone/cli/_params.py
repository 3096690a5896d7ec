"""Parameter types and callbacks the commands share: JSON read from a file."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

import click
from msgspec import UNSET

F = TypeVar("F", bound=Callable[..., Any])


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
