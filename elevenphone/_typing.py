"""The typing names newer than Python 3.10, from typing_extensions there."""

import sys

if sys.version_info >= (3, 11):
    from typing import Required, TypedDict, Unpack
else:  # pragma: no cover - Python 3.10
    # typing_extensions' TypedDict too: typing's, on 3.10, does not see Required.
    from typing_extensions import Required, TypedDict, Unpack

__all__ = ["Required", "TypedDict", "Unpack"]
