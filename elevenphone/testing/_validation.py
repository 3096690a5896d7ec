"""Request-body validation that answers the way FastAPI with pydantic v2 does.

Written independently of the SDK's models on purpose: a misreading of the API
shared by the SDK and the fake would otherwise pass every test.

Each validator takes ``(value, loc, errors)``, appends pydantic-style error
items (``type``, ``loc``, ``msg``, ``input`` and, where pydantic gives one,
``ctx``) to ``errors`` and returns the cleaned value. Every error is reported,
not just the first. Models return only the fields the body set (pydantic's
``exclude_unset``) with nested defaults filled in, because the API tells an
omitted field (unchanged) from ``null`` (cleared).

The models themselves sit beside their endpoints: ``_bodies`` (phone
numbers), ``_call_bodies`` (calls), ``_pages`` (query parameters).
"""

from __future__ import annotations

import email.message
import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

Loc = tuple[str | int, ...]
ErrorItem = dict[str, Any]
Validator = Callable[[Any, Loc, list[ErrorItem]], Any]

_MISSING: Any = object()
#: What the fake sends back in place of a secret echoed by a 422.
REDACTED = "**********"
_TRUE_WORDS = frozenset({"1", "on", "t", "true", "y", "yes"})
_FALSE_WORDS = frozenset({"0", "off", "f", "false", "n", "no"})


class BodyParseError(Exception):
    """The body is not decodable at all (FastAPI answers 400, not 422)."""


def error_item(
    type_: str, loc: Loc, msg: str, input_: Any, ctx: Mapping[str, Any] | None = None
) -> ErrorItem:
    """Return one validation error item in FastAPI's shape."""
    item: ErrorItem = {"type": type_, "loc": list(loc), "msg": msg, "input": input_}
    if ctx is not None:
        item["ctx"] = dict(ctx)
    return item


def string(value: Any, loc: Loc, errors: list[ErrorItem]) -> Any:
    """Accept a ``str``; pydantic v2 does not coerce numbers to strings."""
    if not isinstance(value, str):
        errors.append(error_item("string_type", loc, "Input should be a valid string", value))
    return value


