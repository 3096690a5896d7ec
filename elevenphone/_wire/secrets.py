"""Keeping the key out of what errors show: redaction of every secret a
server echoed back, and errors raised without a chain."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NoReturn, TypeVar

from .._exceptions import (
    APIStatusError,
    ElevenPhoneError,
    ValidationError,
    ValidationErrorItem,
)

E = TypeVar("E", bound=ElevenPhoneError)

REDACTED = "[redacted]"


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret replaced by ``[redacted]``."""
    for secret in secrets:
        if secret and secret in text:
            text = text.replace(secret, REDACTED)
    return text


def raise_unchained(error: ElevenPhoneError) -> NoReturn:
    """Raise ``error`` with no ``__cause__`` and no ``__context__``.

    A plain ``raise`` gives an error the context of whatever exception is
    being handled, and on Python 3.10 that may be an aiohttp exception
    handled long before, leaked across a coroutine's resumption (aiohttp's
    exceptions hold the request, the key among its headers). Re-raised from
    the handler of the error itself, it keeps the context it has: none.
    """
    try:
        raise error
    except ElevenPhoneError:
        error.__cause__ = None
        error.__context__ = None
        error.__suppress_context__ = True
        raise


def redact_error(error: E, secrets: tuple[str, ...]) -> E:
    """``error`` with every secret taken out of what it shows, and no chain.

    Its message, ``str``, ``repr``, code, request id and 422 items lose every
    secret a server echoed back. Its ``__cause__`` and ``__context__`` are
    dropped: they are the library's own exceptions (aiohttp's hold the request
    headers, the key among them). ``.body`` keeps the reply as it came.
    """
    error.__cause__ = None
    error.__context__ = None
    error.__suppress_context__ = True
    if not secrets:
        return error
    error.message = redact(error.message, secrets)
    error.args = (error.message,)
    if isinstance(error, APIStatusError):
        if error.code:
            error.code = redact(error.code, secrets)
        if error.request_id:
            error.request_id = redact(error.request_id, secrets)
        if isinstance(error, ValidationError) and any(
            secret in repr(item) for item in error.errors for secret in secrets
        ):
            error.errors = [
                ValidationErrorItem(
                    loc=[redact(p, secrets) if isinstance(p, str) else p for p in item.loc],
                    msg=redact(item.msg, secrets),
                    type=redact(item.type, secrets),
                )
                for item in error.errors
            ]
        error.args = (str(error),)
    return error
