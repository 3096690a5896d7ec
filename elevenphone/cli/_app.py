"""The ``elevenphone`` group, wired from the command modules, and its entry
point: the one place errors become exit statuses.

Each command group lives in its own module: :mod:`._numbers` and
:mod:`._create` (the account's numbers), :mod:`._calls` (outbound calls),
:mod:`._agents`, :mod:`._conversations` and :mod:`._batch` (the life of
calls), :mod:`._bulk` (many numbers at once), :mod:`._local` (no key, no
network); the global options and settings in :mod:`._settings`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from .._version import __version__
from ._agents import agents
from ._batch import batch
from ._bulk import bulk_reassign, bulk_update, undo
from ._calls import call
from ._conversations import conversations
from ._create import create
from ._errors import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, describe, exit_code_for
from ._local import demo, fake_server
from ._numbers import delete, get, list_numbers, sip_messages, update
from ._output import report
from ._settings import global_options, settings_from


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    no_args_is_help=True,
)
@global_options
@click.version_option(__version__, "-V", "--version", prog_name="elevenphone")
@click.pass_context
def cli(
    ctx: click.Context,
    api_key: str | None,
    base_url: str | None,
    region: str,
    max_retries: int,
    timeout: float,
    verbose: int,
) -> None:
    """Manage ElevenLabs Conversational AI phone numbers.

    Start with `elevenphone demo`: it needs no key and no network.
    """
    ctx.obj = settings_from(
        api_key=api_key,
        base_url=base_url,
        region=region,
        max_retries=max_retries,
        timeout=timeout,
        verbose=verbose,
    )


for _command in (
    get,
    list_numbers,
    update,
    create,
    delete,
    sip_messages,
    call,
    agents,
    conversations,
    batch,
    bulk_reassign,
    bulk_update,
    undo,
    fake_server,
    demo,
):
    cli.add_command(_command)


def _takes_a_value(command: click.Command) -> set[str]:
    return {
        name
        for param in command.params
        if isinstance(param, click.Option) and not param.is_flag and not param.count
        for name in param.opts
    }


def _skip_options(command: click.Command, args: list[str]) -> int:
    """The index in ``args`` of the first word that is not an option of
    ``command`` or an option's value: its subcommand, or an argument."""
    values = _takes_a_value(command)
    index = 0
    while index < len(args) and args[index].startswith("-"):
        if args[index] == "--":
            return index + 1
        index += 2 if args[index] in values else 1
    return index


def _json_requested(args: list[str]) -> bool:
    """Whether ``args`` give their command ``--json`` (as a flag, not as the
    value of another option), read before click parses them: a usage error
    found while parsing is then reported as JSON too. The command may be in
    a group (``batch get ID --json``)."""
    command: click.Command = cli
    while isinstance(command, click.Group):
        index = _skip_options(command, args)
        found = command.commands.get(args[index]) if index < len(args) else None
        if found is None:
            return False
        command, args = found, args[index + 1 :]
    if not any("--json" in param.opts for param in command.params):
        return False
    values = _takes_a_value(command)
    index = 0
    while index < len(args) and args[index] != "--":
        if args[index] == "--json":
            return True
        index += 2 if args[index] in values else 1
    return False


def run(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status. Never lets a traceback out.

    An error is one line on stderr, or one JSON object when the command was
    given ``--json``.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    as_json = _json_requested(args)
    try:
        status = cli.main(args=args, prog_name="elevenphone", standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as error:
        # A bare command (``elevenphone``): show its help as help, not as an error.
        click.echo(error.format_message(), err=True)
        return EXIT_USAGE
    except click.UsageError as error:
        hint = ""
        if error.ctx is not None and not as_json:
            hint = f" (see '{error.ctx.command_path} --help')"
        report(error, f"{error.format_message()}{hint}", as_json=as_json)
        return EXIT_USAGE
    except click.ClickException as error:
        report(error, error.format_message(), as_json=as_json)
        return error.exit_code
    except click.Abort as error:
        report(error, "interrupted", as_json=as_json)
        return EXIT_INTERRUPTED
    except Exception as error:
        report(error, describe(error), as_json=as_json)
        return exit_code_for(error)
    except KeyboardInterrupt as error:
        report(error, "interrupted", as_json=as_json)
        return EXIT_INTERRUPTED
    return status if isinstance(status, int) else EXIT_OK