def boolean(value: Any, loc: Loc, errors: list[ErrorItem]) -> Any:
    """Accept a boolean the way pydantic's lax mode does (``"yes"``, ``0``, ...)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.lower() in _TRUE_WORDS | _FALSE_WORDS:
        return value.lower() in _TRUE_WORDS
    if isinstance(value, (str, int, float)):
        msg = "Input should be a valid boolean, unable to interpret input"
        errors.append(error_item("bool_parsing", loc, msg, value))
    else:
        errors.append(error_item("bool_type", loc, "Input should be a valid boolean", value))
    return value


def enum(*choices: str) -> Validator:
    """Return a validator accepting exactly ``choices`` (pydantic's ``enum`` error)."""
    expected = _expected(choices)

    def validate(value: Any, loc: Loc, errors: list[ErrorItem]) -> Any:
        if not (isinstance(value, str) and value in choices):
            msg = f"Input should be {expected}"
            errors.append(error_item("enum", loc, msg, value, {"expected": expected}))
        return value

    return validate


_INTEGER_TEXT = re.compile(r"\s*[+-]?\d+(?:_\d+)*(?:\.0+)?\s*")


def integer(value: Any, loc: Loc, errors: list[ErrorItem]) -> Any:
    """Accept an integer the way pydantic's lax mode does (``"7"``, ``7.0``, ``True``)."""
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            errors.append(
                error_item("finite_number", loc, "Input should be a finite number", value)
            )
        elif not value.is_integer():
            msg = "Input should be a valid integer, got a number with a fractional part"
            errors.append(error_item("int_from_float", loc, msg, value))
        else:
            return int(value)
        return value
    if isinstance(value, str):
        if _INTEGER_TEXT.fullmatch(value):
            return int(value.strip().split(".")[0])
        msg = "Input should be a valid integer, unable to parse string as an integer"
        errors.append(error_item("int_parsing", loc, msg, value))
        return value
    errors.append(error_item("int_type", loc, "Input should be a valid integer", value))
    return value


def bounded(validator: Validator, *, ge: int | None = None, le: int | None = None) -> Validator:
    """Return ``validator`` that also checks ``ge <= value <= le`` (pydantic's messages)."""

    def validate(value: Any, loc: Loc, errors: list[ErrorItem]) -> Any:
        found = len(errors)
        cleaned = validator(value, loc, errors)
        if len(errors) > found:
            return cleaned
        if ge is not None and cleaned < ge:
            msg = f"Input should be greater than or equal to {ge}"
            errors.append(error_item("greater_than_equal", loc, msg, value, {"ge": ge}))
        elif le is not None and cleaned > le:
            msg = f"Input should be less than or equal to {le}"
            errors.append(error_item("less_than_equal", loc, msg, value, {"le": le}))
        return cleaned

    return validate


def _expected(choices: tuple[str, ...]) -> str:
    quoted = [f"'{choice}'" for choice in choices]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"


def literal(*choices: str) -> Validator:
    """Return a validator for a ``Literal`` of ``choices`` (pydantic's ``literal_error``)."""
    expected = _expected(choices)

    def validate(value: Any, loc: Loc, errors: list[ErrorItem]) -> Any:
        if not (isinstance(value, str) and value in choices):
            msg = f"Input should be {expected}"
            errors.append(error_item("literal_error", loc, msg, value, {"expected": expected}))
        return value

    return validate


def list_of(
    item: Validator, *, min_length: int | None = None, max_length: int | None = None
) -> Validator:
    """Return a validator for a list of ``item``, each bad item reported at its index."""

    def validate(value: Any, loc: Loc, errors: list[ErrorItem]) -> Any:
        if not isinstance(value, list):
            errors.append(error_item("list_type", loc, "Input should be a valid list", value))
            return value
        if min_length is not None and len(value) < min_length:
            msg = (
                f"List should have at least {min_length} item{'s' if min_length != 1 else ''}"
                f" after validation, not {len(value)}"
            )
            ctx = {"field_type": "List", "min_length": min_length, "actual_length": len(value)}
            errors.append(error_item("too_short", loc, msg, value, ctx))
            return value
        if max_length is not None and len(value) > max_length:
            # pydantic reports only the length then, not the items.
            msg = (
                f"List should have at most {max_length} item{'s' if max_length != 1 else ''}"
                f" after validation, not {len(value)}"
            )
            ctx = {"field_type": "List", "max_length": max_length, "actual_length": len(value)}
            errors.append(error_item("too_long", loc, msg, value, ctx))
            return value
        return [item(element, (*loc, index), errors) for index, element in enumerate(value)]

    return validate


#: A list of strings, each bad item reported at its index.
string_list: Validator = list_of(string)


def string_dict(value: Any, loc: Loc, errors: list[ErrorItem]) -> Any:
    """Accept an object whose values are strings, reporting each bad value at its key."""
    if not isinstance(value, dict):
        errors.append(error_item("dict_type", loc, "Input should be a valid dictionary", value))
        return value
    for key, item in value.items():
        string(item, (*loc, key), errors)
    return dict(value)


def any_dict(value: Any, loc: Loc, errors: list[ErrorItem]) -> Any:
    """Accept any JSON object (``dict[str, Any]``)."""
    if not isinstance(value, dict):
        errors.append(error_item("dict_type", loc, "Input should be a valid dictionary", value))
        return value
    return dict(value)


def nullable(validator: Validator) -> Validator:
    """Return ``validator`` that also accepts ``null``."""

    def validate(value: Any, loc: Loc, errors: list[ErrorItem]) -> Any:
        return None if value is None else validator(value, loc, errors)

    return validate


@dataclass(frozen=True)
class Field:
    """One model field: its validator and, unless required, its default."""

    validator: Validator
    default: Any = _MISSING

    @property
    def required(self) -> bool:
        """Whether the field has no default."""
        return self.default is _MISSING


def model(fields: Mapping[str, Field], *, fill_defaults: bool = True) -> Validator:
    """Return a validator for an object with ``fields``; unknown keys are ignored.

    Unset optional fields are filled with their defaults when ``fill_defaults``;
    the top-level update model passes ``False`` to keep omitted fields omitted.
    """

    def validate(value: Any, loc: Loc, errors: list[ErrorItem]) -> Any:
        if not isinstance(value, dict):
            msg = "Input should be a valid dictionary or object to extract fields from"
            errors.append(error_item("model_attributes_type", loc, msg, value))
            return value
        cleaned: dict[str, Any] = {}
        for name, field in fields.items():
            if name in value:
                cleaned[name] = field.validator(value[name], (*loc, name), errors)
            elif field.required:
                errors.append(error_item("missing", (*loc, name), "Field required", value))
            elif fill_defaults:
                cleaned[name] = field.default
        return cleaned

    return validate


def tagged_union(tag: str, variants: Mapping[str, Validator]) -> Validator:
    """Return a validator for a union discriminated by ``tag`` (errors carry the tag in loc)."""
    expected = ", ".join(f"'{name}'" for name in variants)

    def validate(value: Any, loc: Loc, errors: list[ErrorItem]) -> Any:
        if not isinstance(value, dict):
            msg = "Input should be a valid dictionary or object to extract fields from"
            errors.append(error_item("model_attributes_type", loc, msg, value))
            return value
        if tag not in value:
            msg = f"Unable to extract tag using discriminator '{tag}'"
            ctx = {"discriminator": f"'{tag}'"}
            errors.append(error_item("union_tag_not_found", loc, msg, value, ctx))
            return value
        found = value[tag]
        if not isinstance(found, str) or found not in variants:
            msg = (
                f"Input tag '{found}' found using '{tag}' does not match any of the"
                f" expected tags: {expected}"
            )
            ctx = {"discriminator": f"'{tag}'", "tag": str(found), "expected_tags": expected}
            errors.append(error_item("union_tag_invalid", loc, msg, value, ctx))
            return value
        return variants[found](value, (*loc, found), errors)

    return validate


def value_error(loc: Loc, message: str, input_: Any) -> ErrorItem:
    """Return the error a pydantic validator raising ``ValueError(message)`` gives.

    FastAPI encodes the exception in ``ctx`` as ``{}``, so that is what is sent.
    """
    return error_item("value_error", loc, f"Value error, {message}", input_, {"error": {}})


def checked(validator: Validator, check: Callable[[Any], str | None]) -> Validator:
    """Return ``validator`` followed by ``check``, as a pydantic ``after`` validator.

    ``check`` sees the cleaned value only when ``validator`` found no error, and
    returns the message of a ``value_error`` (or ``None`` when the value is fine).
    """

    def validate(value: Any, loc: Loc, errors: list[ErrorItem]) -> Any:
        found = len(errors)
        cleaned = validator(value, loc, errors)
        if len(errors) == found:
            message = check(cleaned)
            if message is not None:
                errors.append(value_error(loc, message, value))
        return cleaned

    return validate


def redact(errors: list[ErrorItem], secrets: frozenset[str]) -> list[ErrorItem]:
    """Return ``errors`` with the value of every field named in ``secrets`` masked.

    FastAPI echoes the ``input`` of each error, which may be the whole object
    holding a token or a password; the fake never sends a secret back.
    """

    def mask(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: REDACTED if k in secrets else mask(v) for k, v in value.items()}
        if isinstance(value, list):
            return [mask(item) for item in value]
        return value

    masked = []
    for item in errors:
        loc = item["loc"]
        secret = bool(loc) and loc[-1] in secrets
        masked.append({**item, "input": REDACTED if secret else mask(item["input"])})
    return masked


def validate_body(validator: Validator, body: Any) -> tuple[Any, list[ErrorItem]]:
    """Validate a decoded body at ``loc ("body",)``; a missing body is an error.

    Returns ``(cleaned, errors)``; ``cleaned`` is ``{}`` when there are errors.
    """
    errors: list[ErrorItem] = []
    if body is None:
        return {}, [error_item("missing", ("body",), "Field required", None)]
    cleaned = validator(body, ("body",), errors)
    return (cleaned if not errors else {}), errors


def validate_query(
    fields: Mapping[str, Field], query: Mapping[str, str]
) -> tuple[dict[str, Any], list[ErrorItem]]:
    """Validate query parameters at ``loc ("query", name)``, filling defaults.

    ``query`` holds one value per name (the last one sent, as Starlette reads it).
    """
    errors: list[ErrorItem] = []
    cleaned: dict[str, Any] = {}
    for name, field in fields.items():
        if name in query:
            cleaned[name] = field.validator(query[name], ("query", name), errors)
        elif field.required:
            errors.append(error_item("missing", ("query", name), "Field required", None))
        else:
            cleaned[name] = field.default
    return cleaned, errors


def decode_body(raw: bytes, content_type: str | None) -> tuple[Any, list[ErrorItem]]:
    """Decode a request body the way FastAPI does before validating it.

    An empty body is missing (``None``). A JSON content type (or none at all)
    is parsed; any other content type leaves the text undecoded, which then
    fails model validation just as it does on the real API.

    Returns ``(value, errors)``; ``errors`` holds a ``json_invalid`` item when
    the JSON does not parse. Raises :class:`BodyParseError` for bytes that are
    not text at all.
    """
    if not raw:
        return None, []
    is_json = not content_type
    if content_type:
        message = email.message.Message()
        message["content-type"] = content_type
        subtype = message.get_content_subtype()
        is_json = message.get_content_maintype() == "application" and (
            subtype == "json" or subtype.endswith("+json")
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BodyParseError("There was an error parsing the body") from exc
    if not is_json:
        return text, []
    try:
        return json.loads(text), []
    except json.JSONDecodeError as exc:
        ctx = {"error": exc.msg}
        return None, [error_item("json_invalid", ("body", exc.pos), "JSON decode error", {}, ctx)]
