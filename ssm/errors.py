"""Exceptions of the :mod:`ssm` package.

Every error caused by user input is an :class:`SSMError` (a ``ValueError``), so command lines can
print one line and exit 1 (see ``analyses.cli.run_main``).
"""
from __future__ import annotations

__all__ = ["SSMError", "ConfigError", "BackendUnavailableError", "ShapeError", "CaptureError"]


class SSMError(ValueError):
    """Root of every user-facing error raised by :mod:`ssm`."""


class ConfigError(SSMError):
    """A model configuration value is unknown or out of range."""


class BackendUnavailableError(SSMError):
    """A scan backend was requested explicitly but cannot run here.

    The message names the backend, the reason and the install command.
    """

    def __init__(self, backend: str, reason: str, install: str | None = None):
        self.backend, self.reason, self.install = backend, reason, install
        msg = f"scan backend {backend!r} is unavailable: {reason}"
        if install:
            msg += f" (install with: {install})"
        super().__init__(msg)


class ShapeError(SSMError):
    """A tensor passed to a model or a scan has the wrong shape, dtype or values."""


class CaptureError(SSMError):
    """An unknown capture site was requested."""
