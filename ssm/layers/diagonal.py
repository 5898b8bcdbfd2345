"""The paper's formal model class: diagonal selective SSM layers with a position-wise readout.

One layer computes (Sarrof, Veitsman, Hahn 2024, §2)

    h_t = a(x_t) ∘ h_{t-1} + b(x_t),        z_t = φ(h_t, x_t),

with a diagonal, input-dependent gate ``a`` and input ``b`` (real or complex) and a position-wise
readout ``φ``. Layers stack: the outputs ``z_t`` of layer ℓ are the inputs ``x_t`` of layer ℓ+1.
Here the inputs of a layer are either discrete tokens (a ``LongTensor`` of shape ``(B, T)``;
``a`` and ``b`` are then lookup tables of shape ``(vocab, d_state)``) or vectors (a floating
tensor ``(B, T, F)``; ``a`` and ``b`` are then callables returning ``(B, T, d_state)``). Weights are
set by hand; nothing here is trained.

The dtype is selectable (``float32`` or ``float64``; complex tables become ``complex64`` /
``complex128``) so that precision limits can be measured. The recurrence runs through
:func:`ssm.scan.reference.linear_scan_ref` (the specification). When every gate of a lookup-table
layer is exactly 1 (a pure counter), the sequential sum is computed with ``numpy.cumsum``, which
adds left to right in the working dtype and so gives bit-for-bit the same rounding as the
sequential recurrence (``torch.cumsum`` on CPU does not: it accumulates float32 in higher
precision, which would hide the very precision limit one wants to measure). When every gate of a
channel is 0 or 1 and ``b = 0`` wherever the gate is 1 (set/hold channels: flip-flops, sticky
flags), the state is the ``b`` of the last gate-0 step (or ``h0``), an exact forward fill. The
choice is made per channel (channels are independent), the other channels run the reference scan. ``scan="reference"``
forces the sequential scan; ``scan="chunked"`` uses :func:`ssm.scan.chunked.chunked_scan`
(faster for long inputs, not bit-identical in rounding).

>>> import torch
>>> parity = DiagonalSSMLayer(a=torch.tensor([[1.0], [-1.0]]), b=torch.tensor([[0.0], [1.0]]),
...                           readout=lambda h, x: (h[..., 0] > 0.5).long())
>>> parity(torch.tensor([[1, 0, 1, 1]])).tolist()     # parity of the 1s in every prefix
[[1, 1, 0, 1]]
"""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np
import torch
from torch import nn

from ssm.scan.reference import linear_scan_ref

__all__ = ["DiagonalSSMLayer", "DiagonalSSM", "Readout", "complex_dtype_for"]

Readout = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
_REAL_DTYPES = (torch.float32, torch.float64)


def complex_dtype_for(dtype: torch.dtype) -> torch.dtype:
    """``complex64`` for ``float32``, ``complex128`` for ``float64``."""
    return torch.complex64 if dtype == torch.float32 else torch.complex128


def _check_dtype(dtype: torch.dtype) -> torch.dtype:
    if dtype not in _REAL_DTYPES:
        raise ValueError(f"dtype must be torch.float32 or torch.float64, got {dtype}")
    return dtype


def _cumsum_scan(a: torch.Tensor, b: torch.Tensor, h0: torch.Tensor | None) -> torch.Tensor:
    """Every gate is 1: sequential left-to-right sums in the working dtype (numpy's cumsum adds
    in order), the recurrence bit for bit."""
    bb = b.contiguous().numpy()
    if h0 is not None:
        bb = np.concatenate([h0.contiguous().numpy()[:, None], bb], axis=1)
    out = np.cumsum(bb, axis=1, dtype=bb.dtype)
    return torch.from_numpy(out[:, 1:] if h0 is not None else out).clone()


def _hold_scan(a: torch.Tensor, b: torch.Tensor, h0: torch.Tensor | None) -> torch.Tensor:
    """Gates in {0, 1} and ``b = 0`` where the gate is 1: the state is ``b`` at the last gate-0
    step (``h0`` before any), a forward fill."""
    T = b.shape[1]
    steps = torch.arange(T).view(1, T, *([1] * (b.dim() - 2))).expand_as(b)
    last = torch.where(a == 1, torch.full_like(steps, -1), steps).cummax(dim=1).values
    held = torch.gather(b, 1, last.clamp(min=0))
    start = torch.zeros_like(b) if h0 is None else h0.unsqueeze(1).expand_as(b)
    return torch.where(last < 0, start, held)


