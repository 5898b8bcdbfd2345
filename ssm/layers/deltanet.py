"""DeltaNet, Gated DeltaNet and DeltaProduct mixers in plain PyTorch, state dicts as in fla.

One class, :class:`DeltaNet`, covers the three layers of flash-linear-attention (``fla``):
``fla.layers.DeltaNet`` (``n_householder=1``, no forget gate), ``fla.layers.GatedDeltaNet``
(``use_forget_gate=True``) and ``fla.layers.GatedDeltaProduct`` (``n_householder > 1``). Parameter
names and shapes follow those layers, so state dicts move both ways:

==================  ===============================  ==========================================
name                shape                            role
==================  ===============================  ==========================================
``q_proj``          (H·Dk, d)                         query
``k_proj``          (n_h·H·Dk, d)                     keys, one per Householder step (n_h outer)
``v_proj``          (n_h·H·Dv, d)                     values
``b_proj``          (n_h·H, d)                        β = sigmoid(·), times 2 for β ∈ (0, 2)
``a_proj``          (H, d)            [forget gate]   α = exp(−exp(A_log) · softplus(· + dt_bias))
``A_log``, ``dt_bias``  (H,)          [forget gate]   Mamba-2-style decay parameters
``q_conv1d`` …      (D, 1, conv_size)                 depthwise causal convolutions + SiLU
``g_proj``          (H·Dv, d)         [output gate]   ``o_norm(o, g) = RMSNorm(o) · SiLU(g)``
``o_norm``          (Dv,)                             per-head RMSNorm weight
``o_proj``          (d, H·Dv)
==================  ===============================  ==========================================

Queries and keys are L2-normalized per head (fla's ``use_qk_l2norm_in_kernel``), so every
transition ``I − β k kᵀ`` is a generalized Householder matrix with eigenvalues 1 and ``1 − β``:
``beta_range=(0, 1)`` keeps them in [0, 1] (DeltaNet, Yang et al. NeurIPS 2024), ``(0, 2)`` allows
[−1, 1] (Grazzi et al. ICLR 2025; fla's ``allow_neg_eigval``). The recurrence and its scans:
:mod:`ssm.scan.delta_reference` (sequential), :mod:`ssm.scan.delta_chunked` (WY/UT chunks, the CPU
choice), :mod:`ssm.scan.fla_backend` (fla's Triton kernels, chosen by ``scan="auto"`` on CUDA only,
for head dims that are multiples of 16 up to 256 and float32/float16/bfloat16).

Capture site ``hook_state`` (``layers.{i}.state`` in a model) receives every state
``(B, T, H, Dk, Dv)`` — flattened by :func:`ssm.capture.capture` to ``H·Dk·Dv`` features in the
order (head, key, value) — computed only while hooked (with the chunked scan when fla is in use).

>>> import torch
>>> layer = DeltaNet(16, num_heads=2, n_householder=2, beta_range=(0, 2), use_forget_gate=True,
...                  scan="chunked")
>>> x = torch.randn(3, 7, 16)
>>> layer(x).shape
torch.Size([3, 7, 16])
>>> state = layer.init_state(3)
>>> ys = []
>>> for t in range(7):
...     y, state = layer.step(x[:, t], state)
...     ys.append(y)
>>> torch.allclose(torch.stack(ys, 1), layer(x), atol=1e-5)
True
"""
from __future__ import annotations

import math
from typing import Callable, NamedTuple

import torch
import torch.nn.functional as F
from torch import nn

from ssm.capture import HookPoint
from ssm.errors import BackendUnavailableError, ConfigError
from ssm.layers.causal_conv import depthwise_causal_conv
from ssm.scan.delta_chunked import delta_product_chunked, delta_rule_chunked
from ssm.scan.delta_reference import delta_product_ref, delta_rule_ref

__all__ = ["DeltaNet", "DeltaState", "ShortConvolution", "GatedRMSNorm", "select_delta_scan",
           "DELTA_SCANS", "BETA_RANGES", "l2norm"]

DELTA_SCANS = ("auto", "reference", "chunked", "fla")
BETA_RANGES = ((0.0, 1.0), (0.0, 2.0))


