"""Formal languages as validated automata (numpy, networkx, sympy; never torch)."""
from .dfa import DFA, split_word
from .random_dfa import random_dfa
from .regex import regex_to_dfa
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
    "DFA", "split_word", "random_dfa", "regex_to_dfa", "AutomatonError", "AutomatonFormatError", "BudgetExceededError",
    "EmptyLengthError", "InvalidAutomatonError", "RegexSyntaxError", "UnknownLanguageError",
    "UnknownStateError", "UnknownSymbolError",
]
