"""Every id in a path is one percent-encoded segment, refused by its own name."""

from __future__ import annotations

import pytest

from elevenphone import InvalidRequestError
from elevenphone._wire import (
    agent_branch_path,
    agent_path,
    batch_call_path,
    conversation_path,
    id_segment,
    phone_number_path,
)


@pytest.mark.parametrize(
    ("value", "segment"),
    [
        ("agent_3701k3ttaq12ewp8b7qv5rfyszkz", "agent_3701k3ttaq12ewp8b7qv5rfyszkz"),
        ("..", "%2E%2E"),
        ("a/b", "a%2Fb"),
        ("x?y#z", "x%3Fy%23z"),
        ("ü v", "%C3%BC%20v"),
        ("a.b", "a%2Eb"),
    ],
)
def test_an_id_is_one_segment(value: str, segment: str) -> None:
    assert id_segment(value, "some_id") == segment


@pytest.mark.parametrize("bad", ["", "  ", 5, None, b"id", "\ud800"])
def test_a_bad_id_is_refused_naming_its_field(bad: object) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        id_segment(bad, "some_id")
    assert caught.value.field == "some_id"


def test_each_path_names_its_own_field() -> None:
    assert agent_path("a/1") == "/v1/convai/agents/a%2F1"
    assert agent_branch_path("a", "b.1") == "/v1/convai/agents/a/branches/b%2E1"
    assert conversation_path("c 1") == "/v1/convai/conversations/c%201"
    assert batch_call_path("..") == "/v1/convai/batch-calling/%2E%2E"
    assert phone_number_path("p?") == "/v1/convai/phone-numbers/p%3F"
    for path, field in (
        (lambda: agent_path(""), "agent_id"),
        (lambda: agent_branch_path("a", " "), "branch_id"),
        (lambda: conversation_path(1), "conversation_id"),
        (lambda: batch_call_path(None), "batch_id"),
        (lambda: phone_number_path(""), "phone_number_id"),
    ):
        with pytest.raises(InvalidRequestError) as caught:
            path()
        assert caught.value.field == field