def l2norm(x: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    """``x / sqrt(Σ x² + eps)`` over the last dim (fla's in-kernel L2 norm)."""
    return x * torch.rsqrt(x.pow(2).sum(-1, keepdim=True) + eps)


class ShortConvolution(nn.Conv1d):
    """Depthwise causal convolution over time with an optional SiLU (fla's ``ShortConvolution``:
    ``weight`` ``(D, 1, kernel_size)``, optional ``bias``). Input and output ``(B, T, D)``."""

    def __init__(self, hidden_size: int, kernel_size: int, bias: bool = False,
                 activation: str | None = "silu"):
        super().__init__(hidden_size, hidden_size, kernel_size, groups=hidden_size, bias=bias,
                         padding=kernel_size - 1)
        if activation not in (None, "silu"):
            raise ConfigError(f"unknown activation {activation!r}; choose silu or None")
        self.activation = activation

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        return causal_conv(x, self.weight, self.bias, self.activation)

    def step(self, x: torch.Tensor, cache: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """One position: ``x (B, D)``, ``cache (B, D, kernel_size)`` (the last inputs, oldest first)."""
        cache = torch.cat([cache[..., 1:], x.unsqueeze(-1)], dim=-1)
        y = (cache * self.weight[:, 0]).sum(-1)
        if self.bias is not None:
            y = y + self.bias
        return (F.silu(y) if self.activation == "silu" else y), cache


def causal_conv(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None,
                activation: str | None = "silu") -> torch.Tensor:
    """Depthwise causal convolution of ``x (B, T, D)`` with ``weight (D, 1, W)``."""
    y = depthwise_causal_conv(x, weight, bias)
    return F.silu(y) if activation == "silu" else y


class GatedRMSNorm(nn.Module):
    """RMSNorm over the last dim with a learned ``weight``, times ``SiLU(g)`` when a gate is given
    (fla's ``RMSNorm`` / ``FusedRMSNormGated``)."""

    def __init__(self, dim: int, eps: float = 1e-5):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x: torch.Tensor, g: torch.Tensor | None = None) -> torch.Tensor:
        y = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight
        return y if g is None else y * F.silu(g)


class DeltaState(NamedTuple):
    """Recurrent state of one layer for :meth:`DeltaNet.step`."""

    conv_q: torch.Tensor   # (B, H·Dk, conv_size)
    conv_k: torch.Tensor   # (B, n_h·H·Dk, conv_size)
    conv_v: torch.Tensor   # (B, n_h·H·Dv, conv_size)
    S: torch.Tensor        # (B, H, Dk, Dv)


def select_delta_scan(name: str, device, n_householder: int = 1) -> tuple[str, Callable]:
    """``(name, fn)`` of the delta-rule scan to use on ``device``.

    ``"auto"``: fla's kernels on CUDA when ``fla`` imports, else ``"chunked"``. ``fn`` has the
    signature of :func:`ssm.scan.delta_reference.delta_rule_ref` (``n_householder == 1``) or
    :func:`~ssm.scan.delta_reference.delta_product_ref`.

    >>> select_delta_scan("auto", "cpu")[0]
    'chunked'
    >>> select_delta_scan("fla", "cpu")
    Traceback (most recent call last):
    ...
    ssm.errors.BackendUnavailableError: scan backend 'fla' is unavailable: its Triton kernels need a CUDA device (install with: pip install flash-linear-attention)
    """
    if name not in DELTA_SCANS:
        raise ConfigError(f"unknown scan {name!r} for the delta rule; choose one of: "
                          f"{', '.join(DELTA_SCANS)}")
    dev = torch.device(device).type
    product = n_householder > 1
    if name == "auto":
        if dev == "cuda":
            try:
                return select_delta_scan("fla", device, n_householder)
            except BackendUnavailableError:
                pass
        name = "chunked"
    if name == "reference":
        return name, delta_product_ref if product else delta_rule_ref
    if name == "chunked":
        return name, delta_product_chunked if product else delta_rule_chunked
    from ssm.scan import fla_backend
    return name, (fla_backend.load_fla_delta_product(dev) if product
                  else fla_backend.load_fla_delta_rule(dev))


def _beta_range(value) -> tuple[float, float]:
    try:
        lo, hi = (float(x) for x in value)
    except (TypeError, ValueError):
        raise ConfigError(f"beta_range must be (0, 1) or (0, 2), got {value!r}") from None
    if (lo, hi) not in BETA_RANGES:
        raise ConfigError(f"beta_range must be (0, 1) or (0, 2), got {value!r}")
    return lo, hi


class DeltaNet(nn.Module):
    """(Gated) DeltaNet / DeltaProduct mixer ``(B, T, d_model) -> (B, T, d_model)``.

    Parameters
    ----------
    d_model : int
    num_heads : int
    head_dim : int, optional
        Key dimension per head ``Dk``; ``d_model // num_heads`` by default.
    expand_v : float
        Value dimension per head ``Dv = expand_v · Dk``.
    n_householder : int
        Householder steps per token: 1 is DeltaNet, more is DeltaProduct (Siems et al. 2025).
    beta_range : (0, 1) or (0, 2)
        Range of β, so the transition eigenvalues lie in [0, 1] or [−1, 1].
    use_forget_gate : bool
        Gated DeltaNet's scalar decay α_t per head (Yang, Kautz & Hatamizadeh, ICLR 2025).
    use_output_gate : bool
        ``g_proj`` and the gated output norm (else a plain RMSNorm).
    conv_size, conv_bias : int, bool
        Short causal convolutions on q, k, v.
    scan : {"auto", "reference", "chunked", "fla"}
        See :func:`select_delta_scan`.
    chunk_size : int
        Chunk length of the chunked scan (Householder steps). 16 was fastest on CPU for head
        dims 8–32 (forward + backward, CPU time: 0.33 s vs 0.36 s at 32 and 0.43 s at 64 for a
        2-layer width-64 model at length 512, batch 16).
    """

    def __init__(self, d_model: int, num_heads: int = 4, head_dim: int | None = None,
                 expand_v: float = 1.0, n_householder: int = 1, beta_range=(0.0, 1.0),
                 use_forget_gate: bool = False, use_output_gate: bool = True, conv_size: int = 4,
                 conv_bias: bool = False, norm_eps: float = 1e-5, scan: str = "auto",
                 chunk_size: int = 16):
        super().__init__()
        for name, val in (("d_model", d_model), ("num_heads", num_heads),
                          ("n_householder", n_householder), ("conv_size", conv_size),
                          ("chunk_size", chunk_size)):
            if isinstance(val, bool) or not isinstance(val, int) or val < 1:
                raise ConfigError(f"{name} must be a positive integer, got {val!r}")
        if head_dim is None:
            if d_model % num_heads:
                raise ConfigError(f"d_model {d_model} is not divisible by num_heads {num_heads}; "
                                  "give head_dim")
            head_dim = d_model // num_heads
        if isinstance(head_dim, bool) or not isinstance(head_dim, int) or head_dim < 1:
            raise ConfigError(f"head_dim must be a positive integer, got {head_dim!r}")
        head_v = head_dim * expand_v
        if not head_v >= 1 or not math.isclose(head_v, round(head_v)):
            raise ConfigError(f"expand_v={expand_v} times head_dim={head_dim} is not an integer >= 1")
        if scan not in DELTA_SCANS:
            raise ConfigError(f"unknown scan {scan!r} for the delta rule; choose one of: "
                              f"{', '.join(DELTA_SCANS)}")
        self.d_model, self.num_heads, self.n_householder = d_model, num_heads, n_householder
        self.head_k_dim, self.head_v_dim = head_dim, int(round(head_v))
        self.key_dim, self.value_dim = num_heads * head_dim, num_heads * self.head_v_dim
        self.beta_range = _beta_range(beta_range)
        self.use_forget_gate, self.use_output_gate = use_forget_gate, use_output_gate
        self.conv_size, self.scan, self.chunk_size = conv_size, scan, chunk_size
        n, H = n_householder, num_heads

        self.q_proj = nn.Linear(d_model, self.key_dim, bias=False)
        self.k_proj = nn.Linear(d_model, self.key_dim * n, bias=False)
        self.v_proj = nn.Linear(d_model, self.value_dim * n, bias=False)
        self.b_proj = nn.Linear(d_model, H * n, bias=False)
        if use_forget_gate:
            self.a_proj = nn.Linear(d_model, H, bias=False)
            self.A_log = nn.Parameter(torch.log(torch.empty(H).uniform_(0, 16)))
            self.A_log._no_weight_decay = True
            dt = torch.exp(torch.rand(H) * (math.log(0.1) - math.log(0.001)) + math.log(0.001))
            dt = dt.clamp(min=1e-4)
            self.dt_bias = nn.Parameter(dt + torch.log(-torch.expm1(-dt)))   # softplus⁻¹(dt)
            self.dt_bias._no_weight_decay = True
        self.q_conv1d = ShortConvolution(self.key_dim, conv_size, conv_bias)
        self.k_conv1d = ShortConvolution(self.key_dim * n, conv_size, conv_bias)
        self.v_conv1d = ShortConvolution(self.value_dim * n, conv_size, conv_bias)
        if use_output_gate:
            self.g_proj = nn.Linear(d_model, self.value_dim, bias=False)
        self.o_norm = GatedRMSNorm(self.head_v_dim, eps=norm_eps)
        self.o_proj = nn.Linear(self.value_dim, d_model, bias=False)
        self.hook_state = HookPoint()

    @property
    def max_beta(self) -> float:
        return self.beta_range[1]

    def _qkv(self, q, k, v, x):
        """Head-split, normalized q, k, v, β and log decay g from the conv outputs."""
        B, T = x.shape[:2]
        n, H = self.n_householder, self.num_heads
        q = l2norm(q.reshape(B, T, H, self.head_k_dim))
        k = l2norm(k.reshape(B, T, n, H, self.head_k_dim))
        v = v.reshape(B, T, n, H, self.head_v_dim)
        beta = self.b_proj(x).sigmoid().reshape(B, T, n, H) * self.max_beta
        g = None
        if self.use_forget_gate:
            g = -self.A_log.exp() * F.softplus(self.a_proj(x) + self.dt_bias)
        return q, k, v, beta, g

    def _fla_fits(self, dtype: torch.dtype) -> bool:
        """Whether ``scan="auto"`` may hand this layer to fla: head dims that are multiples of 16
        up to 256 and a dtype its kernels take, float16 or bfloat16 (else the chunked scan
        runs)."""
        dims_ok = all(d % 16 == 0 and d <= 256 for d in (self.head_k_dim, self.head_v_dim))
        return dims_ok and dtype in (torch.float16, torch.bfloat16)

    def _scan(self, q, k, v, beta, g, h0=None, output_states=False, name=None):
        name = name or self.scan
        if name == "auto" and q.device.type == "cuda" and not self._fla_fits(q.dtype):
            name = "chunked"
        name, fn = select_delta_scan(name, q.device, self.n_householder)
        if output_states and name == "fla":
            name, fn = select_delta_scan("chunked", q.device, self.n_householder)
        kw = {"h0": h0, "output_states": output_states}
        if name == "chunked":
            kw["chunk_size"] = self.chunk_size
        if self.n_householder == 1:
            return fn(q, k[:, :, 0], v[:, :, 0], beta[:, :, 0], g, **kw)
        return fn(q, k, v, beta, g, **kw)

    def _output(self, o, x):
        B, T = x.shape[:2]
        if self.use_output_gate:
            gate = self.g_proj(x).reshape(B, T, self.num_heads, self.head_v_dim)
            o = self.o_norm(o, gate)
        else:
            o = self.o_norm(o)
        return self.o_proj(o.reshape(B, T, self.value_dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        q = self.q_conv1d(self.q_proj(x))
        k = self.k_conv1d(self.k_proj(x))
        v = self.v_conv1d(self.v_proj(x))
        q, k, v, beta, g = self._qkv(q, k, v, x)
        want = self.hook_state.wanted
        out = self._scan(q, k, v, beta, g, output_states=want)
        if want:
            self.hook_state(out.states)
        return self._output(out.o, x)

    def init_state(self, batch: int, device=None) -> DeltaState:
        """Zero state for :meth:`step`."""
        dev = device if device is not None else self.o_proj.weight.device
        dt = self.o_proj.weight.dtype
        n, W = self.n_householder, self.conv_size
        return DeltaState(torch.zeros(batch, self.key_dim, W, device=dev, dtype=dt),
                          torch.zeros(batch, self.key_dim * n, W, device=dev, dtype=dt),
                          torch.zeros(batch, self.value_dim * n, W, device=dev, dtype=dt),
                          torch.zeros(batch, self.num_heads, self.head_k_dim, self.head_v_dim,
                                      device=dev, dtype=dt))

    def step(self, x: torch.Tensor, state: DeltaState) -> tuple[torch.Tensor, DeltaState]:
        """One token ``x (B, d_model)``; equal to ``forward`` at that position."""
        q, cq = self.q_conv1d.step(self.q_proj(x), state.conv_q)
        k, ck = self.k_conv1d.step(self.k_proj(x), state.conv_k)
        v, cv = self.v_conv1d.step(self.v_proj(x), state.conv_v)
        xs = x.unsqueeze(1)
        q, k, v, beta, g = self._qkv(q.unsqueeze(1), k.unsqueeze(1), v.unsqueeze(1), xs)
        out = self._scan(q, k, v, beta, g, h0=state.S, name="reference")
        return self._output(out.o, xs)[:, 0], DeltaState(cq, ck, cv, out.final_state)


# ------------------------------------------------------------------ the architecture registry
#: Options of the ``deltanet`` / ``deltaproduct`` architectures (``ModelConfig.options``).
DELTANET_OPTIONS = {"beta_range": [0.0, 1.0], "n_householder": 1, "use_gate": False,
                    "use_output_gate": True, "head_dim": None, "expand_v": 1.0, "chunk_size": 16,
                    "delta_scan": None}


def deltanet_family(cfg) -> str:
    """The verdict family of a ``deltanet``/``deltaproduct`` config (the shared contract):
    ``lrnn_householder`` for ``beta_range (0, 2)``, ``lrnn_householder_positive`` for ``(0, 1)``.

    >>> from ssm.config import ModelConfig
    >>> deltanet_family(ModelConfig(arch="deltaproduct", options={"beta_range": [0, 2]}))
    'lrnn_householder'
    >>> deltanet_family(ModelConfig(arch="deltanet"))
    'lrnn_householder_positive'
    """
    return "lrnn_householder" if _beta_range(cfg.option("beta_range"))[1] == 2.0 \
        else "lrnn_householder_positive"


def delta_scan_name(cfg) -> str:
    """The delta-rule scan of a config: option ``delta_scan`` if set, else ``cfg.scan``
    (``auto``, ``reference`` or ``chunked``; the diagonal-only ``triton``/``mamba_ssm`` are
    refused)."""
    name = cfg.option("delta_scan") or cfg.scan
    if name not in DELTA_SCANS:
        raise ConfigError(f"scan {name!r} does not run the delta rule; choose one of: "
                          f"{', '.join(DELTA_SCANS)} (option delta_scan for 'fla')")
    return name


def _validate(cfg) -> None:
    _beta_range(cfg.option("beta_range"))
    nh = cfg.option("n_householder")
    if isinstance(nh, bool) or not isinstance(nh, int) or nh < 1:
        raise ConfigError(f"n_householder must be an integer >= 1, got {nh!r}")
    if cfg.arch == "deltanet" and nh != 1:
        raise ConfigError("arch 'deltanet' has n_householder = 1; use arch 'deltaproduct'")
    if cfg.option("head_dim") is None and cfg.width % cfg.n_heads:
        raise ConfigError(f"width {cfg.width} is not divisible by n_heads {cfg.n_heads}; "
                          "set the option head_dim")
    delta_scan_name(cfg)


def _prepare(cfg, device) -> None:
    select_delta_scan(delta_scan_name(cfg), device, cfg.option("n_householder"))


def deltanet_mixer(cfg) -> DeltaNet:
    """The mixer of one ``deltanet``/``deltaproduct`` layer from a :class:`ssm.config.ModelConfig`
    (``n_heads`` heads, ``d_conv`` convolution width, the options of :data:`DELTANET_OPTIONS`)."""
    o = cfg.option
    return DeltaNet(cfg.width, num_heads=cfg.n_heads, head_dim=o("head_dim"),
                    expand_v=float(o("expand_v")), n_householder=o("n_householder"),
                    beta_range=o("beta_range"), use_forget_gate=bool(o("use_gate")),
                    use_output_gate=bool(o("use_output_gate")), conv_size=cfg.d_conv,
                    scan=delta_scan_name(cfg), chunk_size=o("chunk_size"))


def _register() -> None:
    from ssm.architectures import get_architecture, register_architecture

    common = dict(family=deltanet_family, validate=_validate, prepare=_prepare)
    try:
        get_architecture("deltanet")
        return                                              # already registered
    except ConfigError:
        pass
    register_architecture(
        "deltanet", deltanet_mixer, options=DELTANET_OPTIONS, **common,
        description="DeltaNet (Yang et al. 2024; Gated with use_gate): matrix state, "
                    "Householder transitions, beta_range (0, 1) or (0, 2)")
    register_architecture(
        "deltaproduct", deltanet_mixer, options={**DELTANET_OPTIONS, "n_householder": 2},
        **common, description="DeltaProduct (Siems et al. 2025): n_householder Householder "
                              "steps per token")


_register()
