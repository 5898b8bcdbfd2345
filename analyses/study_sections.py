"""Sections 1-4 of the study page: the language, its algebra, the verdicts, the constructions.

Each function returns a :class:`analyses.study_page.Section` and a dict of the numbers behind
it (saved in ``study.json``).
"""
from __future__ import annotations

from typing import Any

from automata.classify import classify
from automata.drawing import dfa_engine, draw_dfa, draw_eggbox, eggbox_data
from automata.errors import AutomatonError
from automata.sampling import sample_members, sample_nonmembers
from automata.verdicts import FAMILY_STATEMENTS, REFERENCES

from analyses.classify_language import layers_text
from analyses.study_constructions import certify
from analyses.study_page import Bullets, Figure, Section, Table, Text

__all__ = ["language_section", "algebra_section", "verdict_section", "construction_section",
           "reference_keys", "layers_text"]


def _word(w) -> str:
    if isinstance(w, str):
        return w if w else "ε"
    return " ".join(w) if w else "ε"


def _samples(language, sampler, n: int, seed: int, max_length: int = 12) -> list[str]:
    out: list[str] = []
    for length in range(1, max_length + 1):
        try:
            out += [_word(w) for w in sampler(language, length, 1, seed + length)]
        except AutomatonError:                     # no such string of this length
            continue
        if len(out) >= n:
            break
    return out[:n]


def language_section(language, definition: str) -> tuple[Section, dict[str, Any]]:
    s = Section("language", "1. The language")
    s.blocks.append(Text(f"{language.name}: {language.description or 'no description'}. "
                         f"Alphabet {{{', '.join(language.alphabet)}}}; {language.kind}"
                         + (f"; the paper's group: {language.paper_group}"
                            if language.paper_group else "") + f". Definition: {definition}."))
    members = _samples(language, sample_members, 8, 0)
    non = _samples(language, sample_nonmembers, 8, 100)
    s.blocks.append(Table(["members (lengths 1-12, one per length)", "non-members"],
                          [[m, x] for m, x in zip(members + [""] * 8, non + [""] * 8)
                           if m or x]))
    info: dict[str, Any] = {"members": members, "non_members": non}
    if language.dfa is not None:
        d = language.dfa.minimize()
        engine = dfa_engine()
        try:
            svg = draw_dfa(d)
            s.blocks.append(Figure("dfa.svg", f"The minimal DFA ({d.n_states} states; drawn "
                                   f"with {engine}). Double circle: accepting; arrow from "
                                   "nowhere: initial; dashed grey: the rejecting sink.", svg=svg))
        except AutomatonError as e:
            s.blocks.append(Text(f"The minimal DFA is not drawn: {e}", kind="note"))
        info.update(states=d.n_states, engine=engine)
    else:
        s.blocks.append(Text("A counter language: no finite automaton to draw.", kind="note"))
    return s, info


def _yn(v) -> str:
    return "unknown" if v is None else ("yes" if v else "no")


def algebra_section(language, max_seconds: float = 20.0) -> tuple[Section, Any]:
    c = classify(language)
    d = c.to_dict()
    s = Section("algebra", "2. The algebra")
    groups = ", ".join(f"{g['name'] or '?'} (order {g['order']}, "
                       f"{'solvable' if g['solvable'] else 'not solvable'})"
                       for g in d["groups"]) or "none (every maximal subgroup is trivial)"
    rows = [["minimal DFA states", d["states"]], ["syntactic monoid size", d["monoid_size"]],
            ["D-classes", d["d_classes"]], ["idempotents", d["idempotents"]],
            ["aperiodic (star-free, Schützenberger 1965)", _yn(d["aperiodic"])],
            ["aperiodicity index", d["aperiodicity_index"]],
            ["maximal subgroups", groups],
            ["AC0 (quasi-aperiodic, Barrington et al. 1992)",
             d["ac0"]["statement"] if d["ac0"] else "unknown"]]
    w = d["witness"]
    if w:
        rows.append(["aperiodicity certificate" if d["aperiodic"] is False else "witness",
                     w.get("statement", "")])
    elif d["aperiodic"]:
        idx = d["aperiodicity_index"]
        rows.append(["aperiodicity certificate",
                     f"x^{idx} = x^{idx + 1} for every element x of the monoid"
                     if idx else "every H-class is trivial (Green's structure)"])
    if d["varieties"]:
        rows.append(["varieties that hold", ", ".join(k for k, v in d["varieties"].items() if v)
                     or "none"])
        unk = [k for k, v in d["varieties"].items() if v is None]
        if unk:
            rows.append(["varieties unknown (over budget)", ", ".join(unk)])
    s.blocks.append(Table(["property", "value"], [[k, "–" if v is None else v] for k, v in rows]))
    for n in d["notes"]:
        s.blocks.append(Text(n, kind="note"))
    if language.dfa is not None:
        try:
            e = eggbox_data(language.dfa, max_seconds=max_seconds)
            s.blocks.append(Figure("eggbox.svg", {
                "eggbox": "Egg-box of the syntactic monoid: one box per D-class (top: the "
                          "identity's; lines: the J-order), rows R-classes, columns L-classes; "
                          "each cell an H-class with the shortest words of its elements; shaded "
                          "cells are groups (named when non-trivial), * marks the idempotent.",
                "poset": "The D-class poset of the syntactic monoid (too many elements to list "
                         "them): each box a D-class with its R × L grid and |H|; shaded: a "
                         "non-trivial maximal subgroup.",
                "ranks": "The D-classes of the syntactic monoid by rank (too large to enumerate: "
                         "the J-order is not drawn)."}[e.mode], svg=draw_eggbox(e)))
        except AutomatonError as e:
            s.blocks.append(Text(f"The egg-box is not drawn: {e}", kind="note"))
    return s, c


