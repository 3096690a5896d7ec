"""The commands that need no key and no network: ``fake-server`` and ``demo``.

``fake-server`` is ``python -m elevenphone.testing``: its options are defined
once, by that module's argparse parser, and read from it here as click
options, so that its help reads like every other command's and the shell
completes its options.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import Any

import click

from elevenphone.testing.__main__ import build_parser
from elevenphone.testing.__main__ import run as serve_fake

from ._settings import run_async

# Values worth offering where an option takes free text (by the option's dest).
COMPLETIONS: dict[str, tuple[str, ...]] = {
    "host": ("127.0.0.1", "localhost", "0.0.0.0", "::1"),
    "concurrency_limit": ("none",),
    "rate_limit": ("none",),
}


def _parsed_by(parse: Callable[[str], Any]) -> Callable[..., Any]:
    """An option callback: the value as the fake's argparse ``type`` function
    parses it (one definition of what the option accepts), its own words
    when it refuses it."""

    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        if isinstance(value, tuple):  # a repeated option
            return tuple(callback(ctx, param, item) for item in value)
        if value is None:  # not given, and no default
            return value
        try:
            return parse(value)
        except (argparse.ArgumentTypeError, TypeError, ValueError) as error:
            raise click.BadParameter(str(error) or repr(value), ctx=ctx, param=param) from None

    return callback


def _completer(values: Sequence[str]) -> Callable[[click.Context, click.Parameter, str], list[str]]:
    def complete(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
        return [value for value in values if value.startswith(incomplete)]

    return complete


def _option(action: argparse.Action) -> click.Option:
    """The click option of one argparse option of the fake."""
    help_text = None if action.help is None else action.help % vars(action)
    if action.nargs == 0:  # a flag (store_true)
        return click.Option(
            [*action.option_strings, action.dest],
            is_flag=True,
            flag_value=action.const,
            default=action.default,
            help=help_text,
        )
    values = COMPLETIONS.get(action.dest)
    return click.Option(
        [*action.option_strings, action.dest],
        # Text, whatever the default: the fake's parser reads it (the default too).
        type=click.STRING,
        callback=_parsed_by(action.type) if callable(action.type) else None,
        default=action.default,
        multiple=_repeated(action),
        metavar=action.metavar or action.dest.upper(),
        help=help_text,
        shell_complete=None if values is None else _completer(values),
    )


def _repeated(action: argparse.Action) -> bool:
    # argparse names no public class for action="append"; this one is stable.
    return isinstance(action, argparse._AppendAction)


# The parser's own --help is click's -h/--help here.
_PARSER = build_parser()
_ACTIONS = [action for action in _PARSER._actions if "--help" not in action.option_strings]


@click.command(
    "fake-server",
    help=_PARSER.description,
    short_help="Serve the in-memory fake API (elevenphone.testing) until Ctrl-C.",
    params=[_option(action) for action in _ACTIONS],
)
def fake_server(**options: Any) -> int:
    # An option given more than once is a list, as argparse makes it (None if never).
    for action in _ACTIONS:
        if _repeated(action):
            options[action.dest] = list(options[action.dest]) or action.default
    return serve_fake(argparse.Namespace(**options))


@click.command()
@click.option("--numbers", type=click.IntRange(min=1), default=1000, show_default=True)
def demo(numbers: int) -> int:
    """Reassign 1,000 numbers on a local fake API, with faults: no key, no network."""
    from ._demo import run_demo

    return run_async(lambda: run_demo(numbers))
