"""The whole probing run for one trained model: load, sample, extract, probe, compare.

:func:`load_run` reads a training run directory (``config.json`` as written by
``ssm.train``, ``checkpoint.pt`` with the state dict under ``"model"``); :func:`probe_data`
samples probing strings from the run's own distribution (the training length range plus
doubling bins up to ``long_factor`` times its upper end); :func:`run_probing` probes every
(site, target) of the trained model and of the same architecture untrained, with baselines,
controls and (optionally) the causal check, and returns a JSON-ready dict plus the arrays that
:mod:`probing.report` saves.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from .errors import ProbingError, RunDirError, UnknownSiteError
from .protocol import ProbeData, baseline_results, prepare, probe_representation
from .targets import available_targets

__all__ = ["ProbeOptions", "LoadedRun", "load_run", "probe_words", "probe_data", "run_probing",
           "site_layer"]


@dataclass(frozen=True)
class ProbeOptions:
    """Everything that determines a probing run besides the run directory (saved with it).

    >>> opts = ProbeOptions(targets=("state",), n_strings=200, causal=False)
    >>> opts.to_dict()["targets"], opts.interchange
    (['state'], True)
    """

    sites: tuple[str, ...] | None = None
    targets: tuple[str, ...] | None = None
    seed: int = 0
    n_strings: int = 1000
    max_positions_per_bin: int = 60_000
    long_factor: int = 4
    controls: bool = True
    control_k: int = 3
    untrained: bool = True
    untrained_seed: int = 12345
    mlp: bool = False
    causal: bool = True
    interchange: bool = True
    interchange_pairs: int = 100
    mdl: bool = False
    inlp: bool = False
    max_features: int = 256
    batch_size: int = 64
    backend: str = "auto"

    def to_dict(self) -> dict[str, Any]:
        from dataclasses import asdict

        d = asdict(self)
        return {k: list(v) if isinstance(v, tuple) else v for k, v in d.items()}


@dataclass
class LoadedRun:
    """A run directory's configuration, language, task name and trained model
    (what :func:`load_run` returns).

    >>> import tempfile
    >>> from ssm import ExperimentConfig, ModelConfig, apply_overrides, train
    >>> run = tempfile.mkdtemp()
    >>> _ = train(apply_overrides(ExperimentConfig(language="parity", model=ModelConfig(
    ...     arch="lstm", width=8)), ["data.n_train=16", "data.n_eval=4", "train.max_epochs=1",
    ...     "data.train_max_length=8", "data.eval_bins=[[1,8]]"]), run, progress=False)
    >>> loaded = load_run(run)
    >>> loaded.language.name, loaded.task, loaded.config.model.arch
    ('parity', 'char', 'lstm')
    """

    path: Path
    config: Any
    language: Any
    model: Any
    task: str


def load_run(run_dir: str | Path) -> LoadedRun:
    """Read ``config.json`` and ``checkpoint.pt`` of a training run (CPU; the checkpoint is
    loaded with ``weights_only=True``, so a planted pickle cannot run code).

    >>> import tempfile
    >>> from ssm import ExperimentConfig, ModelConfig, apply_overrides, train
    >>> run = tempfile.mkdtemp()
    >>> _ = train(apply_overrides(ExperimentConfig(language="parity", model=ModelConfig(
    ...     arch="lstm", width=8)), ["data.n_train=16", "data.n_eval=4", "train.max_epochs=1",
    ...     "data.train_max_length=8", "data.eval_bins=[[1,8]]"]), run, progress=False)
    >>> "layers.0.out" in load_run(run).model.capture_sites()
    True
    """
    import torch

    from ssm.experiment_config import load_config
    from ssm.model import build_model

    path = Path(run_dir)
    cfg_path, ckpt_path = path / "config.json", path / "checkpoint.pt"
    for p in (cfg_path, ckpt_path):
        if not p.is_file():
            raise RunDirError(f"{path} is not a training run directory: {p.name} is missing")
    cfg = load_config(cfg_path)
    lang = cfg.resolve_language()
    try:  # tensors and plain containers only: a checkpoint can never run code
        ckpt = torch.load(ckpt_path, map_location="cpu", weights_only=True)
    except Exception as e:  # noqa: BLE001 - torn, foreign or unsafe
        raise RunDirError(f"cannot read {ckpt_path}: {type(e).__name__}") from None
    if not isinstance(ckpt, dict) or "model" not in ckpt:
        raise RunDirError(f"{ckpt_path} has no 'model' state dict")
    model = build_model(cfg.model, seed=0, device="cpu")
    try:
        model.load_state_dict(ckpt["model"])
    except RuntimeError as e:
        raise RunDirError(f"{ckpt_path} does not fit the model in config.json: "
                          f"{str(e).splitlines()[0]}") from None
    return LoadedRun(path, cfg, lang, model.eval(), cfg.task if cfg.task != "auto" else cfg.resolved_task)


def site_layer(site: str) -> int:
    """Layer index of a site name (``embed`` -> -1).

    >>> site_layer("layers.3.state"), site_layer("embed")
    (3, -1)
    """
    m = re.match(r"layers\.(\d+)\.", site)
    return int(m.group(1)) if m else -1


def _sample(language: Any, n: int, lo: int, hi: int, seed: int, **kw) -> list:
    """``n`` members with lengths uniform in ``lo..hi`` (lengths without members skipped)."""
    from automata.errors import EmptyLengthError
    from automata.sampling import sample_members

    rng = np.random.default_rng(seed)
    lens = rng.integers(lo, hi + 1, size=n)
    out: list = []
    for L in np.unique(lens):
        try:
            out += sample_members(language, int(L), int((lens == L).sum()), seed=rng, **kw)
        except EmptyLengthError:
            continue
    return out


def probe_words(cfg: Any, language: Any, opts: ProbeOptions) -> tuple[list, tuple[int, int], dict]:
    """Probing strings: in the training range, then doubling bins up to ``long_factor`` x.

    Returns ``(words, train_range, bins)``; bins map name -> inclusive length range. Each bin
    gets at most ``n_strings`` strings and about ``max_positions_per_bin`` positions.
    The length ranges and sampler parameters come from the run's task
    (:meth:`ssm.tasks.Task.probe_lengths`: e.g. flip-flop keeps its fixed length and training
    sparsity). Members are drawn with ``automata.sampling.sample_members`` (lengths uniform in
    each bin), then deduplicated.
    Seeds derive from ``opts.seed`` (never the training seed, so probing strings are fresh).
    """
    from ssm.tasks import make_task

    ranges, kw = make_task(cfg.task, language).probe_lengths(cfg.data, opts.long_factor)
    lo, hi = ranges[0]
    seeds = np.random.SeedSequence([int(opts.seed), 4241]).generate_state(len(ranges))
    words: list = []
    bins: dict[str, tuple[int, int]] = {}
    for j, (a, b) in enumerate(ranges):
        mean_len = (a + b) / 2
        n = max(20, min(opts.n_strings, int(opts.max_positions_per_bin / mean_len)))
        if j == 0:
            n = max(n, 30)
        else:
            bins[f"len_{a}_{b}"] = (a, b)
        words += _sample(language, n, a, b, int(seeds[j]), **kw)
    seen: set = set()
    unique = []
    for w in words:                       # identical strings never straddle the split
        key = w if isinstance(w, str) else tuple(w)
        if key not in seen:
            seen.add(key)
            unique.append(w)
    if not unique:
        raise ProbingError(f"no member of {language.name} has a length in {lo}..{hi}")
    return unique, (lo, hi), bins


def probe_data(run: LoadedRun, opts: ProbeOptions) -> ProbeData:
    words, train_range, bins = probe_words(run.config, run.language, opts)
    targets = list(opts.targets) if opts.targets else available_targets(run.language)
    return prepare(run.language, words, train_range, seed=opts.seed, targets=targets, bins=bins)


def _partition_key(labels: np.ndarray) -> bytes:
    """Labels renumbered by first occurrence: equal keys = the same partition of positions."""
    _, first, inv = np.unique(labels, return_index=True, return_inverse=True)
    rank = np.argsort(np.argsort(first))
    return rank[inv.ravel()].astype(np.int64).tobytes()


def _resolve_sites(model: Any, sites: Sequence[str] | None) -> list[str]:
    avail = list(model.capture_sites())
    if not sites:
        return avail
    bad = [s for s in sites if s not in avail]
    if bad:
        raise UnknownSiteError(f"unknown site(s) {bad}; the model offers {avail}")
    return list(sites)


def _row(site: str, target: str, trained, untrained) -> dict[str, Any]:
    s = trained.scores
    c = trained.controls
    row = {
        "site": site, "layer": site_layer(site), "target": target,
        "accuracy": s["accuracy"], "accuracy_ci": s["accuracy_ci"],
        "nonlocal_accuracy": s["nonlocal_accuracy"],
        "nonlocal_accuracy_ci": s["nonlocal_accuracy_ci"],
        "far_accuracy": s["far_accuracy"],
        "unseen_prefix_accuracy": s["unseen_prefix_accuracy"],
        "untrained_accuracy": None if untrained is None else untrained.scores["accuracy"],
        "untrained_nonlocal_accuracy": (None if untrained is None
                                        else untrained.scores["nonlocal_accuracy"]),
        "untrained_far_accuracy": (None if untrained is None
                                   else untrained.scores["far_accuracy"]),
        "control_accuracy": s.get("control_accuracy"),
        "selectivity": s.get("selectivity"),
        "random_dfa_accuracy": c.get("random_dfa", {}).get("accuracy"),
        "random_dfa_nonlocal_accuracy": c.get("random_dfa", {}).get("own_nonlocal_accuracy"),
        "random_dfa_nonlocal_majority": c.get("random_dfa", {}).get("own_nonlocal_majority"),
        "shuffled_accuracy": c.get("shuffled", {}).get("accuracy"),
        "by_bin": {k: {kk: v[kk] for kk in ("range", "n_positions", "accuracy", "accuracy_ci",
                                             "nonlocal_accuracy", "nonlocal_accuracy_ci",
                                             "far_accuracy",
                                             "unseen_prefix_accuracy")}
                   for k, v in s["by_bin"].items()},
        "untrained_by_bin": (None if untrained is None else
                             {k: {"accuracy": v["accuracy"],
                                  "nonlocal_accuracy": v["nonlocal_accuracy"],
                                  "far_accuracy": v["far_accuracy"]}
                              for k, v in untrained.scores["by_bin"].items()}),
        "probe": trained.probe.to_dict(),
        "mlp": trained.mlp,
    }
    return row


def run_probing(run: LoadedRun, opts: ProbeOptions,
                progress: Callable[[str], None] | None = None) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Probe every (site, target); returns ``(report dict, arrays to save)``.

    The report dict holds ``sites`` (one row per (site, target), see :func:`_row`),
    ``baselines`` (per target), ``causal`` (per ``.out`` site, target ``state``), ``data``
    (split, strata sizes, target classes) and ``by_position`` / ``metrics`` details.

    >>> import tempfile
    >>> from ssm import ExperimentConfig, ModelConfig, apply_overrides, train
    >>> run = tempfile.mkdtemp()
    >>> _ = train(apply_overrides(ExperimentConfig(language="parity", model=ModelConfig(
    ...     arch="lstm", width=8)), ["data.n_train=16", "data.n_eval=4", "train.max_epochs=1",
    ...     "data.train_max_length=8", "data.eval_bins=[[1,8]]"]), run, progress=False)
    >>> report, arrays = run_probing(load_run(run), ProbeOptions(
    ...     sites=("layers.0.out",), targets=("state",), n_strings=20, controls=False,
    ...     untrained=False, causal=False, interchange=False))
    >>> [r["target"] for r in report["sites"]], sorted(report["baselines"]["state"])[:1]
    (['state'], ['kgram1'])
    """
    from .extract import extract

    model = run.model
    sites = _resolve_sites(model, opts.sites)
    data = probe_data(run, opts)
    targets = list(data.targets)
    untrained = None
    if opts.untrained:
        from .controls import untrained_model

        untrained = untrained_model(run.config.model, seed=opts.untrained_seed)
    report: dict[str, Any] = {"language": run.language.name, "task": run.task,
                              "paper_group": getattr(run.language, "paper_group", None),
                              "run_dir": str(run.path), "model": run.config.model.to_dict(),
                              "options": opts.to_dict(), "data": data.to_dict(),
                              "baselines": {t: baseline_results(data, t) for t in targets},
                              "sites": [], "details": {}, "causal": [], "interchange": [],
                              "mdl": [], "inlp": []}
    arrays: dict[str, np.ndarray] = {"string_id": data.string_id, "position": data.position,
                                     "length": data.length,
                                     "nonlocal": data.masks["nonlocal"],
                                     "far": data.masks["far"],
                                     "unseen_prefix": data.masks["unseen_prefix"],
                                     "eval": data.masks["eval"]}
    for t in targets:
        arrays[f"labels/{t}"] = data.targets[t].labels
    weights: dict[str, np.ndarray] = {}
    for site in sites:
        acts = extract(model, data.words, data.alphabet, sites=[site],
                       batch_size=opts.batch_size, max_features=opts.max_features, seed=opts.seed)
        X = acts[site]
        Xu = None
        if untrained is not None:
            Xu = extract(untrained, data.words, data.alphabet, sites=[site],
                         batch_size=opts.batch_size, max_features=opts.max_features,
                         seed=opts.seed)[site]
        done: dict[bytes, tuple[str, Any, Any]] = {}
        site_cache: dict = {}
        for target in targets:
            if progress is not None:
                progress(f"{site} / {target}")
            key = _partition_key(data.targets[target].labels)
            if key in done:                       # same partition of positions: same results
                first, res, ures = done[key]
                row = dict(next(r for r in report["sites"]
                                if r["site"] == site and r["target"] == first))
                row.update(target=target, same_partition_as=first)
                report["sites"].append(row)
                report["details"][f"{site}/{target}"] = report["details"][f"{site}/{first}"]
                lut = np.zeros(int(data.targets[first].labels.max()) + 1, dtype=np.int64)
                lut[data.targets[first].labels] = data.targets[target].labels
                p = res.predictions
                arrays[f"pred/{site}/{target}"] = np.where(p >= 0, lut[np.maximum(p, 0)], -1)
                continue
            res = probe_representation(X, data, target, seed=opts.seed, controls=opts.controls,
                                       mlp=opts.mlp, control_k=opts.control_k,
                                       backend=opts.backend, cache=site_cache)
            ures = None
            if Xu is not None:
                ures = probe_representation(Xu, data, target, seed=opts.seed, controls=False,
                                            backend=opts.backend, detail=False)
            done[key] = (target, res, ures)
            row = _row(site, target, res, ures)
            row["projected_from"] = acts.projected.get(site)
            report["sites"].append(row)
            report["details"][f"{site}/{target}"] = {"by_position": res.scores["by_position"],
                                                     "metrics": res.scores["metrics"]}
            arrays[f"pred/{site}/{target}"] = res.predictions
            for k, v in res.probe.arrays().items():
                weights[f"{site}/{target}/{k}"] = v
            if (opts.causal and target == "state" and site.endswith(".out")
                    and site not in acts.projected and res.probe.constant is None):
                report["causal"].append(_causal(run, data, site, res.probe, opts))
            if opts.mdl and target == "state":
                report["mdl"].append(_mdl(X, data, site, opts))
            if (opts.inlp and target == "state" and site.endswith(".out")
                    and site not in acts.projected):
                report["inlp"].append(_inlp(run, data, X, site, opts))
    if opts.interchange:
        if progress is not None:
            progress("interchange")
        report["interchange"], report["interchange_skipped"] = _interchange(run, data, opts)
    return report, {"arrays": arrays, "weights": weights, "data": data}


