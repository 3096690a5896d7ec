"""Benchmarks of elevenphone against raw aiohttp and the official SDK (``nox -s bench``)."""