def reference_keys(text: str) -> list[str]:
    """The bibliography keys (:data:`automata.verdicts.REFERENCES`) a reference text cites."""
    return [k for k, v in REFERENCES.items() if v and v in (text or "")]


def verdict_section(c) -> tuple[Section, dict[str, dict]]:
    s = Section("verdicts", "3. Verdicts per model family")
    s.blocks.append(Text("Each verdict is a claim about the model class in the second column, "
                         "with its citation; 'derived' means it follows from the cited results "
                         "by the argument in the reason. Layers: proven lower bound – depth of "
                         "a known construction."))
    rows, out, cited = [], {}, []
    for p in c.to_dict()["predictions"]:
        keys = reference_keys(p["reference"])
        cited += [k for k in keys if k not in cited]
        out[p["model"]] = p
        rows.append([p["model"], FAMILY_STATEMENTS[p["model"]], p["expressible"], layers_text(p),
                     p["status"], p["reason"] + ("" if keys or p["reference"].strip() in ("", "—", "-", "–")
                                   else f" ({p['reference']})"),
                     ",".join(keys)])
    s.blocks.append(Table(["family", "model class", "verdict", "layers", "status", "reason",
                           "cited"], rows, refs_column=6, verdict_column=2))
    s.blocks.append(Text("References", kind="p"))
    for k in cited:
        s.blocks.append(Text(f"[{k}] {REFERENCES[k]}", anchor=f"ref-{k}"))
    return s, out


def construction_section(language, verdicts: dict[str, dict], *, check_length: int,
                         n_strings: int) -> tuple[Section, list[dict]]:
    s = Section("constructions", "4. Constructions")
    yes = [f for f, p in verdicts.items() if p["expressible"] == "yes"]
    s.blocks.append(Text(f"For every family predicted yes, the hand-set model "
                         f"(ssm.constructions; nothing trained), checked against the "
                         f"automaton on {n_strings} strings of length {check_length:,}."))
    results = [certify(language, f, check_length=check_length, n_strings=n_strings)
               for f in yes]
    rows = []
    for r in results:
        if r["built"]:
            rows.append([r["family"], r["name"], r["layers"], r["width"],
                         f"{100 * r['accuracy']:.2f} % of strings, "
                         f"{100 * r['position_accuracy']:.3f} % of positions",
                         r["theorem"], f"{r['seconds']:.1f}"])
        else:
            rows.append([r["family"], "not built", "–", "–", "–", r["reason"], "–"])
    if rows:
        s.blocks.append(Table(["family", "construction", "layers", "width",
                               f"check at length {check_length:,}", "theorem / reason", "s"],
                              rows))
    else:
        s.blocks.append(Text("No family is predicted yes: nothing to construct.", kind="note"))
    if any(not r["built"] for r in results):
        s.blocks.append(Bullets(["'not built' is a gap of this toolkit, not a verdict: the "
                                 "verdict's citation gives the construction on paper."]))
    return s, results
