"""Range checks of command-line values, run before any work: one line, exit 1 (via
:func:`analyses.cli.run_main`, which reports every ``ValueError`` that way)."""
from __future__ import annotations

import argparse
import math
from typing import Sequence

__all__ = ["UsageError", "require_numbers"]


class UsageError(ValueError):
    """A command-line value out of range (one line, exit 1)."""


def require_numbers(args: argparse.Namespace, *, at_least_1: Sequence[str] = (),
                    at_least_0: Sequence[str] = (), seconds: Sequence[str] = ()) -> None:
    """Refuse out-of-range numeric options in one line before any work: ``at_least_1`` counts
    and budgets (``--max-size``, ``--jobs``), ``at_least_0`` seeds, ``seconds`` finite positive
    time budgets. ``None`` (an option left unset) passes. Names are ``args`` attributes.

    >>> require_numbers(argparse.Namespace(max_size=-1), at_least_1=["max_size"])
    Traceback (most recent call last):
    ...
    analyses.checks.UsageError: --max-size must be at least 1, got -1
    """
    def flag(name: str) -> str:
        return "--" + name.replace("_", "-")

    for names, ok, want in ((at_least_1, lambda v: v >= 1, "at least 1"),
                            (at_least_0, lambda v: v >= 0, "at least 0"),
                            (seconds, lambda v: 0 < v < math.inf, "a positive number of seconds")):
        for name in names:
            v = getattr(args, name)
            if v is not None and not ok(v):     # also refuses nan
                raise UsageError(f"{flag(name)} must be {want}, got {v}")