def _interchange(run: LoadedRun, data: ProbeData, opts: ProbeOptions) -> tuple[list, str | None]:
    """Interchange interventions at every layer on the held-out bins (None when it applies)."""
    from .interchange import interchange
    from .model_oracle import ModelOracle

    try:
        oracle = ModelOracle(run.model, run.language, run.task, batch_size=opts.batch_size)
    except ProbingError as e:
        return [], str(e)
    words = {b: [data.words[i] for i in idx] for b, idx in data.split.bins.items()}
    rows = interchange(oracle, words, list(range(len(run.model.layers))),
                       n_pairs=opts.interchange_pairs, seed=opts.seed)
    return rows, None


def _mdl(X: np.ndarray, data: ProbeData, site: str, opts: ProbeOptions) -> dict:
    """Online codelength of the ``state`` target and of the control task at ``site``."""
    from .controls import control_task_labels, kgram_keys
    from .mdl import online_codelength

    idx = np.flatnonzero(data.masks["train"])
    y = data.targets["state"].labels
    keys = data.kgram.get(opts.control_k)
    if keys is None:
        keys = kgram_keys(data.codes, opts.control_k, len(data.alphabet))
    yc = control_task_labels(keys, y, data.masks["fit"], seed=opts.seed)
    out = {"site": site, "target": "state",
           **online_codelength(X[idx], y[idx], seed=opts.seed).to_dict()}
    out["control"] = online_codelength(X[idx], yc[idx], seed=opts.seed).to_dict()
    out["selectivity_bits"] = out["control"]["codelength_bits"] - out["codelength_bits"]
    return out


