"""Two runs never share a journal: unique default names, and a lock on the file."""

from __future__ import annotations

import datetime
import types
from pathlib import Path

import pytest


def test_default_journal_names_differ_within_one_second(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from elevenphone.cli import _app

    class FrozenClock(datetime.datetime):
        @classmethod
        def now(cls, tz: datetime.tzinfo | None = None) -> FrozenClock:
            return cls(2025, 1, 2, 3, 4, 5)

    monkeypatch.setattr(_app, "datetime", types.SimpleNamespace(datetime=FrozenClock))
    names = {_app._journal_path(None, "reassign") for _ in range(20)}
    assert len(names) == 20
    assert all(str(name).startswith("elevenphone-reassign-20250102-030405-") for name in names)
    assert _app._journal_path("mine.jsonl", "reassign") == Path("mine.jsonl")
    capsys.readouterr()
