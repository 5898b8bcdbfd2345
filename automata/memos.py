"""The memos a first-call timing must forget.

A module that remembers results between calls (the last DFA's witnesses, recent enumerations,
named groups) registers how to forget them with :func:`on_clear`;
:func:`automata.froidure_pin.clear_caches` calls :func:`clear_all`. The registry sits below
every module that uses it, so a lower module can clear what a higher one keeps without
importing it.

>>> kept = {"x": 1}
>>> _ = on_clear(kept.clear)
>>> clear_all()
>>> kept
{}
>>> _CLEARERS.remove(kept.clear)
"""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable

__all__ = ["on_clear", "clear_all", "RecentCache"]

_CLEARERS: list[Callable[[], None]] = []


def on_clear(fn: Callable[[], None]) -> Callable[[], None]:
    """Register ``fn`` (no arguments) to run on :func:`clear_all`; returns ``fn``. A function
    registered twice runs once."""
    if fn not in _CLEARERS:
        _CLEARERS.append(fn)
    return fn


def clear_all() -> None:
    """Run every registered clearer, in the order registered."""
    for fn in tuple(_CLEARERS):
        fn()


class RecentCache:
    """The last few values put, by key: at most ``max_items`` of them and ``max_bytes`` in
    all (the oldest go first; a value over ``max_bytes`` alone is not kept). Registered with
    :func:`on_clear`.

    >>> c = RecentCache(2, 100)
    >>> c.put("a", 1, 60); c.put("b", 2, 30); c.put("c", 3, 30)
    >>> c.get("a"), c.get("b"), c.get("c"), len(c)
    (None, 2, 3, 2)
    >>> c.put("d", 4, 101); c.get("d") is None
    True
    >>> clear_all(); len(c)
    0
    >>> _CLEARERS.remove(c.clear)
    """

    def __init__(self, max_items: int, max_bytes: int):
        self.max_items, self.max_bytes = max_items, max_bytes
        self._values: OrderedDict = OrderedDict()
        self._bytes = 0
        on_clear(self.clear)

    def get(self, key: Hashable):
        """The value kept under ``key``, or None."""
        hit = self._values.get(key) if self._values else None
        return None if hit is None else hit[0]

    def put(self, key: Hashable, value, nbytes: int) -> None:
        """Keep ``value`` (of ``nbytes`` bytes) under ``key``, as the newest."""
        if nbytes > self.max_bytes:
            return
        old = self._values.pop(key, None)
        if old is not None:
            self._bytes -= old[1]
        self._values[key] = (value, nbytes)
        self._bytes += nbytes
        while len(self._values) > self.max_items or self._bytes > self.max_bytes:
            self._bytes -= self._values.popitem(last=False)[1][1]

    def clear(self) -> None:
        self._values.clear()
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._values)