def _inlp(run: LoadedRun, data: ProbeData, X: np.ndarray, site: str, opts: ProbeOptions) -> dict:
    from ssm.tasks import make_task

    from .inlp import inlp

    task = make_task(run.task, run.language)
    idx = np.flatnonzero(data.masks["train"])
    val = np.flatnonzero(data.masks["val"])
    y = data.targets["state"].labels
    last = list(data.split.bins)[-1]
    sidx = np.concatenate([data.split.test, data.split.bins[last]])
    tdata = task.encode([{"string": data.words[i]} for i in sidx])
    res = inlp(X[idx], y[idx], X[val], y[val], run.model, task, tdata, site, seed=opts.seed,
               batch_size=opts.batch_size)
    return {"site": site, "target": "state", **res.to_dict()}



def _causal(run: LoadedRun, data: ProbeData, site: str, probe: Any, opts: ProbeOptions) -> dict:
    from ssm.tasks import make_task

    from .causal import causal_check

    task = make_task(run.task, run.language)
    # in-range test strings and the longest bin
    last = list(data.split.bins)[-1]
    idx = np.concatenate([data.split.test, data.split.bins[last]])
    records = [{"string": data.words[i]} for i in idx]
    tdata = task.encode(records)
    res = causal_check(run.model, task, tdata, site, probe.raw_directions(), probe.mean,
                       seed=opts.seed, batch_size=opts.batch_size)
    out = res.to_dict()
    out["strings"] = {"in_range": int(len(data.split.test)), last: int(len(data.split.bins[last]))}
    return out