class DiagonalSSMLayer(nn.Module):
    """One diagonal SSM layer ``h_t = a(x_t) ∘ h_{t-1} + b(x_t)``, ``z_t = φ(h_t, x_t)``.

    Parameters
    ----------
    a, b : Tensor of shape (vocab, d_state), or callable
        Gate and input. A tensor is a lookup table indexed by integer tokens (real or complex);
        a callable maps the layer input ``x`` (any shape ``(B, T, ...)``) to ``(B, T, d_state)``.
        Both must be of the same kind.
    readout : callable ``(h, x) -> z``, optional
        The position-wise map φ; ``h`` has shape ``(B, T, d_state)``, ``x`` is the layer input.
        Default: return ``h``.
    h0 : Tensor of shape (d_state,), optional
        Initial state (zeros by default).
    dtype : torch.float32 or torch.float64
        Working precision of the recurrence (complex tables use the matching complex dtype).
    name : str, optional
        A label for reports.
    d_state : int, optional
        State width of a callable layer (for reports); a table's width is its second dimension.
    scan : {"auto", "reference", "chunked"}
        ``"auto"`` uses the exact fast paths described in the module docstring where they apply
        and the sequential reference scan otherwise.
    """

    def __init__(self, a, b, readout: Readout | None = None, *, h0: torch.Tensor | None = None,
                 dtype: torch.dtype = torch.float32, name: str = "", d_state: int | None = None,
                 scan: str = "auto"):
        super().__init__()
        tables = isinstance(a, torch.Tensor), isinstance(b, torch.Tensor)
        if tables[0] != tables[1]:
            raise ValueError("a and b must both be lookup tables or both be callables")
        self.tabular = tables[0]
        if scan not in ("auto", "reference", "chunked"):
            raise ValueError(f"scan must be 'auto', 'reference' or 'chunked', got {scan!r}")
        self.scan = scan
        self.name = name
        self.readout = readout
        self._dtype = _check_dtype(dtype)
        if self.tabular:
            if a.ndim != 2 or a.shape != b.shape:
                raise ValueError(f"lookup tables a and b must both have shape (vocab, d_state), "
                                 f"got {tuple(a.shape)} and {tuple(b.shape)}")
            self.is_complex = a.is_complex() or b.is_complex()
            wdt = self.work_dtype
            self.register_buffer("a_table", a.detach().to(wdt).clone())
            self.register_buffer("b_table", b.detach().to(wdt).clone())
            self.d_state = int(a.shape[1])
            self.vocab_size = int(a.shape[0])
        else:
            if not (callable(a) and callable(b)):
                raise ValueError("a and b must be tensors (lookup tables) or callables")
            self.a_fn, self.b_fn = a, b
            self.is_complex = False  # decided at run time from the callables' outputs
            self.d_state = d_state
            self.vocab_size = None
        self.h0 = None if h0 is None else torch.as_tensor(h0).detach().clone()

    # ------------------------------------------------------------------ precision
    @property
    def dtype(self) -> torch.dtype:
        """The real working dtype (float32 or float64)."""
        return self._dtype

    @property
    def work_dtype(self) -> torch.dtype:
        return complex_dtype_for(self._dtype) if self.is_complex else self._dtype

    def set_dtype(self, dtype: torch.dtype) -> "DiagonalSSMLayer":
        """Switch the working precision in place (tables are re-cast); returns ``self``."""
        self._dtype = _check_dtype(dtype)
        if self.tabular:
            self.a_table = self.a_table.to(self.work_dtype)
            self.b_table = self.b_table.to(self.work_dtype)
        return self

    def gate_values(self) -> list:
        """The distinct gate values of a lookup-table layer (sorted; complex as Python complex)."""
        if not self.tabular:
            raise ValueError("gate values are only known statically for lookup-table layers")
        vals = torch.unique(self.a_table.flatten()) if not self.is_complex else self.a_table.flatten()
        out = {complex(v) if self.is_complex else float(v) for v in vals.tolist()}
        return sorted(out, key=lambda z: (complex(z).real, complex(z).imag))

    # ------------------------------------------------------------------ forward
    def gates_and_inputs(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``a(x)`` and ``b(x)``, both of shape ``(B, T, d_state)`` in the working dtype."""
        if self.tabular:
            if x.dtype not in (torch.int64, torch.int32, torch.int16, torch.uint8):
                raise ValueError("a lookup-table layer needs integer tokens of shape (B, T)")
            if x.numel() and (int(x.min()) < 0 or int(x.max()) >= self.vocab_size):
                raise ValueError(f"token ids must lie in [0, {self.vocab_size}), "
                                 f"got range [{int(x.min())}, {int(x.max())}]")
            x = x.long()
            return self.a_table[x], self.b_table[x]
        a, b = self.a_fn(x), self.b_fn(x)
        self.is_complex = a.is_complex() or b.is_complex()
        return a.to(self.work_dtype), b.to(self.work_dtype)

    def states(self, x: torch.Tensor, h0: torch.Tensor | None = None) -> torch.Tensor:
        """Every state ``h_1 .. h_T``, shape ``(B, T, d_state)``.

        ``h0`` (shape ``(B, d_state)`` or ``(d_state,)``) overrides the layer's initial state,
        e.g. to continue a long input chunk by chunk.
        """
        a, b = self.gates_and_inputs(x)
        a, b = torch.broadcast_tensors(a, b)
        if h0 is None and self.h0 is not None:
            h0 = self.h0
        if h0 is not None:
            h0 = torch.as_tensor(h0).to(b.dtype).expand(b.shape[0], *b.shape[2:])
        if self.scan == "reference" or b.shape[1] == 0:
            return linear_scan_ref(a, b, h0)
        if self.scan == "chunked":
            from ssm.scan.chunked import chunked_scan
            return chunked_scan(a, b, h0)
        if not b.is_complex():
            a = a.contiguous()
            b = b.contiguous()
            flat = b.dim() != 3
            if flat:                                   # channels along one axis
                shape = b.shape
                a, b = a.reshape(*shape[:2], -1), b.reshape(*shape[:2], -1)
                h0 = None if h0 is None else h0.reshape(shape[0], -1)
            ones = a == 1
            counter = ones.all(dim=1).all(dim=0)                                   # (d,)
            sethold = (ones | (a == 0)).all(dim=1).all(dim=0) \
                & ~(b.masked_fill(~ones, 0) != 0).any(dim=1).any(dim=0) & ~counter
            general = ~(counter | sethold)
            if bool(general.all()):
                out = linear_scan_ref(a, b, h0)
            else:
                # channels are independent (the gate is diagonal): each takes its exact path
                out = torch.empty_like(b)
                for mask, scan in ((counter, _cumsum_scan), (sethold, _hold_scan),
                                   (general, linear_scan_ref)):
                    idx = mask.nonzero().flatten()
                    if len(idx):
                        out[..., idx] = scan(a[..., idx], b[..., idx],
                                             None if h0 is None else h0[..., idx])
            return out.reshape(shape) if flat else out
        return linear_scan_ref(a, b, h0)

    def forward(self, x: torch.Tensor, h0: torch.Tensor | None = None,
                return_state: bool = False):
        """Run the layer: ``z`` (and the states ``h`` of shape ``(B, T, d_state)`` if asked)."""
        h = self.states(x, h0)
        z = h if self.readout is None else self.readout(h, x)
        return (z, h) if return_state else z

    def extra_repr(self) -> str:
        kind = "table" if self.tabular else "callable"
        return f"name={self.name!r}, a/b={kind}, d_state={self.d_state}, dtype={self._dtype}"


class DiagonalSSM(nn.Module):
    """A stack of :class:`DiagonalSSMLayer`: layer ℓ+1 reads layer ℓ's outputs ``z``.

    Parameters
    ----------
    layers : sequence of DiagonalSSMLayer
    embed : callable ``tokens -> x``, optional
        Position-wise map applied to the integer tokens ``(B, T)`` before the first layer.
    head : callable ``z -> y``, optional
        Position-wise map applied to the last layer's output (or to the embedding when there
        are no layers).
    """

    def __init__(self, layers: Sequence[DiagonalSSMLayer], embed: Callable | None = None,
                 head: Callable | None = None):
        super().__init__()
        self.layers = nn.ModuleList(layers)
        self.embed = embed
        self.head = head

    @property
    def widths(self) -> list[int]:
        """State width of every layer (``None`` where only known at run time)."""
        return [layer.d_state for layer in self.layers]

    def set_dtype(self, dtype: torch.dtype) -> "DiagonalSSM":
        for layer in self.layers:
            layer.set_dtype(dtype)
        return self

    def forward(self, tokens: torch.Tensor, return_states: bool = False):
        """Outputs of the head, shape ``(B, T, ...)``; with ``return_states`` also the list of
        every layer's states (each ``(B, T, d_state)``)."""
        z = tokens if self.embed is None else self.embed(tokens)
        states = []
        for layer in self.layers:
            z, h = layer(z, return_state=True)
            states.append(h)
        y = z if self.head is None else self.head(z)
        return (y, states) if return_states else y
