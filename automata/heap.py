"""Keep freed memory in the process for reuse (glibc's ``malloc``; elsewhere nothing changes).

A classification allocates and frees its working arrays on every call: a 64-letter acceptor
with a few thousand monoid elements takes about 8 MiB (the two Cayley graphs as they grow, the
hash tables, the length levels). With glibc's defaults the freed top of the heap is given back
to the kernel (``trim``) and allocations past the adaptive ``mmap`` threshold are unmapped on
free, so the next call asks the kernel for fresh pages. Each fresh page is a page fault; in a
virtual machine that reports free guest pages to its host (Firecracker, virtio free-page
reporting) a re-faulted page costs about 4-6 µs. On the machine this project is measured on,
MLRegTest's 64.64.Reg.0.0.9 took 20-27 ms a classification with 450-2,100 faults each, and
12-19 ms with these settings and no faults (``docs/benchmarks.md``). glibc raises its
thresholds by itself as the process frees large mapped blocks (to the size of the largest
freed, at most 32 MiB); until it has (a fresh process, a command line, a sweep of small
acceptors) such calls pay for their pages again.

:func:`retain_freed_memory` sets two glibc parameters once, on importing :mod:`automata`:

* ``M_MMAP_THRESHOLD`` = 32 MiB: blocks below it come from the heap (glibc's adaptive threshold
  rises to at most this value by itself, once a block that size has been freed);
* ``M_TRIM_THRESHOLD`` = 64 MiB: up to that much free memory at the top of the heap stays
  mapped (glibc's adaptive value also reaches twice the mmap threshold).

So the process keeps at most about 64 MiB of freed memory mapped that glibc would have given
back, the price of never faulting the same pages in twice. Both settings are process-wide and
affect every library in the process alike (in a benchmark, the peer too). Set
``AUTOMATA_MALLOC=system`` before importing :mod:`automata` to leave glibc's defaults alone.
"""
from __future__ import annotations

import ctypes
import os
import sys

__all__ = ["ENV", "MMAP_THRESHOLD", "TRIM_THRESHOLD", "retain_freed_memory"]

#: the bytes below which glibc serves a block from the heap instead of its own mapping
MMAP_THRESHOLD = 32 << 20
#: the free bytes at the top of the heap that glibc keeps mapped instead of trimming
TRIM_THRESHOLD = 64 << 20
#: set to ``system`` to keep glibc's defaults
ENV = "AUTOMATA_MALLOC"

_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3        # glibc's <malloc.h>
_STATE: dict[str, bool] = {}


def retain_freed_memory() -> bool:
    """Set glibc's mmap and trim thresholds (see the module docstring), once per process;
    True when both were set, False when this is not glibc on Linux, ``mallopt`` refused, or
    ``AUTOMATA_MALLOC=system``. Repeated calls return the first call's answer."""
    if "done" not in _STATE:
        _STATE["done"] = _set()
    return _STATE["done"]


def _set() -> bool:
    if os.environ.get(ENV, "").strip().lower() == "system":
        return False
    if not sys.platform.startswith("linux") or not _glibc():
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt          # the C library already in the process
    except (OSError, AttributeError):               # pragma: no cover - no symbol table
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    # the mmap threshold first: setting either fixes both (glibc stops adapting them)
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
                and mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1)


def _glibc() -> bool:
    try:
        return os.confstr("CS_GNU_LIBC_VERSION").startswith("glibc")
    except (ValueError, OSError, AttributeError):   # pragma: no cover - not glibc
        return False
