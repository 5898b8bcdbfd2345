"""The language model wrapper: embedding, pre-norm residual blocks, final norm, per-position head.

>>> import torch
>>> from ssm.config import ModelConfig
>>> cfg = ModelConfig(arch="mamba", gate="signed", layers=2, width=16, vocab_size=3, n_outputs=3)
>>> model = build_model(cfg, seed=0, device="cpu")
>>> tokens = torch.tensor([[1, 2, 2, 1]])
>>> logits = model(tokens)
>>> logits.shape
torch.Size([1, 4, 3])
>>> cache = model.init_cache(1)
>>> for t in range(4):
...     step_logits, cache = model.step(tokens[:, t], cache)
>>> torch.allclose(step_logits, logits[:, -1], atol=1e-5)
True
>>> model.capture_sites()[:3]
['embed', 'layers.0.state', 'layers.0.out']
"""
from __future__ import annotations

import logging
from typing import NamedTuple

import torch
from torch import nn

from ssm.architectures import get_architecture
from ssm.capture import HookPoint, hook_points
from ssm.config import ModelConfig
from ssm.errors import ConfigError, ShapeError
from ssm.layers.transformer import MLP, PositionalEncoding

__all__ = ["LanguageModel", "Block", "RMSNorm", "Cache", "build_model", "resolve_device"]

logger = logging.getLogger("ssm.model")
_announced_devices: set[str] = set()


class RMSNorm(nn.Module):
    """Root-mean-square norm with a learned scale (Zhang & Sennrich 2019)."""

    def __init__(self, width: int, eps: float = 1e-5):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(width))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def _norm(kind: str, width: int) -> nn.Module:
    return RMSNorm(width) if kind == "rmsnorm" else nn.LayerNorm(width)


class Block(nn.Module):
    """``x + mixer(norm(x))`` (and ``+ mlp(norm2(·))`` for the transformer); capture ``out``."""

    def __init__(self, mixer: nn.Module, width: int, norm: str, mlp: bool = False):
        super().__init__()
        self.norm = _norm(norm, width)
        self.mixer = mixer
        if mlp:
            self.norm2 = _norm(norm, width)
            self.mlp = MLP(width)
        self.hook_out = HookPoint()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.mixer(self.norm(x))
        if hasattr(self, "mlp"):
            x = x + self.mlp(self.norm2(x))
        return self.hook_out(x)

    def init_state(self, batch: int, device=None):
        return self.mixer.init_state(batch, device=device)

    def step(self, x: torch.Tensor, state):
        y, state = self.mixer.step(self.norm(x), state)
        x = x + y
        if hasattr(self, "mlp"):
            x = x + self.mlp(self.norm2(x))
        return x, state


class Cache(NamedTuple):
    """State for :meth:`LanguageModel.step`: tokens consumed so far and one state per layer."""

    position: int
    layers: tuple


