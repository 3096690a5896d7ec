"""Request-body validation that answers the way FastAPI with pydantic v2 does.

Written independently of the SDK's models on purpose: a misreading of the API
shared by the SDK and the fake would otherwise pass every test.

Each validator takes ``(value, loc, errors)``, appends pydantic-style error
items (``type``, ``loc``, ``msg``, ``input`` and, where pydantic gives one,
``ctx``) to ``errors`` and returns the cleaned value. Every error is reported,
not just the first. Models return only the fields the body set (pydantic's
``exclude_unset``) with nested defaults filled in, because the API tells an
omitted field (unchanged) from ``null`` (cleared).
"""

from __future__ import annotations

import email.message
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

Loc = tuple[str | int, ...]
ErrorItem = dict[str, Any]
Validator = Callable[[Any, Loc, list[ErrorItem]], Any]

_MISSING: Any = object()
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
    quoted = [f"'{choice}'" for choice in choices]
    expected = quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"

    def validate(value: Any, loc: Loc, errors: list[ErrorItem]) -> Any:
        if not (isinstance(value, str) and value in choices):
            msg = f"Input should be {expected}"
            errors.append(error_item("enum", loc, msg, value, {"expected": expected}))
        return value

    return validate


def string_list(value: Any, loc: Loc, errors: list[ErrorItem]) -> Any:
    """Accept a list of strings, reporting each bad item at its index."""
    if not isinstance(value, list):
        errors.append(error_item("list_type", loc, "Input should be a valid list", value))
        return value
    for index, item in enumerate(value):
        string(item, (*loc, index), errors)
    return list(value)


def string_dict(value: Any, loc: Loc, errors: list[ErrorItem]) -> Any:
    """Accept an object whose values are strings, reporting each bad value at its key."""
    if not isinstance(value, dict):
        errors.append(error_item("dict_type", loc, "Input should be a valid dictionary", value))
        return value
    for key, item in value.items():
        string(item, (*loc, key), errors)
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


_MEDIA_ENCRYPTION = enum("disabled", "allowed", "required")
_TRANSPORT = enum("auto", "udp", "tcp", "tls")
_LIVEKIT_STACK = enum("standard", "static")

_CREDENTIALS = model({"username": Field(string), "password": Field(nullable(string), None)})

_INBOUND_TRUNK_CONFIG = model(
    {
        "allowed_addresses": Field(nullable(string_list), None),
        "allowed_numbers": Field(nullable(string_list), None),
        "media_encryption": Field(_MEDIA_ENCRYPTION, "allowed"),
        "credentials": Field(nullable(_CREDENTIALS), None),
        "remote_domains": Field(nullable(string_list), None),
        "attributes_to_headers": Field(string_dict, {}),
    }
)

_OUTBOUND_TRUNK_CONFIG = model(
    {
        "address": Field(string),
        "transport": Field(_TRANSPORT, "auto"),
        "media_encryption": Field(_MEDIA_ENCRYPTION, "allowed"),
        "headers": Field(string_dict, {}),
        "attributes_to_headers": Field(string_dict, {}),
        "credentials": Field(nullable(_CREDENTIALS), None),
    }
)

#: Fields of ``UpdatePhoneNumberRequest`` that only mean something on SIP trunk numbers.
SIP_ONLY_FIELDS = (
    "inbound_trunk_config",
    "outbound_trunk_config",
    "livekit_stack",
    "store_sip_messages",
)

_UPDATE_REQUEST = model(
    {
        "agent_id": Field(nullable(string), None),
        "label": Field(nullable(string), None),
        "inbound_trunk_config": Field(nullable(_INBOUND_TRUNK_CONFIG), None),
        "outbound_trunk_config": Field(nullable(_OUTBOUND_TRUNK_CONFIG), None),
        "livekit_stack": Field(nullable(_LIVEKIT_STACK), None),
        "store_sip_messages": Field(nullable(boolean), None),
        "environment": Field(nullable(string), None),
        "branch_id": Field(nullable(string), None),
    },
    fill_defaults=False,
)

_IMPORT_REQUEST = tagged_union(
    "provider",
    {
        "twilio": model(
            {
                "phone_number": Field(string),
                "label": Field(string),
                "sid": Field(string),
                "token": Field(string),
                "provider": Field(string, "twilio"),
            }
        ),
        "sip_trunk": model(
            {
                "phone_number": Field(string),
                "label": Field(string),
                "inbound_trunk_config": Field(nullable(_INBOUND_TRUNK_CONFIG), None),
                "outbound_trunk_config": Field(nullable(_OUTBOUND_TRUNK_CONFIG), None),
                "livekit_stack": Field(_LIVEKIT_STACK, "standard"),
                "provider": Field(string, "sip_trunk"),
            }
        ),
    },
)

PROVIDER_FILTER = enum("twilio", "sip_trunk", "exotel")


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


def _validate_body(validator: Validator, body: Any) -> tuple[dict[str, Any], list[ErrorItem]]:
    errors: list[ErrorItem] = []
    if body is None:
        return {}, [error_item("missing", ("body",), "Field required", None)]
    cleaned = validator(body, ("body",), errors)
    return (cleaned if not errors else {}), errors


def validate_update(body: Any) -> tuple[dict[str, Any], list[ErrorItem]]:
    """Validate a decoded ``UpdatePhoneNumberRequest`` body.

    Returns ``(fields, errors)``: ``fields`` holds only the keys the body set,
    cleaned (lax booleans converted, nested defaults filled); ``errors`` is
    empty when the body is valid. A missing body (``None``) is an error.
    """
    return _validate_body(_UPDATE_REQUEST, body)


def validate_import(body: Any) -> tuple[dict[str, Any], list[ErrorItem]]:
    """Validate a decoded import body (``twilio`` or ``sip_trunk``, tagged by ``provider``).

    Returns ``(fields, errors)`` like :func:`validate_update`, with defaults filled in.
    """
    return _validate_body(_IMPORT_REQUEST, body)
