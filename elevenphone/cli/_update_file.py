"""Reading the updates of ``elevenphone bulk-update FILE``: CSV or JSON Lines.

CSV: a header row naming ``phone_number_id`` (or ``id``) and any field of
``UpdatePhoneNumberRequest`` that one cell can hold (every field but the trunk
configs: ``agent_id``, ``label``, ``livekit_stack``, ``store_sip_messages``,
``environment``, ``branch_id``); an empty cell leaves that field unchanged.

JSON Lines: one object per line with ``phone_number_id`` (or ``id``) and any
field of ``UpdatePhoneNumberRequest``, trunk configs included; ``null``
clears a field (``"agent_id": null`` unassigns the number).

The file is read twice: once to check every row (so a bad row stops the run
before anything is sent), then lazily while the run goes.
"""

from __future__ import annotations

import csv
import json
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec

from .._models import UpdatePhoneNumberRequest


def _cell_fields() -> tuple[frozenset[str], frozenset[str]]:
    """The update's fields a CSV cell can hold (not the nested trunk configs),
    and which of them are booleans: derived from the Struct, never listed."""
    cells, booleans = set(), set()
    for field in msgspec.structs.fields(UpdatePhoneNumberRequest):
        kinds = typing.get_args(field.type)
        if any(isinstance(kind, type) and issubclass(kind, msgspec.Struct) for kind in kinds):
            continue
        cells.add(field.name)
        if bool in kinds:
            booleans.add(field.name)
    return frozenset(cells), frozenset(booleans)


CSV_FIELDS, _BOOLEAN_FIELDS = _cell_fields()
_ID_KEYS = ("phone_number_id", "id")
_TRUE = frozenset({"true", "yes", "1"})
_FALSE = frozenset({"false", "no", "0"})


class UpdateFileError(ValueError):
    """A row of the update file is not a valid update; the message says where."""


def file_format(path: Path, given: str | None) -> str:
    """``csv`` or ``jsonl``: as given, else from the file's extension.

    Raises:
        UpdateFileError: the extension says neither.
    """
    if given:
        return given
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in {".jsonl", ".ndjson", ".json"}:
        return "jsonl"
    raise UpdateFileError(f"{path}: cannot tell the format from the name; pass --format")


def _request(fields: dict[str, Any], where: str) -> UpdatePhoneNumberRequest:
    if not fields:
        raise UpdateFileError(f"{where}: no field to update")
    try:
        return msgspec.convert(fields, UpdatePhoneNumberRequest)
    except msgspec.ValidationError as error:
        raise UpdateFileError(f"{where}: {error}") from None


def _split_id(fields: dict[str, Any], where: str) -> str:
    found = [key for key in _ID_KEYS if key in fields]
    if len(found) != 1:
        raise UpdateFileError(f"{where}: give exactly one of phone_number_id or id")
    pid = fields.pop(found[0])
    if not isinstance(pid, str) or not pid.strip():
        raise UpdateFileError(f"{where}: the phone number id must be a non-empty string")
    return pid


def _csv_rows(path: Path) -> Iterator[tuple[str, str, UpdatePhoneNumberRequest]]:
    with path.open(newline="", encoding="utf-8-sig") as file:
        reader = csv.DictReader(file)
        header = reader.fieldnames or []
        unknown = sorted(set(header) - CSV_FIELDS - set(_ID_KEYS))
        if unknown:
            raise UpdateFileError(
                f"{path}: unknown column {', '.join(unknown)}"
                f" (known: phone_number_id, {', '.join(sorted(CSV_FIELDS))})"
            )
        for row in reader:
            where = f"{path}:{reader.line_num}"
            fields: dict[str, Any] = {k: v for k, v in row.items() if k and v not in (None, "")}
            pid = _split_id(fields, where)
            for name in _BOOLEAN_FIELDS & fields.keys():
                cell = fields[name].lower()
                if cell not in _TRUE | _FALSE:
                    raise UpdateFileError(f"{where}: {name} must be true or false")
                fields[name] = cell in _TRUE
            yield where, pid, _request(fields, where)


def _jsonl_rows(path: Path) -> Iterator[tuple[str, str, UpdatePhoneNumberRequest]]:
    with path.open(encoding="utf-8") as file:
        for number, line in enumerate(file, start=1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                fields = json.loads(line)
            except ValueError as error:
                raise UpdateFileError(f"{where}: not JSON: {error}") from None
            if not isinstance(fields, dict):
                raise UpdateFileError(f"{where}: expected a JSON object")
            pid = _split_id(fields, where)
            yield where, pid, _request(fields, where)


def read_rows(path: Path, fmt: str) -> Iterator[tuple[str, str, UpdatePhoneNumberRequest]]:
    """Yield ``(where, phone_number_id, request)`` per row, lazily.

    Raises:
        UpdateFileError: a row is not a valid update.
        OSError, UnicodeDecodeError: the file cannot be read.
    """
    return _csv_rows(path) if fmt == "csv" else _jsonl_rows(path)


def check_rows(path: Path, fmt: str) -> int:
    """Check every row, and that no number appears twice; return how many rows.

    Raises:
        UpdateFileError: a bad row or a repeated id.
    """
    seen: dict[str, str] = {}
    for where, pid, _ in read_rows(path, fmt):
        if pid in seen:
            raise UpdateFileError(f"{where}: {pid} already appears at {seen[pid]}")
        seen[pid] = where
    return len(seen)


def read_updates(path: Path, fmt: str) -> Iterator[tuple[str, UpdatePhoneNumberRequest]]:
    """The file's ``(phone_number_id, request)`` pairs, lazily."""
    for _, pid, request in read_rows(path, fmt):
        yield pid, request
