"""Section 4 of the study page: for a family predicted "yes", build the exact model and check it.

:func:`certify` is the one entry point the page calls. It uses what :mod:`ssm.constructions`
offers: a construction registered under the language's name (``parity``, ``mod_3``,
``tomita6``, ``dyck_K_h``, the counter languages, ...) built with the family's gate class, else
the general certified construction of :func:`ssm.constructions.certify.certify` (the
holonomy cascade for diagonal gates, Householder products, a saturated LSTM) for every family
it covers. Where nothing applies the result says so (``built`` false and a ``reason``) instead
of failing the page. The check compares the model's output
with the automaton's labels on ``n_strings`` strings of length ``check_length``.
"""
from __future__ import annotations

import time
from typing import Any

from ssm.constructions import ConstructionError, ConstructionRefused, build_construction
from ssm.constructions.certify import certify as certify_family

__all__ = ["certify", "GATE_OF_FAMILY"]

#: the gate class a diagonal-SSM family's construction is built with
GATE_OF_FAMILY = {"ssm_nonnegative": "nonnegative", "ssm_signed": "signed",
                  "ssm_complex": "complex"}


def _attempts(language: Any, gate: str):
    yield lambda: build_construction(language.name, gate=gate)
    if language.dfa is not None:
        yield lambda: build_construction("star_free", dfa=language.dfa, method="auto")


def certify(language: Any, family: str, *, check_length: int = 10_000, n_strings: int = 100,
            seed: int = 0) -> dict[str, Any]:
    """``{"family", "built", "reason"}`` plus, when built, the construction's ``name``,
    ``layers``, ``width``, ``gates``, ``theorem`` and the check's ``accuracy``,
    ``position_accuracy``, ``strings``, ``check_length``, ``first_error``, ``seconds``."""
    gate = GATE_OF_FAMILY.get(family)
    reasons = []
    for attempt in (_attempts(language, gate) if gate is not None else ()):
        t0 = time.perf_counter()
        try:
            c = attempt()
        except ConstructionRefused as e:
            reasons.append(f"refused: {str(e).splitlines()[0]}")
            continue
        except ConstructionError as e:
            msg = str(e).splitlines()[0]
            reasons.append(f"no construction is registered under the name {language.name!r}"
                           if msg.startswith("unknown construction") else msg)
            continue
        if tuple(c.alphabet) != tuple(language.alphabet):
            reasons.append(f"construction {c.name!r} is over another alphabet")
            continue
        res = c.check(check_length, n_strings, seed).to_dict()
        d = c.to_dict()
        return {"family": family, "built": True, "reason": "", "name": d["name"],
                "layers": d["layers"], "width": d["width"], "gates": d["gates"],
                "theorem": d["theorem"], "accuracy": res["accuracy"],
                "position_accuracy": res["position_accuracy"], "strings": res["strings"],
                "check_length": res["check_length"], "first_error": res.get("first_error"),
                "seconds": round(time.perf_counter() - t0, 2)}
    if language.dfa is not None:
        t0 = time.perf_counter()
        try:
            cert = certify_family(language, family, check_length=check_length, strings=n_strings,
                                  seed=seed).to_dict()
        except ConstructionError as e:  # refused (verdict no/unknown) or nothing built
            reasons.append(str(e).splitlines()[0])
        else:
            return {"family": family, "built": True, "reason": "",
                    "name": cert["construction"], "layers": cert["layers"],
                    "width": cert["width"], "gates": cert["gates"], "theorem": cert["theorem"],
                    "accuracy": cert["accuracy"], "position_accuracy": cert["position_accuracy"],
                    "strings": cert["strings"], "check_length": cert["check_length"],
                    "first_error": cert["first_error"],
                    "seconds": round(time.perf_counter() - t0, 2)}
    return {"family": family, "built": False,
            "reason": "; ".join(reasons) or "no construction applies"}
