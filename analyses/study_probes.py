"""Section 6 of the study page: probe the best run of every family for the automaton's state.

For each family's best run (:func:`analyses.study_training.best_per_family`) the probing
pipeline (:func:`probing.pipeline.run_probing`) runs with small options and writes its report
to ``DIR/probes/<family>`` (:func:`probing.report.write_report`: plots of accuracy vs layer and
vs length with baselines, confusion matrices with counts). A report already there for the same
run directory and options is reused. For a regular language the automaton each best run
implements is also extracted (:func:`probing.extraction_report.run_extraction`, the cluster
method) and drawn beside the minimal DFA, with the shortest word where they differ.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

from probing.errors import ProbingError
from probing.extraction_report import ExtractionOptions, run_extraction, write_extraction
from probing.pipeline import ProbeOptions, load_run, run_probing
from probing.report import write_report

from analyses.study_page import Figure, Row, Section, Table, Text

__all__ = ["probe_options", "probe_family", "probe_section", "extraction_options",
           "extract_family"]


def probe_options(quick: bool, regular: bool) -> ProbeOptions:
    targets = ("state",) if regular else None
    if quick:
        return ProbeOptions(targets=targets, n_strings=40, max_positions_per_bin=2000,
                            controls=False, causal=False, untrained=True)
    return ProbeOptions(targets=targets, n_strings=300, max_positions_per_bin=20_000,
                        controls=True, causal=False, untrained=True)


def probe_family(run_dir: str, out: Path, opts: ProbeOptions) -> dict[str, Any]:
    """The probing report of one run (reused when ``out`` holds one for the same inputs)."""
    p = out / "report.json"
    if p.is_file():
        old = json.loads(p.read_text())
        if old.get("run_dir") == str(run_dir) and old.get("options") == json.loads(
                json.dumps(opts.to_dict())):
            return old
    report, saved = run_probing(load_run(run_dir), opts)
    write_report(report, saved, out)
    return json.loads(p.read_text())


def extraction_options(quick: bool) -> ExtractionOptions:
    return ExtractionOptions(method="cluster", n_strings=60 if quick else 300,
                             max_positions_per_bin=2000 if quick else 8000)


def extract_family(run_dir: str, out: Path, opts: ExtractionOptions) -> dict[str, Any]:
    """The extraction report of one run (reused when ``out`` holds one for the same inputs)."""
    p = out / "extraction.json"
    want = json.loads(json.dumps({k: (list(v) if isinstance(v, tuple) else v)
                                  for k, v in opts.__dict__.items()}))
    if p.is_file():
        old = json.loads(p.read_text())
        if old.get("run_dir") == str(run_dir) and old.get("options") == want:
            return old
    report, automata = run_extraction(load_run(run_dir), opts)
    write_extraction(report, automata, out)
    return json.loads(p.read_text())


def _extraction_blocks(best: dict[str, dict], out: Path, quick: bool,
                       progress: Callable[[str], None] | None) -> list:
    opts = extraction_options(quick)
    rows, figs, notes = [], [], []
    for fam, r in best.items():
        if progress:
            progress(f"extracting the automaton of {fam} ({r['label']})")
        edir = out / "probes" / fam / "extraction"
        try:
            rep = extract_family(r["out"], edir, opts)
        except ProbingError as e:           # a task or site extraction does not support
            notes.append(f"{fam}: not extracted ({str(e).splitlines()[0]})")
            continue
        agree = " / ".join(f"{_pct(a['with_language'])}" for a in rep["agreement"])
        cex = rep["counterexample"]
        rows.append([fam, r["label"], rep["site"] or "–", str(rep["states"]),
                     str(rep["minimal_states"]), "yes" if rep["equals_minimal_dfa"] else "no",
                     "–" if cex is None else (" ".join(cex) if isinstance(cex, list)
                                              else str(cex) or "ε"),
                     _pct(rep["purity"]), agree])
        if (edir / "automata.png").is_file():
            figs.append(Figure(f"extraction_{fam}.png", f"{fam} ({r['label']}): extracted "
                               "automaton beside the minimal DFA",
                               png=(edir / "automata.png").read_bytes()))
    blocks: list = [Text("The automaton each best run implements, extracted by clustering its "
                         "states at one site (k chosen on held-out agreement with the model; "
                         "transitions by majority; outputs the model's own), minimized and "
                         "compared with the language's minimal DFA. Agreement with the language "
                         "(%) per length range, in range first.")]
    if rows:
        blocks.append(Table(["family", "run", "site", "states", "minimal", "equal",
                             "counterexample", "purity", "agreement with language"], rows))
    blocks += figs
    blocks += [Text(n, kind="note") for n in notes]
    return blocks


def _pct(x) -> str:
    return "–" if x is None else f"{100 * x:.1f}"


def probe_section(best: dict[str, dict], out: Path, *, quick: bool, regular: bool,
                  progress: Callable[[str], None] | None = None) -> tuple[Section, dict]:
    s = Section("probes", "6. Probes of the best run per family")
    opts = probe_options(quick, regular)
    s.blocks.append(Text(f"Linear probes for the {'DFA state' if regular else 'targets'} on "
                         f"every capture site of the best run of each family (best first-bin "
                         f"accuracy), on {opts.n_strings} fresh strings per length bin; beside "
                         "the majority and 3-gram baselines and the same architecture "
                         "untrained. Accuracies (%) on held-out strings; 'nonlocal': positions "
                         "whose last 3 tokens do not fix the state."))
    rows, reports = [], {}
    for fam, r in best.items():
        if progress:
            progress(f"probing {fam} ({r['label']})")
        rep = probe_family(r["out"], out / "probes" / fam, opts)
        reports[fam] = rep
        sites = [x for x in rep["sites"] if x["target"] == (opts.targets or ("state",))[0]] \
            or rep["sites"]
        top = max(sites, key=lambda x: (x["nonlocal_accuracy"] or 0, x["site"]))
        bins = list(top["by_bin"])
        rows.append([fam, r["label"], top["site"], _pct(top["accuracy"]),
                     _pct(top["nonlocal_accuracy"]),
                     " / ".join(_pct(top["by_bin"][b]["nonlocal_accuracy"]) for b in bins),
                     _pct(top.get("untrained_nonlocal_accuracy")),
                     _pct(rep["baselines"][top["target"]]["kgram3"]["nonlocal_accuracy"])])
        pdir = out / "probes" / fam
        figs = []
        for name, cap in ((f"plots/accuracy_vs_layer_{top['target']}.png", "accuracy vs layer"),
                          (f"plots/accuracy_vs_length_{top['target']}.png", "accuracy vs length"),
                          (f"plots/confusion_state_{top['site'].replace('.', '_')}.png",
                           f"state confusion at {top['site']}")):
            if (pdir / name).is_file():
                figs.append(Figure(f"probe_{fam}_{Path(name).stem}.png",
                                   f"{fam} ({r['label']}): {cap}", png=(pdir / name).read_bytes()))
        if figs:                                   # the two curves side by side, confusion below
            s.blocks.append(Row(figs[:2]))
            s.blocks += figs[2:]
    if regular and best:
        s.blocks += _extraction_blocks(best, out, quick, progress)
    if rows:
        s.blocks.insert(1, Table(["family", "run", "best site", "accuracy", "nonlocal",
                                  "nonlocal per bin", "untrained nonlocal", "3-gram nonlocal"],
                                 rows))
    else:
        s.blocks.append(Text("No finished run to probe.", kind="note"))
    return s, reports
