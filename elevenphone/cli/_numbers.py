"""The commands on single phone numbers: ``get``, ``list`` and ``update``."""

from __future__ import annotations

from typing import Any

import click
from msgspec import UNSET

from .._models import LivekitStack
from ._errors import EXIT_OK
from ._output import number_table, numbers_table, print_json, stdout_console
from ._params import json_file_option
from ._settings import Settings, run_async
from ._update_file import CSV_FIELDS


@click.command()
@click.argument("phone_number_id")
@click.option("--json", "as_json", is_flag=True, help="Print the number as JSON.")
@click.pass_obj
def get(settings: Settings, phone_number_id: str, as_json: bool) -> int:
    """Show one phone number."""

    async def go() -> Any:
        async with settings.client() as client:
            return await client.phone_numbers.get(phone_number_id)

    number = run_async(go)
    if as_json:
        print_json(number)
    else:
        stdout_console().print(number_table(number))
    return EXIT_OK


@click.command("list")
@click.option("--provider", help="Only numbers of this provider (twilio, sip_trunk, exotel).")
@click.option("--agent-id", metavar="AGENT", help="Only numbers assigned to this agent.")
@click.option("--branch-id", metavar="BRANCH", help="Only numbers on this agent branch.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.pass_obj
def list_numbers(
    settings: Settings,
    provider: str | None,
    agent_id: str | None,
    branch_id: str | None,
    as_json: bool,
) -> int:
    """List the account's phone numbers."""

    async def go() -> Any:
        async with settings.client() as client:
            return await client.phone_numbers.list(
                provider=provider, agent_id=agent_id, branch_id=branch_id
            )

    numbers = run_async(go)
    if as_json:
        print_json(numbers)
    else:
        stdout_console().print(numbers_table(numbers, title=f"{len(numbers)} phone numbers"))
    return EXIT_OK


# The parameters of the field options are the fields of UpdatePhoneNumberRequest,
# so the body is built by name; tests/test_update_fields.py checks they match.
@click.command()
@click.argument("phone_number_id")
@click.option("--agent-id", "agent_id", metavar="AGENT", help="Assign the number to this agent.")
@click.option("--unassign", is_flag=True, help="Remove the number's agent.")
@click.option("--label", "label", help="A new label.")
@click.option("--branch-id", "branch_id", metavar="BRANCH", help="The agent branch to use.")
@click.option("--environment", "environment", metavar="ENV", help="The environment to use.")
@click.option(
    "--livekit-stack",
    "livekit_stack",
    type=click.Choice([stack.value for stack in LivekitStack]),
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
    if unassign:
        if "agent_id" in fields:
            raise click.UsageError("--agent-id and --unassign exclude each other")
        fields["agent_id"] = None
    if not fields:
        raise click.UsageError("nothing to update: give at least one option to change")

    async def go() -> Any:
        async with settings.client() as client:
            return await client.phone_numbers.update(phone_number_id, **fields)

    number = run_async(go)
    if as_json:
        print_json(number)
    else:
        stdout_console().print(number_table(number))
    return EXIT_OK
