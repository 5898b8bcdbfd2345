"""One page on one language: automaton, monoid, verdicts, constructions, training, probes.

    python -m analyses.study NAME --out DIR [--quick]
    python -m analyses.study --regex PATTERN --alphabet SYMBOLS --out DIR [--quick]
    python -m analyses.study --dfa FILE.json --out DIR [--quick]
        [--ssm-arch diagonal|mamba] [--gates G,...] [--no-baselines] [--layers 1,2] [--seed 0] [--set key=value ...]
        [--check-length 10000] [--check-strings N] [--no-training] [--quiet]

Writes ``DIR/index.html`` (one self-contained file: every picture an embedded ``data:`` image,
nothing fetched from the network), its markdown twin ``DIR/index.md`` with ``DIR/figures/``,
and ``DIR/study.json`` (the numbers, and the seconds each section took). Sections:

1. the language: definition, sample members and non-members, the minimal DFA drawn
   (:mod:`automata.drawing`);
2. the algebra: monoid size, D-classes, idempotents, aperiodicity certificate, AC0, groups,
   varieties, the egg-box (:mod:`automata.eggbox`);
3. the verdict of every model family with its model-class statement and citations;
4. the constructions: for each family predicted yes, the hand-set model's layers and width and
   its check at ``--check-length`` (:mod:`analyses.study_constructions`);
5. training: every gate of ``--ssm-arch`` plus LSTM and the transformer at each of
   ``--layers``, one seed; loss curves and accuracy per length bin with each family's verdict
   on its panel (:mod:`analyses.study_training`; runs in ``DIR/runs``, reused only for the same
   resolved configuration);
6. probes of the best run per family (:mod:`analyses.study_probes`).

``--quick`` shrinks data, epochs, width and checks (docs/study.md gives the measured time);
``--no-training`` leaves sections 5 and 6 empty (saying so).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Sequence

from analyses.cli import add_common_args, add_language_args, language_from_args, run_main

__all__ = ["build_parser", "main", "build_study"]


def _layers(text: str) -> list[int]:
    try:
        out = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"--layers expects e.g. 1,2, got {text!r}") from None
    if not out or any(x < 1 or x > 8 for x in out):
        raise argparse.ArgumentTypeError(f"--layers: each between 1 and 8, got {text!r}")
    return sorted(set(out))


def _positive(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return n


def build_parser() -> argparse.ArgumentParser:
    from ssm.architectures import gates_of, list_architectures

    gated = [a for a in list_architectures() if gates_of(a)]
    p = argparse.ArgumentParser(prog="python -m analyses.study", description=__doc__.split("\n")[0])
    p.add_argument("language", nargs="?", default=None,
                   help="registry name (see python -m analyses.list_languages); or --regex/--dfa")
    p.add_argument("--out", required=True, help="output directory (index.html, index.md, ...)")
    p.add_argument("--quick", action="store_true",
                   help="small data, few epochs, width 32, 20 check strings (minutes on a CPU)")
    p.add_argument("--ssm-arch", choices=gated, default="diagonal",
                   help="the SSM architecture whose gates the grid spans (default: diagonal)")
    p.add_argument("--gates", type=lambda t: [g for g in t.split(",") if g], default=None,
                   help="comma-separated gates of --ssm-arch to train (default: all it declares)")
    p.add_argument("--no-baselines", action="store_true",
                   help="train only the SSM, not LSTM and the transformer")
    p.add_argument("--layers", type=_layers, default=[1, 2], help="numbers of layers (default 1,2)")
    p.add_argument("--seed", type=int, default=0, help="data and initialization seed (default 0)")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                   help="override a training config field for every run (after the preset)")
    p.add_argument("--check-length", type=_positive, default=10_000,
                   help="length of the construction checks (default 10000)")
    p.add_argument("--check-strings", type=_positive, default=None,
                   help="strings per construction check (default 100; 20 with --quick)")
    p.add_argument("--no-training", action="store_true", help="skip sections 5 and 6")
    p.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    return add_common_args(add_language_args(p))


def _definition_text(args: argparse.Namespace, definition: dict | None) -> str:
    if args.regex is not None:
        return f"the regular expression {args.regex!r} over {{{args.alphabet}}}"
    if args.dfa is not None:
        return f"the DFA in {args.dfa}"
    return "the toolkit's language registry (automata.languages)"


def build_study(args: argparse.Namespace) -> dict:
    """Validate everything, then compute and write the page; returns ``study.json``'s dict."""
    import torch

    from automata.atomic_io import atomic_write_text
    from automata.languages import resolve_language
    from analyses.study_page import Figure, Section, Table, Text, write_page
    from analyses.study_probes import probe_section
    from analyses.study_sections import (algebra_section, construction_section,
                                         language_section, verdict_section)
    from analyses.study_training import (accuracy_figure, best_per_family, grid_configs,
                                         loss_figure, run_grid)

    name, definition = language_from_args(args, args.language)
    language = resolve_language(definition if definition is not None else name)
    if definition is not None:
        language = resolve_language({**definition, "name": name})
    preset = "quick" if args.quick else "full"
    cfgs = [] if args.no_training else grid_configs(
        name, definition, ssm_arch=args.ssm_arch, layers=args.layers, preset=preset,
        overrides=args.overrides, seed=args.seed, gates=args.gates,
        others=() if args.no_baselines else ("lstm", "transformer"))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(1)
    say = (lambda m: None) if args.quiet else (lambda m: print(f"study: {m}", file=sys.stderr))
    n_check = args.check_strings or (20 if args.quick else 100)
    seconds: dict[str, float] = {}
    t0 = time.perf_counter()

    def lap(key: str) -> None:
        nonlocal t0
        seconds[key] = round(time.perf_counter() - t0, 2)
        t0 = time.perf_counter()

    say("language and algebra")
    s1, lang_info = language_section(language, _definition_text(args, definition))
    lap("language")
    s2, c = algebra_section(language)
    lap("algebra")
    s3, verdicts = verdict_section(c)
    lap("verdicts")
    say(f"constructions (length {args.check_length:,}, {n_check} strings)")
    s4, built = construction_section(language, verdicts, check_length=args.check_length,
                                     n_strings=n_check)
    lap("constructions")
    s5 = Section("training", "5. Training")
    s6 = Section("probes", "6. Probes of the best run per family")
    rows: list[dict] = []
    if args.no_training:
        for s in (s5, s6):
            s.blocks.append(Text("Skipped (--no-training).", kind="note"))
    else:
        rows = run_grid(cfgs, out, progress=say)
        lap("training")
        s5.blocks.append(Text(
            f"{len(rows)} runs ({preset} preset; --ssm-arch {args.ssm_arch}, layers "
            f"{', '.join(map(str, args.layers))}, seed {args.seed}); "
            f"{sum(r['reused'] for r in rows)} reused from {out / 'runs'} (same resolved "
            f"configuration). Overrides: {' '.join([*_preset(preset), *args.overrides])}."))
        s5.blocks.append(Figure("training_curves.png", "Training loss and training-set "
                                "accuracy per step.", png=loss_figure(rows)))
        s5.blocks.append(Figure("accuracy_by_length.png", "% of test strings fully right per "
                                "length bin and family; each panel states the family's "
                                "verdict (hatched: predicted no).",
                                png=accuracy_figure(rows, verdicts)))
        s5.blocks.append(Table(
            ["run", "family", "verdict", "train %", "per bin % (strings)", "steps", "s",
             "status"],
            [[r["label"], r["family"], verdicts.get(r["family"], {}).get("expressible", "–"),
              "–" if r.get("train_string_accuracy") is None
              else f"{100 * r['train_string_accuracy']:.1f}",
              " / ".join(("–" if b["string_accuracy"] is None else
                          f"{100 * b['string_accuracy']:.1f}") + f" ({b['n_strings']})"
                         for b in r["bins"]) or "–",
              r.get("steps", "–"), r.get("seconds", "–"),
              r.get("error") or (("reused, " if r["reused"] else "") + r.get("stopped", ""))]
             for r in rows], verdict_column=2))
        s6, _ = probe_section(best_per_family(rows), out, quick=args.quick,
                              regular=language.dfa is not None, progress=say)
        lap("probes")
    shown = f"the regex {args.regex!r}" if args.regex is not None else language.name
    title = f"What can architectures do with {shown}?"
    sub = (f"python -m analyses.study — {c.label} language, monoid of "
           f"{c.monoid_size if c.monoid_size is not None else '?'} elements. Section times (s): "
           + ", ".join(f"{k} {v}" for k, v in seconds.items()) + ".")
    write_page(out, title, [s1, s2, s3, s4, s5, s6], subtitle=sub)
    summary = {"language": language.name, "preset": preset, "seconds": seconds,
               "classification": c.to_dict(), "samples": lang_info, "constructions": built,
               "runs": [{k: v for k, v in r.items() if k != "metrics"} for r in rows]}
    atomic_write_text(out / "study.json", json.dumps(summary, indent=1, default=str) + "\n")
    say(f"wrote {out / 'index.html'}")
    return summary


def _preset(preset: str) -> tuple[str, ...]:
    from analyses.study_training import PRESETS

    return PRESETS[preset]


def main(argv: Sequence[str] | None = None) -> int:
    return run_main(lambda a: (build_study(a), 0)[1], build_parser, argv)


if __name__ == "__main__":
    sys.exit(main())
