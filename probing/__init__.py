"""Linear probes of hidden states for automaton states (scikit-learn).

The library's front door is :func:`probe_run`: probe a training run directory (as written by
:func:`ssm.train`) and write the report::

    from probing import probe_run
    report = probe_run("runs/parity-signed", "runs/parity-signed/probe", n_strings=200)
    report["sites"][0]["accuracy"]
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import ProbingError
from .pipeline import LoadedRun, ProbeOptions, load_run, run_probing

__all__ = ["probe_run", "ProbeOptions", "load_run", "run_probing", "LoadedRun", "ProbingError"]


def probe_run(run_dir: str | Path, out_dir: str | Path | None = None, *, plots: bool = False,
              **options: Any) -> dict[str, Any]:
    """Probe every (site, target) of the trained model in ``run_dir``; return the report dict.

    ``options`` are :class:`ProbeOptions` fields (``n_strings``, ``targets``, ``causal``, ...).
    With ``out_dir`` the report (markdown, JSON, arrays; plots if ``plots``) is written there
    by :func:`probing.report.write_report`.

    >>> import tempfile
    >>> from ssm import ExperimentConfig, ModelConfig, apply_overrides, train
    >>> run = tempfile.mkdtemp()
    >>> cfg = apply_overrides(ExperimentConfig(language="parity", model=ModelConfig(
    ...     arch="lstm", width=8)), ["data.n_train=32", "data.n_eval=8", "data.train_max_length=8",
    ...     "data.eval_bins=[[1,8],[9,12]]", "train.max_epochs=1"])
    >>> _ = train(cfg, run, progress=False)
    >>> report = probe_run(run, sites=("layers.0.out",), targets=("state",), n_strings=20,
    ...                    controls=False, untrained=False, causal=False, interchange=False)
    >>> report["language"], [(r["site"], r["target"]) for r in report["sites"]]
    ('parity', [('layers.0.out', 'state')])
    >>> 0 <= report["sites"][0]["accuracy"] <= 1
    True
    """
    from .report import write_report  # matplotlib loads only when a report is written

    try:
        opts = ProbeOptions(**options)
    except TypeError as e:
        raise ProbingError(f"unknown probe option: {e}") from None
    report, saved = run_probing(load_run(run_dir), opts)
    if out_dir is not None:
        write_report(report, saved, out_dir, plots=plots)
    return report
