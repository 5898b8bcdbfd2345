"""Extract a trained run's automaton (cluster method or L*), compare it, write the report.

:func:`run_extraction` samples strings from the run's own distribution (the probing lengths
of :func:`probing.pipeline.probe_words`: the training range, then 2x and 4x), extracts, and
compares with the language's minimal DFA; :func:`write_extraction` writes
``extraction.json``, ``extraction.md``, ``extracted_dfa.json`` and ``automata.png``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from automata.atomic_io import atomic_write_text
from ssm.architectures import family_of

from .automaton_plot import draw_side_by_side
from .automaton_extraction import (DEFAULT_KS, agreement_rows, extract_by_clustering, purity,
                                   run_automaton, shortest_difference)
from .errors import ProbingError, UnknownSiteError
from .lstar import lstar
from .model_oracle import ModelOracle
from .pipeline import LoadedRun, ProbeOptions, probe_words
from .report import dumps

__all__ = ["ExtractionOptions", "run_extraction", "write_extraction", "METHODS", "default_site"]

METHODS = ("cluster", "lstar")


@dataclass(frozen=True)
class ExtractionOptions:
    method: str = "cluster"
    site: str | None = None
    seed: int = 0
    n_strings: int = 300
    max_positions_per_bin: int = 8000
    long_factor: int = 4
    ks: tuple[int, ...] = DEFAULT_KS
    max_states: int = 64
    max_rounds: int = 50
    max_features: int = 256


def default_site(model: Any) -> str:
    """The last block's output (what the head reads)."""
    outs = [s for s in model.capture_sites() if s.endswith(".out")]
    return outs[-1] if outs else model.capture_sites()[-1]


def _word_out(word: Sequence[str] | None, alphabet: Sequence[str]) -> Any:
    if word is None:
        return None
    return "".join(word) if all(len(s) == 1 for s in alphabet) else list(word)


def _random_words(alphabet: Sequence[str], lo: int, hi: int, n: int, seed: int) -> list[list[str]]:
    rng = np.random.default_rng([seed, 77])
    return [[alphabet[i] for i in rng.integers(0, len(alphabet), size=int(L))]
            for L in rng.integers(lo, hi + 1, size=n)]


