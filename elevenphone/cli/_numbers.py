"""The commands on the account's phone numbers: ``get``, ``list``, ``update``,
``delete`` and ``sip-messages`` (``create`` is in :mod:`._create`)."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from typing import Any, TypeVar

import click
from msgspec import UNSET

from .._models import LivekitStack, PhoneNumber, PhoneNumberSortBy, UpdatePhoneNumberRequest
from ._errors import EXIT_OK, CommandError
from ._output import (
    human_line,
    number_fields,
    numbers_rows,
    print_json,
    say,
    show,
    sip_messages_rows,
)
from ._params import ID, PROVIDER, choice_of, json_file_option
from ._secrets import register_secrets
from ._settings import Settings, run_async
from ._update_file import CSV_FIELDS

T = TypeVar("T")


@click.command()
@click.argument("phone_number_id", type=ID)
@click.option("--json", "as_json", is_flag=True, help="Print the number as JSON.")
@click.pass_obj
def get(settings: Settings, phone_number_id: str, as_json: bool) -> int:
    """Show one phone number."""

    number = settings.run(lambda client: client.phone_numbers.get(phone_number_id))
    if as_json:
        print_json(number)
    else:
        show(number_fields(number))
    return EXIT_OK


def page_size_for(page_size: int | None, limit: int | None) -> int | None:
    """The page size asked, else one fit for ``limit``: ``--limit 5`` needs one
    page of 5, not the API's default page."""
    return page_size or (min(limit, _PAGE_SIZE_CAP) if limit else None)


async def first_items(items: AsyncIterator[T], limit: int | None) -> list[T]:
    """The first ``limit`` items (all when None); an iterator left early is closed,
    so no page fetch outlives the client."""
    taken: list[T] = []
    try:
        async for item in items:
            taken.append(item)
            if limit is not None and len(taken) >= limit:
                break
    finally:
        close = getattr(items, "aclose", None)
        if close is not None:
            await close()
    return taken


_SORTS = [field.value for field in PhoneNumberSortBy]
# The largest page --limit asks for: the API states no bound (digest 7.3); the fake allows 100.
_PAGE_SIZE_CAP = 100


