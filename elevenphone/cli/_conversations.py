"""``elevenphone conversations``: what became of each call (``get``,
``list``, ``wait``)."""

from __future__ import annotations

import click

from .._exceptions import PollTimeoutError
from .._models.conversations import (
    Conversation,
    ConversationSummary,
)
from ._errors import EXIT_OK, EXIT_TIMEOUT, CommandError
from ._lifecycle_output import (
    conversation_fields,
    conversation_json,
    conversations_rows,
    transcript_rows,
)
from ._numbers import first_items, page_size_for
from ._output import print_json, show
from ._params import ID, SECONDS, WAIT_SECONDS
from ._settings import Settings, note, run_async

DEFAULT_INTERVAL = 2.0
"""Seconds between reads of ``conversations wait`` (``conversations.poll``'s)."""


@click.group()
def conversations() -> None:
    """Conversations: what became of each call (answered, voicemail, busy, ...)."""


def _show(conversation: Conversation, *, as_json: bool) -> None:
    if as_json:
        print_json(conversation_json(conversation))
        return
    show(conversation_fields(conversation))
    if conversation.transcript:
        show(transcript_rows(conversation))


@conversations.command()
@click.argument("conversation_id", type=ID, metavar="CONVERSATION_ID")
@click.option("--json", "as_json", is_flag=True, help="Print the conversation as JSON.")
@click.pass_obj
def get(settings: Settings, conversation_id: str, as_json: bool) -> int:
    """Show one conversation: its status, the call's result, the analysis and the transcript."""

    _show(settings.run(lambda client: client.conversations.get(conversation_id)), as_json=as_json)
    return EXIT_OK


@conversations.command("list")
@click.option(
    "--agent", "--agent-id", "agent_id", type=ID, metavar="AGENT", help="Only this agent's."
)
@click.option(
    "--number",
    "numbers",
    type=ID,
    multiple=True,
    metavar="PHONE_NUMBER_ID",
    help="Only the calls of this phone number (repeat for several).",
)
@click.option(
    "--limit", type=click.IntRange(min=1), metavar="N", help="Stop after N conversations."
)
@click.option(
    "--page-size", type=click.IntRange(min=1), metavar="N", help="Conversations per page."
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.pass_obj
def list_conversations(
    settings: Settings,
    agent_id: str | None,
    numbers: tuple[str, ...],
    limit: int | None,
    page_size: int | None,
    as_json: bool,
) -> int:
    """List the workspace's conversations, newest first, page after page."""

    async def go() -> list[ConversationSummary]:
        async with settings.client() as client:
            found = client.conversations.iter(
                agent_id=agent_id,
                phone_number_ids=list(numbers) or None,
                page_size=page_size_for(page_size, limit),
            )
            return await first_items(found, limit)

    listed = run_async(go)
    if as_json:
        print_json(listed)
    else:
        show(conversations_rows(listed, title=f"{len(listed)} conversations"))
    return EXIT_OK


@conversations.command()
@click.argument("conversation_id", type=ID, metavar="CONVERSATION_ID")
@click.option(
    "--timeout",
    type=WAIT_SECONDS,
    metavar="SECONDS",
    help="Give up after SECONDS (exit 8); 0 looks once. Default: no limit.",
)
@click.option(
    "--interval",
    type=SECONDS,
    default=DEFAULT_INTERVAL,
    show_default=True,
    metavar="SECONDS",
    help="Seconds between reads.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the conversation as JSON.")
@click.pass_obj
def wait(
    settings: Settings,
    conversation_id: str,
    timeout: float | None,
    interval: float,
    as_json: bool,
) -> int:
    """Wait until a conversation is over (done or failed), then show it and its call's result."""

    note(f"waiting for conversation {conversation_id} to end")
    try:
        conversation = settings.run(
            lambda client: client.conversations.poll(
                conversation_id, interval=interval, timeout=timeout
            )
        )
    except PollTimeoutError as error:
        raise CommandError(
            f"{error}; it is still going: run 'elevenphone conversations wait"
            f" {conversation_id}' again to wait more",
            exit_code=EXIT_TIMEOUT,
        ) from error
    _show(conversation, as_json=as_json)
    return EXIT_OK