class LanguageModel(nn.Module):
    """Embedding (padding id 0) → ``cfg.layers`` pre-norm residual blocks → norm → linear head.

    ``forward(tokens (B, T)) -> logits (B, T, n_outputs)``; ``step`` runs one token at a time and
    matches ``forward``. Capture sites: ``embed``, ``layers.{i}.out`` and the recurrent states
    (``layers.{i}.state`` for Mamba and diagonal layers, ``layers.{i}.h`` / ``layers.{i}.c`` for
    LSTM). The mixer of each block comes from the architecture registry
    (:func:`ssm.architectures.get_architecture`), which also says whether blocks carry an MLP
    and how the whole model is initialized.

    >>> model = LanguageModel(ModelConfig(arch="lstm", layers=1, width=8, vocab_size=3, n_outputs=3))
    >>> tokens = torch.tensor([[1, 2, 1]])
    >>> cache = model.init_cache(1)
    >>> for t in range(3):
    ...     last, cache = model.step(tokens[:, t], cache)
    >>> torch.allclose(last, model(tokens)[:, -1], atol=1e-5)
    True
    """

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        self.embed = nn.Embedding(cfg.vocab_size, cfg.width, padding_idx=0)
        self.pos = PositionalEncoding(cfg.positional, cfg.width, cfg.max_len)
        self.hook_embed = HookPoint()
        arch = get_architecture(cfg.arch)
        self.layers = nn.ModuleList(Block(arch.builder(cfg), cfg.width, cfg.norm, mlp=arch.mlp)
                                    for _ in range(cfg.layers))
        self.norm_f = _norm(cfg.norm, cfg.width)
        self.head = nn.Linear(cfg.width, cfg.n_outputs)
        if arch.init is not None:
            arch.init(self)

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
        x = self.hook_embed(self.pos(self.embed(tokens)))
        for block in self.layers:
            x = block(x)
        return self.head(self.norm_f(x))

    def init_cache(self, batch: int) -> Cache:
        """The empty cache for :meth:`step` on ``batch`` sequences."""
        return Cache(0, tuple(block.init_state(batch, device=self.device) for block in self.layers))

    def step(self, token: torch.Tensor, cache: Cache) -> tuple[torch.Tensor, Cache]:
        """Consume one token per sequence.

        Parameters
        ----------
        token : LongTensor, shape (B,)
        cache : Cache
            From :meth:`init_cache` or the previous ``step``; not modified.

        Returns
        -------
        logits : Tensor, shape (B, n_outputs)
            Equal to ``forward(tokens)[:, t]`` for the ``t``-th call.
        cache : Cache
        """
        self._check_tokens(token, 1)
        x = self.pos(self.embed(token).unsqueeze(1), offset=cache.position).squeeze(1)
        states = []
        for block, state in zip(self.layers, cache.layers):
            x, state = block.step(x, state)
            states.append(state)
        return self.head(self.norm_f(x)), Cache(cache.position + 1, tuple(states))

    def capture_sites(self) -> list[str]:
        """Names accepted by :func:`ssm.capture.capture`, in forward order."""
        return list(hook_points(self))


def resolve_device(device: str | torch.device = "auto") -> torch.device:
    """``"auto"`` → CUDA when available, else CPU (logged once); anything else as given."""
    if str(device) != "auto":
        try:
            return torch.device(device)
        except (RuntimeError, TypeError) as e:
            raise ConfigError(f"unknown device {device!r}") from e
    dev = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if dev.type not in _announced_devices:
        _announced_devices.add(dev.type)
        logger.info("device='auto': using %s", dev.type)
    return dev


def build_model(cfg: ModelConfig, *, seed: int = 0, device: str | torch.device = "auto") -> LanguageModel:
    """Build a :class:`LanguageModel` from ``cfg`` with initialization seed ``seed``.

    The global RNG is left as it was (the seed is applied inside ``torch.random.fork_rng``).
    ``device="auto"`` uses CUDA when available; the scan backend is chosen per device by
    :func:`ssm.scan.select_scan` (``cfg.scan``).

    Raises
    ------
    ConfigError
        If ``cfg`` is not a :class:`ModelConfig` or the device is unknown.
    BackendUnavailableError
        If ``cfg.scan`` names a backend that cannot run on the device (with the install command).

    >>> cfg = ModelConfig(arch="mamba", layers=1, width=8, d_state=2, vocab_size=3, n_outputs=3)
    >>> model = build_model(cfg, seed=1, device="cpu")
    >>> model(torch.tensor([[1, 2, 2]])).shape
    torch.Size([1, 3, 3])
    """
    if not isinstance(cfg, ModelConfig):
        raise ConfigError(f"build_model needs a ModelConfig, got {type(cfg).__name__}")
    dev = resolve_device(device)
    arch = get_architecture(cfg.arch)
    if arch.prepare is not None:
        arch.prepare(cfg, dev)                   # e.g. a missing scan backend fails here
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = LanguageModel(cfg)
    return model.to(dev)
