"""Keeping secrets out of what errors show: the secrets of a request (the
API key, and what its body's models declare secret: :func:`secret_values`,
re-exported here), the forms a server or a parser may echo them in, their
redaction, and errors raised without a chain."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import NoReturn, TypeVar

from .._exceptions import (
    APIStatusError,
    ElevenPhoneError,
    ValidationError,
    ValidationErrorItem,
)
from .._models._base import NO_SECRETS, Secrets, secret_values

__all__ = [
    "NO_SECRETS",
    "REDACTED",
    "Secrets",
    "raise_unchained",
    "redact",
    "redact_error",
    "secret_forms",
    "secret_values",
]

E = TypeVar("E", bound=ElevenPhoneError)

REDACTED = "[redacted]"


def secret_forms(*secrets: str | None) -> Secrets:
    """Each secret as a server or a parser may echo it: as is, as JSON writes
    it inside a string (a quote or a backslash escaped, non-ASCII as is or as
    ``\\uXXXX``), and as Python escapes it when quoting a str or bytes."""
    forms: dict[str, None] = {}
    for secret in secrets:
        if not secret:
            continue
        forms[secret] = None
        forms[json.dumps(secret, ensure_ascii=False)[1:-1]] = None
        forms[json.dumps(secret)[1:-1]] = None
        forms[repr(secret)[1:-1]] = None
        forms[repr(secret.encode("utf-8", "backslashreplace"))[2:-1]] = None
    return Secrets(forms)


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret replaced by ``[redacted]``.

    The longest first, so a secret inside another never leaves the rest of it
    shown; and the start of a secret (4 characters or more) that ends a
    clipped text (``...``, as messages taken from a reply are cut) goes too.
    """
    ordered = sorted((secret for secret in secrets if secret), key=len, reverse=True)
    for secret in ordered:
        if secret in text:
            text = text.replace(secret, REDACTED)
    if text.endswith(_CLIPPED):
        head = text[: -len(_CLIPPED)]
        cut = max((_cut_secret(head, secret) for secret in ordered), default=0)
        if cut:
            text = head[:-cut] + REDACTED + _CLIPPED
    return text


_CLIPPED = "..."


_SHORTEST_CUT = 4
"""A shorter start is too common to tell from text (every ``sk_`` key starts with ``s``)."""


def _cut_secret(text: str, secret: str) -> int:
    """How many characters at the end of ``text`` are the start of ``secret``."""
    for size in range(min(len(secret) - 1, len(text)), _SHORTEST_CUT - 1, -1):
        if text.endswith(secret[:size]):
            return size
    return 0


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
    secret a server echoed back (the key, and the request's own secrets, in
    the forms of :func:`secret_forms`). Its ``__cause__`` and ``__context__`` are
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
        if isinstance(error, ValidationError):
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
