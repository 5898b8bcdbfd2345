"""Formal languages as validated automata (numpy, networkx, sympy; never torch)."""
from .dfa import DFA, split_word
from .errors import (
    AutomatonError,
    AutomatonFormatError,
    BudgetExceededError,
    EmptyLengthError,
    InvalidAutomatonError,
    RegexSyntaxError,
    UnknownLanguageError,
    UnknownStateError,
    UnknownSymbolError,
)

__all__ = [
    "DFA", "split_word", "AutomatonError", "AutomatonFormatError", "BudgetExceededError",
    "EmptyLengthError", "InvalidAutomatonError", "RegexSyntaxError", "UnknownLanguageError",
    "UnknownStateError", "UnknownSymbolError",
]
