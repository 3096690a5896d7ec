"""Reading the recipients of ``elevenphone batch submit --csv FILE``.

A header row names the columns: ``phone_number`` (required), ``id``
(optional: your own id of the recipient, reported back with its result), and
any other column, each a dynamic variable of the agent, by the column's name.

A cell is text, as the spreadsheet shows it (``12.50`` stays ``"12.50"``);
an empty cell leaves that variable out for that recipient. The phone number
and the id are taken without the spaces around them.

The whole file is checked before anything is sent: a line that does not
parse, a row with more or fewer cells than the header, a row without a phone
number, or a phone number given twice is refused with its line number.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from msgspec import UNSET

from .._models import ConversationInitiationClientData
from .._models.batch_calls import BatchCallRecipient

PHONE_NUMBER = "phone_number"
RECIPIENT_ID = "id"
_OWN = frozenset({PHONE_NUMBER, RECIPIENT_ID})


class RecipientsFileError(ValueError):
    """The recipients file cannot be sent as it is; the message says where."""

    def __init__(self, path: Path, line: int | None, problem: str) -> None:
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {problem}")
        self.line = line


def read_recipients(path: Path) -> list[BatchCallRecipient]:
    """Every recipient of the CSV file at ``path``, in order.

    Raises:
        RecipientsFileError: the file is not UTF-8, has no header, no
            ``phone_number`` column, a repeated column, a line that does not
            parse, a row of the wrong width, a row without a phone number, a
            phone number given twice, or no recipient at all (the message
            names the line).
        OSError: the file cannot be read.
    """
    try:
        # utf-8-sig: a spreadsheet's byte order mark is not part of the first column's name.
        with path.open(encoding="utf-8-sig", newline="") as file:
            return _recipients(path, csv.reader(file, strict=True))
    except UnicodeDecodeError as error:
        raise RecipientsFileError(path, None, f"not UTF-8 text ({error.reason})") from None


def _recipients(path: Path, reader: Any) -> list[BatchCallRecipient]:
    header: list[str] | None = None
    header_line = 0
    recipients: list[BatchCallRecipient] = []
    seen: dict[str, int] = {}
    while True:
        # A record may span lines (a quoted cell holding a newline): it is
        # named by the line it starts on.
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            raise RecipientsFileError(path, line, f"not a CSV line ({error})") from None
        if not any(cell.strip() for cell in row):
            continue  # a blank line
        if header is None:
            header, header_line = _header(path, line, row), line
            continue
        if len(row) != len(header):
            raise RecipientsFileError(
                path,
                line,
                f"{_cells(len(row))}, but the header (line {header_line}) has {len(header)}",
            )
        cells = dict(zip(header, row, strict=True))
        number = cells[PHONE_NUMBER].strip()
        if not number:
            raise RecipientsFileError(path, line, f"no {PHONE_NUMBER}")
        if number in seen:
            raise RecipientsFileError(
                path,
                line,
                f"{number} is on line {seen[number]} already; each number is called once",
            )
        seen[number] = line
        recipients.append(_recipient(number, cells))
    if header is None:
        raise RecipientsFileError(path, None, f"empty: it needs a header row with {PHONE_NUMBER}")
    if not recipients:
        raise RecipientsFileError(path, None, "no recipients: the header is the only row")
    return recipients


def _header(path: Path, line: int, row: list[str]) -> list[str]:
    names = [name.strip() for name in row]
    if PHONE_NUMBER not in names:
        raise RecipientsFileError(
            path, line, f"the header has no {PHONE_NUMBER} column (it has: {', '.join(names)})"
        )
    for index, name in enumerate(names):
        if not name:
            raise RecipientsFileError(path, line, f"column {index + 1} of the header has no name")
        if name in names[:index]:
            raise RecipientsFileError(path, line, f"the header names {name} twice")
    return names


def _recipient(number: str, cells: dict[str, str]) -> BatchCallRecipient:
    own_id = cells.get(RECIPIENT_ID, "").strip()
    variables = {name: value for name, value in cells.items() if name not in _OWN and value != ""}
    return BatchCallRecipient(
        phone_number=number,
        id=own_id or UNSET,
        conversation_initiation_client_data=(
            ConversationInitiationClientData(dynamic_variables=variables) if variables else UNSET
        ),
    )


def _cells(count: int) -> str:
    return "1 cell" if count == 1 else f"{count} cells"
