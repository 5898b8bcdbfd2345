"""Counting modulo m: the number of ``a`` s is divisible by ``m``, over {a, b}.

``mod_2`` .. ``mod_7`` are registered; ``mod_<m>`` resolves for ``2 <= m <=`` the
``max_modulus`` budget (1000 by default, :mod:`automata.budgets`; ``$AUTOMATA_MAX_MODULUS`` or
``mod_language(m, max_m=N)`` raise it): classifying ``mod_m`` needs about ``m^2`` memory.

>>> from automata.languages import get_language
>>> m3 = get_language("mod_3")
>>> m3.accepts("abaab"), m3.accepts("aab")
(True, False)
>>> get_language("mod_11").dfa.n_states
11
"""
from __future__ import annotations

from ..budgets import family_parameter
from .base import Language, dfa_from_function


def mod_language(m: int, *, max_m: int | None = None) -> Language:
    """The number of ``a`` s is divisible by ``m`` (``2 <= m <= max_m``, default the budget)."""
    m = family_parameter(m, "mod_m", 2, max_m, "max_m=N")
    dfa = dfa_from_function("ab", 0, lambda q, s: (q + (s == "a")) % m, lambda q: q == 0)
    return Language(f"mod_{m}", dfa, description=f"number of a's = 0 mod {m}, over {{a,b}}")


BUILTINS = [(f"mod_{m}", (lambda m=m: mod_language(m)), ()) for m in range(2, 8)]
PATTERNS = [(r"mod_(\d+)", lambda mt: mod_language(family_parameter(mt.group(1), "mod_m", 2)))]