@click.command("list")
@click.option("--provider", type=PROVIDER, help="Only numbers of this provider.")
@click.option("--agent-id", type=ID, metavar="AGENT", help="Only numbers assigned to this agent.")
@click.option("--branch-id", type=ID, metavar="BRANCH", help="Only numbers on this agent branch.")
@click.option("--search", metavar="TEXT", help="An exact id, or part of a label or phone number.")
@click.option("--label", metavar="TEXT", help="Only numbers whose label holds TEXT.")
@click.option("--phone-number", type=ID, metavar="NUMBER", help="Only this phone number.")
@click.option(
    "--supports-outbound/--no-supports-outbound",
    default=None,
    help="Only numbers that can (or cannot) place calls.",
)
@click.option(
    "--sort",
    type=click.Choice([*_SORTS, *(f"-{field}" for field in _SORTS)]),
    help="Sort by this field; a leading - sorts descending.",
)
@click.option("--desc", is_flag=True, help="Sort descending.")
@click.option("--limit", type=click.IntRange(min=1), metavar="N", help="Stop after N numbers.")
@click.option("--page-size", type=click.IntRange(min=1), metavar="N", help="Numbers per page.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.pass_obj
def list_numbers(
    settings: Settings,
    /,
    provider: str | None,
    agent_id: str | None,
    branch_id: str | None,
    sort: str | None,
    desc: bool,
    limit: int | None,
    page_size: int | None,
    as_json: bool,
    **filters: Any,
) -> int:
    """List the account's phone numbers.

    Plain, it reads them in one request (v1). With --search, --label,
    --phone-number, --supports-outbound, --sort, --desc, --limit or
    --page-size, it pages through them (v2).
    """
    paged = sort is not None or desc or limit is not None or page_size is not None
    paged = paged or any(value is not None for value in filters.values())
    if sort is not None and sort.startswith("-") and desc:
        raise click.UsageError(f"--sort {sort} sorts descending already; drop --desc")
    common: dict[str, Any] = {"provider": provider, "agent_id": agent_id, "branch_id": branch_id}

    async def go() -> list[PhoneNumber]:
        async with settings.client() as client:
            if not paged:
                return await client.phone_numbers.list(**common)
            numbers = client.phone_numbers.iter(
                **common,
                **filters,
                sort_by=None if sort is None else sort.lstrip("-"),
                sort_direction="desc" if desc or (sort or "").startswith("-") else None,
                page_size=page_size_for(page_size, limit),
            )
            return await first_items(numbers, limit)

    numbers = run_async(go)
    if as_json:
        print_json(numbers)
    else:
        show(numbers_rows(numbers, title=f"{len(numbers)} phone numbers"))
    return EXIT_OK


# The parameters of the field options are the fields of UpdatePhoneNumberRequest,
# so the body is built by name; tests/test_update_fields.py checks they match.
@click.command()
@click.argument("phone_number_id", type=ID)
@click.option(
    "--agent-id", "agent_id", type=ID, metavar="AGENT", help="Assign the number to this agent."
)
@click.option("--unassign", is_flag=True, help="Remove the number's agent.")
@click.option("--label", "label", help="A new label.")
@click.option(
    "--branch-id", "branch_id", type=ID, metavar="BRANCH", help="The agent branch to use."
)
@click.option("--environment", "environment", metavar="ENV", help="The environment to use.")
@click.option(
    "--livekit-stack",
    "livekit_stack",
    type=choice_of(LivekitStack),
    help="SIP trunk numbers only.",
)
@click.option(
    "--store-sip-messages/--no-store-sip-messages",
    "store_sip_messages",
    default=None,
    help="Whether to store SIP messages (SIP trunk numbers only).",
)
@json_file_option(
    "--inbound-config",
    "inbound_trunk_config",
    help="Inbound SIP trunk config as JSON (null clears it).",
)
@json_file_option(
    "--outbound-config",
    "outbound_trunk_config",
    help="Outbound SIP trunk config as JSON (null clears it).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the updated number as JSON.")
@click.pass_obj
def update(
    settings: Settings, /, phone_number_id: str, unassign: bool, as_json: bool, **options: Any
) -> int:
    """Update one phone number; only the options given are changed."""
    # Not given: None for a plain option, UNSET for a file (whose JSON may be null).
    fields = {
        name: value
        for name, value in options.items()
        if value is not (None if name in CSV_FIELDS else UNSET)
    }
    register_secrets(fields, UpdatePhoneNumberRequest)
    if unassign:
        if "agent_id" in fields:
            raise click.UsageError("--agent-id and --unassign exclude each other")
        fields["agent_id"] = None
    if not fields:
        raise click.UsageError("nothing to update: give at least one option to change")

    number = settings.run(lambda client: client.phone_numbers.update(phone_number_id, **fields))
    if as_json:
        print_json(number)
    else:
        show(number_fields(number))
    return EXIT_OK


@click.command()
@click.argument("phone_number_id", type=ID)
@click.option("--yes", "-y", is_flag=True, help="Delete without asking.")
@click.option("--json", "as_json", is_flag=True, help="Print what was deleted as JSON.")
@click.pass_obj
def delete(settings: Settings, phone_number_id: str, yes: bool, as_json: bool) -> int:
    """Delete one phone number (asks first, unless --yes)."""
    if not yes:
        if not sys.stdin.isatty():
            raise click.UsageError("not on a terminal, so it cannot ask: pass --yes to delete")
        question = f"Delete the phone number {human_line(phone_number_id)}? This cannot be undone"
        if not click.confirm(question, default=False, err=True):
            raise CommandError(f"not confirmed: {phone_number_id} was not deleted")

    settings.run(lambda client: client.phone_numbers.delete(phone_number_id))
    if as_json:
        print_json({"phone_number_id": phone_number_id, "deleted": True})
    else:
        say(f"deleted {phone_number_id}")
    return EXIT_OK


@click.command("sip-messages")
@click.argument("phone_number_id", type=ID)
@click.option("--limit", type=click.IntRange(min=1), metavar="N", help="Stop after N messages.")
@click.option("--page-size", type=click.IntRange(min=1), metavar="N", help="Messages per page.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of every field.")
@click.pass_obj
def sip_messages(
    settings: Settings,
    phone_number_id: str,
    limit: int | None,
    page_size: int | None,
    as_json: bool,
) -> int:
    """Show the SIP messages the API logged for a phone number, newest first."""

    async def go() -> list[Any]:
        async with settings.client() as client:
            messages = client.phone_numbers.iter_sip_messages(
                phone_number_id,
                page_size=page_size_for(page_size, limit),
            )
            return await first_items(messages, limit)

    messages = run_async(go)
    if as_json:
        print_json(messages)
    else:
        title = f"{len(messages)} SIP messages of {phone_number_id}"
        show(sip_messages_rows(messages, title=title))
    return EXIT_OK
