"""Secrets a command needs besides the API key (a Twilio token, a SIP
password): read from an environment variable, a file, or a hidden prompt,
never from an argument that the shell history and ``ps`` would show.

Each secret ``NAME`` has two options, ``--NAME-env VAR`` and ``--NAME-file
PATH``; without either, a secret the command needs is asked for on a terminal
(the answer is not echoed), and is a usage error elsewhere. Every secret read
joins :data:`~elevenphone.cli._errors.SECRETS`, so no output shows it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from .._models._base import secret_values
from ._errors import SECRETS

F = TypeVar("F", bound=Callable[..., Any])


def secret_options(name: str, what: str) -> Callable[[F], F]:
    """Add ``--NAME-env VAR`` and ``--NAME-file PATH`` for the secret ``what``.

    Their parameters are ``NAME_env`` and ``NAME_file`` (dashes as underscores).
    """
    base = name.replace("-", "_")

    def decorate(func: F) -> F:
        func = click.option(
            f"--{name}-file",
            f"{base}_file",
            type=click.Path(exists=True, dir_okay=False),
            metavar="PATH",
            help=f"Read {what} from this file.",
        )(func)
        return click.option(
            f"--{name}-env",
            f"{base}_env",
            metavar="VAR",
            help=f"Read {what} from this environment variable.",
        )(func)

    return decorate


def secret_given(name: str, options: dict[str, Any]) -> bool:
    """Whether ``--NAME-env`` or ``--NAME-file`` is among the ``options`` given."""
    base = name.replace("-", "_")
    return options.get(f"{base}_env") is not None or options.get(f"{base}_file") is not None


def refuse_two_sources(options: dict[str, Any]) -> None:
    """Refuse any secret given both by ``--NAME-env`` and ``--NAME-file``,
    before anything is asked for.

    Raises:
        click.UsageError: both were given (exit 2).
    """
    for key in options:
        base = key.removesuffix("_env")
        if base != key and options[key] is not None and options.get(f"{base}_file") is not None:
            name = base.replace("_", "-")
            raise click.UsageError(f"give --{name}-env or --{name}-file, not both")


def read_secret(name: str, what: str, options: dict[str, Any], *, required: bool) -> str | None:
    """The secret ``what`` from ``--NAME-env`` or ``--NAME-file`` in ``options``,
    else from a hidden prompt on a terminal when ``required``; None when it is
    not required and not given. Both options given are refused before, by
    :func:`refuse_two_sources`.

    Raises:
        click.UsageError: the variable unset or empty, the
            file unreadable or empty, or a required secret with neither option
            and no terminal to ask on (exit 2).
    """
    base = name.replace("-", "_")
    variable, path = options.get(f"{base}_env"), options.get(f"{base}_file")
    if variable is not None:
        secret = os.environ.get(variable, "")
        if not secret:
            raise click.UsageError(
                f"--{name}-env: the environment variable {variable} is not set or empty"
            )
    elif path is not None:
        secret = _read_file(name, path)
    elif not required:
        return None
    elif sys.stdin.isatty():
        secret = click.prompt(what[:1].upper() + what[1:], hide_input=True, err=True)
    else:
        raise click.UsageError(
            f"{what} is needed: pass --{name}-env VAR or --{name}-file PATH"
            " (on a terminal, it is asked for)"
        )
    SECRETS.append(secret)
    return secret


def _read_file(name: str, path: str) -> str:
    try:
        # Line ends after the secret are the file's (editors add one), not the secret's.
        secret = Path(path).read_text(encoding="utf-8").rstrip("\r\n")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
        raise click.UsageError(f"--{name}-file: cannot read {path}: {reason}") from None
    if not secret:
        raise click.UsageError(f"--{name}-file: {path} is empty")
    return secret


def register_secrets(request: Any, model: Any) -> None:
    """Add the secrets of ``request`` (a mapping or a Struct of ``model``, as a
    command built it from its options and files) to :data:`SECRETS`: the ones
    ``model`` declares (:func:`~elevenphone._models._base.secret_values`)."""
    SECRETS.extend(secret_values(request, model))
