"""The commands that need no key and no network: ``fake-server`` and ``demo``."""

from __future__ import annotations

import click

from ._settings import run_async


@click.command(
    "fake-server",
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
    add_help_option=False,
    short_help="Serve the in-memory fake API (elevenphone.testing) until Ctrl-C.",
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED, metavar="[OPTIONS]")
def fake_server(args: tuple[str, ...]) -> int:
    """Serve the in-memory fake API (elevenphone.testing) until Ctrl-C.

    The options are those of ``python -m elevenphone.testing``, defined once
    there: ``elevenphone fake-server --help`` lists them.
    """
    from elevenphone.testing.__main__ import main

    return main(list(args), prog="elevenphone fake-server")


@click.command()
@click.option("--numbers", type=click.IntRange(min=1), default=1000, show_default=True)
def demo(numbers: int) -> int:
    """Reassign 1,000 numbers on a local fake API, with faults: no key, no network."""
    from ._demo import run_demo

    return run_async(lambda: run_demo(numbers))
