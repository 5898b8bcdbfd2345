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

from collections.abc import Callable

__all__ = ["on_clear", "clear_all"]

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
