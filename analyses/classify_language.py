"""Classify a language algebraically and predict which architectures can express it.

    python -m analyses.classify_language NAME [--json]
    python -m analyses.classify_language --regex PATTERN --alphabet SYMBOLS [--json]
    python -m analyses.classify_language --dfa FILE.json [--json]
    python -m analyses.classify_language --suite paper [--json]

``--json`` prints exactly one JSON object (a list of objects with ``--suite``). Unknown names,
bad files and exceeded budgets (Green's structure: ``--max-orbit``, ``--max-seconds``) print one
line and exit 1; a monoid too big to enumerate (``--max-size``) is not an error: the fields that
need enumeration are reported as unknown.
"""
from __future__ import annotations

import argparse
import json
import sys

from analyses.cli import add_common_args, run_main


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
                   help="alphabet for --regex: a string of one-character symbols, or comma-separated")
    p.add_argument("--json", action="store_true", help="print JSON instead of tables")
    p.add_argument("--max-size", type=int, default=1_000_000,
                   help="largest monoid to enumerate (idempotents, aperiodicity index, varieties)")
    p.add_argument("--max-orbit", type=int, default=200_000, help="largest image/kernel orbit")
    p.add_argument("--max-seconds", type=float, default=20.0, help="time budget per stage")
    return add_common_args(p)


def _alphabet(text: str | None):
    from automata.errors import InvalidAutomatonError

    if not text:
        raise InvalidAutomatonError("--regex needs --alphabet")
    return [s for s in text.split(",") if s] if "," in text else list(text)


def _fmt_word(w) -> str:
    if isinstance(w, list):
        return " ".join(w) if w else "ε"
    return w if w else "ε"


def _print_one(c, console) -> None:
    from rich.table import Table

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
            ("maximal subgroups", groups), ("aperiodicity index", d["aperiodicity_index"])]
    if d["paper_group"]:
        rows.append(("paper's label", d["paper_group"]))
    if d["varieties"]:
        rows.append(("varieties", ", ".join(k for k, v in d["varieties"].items() if v) or "none"))
        unk = [k for k, v in d["varieties"].items() if v is None]
        if unk:
            rows.append(("varieties unknown", ", ".join(unk)))
    w = d["witness"]
    if w and "period" in w:
        rows.append(("witness", f"u={_fmt_word(w['u'])}  w={_fmt_word(w['w'])}  "
                                f"v={_fmt_word(w['v'])}: {w['statement']}"))
    elif w:
        rows.append(("witness", w["statement"]))
    for n in d["notes"]:
        rows.append(("note", n))
    for k, v in rows:
        t.add_row(k, "–" if v is None else str(v))
    console.print(t)
    p = Table(title=f"{c.language}: can the model express it?")
    for col in ("model", "verdict", "layers", "status", "reason", "reference"):
        p.add_column(col, overflow="fold")
    for pr in d["predictions"]:
        p.add_row(pr["model"], pr["expressible"], "–" if pr["layers"] is None else str(pr["layers"]),
                  pr["status"], pr["reason"], pr["reference"])
    console.print(p)


def _print_suite(results, console) -> None:
    from rich.table import Table

    t = Table(title="The paper's 27 languages")
    for col in ("language", "paper", "ours", "agree", "states", "monoid", "groups",
                "nonneg", "signed", "complex", "transformer"):
        t.add_column(col)
    for c in results:
        d = c.to_dict()
        pred = {p["model"]: p["expressible"] for p in d["predictions"]}
        t.add_row(c.language, c.paper_group or "–", c.label,
                  "yes" if c.label == c.paper_group else "NO",
                  str(c.states or "–"), str(c.monoid_size or "–"),
                  ", ".join(g["name"] or "?" for g in d["groups"]) or "–",
                  pred["ssm_nonnegative"], pred["ssm_signed"], pred["ssm_complex"],
                  pred["transformer"])
    console.print(t)


def main(argv=None) -> int:
    def body(args):
        from rich.console import Console

        from automata.classify import Budget, classify
        from automata.dfa import DFA

        budget = Budget(enumerate_max_size=args.max_size, orbit_max=args.max_orbit,
                        max_seconds=args.max_seconds)
        console = Console(width=160)
        if args.suite:
            from automata.languages import PAPER_SUITE

            results = [classify(n, budget=budget, strict=True) for n in PAPER_SUITE]
            if args.json:
                json.dump([r.to_dict() for r in results], sys.stdout)
                sys.stdout.write("\n")
            else:
                _print_suite(results, console)
            return 0
        if args.regex is not None:
            target, name = DFA.from_regex(args.regex, _alphabet(args.alphabet)), args.regex
        elif args.dfa is not None:
            target, name = DFA.from_json(args.dfa), args.dfa
        else:
            target, name = args.name, None
        c = classify(target, budget=budget, name=name, strict=True)
        if args.json:
            json.dump(c.to_dict(), sys.stdout)
            sys.stdout.write("\n")
        else:
            _print_one(c, console)
        return 0

    return run_main(body, build_parser(), argv)


if __name__ == "__main__":
    sys.exit(main())
