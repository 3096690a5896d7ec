"""Public classes name the package users import them from as their module:
``elevenphone.ConflictError`` in a traceback, not ``elevenphone._exceptions``.
They still pickle, copy, show their signatures and resolve their annotations."""

from __future__ import annotations

import copy
import inspect
import pickle
import subprocess
import sys
import traceback
import typing
from typing import Any

import msgspec
import pytest

import elevenphone
import elevenphone.testing
from elevenphone import (
    APIConnectionError,
    APITimeoutError,
    BulkOutcome,
    BulkProgress,
    ConflictError,
    InvalidRequestError,
    MediaCodec,
    OutboundSIPTrunkConfig,
    RetryPolicy,
    SIPTrunkCredentials,
    UpdatePhoneNumberRequest,
)
from elevenphone._wire import decode_phone_number
from elevenphone.testing import Fault
from tests.conftest import sip_trunk_number, twilio_number


def _classes(package: Any) -> list[Any]:
    values = [getattr(package, name) for name in package.__all__]  # loads the lazy ones
    return [pytest.param(v, id=v.__name__) for v in values if isinstance(v, type)]


@pytest.mark.parametrize("cls", _classes(elevenphone))
def test_every_public_class_names_elevenphone(cls: type) -> None:
    if cls is elevenphone.NotGiven:
        assert cls.__module__ == "msgspec"  # msgspec's own class, left alone
        return
    assert cls.__module__ == "elevenphone"
    # Where pickle and a reader look for it.
    assert getattr(elevenphone, cls.__qualname__) is cls


@pytest.mark.parametrize("cls", _classes(elevenphone.testing))
def test_every_class_of_the_fake_names_elevenphone_testing(cls: type) -> None:
    assert cls.__module__ == "elevenphone.testing"
    assert getattr(elevenphone.testing, cls.__qualname__) is cls


def test_a_traceback_names_the_public_class() -> None:
    error = ConflictError(
        "Phone number already exists", status_code=409, headers={}, body={}, code="conflict"
    )
    shown = "".join(traceback.format_exception_only(type(error), error))
    assert shown.startswith("elevenphone.ConflictError: 409 Conflict")
    assert "_exceptions" not in shown


def test_classes_loaded_without_the_public_name_name_it_too() -> None:
    # A bulk run loads elevenphone.bulk itself; the fake loads its own modules.
    code = (
        "import elevenphone.bulk.result as result\n"
        "print(result.BulkResult.__module__)\n"
        "import elevenphone.testing._faults as faults\n"
        "from elevenphone.testing import FakeElevenLabs\n"
        "print(faults.StatusFault.__module__)\n"
    )
    shown = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert shown.split() == ["elevenphone", "elevenphone.testing"]


@pytest.mark.parametrize("cls", _classes(elevenphone) + _classes(elevenphone.testing))
def test_annotations_and_signatures_still_read(cls: type) -> None:
    # They are looked up in cls.__module__: resolved before it changed.
    assert all(not isinstance(value, str) for value in inspect.get_annotations(cls).values())
    typing.get_type_hints(cls, include_extras=True)
    if not typing.is_typeddict(cls):  # a TypedDict is called as dict is
        inspect.signature(cls)


SAMPLES: list[Any] = [
    UpdatePhoneNumberRequest(
        agent_id="agent_x",
        label=None,
        outbound_trunk_config=OutboundSIPTrunkConfig(
            address="sip.example.com",
            credentials=SIPTrunkCredentials(username="u", password="p"),
            enabled_codecs=[MediaCodec.PCMA_8000],
        ),
    ),
    decode_phone_number(msgspec.json.encode(twilio_number())),
    decode_phone_number(msgspec.json.encode(sip_trunk_number())),
    RetryPolicy(max_delay=4),
    BulkOutcome("phnum_a", "skipped"),
    BulkProgress(1, 1, 1, 0, 0, 1, 0, 0, 0, 4, 0.5),
    Fault.after_acting(Fault.server_error(503)),
]
ERRORS: list[Exception] = [
    InvalidRequestError("agent_id must be a str", field="agent_id"),
    APIConnectionError("reset", request_sent=False),
    APITimeoutError("no reply within 5 s"),
]


@pytest.mark.parametrize("value", SAMPLES, ids=lambda v: type(v).__name__)
def test_values_pickle_and_copy(value: Any) -> None:
    again = pickle.loads(pickle.dumps(value))
    assert type(again) is type(value)
    assert again == value
    assert copy.deepcopy(value) == value
    assert copy.copy(value) == value


@pytest.mark.parametrize("error", ERRORS, ids=lambda e: type(e).__name__)
def test_errors_pickle_and_copy(error: Exception) -> None:
    for again in (pickle.loads(pickle.dumps(error)), copy.copy(error), copy.deepcopy(error)):
        assert type(again) is type(error)
        assert str(again) == str(error)
        assert vars(again) == vars(error)
