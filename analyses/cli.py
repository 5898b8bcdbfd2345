"""Shared command-line plumbing: one error path, plugins, signals.

Every ``analyses`` command builds an ``argparse`` parser, adds ``--debug`` and ``--plugin`` with
:func:`add_common_args`, and wraps its body in :func:`run_main`, which

* imports the plugins (:mod:`analyses.plugins`) **before** the parser is built and used, so
  registered languages, tasks and architectures are valid choices;
* prints one line ``prog: error: ...`` and exits 1 for every error user input can cause
  (each package's error root is a ``ValueError``; unreadable files are ``OSError`` and name the
  file; input nested too deeply or too large for memory also ends in one line);
* exits ``128 + signal`` after an interruption (130 for Ctrl-C, 143 for SIGTERM);
* exits quietly (status 141, as a shell reports SIGPIPE) when stdout is closed early
  (``... | head``);
* with ``--debug`` re-raises instead, keeping the traceback.
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
from typing import Callable, Sequence

from analyses.plugins import load_plugins, plugin_args
from automata.dfa import DFA
from automata.errors import AutomatonFormatError, InvalidAutomatonError
from automata.languages import language_definition
from automata.regex import parse_alphabet as regex_parse_alphabet

EXIT_DOMAIN_ERROR = 1
EXIT_BROKEN_PIPE = 128 + 13

#: Errors that mean "bad input", not "bug". Anything else is a bug and keeps its traceback.
DOMAIN_ERRORS: tuple[type[BaseException], ...] = (ValueError, OSError, RecursionError, MemoryError)


def add_common_args(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add ``--debug`` and ``--plugin`` to ``parser``."""
    parser.add_argument("--debug", action="store_true", help="show the full traceback on errors")
    parser.add_argument("--plugin", action="append", default=[], metavar="MODULE_OR_PATH.py",
                        help="import a module or .py file that registers languages, tasks or "
                             "architectures, before anything else (repeatable; installed "
                             "packages use the entry-point group ssm_expressivity.plugins)")
    return parser


def _message(e: BaseException) -> str:
    if isinstance(e, RecursionError):
        return "input is nested too deeply"
    if isinstance(e, MemoryError):
        return "out of memory (reduce the sizes requested)"
    lines = str(e).strip().splitlines()
    return lines[0] if lines else type(e).__name__


def run_main(body: Callable[[argparse.Namespace], int | None],
             parser: argparse.ArgumentParser | Callable[[], argparse.ArgumentParser],
             argv: Sequence[str] | None = None) -> int:
    """Load plugins, parse ``argv``, run ``body(args)``; return the exit status.

    ``parser`` may be a parser or a function building one (called after the plugins loaded, so
    its choices can come from the registries).
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    prog = parser.prog if isinstance(parser, argparse.ArgumentParser) else "python -m analyses"
    try:
        load_plugins(plugin_args(argv))
        if not isinstance(parser, argparse.ArgumentParser):
            parser = parser()
            prog = parser.prog
        args = parser.parse_args(argv)
        rc = body(args)
        sys.stdout.flush()
    except KeyboardInterrupt as e:
        signum = int(getattr(e, "signum", signal.SIGINT))
        print("interrupted" if signum == signal.SIGINT else f"terminated (signal {signum})",
              file=sys.stderr)
        return 128 + signum
    except BrokenPipeError:
        try:  # point stdout at /dev/null so the final flush at exit stays quiet
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return EXIT_BROKEN_PIPE
    except DOMAIN_ERRORS as e:  # AutomatonError and friends are ValueErrors
        if debug:
            raise
        print(f"{prog}: error: {_message(e)}", file=sys.stderr)
        return EXIT_DOMAIN_ERROR
    return 0 if rc is None else int(rc)


def add_language_args(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """``--regex PATTERN --alphabet SYMBOLS`` and ``--dfa FILE`` (instead of a language name)."""
    src = parser.add_mutually_exclusive_group()
    src.add_argument("--regex", metavar="PATTERN", default=None,
                     help="a regular expression (syntax: automata.regex) instead of a name")
    src.add_argument("--dfa", metavar="FILE", default=None,
                     help="a DFA in the project's JSON format instead of a name")
    parser.add_argument("--alphabet", metavar="SYMBOLS", default=None,
                        help="alphabet for --regex: one-character symbols ('ab') or "
                             "comma-separated ('a,b')")
    return parser


def parse_alphabet(text: str | None) -> list[str]:
    """``"ab"`` or ``"a,b"`` -> ``["a", "b"]`` (:func:`automata.regex.parse_alphabet`): an empty
    text, empty symbols (``"a,,b"``, a trailing comma) and repeats are errors.

    >>> parse_alphabet("ab"), parse_alphabet("x1,x2")
    (['a', 'b'], ['x1', 'x2'])
    >>> parse_alphabet("a,,b")
    Traceback (most recent call last):
    ...
    automata.errors.InvalidAutomatonError: --alphabet 'a,,b': symbol 2 is empty
    """
    if text is None:
        raise InvalidAutomatonError("--regex needs --alphabet")
    return list(regex_parse_alphabet(text))


def language_from_args(args: argparse.Namespace, name: str | None) -> tuple[str, dict | None]:
    """``(name, definition)`` for a command's language: a registry name, or a ``--regex`` /
    ``--dfa`` definition (:func:`automata.languages.language_definition`) with its display name."""
    regex, dfa = getattr(args, "regex", None), getattr(args, "dfa", None)
    if regex is None and getattr(args, "alphabet", None) is not None:
        raise AutomatonFormatError("--alphabet applies to --regex only")
    if regex is None and dfa is None:
        if not name:
            raise AutomatonFormatError("give a language name, --regex PATTERN --alphabet SYMBOLS "
                                       "or --dfa FILE")
        return name, None
    if name:
        raise AutomatonFormatError("give either a language name or --regex/--dfa, not both")
    if regex is not None:
        return "regex", language_definition(regex=regex, alphabet=parse_alphabet(args.alphabet))
    return os.path.splitext(os.path.basename(dfa))[0] or "dfa", \
        language_definition(dfa_json=DFA.from_json(dfa).to_json())
