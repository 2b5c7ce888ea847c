"""A workaround for PySide6 6.12.0 on Python 3.11: every call of a Qt method that returns
nothing (``setText``, ``QBarSet.append``, ...) drops one reference to ``None`` that it never
took. Python 3.11's ``None`` is reference-counted (3.12 made it immortal), so after enough
such calls the interpreter aborts with "Fatal Python error: none_dealloc" (at the latest on
exit). PySide6 6.11.3 does not have the bug. The stats view makes thousands of such calls per
refresh, so it gives the lost references back; remove this once PySide6 is pinned to a
version without the bug.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def keep_none_alive() -> Iterator[None]:
    """Run the block, then take back as many references to ``None`` as it lost (for good:
    a list holding them would drop them again when it is freed, at the latest on exit)."""
    if sys.version_info >= (3, 12):  # None is immortal: nothing to give back
        yield
        return
    before = sys.getrefcount(None)
    try:
        yield
    finally:
        for _ in range(before - sys.getrefcount(None)):
            ctypes.pythonapi.Py_IncRef(ctypes.py_object(None))
