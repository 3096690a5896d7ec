"""The ``elevenphone`` group, wired from the command modules, and its entry
point: the one place errors become exit statuses.

Each command group lives in its own module: :mod:`._numbers` and
:mod:`._create` (the account's numbers), :mod:`._calls` (outbound calls),
:mod:`._bulk` (many numbers at once), :mod:`._local` (no key, no network); the
global options and settings in :mod:`._settings`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from .._version import __version__
from ._bulk import bulk_reassign, bulk_update, undo
from ._calls import call
from ._create import create
from ._errors import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, describe, exit_code_for
from ._local import demo, fake_server
from ._numbers import delete, get, list_numbers, sip_messages, update
from ._settings import global_options, note, settings_from


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
    bulk_reassign,
    bulk_update,
    undo,
    fake_server,
    demo,
):
    cli.add_command(_command)


def run(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status. Never lets a traceback out."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        status = cli.main(args=args, prog_name="elevenphone", standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as error:
        # A bare command (``elevenphone``): show its help as help, not as an error.
        click.echo(error.format_message(), err=True)
        return EXIT_USAGE
    except click.UsageError as error:
        hint = ""
        if error.ctx is not None:
            hint = f" (see '{error.ctx.command_path} --help')"
        note(f"error: {error.format_message()}{hint}")
        return EXIT_USAGE
    except click.ClickException as error:
        note(f"error: {error.format_message()}")
        return error.exit_code
    except click.Abort:
        note("error: interrupted")
        return EXIT_INTERRUPTED
    except Exception as error:
        note(f"error: {describe(error)}")
        return exit_code_for(error)
    except KeyboardInterrupt:
        note("error: interrupted")
        return EXIT_INTERRUPTED
    return status if isinstance(status, int) else EXIT_OK
