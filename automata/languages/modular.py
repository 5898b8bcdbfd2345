"""Counting modulo m: the number of ``a`` s is divisible by ``m``, over {a, b}.

``mod_2`` .. ``mod_7`` are registered; ``mod_<m>`` resolves for any ``m >= 2``.

>>> from automata.languages import get_language
>>> m3 = get_language("mod_3")
>>> m3.accepts("abaab"), m3.accepts("aab")
(True, False)
>>> get_language("mod_11").dfa.n_states
11
"""
from __future__ import annotations

from ..errors import UnknownLanguageError
from .base import Language, dfa_from_function


def mod_language(m: int) -> Language:
    if not 2 <= m <= 100_000:
        raise UnknownLanguageError(f"mod_m needs 2 <= m <= 100000, got {m}")
    dfa = dfa_from_function("ab", 0, lambda q, s: (q + (s == "a")) % m, lambda q: q == 0)
    return Language(f"mod_{m}", dfa, description=f"number of a's = 0 mod {m}, over {{a,b}}")


BUILTINS = [(f"mod_{m}", (lambda m=m: mod_language(m)), ()) for m in range(2, 8)]
PATTERNS = [(r"mod_(\d+)", lambda mt: mod_language(int(mt.group(1))))]
