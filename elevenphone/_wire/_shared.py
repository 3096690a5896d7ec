"""What every part of the wire layer shares: msgspec's codecs, what a reply
that does not decode can raise, and the clipping of text taken from a reply."""

from __future__ import annotations

import msgspec

# Built once: msgspec encoders and decoders are reusable and thread-safe.
encoder = msgspec.json.Encoder()
any_decoder = msgspec.json.Decoder()

UNDECODABLE = (ValueError, RecursionError)
"""What a reply that does not decode can raise from msgspec: DecodeError and
ValidationError (both ValueErrors), UnicodeDecodeError (also a ValueError)
for invalid UTF-8 in a string, RecursionError for absurd nesting."""

MAX_MESSAGE = 1000
"""The most characters of an error message taken from a reply."""


def clip(text: str, limit: int = MAX_MESSAGE) -> str:
    """``text``, cut to ``limit`` characters with ``...`` when longer."""
    return text if len(text) <= limit else text[: limit - 3] + "..."
