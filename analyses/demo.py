"""The main job on a small default: predict, construct, train — in a few minutes on a CPU.

    python -m analyses.demo [--out runs/demo] [--no-train] [--debug]

1. **Predict**: classify the paper's 27 languages (syntactic monoid → verdicts), its labels beside
   ours (``python -m analyses.classify_language --suite paper``).
2. **Construct**: build the theorems' SSMs by hand and check them on sampled strings of length
   10,000 (``python -m analyses.construct``): flip-flop with non-negative gates, parity with a
   signed gate, counting mod 3 with a complex gate, Dyck(2,3); and show that parity is refused
   for non-negative gates, with the theorem's reason.
3. **Train**: small Mamba models with non-negative and signed gates on a star-free language
   (Tomita 2) and a non-star-free one (parity), evaluated on longer strings than seen in training
   (``python -m analyses.train``); the verdicts of step 1 beside what was observed. The runs go
   under ``--out`` and resume if interrupted.

Everything printed is computed on the spot; nothing is read from stored results.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
from pathlib import Path

from analyses.cli import add_common_args, run_main

#: (language, gate) pairs trained by the demo, and the shared small settings.
DEMO_RUNS = (("tomita2", "nonnegative"), ("tomita2", "signed"),
             ("parity", "nonnegative"), ("parity", "signed"))
DEMO_SETTINGS = ("--layers", "1", "--width", "32", "--set", "model.d_state=4",
                 "--set", "data.n_train=2000", "--set", "data.n_eval=200",
                 "--set", "data.eval_bins=[[1,50],[51,100]]",
                 "--set", "train.max_epochs=5", "--set", "train.lr=0.003")
CONSTRUCTIONS = (("flip_flop", ()), ("parity", ("--gate", "signed")),
                 ("tomita6", ()), ("dyck", ("--param", "K=2", "--param", "h=3")))


def _json_of(main, argv) -> dict:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        rc = main(argv)
    if rc != 0:
        raise ValueError(f"{main.__module__} {' '.join(argv)} failed (exit {rc})")
    return json.loads(buf.getvalue().strip().splitlines()[-1])


def _fmt_gate(g) -> str:
    if isinstance(g, dict):  # a complex gate, serialized as {"re", "im"}
        return f"{g['re']:+.3g}{g['im']:+.3g}i"
    return f"{g:g}"


def _section(title: str) -> None:
    print(f"\n== {title} " + "=" * max(0, 70 - len(title)))


def body(args: argparse.Namespace) -> int:
    from analyses import classify_language, construct, train

    if Path(args.out).exists() and not Path(args.out).is_dir():
        raise ValueError(f"--out {args.out} exists and is not a directory")
    from automata.classify import classify
    from automata.languages import get_language
    from ssm.architectures import family_of
    from ssm.config import ModelConfig

    _section("1. Predict: the paper's 27 languages, classified from their syntactic monoids")
    classify_language.main(["--suite", "paper"])

    _section("2. Construct: the theorems' SSMs built by hand, checked at length 10,000")
    print(f"{'construction':<14}{'layers':>7}{'width':>7}  {'gates':<30}{'strings':>8}{'accuracy':>10}")
    for name, extra in CONSTRUCTIONS:
        r = _json_of(construct.main, [name, *extra, "--check-length", "10000", "--strings", "20",
                                      "--json"])
        gates = ", ".join(_fmt_gate(g) for g in r["gates"])[:29]
        print(f"{name:<14}{r['layers']:>7}{r['width']:>7}  {gates:<30}{r['strings']:>8}"
              f"{r['accuracy']:>10.3f}")
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        rc = construct.main(["parity", "--gate", "nonnegative"])
    print(f"parity with non-negative gates: refused (exit {rc}): "
          f"{err.getvalue().strip().split('error: ', 1)[-1]}")

    if args.no_train:
        return 0
    _section("3. Train: small Mamba models, evaluated beyond the training lengths")
    print("settings: " + " ".join(DEMO_SETTINGS))
    print(f"{'language':<10}{'gate':<13}{'verdict':<10}{'train':>7}{'1-50':>8}{'51-100':>8}"
          f"{'steps':>7}{'sec':>7}")
    out = Path(args.out)
    for lang, gate in DEMO_RUNS:
        verdicts = {p["model"]: p["expressible"] for p in
                    classify(get_language(lang)).to_dict()["predictions"]}
        family = family_of(ModelConfig(arch="mamba", gate=gate))
        r = _json_of(train.main, [lang, "--model", "mamba", "--gate", gate, *DEMO_SETTINGS,
                                  "--out", str(out / f"{lang}-{gate}"), "--json", "--quiet"])
        accs = {(b["min_length"], b["max_length"]): b["string_accuracy"] for b in r["bins"]}

        def pct(x):
            return "   n/a" if x is None else f"{100 * x:6.1f}"
        print(f"{lang:<10}{gate:<13}{verdicts.get(family, '?'):<10}"
              f"{pct(r['train_string_accuracy']):>7}{pct(accs.get((1, 50))):>8}"
              f"{pct(accs.get((51, 100))):>8}{r['steps']:>7}{r['seconds']:>7.0f}")
    print("\n(accuracy = % of held-out strings right at every position; verdict = theory's "
          "prediction for that gate family at every length)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m analyses.demo", description=__doc__.split("\n")[0])
    p.add_argument("--out", default="runs/demo",
                   help="directory for the demo's training runs (default: runs/demo)")
    p.add_argument("--no-train", action="store_true", help="skip step 3 (training)")
    return add_common_args(p)


def main(argv=None) -> int:
    return run_main(body, build_parser, argv)


if __name__ == "__main__":
    raise SystemExit(main())
