"""One exception root for the probing package.

Every error raised on bad user input is a :class:`ProbingError` (itself a ``ValueError``), so
command lines can catch one type, print one line and exit 1.
"""
from __future__ import annotations

__all__ = ["ProbingError", "UnknownSiteError", "UnknownTargetError", "SplitError", "RunDirError"]


class ProbingError(ValueError):
    """Root of every error the probing package raises on bad input."""


class UnknownSiteError(ProbingError):
    """A capture site is not offered by the model."""


class UnknownTargetError(ProbingError):
    """A probing target is unknown or does not apply to the language."""


class SplitError(ProbingError):
    """A split cannot be made (too few strings, empty stratum, bad fractions)."""


class RunDirError(ProbingError):
    """A run directory lacks ``config.json`` / ``checkpoint.pt`` or they do not parse."""
