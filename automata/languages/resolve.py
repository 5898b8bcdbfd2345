"""The one function turning what a user names into a :class:`Language`.

Every entry point (the command lines, ``classify``, sampling, labels, the trainer, probing)
calls :func:`resolve_language` once on what it was given:

* a :class:`Language` — returned as is;
* a registry name (any case, aliases, parametric families such as ``mod_7``);
* a :class:`~automata.dfa.DFA` — wrapped (and minimized) as a language called ``"dfa"``;
* a definition mapping, as stored in run configurations: ``{"regex": PATTERN, "alphabet": ...}``
  or ``{"dfa": <the DFA JSON object>}`` (optionally with ``"name"``).

>>> resolve_language("FFL").name
'flip_flop'
>>> lang = resolve_language({"regex": "(ab)*", "alphabet": "ab"})
>>> lang.name, lang.accepts("abab"), lang.accepts("aba")
('regex', True, False)
>>> resolve_language(3)
Traceback (most recent call last):
...
automata.errors.UnknownLanguageError: expected a language name, a Language, a DFA or a {"regex"|"dfa": ...} definition, got int
"""
from __future__ import annotations

from typing import Any, Mapping

from ..dfa import DFA
from ..errors import AutomatonFormatError, UnknownLanguageError
from .base import Language
from .registry import get_language

__all__ = ["resolve_language", "language_definition"]


def resolve_language(obj: Any) -> Language:
    """The :class:`Language` that ``obj`` names (see the module docstring).

    Raises
    ------
    UnknownLanguageError
        For an unknown name (with close matches) or an unsupported type.
    AutomatonFormatError, RegexSyntaxError
        For a malformed definition.

    >>> resolve_language("parity").name, resolve_language({"regex": "(ab)*", "alphabet": "ab"}).accepts("ab")
    ('parity', True)
    """
    if isinstance(obj, Language):
        return obj
    if isinstance(obj, str):
        return get_language(obj)
    if isinstance(obj, DFA):
        return Language("dfa", obj, description="a DFA given directly")
    if isinstance(obj, Mapping):
        name = obj.get("name")
        if "regex" in obj:
            if "alphabet" not in obj:
                raise AutomatonFormatError("a regex definition needs an 'alphabet'")
            return Language.from_regex(obj["regex"], obj["alphabet"], name=name or "regex")
        if "dfa" in obj:
            return Language(name or "dfa", DFA.from_json(obj["dfa"]), description="a DFA file")
        raise AutomatonFormatError("a language definition needs a 'regex' or a 'dfa' key")
    raise UnknownLanguageError("expected a language name, a Language, a DFA or a "
                               f'{{"regex"|"dfa": ...}} definition, got {type(obj).__name__}')


def language_definition(*, regex: str | None = None, alphabet: Any = None,
                        dfa_json: Any = None, name: str | None = None) -> dict[str, Any]:
    """The JSON definition of a regex or DFA language (what a run configuration stores).

    >>> language_definition(regex="a*", alphabet="ab")
    {'regex': 'a*', 'alphabet': ['a', 'b']}
    """
    if (regex is None) == (dfa_json is None):
        raise AutomatonFormatError("give exactly one of a regex and a DFA")
    if regex is not None:
        if alphabet is None:
            raise AutomatonFormatError("--regex needs --alphabet")
        d: dict[str, Any] = {"regex": regex, "alphabet": list(alphabet)}
    else:
        d = {"dfa": DFA.from_json(dfa_json).to_json() if not isinstance(dfa_json, Mapping)
             else dict(dfa_json)}
    if name:
        d["name"] = name
    resolve_language(d)  # validate now
    return d
