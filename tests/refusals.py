"""Assertions on what elevenphone says, never on a dependency's wording.

A refusal is checked by its type and its ``field``, and a failure of the OS by
its errno, so that a new release of msgspec, aiohttp or Python, which may word
its messages differently, cannot turn the suite red.
"""

from __future__ import annotations

import os

from elevenphone import InvalidRequestError


def assert_names_field(error: BaseException, name: str) -> None:
    """``error`` is an InvalidRequestError whose ``field`` is or holds ``name``
    (``outbound_trunk_config.enabled_codecs.0`` names ``enabled_codecs``), and
    whose message says which field, in elevenphone's words."""
    assert isinstance(error, InvalidRequestError), repr(error)
    field = error.field
    assert field is not None, repr(error)
    assert f".{name}." in f".{field}.", (field, name)
    assert field in str(error)


def assert_caused_by_os_error(error: BaseException, code: int) -> None:
    """``error`` comes from an OSError of errno ``code`` and says the OS's reason
    (whatever the OS words it)."""
    cause = error.__cause__
    assert isinstance(cause, OSError), repr(cause)
    assert cause.errno == code, (cause.errno, code)
    assert os.strerror(code) in str(error)
