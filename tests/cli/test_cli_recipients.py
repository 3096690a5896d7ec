"""Reading ``batch submit --csv FILE``: the recipients of each row, and every
bad row refused with its line number (no subprocess: the reader is pure)."""

from __future__ import annotations

from pathlib import Path

import pytest

from elevenphone.cli._recipients import RecipientsFileError, read_recipients


def _read(tmp_path: Path, text: str, *, encoding: str = "utf-8") -> list[dict[str, object]]:
    path = tmp_path / "recipients.csv"
    path.write_bytes(text.encode(encoding))
    return [recipient.to_dict() for recipient in read_recipients(path)]


def test_each_row_is_a_recipient_and_other_columns_are_its_dynamic_variables(
    tmp_path: Path,
) -> None:
    text = (
        "phone_number,id,customer_name,amount\n"
        "+14155550101,cust-1,Ada,12.50\n"
        " +14155550102 ,,Grace,\n"
        "+14155550103,cust-3,,\n"
    )
    assert _read(tmp_path, text) == [
        {
            "phone_number": "+14155550101",
            "id": "cust-1",
            "conversation_initiation_client_data": {
                "dynamic_variables": {"customer_name": "Ada", "amount": "12.50"}
            },
        },
        {
            "phone_number": "+14155550102",
            "conversation_initiation_client_data": {
                "dynamic_variables": {"customer_name": "Grace"}
            },
        },
        {"phone_number": "+14155550103", "id": "cust-3"},
    ]


def test_a_quoted_cell_may_hold_commas_and_newlines_and_blank_lines_are_skipped(
    tmp_path: Path,
) -> None:
    text = '\ufeffphone_number,note\r\n\r\n"+14155550101","Hello, Ada\nsecond line"\r\n,\r\n'
    assert _read(tmp_path, text) == [
        {
            "phone_number": "+14155550101",
            "conversation_initiation_client_data": {
                "dynamic_variables": {"note": "Hello, Ada\nsecond line"}
            },
        }
    ]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("phone_number,name\n+1555,Ada\n,Grace\n", 3, "no phone_number"),
        ("phone_number\n+1555\n+1666\n+1555\n", 4, "on line 2 already"),
        ("phone_number,name\n+1555,Ada\n+1666\n", 3, "1 cell, but the header (line 1) has 2"),
        ("phone_number,name\n+1555,Ada,extra\n", 2, "3 cells"),
        ('phone_number,name\n+1555,Ada\n+1666,"Grace\n', 3, "not a CSV line"),
        ('phone_number,name\n+1555,"A"da\n', 2, "not a CSV line"),
        ("name,number\nAda,+1555\n", 1, "no phone_number column"),
        ("phone_number,name,name\n+1555,a,b\n", 1, "names name twice"),
        ("phone_number,,x\n+1555,a,b\n", 1, "column 2 of the header has no name"),
        # A record that spans lines is named by the line it starts on.
        ('phone_number,note\n+1555,"a\nb"\n+1555,c\n', 4, "on line 2 already"),
    ],
    ids=[
        "no-number",
        "repeated",
        "short-row",
        "long-row",
        "unclosed-quote",
        "bad-quote",
        "no-number-column",
        "repeated-column",
        "nameless-column",
        "line-of-a-multiline-record",
    ],
)
def test_a_bad_row_is_refused_with_its_line_number(
    tmp_path: Path, text: str, line: int, words: str
) -> None:
    with pytest.raises(RecipientsFileError) as caught:
        _read(tmp_path, text)
    assert caught.value.line == line
    assert f"recipients.csv:{line}: " in str(caught.value)
    assert words in str(caught.value)


@pytest.mark.parametrize(
    ("text", "words"),
    [("", "empty"), ("\n\n", "empty"), ("phone_number,name\n", "no recipients")],
)
def test_a_file_without_recipients_is_refused(tmp_path: Path, text: str, words: str) -> None:
    with pytest.raises(RecipientsFileError, match=words):
        _read(tmp_path, text)


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RecipientsFileError, match="not UTF-8"):
        _read(tmp_path, "phone_number,name\n+1555,Zoë\n", encoding="latin-1")
