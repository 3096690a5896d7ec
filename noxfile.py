"""Automation for elevenphone: tests, lint and type checks.

Every session runs on the Python that runs nox, so a fresh machine needs only
``pip install nox``.
"""

from __future__ import annotations

import nox

nox.options.sessions = ["tests", "tests-latest-aiohttp", "lint", "typecheck", "docs"]
nox.options.reuse_existing_virtualenvs = True

SOURCES = ["elevenphone", "tests", "bench", "docs/_ext", "noxfile.py"]


@nox.session
def tests(session: nox.Session) -> None:
    """Run the whole test suite (tracing included, with the otel extra)."""
    session.install("-e", ".[test,cli,otel]")
    session.run("pytest", *session.posargs)


@nox.session(name="tests-latest-aiohttp")
def tests_latest_aiohttp(session: nox.Session) -> None:
    """Every test but those that mock HTTP with aioresponses, on the newest aiohttp.

    The test extra caps aiohttp below 3.14 for aioresponses' sake; this session
    lifts the cap so the wire layer, the client, the resources, the fake, bulk
    and the CLI are proven on 3.14+.
    """
    session.install("-e", ".[test,cli,otel]")
    session.install("--upgrade", "aiohttp>=3.14")
    session.run("pytest", "tests", "-m", "not aioresponses", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check."""
    session.install("-e", ".[lint]")
    session.run("ruff", "check", *SOURCES)
    session.run("ruff", "format", "--check", *SOURCES)


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict over the package."""
    session.install("-e", ".[typecheck,test,cli]")
    session.run("mypy", "--strict", "elevenphone")


@nox.session
def docs(session: nox.Session) -> None:
    """Build the documentation site with mkdocs --strict, then check the built
    API reference (every public method's parameters, formatted signatures)."""
    session.install("-e", ".[docs,cli,test]")
    session.run("mkdocs", "build", "--strict", "--site-dir", "site")
    session.run("pytest", "tests/docs/test_rendered_reference.py", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks against raw aiohttp and the official SDK; writes bench/results/."""
    session.install("-e", ".[cli]", "elevenlabs>=2.0")
    session.run("python", "bench/run.py", *session.posargs)
