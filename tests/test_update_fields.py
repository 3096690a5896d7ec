"""The update fields are written once, as ``UpdatePhoneNumberRequest``: every
other list of them (the keyword signature, the CLI options, the CSV columns,
the journal's state) must cover the same fields, and fails here if it drifts."""

from __future__ import annotations

import inspect

import click
import msgspec

from elevenphone import PhoneNumbers, PhoneNumberState, RequestOptions, UpdatePhoneNumberRequest
from elevenphone._models import LivekitStack
from elevenphone.cli._numbers import update
from elevenphone.cli._update_file import CSV_FIELDS

FIELDS = frozenset(field.name for field in msgspec.structs.fields(UpdatePhoneNumberRequest))
TRUNK_CONFIGS = frozenset({"inbound_trunk_config", "outbound_trunk_config"})
PER_CALL_OPTIONS = frozenset({"extra_headers", "extra_query", "extra_body", "timeout"})


def test_update_takes_each_field_as_a_keyword() -> None:
    parameters = inspect.signature(PhoneNumbers.update).parameters.values()
    keywords = {p.name for p in parameters if p.kind is inspect.Parameter.KEYWORD_ONLY}
    assert keywords == FIELDS
    # The per-call options come as **options, declared once (RequestOptions).
    (options,) = [p for p in parameters if p.kind is inspect.Parameter.VAR_KEYWORD]
    assert options.annotation == "Unpack[RequestOptions]"
    assert frozenset(RequestOptions.__annotations__) >= PER_CALL_OPTIONS


def test_the_update_command_has_an_option_per_field() -> None:
    names = {param.name for param in update.params}
    assert names == FIELDS | {"unassign", "phone_number_id", "as_json"}
    options = {param.name: param for param in update.params}
    assert all(isinstance(options[name], click.Option) for name in FIELDS)


def test_the_livekit_stack_choices_are_the_enum() -> None:
    option = next(param for param in update.params if param.name == "livekit_stack")
    assert isinstance(option.type, click.Choice)
    assert list(option.type.choices) == [stack.value for stack in LivekitStack]


def test_a_csv_column_for_every_field_but_the_trunk_configs() -> None:
    assert CSV_FIELDS == FIELDS - TRUNK_CONFIGS


def test_the_journal_records_update_fields_only() -> None:
    assert set(PhoneNumberState.__struct_fields__) <= FIELDS
