"""Errors of :mod:`ssm.constructions` (both are :class:`ssm.errors.SSMError`, a ``ValueError``)."""
from __future__ import annotations

from ssm.errors import SSMError

__all__ = ["ConstructionError", "ConstructionRefused"]


class ConstructionError(SSMError):
    """Bad parameters for a construction (unknown name, bad alphabet, bad formula, ...)."""


class ConstructionRefused(ConstructionError):
    """The requested model class cannot serve the language; the message states the theorem."""
