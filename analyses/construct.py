"""Build one of the theorems' hand-set SSMs and check it far beyond any training length.

    python -m analyses.construct NAME | --ltl FORMULA | --regex REGEX [--alphabet ab]
        [--param KEY=VALUE ...]
        [--gate nonnegative|signed|complex] [--check-length 10000] [--strings 1000] [--seed 0]
        [--dtype float32|float64] [--precision] [--nonnegative-demo] [--json]
    python -m analyses.construct (NAME | --regex R --alphabet A | --dfa FILE) --family F
        [--check-length 10000] [--strings 1000] [--dtype float32|float64] [--json]
    python -m analyses.construct --list

NAME is a registered construction (``flip_flop``, ``parity``, ``mod3``, ``tomita6``, ``dyck1``,
``shuffle_4``, ``anbn``, ``anbncn``, ``anbncndn``, ``dyck_8_10``, ``star_free`` with
``--param language=tomita7``, ...). ``--regex`` builds the star-free construction of a regex
(partially ordered minimal DFAs only; see :mod:`ssm.constructions.star_free`). The command reports the
layers, the state width and the gate values, then compares the model's per-position output with
the language's labels on ``--strings`` test strings of length ``--check-length`` (how they are
drawn is documented per construction: FFL(p) for flip-flop, uniform random words for mod m and
LTL, members / valid prefixes and their one-symbol perturbations for the counter languages,
random Dyck(K, h) walks for Dyck). ``accuracy`` is the fraction of strings right at every
position. ``--precision`` adds the measured precision limit of a counter construction;
``--nonnegative-demo`` runs the numerical non-negative-gate PARITY argument.

With ``--family F`` (``ssm_nonnegative``, ``ssm_signed``, ``ssm_complex``,
``ssm_time_invariant``, ``lrnn_householder``, ``lstm``) NAME is a registered *language* and the
command certifies the classifier's verdict (:mod:`ssm.constructions.certify`): on ``yes`` it
builds the family's exact model (holonomy cascade, Householder layer or saturated LSTM), checks
it against the minimal DFA and prints layers and width beside the classifier's ``min_layers``;
on any other verdict it exits 1 with the theorem and the witness. ``--list`` prints the
constructions and the families.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time

from analyses.checks import require_numbers
from analyses.cli import add_common_args, parse_alphabet, run_main


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m analyses.construct",
                                description="Build a theorem's SSM by hand and check it at length.")
    p.add_argument("name", nargs="?", help="construction name (see ssm.constructions.list_constructions); "
                   "with --family: a registered language")
    p.add_argument("--family", help="certify the verdict of this family by a built model "
                   "(ssm_nonnegative, ssm_signed, ssm_complex, ssm_time_invariant, "
                   "lrnn_householder, lstm)")
    p.add_argument("--dfa", metavar="FILE", help="with --family: a DFA JSON file")
    p.add_argument("--list", action="store_true", help="list constructions and families")
    p.add_argument("--sampler", choices=["walks", "members"], default="walks",
                   help="with --family: random walks through live states (default) or uniform "
                   "members")
    p.add_argument("--ltl", metavar="FORMULA", help="compile a past-LTL formula instead of NAME")
    p.add_argument("--regex", help="star-free construction of a regular expression (needs --alphabet)")
    p.add_argument("--alphabet", help="alphabet for --ltl / mod: a string of one-character symbols "
                   "or a comma-separated list")
    p.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                   help="construction parameter, e.g. K=8, h=10, m=5, k=4, p_ignore=0.98")
    p.add_argument("--gate", choices=["nonnegative", "signed", "complex"],
                   help="gate class to build with (refused where the theorem forbids it)")
    p.add_argument("--check-length", type=int, default=10_000)
    p.add_argument("--strings", type=int, default=1000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    p.add_argument("--precision", action="store_true",
                   help="counter languages: measure the first failing length (windowed run)")
    p.add_argument("--nonnegative-demo", action="store_true",
                   help="run the non-negative-gate PARITY argument numerically and report it")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    return add_common_args(p)


def _value(text: str):
    """``--param`` values: plain integers and decimals become numbers, anything else stays text
    (so ``language=012_02`` is not read as the Python literal 1202)."""
    if re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    if re.fullmatch(r"[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?", text):
        return float(text)
    return text


def _alphabet(text: str):
    return tuple(parse_alphabet(text))


def _fmt_gate(g) -> str:
    if isinstance(g, dict):
        return f"{g['re']:.4g}{g['im']:+.4g}i"
    return f"{g:g}"


def _certify(args) -> int:
    import torch

    from automata import DFA
    from ssm.constructions import ConstructionError
    from ssm.constructions.certify import CERTIFIED_FAMILIES, certify

    if args.family not in CERTIFIED_FAMILIES:
        raise ConstructionError(f"--family must be one of {', '.join(CERTIFIED_FAMILIES)}, "
                                f"got {args.family!r}")
    if (args.name is not None) + (args.regex is not None) + (args.dfa is not None) != 1:
        raise ConstructionError("give exactly one of NAME, --regex REGEX or --dfa FILE")
    if args.ltl or args.param or args.gate or args.precision or args.nonnegative_demo:
        raise ConstructionError("--family takes no --ltl, --param, --gate, --precision or "
                                "--nonnegative-demo")
    if args.check_length < 1 or args.strings < 1:
        raise ConstructionError("--check-length and --strings must be >= 1")
    if args.regex is not None:
        if not args.alphabet:
            raise ConstructionError("--regex needs --alphabet")
        lang = {"regex": args.regex, "alphabet": list(_alphabet(args.alphabet))}
    elif args.dfa is not None:
        lang = DFA.from_json(args.dfa)
    else:
        lang = args.name
    dtype = torch.float32 if args.dtype == "float32" else torch.float64
    r = certify(lang, args.family, check_length=args.check_length, strings=args.strings,
                dtype=dtype, seed=args.seed,
                name=f"regex: {args.regex}" if args.regex is not None else None,
                sampler=args.sampler).to_dict()
    if args.json:
        json.dump(r, sys.stdout)
        sys.stdout.write("\n")
        return 0
    comps = "; ".join(f"level {c['level']}: {c['group']} on {c['points']} points, "
                      f"{c['resets']} resets" if "level" in c else
                      ", ".join(f"{k} {v}" for k, v in c.items()) for c in r["components"]) or "—"
    gates = (", ".join(_fmt_gate(g) for g in r["gates"]) if isinstance(r["gates"], list)
             else json.dumps(r["gates"]))
    lines = [f"language: {r['language']}   family: {r['family']}   construction: "
             f"{r['construction']} ({r['note']})",
             f"layers: {r['layers']} (classifier min_layers: {r['min_layers']})   width: "
             f"{r['width']} {tuple(r['layer_widths'])}",
             f"gates: {gates}   dtype: {r['dtype']}",
             f"components: {comps}",
             f"check: {r['strings']} strings of length {r['check_length']} ({r['sampler']}, seed "
             f"{args.seed}): accuracy {100 * r['accuracy']:.2f}% of strings, "
             f"{100 * r['position_accuracy']:.4f}% of positions"]
    if r["first_error"]:
        lines.append(f"first error: {r['first_error']}")
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


def _list() -> int:
    from ssm.constructions import list_constructions
    from ssm.constructions.certify import CERTIFIED_FAMILIES
    sys.stdout.write("constructions: " + ", ".join(list_constructions()) + "\n"
                     "families (--family): " + ", ".join(CERTIFIED_FAMILIES) + "\n")
    return 0


def main(argv=None) -> int:
    def body(args):
        import torch

        from ssm.constructions import (ConstructionError, build_construction,
                                       nonnegative_parity_demo, precision_limit)
        from ssm.constructions.counters import COUNTER_LANGUAGES

        torch.set_num_threads(1)
        if args.list:
            return _list()
        if args.family is not None:
            return _certify(args)
        if args.dfa is not None:
            raise ConstructionError("--dfa needs --family")
        if (args.name is not None) + (args.ltl is not None) + (args.regex is not None) != 1:
            raise ConstructionError("give exactly one of NAME, --ltl FORMULA or --regex REGEX")
        require_numbers(args, at_least_1=["check_length", "strings"], at_least_0=["seed"])
        params = {}
        for item in args.param:
            if "=" not in item:
                raise ConstructionError(f"--param expects KEY=VALUE, got {item!r}")
            key, val = item.split("=", 1)
            params[key.strip()] = _value(val.strip())
        if args.gate:
            params["gate"] = args.gate
        if args.alphabet is not None:
            params["alphabet"] = _alphabet(args.alphabet)
        dtype = torch.float32 if args.dtype == "float32" else torch.float64
        name = args.name
        if args.ltl is not None:
            name, params["formula"] = "ltl", args.ltl
        if args.regex is not None:
            name, params["regex"] = "star_free", args.regex
        t0 = time.perf_counter()
        c = build_construction(name, dtype=dtype, **params)
        res = c.check(args.check_length, args.strings, args.seed)
        out = c.to_dict()
        out.update(res.to_dict())
        out["seed"] = args.seed
        out["seconds"] = round(time.perf_counter() - t0, 3)
        if args.precision:
            base = c.name if c.name in COUNTER_LANGUAGES else None
            if c.name.startswith("shuffle"):
                base = "shuffle_k"
            if base is None:
                raise ConstructionError("--precision applies to the counter constructions "
                                        f"{list(COUNTER_LANGUAGES)}")
            k = c.layer_widths[0] if base == "shuffle_k" else None
            out["precision_limit"] = [precision_limit(base, dt, k=k, window=4096).to_dict()
                                      for dt in (torch.float32, torch.float64)]
        if args.nonnegative_demo:
            out["nonnegative_demo"] = nonnegative_parity_demo(dtype=dtype).summary
        if args.json:
            json.dump(out, sys.stdout)
            sys.stdout.write("\n")
            return 0
        gates = ", ".join(_fmt_gate(g) for g in out["gates"]) or "none"
        lines = [f"construction: {out['name']}   language: {out['language']}",
                 f"layers: {out['layers']}   width: {out['width']} {tuple(out['layer_widths'])}"
                 + (f"   (1 + h*ceil(log2 K); bound O(h log K): h*log2 K = "
                    f"{out['info']['bound_h_log2_K']})" if out["name"] == "dyck" else ""),
                 f"gates: {gates}   dtype: {out['dtype']}",
                 f"theorem: {out['theorem']}",
                 f"check: {out['strings']} strings of length {out['check_length']} (seed {args.seed}): "
                 f"accuracy {100 * out['accuracy']:.2f}% of strings, "
                 f"{100 * out['position_accuracy']:.4f}% of positions"]
        if out["first_error"]:
            lines.append(f"first error: {out['first_error']}")
        for pl in out.get("precision_limit", []):
            lines.append(f"precision ({pl['dtype']}): first failing prefix length "
                         f"{pl['measured']} (predicted 2^(p+1)+1 = {pl['predicted']}; {pl['method']})")
        if "nonnegative_demo" in out:
            lines.append(f"non-negative PARITY demo: {out['nonnegative_demo']}")
        sys.stdout.write("\n".join(lines) + "\n")
        return 0

    return run_main(body, build_parser(), argv)


if __name__ == "__main__":
    sys.exit(main())
