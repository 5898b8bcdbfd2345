"""Iterative nullspace projection (Ravfogel et al. 2020) as an iterative causal ablation.

Repeatedly fit a linear probe for the target on the site's features with every direction found
so far projected out, and add the new probe's weight rows to the removed subspace, until the
probe is no better than the majority class on validation (within ``tolerance``) or the budget
of iterations runs out. After every iteration the model runs with the accumulated subspace
mean-ablated at the site (:func:`probing.causal.ablate`) and with an equal-rank random
subspace, so the model's task accuracy is reported along the way: a model that uses the
state linearly degrades as the rank grows, far more than for the random subspaces.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .causal import ablate, orthonormal_basis, random_basis
from .errors import ProbingError
from .probes import fit_linear_probe

__all__ = ["INLPResult", "inlp", "project_out"]


def project_out(X: np.ndarray, Q: np.ndarray | None, center: np.ndarray) -> np.ndarray:
    """``X - (X - center) Q Q^T`` (the identity for ``Q is None``)."""
    if Q is None:
        return X
    return X - ((X - center) @ Q) @ Q.T


@dataclass(frozen=True)
class INLPResult:
    steps: tuple[dict[str, Any], ...]
    majority: float
    stopped: str

    def to_dict(self) -> dict[str, Any]:
        return {"steps": list(self.steps), "majority_val_accuracy": self.majority,
                "stopped": self.stopped}


def _model_acc(model, task, tdata, batch_size) -> dict[str, Any]:
    from ssm.evaluate import score_split

    s = score_split(model, task, tdata, batch_size).summary()
    return {"position_accuracy": s.get("position_accuracy"),
            "string_accuracy": s.get("string_accuracy")}


def inlp(X_train: np.ndarray, y_train: np.ndarray, X_val: np.ndarray, y_val: np.ndarray,
         model: Any, task: Any, tdata: Any, site: str, seed: int = 0, max_iter: int = 24,
         tolerance: float = 0.01, batch_size: int = 64) -> INLPResult:
    """Run INLP at ``site``; ``tdata`` (``task.encode``) scores the model along the way."""
    if max_iter < 1:
        raise ProbingError(f"max_iter must be at least 1, got {max_iter}")
    X_train = np.asarray(X_train, dtype=np.float64)
    X_val = np.asarray(X_val, dtype=np.float64)
    center = X_train.mean(0)
    F = X_train.shape[1]
    vals, counts = np.unique(y_train, return_counts=True)
    majority = float(np.mean(np.asarray(y_val) == vals[np.argmax(counts)]))
    steps = [{"iteration": 0, "rank": 0, "probe_val_accuracy": None,
              "model": _model_acc(model, task, tdata, batch_size), "random": None}]
    Q, dirs, stopped = None, [], "max_iter"
    for it in range(1, max_iter + 1):
        probe = fit_linear_probe(project_out(X_train, Q, center), y_train,
                                 project_out(X_val, Q, center), y_val, Cs=(1.0,), seed=seed,
                                 null_z=None)
        acc = float(np.mean(probe.predict(project_out(X_val, Q, center)) == y_val))
        steps[-1]["probe_val_accuracy"] = acc
        if acc <= majority + tolerance:
            stopped = "probe at majority"
            break
        if probe.constant is not None:
            stopped = "constant probe"
            break
        dirs.append(probe.raw_directions())
        Q = orthonormal_basis(np.vstack(dirs))
        if Q.shape[1] >= F:
            stopped = "full rank"
            break
        with ablate(model, site, Q, center):
            m = _model_acc(model, task, tdata, batch_size)
        with ablate(model, site, random_basis(F, Q.shape[1], seed + it), center):
            r = _model_acc(model, task, tdata, batch_size)
        steps.append({"iteration": it, "rank": int(Q.shape[1]), "probe_val_accuracy": None,
                      "model": m, "random": r})
    return INLPResult(tuple(steps), majority, stopped)
