"""Exit statuses, every error turned into one clear line (or, with
``--json``, one JSON object) for stderr, and the secrets no output may show."""

from __future__ import annotations

import asyncio
from typing import Any

import click

from .._exceptions import (
    APIConnectionError,
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    BulkUpdateError,
    ElevenPhoneError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    PollTimeoutError,
    ValidationError,
)
from .._wire import redact as _redact
from .._wire import secret_forms

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_INVALID_REQUEST = 3
EXIT_AUTH = 4
EXIT_NOT_FOUND = 5
EXIT_BULK_FAILURES = 6
EXIT_OUTCOME_UNKNOWN = 7
EXIT_TIMEOUT = 8
EXIT_INTERRUPTED = 130


class CommandError(Exception):
    """A command ends with ``message`` on stderr and ``exit_code``.

    ``kind`` is its ``type`` in a ``--json`` error; by default, the class of
    the error it was raised from (``raise CommandError(...) from error``).
    """

    def __init__(
        self, message: str, exit_code: int = EXIT_FAILURE, *, kind: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
        self.kind = kind


class Interrupted(Exception):
    """Ctrl-C or SIGTERM stopped a command."""


def exit_code_for(error: BaseException) -> int:
    """The exit status for an error a command raised."""
    if isinstance(error, CommandError):
        return error.exit_code
    if isinstance(error, ElevenPhoneError) and error.outcome_unknown:
        return EXIT_OUTCOME_UNKNOWN
    if isinstance(error, PollTimeoutError):
        return EXIT_TIMEOUT
    if isinstance(error, BulkUpdateError):
        return EXIT_BULK_FAILURES
    if isinstance(error, InvalidRequestError):
        return EXIT_USAGE
    if isinstance(error, ValidationError | BadRequestError):
        return EXIT_INVALID_REQUEST
    if isinstance(error, AuthenticationError | PermissionDeniedError):
        return EXIT_AUTH
    if isinstance(error, NotFoundError):
        return EXIT_NOT_FOUND
    if isinstance(error, Interrupted | KeyboardInterrupt | asyncio.CancelledError):
        return EXIT_INTERRUPTED
    return EXIT_FAILURE


def describe(error: BaseException) -> str:
    """One line saying what went wrong, for a person."""
    if isinstance(error, CommandError):
        return error.message
    if isinstance(error, ValidationError):
        items = "; ".join(f"{item.where() or '?'}: {item.msg}" for item in error.errors)
        return f"the API refused the request (422): {items or error.message}"
    if isinstance(error, AuthenticationError | PermissionDeniedError):
        return f"{error} (check --api-key or ELEVENLABS_API_KEY)"
    if isinstance(error, APIConnectionError):
        return f"{error} (check --base-url, --region and the network)"
    if isinstance(error, ElevenPhoneError):
        return str(error)
    if isinstance(error, OSError):
        where = f": {error.filename}" if error.filename else ""
        return f"{error.strerror or error}{where}"
    if isinstance(error, Interrupted | KeyboardInterrupt | asyncio.CancelledError):
        return "interrupted"
    return f"unexpected {type(error).__name__}: {error}"


SECRETS: list[str] = []
"""Every secret this run knows of besides what the SDK redacts itself (the
key, a token or password read by :mod:`._secrets`, the secrets of a request
built from files): no output may show one."""


def redact(text: str) -> str:
    """``text`` with every secret in :data:`SECRETS` replaced by ``[redacted]``,
    in each form the SDK redacts (as JSON or Python would quote it too).

    The SDK takes the secrets of a request out of its errors; this covers
    what the command line prints of a server's data (a label, a message) and
    of its own arguments.
    """
    return _redact(text, secret_forms(*SECRETS)) if SECRETS else text


def one_line(text: str) -> str:
    """``text`` redacted, on one line, whatever the message held."""
    return " ".join(redact(text).split())


def error_type(error: BaseException) -> str:
    """The ``type`` of a ``--json`` error: the class name of the error (of the
    one a :class:`CommandError` was raised from), ``UsageError`` for every
    usage error, ``Interrupted`` for Ctrl-C."""
    if isinstance(error, click.UsageError):
        return "UsageError"
    if isinstance(error, CommandError):
        if error.kind is not None:
            return error.kind
        if error.__cause__ is not None:
            return type(error.__cause__).__name__
    if isinstance(error, click.Abort | KeyboardInterrupt | asyncio.CancelledError):
        return "Interrupted"
    return type(error).__name__


def error_json(error: BaseException, message: str) -> dict[str, Any]:
    """A failed command for machines, all of it redacted::

        {"error": {"type", "message", "status_code", "code", "request_id",
                   "outcome_unknown"}}

    ``status_code``, ``code`` and ``request_id`` are those of an API error
    (null otherwise); ``outcome_unknown`` is true when a call or an import
    may have happened although it failed.
    """
    source = error.__cause__ if isinstance(error, CommandError) and error.__cause__ else error
    api = source if isinstance(source, APIStatusError) else None
    return {
        "error": {
            "type": error_type(error),
            "message": one_line(message),
            "status_code": api.status_code if api else None,
            "code": redact(api.code) if api and api.code else None,
            "request_id": redact(api.request_id) if api and api.request_id else None,
            "outcome_unknown": bool(getattr(source, "outcome_unknown", False)),
        }
    }
