"""``elevenphone call``: place an outbound call from an imported number,
through the number's provider.

A call is never sent twice: when its reply is lost the error says the call
may have been placed, and the command exits 7 so a script does not retry it.
"""

from __future__ import annotations

import json
from typing import Any

import click
from msgspec import UNSET

from .._exceptions import ElevenPhoneError, InvalidRequestError
from .._models import (
    CallResult,
    ExotelOutboundCallResponse,
    SIPTrunkOutboundCallResponse,
    TwilioOutboundCallResponse,
)
from ._errors import EXIT_OK, EXIT_OUTCOME_UNKNOWN, CommandError, describe
from ._output import call_fields, call_json, print_json, show
from ._params import ID, PROVIDER, json_file_option
from ._settings import Settings, run_async

_PROVIDER_OF: dict[type[Any], str] = {
    TwilioOutboundCallResponse: "twilio",
    SIPTrunkOutboundCallResponse: "sip_trunk",
    ExotelOutboundCallResponse: "exotel",
}


def _not_a_number(text: str) -> Any:
    raise ValueError(text)


def _dynamic_variables(
    ctx: click.Context, param: click.Parameter, items: tuple[str, ...]
) -> dict[str, Any]:
    """``KEY=VALUE`` items as a dict; a VALUE that is JSON (``12``, ``true``,
    ``"007"``) is that value, any other is the text."""
    variables: dict[str, Any] = {}
    for item in items:
        key, equals, text = item.partition("=")
        if not equals or not key.strip():
            raise click.BadParameter(f"{item!r} is not KEY=VALUE", ctx=ctx, param=param)
        if key in variables:
            raise click.BadParameter(f"{key} is given twice", ctx=ctx, param=param)
        try:
            # NaN and Infinity are JSON to Python only: keep them as text.
            variables[key] = json.loads(text, parse_constant=_not_a_number)
        except ValueError:
            variables[key] = text
    return variables


@click.command()
# Not required, for --from may give it; the usage line shows it as get's and update's.
@click.argument("phone_number_id", type=ID, required=False, metavar="PHONE_NUMBER_ID")
@click.option("--agent-id", required=True, type=ID, metavar="AGENT", help="The agent that talks.")
@click.option(
    "--from",
    "from_option",
    type=ID,
    metavar="PHONE_NUMBER_ID",
    help="Another way to give PHONE_NUMBER_ID, the number to call from.",
)
@click.option(
    "--to", "to_number", required=True, type=ID, metavar="NUMBER", help="The number to call."
)
@click.option(
    "--provider",
    type=PROVIDER,
    help="The provider of the number to call from (default: looked up, one GET).",
)
@click.option(
    "--dynamic-variable",
    "dynamic_variables",
    multiple=True,
    metavar="KEY=VALUE",
    callback=_dynamic_variables,
    help="A dynamic variable of the agent (repeatable); VALUE is JSON if it parses.",
)
@json_file_option(
    "--client-data",
    help="What the conversation starts with, as JSON (ConversationInitiationClientData).",
)
@click.option(
    "--ringing-timeout",
    type=click.IntRange(min=1),
    metavar="SECONDS",
    help="How long to ring before giving up.",
)
@click.option("--record", is_flag=True, help="Let Twilio record the call (Twilio numbers only).")
@click.option("--json", "as_json", is_flag=True, help="Print the call as JSON.")
@click.pass_obj
def call(
    settings: Settings,
    phone_number_id: str | None,
    agent_id: str,
    from_option: str | None,
    to_number: str,
    provider: str | None,
    dynamic_variables: dict[str, Any],
    client_data: Any,
    ringing_timeout: int | None,
    record: bool,
    as_json: bool,
) -> int:
    """Place an outbound call from the imported number PHONE_NUMBER_ID, through its provider.

    The call is sent once. If its reply is lost, the call may have been
    placed: the command exits 7 and must not be run again blindly.
    """
    from_number_id = _from_number(phone_number_id, from_option)
    data = _client_data(client_data, dynamic_variables)

    async def go() -> CallResult:
        async with settings.client() as client:
            return await client.calls.outbound(
                agent_id=agent_id,
                agent_phone_number_id=from_number_id,
                to_number=to_number,
                provider=provider,
                conversation_initiation_client_data=data or UNSET,
                telephony_call_config=(
                    UNSET if ringing_timeout is None else {"ringing_timeout_secs": ringing_timeout}
                ),
                call_recording_enabled=True if record else UNSET,
            )

    try:
        result = run_async(go)
    except InvalidRequestError as error:
        if error.field != "call_recording_enabled":
            raise
        # Found out after the lookup: say it by the option's name.
        raise click.UsageError(f"--record: {error.message}") from None
    except ElevenPhoneError as error:
        if not error.outcome_unknown:
            raise
        raise CommandError(
            f"the call to {to_number} may have been placed: {describe(error)}. Do not run"
            " this command again blindly; check the phone or the agent's conversations first",
            exit_code=EXIT_OUTCOME_UNKNOWN,
        ) from error
    used = _PROVIDER_OF.get(type(result), provider or "?")
    if as_json:
        print_json(call_json(result, provider=used))
    else:
        show(call_fields(result, provider=used))
    if not result.success:
        raise CommandError(f"the API did not place the call: {result.message}")
    return EXIT_OK


def _from_number(argument: str | None, option: str | None) -> str:
    """The number to call from: the argument (as ``get``, ``update`` and
    ``delete`` take their number), or ``--from``, another name for it."""
    if argument is not None and option is not None and argument != option:
        raise click.UsageError(
            f"PHONE_NUMBER_ID {argument} and --from {option} name two numbers; give one of them"
        )
    number = argument if argument is not None else option
    if number is None:
        raise click.UsageError(
            "missing PHONE_NUMBER_ID, the number to call from (or --from PHONE_NUMBER_ID)"
        )
    return number


def _client_data(given: Any, variables: dict[str, Any]) -> dict[str, Any]:
    """The ``--client-data`` object with the ``--dynamic-variable`` items merged
    into its ``dynamic_variables`` (an item wins over the file)."""
    if given is UNSET:
        data: dict[str, Any] = {}
    elif isinstance(given, dict):
        data = dict(given)
    else:
        raise click.BadParameter("the file must hold a JSON object", param_hint="--client-data")
    if variables:
        from_file = data.get("dynamic_variables") or {}
        if not isinstance(from_file, dict):
            raise click.BadParameter(
                "dynamic_variables must be a JSON object", param_hint="--client-data"
            )
        data["dynamic_variables"] = {**from_file, **variables}
    return data
