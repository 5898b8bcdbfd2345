"""Classify a language algebraically and predict which architectures can express it.

    python -m analyses.classify_language NAME [--json]
    python -m analyses.classify_language --regex PATTERN --alphabet SYMBOLS [--json]
    python -m analyses.classify_language --dfa FILE.json [--json]
    python -m analyses.classify_language --suite paper [--json]
    ... [--draw dfa.svg] [--eggbox eggbox.svg]

``--json`` prints exactly one JSON object (a list of objects with ``--suite``) with, besides the
algebra, ``ac0`` (the quasi-aperiodicity certificate), ``families`` (each family's model-class
statement) and ``predictions`` (per family: ``model``, ``expressible``, ``min_layers``,
``max_layers``, ``status``, ``reason``, ``reference``, ``witness``). Unknown names,
bad files and exceeded budgets (Green's structure: ``--max-orbit``, ``--max-seconds``) print one
line and exit 1; a monoid too big to enumerate (``--max-size``) is not an error: the fields that
need enumeration are reported as unknown. ``--draw`` and ``--eggbox`` also write SVG drawings
of the minimal DFA and of the egg-box of the syntactic monoid (:mod:`automata.drawing`).
"""
from __future__ import annotations

import argparse
import json
import sys

from rich.console import Console
from rich.table import Table

from analyses.checks import require_numbers
from analyses.cli import add_common_args, parse_alphabet, run_main
from automata.classify import Budget, classify
from automata.dfa import DFA
from automata.errors import AutomatonFormatError, InvalidAutomatonError
from automata.languages import PAPER_SUITE, resolve_language


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m analyses.classify_language",
                                description="Syntactic monoid, groups, varieties and per-model "
                                            "expressibility verdicts with citations.")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("name", nargs="?", help="a registry name (see python -m analyses.list_languages)")
    src.add_argument("--regex", metavar="PATTERN", help="a regular expression (see automata.regex)")
    src.add_argument("--dfa", metavar="FILE", help="a DFA in the project's JSON format")
    src.add_argument("--suite", choices=["paper"], help="classify the paper's 27 languages")
    p.add_argument("--alphabet", metavar="SYMBOLS",
                   help="alphabet for --regex (required with it, refused without it): one-character "
                        "symbols ('ab') or comma-separated ('x1,x2'); empty or repeated symbols "
                        "and regex letters outside it are errors")
    p.add_argument("--json", action="store_true", help="print JSON instead of tables")
    p.add_argument("--certify", action="store_true", help="certify every yes by a built model "
                   "(analyses.certify_report); --certify-length, --certify-strings")
    p.add_argument("--certify-length", type=int, default=10_000)
    p.add_argument("--certify-strings", type=int, default=100)
    p.add_argument("--max-size", type=int, default=1_000_000,
                   help="largest monoid to enumerate (idempotents, aperiodicity index, varieties); "
                        "past 128 states, MAX_SIZE x 128 entries; >= 1 (default 1000000)")
    p.add_argument("--max-orbit", type=int, default=200_000,
                   help="largest image/kernel orbit; past 128 states, MAX_ORBIT x 128 entries; "
                        ">= 1 (default 200000)")
    p.add_argument("--max-seconds", type=float, default=20.0,
                   help="time budget per stage, seconds > 0 (default 20)")
    p.add_argument("--draw", metavar="FILE.svg",
                   help="also draw the minimal DFA (graphviz dot when installed, else matplotlib)")
    p.add_argument("--eggbox", metavar="FILE.svg",
                   help="also draw the egg-box of the syntactic monoid's D-classes (the D-class "
                        "poset only, for large monoids)")
    return add_common_args(p)


def _fmt_word(w) -> str:
    if isinstance(w, list):
        return " ".join(w) if w else "ε"
    return w if w else "ε"


def layers_text(pr: dict) -> str:
    """``min–max`` layers: ``≥ k`` when only a lower bound is proven, ``–`` when neither."""
    lo, hi = pr.get("min_layers"), pr.get("max_layers")
    if lo is None and hi is None:
        return "–"
    if hi is None:
        return f"≥ {lo}"
    if lo is None or lo == hi:
        return str(hi)
    return f"{lo}–{hi}"


def _witness_text(w: dict | None) -> str:
    if not w:
        return "–"
    if "u" in w and "period" in w:
        return (f"u={_fmt_word(w['u'])} w={_fmt_word(w['w'])} v={_fmt_word(w['v'])}: "
                f"{w['statement']}")
    return w.get("statement", "")


def _print_one(c, console) -> None:
    d = c.to_dict()
    t = Table(title=f"{c.language}: algebra", show_header=False)
    t.add_column("field")
    t.add_column("value")
    groups = ", ".join(f"{g['name'] or '?'} (order {g['order']}"
                       f"{', solvable' if g['solvable'] else ', not solvable'})"
                       for g in d["groups"]) or "none (all trivial)"
    rows = [("regular", d["regular"]), ("states (minimal DFA)", d["states"]),
            ("monoid size", d["monoid_size"]), ("D-classes", d["d_classes"]),
            ("idempotents", d["idempotents"]), ("aperiodic = star-free", d["aperiodic"]),
            ("maximal subgroups", groups), ("aperiodicity index", d["aperiodicity_index"]),
            ("AC0 (quasi-aperiodic)", d["ac0"]["statement"] if d["ac0"] else None)]
    if d["paper_group"]:
        rows.append(("paper's label", d["paper_group"]))
    if d["varieties"]:
        rows.append(("varieties", ", ".join(k for k, v in d["varieties"].items() if v) or "none"))
        unk = [k for k, v in d["varieties"].items() if v is None]
        if unk:
            rows.append(("varieties unknown", ", ".join(unk)))
    w = d["witness"]
    if w and "period" in w:
        rows.append(("witness", _witness_text(w)))
    elif w:
        rows.append(("witness", w["statement"]))
    for n in d["notes"]:
        rows.append(("note", n))
    for k, v in rows:
        t.add_row(k, "–" if v is None else str(v))
    console.print(t)
    p = Table(title=f"{c.language}: can the model express it? (layers: proven lower bound – "
                    f"depth of a known construction)")
    for col in ("model", "model class", "verdict", "layers", "status", "reason", "witness",
                "reference"):
        p.add_column(col, overflow="fold")
    for pr in d["predictions"]:
        p.add_row(pr["model"], d["families"][pr["model"]], pr["expressible"], layers_text(pr),
                  pr["status"], pr["reason"], _witness_text(pr.get("witness")),
                  pr["reference"])
    console.print(p)


