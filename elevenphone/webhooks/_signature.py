"""The ``ElevenLabs-Signature`` header: making it, and checking a webhook with it.

The header is ``t=<unix seconds>,v0=<hex>``, where ``<hex>`` is the lowercase
hex of HMAC-SHA256, keyed with the webhook secret, over ``f"{t}."`` followed
by the raw body. Signatures are compared in constant time, and a timestamp
too far in the past (a replay) or in the future is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time

from .._exceptions import WebhookSignatureError
from ._events import AnyWebhookEvent, decode_event

__all__ = ["DEFAULT_TOLERANCE", "SIGNATURE_HEADER", "sign", "verify"]

SIGNATURE_HEADER = "ElevenLabs-Signature"
"""The header a webhook's signature comes in."""

DEFAULT_TOLERANCE = 1800
"""How far, in seconds, a signature's timestamp may be from now: 30 minutes,
as the API's own SDK allows."""

# At most 18 digits: any real timestamp, and int() never parses a huge string.
_TIMESTAMP = re.compile(r"[0-9]{1,18}")
_FORMAT = "expected t=<unix seconds>,v0=<hex>"


def _check_secret(secret: object) -> str:
    if not isinstance(secret, str) or not secret:
        raise ValueError("the webhook secret must be a non-empty string")
    return secret


def _digest(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode(), hashlib.sha256)
    mac.update(body)  # not joined to the prefix: the body may be megabytes
    return mac.hexdigest()


def sign(body: bytes, secret: str, *, timestamp: int | None = None) -> str:
    """The ``ElevenLabs-Signature`` header value of ``body``, as the API makes it.

    For tests of your own webhook endpoint, and for servers that send events.

    Args:
        body: the raw request body.
        secret: the webhook secret.
        timestamp: the signing time in seconds since the Unix epoch; now if None.

    Returns:
        ``t=<timestamp>,v0=<hex>``.

    Raises:
        ValueError: the secret is empty or not a str.
    """
    _check_secret(secret)
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    return f"t={stamp},v0={_digest(secret, stamp, body)}"


def _parse(signature: object) -> tuple[str, list[str]]:
    """The timestamp (as sent: it is signed as text) and every ``v0`` of a header."""
    if signature is None or (isinstance(signature, str) and not signature.strip()):
        raise WebhookSignatureError(f"the {SIGNATURE_HEADER} header is missing", reason="missing")
    if not isinstance(signature, str):
        raise WebhookSignatureError(
            f"the {SIGNATURE_HEADER} header is malformed: it is a "
            f"{type(signature).__name__}, not a str",
            reason="malformed",
        )
    timestamps: list[str] = []
    candidates: list[str] = []
    for part in signature.split(","):
        key, equals, value = part.strip().partition("=")
        if not equals:
            raise WebhookSignatureError(
                f"the {SIGNATURE_HEADER} header is malformed: {_FORMAT}", reason="malformed"
            )
        if key == "t":
            timestamps.append(value.strip())
        elif key == "v0":
            candidates.append(value.strip())
        # Any other key (a later scheme) is left for the versions that know it.
    if len(timestamps) != 1 or not _TIMESTAMP.fullmatch(timestamps[0]):
        raise WebhookSignatureError(
            f"the {SIGNATURE_HEADER} header is malformed: it needs exactly one "
            f"t=<unix seconds>; {_FORMAT}",
            reason="malformed",
        )
    if not candidates:
        raise WebhookSignatureError(
            f"the {SIGNATURE_HEADER} header is malformed: it has no v0 signature; {_FORMAT}",
            reason="malformed",
        )
    return timestamps[0], candidates


def verify(
    body: bytes,
    signature: str | None,
    secret: str,
    *,
    tolerance: float = DEFAULT_TOLERANCE,
    now: float | None = None,
) -> AnyWebhookEvent:
    """Check a webhook's signature, then decode its event.

    The signature passes when any ``v0`` of the header matches the body,
    compared in constant time, and its timestamp is at most ``tolerance``
    seconds in the past or in the future.

    Args:
        body: the raw request body, exactly as received.
        signature: the ``ElevenLabs-Signature`` header (None if it was missing).
        secret: the webhook secret.
        tolerance: how many seconds the timestamp may be away from now.
        now: the current time in seconds since the Unix epoch (for tests);
            the clock if None.

    Returns:
        The event: a :class:`PostCallTranscriptionEvent`,
        :class:`PostCallAudioEvent`, :class:`CallInitiationFailureEvent`, or
        a :class:`WebhookEvent` for any other type.

    Raises:
        WebhookSignatureError: the header is missing or malformed, no
            signature matches, or the timestamp is out of tolerance; its
            ``reason`` says which. The message never holds the secret.
        WebhookPayloadError: the signature is good but the body is not an event.
        ValueError: the secret is empty or not a str, or ``tolerance`` is negative.
    """
    _check_secret(secret)
    if tolerance < 0:
        raise ValueError(f"tolerance must be >= 0, not {tolerance!r}")
    stamp, candidates = _parse(signature)
    age = (time.time() if now is None else now) - int(stamp)
    if age > tolerance:
        raise WebhookSignatureError(
            f"the signature is {age:.0f} seconds old, more than the tolerance of "
            f"{tolerance:g} seconds",
            reason="too_old",
        )
    if -age > tolerance:
        raise WebhookSignatureError(
            f"the signature is {-age:.0f} seconds in the future, more than the tolerance "
            f"of {tolerance:g} seconds",
            reason="in_future",
        )
    expected = _digest(secret, stamp, body)
    # compare_digest takes str of ASCII only; no other str can match a hex digest.
    if not any(hmac.compare_digest(expected, c) for c in candidates if c.isascii()):
        raise WebhookSignatureError(
            "the signature does not match the body (is the webhook secret right?)",
            reason="mismatch",
        )
    return decode_event(body)
