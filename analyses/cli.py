"""Shared command-line plumbing: one line on stderr and exit 1 for domain errors.

Every ``analyses`` command builds an ``argparse`` parser, adds ``--debug`` with
:func:`add_common_args`, and wraps its body in :func:`run_main`.
"""
from __future__ import annotations

import argparse
import sys
from typing import Callable, Sequence

EXIT_DOMAIN_ERROR = 1


def add_common_args(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("--debug", action="store_true", help="show the full traceback on errors")
    return parser


#: Errors that mean "bad input", not "bug": every package's error root is a ValueError, and
#: unreadable files are OSErrors. Anything else is a bug and keeps its traceback.
DOMAIN_ERRORS: tuple[type[BaseException], ...] = (ValueError, OSError)


def run_main(body: Callable[[argparse.Namespace], int | None], parser: argparse.ArgumentParser,
             argv: Sequence[str] | None = None) -> int:
    """Parse ``argv``, run ``body(args)``; domain errors print ``error: ...`` and return 1."""
    args = parser.parse_args(argv)
    try:
        rc = body(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except DOMAIN_ERRORS as e:  # AutomatonError and friends are ValueErrors
        if getattr(args, "debug", False):
            raise
        msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        print(f"{parser.prog}: error: {msg}", file=sys.stderr)
        return EXIT_DOMAIN_ERROR
    return 0 if rc is None else int(rc)
