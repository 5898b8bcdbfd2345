"""Formal languages as validated automata (numpy, networkx, sympy; never torch).

The library's front door:

>>> from automata import DFA, Language, get_language, classify
>>> get_language("parity").accepts("0110")
True
>>> Language.from_regex("(ab)*", "ab").accepts("abab")
True
>>> c = classify({"regex": "~(.*aa.*)", "alphabet": "ab"})
>>> {p.model: p.expressible for p in c.predictions}["ssm_nonnegative"]
'yes'
"""
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
from .languages import (Language, get_language, language_definition, list_languages,
                        register_language, resolve_language, unregister_language)
from .classify import classify
from .heap import retain_freed_memory

retain_freed_memory()          # keep freed memory mapped for reuse (glibc; see automata.heap)

__all__ = [
    "DFA", "split_word", "random_dfa", "regex_to_dfa", "AutomatonError", "AutomatonFormatError", "BudgetExceededError",
    "EmptyLengthError", "InvalidAutomatonError", "RegexSyntaxError", "UnknownLanguageError",
    "UnknownStateError", "UnknownSymbolError", "Language", "get_language", "register_language",
    "unregister_language",
    "list_languages", "resolve_language", "language_definition", "classify",
]
