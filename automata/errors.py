"""One exception root for the automata package.

Every error raised on bad user input is an :class:`AutomatonError` (itself a ``ValueError``),
so command lines can catch one type, print one line and exit 1.
"""
from __future__ import annotations


class AutomatonError(ValueError):
    """Root of every error the automata package raises on bad input."""


class InvalidAutomatonError(AutomatonError):
    """An automaton description is malformed (bad states, alphabet, initial state, ...)."""


class UnknownSymbolError(AutomatonError):
    """A word or transition uses a symbol outside the alphabet."""


class UnknownStateError(AutomatonError):
    """A transition or the accepting set names a state that does not exist."""


class AutomatonFormatError(AutomatonError):
    """A JSON (or other serialized) automaton cannot be parsed."""


class RegexSyntaxError(AutomatonError):
    """A regular expression does not parse; ``column`` is 1-based."""

    def __init__(self, message: str, pattern: str = "", column: int | None = None):
        self.pattern = pattern
        self.column = column
        where = f" at column {column}" if column is not None else ""
        super().__init__(f"regex syntax error{where}: {message}" + (f" in {pattern!r}" if pattern else ""))


class UnknownLanguageError(AutomatonError):
    """A registry name is unknown; the message lists close matches."""


class EmptyLengthError(AutomatonError):
    """No string of the requested length (and membership) exists."""


class BudgetExceededError(AutomatonError):
    """A computation (e.g. monoid enumeration) exceeded its size or time budget."""
