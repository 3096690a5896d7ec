"""Public classes name the package they are imported from as their module.

A traceback then shows ``elevenphone.ConflictError``, not the private module
that defines it, as openai-python's do; ``pickle`` finds each class there too.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Iterable, Mapping
from typing import Any


def present_as(package: str, namespace: Mapping[str, object], names: Iterable[str]) -> None:
    """Give each class of ``namespace`` named in ``names`` and defined under
    ``package`` the ``__module__`` ``package``; anything else is left alone.

    Its annotations are resolved first, where they were written: what reads
    them later (msgspec, ``inspect.signature``, ``typing.get_type_hints``)
    looks their names up in the class's ``__module__``.
    """
    for name in names:
        value = namespace.get(name)
        if isinstance(value, type) and value.__module__.startswith(f"{package}."):
            _resolve_annotations(value)
            value.__module__ = package


def _resolve_annotations(cls: type) -> None:
    written = inspect.get_annotations(cls)
    if any(isinstance(value, str) for value in written.values()):
        # The module's names first, then the class's, as typing and msgspec look them up.
        scope = {**vars(cls), **vars(sys.modules[cls.__module__])}
        cls.__annotations__ = {name: _evaluated(value, scope) for name, value in written.items()}


def _evaluated(annotation: object, scope: dict[str, Any]) -> object:
    if not isinstance(annotation, str):
        return annotation
    try:
        return eval(annotation, scope)
    except Exception:  # a name imported for type checkers only: left as written
        return annotation
