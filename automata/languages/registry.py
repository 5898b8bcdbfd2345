"""The language registry: a dict whose keys are the command-line vocabulary.

Names are lower case; lookups ignore case, and the authors' folder names of the reference
suite (``Tomita-3``, ``D-2``, ``AAStar``, ``Dyck1``, ...) are aliases. Parametric families
resolve by pattern: ``mod_11``, ``dyck_3_5``, ``d7``, ``word_problem_z9``.

>>> get_language("Tomita-3").name
'tomita3'
>>> "parity" in list_languages()
True
>>> PAPER_SUITE["tomita3"], len(PAPER_SUITE)
('non-star-free', 27)
>>> get_language("tomita33")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
automata.errors.UnknownLanguageError: unknown language 'tomita33'; close matches: tomita3, ...
"""
from __future__ import annotations

import difflib
import re
from dataclasses import replace
from typing import Callable, Iterable

from ..errors import InvalidAutomatonError, UnknownLanguageError
from .base import Language

__all__ = ["get_language", "list_languages", "register_language", "unregister_language",
           "register_pattern", "PAPER_SUITE", "resolve_name"]

Factory = Callable[[], Language]

_FACTORIES: dict[str, Factory | Language] = {}
_ALIASES: dict[str, str] = {}          # lower-case alias -> canonical name
_CACHE: dict[str, Language] = {}
_PATTERNS: list[tuple[re.Pattern, Callable[[re.Match], Language]]] = []
_LOADED = False

#: The 27 languages of Bhattamishra et al. 2020 as used by Sarrof et al. 2024, name -> group.
PAPER_SUITE: dict[str, str] = {
    **{n: "star-free" for n in ("tomita1", "tomita2", "tomita4", "tomita7", "abcde_star",
                                "ab_d_bc", "012_02", "d2", "d3", "d4", "d12")},
    **{n: "non-star-free" for n in ("parity", "aa_star", "aaaa_star", "abab_star", "tomita3",
                                    "tomita5", "tomita6")},
    **{n: "counter" for n in ("dyck1", "shuffle2", "shuffle4", "shuffle6", "boolean3",
                              "boolean5", "anbn", "anbncn", "anbncndn")},
}


def _norm(name: str) -> str:
    return re.sub(r"[-_\s]", "", name.lower())


def register_language(name: str, factory_or_language: Factory | Language, *,
                      aliases: Iterable[str] = (), overwrite: bool = False) -> None:
    """Register a language (or a zero-argument factory building it lazily) under ``name``.

    ``name`` and ``aliases`` are matched case-insensitively. Re-registering a taken name or
    alias raises :class:`~automata.errors.InvalidAutomatonError` unless ``overwrite``.

    >>> register_language("doc_ab", lambda: Language.from_regex("(ab)*", "ab"), aliases=("doc-AB",))
    >>> get_language("DOC-ab").name, get_language("doc_ab").accepts("ab")
    ('doc_ab', True)
    >>> unregister_language("doc_ab")
    """
    _load_builtins()
    _register(name, factory_or_language, aliases, overwrite)


def unregister_language(name: str) -> None:
    """Remove a registered language and its aliases (tests and interactive sessions); unknown
    names raise :class:`~automata.errors.UnknownLanguageError`.

    >>> register_language("doc_tmp", Language.from_regex("a*", "a"))
    >>> unregister_language("doc_tmp")
    >>> "doc_tmp" in list_languages()
    False
    """
    _load_builtins()
    key = resolve_name(name)
    if key is None:
        raise UnknownLanguageError(f"unknown language {str(name)!r}")
    del _FACTORIES[key]
    _CACHE.pop(key, None)
    for alias in [a for a, v in _ALIASES.items() if v == key]:
        del _ALIASES[alias]


