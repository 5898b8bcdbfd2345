"""Probing speed: one site with ~2e5 positions x 128 features.

    python -m benchmarks.probing [--positions 200000] [--features 128] [--threads 2] [--json]

Features are real: the ``layers.0.h`` site of an untrained 128-wide LSTM run over flip-flop
strings (random walks on the minimal DFA, lengths 1..100); the target is the minimal-DFA state.
Timed stages: extraction; ``fit_linear_probe`` with the scikit-learn backend (StandardScaler +
multinomial lbfgs; the 4-value C grid chosen on validation with a 5e4-row subset, then one fit
on *all* probe-training positions) and with the torch backend on the same rows; and the whole
protocol for the site (probe + control task + random DFA + shuffled labels, default backend)
as ``analyses.probe`` runs it. Wall and CPU seconds are both reported (on a shared machine
the wall time mostly measures the other jobs; see ``load_average_1min``). ``--threads`` sets torch threads (BLAS is pinned to one thread
during lbfgs); on a machine shared with other jobs, 1 thread was ~6x faster than 2.
"""
from __future__ import annotations

import argparse
import json
import sys
import time


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.probing", description=__doc__.split("\n")[0])
    p.add_argument("--positions", type=int, default=200_000)
    p.add_argument("--features", type=int, default=128)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)

    import numpy as np
    import torch

    torch.set_num_threads(args.threads)
    from automata.languages import get_language
    from probing.calibration import _random_walks
    from probing.extract import extract
    from probing.probes import fit_linear_probe
    from probing.protocol import prepare, probe_representation
    from ssm.config import ModelConfig
    from ssm.model import build_model

    lang = get_language("flip_flop")
    rng = np.random.default_rng(args.seed)
    # training-range strings (1..100) carry ~all positions; a small longer bin for evaluation
    n_in = int(args.positions / 50.5 / 0.6)            # probe-train rows ~= positions
    words = _random_walks(lang.dfa, rng.integers(1, 101, size=n_in), rng)
    words += _random_walks(lang.dfa, rng.integers(101, 201, size=50), rng)
    out: dict = {"threads": args.threads, "features": args.features,
                 "load_average_1min": round(__import__("os").getloadavg()[0], 2)}
    t = time.perf_counter()
    data = prepare(lang, words, (1, 100), seed=args.seed, targets=["state"])
    out["prepare_s"] = round(time.perf_counter() - t, 2)
    model = build_model(ModelConfig(arch="lstm", layers=1, width=args.features, vocab_size=6,
                                    n_outputs=6), seed=args.seed, device="cpu")
    t = time.perf_counter()
    X = extract(model, words, lang.alphabet, sites=["layers.0.h"], batch_size=256)["layers.0.h"]
    out["extract_s"] = round(time.perf_counter() - t, 2)
    y = data.targets["state"].labels
    m = data.masks
    out["n_positions"] = int(len(y))
    out["n_train_rows"] = int(m["train"].sum())
    out["n_classes"] = int(len(np.unique(y)))
    for name, backend in (("sklearn", "sklearn"), ("torch", "torch")):
        t, c = time.perf_counter(), time.process_time()
        probe = fit_linear_probe(X[m["train"]], y[m["train"]], X[m["val"]], y[m["val"]],
                                 seed=args.seed, backend=backend)
        dt = time.perf_counter() - t
        test = m["in_range"]
        out[f"{name}_fit_s"] = round(dt, 2)
        out[f"{name}_fit_cpu_s"] = round(time.process_time() - c, 2)
        out[f"{name}_test_accuracy"] = round(float((probe.predict(X[test]) == y[test]).mean()), 4)
        out[f"{name}_C"] = probe.C
        out[f"{name}_converged"] = probe.converged
    t, c = time.perf_counter(), time.process_time()
    res = probe_representation(X, data, "state", seed=args.seed, controls=True)
    out["protocol_with_controls_s"] = round(time.perf_counter() - t, 2)
    out["protocol_with_controls_cpu_s"] = round(time.process_time() - c, 2)
    out["protocol_backend"] = res.probe.backend
    out["protocol_accuracy"] = res.scores["accuracy"]
    if args.json:
        print(json.dumps(out))
    else:
        for k, v in out.items():
            print(f"{k:>28}: {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
