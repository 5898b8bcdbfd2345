"""Language models built from :class:`ssm.layers.deltanet.DeltaNet` mixers.

:func:`build_deltanet_model` is the builder for the architectures ``deltanet`` (``n_householder``
1 by default) and ``deltaproduct`` (2 by default). The model follows the contract of
:class:`ssm.model.LanguageModel` (``docs/architecture.md``): embedding (padding id 0) → pre-norm
residual blocks ``x + mixer(norm(x))`` → final norm → linear head; ``forward(tokens) -> logits``,
``step``/``init_cache``, ``capture_sites()`` with ``embed``, ``layers.{i}.state`` (the matrix
state, flattened in the order head, key, value) and ``layers.{i}.out``.

The verdict family (the shared contract): ``lrnn_householder`` for ``beta_range=(0, 2)``,
``lrnn_householder_positive`` for ``(0, 1)`` (:func:`deltanet_family`).

>>> import torch
>>> cfg = DeltaNetConfig(arch="deltaproduct", layers=2, width=16, heads=2, beta_range=(0, 2),
...                      vocab_size=3, n_outputs=2)
>>> model = build_deltanet_model(cfg, seed=0, device="cpu")
>>> tokens = torch.tensor([[1, 2, 2, 1]])
>>> logits = model(tokens)
>>> logits.shape
torch.Size([1, 4, 2])
>>> cache = model.init_cache(1)
>>> for t in range(4):
...     step_logits, cache = model.step(tokens[:, t], cache)
>>> torch.allclose(step_logits, logits[:, -1], atol=1e-5)
True
>>> model.capture_sites()[:3]
['embed', 'layers.0.state', 'layers.0.out']
>>> deltanet_family(cfg)
'lrnn_householder'
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Mapping, NamedTuple

import torch
from torch import nn

from ssm.capture import HookPoint, hook_points
from ssm.errors import ConfigError, ShapeError

from .deltanet import BETA_RANGES, DELTA_SCANS, DeltaNet, GatedRMSNorm, _beta_range

__all__ = ["DeltaNetConfig", "DeltaNetLanguageModel", "build_deltanet_model", "deltanet_family",
           "DELTANET_ARCHS", "BETA_RANGES"]

DELTANET_ARCHS = ("deltanet", "deltaproduct")


def _positive_int(name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"{name} must be an integer >= 1, got {value!r}")


@dataclass(frozen=True)
class DeltaNetConfig:
    """Configuration of a DeltaNet / DeltaProduct language model (validated on construction).

    Parameters
    ----------
    arch : {"deltanet", "deltaproduct"}
    layers, width : int
        Blocks and ``d_model``.
    heads : int
        Heads per layer; ``head_dim`` (key dim per head) defaults to ``width // heads``.
    expand_v : float
        Value dim per head is ``expand_v · head_dim``.
    beta_range : (0, 1) or (0, 2)
        Eigenvalues of every Householder factor in [0, 1] or [−1, 1] (Grazzi et al. 2025).
    n_householder : int or None
        Householder steps per token; ``None`` means 1 for deltanet, 2 for deltaproduct.
        ``deltanet`` requires 1.
    use_gate : bool
        Gated DeltaNet's forget gate α_t (Yang, Kautz & Hatamizadeh 2025).
    use_output_gate : bool
        The output gate ``g_proj`` (fla's default for Gated DeltaNet / DeltaProduct).
    d_conv : int
        Short-convolution width.
    vocab_size, n_outputs : int
        Token ids including padding 0; head width.
    norm : {"rmsnorm", "layernorm"}
    scan : {"auto", "reference", "chunked", "fla"}
    chunk_size : int
    max_len : int
        Kept for interface parity with :class:`ssm.config.ModelConfig` (no positions are used).
    """

    arch: str = "deltanet"
    layers: int = 2
    width: int = 64
    heads: int = 4
    head_dim: int | None = None
    expand_v: float = 1.0
    beta_range: tuple = (0.0, 1.0)
    n_householder: int | None = None
    use_gate: bool = False
    use_output_gate: bool = True
    d_conv: int = 4
    vocab_size: int = 3
    n_outputs: int = 3
    norm: str = "rmsnorm"
    scan: str = "auto"
    chunk_size: int = 64
    max_len: int = 2048

    def __post_init__(self) -> None:
        if self.arch not in DELTANET_ARCHS:
            raise ConfigError(f"unknown arch {self.arch!r}; choose one of: {', '.join(DELTANET_ARCHS)}")
        object.__setattr__(self, "beta_range", _beta_range(self.beta_range))
        if self.n_householder is None:
            object.__setattr__(self, "n_householder", 1 if self.arch == "deltanet" else 2)
        for name in ("layers", "width", "heads", "n_householder", "d_conv", "n_outputs",
                     "chunk_size", "max_len"):
            _positive_int(name, getattr(self, name))
        if self.vocab_size < 2 or isinstance(self.vocab_size, bool) or not isinstance(self.vocab_size, int):
            raise ConfigError(f"vocab_size must be an integer >= 2, got {self.vocab_size!r}")
        if self.arch == "deltanet" and self.n_householder != 1:
            raise ConfigError("arch 'deltanet' has n_householder = 1; use arch 'deltaproduct'")
        if self.head_dim is None and self.width % self.heads:
            raise ConfigError(f"width {self.width} is not divisible by heads {self.heads}; give head_dim")
        if self.norm not in ("rmsnorm", "layernorm"):
            raise ConfigError(f"unknown norm {self.norm!r}; choose one of: rmsnorm, layernorm")
        if self.scan not in DELTA_SCANS:
            raise ConfigError(f"unknown scan {self.scan!r}; choose one of: {', '.join(DELTA_SCANS)}")

    def to_dict(self) -> dict[str, Any]:
        """JSON-serializable dict of every field."""
        d = dataclasses.asdict(self)
        d["beta_range"] = list(self.beta_range)
        return d

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "DeltaNetConfig":
        """Inverse of :meth:`to_dict`; unknown keys raise :class:`ConfigError`."""
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - names)
        if unknown:
            raise ConfigError(f"unknown DeltaNet config key(s): {', '.join(unknown)}")
        return cls(**dict(data))

    @classmethod
    def coerce(cls, cfg: Any) -> "DeltaNetConfig":
        """A :class:`DeltaNetConfig` from itself, a mapping, or any config object.

        For other objects (e.g. an :class:`ssm.config.ModelConfig` extended with these fields)
        every attribute named like a field is taken (``n_heads`` stands in for ``heads``), and
        a mapping attribute ``options`` or ``extra`` may supply the rest.
        """
        if isinstance(cfg, cls):
            return cfg
        if isinstance(cfg, Mapping):
            return cls.from_dict(cfg)
        names = [f.name for f in dataclasses.fields(cls)]
        data: dict[str, Any] = {}
        for key in ("options", "extra"):
            extra = getattr(cfg, key, None)
            if isinstance(extra, Mapping):
                data.update({k: v for k, v in extra.items() if k in names})
        for name in names:
            if name not in data and hasattr(cfg, name):
                data[name] = getattr(cfg, name)
        if "heads" not in data and hasattr(cfg, "n_heads"):
            data["heads"] = cfg.n_heads
        if data.get("scan") not in (None, *DELTA_SCANS):
            data["scan"] = "auto"           # a diagonal-scan name (triton, mamba_ssm) from ModelConfig
        return cls(**data)


def deltanet_family(cfg: Any) -> str:
    """The verdict family of a DeltaNet / DeltaProduct config (the shared contract)."""
    lo, hi = DeltaNetConfig.coerce(cfg).beta_range
    return "lrnn_householder" if hi == 2.0 else "lrnn_householder_positive"


class _Block(nn.Module):
    def __init__(self, mixer: DeltaNet, width: int, norm: str):
        super().__init__()
        self.norm = GatedRMSNorm(width) if norm == "rmsnorm" else nn.LayerNorm(width)
        self.mixer = mixer
        self.hook_out = HookPoint()

    def forward(self, x):
        return self.hook_out(x + self.mixer(self.norm(x)))

    def step(self, x, state):
        y, state = self.mixer.step(self.norm(x), state)
        return x + y, state


class DeltaCache(NamedTuple):
    """State for :meth:`DeltaNetLanguageModel.step`: tokens consumed and one state per layer."""

    position: int
    layers: tuple


class DeltaNetLanguageModel(nn.Module):
    """Embedding → ``cfg.layers`` pre-norm residual DeltaNet blocks → norm → linear head."""

    def __init__(self, cfg: DeltaNetConfig):
        super().__init__()
        self.cfg = cfg
        self.embed = nn.Embedding(cfg.vocab_size, cfg.width, padding_idx=0)
        self.hook_embed = HookPoint()
        self.layers = nn.ModuleList(
            _Block(DeltaNet(cfg.width, num_heads=cfg.heads, head_dim=cfg.head_dim,
                            expand_v=cfg.expand_v, n_householder=cfg.n_householder,
                            beta_range=cfg.beta_range, use_forget_gate=cfg.use_gate,
                            use_output_gate=cfg.use_output_gate, conv_size=cfg.d_conv,
                            scan=cfg.scan, chunk_size=cfg.chunk_size), cfg.width, cfg.norm)
            for _ in range(cfg.layers))
        self.norm_f = GatedRMSNorm(cfg.width) if cfg.norm == "rmsnorm" else nn.LayerNorm(cfg.width)
        self.head = nn.Linear(cfg.width, cfg.n_outputs)

    @property
    def device(self) -> torch.device:
        return self.head.weight.device

    def _check_tokens(self, tokens: torch.Tensor, dims: int) -> None:
        if not isinstance(tokens, torch.Tensor) or tokens.dtype not in (torch.int64, torch.int32):
            raise ShapeError(f"tokens must be an integer tensor, got "
                             f"{getattr(tokens, 'dtype', type(tokens).__name__)}")
        if tokens.dim() != dims:
            want = "(batch, length)" if dims == 2 else "(batch,)"
            raise ShapeError(f"tokens must have shape {want}, got {tuple(tokens.shape)}")
        if tokens.numel() and (int(tokens.min()) < 0 or int(tokens.max()) >= self.cfg.vocab_size):
            raise ShapeError(f"token ids must lie in [0, {self.cfg.vocab_size}), got "
                             f"[{int(tokens.min())}, {int(tokens.max())}]")

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        """Logits ``(B, T, n_outputs)`` for ``tokens`` ``(B, T)`` (0 = padding, on the right)."""
        self._check_tokens(tokens, 2)
        x = self.hook_embed(self.embed(tokens))
        for block in self.layers:
            x = block(x)
        return self.head(self.norm_f(x))

    def init_cache(self, batch: int) -> DeltaCache:
        """The empty cache for :meth:`step`."""
        return DeltaCache(0, tuple(b.mixer.init_state(batch, device=self.device) for b in self.layers))

    def step(self, token: torch.Tensor, cache: DeltaCache) -> tuple[torch.Tensor, DeltaCache]:
        """Consume one token per sequence ``(B,)``; logits equal ``forward(tokens)[:, t]``."""
        self._check_tokens(token, 1)
        x = self.embed(token)
        states = []
        for block, state in zip(self.layers, cache.layers):
            x, state = block.step(x, state)
            states.append(state)
        return self.head(self.norm_f(x)), DeltaCache(cache.position + 1, tuple(states))

    def capture_sites(self) -> list[str]:
        """Names accepted by :func:`ssm.capture.capture`, in forward order."""
        return list(hook_points(self))


def build_deltanet_model(cfg: Any, *, seed: int = 0,
                         device: str | torch.device = "auto") -> DeltaNetLanguageModel:
    """Build a :class:`DeltaNetLanguageModel` from ``cfg`` (see :meth:`DeltaNetConfig.coerce`).

    The global RNG is left as it was (the seed is applied inside ``torch.random.fork_rng``);
    ``device="auto"`` means CUDA when available. A scan named explicitly that cannot run on the
    device fails here (:class:`ssm.errors.BackendUnavailableError`).
    """
    from .deltanet import select_delta_scan

    cfg = DeltaNetConfig.coerce(cfg)
    if str(device) == "auto":
        dev = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    else:
        try:
            dev = torch.device(device)
        except (RuntimeError, TypeError) as e:
            raise ConfigError(f"unknown device {device!r}") from e
    select_delta_scan(cfg.scan, dev, cfg.n_householder)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = DeltaNetLanguageModel(cfg)
    return model.to(dev)