def _register(name, obj, aliases, overwrite):
    if not isinstance(name, str) or not name.strip():
        raise InvalidAutomatonError("a language name must be a non-empty string")
    if not (isinstance(obj, Language) or callable(obj)):
        raise InvalidAutomatonError(f"register {name!r}: expected a Language or a factory")
    key = name.lower()
    keys = [key] + [a.lower() for a in aliases]
    if not overwrite:
        for k in keys:
            if k in _FACTORIES or k in _ALIASES:
                raise InvalidAutomatonError(
                    f"language name {k!r} is already registered (pass overwrite=True)"
                )
    _FACTORIES[key] = obj
    _CACHE.pop(key, None)
    _ALIASES.pop(key, None)
    for a in keys[1:]:
        if a != key:
            _ALIASES[a] = key


def register_pattern(pattern: str, builder: Callable[[re.Match], Language]) -> None:
    """Resolve every name matching the regular expression ``pattern`` (full match, lower case)
    with ``builder(match)``; the builder raises UnknownLanguageError on bad parameters."""
    _PATTERNS.append((re.compile(pattern), builder))


def _load_builtins() -> None:
    global _LOADED
    if _LOADED:
        return
    _LOADED = True
    from . import (counter_languages, dyck_bounded, flip_flop, modular, paper_regular,
                   star_free_textbook, tomita, word_problems)

    for module in (tomita, paper_regular, counter_languages, flip_flop, dyck_bounded, modular,
                   word_problems, star_free_textbook):
        for entry in module.BUILTINS:
            name, factory = entry[0], entry[1]
            aliases = entry[2] if len(entry) > 2 else ()
            _register(name, factory, aliases, overwrite=False)
        for pattern, builder in getattr(module, "PATTERNS", ()):
            register_pattern(pattern, builder)


def resolve_name(name: str) -> str | None:
    """Canonical registered name for ``name`` (case-insensitive, aliases), or ``None``."""
    _load_builtins()
    key = str(name).strip().lower()
    if key in _FACTORIES:
        return key
    if key in _ALIASES:
        return _ALIASES[key]
    n = _norm(key)
    hits = {k for k in _FACTORIES if _norm(k) == n} | {v for a, v in _ALIASES.items() if _norm(a) == n}
    return hits.pop() if len(hits) == 1 else None


def get_language(name: str) -> Language:
    """The registered language called ``name`` (or an alias, or a parametric pattern).

    Raises
    ------
    UnknownLanguageError
        With up to five close matches in the message.

    >>> get_language("parity").accepts("0110"), get_language("Tomita-3").name, get_language("mod_5").name
    (True, 'tomita3', 'mod_5')
    """
    if isinstance(name, Language):
        return name
    _load_builtins()
    key = resolve_name(name)
    if key is not None:
        lang = _CACHE.get(key)
        if lang is None:
            obj = _FACTORIES[key]
            lang = obj if isinstance(obj, Language) else obj()
            if not isinstance(lang, Language):
                raise InvalidAutomatonError(f"the factory of {key!r} did not return a Language")
            aliases = tuple(a for a, v in _ALIASES.items() if v == key)
            if lang.name != key or set(lang.aliases) != set(aliases):
                lang = replace(lang, name=key, aliases=aliases)
            _CACHE[key] = lang
        return lang
    key = str(name).strip().lower()
    for pattern, builder in _PATTERNS:
        m = pattern.fullmatch(key)
        if m:
            lang = _CACHE.get(key)
            if lang is None:
                lang = _CACHE[key] = builder(m)
            return lang
    vocab = list(_FACTORIES) + list(_ALIASES)
    close = difflib.get_close_matches(key, vocab, n=5, cutoff=0.6)
    close = list(dict.fromkeys(_ALIASES.get(c, c) for c in close))
    hint = f"; close matches: {', '.join(close)}" if close else "; see list_languages()"
    raise UnknownLanguageError(f"unknown language {str(name)!r}{hint}")


def list_languages(group: str | None = None) -> list[str]:
    """Registered names in registration order (optionally only one ``paper_group``).

    >>> list_languages()[:3], len(list_languages("counter"))
    (['tomita1', 'tomita2', 'tomita3'], 9)
    """
    _load_builtins()
    names = list(_FACTORIES)
    if group is not None:
        names = [n for n in names if PAPER_SUITE.get(n) == group]
    return names
