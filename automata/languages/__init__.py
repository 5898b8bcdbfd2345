"""The language registry: the paper's suite, counter languages, groups, Dyck, flip-flop, ...

>>> from automata.languages import get_language
>>> get_language("dyck1").accepts("(()())")
True
"""
from .base import Language, dfa_from_function
from .registry import (PAPER_SUITE, get_language, list_languages, register_language, resolve_name,
                       unregister_language)
from .resolve import language_definition, resolve_language

__all__ = ["Language", "dfa_from_function", "get_language", "list_languages",
           "register_language", "unregister_language", "resolve_name", "resolve_language",
           "language_definition", "PAPER_SUITE"]