_SHORT = {"ssm_nonnegative": "nonneg", "ssm_time_invariant": "t-inv", "ssm_signed": "signed",
          "ssm_complex": "complex", "lrnn_householder": "HH", "lrnn_householder_positive": "HH+",
          "lstm": "lstm", "transformer_masked_hard": "T-mask", "transformer_hard_pe": "T-pe",
          "transformer_soft": "T-soft"}
_VERDICT = {"yes": "yes", "no": "no", "unknown": "?", "unbounded-precision": "unb."}


def _suite_cell(pr: dict) -> str:
    """Verdict, with layers only when they say more than "at least 1"."""
    v = _VERDICT[pr["expressible"]]
    if pr["expressible"] != "yes" or (pr.get("min_layers") in (None, 1)
                                      and pr.get("max_layers") is None):
        return v
    return f"{v} {layers_text(pr)}"


_LABEL = {"star-free": "SF", "non-star-free": "non-SF", "counter": "ctr", "unknown": "?"}


def _print_suite(results, console) -> None:
    t = Table(title="The paper's 27 languages (SF = star-free; yes k = k layers, ≥ k = at least "
                    "k; python -m analyses.classify_language NAME shows each model class)")
    t.add_column("language", no_wrap=True)
    for col in ("paper", "ours", "agree", "states", "monoid", "groups", "AC0",
                *_SHORT.values()):
        t.add_column(col)
    for c in results:
        d = c.to_dict()
        pred = {p["model"]: p for p in d["predictions"]}
        ac0 = d["ac0"]["ac0"] if d["ac0"] else None
        t.add_row(c.language, _LABEL.get(c.paper_group, c.paper_group or "–"),
                  _LABEL[c.label], "yes" if c.label == c.paper_group else "NO",
                  str(c.states or "–"), str(c.monoid_size or "–"),
                  ", ".join(g["name"] or "?" for g in d["groups"]) or "–",
                  "–" if ac0 is None else ("yes" if ac0 else "no"),
                  *(_suite_cell(pred[f]) for f in _SHORT))
    console.print(t)
    console.print("  ".join(f"{short} = {fam}" for fam, short in _SHORT.items()))


def _draw(args, target) -> None:
    """``--draw`` / ``--eggbox``: the pictures of the minimal DFA (regular languages only)."""
    from automata.drawing import draw_dfa, draw_eggbox  # matplotlib/graphviz: only when drawing

    if target is None:
        target = {"regex": args.regex, "alphabet": parse_alphabet(args.alphabet)}
    dfa = resolve_language(target).dfa
    if dfa is None:
        raise InvalidAutomatonError("--draw and --eggbox need a regular language (no DFA here)")
    dfa = dfa.minimize()
    if args.draw:
        draw_dfa(dfa, args.draw)
    if args.eggbox:
        draw_eggbox(dfa, args.eggbox, max_seconds=args.max_seconds)


def main(argv=None) -> int:
    def body(args):
        require_numbers(args, at_least_1=["max_size", "max_orbit", "certify_length",
                                            "certify_strings"], seconds=["max_seconds"])
        if args.alphabet is not None and args.regex is None:
            raise AutomatonFormatError("--alphabet applies to --regex only")
        budget = Budget(enumerate_max_size=args.max_size, orbit_max=args.max_orbit,
                        max_seconds=args.max_seconds)
        console = Console(width=160)
        if args.suite and (args.draw or args.eggbox):
            raise ValueError("--draw and --eggbox draw one language, not --suite")
        if args.suite:
            results = [classify(n, budget=budget, strict=True) for n in PAPER_SUITE]
            if args.json:
                json.dump([r.to_dict() for r in results], sys.stdout)
                sys.stdout.write("\n")
            else:
                _print_suite(results, console)
            return 0
        if args.regex is not None:
            c = classify(regex=args.regex, alphabet=parse_alphabet(args.alphabet), budget=budget,
                         strict=True)
        else:
            if args.dfa is not None:
                target, name = DFA.from_json(args.dfa), args.dfa
            else:
                target, name = args.name, None
            c = classify(target, budget=budget, name=name, strict=True)
        if args.draw or args.eggbox:
            _draw(args, target if args.regex is None else None)
        certs = None
        if args.certify:
            from analyses.certify_report import certificate_lines, certificates  # torch: only here
            src = ({"regex": args.regex, "alphabet": list(parse_alphabet(args.alphabet))}
                   if args.regex is not None else target)
            certs = certificates(src, c, args.certify_length, args.certify_strings)
        if args.json:
            json.dump({**c.to_dict(), **({"certificates": certs} if certs is not None else {})},
                      sys.stdout)
            sys.stdout.write("\n")
        else:
            _print_one(c, console)
            if certs is not None:
                sys.stdout.write("\n".join(certificate_lines(certs)) + "\n")
        return 0

    return run_main(body, build_parser(), argv)


if __name__ == "__main__":
    sys.exit(main())
