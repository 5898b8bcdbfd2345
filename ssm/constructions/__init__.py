"""The theorems' SSMs, built by hand: every weight set, nothing trained.

``build_construction(name, **params)`` returns a :class:`Construction` (layers, width, gate
values, the :class:`~ssm.layers.diagonal.DiagonalSSM` model, ``predict``, ``check``). A model
class that cannot serve the language is refused with :class:`ConstructionRefused`, whose message
states the theorem.

>>> c = build_construction("dyck", K=8, h=10)
>>> c.layers, c.width, c.gates
(2, 31, (0.0, 1.0))
>>> build_construction("parity", gate="nonnegative")
Traceback (most recent call last):
...
ssm.constructions.errors.ConstructionRefused: no SSM with non-negative gates recognizes PARITY ...
"""
from __future__ import annotations

import difflib
import re
from typing import Callable

import torch

from .base import CheckResult, Construction
from .counters import COUNTER_LANGUAGES, build_counter, precision_limit
from .dyck import build_dyck
from .errors import ConstructionError, ConstructionRefused
from .flip_flop import build_flip_flop
from .ltl import build_ltl, parse_formula
from .modular import build_modular, nonnegative_parity_demo
from .star_free import build_star_free

__all__ = ["build_construction", "list_constructions", "Construction", "CheckResult",
           "ConstructionError", "ConstructionRefused", "nonnegative_parity_demo",
           "precision_limit", "parse_formula", "GATE_CLASSES"]

GATE_CLASSES = ("nonnegative", "signed", "complex")


def _nonneg_only(builder: Callable, **fixed) -> Callable:
    def build(gate: str = "nonnegative", **params):
        if gate not in GATE_CLASSES:
            raise ConstructionError(f"gate must be one of {list(GATE_CLASSES)}, got {gate!r}")
        # non-negative gates are a special case of signed and complex gates: same weights
        return builder(**fixed, **params)
    return build


def _mod(gate: str | None = None, **params):
    # as automata.languages' mod_M: the number of a's over {a, b} is 0 mod M
    if "alphabet" not in params and "weights" not in params:
        params.update(alphabet=("a", "b"), weights={"a": 1})
    params.setdefault("language", f"mod_{params.get('m', 3)}")
    return build_modular(gate=gate, **params)


_REGISTRY: dict[str, Callable[..., Construction]] = {
    "flip_flop": _nonneg_only(build_flip_flop),
    "parity": lambda gate="signed", **p: build_modular(2, gate=gate, **p),
    "mod": _mod,
    "tomita6": lambda gate="complex", **p: build_modular(
        3, gate=gate, weights={"0": 1, "1": -1}, language="tomita6", **p),
    "dyck": _nonneg_only(build_dyck),
    "ltl": _nonneg_only(build_ltl),
    "star_free": _nonneg_only(build_star_free),
}
for _name in COUNTER_LANGUAGES:
    _REGISTRY[_name] = _nonneg_only(build_counter, name=_name)


def list_constructions() -> list[str]:
    """Registry names (``mod3``, ``shuffle_4``, ``dyck_8_10`` are also accepted)."""
    return sorted(_REGISTRY)


def build_construction(name: str, *, dtype: torch.dtype = torch.float32, **params) -> Construction:
    """Build the named construction.

    Parameters
    ----------
    name : str
        One of :func:`list_constructions`, or ``mod_M``/``modM`` (the number of ``a``'s over
        ``{a, b}`` is 0 mod M, as in :mod:`automata.languages`), ``shuffle_K``/``shuffleK``,
        ``dyck_K_H``.
    dtype : torch.float32 or torch.float64
    **params
        Construction parameters: ``gate`` (``"nonnegative"``, ``"signed"``, ``"complex"``),
        ``m``/``weights``/``alphabet``/``residue`` (mod), ``k`` (shuffle_k), ``K``/``h`` (dyck),
        ``formula``/``alphabet`` (ltl), ``p_ignore`` (flip_flop: the test sampler),
        ``dfa``/``regex``+``alphabet``/``language`` (star_free).

    Raises
    ------
    ConstructionRefused
        The requested gate class cannot serve the language (the message cites the theorem).
    ConstructionError
        Unknown name or bad parameters.
    """
    if dtype not in (torch.float32, torch.float64):
        raise ConstructionError(f"dtype must be torch.float32 or torch.float64, got {dtype}")
    m = re.fullmatch(r"mod_?(\d+)", name)
    if m:
        name, params = "mod", {"m": int(m.group(1)), **params}
    m = re.fullmatch(r"shuffle_?(\d+)", name)
    if m:
        name, params = "shuffle_k", {"k": int(m.group(1)), **params}
    m = re.fullmatch(r"dyck_(\d+)_(\d+)", name)
    if m:
        name, params = "dyck", {"K": int(m.group(1)), "h": int(m.group(2)), **params}
    if name not in _REGISTRY:
        close = difflib.get_close_matches(name, list(_REGISTRY), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else f"; known: {', '.join(list_constructions())}"
        raise ConstructionError(f"unknown construction {name!r}{hint}")
    try:
        return _REGISTRY[name](dtype=dtype, **params)
    except TypeError as e:
        raise ConstructionError(f"bad parameters for {name!r}: {e}") from None
