"""The base of every error elevenphone raises, and the error of a value
refused before anything is sent."""

from __future__ import annotations

__all__ = ["ElevenPhoneError", "InvalidRequestError"]


class ElevenPhoneError(Exception):
    """Base of every error raised by elevenphone.

    Attributes:
        message: what went wrong, for a person.
        outcome_unknown: True when a call that is not idempotent (an outbound
            call, an import) failed after the server may have acted on it (a
            timeout, a reset, a reply cut short, 408, a 5xx), or did (a 2xx
            whose reply cannot be read). It was not retried: a call may
            already be ringing, a number may be imported.

    Args:
        message: what went wrong, for a person.
    """

    message: str
    outcome_unknown: bool = False

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidRequestError(ElevenPhoneError, ValueError, TypeError):
    """A value was refused before any request was sent: an empty or blank id,
    a bad enum value, an unknown or missing field, bytes where text belongs, a
    value of the wrong type.

    ``field`` names the offending argument or body field, dotted for nested
    fields (``"outbound_trunk_config.transport"``). It is both a ``ValueError``
    and a ``TypeError``, so ``except ValueError`` catches every local refusal
    and ``except TypeError`` catches a wrong type.

    Args:
        message: what was refused and why.
        field: the offending argument or body field, if one is to blame.
    """

    field: str | None

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
