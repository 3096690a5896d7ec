"""``elevenphone agents``: the workspace's agents (``get``, ``list``)."""

from __future__ import annotations

import click

from .._models.agents import (
    AgentSortBy,
    AgentSummary,
)
from ._errors import EXIT_OK
from ._lifecycle_output import agent_fields, agents_rows
from ._numbers import first_items, page_size_for
from ._output import print_json, show
from ._params import ID
from ._settings import Settings, run_async

_SORTS = [str(field.value) for field in AgentSortBy]


@click.group()
def agents() -> None:
    """The workspace's agents: the ones numbers and calls are put on."""


@agents.command()
@click.argument("agent_id", type=ID, metavar="AGENT_ID")
@click.option("--json", "as_json", is_flag=True, help="Print the agent as JSON.")
@click.pass_obj
def get(settings: Settings, agent_id: str, as_json: bool) -> int:
    """Show one agent: its name, whether it is archived, its numbers and call limits."""

    agent = settings.run(lambda client: client.agents.get(agent_id))
    if as_json:
        print_json(agent)
    else:
        show(agent_fields(agent))
    return EXIT_OK


@agents.command("list")
@click.option("--search", metavar="TEXT", help="Only agents whose name holds TEXT.")
@click.option(
    "--archived/--no-archived",
    default=None,
    help="Only archived agents (or only those not archived); default: both.",
)
@click.option(
    "--sort",
    type=click.Choice([*_SORTS, *(f"-{field}" for field in _SORTS)]),
    help="Sort by this field, ascending; a leading - sorts descending (default: newest first).",
)
@click.option("--limit", type=click.IntRange(min=1), metavar="N", help="Stop after N agents.")
@click.option("--page-size", type=click.IntRange(min=1), metavar="N", help="Agents per page.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.pass_obj
def list_agents(
    settings: Settings,
    search: str | None,
    archived: bool | None,
    sort: str | None,
    limit: int | None,
    page_size: int | None,
    as_json: bool,
) -> int:
    """List the workspace's agents, page after page."""

    async def go() -> list[AgentSummary]:
        async with settings.client() as client:
            found = client.agents.iter(
                search=search,
                archived=archived,
                sort_by=None if sort is None else sort.lstrip("-"),
                sort_direction=None if sort is None else ("desc" if sort[0] == "-" else "asc"),
                page_size=page_size_for(page_size, limit),
            )
            return await first_items(found, limit)

    listed = run_async(go)
    if as_json:
        print_json(listed)
    else:
        show(agents_rows(listed, title=f"{len(listed)} agents"))
    return EXIT_OK
