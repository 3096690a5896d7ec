"""The API's request and response objects, as msgspec Structs: one module per
resource family, the shared bases in :mod:`._base`."""

from . import agents, batch_calls, calls, conversations, phone_numbers, sip_trunks
from ._base import StrEnum
from ._pages import PageModel
from .agents import *  # noqa: F403 - each module's __all__ is its public face
from .batch_calls import *  # noqa: F403
from .calls import *  # noqa: F403
from .conversations import *  # noqa: F403
from .phone_numbers import *  # noqa: F403
from .sip_trunks import *  # noqa: F403

__all__ = [
    "PageModel",
    "StrEnum",
    *phone_numbers.__all__,
    *sip_trunks.__all__,
    *calls.__all__,
    *agents.__all__,
    *conversations.__all__,
    *batch_calls.__all__,
]
