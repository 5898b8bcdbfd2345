"""Verdicts per (language, family) and the agreement statistic between verdicts and runs.

A cell *agrees* when the verdict is yes and bin-2 accuracy >= 90 %, or the verdict is no and
bin-2 accuracy < 90 %. Undecided: any other verdict (unknown, unbounded-precision, n/a), no
bin-2 accuracy, or a yes that the classifier states for at least k layers while the cell has
fewer (the verdict says nothing about shallower models), or a Householder cell
(``lrnn_householder``) with fewer reflections per token than the construction behind the yes
uses: the one-layer permutation construction of :mod:`automata.reflections` for permutation
automata (``n_householder >= reflections_per_token``); for languages with resets the theorem
states no factor count, so such cells are undecided too (the class statement reads "as many
factors per token as the construction needs"). The cell's family comes from
:func:`ssm.architectures.family_of`.

>>> verdict_label({"expressible": "yes"}), verdict_label({"expressible": None})
('yes', 'unknown')
"""
from __future__ import annotations

from typing import Any, Mapping

from automata.classify import classify
from automata.errors import AutomatonError
from automata.languages import resolve_language
from automata.reflections import reflections_per_token
from ssm.experiments.grid import get_cell
from ssm.experiments.selection import bin_accuracy

__all__ = ["verdict_label", "verdicts", "agreement", "decide", "tally", "THRESHOLD"]

THRESHOLD = 0.9
#: Families whose yes rests on products of reflections (β up to 2), so on a factor count.
HOUSEHOLDER_FAMILIES = ("lrnn_householder",)


def verdict_label(prediction: Any) -> str:
    """``"yes"``, ``"no"`` or the classifier's own word (e.g. ``"unknown"``) for one prediction."""
    v = prediction.get("expressible") if isinstance(prediction, Mapping) else getattr(prediction, "expressible", None)
    if v is True or (isinstance(v, str) and v.lower() in ("yes", "true")):
        return "yes"
    if v is False or (isinstance(v, str) and v.lower() in ("no", "false")):
        return "no"
    return "unknown" if v is None else str(v)


def verdicts(language: Any) -> dict[str, dict[str, Any]]:
    """``family -> {"label", "status", "layers", "reason"}`` from :func:`automata.classify.classify`;
    empty when the classifier refuses this language (e.g. over its budget)."""
    try:
        lang = resolve_language(language)
        cls = classify(lang)
    except AutomatonError:
        return {}
    out = {}
    for p in cls.predictions:
        out[str(p.model)] = {"label": verdict_label(p), "status": getattr(p, "status", None),
                             # the fewest layers the yes is stated for
                             "layers": getattr(p, "min_layers", getattr(p, "layers", None)),
                             "reason": getattr(p, "reason", None)}
        if str(p.model) in HOUSEHOLDER_FAMILIES and out[str(p.model)]["label"] == "yes":
            dfa = lang.dfa                   # factors per token the construction uses
            out[str(p.model)]["reflections"] = reflections_per_token(dfa.minimize())
    return out


def decide(lang: str, cell: str, verdict_map: Mapping[str, Mapping[str, dict]],
           solved: bool | None) -> dict[str, Any]:
    """One cell's agreement row: ``agrees`` is ``True``/``False`` when decided (verdict yes/no,
    an observation, enough layers), else ``None`` with ``why``. ``solved``: does the observation
    reach the threshold (``None``: no observation)."""
    c = get_cell(cell)
    vd = verdict_map.get(lang, {}).get(c.family, {})
    v = vd.get("label", "n/a")
    too_shallow = v == "yes" and vd.get("layers") is not None and c.layers < vd["layers"]
    few = None
    if v == "yes" and c.family in HOUSEHOLDER_FAMILIES:
        need, have = vd.get("reflections"), int(dict(c.options).get("n_householder", 1))
        if need is None:
            few = (f"{have} reflection(s) per token; the theorem states no factor count for a "
                   "language with resets")
        elif have < need:
            few = (f"the one-layer construction uses {need} reflections per token; the cell has "
                   f"{have}")
    row: dict[str, Any] = {"language": lang, "cell": cell, "family": c.family, "verdict": v}
    if v in ("yes", "no") and solved is not None and not too_shallow and few is None:
        row["agrees"] = (v == "yes") == solved
    else:
        row.update(agrees=None, why="needs more layers" if too_shallow else few
                   or "no yes/no verdict or no bin 2")
    return row


def agreement(best: Mapping[tuple[str, str], dict], verdict_map: Mapping[str, Mapping[str, dict]],
              threshold: float = THRESHOLD) -> dict[str, Any]:
    """Agreement between verdicts and observations over the selected runs (see the module)."""
    rows = []
    for (lang, cell), r in sorted(best.items()):
        b2 = bin_accuracy(r, 1)
        row = decide(lang, cell, verdict_map, None if b2 is None else b2 >= threshold)
        row["bin2"] = b2
        rows.append(row)
    return tally(rows, threshold)


def tally(rows: list[dict[str, Any]], threshold: float = THRESHOLD) -> dict[str, Any]:
    """Counts of agreeing, disagreeing and undecided rows (:func:`decide`'s ``agrees``), the
    rate over the decided ones, and the rows themselves as ``cells``."""
    agree = sum(r["agrees"] is True for r in rows)
    disagree = sum(r["agrees"] is False for r in rows)
    decided = agree + disagree
    return {"agree": agree, "disagree": disagree, "undecided": len(rows) - decided,
            "rate": agree / decided if decided else None, "threshold": threshold, "cells": rows}
