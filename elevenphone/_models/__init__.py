"""The API's request and response objects, as msgspec Structs: one module per
resource family, the shared bases in :mod:`._base`."""

from . import calls, phone_numbers
from ._base import StrEnum
from .calls import *  # noqa: F403 - each module's __all__ is its public face
from .phone_numbers import *  # noqa: F403

__all__ = ["StrEnum", *phone_numbers.__all__, *calls.__all__]