def run_extraction(run: LoadedRun, opts: ExtractionOptions) -> tuple[dict[str, Any], dict]:
    """Extract and compare; returns ``(report dict, {"extracted": DFA, "minimal": DFA})``."""
    if opts.method not in METHODS:
        raise ProbingError(f"unknown method {opts.method!r}; choose {' or '.join(METHODS)}")
    sites = run.model.capture_sites()
    site = opts.site or default_site(run.model)
    if site not in sites:
        raise UnknownSiteError(f"unknown site {site!r}; the model offers {sites}")
    oracle = ModelOracle(run.model, run.language, run.task, max_features=opts.max_features,
                         seed=opts.seed)
    popts = ProbeOptions(seed=opts.seed, n_strings=opts.n_strings,
                         max_positions_per_bin=opts.max_positions_per_bin,
                         long_factor=opts.long_factor)
    words, (lo, hi), bins = probe_words(run.config, run.language, popts)
    ranges = {"in_range": (lo, hi), **bins}
    by_bin = {b: [w for w in words if a <= len(w) <= c] for b, (a, c) in ranges.items()}
    rng = np.random.default_rng([opts.seed, 5])
    inr = list(by_bin["in_range"])
    order = rng.permutation(len(inr))
    n_fit = max(1, len(inr) // 2)
    fit_words = [inr[i] for i in order[:n_fit]]
    held = [inr[i] for i in order[n_fit:]] or fit_words
    by_bin["in_range"] = held                  # agreement never on the strings it was fit on
    minimal = run.language.dfa
    extra: dict[str, Any] = {}
    if opts.method == "cluster":
        ex = extract_by_clustering(oracle, site, fit_words, held, ks=opts.ks, seed=opts.seed)
        dfa = ex.dfa
        extra = ex.to_dict()
        pur = ex.purity
    else:
        a_lo, a_hi = lo, max(c for _, c in ranges.values())
        eq = list(fit_words) + [w for b in bins for w in by_bin[b]]
        eq += _random_words(run.language.alphabet, a_lo, a_hi, 200, opts.seed)
        res = lstar(oracle, eq, max_states=opts.max_states, max_rounds=opts.max_rounds)
        dfa = res.dfa.minimize()
        extra = res.to_dict()
        extra["counterexamples"] = [_word_out(c, run.language.alphabet)
                                    for c in res.counterexamples]
        h = oracle.run(held)
        pur = purity(run_automaton(dfa, h["codes"], h["lengths"]), h["states"])
        site = None
    cex = shortest_difference(dfa, minimal)
    report = {
        "language": run.language.name, "run_dir": str(run.path),
        "model": run.config.model.to_dict(), "family": family_of(run.config.model),
        "task": run.task,
        "site": site, "method": opts.method,
        "states": int(dfa.n_states), "minimal_states": int(minimal.n_states),
        "equals_minimal_dfa": cex is None,
        "counterexample": _word_out(cex, run.language.alphabet),
        "counterexample_accepted_by": (None if cex is None else
                                       ("extracted" if dfa.accepts(cex) else "language")),
        "purity": pur,
        "agreement": agreement_rows(dfa, oracle, ranges, by_bin),
        "train_range": [int(lo), int(hi)],
        "options": {k: (list(v) if isinstance(v, tuple) else v)
                    for k, v in opts.__dict__.items()},
        "details": extra,
    }
    return report, {"extracted": dfa, "minimal": minimal}


def _pct(x: Any) -> str:
    return "–" if x is None or x != x else f"{100 * x:.1f}"


def render_extraction(report: dict[str, Any]) -> str:
    m = report["model"]
    lines = [f"# Extracted automaton: {report['language']}", "",
             f"Model {m['arch']} (family {report['family']}), {m['layers']} layers, width {m['width']}; "
             f"run `{report['run_dir']}`; method `{report['method']}`"
             + (f", site `{report['site']}`" if report["site"] else "") + ".", "",
             f"- extracted states (minimized): {report['states']}; the language's minimal DFA: "
             f"{report['minimal_states']}",
             f"- equals the minimal DFA: **{'yes' if report['equals_minimal_dfa'] else 'no'}**"
             + ("" if report["counterexample"] is None else
                f"; shortest word where they differ: `{report['counterexample']}` "
                f"(accepted by the {report['counterexample_accepted_by']} automaton)"),
             f"- purity (extracted state → true state, held-out positions): "
             f"{_pct(report['purity'])} %", "",
             "| lengths | strings | positions | extracted = model | extracted = language | "
             "model = language | strings: = model | = language |",
             "|---|---|---|---|---|---|---|---|"]
    for a in report["agreement"]:
        lines.append(f"| {a['min_length']}–{a['max_length']} | {a['n_strings']} | "
                     f"{a['n_positions']} | {_pct(a['with_model'])} | {_pct(a['with_language'])} | "
                     f"{_pct(a['model_with_language'])} | {_pct(a['strings_with_model'])} | "
                     f"{_pct(a['strings_with_language'])} |")
    d = report["details"]
    if report["method"] == "cluster":
        lines += ["", f"k = {d['k']} chosen on held-out agreement with the model "
                      f"({', '.join(f'k={k}: {_pct(v)}' for k, v in d['k_scores'].items())}); "
                      f"cluster purity {_pct(d['cluster_purity'])} %."]
    else:
        lines += ["", f"L*: {d['rounds']} equivalence rounds, {d['membership_queries']} "
                      f"membership queries, stopped: {d['stopped']}."]
    return "\n".join(lines) + "\n"


def write_extraction(report: dict[str, Any], automata: dict[str, Any], out_dir: str | Path,
                     plot: bool = True) -> dict[str, str]:
    """Write ``extraction.json``, ``extraction.md``, ``extracted_dfa.json``, ``automata.png``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files = {"extraction.json": out / "extraction.json", "extraction.md": out / "extraction.md",
             "extracted_dfa.json": out / "extracted_dfa.json"}
    atomic_write_text(files["extraction.json"], dumps(report) + "\n")
    atomic_write_text(files["extraction.md"], render_extraction(report))
    atomic_write_text(files["extracted_dfa.json"],
                      json.dumps(automata["extracted"].to_json(), indent=1) + "\n")
    if plot:
        files["automata.png"] = out / "automata.png"
        what = report["method"] + (f" at {report['site']}" if report["site"] else "")
        draw_side_by_side([(f"extracted ({what})", automata["extracted"]),
                           (f"minimal DFA of {report['language']}", automata["minimal"])],
                          files["automata.png"],
                          f"{report['language']}: {report['model']['arch']} "
                          f"({report['family']})")
    return {k: str(v) for k, v in files.items()}
