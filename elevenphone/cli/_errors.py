"""Exit statuses, every error turned into one clear line for stderr, and the
secrets no output may show."""

from __future__ import annotations

import asyncio

from .._exceptions import (
    APIConnectionError,
    AuthenticationError,
    BadRequestError,
    BulkUpdateError,
    ElevenPhoneError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from .._wire import redact as _redact

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_INVALID_REQUEST = 3
EXIT_AUTH = 4
EXIT_NOT_FOUND = 5
EXIT_BULK_FAILURES = 6
EXIT_OUTCOME_UNKNOWN = 7
EXIT_INTERRUPTED = 130


class CommandError(Exception):
    """A command ends with ``message`` on stderr and ``exit_code``."""

    def __init__(self, message: str, exit_code: int = EXIT_FAILURE) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


class Interrupted(Exception):
    """Ctrl-C or SIGTERM stopped a command."""


def exit_code_for(error: BaseException) -> int:
    """The exit status for an error a command raised."""
    if isinstance(error, CommandError):
        return error.exit_code
    if isinstance(error, ElevenPhoneError) and error.outcome_unknown:
        return EXIT_OUTCOME_UNKNOWN
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
"""Every secret this run knows of (the API key): no output may show one."""


def redact(text: str) -> str:
    """``text`` with every secret in :data:`SECRETS` replaced by ``[redacted]``.

    The SDK already takes the key out of its errors; this covers what the
    command line prints of a server's data (a label, a message) and of its
    own arguments.
    """
    return _redact(text, SECRETS)


def one_line(text: str) -> str:
    """``text`` redacted, on one line, whatever the message held."""
    return " ".join(redact(text).split())
