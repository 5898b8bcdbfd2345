"""Language models of DeltaNet / DeltaProduct layers, through the architecture registry.

The architectures ``deltanet`` and ``deltaproduct`` are registered by
:mod:`ssm.layers.deltanet`; a model is an ordinary :class:`ssm.model.LanguageModel` (embedding →
pre-norm residual blocks → norm → head; ``forward``, ``step``, ``capture_sites``) whose mixers are
:class:`~ssm.layers.deltanet.DeltaNet`. Capture sites: ``embed``, ``layers.{i}.state`` (the matrix
state ``(H, Dk, Dv)`` of every position, flattened in the order head, key, value) and
``layers.{i}.out``. :func:`deltanet_config` builds the :class:`ssm.config.ModelConfig` from flat
keyword arguments (model fields and DeltaNet options mixed).

>>> import torch
>>> cfg = deltanet_config("deltaproduct", layers=2, width=16, n_heads=2, beta_range=(0, 2),
...                       vocab_size=3, n_outputs=2)
>>> cfg.option("n_householder"), cfg.option("beta_range")
(2, [0, 2])
>>> model = build_deltanet_model(cfg, seed=0, device="cpu")
>>> tokens = torch.tensor([[1, 2, 2, 1]])
>>> logits = model(tokens)
>>> cache = model.init_cache(1)
>>> for t in range(4):
...     step_logits, cache = model.step(tokens[:, t], cache)
>>> torch.allclose(step_logits, logits[:, -1], atol=1e-5)
True
>>> model.capture_sites()[:3]
['embed', 'layers.0.state', 'layers.0.out']
>>> from ssm.architectures import family_of
>>> family_of(cfg)
'lrnn_householder'
"""
from __future__ import annotations

import dataclasses
from typing import Any, Mapping

import torch

from ssm.config import ModelConfig
from ssm.errors import ConfigError

from .deltanet import DELTANET_OPTIONS

__all__ = ["deltanet_config", "build_deltanet_model", "DELTANET_ARCHS"]

DELTANET_ARCHS = ("deltanet", "deltaproduct")


def deltanet_config(arch: str = "deltanet", **kwargs: Any) -> ModelConfig:
    """A :class:`ModelConfig` for ``arch``; keywords that are DeltaNet options go to ``options``.

    Options (defaults in :data:`ssm.layers.deltanet.DELTANET_OPTIONS`): ``beta_range``,
    ``n_householder``, ``use_gate`` (Gated DeltaNet's α), ``use_output_gate``, ``head_dim``,
    ``expand_v``, ``chunk_size``, ``delta_scan``. ``heads`` is accepted for ``n_heads``.
    """
    if arch not in DELTANET_ARCHS:
        raise ConfigError(f"unknown arch {arch!r}; choose one of: {', '.join(DELTANET_ARCHS)}")
    fields = {f.name for f in dataclasses.fields(ModelConfig)}
    if "heads" in kwargs:
        kwargs["n_heads"] = kwargs.pop("heads")
    options = dict(kwargs.pop("options", {}) or {})
    model_kw = {}
    for key, value in kwargs.items():
        if key in fields:
            model_kw[key] = value
        elif key in DELTANET_OPTIONS:
            options[key] = list(value) if isinstance(value, tuple) else value
        else:
            raise ConfigError(f"unknown DeltaNet config key {key!r}")
    return ModelConfig(arch=arch, options=options, **model_kw)


def build_deltanet_model(cfg: ModelConfig | Mapping[str, Any], *, seed: int = 0,
                         device: str | torch.device = "auto"):
    """:func:`ssm.model.build_model` for a ``deltanet``/``deltaproduct`` config (a
    :class:`ModelConfig` or the keyword mapping of :func:`deltanet_config`)."""
    from ssm.model import build_model

    if isinstance(cfg, Mapping):
        cfg = deltanet_config(**dict(cfg))
    if not isinstance(cfg, ModelConfig) or cfg.arch not in DELTANET_ARCHS:
        raise ConfigError(f"build_deltanet_model needs a deltanet/deltaproduct ModelConfig, got "
                          f"{getattr(cfg, 'arch', type(cfg).__name__)!r}")
    return build_model(cfg, seed=seed, device=device)
