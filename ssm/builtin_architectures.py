"""The built-in architectures: Mamba, the diagonal formal class, LSTM and a causal Transformer.

Importing this module registers them (:mod:`ssm.architectures` does so on the first lookup).
Verdict families follow the shared contract: a diagonal SSM's family is its gate's
(``ssm_nonnegative``, ``ssm_signed`` for ``signed`` and ``signed_exp``, ``ssm_complex`` for
``complex`` and ``complex_coupled``, ``ssm_time_invariant``), the LSTM is
``lstm`` and our softmax-attention Transformer is ``transformer_soft``.

>>> from ssm.architectures import get_architecture
>>> get_architecture("diagonal").gates["complex"]
'ssm_complex'
"""
from __future__ import annotations

import math

import torch
from torch import nn

from ssm.architectures import register_architecture
from ssm.config import GATE_FAMILIES, GATES, MAMBA_GATES
from ssm.errors import ConfigError
from ssm.layers.lstm import LSTMLayer
from ssm.layers.mamba import Mamba
from ssm.layers.selective import SelectiveDiagonalLayer
from ssm.layers.transformer import CausalSelfAttention
from ssm.scan import select_scan

__all__ = ["DIAGONAL_FAMILIES", "MAMBA_FAMILIES"]

#: Verdict family of each diagonal gate (``signed*`` → ``ssm_signed``, ``complex*`` → ``ssm_complex``).
DIAGONAL_FAMILIES = {g: GATE_FAMILIES[g] for g in GATES}
#: Mamba's: the diagonal gates and the ones with their own modulus step (:data:`ssm.config.STEP_GATES`).
MAMBA_FAMILIES = {g: GATE_FAMILIES[g] for g in MAMBA_GATES}


def _check_scan(cfg, device) -> None:
    select_scan(cfg.scan, device, cfg.gate)     # a missing backend fails here, not mid-training


def _mamba_init(model: nn.Module) -> None:
    """mamba-ssm's MixerModel init: embedding N(0, 0.02), out_proj scaled by 1/sqrt(layers)."""
    with torch.no_grad():
        nn.init.normal_(model.embed.weight, std=0.02)
        model.embed.weight[0].zero_()
        for block in model.layers:
            w = block.mixer.out_proj.weight
            nn.init.kaiming_uniform_(w, a=math.sqrt(5))
            w /= math.sqrt(model.cfg.layers)


def _heads_divide_width(cfg) -> None:
    if cfg.width % cfg.n_heads:
        raise ConfigError(f"width {cfg.width} is not divisible by n_heads {cfg.n_heads}")


register_architecture(
    "mamba", lambda cfg: Mamba(cfg.width, d_state=cfg.d_state, d_conv=cfg.d_conv,
                               expand=cfg.expand, dt_rank=cfg.resolved_dt_rank, gate=cfg.gate,
                               scan=cfg.scan),
    gates=MAMBA_FAMILIES, prepare=_check_scan, init=_mamba_init,
    description="Mamba-1 block (mamba-ssm's parameter names) with a choice of gate")
register_architecture(
    "diagonal", lambda cfg: SelectiveDiagonalLayer(cfg.width, cfg.d_inner, gate=cfg.gate,
                                                   scan=cfg.scan),
    gates=DIAGONAL_FAMILIES, prepare=_check_scan,
    description="the paper's formal diagonal selective SSM, expand * width channels")
register_architecture("lstm", lambda cfg: LSTMLayer(cfg.width, cfg.width), family="lstm",
                      description="one LSTM layer per block (hidden size = width)")
register_architecture("transformer", lambda cfg: CausalSelfAttention(cfg.width, cfg.n_heads),
                      family="transformer_soft", mlp=True, positional=True,
                      validate=_heads_divide_width,
                      description="causal softmax self-attention + MLP per block")
