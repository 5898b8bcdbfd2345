"""Run a model over strings and collect per-position features at its capture sites.

Position ``t`` of a string is the model's output after consuming token ``t`` (there is no BOS
token; token ids are ``alphabet.index(symbol) + 1`` with 0 as right padding, as in
``ssm.data``), so row ``i`` of every site lines up with the labels of
:mod:`probing.targets` (``automata.labels.prefix_labels`` position ``t``).

Strings are batched by similar length; models are causal, so right padding does not change
any real position, and the result does not depend on the batch size (both are tested).

Sites with more than ``max_features`` features (e.g. a Mamba layer's full state,
``d_inner * d_state`` values) can be reduced by a fixed, seeded Gaussian random projection
applied batch by batch; a linear probe on the projection is a linear probe on the original
features restricted to a random subspace (a lower bound). ``Activations.projected`` records
which sites were projected and from how many features.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping, Sequence

import numpy as np

from .errors import ProbingError, UnknownSiteError
from .targets import encode_words, position_index

__all__ = ["Activations", "extract", "projection_matrix"]


@dataclass(frozen=True)
class Activations:
    """Per-position features of every site, in the flat layout of :mod:`probing.targets`.

    Attributes
    ----------
    features : mapping str -> ndarray of float32, shape (N, F_site)
        Read-only arrays.
    string_id, position, length : ndarray of int64, shape (N,)
        The string each row comes from, its position ``t`` (after token ``t``) and the
        string's length.
    projected : mapping str -> int
        Sites reduced by random projection, with their original feature count.
    logits : ndarray of float32, shape (N, n_outputs), or None
        The model's outputs at every position (only with ``extract(..., logits=True)``).
    """

    features: Mapping[str, np.ndarray]
    string_id: np.ndarray
    position: np.ndarray
    length: np.ndarray
    projected: Mapping[str, int] = field(default_factory=dict)
    logits: np.ndarray | None = None

    @property
    def sites(self) -> list[str]:
        return list(self.features)

    @property
    def n_positions(self) -> int:
        return int(len(self.string_id))

    def __getitem__(self, site: str) -> np.ndarray:
        try:
            return self.features[site]
        except KeyError:
            raise UnknownSiteError(f"no features for site {site!r}; have {self.sites}") from None

    def to_dict(self) -> dict[str, Any]:
        return {"n_positions": self.n_positions, "n_strings": int(self.string_id.max(initial=-1) + 1),
                "sites": {s: int(x.shape[1]) for s, x in self.features.items()},
                "projected": dict(self.projected)}


def projection_matrix(n_in: int, n_out: int, seed: int, site: str) -> np.ndarray:
    """The seeded Gaussian projection ``(n_in, n_out)`` used for ``site`` (scaled by 1/sqrt(n_out))."""
    rng = np.random.default_rng([int(seed), zlib.crc32(site.encode())])
    return (rng.normal(size=(n_in, n_out)) / np.sqrt(n_out)).astype(np.float32)


def _readonly(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


def extract(model: Any, words: Sequence[Any], alphabet: Sequence[str],
            sites: Sequence[str] | None = None, batch_size: int = 64,
            max_features: int | None = None, seed: int = 0, progress: Any = None,
            logits: bool = False) -> Activations:
    """Run ``model`` over ``words`` and collect every position's features at ``sites``.

    Parameters
    ----------
    model : ssm.model.LanguageModel
        Run in eval mode under ``torch.no_grad`` (its mode is restored afterwards).
    words : sequence of words
        Each a ``str`` of one-character symbols or a sequence of symbols; non-empty.
    alphabet : sequence of str
        The language's alphabet (token id = index + 1).
    sites : sequence of str, optional
        Capture sites (``model.capture_sites()``); default: all of them.
    batch_size : int
        Strings per forward pass (strings are sorted by length to limit padding).
    max_features : int, optional
        Randomly project sites wider than this (see module docstring).
    seed : int
        Seed of the projections.
    progress : callable, optional
        Called with the number of strings done after each batch.
    logits : bool
        Also keep the model's outputs (``Activations.logits``), from the same forward passes.

    Returns
    -------
    Activations
        ``features[site]`` has shape ``(sum(len(w)), F_site)``.
    """
    import torch

    from ssm.capture import capture

    if batch_size < 1:
        raise ProbingError(f"batch_size must be at least 1, got {batch_size}")
    codes = encode_words(words, alphabet)
    available = list(model.capture_sites())
    names = available if sites is None else list(sites)
    unknown = [s for s in names if s not in available]
    if unknown:
        raise UnknownSiteError(f"unknown site(s) {unknown}; the model offers {available}")
    lengths = np.array([len(c) for c in codes], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    N = int(lengths.sum())
    order = np.argsort(-lengths, kind="stable")
    device = next(model.parameters()).device
    out: dict[str, np.ndarray] = {}
    out_logits: np.ndarray | None = None
    proj: dict[str, np.ndarray] = {}
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad(), capture(model, names) as cache:
            for b0 in range(0, len(order), batch_size):
                idx = order[b0:b0 + batch_size]
                T = int(lengths[idx].max())
                tok = np.zeros((len(idx), T), dtype=np.int64)
                for r, i in enumerate(idx):
                    tok[r, :lengths[i]] = codes[i] + 1
                y = model(torch.as_tensor(tok, device=device))
                if logits:
                    y = y.float().cpu().numpy()
                    if out_logits is None:
                        out_logits = np.empty((N, y.shape[-1]), dtype=np.float32)
                    for r, i in enumerate(idx):
                        out_logits[starts[i]:starts[i] + lengths[i]] = y[r, :lengths[i]]
                for s in names:
                    feats = cache[s].float().cpu().numpy()
                    if s not in out:
                        F = feats.shape[-1]
                        if max_features is not None and F > max_features:
                            proj[s] = projection_matrix(F, max_features, seed, s)
                            F = max_features
                        out[s] = np.empty((N, F), dtype=np.float32)
                    if s in proj:
                        feats = feats @ proj[s]
                    for r, i in enumerate(idx):
                        out[s][starts[i]:starts[i] + lengths[i]] = feats[r, :lengths[i]]
                if progress is not None:
                    progress(len(idx))
    finally:
        model.train(was_training)
    sid, pos = position_index(lengths)
    return Activations(MappingProxyType({s: _readonly(out[s]) for s in names}), _readonly(sid),
                       _readonly(pos), _readonly(lengths[sid]),
                       MappingProxyType({s: int(p.shape[0]) for s, p in proj.items()}),
                       None if out_logits is None else _readonly(out_logits))
