"""Causal check: does removing the probe's subspace break the model (and a random one not)?

For a site whose value feeds the rest of the network (``embed``, ``layers.{i}.out``), a
forward hook on its :class:`ssm.capture.HookPoint` replaces the activations ``x`` by

    x' = x - (x - mu) Q Q^T

where ``Q`` (F, r) is an orthonormal basis of the span of the probe's weight rows in the
site's own coordinates and ``mu`` the probe-training mean (mean ablation along the subspace:
the component is set to its average instead of to zero). The same is done with a random
``r``-dimensional subspace (seeded). The change in the model's task accuracy (position and
string accuracy, as ``ssm.evaluate`` scores them) is reported for both: a probe direction the
model uses should hurt far more than a random one of equal rank (docs/probing.md).

Sites that are read out but not fed forward (``layers.{i}.state``, ``.h``, ``.c``) cannot be
ablated this way and raise :class:`~probing.errors.UnknownSiteError`.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any, Iterator

import numpy as np

from .errors import ProbingError, UnknownSiteError

__all__ = ["orthonormal_basis", "random_basis", "ablate", "CausalResult", "causal_check",
           "ABLATABLE_SUFFIXES"]

ABLATABLE_SUFFIXES = (".out",)


def orthonormal_basis(directions: np.ndarray, rtol: float = 1e-6) -> np.ndarray:
    """Orthonormal basis ``(F, r)`` of the span of the rows of ``directions`` ``(K, F)``.

    >>> orthonormal_basis(np.array([[1.0, 0, 0], [2.0, 0, 0]])).shape
    (3, 1)
    """
    d = np.atleast_2d(np.asarray(directions, dtype=np.float64))
    if not np.isfinite(d).all():
        raise ProbingError("probe directions contain NaN or infinity")
    u, s, _ = np.linalg.svd(d.T, full_matrices=False)
    if s.size == 0 or s[0] == 0:
        raise ProbingError("the probe has no non-zero direction to ablate")
    r = int((s > rtol * s[0]).sum())
    return u[:, :r]


def random_basis(n_features: int, rank: int, seed: int) -> np.ndarray:
    """A uniformly random orthonormal basis ``(n_features, rank)`` (QR of a Gaussian matrix)."""
    if not 0 < rank <= n_features:
        raise ProbingError(f"rank must lie in 1..{n_features}, got {rank}")
    g = np.random.default_rng(seed).normal(size=(n_features, rank))
    q, r = np.linalg.qr(g)
    return q * np.sign(np.diag(r))


def _check_site(model: Any, site: str):
    from ssm.capture import hook_points

    points = hook_points(model)
    if site not in points:
        raise UnknownSiteError(f"unknown site {site!r}; the model offers {list(points)}")
    if not (site == "embed" or site.endswith(ABLATABLE_SUFFIXES)):
        raise UnknownSiteError(
            f"site {site!r} is read out but does not feed the network; ablate 'embed' or a "
            "'layers.{i}.out' site")
    return points[site]


@contextlib.contextmanager
def ablate(model: Any, site: str, basis: np.ndarray, center: np.ndarray | None = None) -> Iterator[None]:
    """While active, project ``x - center`` off ``span(basis)`` at ``site`` (hook removed on exit).

    Parameters
    ----------
    basis : ndarray (F, r), orthonormal columns
    center : ndarray (F,), optional; zero by default
    """
    import torch

    point = _check_site(model, site)
    dev = next(model.parameters()).device
    Q = torch.as_tensor(np.ascontiguousarray(basis), dtype=torch.float32, device=dev)
    mu = None if center is None else torch.as_tensor(np.asarray(center), dtype=torch.float32,
                                                     device=dev)

    def hook(_module, _inputs, output):
        if output.shape[-1] != Q.shape[0]:
            raise ProbingError(f"site {site!r} has {output.shape[-1]} features, the basis "
                               f"{Q.shape[0]}")
        x = output if mu is None else output - mu.to(output.dtype)
        return output - (x @ Q.to(output.dtype)) @ Q.T.to(output.dtype)

    handle = point.register_forward_hook(hook)
    try:
        yield
    finally:
        handle.remove()


@dataclass(frozen=True)
class CausalResult:
    """Task accuracy without ablation, with the probe subspace ablated and with a random one."""

    site: str
    rank: int
    baseline: dict[str, Any]
    probe_ablated: dict[str, Any]
    random_ablated: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        keys = ("position_accuracy", "string_accuracy")
        out = {"site": self.site, "rank": self.rank}
        for name, d in (("baseline", self.baseline), ("probe_ablated", self.probe_ablated),
                        ("random_ablated", self.random_ablated)):
            out[name] = {k: d.get(k) for k in keys}
        for k in keys:
            b = self.baseline.get(k)
            out[f"delta_{k}_probe"] = None if b is None else self.probe_ablated[k] - b
            out[f"delta_{k}_random"] = None if b is None else self.random_ablated[k] - b
        return out


def causal_check(model: Any, task: Any, data: Any, site: str, directions: np.ndarray,
                 center: np.ndarray | None, seed: int, batch_size: int = 256) -> CausalResult:
    """Score ``model`` on ``data`` (``ssm.data.TensorData`` from ``task.encode``) plain, with the
    probe's subspace (rows of ``directions``, in the site's coordinates) ablated, and with an
    equal-rank random subspace ablated (seed ``seed``)."""
    from ssm.evaluate import score_split

    _check_site(model, site)
    Q = orthonormal_basis(directions)
    R = random_basis(Q.shape[0], Q.shape[1], seed)
    base = score_split(model, task, data, batch_size).summary()
    with ablate(model, site, Q, center):
        probe = score_split(model, task, data, batch_size).summary()
    with ablate(model, site, R, center):
        rand = score_split(model, task, data, batch_size).summary()
    return CausalResult(site, int(Q.shape[1]), base, probe, rand)
