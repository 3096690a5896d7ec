"""The scripted loopback server of the integration tests, for the client's tests."""

from tests.integration.conftest import server

__all__ = ["server"]
