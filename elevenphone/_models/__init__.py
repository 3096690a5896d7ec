"""The API's request and response objects, as msgspec Structs: one module per
resource family, the shared bases in :mod:`._base`.

The phone-number and call models are re-exported here. Those of the call's
life (``agents``, ``conversations``, ``batch_calls``) are imported from their
own modules, so that ``import elevenphone`` loads them only when used.
"""

from . import calls, phone_numbers, sip_trunks
from ._base import StrEnum
from ._pages import PageModel
from .calls import *  # noqa: F403 - each module's __all__ is its public face
from .phone_numbers import *  # noqa: F403
from .sip_trunks import *  # noqa: F403

__all__ = [
    "PageModel",
    "StrEnum",
    *phone_numbers.__all__,
    *sip_trunks.__all__,
    *calls.__all__,
]
